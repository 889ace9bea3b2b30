#include "analytics/topics.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.hpp"
#include "core/random.hpp"

using namespace rapport;
using namespace rapport::analytics;

namespace {

using Tokens = std::vector<std::string>;

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
    return std::vector<std::string_view>(texts.begin(), texts.end());
}

const TermCount* findTerm(const std::vector<TermCount>& terms, const std::string& term) {
    for (const TermCount& t : terms) {
        if (t.term == term) return &t;
    }
    return nullptr;
}

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("tokenizing English: lowercase, stop words, possessives, contractions") {
        CHECK(tokenize("The delivery was SLOW, and I don't like the app's new design!") ==
              Tokens{"delivery", "slow", "like", "app", "new", "design"});
        CHECK(tokenize("It\u2019s the customer\u2019s choice; 'quote' me") == Tokens{"customer", "choice", "quote"});
        CHECK(tokenize("rock'n'roll o'brien") == Tokens{"rock'n'roll", "o'brien"});  // apostrophes inside words
        CHECK(tokenize("wasn't isnt NEVER nothing") == Tokens{});                    // negations are stop words
        CHECK(tokenize("") == Tokens{});
        CHECK(tokenize("  ,;!  ") == Tokens{});
    }

    TEST_CASE("tokenizing French, German and Spanish: accents kept, stop words compared without them") {
        CHECK(
            tokenize(
                "L'\u00e9quipe \u00e9tait tr\u00e8s sympa, mais la livraison a \u00e9t\u00e9 LENTE \u00e0 No\u00cbl") ==
            Tokens{"\u00e9quipe", "sympa", "livraison", "lente", "no\u00ebl"});
        CHECK(tokenize("\u00c9T\u00c9 ete qu'il jusqu'au d'accord aujourd'hui") == Tokens{"accord", "aujourd'hui"});
        CHECK(
            tokenize("Der Kundenservice f\u00fcr Bestellungen \u00fcber das Portal ist GRO\u1e9eARTIG, Stra\u00dfe") ==
            Tokens{"kundenservice", "bestellungen", "portal", "gro\u00dfartig", "stra\u00dfe"});
        CHECK(tokenize("El servicio fue R\u00c1PIDO, pero la aplicaci\u00f3n no funciona. \u00a1Qu\u00e9 pena!") ==
              Tokens{"servicio", "r\u00e1pido", "aplicaci\u00f3n", "funciona", "pena"});
        CHECK(tokenize("\u0141\u00d3D\u0179 \u0152UVRE \u0130STANBUL \u0178VES") ==
              Tokens{"\u0142\u00f3d\u017a", "\u0153uvre", "istanbul", "\u00ffves"});
        CHECK(tokenize("\u039a\u0391\u039b\u0397 \u03a5\u03c0\u03b7\u03c1\u03b5\u03c3\u03af\u03b1 "
                       "\u041f\u0420\u0418\u0412\u0415\u0422 \u043c\u0438\u0440") ==
              Tokens{"\u03ba\u03b1\u03bb\u03b7", "\u03c5\u03c0\u03b7\u03c1\u03b5\u03c3\u03af\u03b1",
                     "\u043f\u0440\u0438\u0432\u0435\u0442", "\u043c\u0438\u0440"});
        CHECK(tokenize("\uff21\uff30\uff30 \uff14\uff47") == Tokens{"app", "4g"});  // fullwidth forms
    }

    TEST_CASE("tokenizing drops numbers, single characters, emoji and symbols") {
        CHECK(tokenize("Waited 45 minutes for order #12345 on 24/7 support, 4g 2x x 3.5") ==
              Tokens{"waited", "minutes", "order", "support", "4g", "2x"});
        CHECK(tokenize("Great app \U0001F44D\U0001F3FD\U0001F600 love it\u2764\uFE0F \u2605\u2605\u2605 \u20ac50") ==
              Tokens{"great", "app", "love"});
        CHECK(tokenize("\U0001F468\u200D\U0001F469\u200D\U0001F467 family") == Tokens{"family"});
    }

    TEST_CASE("tokenizing Chinese, Japanese and Korean into character bigrams") {
        CHECK(
            tokenize("\u670d\u52a1\u5f88\u597d\uff0c\u4f46\u662f\u4ef7\u683c\u592a\u8d35") ==  // 服务很好，但是价格太贵
            Tokens{"\u670d\u52a1", "\u52a1\u5f88", "\u5f88\u597d", "\u4f46\u662f", "\u662f\u4ef7", "\u4ef7\u683c",
                   "\u683c\u592a", "\u592a\u8d35"});
        CHECK(tokenize("\u914d\u9001\u304c\u9045\u3044\u3002") ==  // 配送が遅い。
              Tokens{"\u914d\u9001", "\u9001\u304c", "\u304c\u9045", "\u9045\u3044"});
        CHECK(tokenize("\u30a2\u30d7\u30ea\u306f\u4fbf\u5229") ==  // アプリは便利
              Tokens{"\u30a2\u30d7", "\u30d7\u30ea", "\u30ea\u306f", "\u306f\u4fbf", "\u4fbf\u5229"});
        CHECK(tokenize("\ubc30\uc1a1\uc774 \ub108\ubb34 \ub290\ub824\uc694") ==  // 배송이 너무 느려요
              Tokens{"\ubc30\uc1a1", "\uc1a1\uc774", "\ub108\ubb34", "\ub290\ub824", "\ub824\uc694"});
        CHECK(tokenize("\u597d") == Tokens{"\u597d"});  // one CJK character is kept
        CHECK(tokenize("iPhone\u5f88\u597d\u7528") == Tokens{"iphone", "\u5f88\u597d", "\u597d\u7528"});
    }

    TEST_CASE("tokenizing invalid UTF-8 never crashes and gives valid UTF-8") {
        CHECK(tokenize("bad\xFF"
                       "bytes") == Tokens{"bad", "bytes"});
        CHECK(tokenize("caf\xC3") == Tokens{"caf"});  // truncated sequence
        CHECK(tokenize("bad\xC0\xAFgood word\xED\xA0\x80salad") ==
              Tokens{"bad", "good", "word", "salad"});  // overlong, surrogate
        CHECK(tokenize("\x80\x80 lone continuation \xF5\x80\x80\x80") == Tokens{"lone", "continuation"});
        core::Random rng(1);
        std::string text;
        for (int round = 0; round < 3000; ++round) {
            text.clear();
            const auto length = rng.below(40);
            for (uint64_t k = 0; k < length; ++k) {
                // Mostly letters, spaces and lead bytes of multi-byte sequences, to reach every branch.
                static const unsigned char pool[] = {'a',  'b',  ' ',  '\'', 0xC3, 0xA9, 0xE4, 0xBD, 0xA0, 0xF0,
                                                     0x9F, 0x98, 0x80, 0xED, 0xFF, 0xC0, 0xCC, 0x81, 0xE2, 0x80};
                text += static_cast<char>(rng.uniform() < 0.5 ? pool[rng.below(sizeof pool)] : rng.below(256));
            }
            for (const std::string& token : tokenize(text)) {
                CHECK(!token.empty());
                CHECK(core::isValidUtf8(token));
            }
            CHECK(core::isValidUtf8(foldDiacritics(text)));
        }
    }

    TEST_CASE("folding diacritics for matching") {
        CHECK(foldDiacritics(
                  "Cr\u00e8me Br\u00fbl\u00e9e \u00c9T\u00c9 \u0141\u00f3d\u017a Stra\u00dfe \u00c6sir \u0152uvre") ==
              "Creme Brulee ETE Lodz Strasse AEsir OEuvre");
        CHECK(foldDiacritics("e\u0301te\u0301") == "ete");  // decomposed accents
        CHECK(foldDiacritics("Vi\u1ec7t Nam \u0111\u1eb9p") == "Viet Nam dep");
        CHECK(foldDiacritics("\u670d\u52a1 \u043c\u0438\u0440 plain") == "\u670d\u52a1 \u043c\u0438\u0440 plain");
    }

    TEST_CASE("term counts per NPS group on a hand example") {
        const std::vector<std::string> comments = {
            "Great service, friendly staff",        // promoter
            "Great app. Great service!",            // promoter: "great" counted once
            "Service was slow",                     // passive: "was" sits between, no phrase
            "Slow delivery and not helpful staff",  // detractor
            "Not helpful, slow slow slow",          // detractor
            "great delivery",                       // no score
        };
        const std::vector<int8_t> groups = {0, 0, 1, 2, 2, -1};
        const auto texts = views(comments);
        const auto terms = topTerms(texts, groups, 50, true);
        std::vector<std::string> order;
        for (const TermCount& t : terms) order.push_back(t.term);
        CHECK(order == std::vector<std::string>{"great", "service", "slow", "delivery", "great service", "helpful",
                                                "not helpful", "staff", "app", "friendly", "friendly staff",
                                                "great app", "great delivery", "helpful staff", "slow delivery"});
        const auto expect = [&](const std::string& term, int64_t p, int64_t pa, int64_t d, int64_t total) {
            CAPTURE(term);
            const TermCount* t = findTerm(terms, term);
            REQUIRE(t != nullptr);
            CHECK(t->promoters == p);
            CHECK(t->passives == pa);
            CHECK(t->detractors == d);
            CHECK(t->total == total);
        };
        expect("great", 2, 0, 0, 3);
        expect("service", 2, 1, 0, 3);
        expect("slow", 0, 1, 2, 3);
        expect("staff", 1, 0, 1, 2);
        expect("delivery", 0, 0, 1, 2);
        expect("great service", 2, 0, 0, 2);
        expect("not helpful", 0, 0, 2, 2);
        CHECK(findTerm(terms, "service friendly") == nullptr);  // a comma between them
        CHECK(findTerm(terms, "slow slow") == nullptr);
        CHECK(findTerm(terms, "not") == nullptr);

        SUBCASE("limit keeps the first terms of the ranking") {
            const auto top = topTerms(texts, groups, 5, true);
            REQUIRE(top.size() == 5);
            CHECK(top[4].term == "great service");
            CHECK(topTerms(texts, groups, 0, true).empty());
        }
        SUBCASE("words only") {
            const auto words = topTerms(texts, groups, 50, false);
            CHECK(words.size() == 8);
            for (const TermCount& t : words) CHECK(t.term.find(' ') == std::string::npos);
        }
    }

    TEST_CASE("phrases: hyphens join, punctuation, emoji and stop words separate") {
        const std::vector<std::string> comments = {"well-known brand", "customer service \U0001F621 team",
                                                   "app (beta) crash", "\u5f88\u597d\u7528 app"};
        const std::vector<int8_t> groups = {0, 1, 2, 0};
        const auto terms = topTerms(views(comments), groups, 100, true);
        CHECK(findTerm(terms, "well known") != nullptr);
        CHECK(findTerm(terms, "known brand") != nullptr);
        CHECK(findTerm(terms, "customer service") != nullptr);
        CHECK(findTerm(terms, "service team") == nullptr);
        CHECK(findTerm(terms, "app beta") == nullptr);
        CHECK(findTerm(terms, "beta crash") == nullptr);
        CHECK(findTerm(terms, "\u597d\u7528 app") == nullptr);  // CJK bigrams make no phrases
        CHECK(findTerm(terms, "\u5f88\u597d") != nullptr);
    }

    TEST_CASE("topic impact on a hand example: NPS of all minus NPS without the mentions") {
        const std::vector<std::string> comments = {
            "Fast delivery, great price",                            // 10 promoter
            "Great support team",                                    // 9  promoter
            "Delivery was late",                                     // 8  passive
            "Expensive and the DELIVERY was LATE",                   // 6  detractor
            "Customer-Service never answered",                       // 3  detractor
            "Terrible customer service and high prices",             // 0  detractor ("prices" is not "price")
            "delivery",                                              // no score: left out
            "ok, chocolate",                                         // 7  passive ("late" only as a whole word)
            "Livraison rapide, le d\u00e9lai et le prix sont bons",  // 10 promoter
        };
        const std::vector<float> scores = {10, 9, 8, 6, 3, 0, NAN, 7, 10};
        const std::vector<Topic> topics = {
            {"Delivery", {"delivery", "LIVRAISON", "late", "d\u00c9lai"}},
            {"Service", {"customer service", "support"}},
            {"Price", {"price", "Expensive", "prix"}},
            {"Billing", {"invoice"}},
            {"Nothing", {" ", "!!"}},
        };
        const auto texts = views(comments);
        const auto impact = topicImpact(texts, scores, topics);
        REQUIRE(impact.size() == 5);
        // All 8 scored answers: 3 promoters, 2 passives, 3 detractors: NPS 0.
        const TopicImpact& delivery = impact[0];
        CHECK(delivery.name == "Delivery");
        CHECK(delivery.mentions == 4);
        CHECK(delivery.promoters == 2);
        CHECK(delivery.passives == 1);
        CHECK(delivery.detractors == 1);
        CHECK(delivery.npsWith == doctest::Approx(25));
        CHECK(delivery.npsWithout == doctest::Approx(-25));  // 1 promoter, 1 passive, 2 detractors
        CHECK(delivery.impact == doctest::Approx(25));

        const TopicImpact& service = impact[1];
        CHECK(service.mentions == 3);
        CHECK(service.promoters == 1);
        CHECK(service.detractors == 2);
        CHECK(service.npsWith == doctest::Approx(-100.0 / 3));
        CHECK(service.npsWithout == doctest::Approx(20));
        CHECK(service.impact == doctest::Approx(-20));

        const TopicImpact& price = impact[2];
        CHECK(price.mentions == 3);
        CHECK(price.npsWith == doctest::Approx(100.0 / 3));
        CHECK(price.npsWithout == doctest::Approx(-20));
        CHECK(price.impact == doctest::Approx(20));

        CHECK(impact[3].mentions == 0);
        CHECK(std::isnan(impact[3].npsWith));
        CHECK(impact[3].npsWithout == doctest::Approx(0));
        CHECK(impact[3].impact == doctest::Approx(0));
        CHECK(impact[4].mentions == 0);

        CHECK(mentions(texts, topics[0]) ==
              std::vector<bool>{true, false, true, true, false, false, true, false, true});
        CHECK(mentions(texts, topics[1]) ==
              std::vector<bool>{false, true, false, false, true, true, false, false, false});
    }

    TEST_CASE("a topic every answer mentions has no NPS without it") {
        const std::vector<std::string> comments = {"app", "the APP", "app!"};
        const std::vector<float> scores = {10, 2, 9};
        const auto impact = topicImpact(views(comments), scores, {{"App", {"app"}}});
        REQUIRE(impact.size() == 1);
        CHECK(impact[0].mentions == 3);
        CHECK(impact[0].npsWith == doctest::Approx(100.0 / 3));
        CHECK(std::isnan(impact[0].npsWithout));
        CHECK(std::isnan(impact[0].impact));
    }

    TEST_CASE("with every answer's groups given, impact is over all answers, not only the commented ones") {
        // Three commented answers (promoter and detractor mention "app", a passive does not);
        // all answers: 6 promoters, 2 passives, 2 detractors.
        const std::vector<std::string> comments = {"love the app", "the app crashes", "fine"};
        const std::vector<float> scores = {10, 3, 8};
        const std::array<int64_t, 3> everyone = {6, 2, 2};
        const auto impact = topicImpact(views(comments), scores, {{"App", {"app"}}}, &everyone);
        REQUIRE(impact.size() == 1);
        CHECK(impact[0].mentions == 2);
        CHECK(impact[0].npsWith == doctest::Approx(0));
        // NPS of all 10 answers: (6 - 2) / 10 = 40; without the 2 mentions: (5 - 1) / 8 = 50.
        CHECK(impact[0].npsWithout == doctest::Approx(50));
        CHECK(impact[0].impact == doctest::Approx(-10));
        // Commented answers only: all = (1, 1, 1) -> 0; without = the passive alone -> 0.
        const auto commented = topicImpact(views(comments), scores, {{"App", {"app"}}});
        CHECK(commented[0].impact == doctest::Approx(0));
    }

    TEST_CASE("topic keywords in Chinese, Japanese and Korean match inside runs of characters") {
        const std::vector<std::string> comments = {"\u914d\u9001\u304c\u9045\u3044",          // 配送が遅い
                                                   "\u670d\u52a1\u5f88\u597d",                // 服务很好
                                                   "\ubc30\uc1a1\uc774 \ub2a6\uc5b4\uc694"};  // 배송이 늦어요
        const auto texts = views(comments);
        CHECK(mentions(texts, {"Delivery", {"\u914d\u9001", "\ubc30\uc1a1"}}) == std::vector<bool>{true, false, true});
        CHECK(mentions(texts, {"Good", {"\u5f88\u597d"}}) == std::vector<bool>{false, true, false});
    }

    TEST_CASE("term counts and topic impact over a million short comments") {
#ifdef __EMSCRIPTEN__
        const int64_t n = 200000;  // the Node run of this suite stays within seconds
#else
        const int64_t n = 1000000;
#endif
        static const char* const vocabulary[] = {
            "app",      "service", "great",   "price",    "support",   "team",      "fast",   "slow",    "easy",
            "good",     "bad",     "helpful", "staff",    "store",     "website",   "order",  "quality", "friendly",
            "product",  "love",    "the",     "was",      "and",       "very",      "not",    "is",      "it",
            "a",        "of",      "to",      "checkout", "account",   "login",     "update", "payment", "return",
            "shipping", "package", "box",     "size",     "caf\u00e9", "tr\u00e8s", "bien",   "schnell", "gut",
            "servicio", "bueno",   "10",      "5",        "!"};
        constexpr int vocabularySize = sizeof vocabulary / sizeof vocabulary[0];
        core::Random rng(2024);
        std::vector<std::string> comments(static_cast<size_t>(n));
        std::vector<int8_t> groups(static_cast<size_t>(n));
        std::vector<float> scores(static_cast<size_t>(n));
        // Words that occur only where we put them, so their counts are known exactly.
        std::array<int64_t, 3> refunds = {0, 0, 0}, late = {0, 0, 0}, all = {0, 0, 0};
        for (int64_t i = 0; i < n; ++i) {
            const int score = static_cast<int>(rng.below(11));
            scores[i] = static_cast<float>(score);
            const int group = score >= 9 ? 0 : score >= 7 ? 1 : 2;
            groups[i] = static_cast<int8_t>(group);
            ++all[group];
            std::string& text = comments[i];
            const int words = 3 + static_cast<int>(rng.below(8));
            for (int w = 0; w < words; ++w) {
                if (w > 0) text += ' ';
                text += vocabulary[rng.below(vocabularySize)];
            }
            if (rng.chance(0.1)) {
                text += ". Refund";
                ++refunds[group];
            }
            if (rng.chance(0.05)) {
                text += ", late delivery";
                ++late[group];
            }
        }
        const auto texts = views(comments);

        auto start = std::chrono::steady_clock::now();
        const auto terms = topTerms(texts, groups, 200, true);
        const double termSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        start = std::chrono::steady_clock::now();
        const auto impact = topicImpact(
            texts, scores, {{"Refunds", {"refund", "money back"}}, {"Delivery", {"late delivery", "shipping"}}});
        const double topicSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        MESSAGE("topTerms over " << n << " comments: " << termSeconds * 1000
                                 << " ms; topicImpact (2 topics): " << topicSeconds * 1000 << " ms");

        const TermCount* refund = findTerm(terms, "refund");
        REQUIRE(refund != nullptr);
        CHECK(refund->promoters == refunds[0]);
        CHECK(refund->passives == refunds[1]);
        CHECK(refund->detractors == refunds[2]);
        const TermCount* phrase = findTerm(terms, "late delivery");
        REQUIRE(phrase != nullptr);
        CHECK(phrase->total == late[0] + late[1] + late[2]);
        CHECK(phrase->detractors == late[2]);
        CHECK(findTerm(terms, "the") == nullptr);
        CHECK(findTerm(terms, "10") == nullptr);

        const int64_t total = all[0] + all[1] + all[2];
        const int64_t mentioned = refunds[0] + refunds[1] + refunds[2];
        CHECK(impact[0].mentions == mentioned);
        const double npsAll = 100.0 * static_cast<double>(all[0] - all[2]) / static_cast<double>(total);
        const double npsWithout = 100.0 * static_cast<double>((all[0] - refunds[0]) - (all[2] - refunds[2])) /
                                  static_cast<double>(total - mentioned);
        CHECK(impact[0].impact == doctest::Approx(npsAll - npsWithout));
        CHECK(impact[1].mentions > late[0] + late[1] + late[2]);  // "shipping" is in the vocabulary too
    }

}  // TEST_SUITE
