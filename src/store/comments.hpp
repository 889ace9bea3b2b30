// comments.hpp: searching survey comments (full text, with filters), reading all comments
// in slices (topic counts), and the hooks bulk writers use to index comments once.
//
// The index (migration 4). Two SQLite FTS5 tables over survey_responses.comment, both
// external-content (they keep no copy of the text) and kept in step by triggers:
// - comment_words, tokenizer unicode61 with remove_diacritics 2: every non-empty comment,
//   as words folded to lower case without accents ("cafe" finds "Café", "uber" "Über").
// - comment_cjk, tokenizer trigram (case_sensitive 0, remove_diacritics 1): only comments
//   with Chinese, Japanese or Korean characters. unicode61 keeps a run of CJK characters
//   as one token ("服务很好" is a single word), so a word index cannot find "服务" in it;
//   trigrams find any substring of 3 or more characters.
// Why not trigram alone: on 1,000,000 generated comments (56 MB of text, page VFS,
// native), a trigram index of all comments took 172 MB against 34-38 MB for words, built
// in 9.0 s against 1.2 s, cost ~34 us against ~15 us a row through triggers, and counted
// a word's matches 5-10x slower (a word is a phrase of trigrams); it also matches inside
// words ("art" in "start"). CJK comments are a minority in most data, so a trigram table
// of only those costs little (1.7 MB for 36,000). Both tables also index the answer's
// kind, so "NPS only" is part of the full-text query, not a lookup of every match.
//
// Search semantics (searchComments):
// - The text is split on spaces; "double quotes" keep a phrase. Every word or phrase must
//   match (AND; the first 32 count). Nothing the user types is FTS syntax: each term is
//   tokenized by us and quoted, so * : ( ) - NEAR AND OR NOT are plain words or
//   separators, never an error. Punctuation alone filters nothing.
// - A word matches words that begin with it ("deliver" finds "delivery", "cafe" "Café"),
//   from 3 characters on; shorter words and quoted phrases match whole words.
// - A term with CJK characters matches as a substring of any length: from 3 characters
//   through the trigrams, 1-2 characters ("服务", Korean "고객") by reading the comments
//   comment_cjk holds (fast while they are a small share; at a million CJK comments,
//   about as slow as a full scan).
// - Results are newest first (answered_at, then id, descending), also with text: a rank
//   says little about one-line comments, and dates keep paging stable.
// - highlights are byte ranges in the comment of each matched word (the whole word for a
//   prefix match), phrase or substring, sorted and merged, on UTF-8 character boundaries,
//   found with the index's own tokenizers.
//
// How a search runs: the full-text tables give the matching rowids (a few ms for 100,000
// matches). Without other filters their number is the total, and the page comes from
// walking the comments index (survey_responses_comments: newest first, covering every
// filter) until it has seen offset + limit matches. With filters, one walk through the
// rows the filters keep counts the matches and finds the page, unless those rows are many
// more than the matches: then each match is looked up (about five walk steps each).
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace rapport::store {

// ---- Search ---------------------------------------------------------------------------

struct CommentQuery {
    std::string text;          // as typed; "" for no text filter
    int group = -1;            // NPS answers only: -1 any, 0 promoters (9-10), 1 passives (7-8), 2 detractors (0-6)
    std::string kind = "nps";  // nps, csat, ces or "" for all
    double minScore = NAN, maxScore = NAN;  // inclusive; NaN: open
    std::string from, to;                   // ISO dates, inclusive; "" open
    int64_t segmentId = 0;                  // only customers of this saved segment; 0: any
    std::vector<int64_t> customerIds;       // only these customers; empty: all
    int limit = 100;                        // hits per page (at most 10,000)
    int offset = 0;
};

struct CommentHit {
    int64_t responseId = 0, customerId = 0;
    std::string customerExternalId, customerName;
    std::string answeredAt;
    std::string kind;
    double score = 0;
    std::string comment;
    std::vector<std::pair<int, int>> highlights;  // byte ranges [start, end) in comment
};

struct CommentPage {
    std::vector<CommentHit> hits;
    int64_t total = 0;  // every matching comment, not only this page
    double millis = 0;  // time the search took
};

// The comments that match, newest first. Errors: a kind, group or date that is not valid.
core::Result<CommentPage> searchComments(Db& db, const CommentQuery& query);

// ---- All comments, in slices ------------------------------------------------------------

// Reads comments (non-empty) in response id order, a slice per step, so a job can count
// topics over a million comments without holding a statement open between frames.
class CommentReader {
public:
    // kind: nps, csat, ces or "" for all. responseIds: only these responses (any order,
    // duplicates ignored); empty: all.
    static core::Result<std::unique_ptr<CommentReader>> begin(Db& db, std::string kind,
                                                              std::vector<int64_t> responseIds = {});
    // Reads up to maxRows more comments into the slice below (replacing the last one).
    // True while more may remain; the slice of the last step may hold rows too.
    core::Result<bool> step(int64_t maxRows);

    const std::vector<int64_t>& ids() const { return ids_; }
    const std::vector<std::string>& texts() const { return texts_; }
    const std::vector<double>& scores() const { return scores_; }
    const std::vector<std::string>& kinds() const { return kinds_; }
    int64_t rowsRead() const { return rowsRead_; }
    double progress() const;  // 0..1

private:
    CommentReader(Db& db, std::string kind, std::vector<int64_t> responseIds);
    Db* db_;
    std::string kind_;
    std::vector<int64_t> only_;  // sorted, unique
    size_t nextOnly_ = 0;        // next position in only_
    int64_t lastId_ = 0, maxId_ = 0;
    bool done_ = false;
    int64_t rowsRead_ = 0;
    std::vector<int64_t> ids_;
    std::vector<std::string> texts_;
    std::vector<double> scores_;
    std::vector<std::string> kinds_;
};

// ---- Bulk writes --------------------------------------------------------------------------

// Indexing comment by comment through the triggers costs ~25-60 us a row natively (FTS5
// writes its pending terms at every statement of a transaction, then merges them). Bulk
// writers into an EMPTY survey_responses (import, demo data) pause it inside their
// transaction and index every comment at once when they finish: a million answers import
// in ~6 s instead of ~18 s; the index itself builds in ~1.2-2 s.
struct PausedCommentIndex {
    std::vector<std::string> triggers;  // their CREATE statements, as the schema has them
};
// Drops the comment triggers (in the caller's transaction: a rollback brings them back).
core::Result<PausedCommentIndex> pauseCommentIndex(Db& db);
// Re-creates them and rebuilds the comment index from survey_responses (nothing when
// there was nothing to pause).
core::Status resumeCommentIndex(Db& db, const PausedCommentIndex& paused);
// Empties and rebuilds both comment tables from survey_responses.
core::Status rebuildCommentIndex(Db& db);

// True for a code point of the CJK ranges migration 4 indexes with trigrams.
bool isCjk(char32_t c);

}  // namespace rapport::store
