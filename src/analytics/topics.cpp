// topics.cpp: tokenizer, term counts and topic impact (see topics.hpp for the rules).
//
// Contents
//   1. UTF-8 and character classes
//   2. Case and diacritics
//   3. Stop words and negations
//   4. The scanner: text -> tokens
//   5. Term table: interned strings with dense ids
//   6. foldDiacritics, tokenize, topTerms
//   7. Topics: keyword matching, mentions, topicImpact
#include "analytics/topics.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace rapport::analytics {

namespace {

//-----------------------------------------------------------------------------
// 1. UTF-8 and character classes
//-----------------------------------------------------------------------------

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at text[i], advancing i. A malformed sequence (bad lead byte, missing or
// extra continuation bytes, overlong form, surrogate, above U+10FFFF) gives kInvalid and
// advances one byte, so the scan always moves on.
char32_t decode(std::string_view text, size_t& i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    int length = 0;
    char32_t cp = 0, minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, cp = lead & 0x1F, minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, cp = lead & 0x0F, minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, cp = lead & 0x07, minimum = 0x10000;
    } else {
        ++i;
        return kInvalid;
    }
    if (i + length > text.size()) {
        ++i;
        return kInvalid;
    }
    for (int k = 1; k < length; ++k) {
        const unsigned char next = byte(i + k);
        if ((next & 0xC0) != 0x80) {
            ++i;
            return kInvalid;
        }
        cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return kInvalid;
    }
    i += length;
    return cp;
}

// Out: std::string or std::vector<char> (the scanner's buffers are vectors: libc++'s
// std::string::push_back is not inlined, which made the scan four times slower in wasm).
template <class Out>
void encode(char32_t cp, Out& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

enum class CharClass : uint8_t {
    Letter,      // part of a word
    Digit,       // part of a word, but a word of digits only is dropped
    Mark,        // a combining mark: stays in the word it follows
    Ignore,      // invisible joiners and selectors: neither part of a word nor a break
    Apostrophe,  // part of a word between two letters or digits, a break otherwise
    Cjk,         // Han, Hiragana, Katakana, Hangul: split into bigrams
    Space,       // ends a word; the next word may form a phrase with it
    Hyphen,      // as Space
    Break,       // punctuation, symbols, emoji, control characters, invalid bytes
};

bool inRange(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

constexpr CharClass asciiClass(char32_t c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::Letter;
    if (c >= '0' && c <= '9') return CharClass::Digit;
    if (c == ' ' || c == '\t') return CharClass::Space;
    if (c == '-') return CharClass::Hyphen;
    if (c == '\'') return CharClass::Apostrophe;
    return CharClass::Break;
}

constexpr std::array<CharClass, 128> kAsciiClasses = [] {
    std::array<CharClass, 128> out{};
    for (char32_t c = 0; c < 128; ++c) out[c] = asciiClass(c);
    return out;
}();

bool isCjk(char32_t cp) {
    return inRange(cp, 0x1100, 0x11FF) || inRange(cp, 0x2E80, 0x2FDF) || inRange(cp, 0x3005, 0x3007) ||
           inRange(cp, 0x3021, 0x3029) || cp == 0x303B ||
           (inRange(cp, 0x3040, 0x30FF) && cp != 0x30A0 && cp != 0x30FB) || inRange(cp, 0x3100, 0x31FF) ||
           inRange(cp, 0x3400, 0x4DBF) || inRange(cp, 0x4E00, 0x9FFF) || inRange(cp, 0xA960, 0xA97F) ||
           inRange(cp, 0xAC00, 0xD7FF) || inRange(cp, 0xF900, 0xFAFF) || inRange(cp, 0xFF66, 0xFFDC) ||
           inRange(cp, 0x20000, 0x3FFFF);
}

// Unicode has no small table for this; these ranges cover the punctuation, symbols and
// emoji people type. Everything else above ASCII counts as a letter, which is right for
// the scripts written with spaces between words.
CharClass classify(char32_t cp) {
    if (cp < 0x80) return asciiClass(cp);
    if (cp == kInvalid) return CharClass::Break;
    if (isCjk(cp)) return CharClass::Cjk;
    if (cp < 0x100) {
        if (cp == 0xA0) return CharClass::Space;
        if (cp == 0xAD) return CharClass::Ignore;  // soft hyphen
        if (cp == 0xAA || cp == 0xB5 || cp == 0xBA) return CharClass::Letter;
        if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return CharClass::Break;
        return CharClass::Letter;
    }
    if (cp == 0x2BC || cp == 0x2018 || cp == 0x2019) return CharClass::Apostrophe;
    if (inRange(cp, 0x300, 0x36F) || inRange(cp, 0x1AB0, 0x1AFF) || inRange(cp, 0x1DC0, 0x1DFF) ||
        inRange(cp, 0xFE20, 0xFE2F)) {
        return CharClass::Mark;
    }
    if (inRange(cp, 0x660, 0x669) || inRange(cp, 0x6F0, 0x6F9) || inRange(cp, 0x966, 0x96F) ||
        inRange(cp, 0xFF10, 0xFF19)) {
        return CharClass::Digit;
    }
    if (inRange(cp, 0xFF21, 0xFF3A) || inRange(cp, 0xFF41, 0xFF5A)) return CharClass::Letter;  // fullwidth
    if (inRange(cp, 0x2000, 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000) return CharClass::Space;
    if (cp == 0x2010 || cp == 0x2011) return CharClass::Hyphen;
    if (inRange(cp, 0x200C, 0x200F) || inRange(cp, 0x2060, 0x206F) || inRange(cp, 0xFE00, 0xFE0F) || cp == 0xFEFF ||
        inRange(cp, 0x302A, 0x302F) || inRange(cp, 0xE0000, 0xE0FFF)) {
        return CharClass::Ignore;
    }
    if (cp == 0x37E || cp == 0x387 || inRange(cp, 0x55A, 0x55F) || cp == 0x589 || cp == 0x5BE || cp == 0x5C0 ||
        cp == 0x5C3 || cp == 0x5C6 || cp == 0x5F3 || cp == 0x5F4 || inRange(cp, 0x600, 0x60F) || cp == 0x61B ||
        inRange(cp, 0x61D, 0x61F) || inRange(cp, 0x66A, 0x66D) || cp == 0x6D4 || cp == 0x964 || cp == 0x965 ||
        inRange(cp, 0x2000, 0x2BFF) || inRange(cp, 0x2E00, 0x2E7F) || inRange(cp, 0x2FF0, 0x303F) ||
        inRange(cp, 0x3200, 0x33FF) || inRange(cp, 0x4DC0, 0x4DFF) || inRange(cp, 0xD800, 0xF8FF) ||
        inRange(cp, 0xFE10, 0xFE6F) || inRange(cp, 0xFF00, 0xFF65) || inRange(cp, 0xFFE0, 0xFFFF) ||
        inRange(cp, 0x1F000, 0x1FBFF) || cp >= 0xF0000) {
        return CharClass::Break;
    }
    return CharClass::Letter;
}

bool isWordChar(CharClass c) { return c == CharClass::Letter || c == CharClass::Digit; }

//-----------------------------------------------------------------------------
// 2. Case and diacritics
//-----------------------------------------------------------------------------

// Lowercase, plus the fullwidth and non-ASCII digit forms mapped to ASCII, so "ＡＢＣ" and
// "abc", "٣" and "3" are the same token.
char32_t normalizeChar(char32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp < 0x100) return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ? cp + 32 : cp;
    if (cp < 0x180) {
        if (cp == 0x130) return 'i';  // Turkish dotted capital I
        if (cp == 0x178) return 0xFF;
        if (cp < 0x138 || (cp >= 0x14A && cp < 0x178)) return (cp % 2 == 0) ? cp + 1 : cp;
        if ((cp >= 0x139 && cp < 0x149) || (cp >= 0x179 && cp < 0x17F)) return (cp % 2 == 1) ? cp + 1 : cp;
        return cp;
    }
    if (cp >= 0x386 && cp <= 0x3AB) {  // Greek
        if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;
        if (cp == 0x386) return 0x3AC;
        if (cp >= 0x388 && cp <= 0x38A) return cp + 37;
        if (cp == 0x38C) return 0x3CC;
        if (cp == 0x38E || cp == 0x38F) return cp + 63;
        return cp;
    }
    if (cp >= 0x400 && cp <= 0x42F) return cp < 0x410 ? cp + 80 : cp + 32;  // Cyrillic
    if (cp >= 0x1E00 && cp <= 0x1EFF) {                                     // Latin Extended Additional
        if (cp == 0x1E9E) return 0xDF;                                      // capital sharp s
        if (cp <= 0x1E95 || cp >= 0x1EA0) return (cp % 2 == 0) ? cp + 1 : cp;
        return cp;
    }
    if (cp >= 0xFF21 && cp <= 0xFF3A) return cp - 0xFF21 + 'a';
    if (cp >= 0xFF41 && cp <= 0xFF5A) return cp - 0xFF41 + 'a';
    if (cp >= 0xFF10 && cp <= 0xFF19) return cp - 0xFF10 + '0';
    if (cp >= 0x660 && cp <= 0x669) return cp - 0x660 + '0';
    if (cp >= 0x6F0 && cp <= 0x6F9) return cp - 0x6F0 + '0';
    if (cp >= 0x966 && cp <= 0x96F) return cp - 0x966 + '0';
    return cp;
}

// Base letters of U+00C0-U+017F and U+1E00-U+1EFF (generated from Unicode's canonical
// decompositions); '.' marks the code points handled in foldSpecial or kept as they are.
constexpr std::string_view kFoldLatin1AndExtendedA =
    "AAAAAA.CEEEEIIIIDNOOOOO.OUUUUY..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y"  // U+00C0
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi..JjKkkLlLlLlL"  // U+0100
    "lLlNnNnNnnNnOoOoOo..RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs"  // U+0140
    ;
constexpr std::string_view kFoldExtendedAdditional =
    "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMm"  // U+1E00
    "MmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVv"  // U+1E40
    "WwWwWwWwWwXxXxYyZzZzZzhtwy......AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEe"  // U+1E80
    "EeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy......"  // U+1EC0
    ;
static_assert(kFoldLatin1AndExtendedA.size() == 0x180 - 0xC0);
static_assert(kFoldExtendedAdditional.size() == 0x100);

// Letters whose base is two letters.
const char* foldSpecial(char32_t cp) {
    struct Special {
        char32_t cp;
        const char* base;
    };
    static constexpr Special kSpecials[] = {{0xC6, "AE"},  {0xE6, "ae"},  {0xDE, "TH"},  {0xFE, "th"},  {0xDF, "ss"},
                                            {0x132, "IJ"}, {0x133, "ij"}, {0x152, "OE"}, {0x153, "oe"}, {0x1E9E, "SS"}};
    for (const Special& special : kSpecials) {
        if (special.cp == cp) return special.base;
    }
    return nullptr;
}

bool isCombiningMark(char32_t cp) { return classify(cp) == CharClass::Mark; }

template <class Out>
void appendFolded(std::string_view text, Out& out) {
    for (size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            out.push_back(text[i++]);
            continue;
        }
        const char32_t cp = decode(text, i);
        if (cp == kInvalid || isCombiningMark(cp)) continue;
        if (const char* special = foldSpecial(cp)) {
            for (; *special; ++special) out.push_back(*special);
            continue;
        }
        char base = '.';
        if (cp >= 0xC0 && cp < 0x180) base = kFoldLatin1AndExtendedA[cp - 0xC0];
        if (cp >= 0x1E00 && cp < 0x1F00) base = kFoldExtendedAdditional[cp - 0x1E00];
        if (base != '.') {
            out.push_back(base);
        } else {
            encode(cp, out);
        }
    }
}

bool isAscii(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

//-----------------------------------------------------------------------------
// 3. Stop words and negations
//-----------------------------------------------------------------------------

enum class WordKind : uint8_t { Stop, Negation };

// Written without accents (they are compared folded) and with ASCII apostrophes, words
// separated by spaces. Words that carry an opinion ("bien", "plus", "trop", "like") are
// deliberately not here.
constexpr std::string_view kStopWords[] = {
    // English
    "about above after again against all also am an and any are as at be because been before being below between "
    "both but by can could did do does doing down during each either etc even ever every few for from further had "
    "has have having he her here hers herself him himself his how however if in into is it its itself just let me "
    "may might more most much must my myself now of off on once only or other our ours ourselves out over own quite "
    "rather really same shall she should since so some such than that the their theirs them themselves then there "
    "these they this those though through thus to too under until up upon us very via was we were what when where "
    "whether which while who whom whose why will with within would yet you your yours yourself yourselves i'm im "
    "i've ive i'll i'd you're you've you'll you'd he'd he'll she'd she'll we're we've we'll we'd they're they've "
    "they'll they'd that'll there'll should've would've could've might've must've ll re ve",
    // French
    "au aux avec ce ces cet cette ceci cela ca chez comme dans de des du elle elles en et eux il ils je la le les "
    "leur leurs lui ma mais meme mes moi mon nos notre nous on ou par pour qu que qui quoi sa se ses son sur ta te "
    "tes toi ton tu un une vos votre vous ete etre est sont suis es sommes etes ai as avons avez ont avait avaient "
    "etait etaient fait faire tres aussi alors donc car si tout tous toute toutes cest deja encore puis ici",
    // German
    "aber alle allem allen aller alles als also ans auch auf aus bei beim bin bis bist da damit dann das dass dein "
    "deine dem den der dich die dies diese diesem diesen dieser dieses dir doch dort durch ein eine einem einen "
    "einer eines er es etwas euch euer eure fur gegen habe haben hat hatte hier ich ihm ihn ihnen ihr ihre im ins "
    "ist ja jetzt kann konnen mein meine mich mir mit muss nach noch nun nur ob oder sehr sein seine sich sie sind "
    "soll sollte uber um und uns unser unsere unter vom von vor war waren weil wenn wer werden wie wieder wir wird "
    "wo wurde wurden zu zum zur zwar",
    // Spanish
    "al algo algunas algunos ante antes como con contra cual cuando del desde donde durante el ella ellas ellos "
    "entre era eran esa esas ese eso esos esta estaba estado estamos estan estar este esto estos estoy fue fueron "
    "ha han has hasta hay las lo los mas mi mis mucho muy nosotros os otra otro otros para pero por porque quien "
    "ser sido sobre soy su sus tambien tengo tiene tienen todo todos tus uno unos usted ustedes ya yo",
};

constexpr std::string_view kNegations[] = {
    // English, with and without the apostrophe people often leave out
    "not no nor never none nothing nobody nowhere cannot without don't doesn't didn't can't won't isn't aren't "
    "wasn't weren't haven't hasn't hadn't couldn't shouldn't wouldn't mustn't needn't ain't dont doesnt didnt cant "
    "wont isnt arent wasnt werent havent hasnt hadnt couldnt shouldnt wouldnt",
    // French, German, Spanish
    "ne pas jamais rien aucun aucune sans non ni guere nicht kein keine keinen keinem keiner keines nie niemals "
    "nichts ohne weder nunca nada ningun ninguna ninguno sin tampoco jamas",
};

// Built once from the constant lists above and never changed.
const std::unordered_map<std::string_view, WordKind>& stopWords() {
    static const std::unordered_map<std::string_view, WordKind> table = [] {
        std::unordered_map<std::string_view, WordKind> out;
        const auto add = [&](std::string_view list, WordKind kind) {
            while (!list.empty()) {
                const size_t end = std::min(list.find(' '), list.size());
                if (end > 0) out[list.substr(0, end)] = kind;
                list.remove_prefix(std::min(end + 1, list.size()));
            }
        };
        for (const std::string_view list : kStopWords) add(list, WordKind::Stop);
        for (const std::string_view list : kNegations) add(list, WordKind::Negation);  // wins over Stop
        return out;
    }();
    return table;
}

// French elided words before an apostrophe: l'avis, qu'il, jusqu'au.
constexpr std::string_view kElisions[] = {"l", "d",  "j",     "m",      "n",      "s",     "t",
                                          "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};

//-----------------------------------------------------------------------------
// 4. The scanner
//-----------------------------------------------------------------------------

enum class Mode {
    Terms,  // lowercase, stop words and short or numeric tokens marked, CJK bigrams
    Match,  // lowercase and folded, every token kept, CJK runs whole
};

enum class TokenKind : uint8_t { Word, Cjk, Stop, Negation, Dropped };

struct Token {
    size_t begin = 0;  // in Scanner::arena
    uint32_t size = 0;
    TokenKind kind = TokenKind::Word;
    bool joinsPrevious = false;  // only spaces or a hyphen since the previous token
};

// Turns one text into tokens; reused across texts so its buffers are allocated once.
class Scanner {
public:
    explicit Scanner(Mode mode) : mode_(mode) {}

    void scan(std::string_view text) {
        tokens.clear();
        arena.clear();
        word_.clear();
        cjk_.clear();
        joinable_ = false;
        apostrophe_ = false;
        for (size_t i = 0; i < text.size();) {
            // Most comments are mostly ASCII: one table lookup instead of decode and classify.
            const auto byte = static_cast<unsigned char>(text[i]);
            char32_t cp = byte;
            CharClass kind;
            if (byte < 0x80) {
                kind = kAsciiClasses[byte];
                ++i;
            } else {
                cp = decode(text, i);
                kind = classify(cp);
            }
            switch (kind) {
                case CharClass::Letter:
                case CharClass::Digit:
                    if (!cjk_.empty()) flushCjk();
                    if (cp < 0x80) {
                        word_.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
                    } else {
                        encode(normalizeChar(cp), word_);
                    }
                    break;
                case CharClass::Mark:
                    if (!word_.empty()) encode(cp, word_);
                    break;
                case CharClass::Ignore:
                    break;
                case CharClass::Apostrophe: {
                    size_t next = i;
                    if (!word_.empty() && next < text.size() && isWordChar(classify(decode(text, next)))) {
                        word_.push_back('\'');
                        apostrophe_ = true;
                    } else {
                        flush();
                        joinable_ = false;
                    }
                    break;
                }
                case CharClass::Cjk:
                    flushWord();
                    cjk_.push_back(cp);
                    break;
                case CharClass::Space:
                case CharClass::Hyphen:
                    flush();
                    break;
                case CharClass::Break:
                    flush();
                    joinable_ = false;
                    break;
            }
        }
        flush();
    }

    std::string_view text(const Token& token) const { return {arena.data() + token.begin, token.size}; }

    std::vector<Token> tokens;
    std::vector<char> arena;  // the tokens' text, end to end

private:
    void flush() {
        flushWord();
        flushCjk();
    }

    void push(std::string_view text, TokenKind kind) {
        tokens.push_back({arena.size(), static_cast<uint32_t>(text.size()), kind, joinable_ && !tokens.empty()});
        arena.insert(arena.end(), text.begin(), text.end());
        joinable_ = true;
    }

    void flushWord() {
        if (word_.empty()) return;
        std::string_view word(word_.data(), word_.size());
        if (apostrophe_) {
            for (const std::string_view prefix : kElisions) {
                if (word.size() > prefix.size() + 1 && word.substr(0, prefix.size()) == prefix &&
                    word[prefix.size()] == '\'') {
                    word.remove_prefix(prefix.size() + 1);
                    break;
                }
            }
            if (word.size() > 2 && word.substr(word.size() - 2) == "'s") word.remove_suffix(2);
            apostrophe_ = false;
        }
        if (mode_ == Mode::Match) {
            if (isAscii(word)) {
                push(word, TokenKind::Word);
            } else {
                folded_.clear();
                appendFolded(word, folded_);
                push({folded_.data(), folded_.size()}, TokenKind::Word);
            }
        } else {
            push(word, classifyWord(word));
        }
        word_.clear();
    }

    TokenKind classifyWord(std::string_view word) {
        int64_t characters = 0;
        bool hasLetter = false;
        for (size_t i = 0; i < word.size();) {
            const unsigned char c = static_cast<unsigned char>(word[i]);
            if (c < 0x80) {
                hasLetter = hasLetter || !((c >= '0' && c <= '9') || c == '\'');
                ++characters;
                ++i;
                continue;
            }
            hasLetter = true;
            if (!isCombiningMark(decode(word, i))) ++characters;
        }
        if (!hasLetter || characters <= 1) return TokenKind::Dropped;
        std::string_view key = word;
        if (!isAscii(word)) {
            folded_.clear();
            appendFolded(word, folded_);
            key = {folded_.data(), folded_.size()};
        }
        const auto& table = stopWords();
        const auto found = table.find(key);
        if (found == table.end()) return TokenKind::Word;
        return found->second == WordKind::Negation ? TokenKind::Negation : TokenKind::Stop;
    }

    void flushCjk() {
        if (cjk_.empty()) return;
        piece_.clear();
        if (mode_ == Mode::Match || cjk_.size() == 1) {
            for (const char32_t cp : cjk_) encode(cp, piece_);
            push({piece_.data(), piece_.size()}, TokenKind::Cjk);
        } else {
            for (size_t k = 0; k + 1 < cjk_.size(); ++k) {
                piece_.clear();
                encode(cjk_[k], piece_);
                encode(cjk_[k + 1], piece_);
                push({piece_.data(), piece_.size()}, TokenKind::Cjk);
            }
        }
        cjk_.clear();
    }

    Mode mode_;
    std::vector<char> word_;  // the word being read, normalized
    std::vector<char32_t> cjk_;
    std::vector<char> folded_, piece_;
    bool joinable_ = false;    // a token ended and only spaces or hyphens followed
    bool apostrophe_ = false;  // word_ has an apostrophe (elisions and 's to look at)
};

//-----------------------------------------------------------------------------
// 5. Term table
//-----------------------------------------------------------------------------

// Strings interned to dense ids (0, 1, 2... in order of first appearance), stored end to
// end in one buffer with an open-addressing index: no allocation per term, and lookups
// take a string_view (std::unordered_map<std::string> would build a string per lookup).
class TermTable {
public:
    int32_t intern(std::string_view text) {
        if ((begin_.size() + 1) * 2 > slots_.size()) grow();
        const uint64_t h = hash(text);
        size_t slot = h & mask_;
        while (slots_[slot] >= 0) {
            if (hashes_[slots_[slot]] == h && this->text(slots_[slot]) == text) return slots_[slot];
            slot = (slot + 1) & mask_;
        }
        const auto id = static_cast<int32_t>(begin_.size());
        slots_[slot] = id;
        begin_.push_back(arena_.size());
        length_.push_back(static_cast<uint32_t>(text.size()));
        hashes_.push_back(h);
        arena_.append(text);
        return id;
    }

    int32_t find(std::string_view text) const {
        if (slots_.empty()) return -1;
        const uint64_t h = hash(text);
        for (size_t slot = h & mask_; slots_[slot] >= 0; slot = (slot + 1) & mask_) {
            if (hashes_[slots_[slot]] == h && this->text(slots_[slot]) == text) return slots_[slot];
        }
        return -1;
    }

    std::string_view text(int32_t id) const { return {arena_.data() + begin_[id], length_[id]}; }
    int32_t size() const { return static_cast<int32_t>(begin_.size()); }

private:
    // FNV-1a, then a finalizer (murmur3's) so the low bits used for the slot are mixed.
    static uint64_t hash(std::string_view text) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        return h;
    }

    void grow() {
        const size_t size = std::max<size_t>(64, slots_.size() * 2);
        slots_.assign(size, -1);
        mask_ = size - 1;
        for (size_t id = 0; id < begin_.size(); ++id) {
            size_t slot = hashes_[id] & mask_;
            while (slots_[slot] >= 0) slot = (slot + 1) & mask_;
            slots_[slot] = static_cast<int32_t>(id);
        }
    }

    std::string arena_;
    std::vector<size_t> begin_;
    std::vector<uint32_t> length_;
    std::vector<uint64_t> hashes_;
    std::vector<int32_t> slots_;  // power-of-two size, -1 = empty, at most half full
    size_t mask_ = 0;
};

}  // namespace

//-----------------------------------------------------------------------------
// 6. foldDiacritics, tokenize, topTerms
//-----------------------------------------------------------------------------

std::string foldDiacritics(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    appendFolded(text, out);
    return out;
}

std::vector<std::string> tokenize(std::string_view text) {
    Scanner scanner(Mode::Terms);
    scanner.scan(text);
    std::vector<std::string> out;
    for (const Token& token : scanner.tokens) {
        if (token.kind == TokenKind::Word || token.kind == TokenKind::Cjk) out.emplace_back(scanner.text(token));
    }
    return out;
}

std::vector<TermCount> topTerms(std::span<const std::string_view> comments, std::span<const int8_t> groups, int limit,
                                bool phrases) {
    assert(groups.size() == comments.size());
    Scanner scanner(Mode::Terms);
    TermTable table;
    std::vector<std::array<int64_t, 4>> counts;  // promoters, passives, detractors, total
    std::vector<int64_t> lastComment;            // the last comment counted for each term
    std::string phrase;
    for (size_t c = 0; c < comments.size(); ++c) {
        const auto comment = static_cast<int64_t>(c);
        const int group = groups[c];
        const auto count = [&](std::string_view term) {
            const int32_t id = table.intern(term);
            if (id == static_cast<int32_t>(counts.size())) {
                counts.push_back({0, 0, 0, 0});
                lastComment.push_back(-1);
            }
            if (lastComment[id] == comment) return;  // once per comment
            lastComment[id] = comment;
            if (group >= 0 && group <= 2) ++counts[id][group];
            ++counts[id][3];
        };
        scanner.scan(comments[c]);
        const std::vector<Token>& tokens = scanner.tokens;
        for (size_t i = 0; i < tokens.size(); ++i) {
            const Token& token = tokens[i];
            if (token.kind != TokenKind::Word && token.kind != TokenKind::Cjk) continue;
            count(scanner.text(token));
            if (!phrases || i == 0 || token.kind != TokenKind::Word || !token.joinsPrevious) continue;
            const Token& previous = tokens[i - 1];
            if (previous.kind != TokenKind::Word && previous.kind != TokenKind::Negation) continue;
            // "slow slow slow" is emphasis, not a phrase.
            if (scanner.text(previous) == scanner.text(token)) continue;
            phrase.assign(scanner.text(previous));
            phrase += ' ';
            phrase.append(scanner.text(token));
            count(phrase);
        }
    }

    std::vector<int32_t> ids(static_cast<size_t>(table.size()));
    for (int32_t id = 0; id < table.size(); ++id) ids[id] = id;
    const size_t keep = std::min(ids.size(), static_cast<size_t>(std::max(limit, 0)));
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep), ids.end(),
                      [&](int32_t a, int32_t b) {
                          if (counts[a][3] != counts[b][3]) return counts[a][3] > counts[b][3];
                          return table.text(a) < table.text(b);
                      });
    std::vector<TermCount> out;
    out.reserve(keep);
    for (size_t i = 0; i < keep; ++i) {
        const auto& n = counts[ids[i]];
        out.push_back({std::string(table.text(ids[i])), n[0], n[1], n[2], n[3]});
    }
    return out;
}

//-----------------------------------------------------------------------------
// 7. Topics
//-----------------------------------------------------------------------------

namespace {

// The keywords of several topics, indexed by their first token so that a comment is read
// once whatever the number of keywords: one lookup per token.
class TopicMatcher {
public:
    explicit TopicMatcher(const std::vector<Topic>& topics) : scanner_(Mode::Match), topicCount_(topics.size()) {
        for (size_t t = 0; t < topics.size(); ++t) {
            for (const std::string& keyword : topics[t].keywords) {
                scanner_.scan(keyword);
                if (scanner_.tokens.empty()) continue;
                std::vector<std::string> words;
                for (const Token& token : scanner_.tokens) words.emplace_back(scanner_.text(token));
                if (words.size() == 1 && scanner_.tokens[0].kind == TokenKind::Cjk) {
                    cjkKeywords_.push_back({std::move(words[0]), t});
                    continue;
                }
                const int32_t first = firstWords_.intern(words[0]);
                if (first == static_cast<int32_t>(byFirstWord_.size())) byFirstWord_.emplace_back();
                byFirstWord_[first].push_back({std::move(words), t});
            }
        }
    }

    // hits[t] = 1 when the text mentions topic t.
    void match(std::string_view text, std::vector<char>& hits) {
        hits.assign(topicCount_, 0);
        scanner_.scan(text);
        const std::vector<Token>& tokens = scanner_.tokens;
        for (size_t i = 0; i < tokens.size(); ++i) {
            const std::string_view word = scanner_.text(tokens[i]);
            const int32_t first = firstWords_.find(word);
            if (first >= 0) {
                for (const Keyword& keyword : byFirstWord_[first]) {
                    if (!hits[keyword.topic] && followsAt(i, keyword.words)) hits[keyword.topic] = 1;
                }
            }
            if (tokens[i].kind != TokenKind::Cjk) continue;
            for (const CjkKeyword& keyword : cjkKeywords_) {
                if (!hits[keyword.topic] && word.find(keyword.text) != std::string_view::npos) hits[keyword.topic] = 1;
            }
        }
    }

private:
    struct Keyword {
        std::vector<std::string> words;
        size_t topic;
    };
    struct CjkKeyword {
        std::string text;
        size_t topic;
    };

    // Whether the keyword's words follow each other from token i on (the first one matched).
    bool followsAt(size_t i, const std::vector<std::string>& words) const {
        if (i + words.size() > scanner_.tokens.size()) return false;
        for (size_t k = 1; k < words.size(); ++k) {
            if (scanner_.text(scanner_.tokens[i + k]) != words[k]) return false;
        }
        return true;
    }

    Scanner scanner_;
    size_t topicCount_;
    TermTable firstWords_;
    std::vector<std::vector<Keyword>> byFirstWord_;
    std::vector<CjkKeyword> cjkKeywords_;
};

// 0 promoter (9-10), 1 passive (7-8), 2 detractor (0-6), -1 not an answer. Rounded to the
// nearest whole answer first, halves upwards, as countNps (nps.hpp) does: 6.5 is a passive.
int npsGroup(float score) {
    const double v = score;
    if (!(v >= 0.0 && v <= 10.0)) return -1;
    const double whole = std::floor(v + 0.5);
    if (whole >= 9) return 0;
    return whole >= 7 ? 1 : 2;
}

double nps(int64_t promoters, int64_t detractors, int64_t total) {
    if (total == 0) return std::numeric_limits<double>::quiet_NaN();
    return 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(total);
}

}  // namespace

std::vector<bool> mentions(std::span<const std::string_view> comments, const Topic& topic) {
    TopicMatcher matcher({topic});
    std::vector<bool> out(comments.size());
    std::vector<char> hits;
    for (size_t c = 0; c < comments.size(); ++c) {
        matcher.match(comments[c], hits);
        out[c] = hits[0] != 0;
    }
    return out;
}

std::vector<TopicImpact> topicImpact(std::span<const std::string_view> comments, std::span<const float> scores,
                                     const std::vector<Topic>& topics, const std::array<int64_t, 3>* everyone) {
    assert(scores.size() == comments.size());
    TopicMatcher matcher(topics);
    std::array<int64_t, 3> all = {0, 0, 0};
    std::vector<std::array<int64_t, 3>> counts(topics.size(), {0, 0, 0});
    std::vector<char> hits;
    for (size_t c = 0; c < comments.size(); ++c) {
        const int group = npsGroup(scores[c]);
        if (group < 0) continue;
        ++all[group];
        if (topics.empty()) continue;
        matcher.match(comments[c], hits);
        for (size_t t = 0; t < topics.size(); ++t) {
            if (hits[t]) ++counts[t][group];
        }
    }
    if (everyone != nullptr) {
        for (size_t g = 0; g < 3; ++g) all[g] = std::max(all[g], (*everyone)[g]);  // never fewer than the commented ones
    }
    const int64_t total = all[0] + all[1] + all[2];
    const double npsAll = nps(all[0], all[2], total);
    std::vector<TopicImpact> out;
    out.reserve(topics.size());
    for (size_t t = 0; t < topics.size(); ++t) {
        const auto& n = counts[t];
        TopicImpact impact;
        impact.name = topics[t].name;
        impact.promoters = n[0];
        impact.passives = n[1];
        impact.detractors = n[2];
        impact.mentions = n[0] + n[1] + n[2];
        impact.npsWith = nps(n[0], n[2], impact.mentions);
        impact.npsWithout = nps(all[0] - n[0], all[2] - n[2], total - impact.mentions);
        impact.impact = npsAll - impact.npsWithout;
        out.push_back(std::move(impact));
    }
    return out;
}

}  // namespace rapport::analytics
