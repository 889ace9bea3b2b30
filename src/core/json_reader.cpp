// json_reader.cpp: the JSON value type and an iterative RFC 8259 parser.
//
// Contents
//   1. JsonValue: factories and accessors
//   2. Errors: line and column, what was found, the text around it
//   3. Parser: strings (escapes, surrogates, UTF-8), numbers, words
//   4. Parser: the value loop (an explicit stack instead of recursion)
//   5. parseJson

#include "core/json_reader.hpp"

#include <algorithm>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <type_traits>

namespace rapport::core {

// Parsed trees are built by moving values into growing vectors: a move that could throw
// would make std::vector copy whole subtrees instead.
static_assert(std::is_nothrow_move_constructible_v<JsonValue>);

// =========================================================================================
// 1. JsonValue: factories and accessors
// =========================================================================================

namespace {
const JsonValue& nullValue() {
    static const JsonValue value;
    return value;
}
}  // namespace

// Containers nested in containers are moved out to a flat list and destroyed from there,
// each once its own nested containers have been moved out: the default destructor would
// recurse once per level, and a few thousand levels overflow wasm's call stack.
void JsonValue::releaseNested() {
    std::vector<JsonValue> pending;
    const auto detachChildren = [&pending](JsonValue& v) {
        if (auto* elements = std::get_if<std::vector<JsonValue>>(&v.data_)) {
            for (JsonValue& e : *elements) {
                if (e.size() > 0) pending.push_back(std::move(e));
            }
        } else if (auto* members = std::get_if<std::vector<Member>>(&v.data_)) {
            for (Member& m : *members) {
                if (m.second.size() > 0) pending.push_back(std::move(m.second));
            }
        }
    };
    detachChildren(*this);
    while (!pending.empty()) {
        JsonValue v = std::move(pending.back());
        pending.pop_back();
        detachChildren(v);
    }
}

JsonValue JsonValue::makeBool(bool flag) {
    JsonValue v;
    v.data_.emplace<bool>(flag);
    return v;
}

JsonValue JsonValue::makeNumber(double number) {
    JsonValue v;
    v.data_.emplace<Number>(Number{number, 0, Whole::FromDouble});
    return v;
}

JsonValue JsonValue::makeInteger(int64_t number) {
    JsonValue v;
    v.data_.emplace<Number>(Number{static_cast<double>(number), number, Whole::Exact});
    return v;
}

JsonValue JsonValue::makeString(std::string text) {
    JsonValue v;
    v.data_.emplace<std::string>(std::move(text));
    return v;
}

JsonValue JsonValue::makeArray(std::vector<JsonValue> elements) {
    JsonValue v;
    v.data_.emplace<std::vector<JsonValue>>(std::move(elements));
    return v;
}

JsonValue JsonValue::makeObject(std::vector<Member> members) {
    JsonValue v;
    v.data_.emplace<std::vector<Member>>(std::move(members));
    return v;
}

bool JsonValue::boolean(bool fallback) const {
    const bool* flag = std::get_if<bool>(&data_);
    return flag ? *flag : fallback;
}

double JsonValue::number(double fallback) const {
    const Number* n = std::get_if<Number>(&data_);
    return n ? n->value : fallback;
}

int64_t JsonValue::integer(int64_t fallback) const {
    const Number* n = std::get_if<Number>(&data_);
    if (!n || n->whole == Whole::No) return fallback;
    if (n->whole == Whole::Exact) return n->exact;
    // 2^63 is exact as a double; every whole double below it in magnitude fits.
    constexpr double kLimit = 9223372036854775808.0;
    if (std::floor(n->value) != n->value || n->value < -kLimit || n->value >= kLimit) return fallback;
    return static_cast<int64_t>(n->value);
}

const std::string& JsonValue::string() const {
    static const std::string empty;
    const std::string* text = std::get_if<std::string>(&data_);
    return text ? *text : empty;
}

std::string JsonValue::stringOr(std::string_view fallback) const {
    const std::string* text = std::get_if<std::string>(&data_);
    return text ? *text : std::string(fallback);
}

const std::vector<JsonValue>& JsonValue::array() const {
    static const std::vector<JsonValue> empty;
    const auto* elements = std::get_if<std::vector<JsonValue>>(&data_);
    return elements ? *elements : empty;
}

const std::vector<JsonValue::Member>& JsonValue::members() const {
    static const std::vector<Member> empty;
    const auto* members = std::get_if<std::vector<Member>>(&data_);
    return members ? *members : empty;
}

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const Member& member : members()) {
        if (member.first == key) return &member.second;
    }
    return nullptr;
}

const JsonValue& JsonValue::operator[](std::string_view key) const {
    const JsonValue* value = find(key);
    return value ? *value : nullValue();
}

const JsonValue& JsonValue::operator[](size_t index) const {
    const std::vector<JsonValue>& elements = array();
    return index < elements.size() ? elements[index] : nullValue();
}

size_t JsonValue::size() const {
    if (isArray()) return array().size();
    if (isObject()) return members().size();
    return 0;
}

bool JsonValue::operator==(const JsonValue& other) const { return data_ == other.data_; }

// =========================================================================================
// 2. Errors: line and column, what was found, the text around it
// =========================================================================================

namespace {

// Length of the well-formed UTF-8 sequence at `i` (1 to 4), or 0: no overlong forms, no
// surrogates, nothing above U+10FFFF. `codePoint` receives the character.
size_t utf8Sequence(std::string_view text, size_t i, uint32_t& codePoint) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const unsigned char c = s[i];
    if (c < 0x80) {
        codePoint = c;
        return 1;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > text.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    codePoint = cp;
    return len;
}

std::string hex(uint32_t value, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*X", digits, static_cast<unsigned>(value));
    return buf;
}

// Line and column (both from 1) of byte `offset`. Columns count characters; CRLF, LF and a
// lone CR each end a line. Only called on the error path, so a scan from the start is fine.
std::pair<int64_t, int64_t> lineAndColumn(std::string_view text, size_t offset) {
    int64_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
            column = 1;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {  // continuation bytes belong to the character before
            ++column;
        }
    }
    return {line, column};
}

// What stands at `pos`, for messages: "'x'", "the end of the text", "control character U+0001".
std::string describeAt(std::string_view text, size_t pos) {
    if (pos >= text.size()) return "the end of the text";
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    if (c < 0x80) return "control character U+" + hex(c, 4);
    uint32_t cp = 0;
    const size_t len = utf8Sequence(text, pos, cp);
    if (len == 0) return "an invalid UTF-8 byte (0x" + hex(c, 2) + ")";
    return "'" + std::string(text.substr(pos, len)) + "' (U+" + hex(cp, 4) + ")";
}

// Up to ~24 bytes either side of `pos`, cut at character boundaries, with control
// characters and invalid bytes shown as '?' so the detail is printable.
std::string snippetAround(std::string_view text, size_t pos) {
    constexpr size_t kSide = 24;
    size_t begin = pos > kSide ? pos - kSide : 0;
    size_t end = std::min(text.size(), pos + kSide);
    while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
    std::string out;
    for (size_t i = begin; i < end;) {
        uint32_t cp = 0;
        const size_t len = utf8Sequence(text, i, cp);
        if (len == 0 || cp < 0x20 || cp == 0x7F) {
            out.push_back('?');
            i += 1;
        } else {
            out.append(text.substr(i, len));
            i += len;
        }
    }
    return out;
}

Error errorAt(std::string_view text, size_t pos, const std::string& what) {
    const auto [line, column] = lineAndColumn(text, pos);
    return makeError("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what,
                     "JSON byte offset " + std::to_string(pos) + ", near `" + snippetAround(text, pos) + "`");
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_'; }

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string& out, uint32_t cp) {
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

// An array or object being read. Frames are kept for reuse: elements collect in the
// frame's vectors, whose capacity stays, and each finished container gets one allocation
// of its exact size.
struct Frame {
    bool isObject = false;
    size_t open = 0;  // offset of its '[' or '{'
    std::vector<JsonValue> elements;
    std::vector<JsonValue::Member> members;
    std::string key;  // the name of the member whose value is being read
};

// The elements of `from`. A small container gets a vector of its exact size and `from`
// keeps its capacity for the next one; a large one takes the buffer itself (copying it
// would touch that much fresh memory again).
template <class T>
std::vector<T> takeAll(std::vector<T>& from) {
    if (from.size() >= 256) return std::move(from);
    std::vector<T> out(std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
    return out;
}

}  // namespace

// =========================================================================================
// 3. Parser: strings (escapes, surrogates, UTF-8), numbers, words
// =========================================================================================

// A friend of JsonValue, to record what it learns about numbers.
class JsonParser {
public:
    JsonParser(std::string_view text, const JsonOptions& options) : text_(text), options_(options) {}

    Result<JsonValue> run();

private:
    // Each step returns false after recording the first error in error_.
    bool fail(size_t pos, const std::string& what) {
        error_ = errorAt(text_, pos, what);
        return false;
    }
    bool atEnd() const { return pos_ >= text_.size(); }
    char peek() const { return atEnd() ? '\0' : text_[pos_]; }
    void skipWhitespace() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
            ++pos_;
        }
    }

    bool parseString(std::string& out);
    bool parseEscape(std::string& out);
    bool readHex4(size_t at, uint32_t& value);
    bool parseNumber(JsonValue& out);
    bool parseWord(JsonValue& out);
    bool parseScalar(JsonValue& out, const char* context);
    bool parseKey(std::string& key, bool afterComma);

    std::string_view text_;
    const JsonOptions& options_;
    size_t pos_ = 0;
    Error error_;
};

// At the opening quote. Runs of plain characters are copied in one append.
bool JsonParser::parseString(std::string& out) {
    const size_t open = pos_++;
    out.clear();
    const auto* s = reinterpret_cast<const unsigned char*>(text_.data());
    const size_t n = text_.size();
    for (;;) {
        size_t run = pos_;
        while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\') ++run;
        out.append(text_.data() + pos_, run - pos_);
        pos_ = run;
        if (pos_ >= n) return fail(open, "this string is never closed (a '\"' is missing)");
        const unsigned char c = s[pos_];
        if (c == '"') {
            ++pos_;
            return true;
        }
        if (c == '\\') {
            if (!parseEscape(out)) return false;
            continue;
        }
        if (c < 0x20) {
            return fail(pos_, "control character U+" + hex(c, 4) +
                                  " inside a string: write it as an escape (\\n, \\t, \\u00" + hex(c, 2) + "...)");
        }
        uint32_t cp = 0;
        const size_t len = utf8Sequence(text_, pos_, cp);
        if (len == 0) return fail(pos_, "invalid UTF-8 in a string (byte 0x" + hex(c, 2) + "); save the file as UTF-8");
        out.append(text_.data() + pos_, len);
        pos_ += len;
    }
}

bool JsonParser::readHex4(size_t at, uint32_t& value) {
    if (at + 4 > text_.size()) return false;
    value = 0;
    for (size_t i = at; i < at + 4; ++i) {
        const int digit = hexValue(text_[i]);
        if (digit < 0) return false;
        value = value * 16 + static_cast<uint32_t>(digit);
    }
    return true;
}

// At the backslash.
bool JsonParser::parseEscape(std::string& out) {
    const size_t at = pos_;
    if (at + 1 >= text_.size()) return fail(at, "the text ends inside an escape sequence");
    const char e = text_[at + 1];
    pos_ = at + 2;
    switch (e) {
        case '"':
            out.push_back('"');
            return true;
        case '\\':
            out.push_back('\\');
            return true;
        case '/':
            out.push_back('/');
            return true;
        case 'b':
            out.push_back('\b');
            return true;
        case 'f':
            out.push_back('\f');
            return true;
        case 'n':
            out.push_back('\n');
            return true;
        case 'r':
            out.push_back('\r');
            return true;
        case 't':
            out.push_back('\t');
            return true;
        case 'u':
            break;
        default:
            return fail(at, "invalid escape: '\\' followed by " + describeAt(text_, at + 1) +
                                " (valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)");
    }
    uint32_t cp = 0;
    if (!readHex4(at + 2, cp)) return fail(at, "expected four hexadecimal digits after \\u");
    pos_ = at + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return fail(
            at, "unpaired surrogate \\u" + hex(cp, 4) + ": a low surrogate must follow a high one (\\uD800-\\uDBFF)");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low = 0;
        if (pos_ + 1 >= text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u' || !readHex4(pos_ + 2, low) ||
            low < 0xDC00 || low > 0xDFFF) {
            return fail(at, "unpaired surrogate \\u" + hex(cp, 4) +
                                ": a high surrogate must be followed by a low one (\\uDC00-\\uDFFF)");
        }
        pos_ += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUtf8(out, cp);
    return true;
}

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? to a correctly rounded double. The text's
// value is digits x 10^power with the digits' trailing zeros moved into the power. Most
// numbers (digits up to 2^53, power within 10^±22) take Clinger's fast path: both factors are
// exact doubles, so one multiplication or division rounds correctly. The rest go to strtod,
// which in wasm is slow (software 128-bit long doubles). The same digits and power tell
// exactly whether the number is a whole int64, for integer().
bool JsonParser::parseNumber(JsonValue& out) {
    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const size_t start = pos_;
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (!isDigit(peek())) {
        if (peek() == 'I') return fail(start, "-Infinity is not a JSON number (write null, or a large number)");
        return fail(pos_, "expected a digit after '-', found " + describeAt(text_, pos_));
    }
    uint64_t digits = 0;       // the significant digits, while there are at most 19
    int64_t significant = 0;   // their count: no leading zeros, trailing zeros only once a digit follows
    int64_t pendingZeros = 0;  // zeros since the last non-zero digit
    int64_t fraction = 0;      // digits after the point
    auto digit = [&](char c) {
        if (c == '0') {
            if (significant > 0) ++pendingZeros;
            return;
        }
        significant += pendingZeros + 1;
        if (significant <= 19) {
            for (; pendingZeros > 0; --pendingZeros) digits *= 10;
            digits = digits * 10 + static_cast<uint64_t>(c - '0');
        }
        pendingZeros = 0;
    };
    if (peek() == '0') {
        ++pos_;
        if (isDigit(peek())) return fail(pos_ - 1, "numbers cannot have leading zeros (write 7, not 07)");
    } else {
        while (isDigit(peek())) digit(text_[pos_++]);
    }
    if (peek() == '.') {
        ++pos_;
        if (!isDigit(peek()))
            return fail(pos_, "expected a digit after the decimal point, found " + describeAt(text_, pos_));
        while (isDigit(peek())) {
            digit(text_[pos_++]);
            ++fraction;
        }
    }
    int64_t exponent = 0;
    if (peek() == 'e' || peek() == 'E') {
        ++pos_;
        bool negativeExponent = false;
        if (peek() == '+' || peek() == '-') negativeExponent = text_[pos_++] == '-';
        if (!isDigit(peek())) return fail(pos_, "expected a digit in the exponent, found " + describeAt(text_, pos_));
        while (isDigit(peek())) {
            // Past a billion the exact value no longer matters: the number is 0, inf or not whole.
            if (exponent < 1000000000) exponent = exponent * 10 + (text_[pos_] - '0');
            ++pos_;
        }
        if (negativeExponent) exponent = -exponent;
    }
    const int64_t power = exponent - fraction + pendingZeros;

    // Whole and within int64? With no trailing zeros in `digits`, a negative power means a
    // fraction; more than 19 digits means at least 10^19, beyond int64.
    JsonValue::Number number;
    number.whole = JsonValue::Whole::No;
    if (significant == 0) {
        number.whole = JsonValue::Whole::Exact;
    } else if (significant <= 19 && power >= 0 && power <= 18) {
        constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |INT64_MIN|
        uint64_t magnitude = digits;
        for (int64_t k = 0; k < power && magnitude <= kMaxMagnitude; ++k) {
            magnitude = magnitude > kMaxMagnitude / 10 ? kMaxMagnitude + 1 : magnitude * 10;
        }
        if (magnitude < kMaxMagnitude || (negative && magnitude == kMaxMagnitude)) {
            number.whole = JsonValue::Whole::Exact;
            number.exact = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
        }
    }

    if (significant == 0) {
        number.value = negative ? -0.0 : 0.0;
    } else if (significant <= 19 && digits <= (uint64_t{1} << 53) && power >= -22 && power <= 22) {
        const double value = static_cast<double>(digits);
        number.value = power < 0 ? value / kPow10[-power] : value * kPow10[power];
        if (negative) number.value = -number.value;
    } else {
        // strtod reads the locale's decimal point: give it that character.
        const std::string_view token = text_.substr(start, pos_ - start);
        std::string copy(token);
        const char point = *std::localeconv()->decimal_point;
        for (char& c : copy) {
            if (c == '.') c = point;
        }
        number.value = std::strtod(copy.c_str(), nullptr);
        if (!std::isfinite(number.value)) {
            std::string shown(token.substr(0, 40));
            if (token.size() > 40) shown += "...";
            return fail(start, "the number " + shown + " is too large (beyond about 1.8e308)");
        }
    }
    out.data_.emplace<JsonValue::Number>(number);
    return true;
}

// true, false, null; other words get a message that names them.
bool JsonParser::parseWord(JsonValue& out) {
    const size_t start = pos_;
    size_t end = pos_;
    while (end < text_.size() && isWordChar(text_[end])) ++end;
    const std::string_view word = text_.substr(start, end - start);
    if (word == "true" || word == "false") {
        out = JsonValue::makeBool(word == "true");
    } else if (word == "null") {
        out = JsonValue();
    } else if (word == "NaN" || word == "Infinity") {
        return fail(start, std::string(word) + " is not a JSON number (write null, or a large number)");
    } else {
        std::string shown(word.substr(0, 30));
        if (word.size() > 30) shown += "...";
        return fail(start, "expected a value, found '" + shown +
                               "' (strings need double quotes; literals are true, false and null)");
    }
    pos_ = end;
    return true;
}

// A value that is not an array or object, at pos_ (whitespace skipped). `context` names what
// came before, for the message when there is no value.
bool JsonParser::parseScalar(JsonValue& out, const char* context) {
    const char c = peek();
    if (c == '"') {
        std::string text;
        if (!parseString(text)) return false;
        out = JsonValue::makeString(std::move(text));
        return true;
    }
    if (c == '-' || isDigit(c)) return parseNumber(out);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return parseWord(out);
    if (c == '\'') return fail(pos_, "strings must be in double quotes, found '''");
    if (c == '/') return fail(pos_, "comments are not allowed in JSON");
    if (c == '+') return fail(pos_, "numbers cannot start with '+'");
    if (c == '.') return fail(pos_, "numbers must start with a digit (write 0.5, not .5)");
    if (c == ']' || c == '}') {
        if (std::string_view(context) == "after ','") {
            return fail(pos_,
                        std::string("expected a value after ',', found '") + c + "' (trailing commas are not allowed)");
        }
    }
    return fail(
        pos_, std::string("expected a value") + (*context ? " " : "") + context + ", found " + describeAt(text_, pos_));
}

// An object member's name and its ':' (whitespace before the name already skipped).
bool JsonParser::parseKey(std::string& key, bool afterComma) {
    const char c = peek();
    if (c != '"') {
        if (afterComma && c == '}')
            return fail(pos_, "expected a member name after ',', found '}' (trailing commas are not allowed)");
        if (c == '\'') return fail(pos_, "member names must be in double quotes, found '''");
        if (c == '/') return fail(pos_, "comments are not allowed in JSON");
        return fail(pos_, "expected a member name in double quotes, found " + describeAt(text_, pos_));
    }
    if (!parseString(key)) return false;
    skipWhitespace();
    if (peek() != ':') return fail(pos_, "expected ':' after the member name, found " + describeAt(text_, pos_));
    ++pos_;
    return true;
}

// =========================================================================================
// 4. Parser: the value loop (an explicit stack instead of recursion)
// =========================================================================================

Result<JsonValue> JsonParser::run() {
    if (text_.size() > options_.maxLength) {
        return makeError("The JSON text is too long: " + std::to_string(text_.size()) +
                         " bytes, more than the limit of " + std::to_string(options_.maxLength) + ".");
    }
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    std::vector<Frame> stack;
    size_t depth = 0;  // frames in use
    JsonValue value;
    const char* context = "";  // what came before the value expected next, for messages
    for (;;) {
        // A value is expected here.
        skipWhitespace();
        const char c = peek();
        if (c == '[' || c == '{') {
            if (static_cast<int64_t>(depth) >= options_.maxDepth) {
                return errorAt(
                    text_, pos_,
                    "arrays and objects are nested more than " + std::to_string(options_.maxDepth) + " deep");
            }
            if (depth == stack.size()) stack.emplace_back();
            Frame& frame = stack[depth++];
            frame.isObject = c == '{';
            frame.open = pos_++;
            skipWhitespace();
            if (peek() == (frame.isObject ? '}' : ']')) {
                ++pos_;
                value = frame.isObject ? JsonValue::makeObject({}) : JsonValue::makeArray({});
                --depth;
            } else if (frame.isObject) {
                if (!parseKey(frame.key, false)) return error_;
                context = "after ':'";
                continue;
            } else {
                context = "";
                continue;
            }
        } else if (!parseScalar(value, context)) {
            return error_;
        }

        // A value is complete: it goes into the innermost open container, and every
        // container that ends here is closed and goes into the one around it.
        for (bool expectValue = false; !expectValue;) {
            if (depth == 0) {
                skipWhitespace();
                if (!atEnd()) {
                    return errorAt(
                        text_, pos_,
                        "unexpected " + describeAt(text_, pos_) + " after the JSON value (only one value is allowed)");
                }
                return value;
            }
            Frame& frame = stack[depth - 1];
            if (frame.isObject)
                frame.members.emplace_back(std::move(frame.key), std::move(value));
            else
                frame.elements.push_back(std::move(value));
            skipWhitespace();
            const char close = frame.isObject ? '}' : ']';
            const char next = peek();
            if (next == ',') {
                ++pos_;
                skipWhitespace();
                if (frame.isObject && !parseKey(frame.key, true)) return error_;
                context = frame.isObject ? "after ':'" : "after ','";
                expectValue = true;
            } else if (next == close) {
                ++pos_;
                value = frame.isObject ? JsonValue::makeObject(takeAll(frame.members))
                                       : JsonValue::makeArray(takeAll(frame.elements));
                --depth;
            } else {
                const auto [line, column] = lineAndColumn(text_, frame.open);
                const std::string opened = std::string(frame.isObject ? "the object" : "the array") +
                                           " opened at line " + std::to_string(line) + ", column " +
                                           std::to_string(column);
                if (atEnd()) {
                    return errorAt(text_, pos_,
                                   "the text ends before " + opened + " is closed (a '" + close + "' is missing)");
                }
                return errorAt(
                    text_, pos_,
                    std::string("expected ',' or '") + close + "' in " + opened + ", found " + describeAt(text_, pos_));
            }
        }
    }
}

// =========================================================================================
// 5. parseJson
// =========================================================================================

Result<JsonValue> parseJson(std::string_view text, const JsonOptions& options) {
    return JsonParser(text, options).run();
}

}  // namespace rapport::core
