// topics.hpp: what customers write about. Words and two-word phrases counted per NPS group
// (promoters, passives, detractors), and user-defined topics (a name plus keywords) with
// each topic's impact on NPS.
//
// Tokenizing (UTF-8; invalid bytes are separators, never a crash):
// - lowercase ASCII, Latin-1, Latin Extended-A and Additional, Greek and Cyrillic; accents
//   are kept (“café”); fullwidth ASCII letters and digits become ASCII;
// - a token is a run of letters and digits; an apostrophe (' ’ ‘ ʼ) between two of them is
//   part of the word, written ' ("don't"); French elisions are dropped (l'avis -> avis,
//   qu'il -> il) and so is the English possessive 's (company's -> company);
// - Chinese, Japanese and Korean (Han, Hiragana, Katakana, Hangul) have no spaces to
//   split on: each run of those characters becomes its overlapping character bigrams
//   (“服务很好” -> 服务 务很 很好), a run of one character stays as it is;
// - dropped: tokens of one character (except CJK), numbers-only tokens, and stop words
//   (English, French, German, Spanish; compared without accents, so “été” and “ete” are
//   both stopped). Negations (“not”, “don't”, “pas”, “nicht”, “nunca”...) are stop words too,
//   but may start a phrase: “not helpful” is a phrase, “not” alone is not a term.
// - a phrase is two tokens that follow each other in the text, separated only by spaces
//   or a hyphen (no punctuation, no dropped word between them): “the delivery was slow”
//   gives no “delivery slow”. CJK bigrams do not form phrases (two overlapping bigrams are
//   just a trigram).
//
// Topic keywords match whole words or phrases, ignoring case and accents (the same
// tokenizer without stop words, so “customer service” matches “Customer-Service”); a CJK
// keyword matches anywhere inside a run of CJK characters, since they have no word breaks.
//
// NPS groups from a 0-10 score, rounded to the nearest whole answer (halves up) as nps.hpp
// does: 9-10 promoter, 7-8 passive, 0-6 detractor. NPS = % promoters - % detractors.
#pragma once

#include <cstdint>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::analytics {

// Removes diacritics from Latin letters (é -> e, É -> E, ß -> ss, æ -> ae, ø -> o, ł -> l)
// and drops combining marks (U+0300-U+036F); case is kept, other text is copied as is.
// Invalid UTF-8 bytes are dropped.
std::string foldDiacritics(std::string_view text);

// The tokens of a text as topTerms counts them (stop words and short or numeric tokens
// removed, CJK as bigrams), in order.
std::vector<std::string> tokenize(std::string_view text);

struct TermCount {
    std::string term;  // a token, or two tokens separated by one space
    // Comments that contain the term at least once (a comment repeating a word counts once).
    int64_t promoters = 0, passives = 0, detractors = 0;
    int64_t total = 0;  // all comments containing it, including those with no group
};

// groups: per comment, 0 promoter, 1 passive, 2 detractor; any other value counts in total
// only (e.g. a comment without a score). The `limit` terms in the most comments (words and,
// when `phrases`, two-word phrases, ranked together), ties by term (byte order).
std::vector<TermCount> topTerms(std::span<const std::string_view> comments, std::span<const int8_t> groups,
                                int limit = 50, bool phrases = true);

struct Topic {
    std::string name;
    // A comment mentions the topic when it contains any keyword as a whole word or phrase,
    // case- and accent-insensitive. Keywords with no word in them are ignored.
    std::vector<std::string> keywords;
};

struct TopicImpact {
    std::string name;
    // Among the responses with a score from 0 to 10 (others are left out of every figure):
    int64_t mentions = 0;   // responses that mention the topic = promoters + passives + detractors
    double npsWith = 0;     // NPS of the responses that mention it (NaN when none does)
    double npsWithout = 0;  // NPS of the others (NaN when every response mentions it)
    double impact = 0;      // NPS(all) - npsWithout: negative when the topic pulls NPS down (NaN as npsWithout)
    int64_t promoters = 0, passives = 0, detractors = 0;  // among the responses that mention it
};

// One result per topic, in the order given. scores: one per comment, 0-10 (NaN: no score).
// everyone: the promoters, passives and detractors among all the answers the comments come
// from, with a comment or not; NPS(all) and npsWithout are then over all those answers (the
// ones without a comment mention no topic). Null: over the commented answers only.
std::vector<TopicImpact> topicImpact(std::span<const std::string_view> comments, std::span<const float> scores,
                                     const std::vector<Topic>& topics, const std::array<int64_t, 3>* everyone = nullptr);

// Per comment, whether it mentions the topic.
std::vector<bool> mentions(std::span<const std::string_view> comments, const Topic& topic);

}  // namespace rapport::analytics
