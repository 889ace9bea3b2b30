#include "core/csv.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace rapport::core {

size_t utf8BomLength(std::string_view data) {
    return data.size() >= 3 && static_cast<unsigned char>(data[0]) == 0xEF &&
                   static_cast<unsigned char>(data[1]) == 0xBB && static_cast<unsigned char>(data[2]) == 0xBF
               ? 3
               : 0;
}

char detectCsvDelimiter(std::string_view sample) {
    constexpr std::array<char, 3> kCandidates = {',', ';', '\t'};
    constexpr int kLines = 20;
    sample.remove_prefix(utf8BomLength(sample));
    char best = ',';
    double bestScore = 0.0;
    for (const char delimiter : kCandidates) {
        // Fields per line for the first lines, quotes respected.
        std::vector<int> counts;
        int fields = 1;
        bool quoted = false;
        for (size_t i = 0; i < sample.size() && static_cast<int>(counts.size()) < kLines; ++i) {
            const char c = sample[i];
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == delimiter) ++fields;
            else if (!quoted && (c == '\n' || c == '\r')) {
                if (c == '\r' && i + 1 < sample.size() && sample[i + 1] == '\n') ++i;
                counts.push_back(fields);
                fields = 1;
            }
        }
        if (fields > 1 || counts.empty()) counts.push_back(fields);
        // Score: lines agreeing with the header's count, weighted by that count.
        const int header = counts.front();
        if (header < 2) continue;
        const auto agree = std::count(counts.begin(), counts.end(), header);
        const double score = static_cast<double>(agree) / static_cast<double>(counts.size()) * 1000.0 + header;
        if (score > bestScore) { bestScore = score; best = delimiter; }
    }
    return best;
}

CsvReader::CsvReader(std::string_view data, char delimiter) : data_(data), delimiter_(delimiter) {
    pos_ = utf8BomLength(data_);
    for (const unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('\n'),
                                  static_cast<unsigned char>('\r')})
        stops_[c] = true;
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
    if (pos_ >= data_.size()) return false;
    flags_ = CsvFlag_None;
    recordLine_ = line_;
    fields.clear();
    // Fields that are not a plain slice of the data (a quote inside a quoted field, text
    // after the closing quote) are unescaped into scratch_; their views are made once the
    // record is read, since scratch_ may move while it grows.
    scratch_.clear();
    unescaped_.clear();
    const char* data = data_.data();
    const size_t n = data_.size();
    for (;;) {
        if (pos_ < n && data[pos_] == '"') {
            // Quoted field: "" is a quote; delimiters and line breaks are text.
            ++pos_;
            const size_t begin = pos_;
            bool closed = false, escaped = false;
            size_t scratchBegin = 0;
            while (pos_ < n) {
                const size_t quote = data_.find('"', pos_);
                const size_t end = quote == std::string_view::npos ? n : quote;
                for (size_t i = pos_; i < end; ++i) {  // count line breaks inside the field
                    if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= n || data[i + 1] != '\n'))) ++line_;
                }
                if (escaped) scratch_.append(data + pos_, end - pos_);
                pos_ = end;
                if (quote == std::string_view::npos) break;
                if (pos_ + 1 < n && data[pos_ + 1] == '"') {
                    if (!escaped) {  // the first doubled quote: from here on the field is copied
                        escaped = true;
                        scratchBegin = scratch_.size();
                        scratch_.append(data + begin, pos_ - begin);
                    }
                    scratch_.push_back('"');
                    pos_ += 2;
                    continue;
                }
                ++pos_;  // the closing quote
                closed = true;
                break;
            }
            const size_t contentEnd = closed ? pos_ - 1 : pos_;
            if (!closed) {
                flags_ |= CsvFlag_UnterminatedQuote;
                if (escaped) unescaped_.push_back({fields.size(), scratchBegin, scratch_.size() - scratchBegin});
                fields.emplace_back(data + begin, contentEnd - begin);
                break;
            }
            // Anything between the closing quote and the next delimiter or line end.
            size_t end = pos_;
            while (end < n && !stops_[static_cast<unsigned char>(data[end])]) ++end;
            if (end > pos_) {
                flags_ |= CsvFlag_TextAfterClosingQuote;
                if (!escaped) {
                    escaped = true;
                    scratchBegin = scratch_.size();
                    scratch_.append(data + begin, contentEnd - begin);
                }
                scratch_.append(data + pos_, end - pos_);
                pos_ = end;
            }
            if (escaped) unescaped_.push_back({fields.size(), scratchBegin, scratch_.size() - scratchBegin});
            fields.emplace_back(data + begin, contentEnd - begin);
        } else {
            size_t end = pos_;
            while (end < n && !stops_[static_cast<unsigned char>(data[end])]) ++end;
            fields.emplace_back(data + pos_, end - pos_);
            pos_ = end;
        }
        // After a field: a delimiter, a line end, or the end of the data.
        if (pos_ >= n) break;
        const char c = data[pos_];
        if (c == delimiter_) {
            ++pos_;
            continue;
        }
        ++pos_;  // '\n' or '\r'
        if (c == '\r' && pos_ < n && data[pos_] == '\n') ++pos_;
        ++line_;
        break;
    }
    for (const Unescaped& u : unescaped_) fields[u.field] = std::string_view(scratch_).substr(u.offset, u.length);
    return true;
}

bool CsvReader::next(std::vector<std::string>& fields) {
    if (!next(views_)) return false;
    fields.resize(views_.size());
    for (size_t i = 0; i < views_.size(); ++i) fields[i].assign(views_[i]);
    return true;
}

namespace {
// Length of the well-formed UTF-8 sequence at text[i], or 0.
size_t utf8SequenceLength(std::string_view text, size_t i) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const unsigned char c = s[i];
    if (c < 0x80) return 1;
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (i + len > n) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}
}  // namespace

std::string toValidUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const size_t len = utf8SequenceLength(text, i);
        if (len == 0) { out += "\xEF\xBF\xBD"; ++i; }
        else { out.append(text.data() + i, len); i += len; }
    }
    return out;
}

bool isValidUtf8(std::string_view text) {
    // ASCII (most cells) eight bytes at a time, then byte by byte from the first non-ASCII.
    size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        uint64_t word = 0;
        std::memcpy(&word, text.data() + i, 8);
        if ((word & 0x8080808080808080ull) != 0) break;
    }
    while (i < text.size()) {
        const size_t len = utf8SequenceLength(text, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

void appendCsvField(std::string& out, std::string_view field, char delimiter) {
    const bool quote = field.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos ||
                       (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (const char c : field) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void appendCsvRecord(std::string& out, const std::vector<std::string>& fields, char delimiter) {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out.push_back(delimiter);
        appendCsvField(out, fields[i], delimiter);
    }
    out += "\r\n";
}

}  // namespace rapport::core
