// csv.hpp: reading and writing CSV as RFC 4180 describes it, and as real exports bend it.
//
// Reading is lenient where data can still be understood and says so: a field may be
// quoted ("a, ""b"""), quoted fields may hold delimiters, quotes and line breaks, lines
// end in LF or CRLF (or a lone CR), a UTF-8 byte-order mark is skipped. A stray quote
// inside an unquoted field is kept as text; text after a closing quote is kept and
// flagged; a quote left open at the end of the file ends the record and is flagged.
// No input, however malformed, makes the reader fail, loop or read out of bounds.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::core {

// What the reader noticed about the record it returned last.
enum CsvFlags : unsigned {
    CsvFlag_None = 0,
    CsvFlag_TextAfterClosingQuote = 1u << 0,  // "abc"def
    CsvFlag_UnterminatedQuote = 1u << 1,      // a quote still open at the end of the file
};

// Picks the delimiter (',' ';' or '\t') that splits the first lines of `sample` into the
// most consistent number of fields, counting only outside quotes. ',' when undecided.
char detectCsvDelimiter(std::string_view sample);

// Length of a UTF-8 byte-order mark at the start of `data` (3) or 0.
size_t utf8BomLength(std::string_view data);

class CsvReader {
public:
    // `data` must outlive the reader. A leading UTF-8 BOM is skipped.
    explicit CsvReader(std::string_view data, char delimiter = ',');

    // Reads the next record into `fields`. Returns false at the end of the data. A blank
    // line is a record with one empty field. The views point into the data or, for a
    // field with an escaped quote, into the reader: valid until the next call.
    bool next(std::vector<std::string_view>& fields);
    // The same, copied into `fields` (reusing their strings' storage).
    bool next(std::vector<std::string>& fields);

    // 1-based line number on which the last record started (counts LF, CRLF and CR).
    int64_t recordLine() const { return recordLine_; }
    // Bytes consumed so far, for progress.
    size_t offset() const { return pos_; }
    size_t size() const { return data_.size(); }
    unsigned flags() const { return flags_; }
    char delimiter() const { return delimiter_; }

private:
    std::string_view data_;
    size_t pos_ = 0;
    char delimiter_;
    int64_t line_ = 1;
    int64_t recordLine_ = 0;
    unsigned flags_ = CsvFlag_None;
    std::array<bool, 256> stops_{};  // the delimiter, CR and LF: where an unquoted field ends
    struct Unescaped { size_t field, offset, length; };
    std::string scratch_;                 // fields that are not a slice of the data
    std::vector<Unescaped> unescaped_;
    std::vector<std::string_view> views_;  // for the copying next()
};

// True if `text` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool isValidUtf8(std::string_view text);
// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, so
// it can be shown and written out safely.
std::string toValidUtf8(std::string_view text);

// Appends one field, quoted when it holds the delimiter, a quote, CR or LF, or starts
// or ends with a space.
void appendCsvField(std::string& out, std::string_view field, char delimiter = ',');
// Appends fields separated by the delimiter and ends the line with CRLF (RFC 4180).
void appendCsvRecord(std::string& out, const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace rapport::core
