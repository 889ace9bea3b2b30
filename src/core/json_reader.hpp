// json_reader.hpp: reads JSON (RFC 8259) back into a small value tree: saved model
// parameters and metrics, and the options the browser automation hook passes in. The
// counterpart of json_writer.hpp. Strict: what JsonWriter writes reads back, and text that
// is not JSON (comments, trailing commas, NaN, invalid UTF-8...) is an error whose message
// says what is wrong and where. Hostile input cannot exhaust the stack: the parser is
// iterative and nesting is limited.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace rapport::core {

// One JSON value. Accessors never fail: asked for the wrong type they return the
// fallback (or an empty string, array or member list), so reading optional fields of a
// document stays short: `doc["model"]["k"].integer(6)`.
class JsonValue {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Member = std::pair<std::string, JsonValue>;

    JsonValue() = default;  // null
    // Destruction is iterative (a deep tree cannot overflow the stack); copies recurse.
    ~JsonValue() {
        if (isArray() || isObject()) releaseNested();
    }
    JsonValue(JsonValue&&) noexcept = default;
    JsonValue& operator=(JsonValue&&) noexcept = default;
    JsonValue(const JsonValue&) = default;
    JsonValue& operator=(const JsonValue&) = default;

    static JsonValue makeBool(bool flag);
    static JsonValue makeNumber(double number);
    // A number that also keeps its exact integer value (integers beyond 2^53 survive).
    static JsonValue makeInteger(int64_t number);
    static JsonValue makeString(std::string text);
    static JsonValue makeArray(std::vector<JsonValue> elements);
    static JsonValue makeObject(std::vector<Member> members);

    Type type() const { return static_cast<Type>(data_.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isNumber() const { return type() == Type::Number; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    bool boolean(bool fallback = false) const;
    double number(double fallback = std::numeric_limits<double>::quiet_NaN()) const;
    // The number when it is a whole number that fits in int64_t, else `fallback`. For parsed
    // text the digits decide, not the double: "9007199254740993" and "9.007199254740993e15"
    // are exact, "2.0" and "1e3" are whole, "0.5e-400" is not (though it reads as 0.0).
    int64_t integer(int64_t fallback = 0) const;
    const std::string& string() const;  // "" when not a string
    std::string stringOr(std::string_view fallback) const;
    const std::vector<JsonValue>& array() const;  // empty when not an array
    const std::vector<Member>& members() const;   // empty when not an object; document order

    // The first member named `key` (duplicates are kept; the first wins), or nullptr when
    // missing or not an object. A linear scan: objects here are small.
    const JsonValue* find(std::string_view key) const;
    const JsonValue& operator[](std::string_view key) const;  // a null value when missing
    const JsonValue& operator[](size_t index) const;          // a null value when out of range
    size_t size() const;                                      // elements or members; 0 otherwise

    // Same type and value; numbers compare as doubles, members in order.
    bool operator==(const JsonValue& other) const;

private:
    friend class JsonParser;
    void releaseNested();
    // How integer() answers: from the double itself, or as the parser decided from the
    // digits of the text (exactly, so "9007199254740993" survives and "1e-400" is not 0).
    enum class Whole : uint8_t { FromDouble, Exact, No };
    struct Number {
        double value = 0;
        int64_t exact = 0;  // when whole == Exact
        Whole whole = Whole::FromDouble;
        bool operator==(const Number& o) const { return value == o.value; }
    };
    // Alternatives in the order of Type.
    std::variant<std::monostate, bool, Number, std::string, std::vector<JsonValue>, std::vector<Member>> data_;
};

struct JsonOptions {
    // Deepest nesting of arrays and objects accepted ("[[1]]" is 2). Parsing and destroying
    // never recurse, but copying and comparing a tree do: keep it in the hundreds.
    int maxDepth = 64;
    size_t maxLength = 64 * 1024 * 1024;  // bytes
};

// Parses one JSON value (RFC 8259) with nothing but whitespace after it; a leading UTF-8
// byte-order mark is skipped (RFC 8259 section 8.1 allows it). The error message says what
// is wrong and where: "line 3, column 14: expected ',' or '}'" (columns count characters,
// from 1); its detail gives the byte offset and the text around it.
Result<JsonValue> parseJson(std::string_view text, const JsonOptions& options = {});

}  // namespace rapport::core
