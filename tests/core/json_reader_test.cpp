#include "core/json_reader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "core/csv.hpp"
#include "core/json_writer.hpp"
#include "core/random.hpp"

using namespace rapport::core;

namespace {

JsonValue parseOk(std::string_view text, const JsonOptions& options = {}) {
    Result<JsonValue> r = parseJson(text, options);
    if (!r) FAIL_CHECK("unexpected error for `" << std::string(text) << "`: " << r.error().message);
    return r ? std::move(r).value() : JsonValue();
}

std::string errorOf(std::string_view text, const JsonOptions& options = {}) {
    const Result<JsonValue> r = parseJson(text, options);
    if (r) return "(no error)";
    return r.error().message;
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Writes a parsed value back with JsonWriter (the round trip the app relies on).
void write(JsonWriter& w, const JsonValue& v) {
    switch (v.type()) {
        case JsonValue::Type::Null:
            w.null();
            break;
        case JsonValue::Type::Bool:
            w.value(v.boolean());
            break;
        case JsonValue::Type::Number:
            w.value(v.number());
            break;
        case JsonValue::Type::String:
            w.value(std::string_view(v.string()));
            break;
        case JsonValue::Type::Array:
            w.beginArray();
            for (const JsonValue& e : v.array()) write(w, e);
            w.endArray();
            break;
        case JsonValue::Type::Object:
            w.beginObject();
            for (const auto& [name, value] : v.members()) {
                w.key(name);
                write(w, value);
            }
            w.endObject();
            break;
    }
}

std::string toJson(const JsonValue& v) {
    JsonWriter w;
    write(w, v);
    return w.str();
}

// What every parse, of any input, must satisfy: success only for valid UTF-8, and then
// writing the value and reading it again gives the same value; failure with a position.
void checkParseInvariants(const std::string& input) {
    const Result<JsonValue> r = parseJson(input);
    if (r) {
        REQUIRE(isValidUtf8(input));
        const Result<JsonValue> again = parseJson(toJson(*r));
        REQUIRE(again.ok());
        REQUIRE(*again == *r);
    } else {
        REQUIRE(r.error().message.rfind("line ", 0) == 0);
        REQUIRE(r.error().message.find(", column ") != std::string::npos);
    }
}

// The examples of RFC 8259 section 13.
const char* const kRfcImage = R"({
      "Image": {
          "Width":  800,
          "Height": 600,
          "Title":  "View from 15th Floor",
          "Thumbnail": {
              "Url":    "http://www.example.com/image/481989943",
              "Height": 125,
              "Width":  100
          },
          "Animated" : false,
          "IDs": [116, 943, 234, 38793]
        }
      })";

const char* const kRfcPlaces = R"([
        {
           "precision": "zip",
           "Latitude":  37.7668,
           "Longitude": -122.3959,
           "Address":   "",
           "City":      "SAN FRANCISCO",
           "State":     "CA",
           "Zip":       "94107",
           "Country":   "US"
        },
        {
           "precision": "zip",
           "Latitude":  37.371991,
           "Longitude": -122.026020,
           "Address":   "",
           "City":      "SUNNYVALE",
           "State":     "CA",
           "Zip":       "94085",
           "Country":   "US"
        }
      ])";

// A string holding every control character, quotes, backslashes and non-ASCII text.
std::string awkwardString() {
    std::string s = "quote\" backslash\\ slash/ ";
    for (int c = 1; c < 0x20; ++c) s.push_back(static_cast<char>(c));
    s += " caf\xC3\xA9 \xE2\x82\xAC \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9D\x84\x9E end";
    return s;
}

std::string writerDocument() {
    JsonWriter w;
    w.beginObject();
    w.field("null", 0).key("null").null();  // a duplicate key: the first ("null": 0) wins
    w.field("true", true).field("false", false);
    w.field("int", int64_t{-42}).field("big", int64_t{9007199254740993});
    w.field("min", std::numeric_limits<int64_t>::min()).field("max", std::numeric_limits<int64_t>::max());
    w.field("tenth", 0.1).field("third", 1.0 / 3.0).field("tiny", 5e-324).field("huge", 1.7976931348623157e308);
    w.field("negative", -2.5e-300).field("nan", std::nan(""));
    w.field("empty", "").field("awkward", std::string_view(awkwardString()));
    w.key(awkwardString()).value("key with everything");
    w.key("list")
        .beginArray()
        .value(1)
        .value("two")
        .null()
        .beginArray()
        .beginObject()
        .endObject()
        .endArray()
        .endArray();
    w.key("nested").beginObject().key("deeper").beginObject().field("x", 1.5).endObject().endObject();
    w.endObject();
    return w.str();
}

}  // namespace

TEST_SUITE("core") {
    // =========================================================================================
    // Values and accessors
    // =========================================================================================

    TEST_CASE("JSON reader: every type, with the accessor for each") {
        CHECK(parseOk("null").isNull());
        CHECK(parseOk("true").boolean() == true);
        CHECK(parseOk("false").boolean(true) == false);
        CHECK(parseOk("42").number() == 42.0);
        CHECK(parseOk("42").integer() == 42);
        CHECK(parseOk("\"hi\"").string() == "hi");
        const JsonValue array = parseOk("[1, \"a\", null]");
        REQUIRE(array.isArray());
        CHECK(array.size() == 3);
        CHECK(array[0].number() == 1.0);
        CHECK(array[1].string() == "a");
        CHECK(array[2].isNull());
        const JsonValue object = parseOk(R"({"b": 2, "a": [true], "c": {}})");
        REQUIRE(object.isObject());
        CHECK(object.size() == 3);
        REQUIRE(object.members().size() == 3);
        CHECK(object.members()[0].first == "b");  // document order, not sorted
        CHECK(object.members()[1].first == "a");
        CHECK(object["a"][0].boolean() == true);
        CHECK(object["c"].isObject());
        CHECK(object["c"].size() == 0);
        CHECK(parseOk("[]").isArray());
        CHECK(parseOk("{}").isObject());
        CHECK(parseOk("[]").size() == 0);
    }

    TEST_CASE("JSON reader: accessors of the wrong type return their fallback") {
        const JsonValue text = parseOk("\"7\"");
        CHECK(std::isnan(text.number()));
        CHECK(text.number(-1.0) == -1.0);
        CHECK(text.integer(-5) == -5);
        CHECK(text.boolean(true) == true);
        CHECK(text.array().empty());
        CHECK(text.members().empty());
        CHECK(text.size() == 0);
        CHECK(text.find("x") == nullptr);
        CHECK(text["x"].isNull());
        CHECK(text[0].isNull());
        const JsonValue number = parseOk("3");
        CHECK(number.string().empty());
        CHECK(number.stringOr("fallback") == "fallback");
        CHECK(text.stringOr("fallback") == "7");
        const JsonValue object = parseOk(R"({"a": {"b": [10, 20]}})");
        CHECK(object["a"]["b"][1].integer() == 20);
        CHECK(object["a"]["b"][2].isNull());        // out of range
        CHECK(object["a"]["missing"][0].isNull());  // chained look-ups of missing parts stay null
        CHECK(object.find("a") != nullptr);
        CHECK(object.find("b") == nullptr);  // not recursive
        CHECK(object[0].isNull());           // an object is not an array
        CHECK(parseOk("[1]")["0"].isNull());
    }

    TEST_CASE("JSON reader: values compare by type and content, and copies are independent") {
        const JsonValue v = parseOk(R"({"a": [1, "x", null], "b": {"c": true}})");
        CHECK(v == parseOk(R"({ "a" : [1.0, "x", null], "b": {"c": true} })"));  // 1 and 1.0 are the same number
        CHECK(!(v == parseOk(R"({"b": {"c": true}, "a": [1, "x", null]})")));    // member order is part of the value
        CHECK(!(v == parseOk(R"({"a": [1, "x", null], "b": {"c": 1}})")));       // true is not 1
        CHECK(!(parseOk("null") == parseOk("0")));
        CHECK(!(parseOk("\"1\"") == parseOk("1")));
        JsonValue copy = v;
        CHECK(copy == v);
        copy = JsonValue::makeArray({JsonValue::makeString("replaced")});
        CHECK(v["a"][1].string() == "x");
        CHECK(copy[0].string() == "replaced");
        const JsonValue built =
            JsonValue::makeObject({{"n", JsonValue::makeInteger(7)}, {"ok", JsonValue::makeBool(true)}});
        CHECK(built == parseOk(R"({"n": 7, "ok": true})"));
    }

    TEST_CASE("JSON reader: duplicate keys are kept, and look-ups find the first") {
        const JsonValue v = parseOk(R"({"a": 1, "b": 2, "a": 3})");
        REQUIRE(v.members().size() == 3);
        CHECK(v["a"].integer() == 1);
        CHECK(v.members()[2].first == "a");
        CHECK(v.members()[2].second.integer() == 3);
    }

    TEST_CASE("JSON reader: nesting of arrays and objects") {
        const JsonValue v = parseOk(R"([[[]], {"a": [{"b": [1, [2, {"c": null}]]}]}, [[1], [2, [3]]]])");
        CHECK(v.size() == 3);
        CHECK(v[0][0].isArray());
        CHECK(v[0][0].size() == 0);
        CHECK(v[1]["a"][0]["b"][1][1].find("c") != nullptr);
        CHECK(v[1]["a"][0]["b"][1][1]["c"].isNull());
        CHECK(v[2][1][1][0].integer() == 3);
    }

    TEST_CASE("JSON reader: whitespace is space, tab, CR and LF, anywhere between tokens; a BOM is skipped") {
        const JsonValue v = parseOk(" \t\r\n{ \"a\" \n:\t[ 1 ,\r\n2 ] , \"b\" : true } \n");
        CHECK(v["a"][1].integer() == 2);
        CHECK(v["b"].boolean());
        CHECK(parseOk("\xEF\xBB\xBF[1]")[0].integer() == 1);
        CHECK(errorOf("\v1").find("control character U+000B") != std::string::npos);
        CHECK(errorOf("\xC2\xA0"
                      "1")
                  .find("(U+00A0)") != std::string::npos);  // no-break space is not JSON whitespace
    }

    // =========================================================================================
    // Numbers
    // =========================================================================================

    TEST_CASE("JSON reader: numbers in every form of the grammar") {
        CHECK(parseOk("0").number() == 0.0);
        CHECK(std::signbit(parseOk("-0").number()));
        CHECK(parseOk("-12").number() == -12.0);
        CHECK(parseOk("3.25").number() == 3.25);
        CHECK(parseOk("-0.5").number() == -0.5);
        CHECK(parseOk("1e3").number() == 1000.0);
        CHECK(parseOk("1E+3").number() == 1000.0);
        CHECK(parseOk("25e-2").number() == 0.25);
        CHECK(parseOk("0.000123").number() == 0.000123);
        CHECK(parseOk("1.5e300").number() == 1.5e300);
        CHECK(parseOk("1e-400").number() == 0.0);  // underflow reads as zero; overflow is an error
        CHECK(parseOk("0e999999999999").number() == 0.0);
    }

    TEST_CASE("JSON reader: numbers are correctly rounded, like strtod") {
        const char* const known[] = {
            "0.1",
            "0.30000000000000004",
            "1.7976931348623157e308",
            "5e-324",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "9007199254740993",
            "123456789012345678901234567890",
            "0.1e-5",
            "3.141592653589793238462643383279",
            "4.9406564584124654e-324",
            "1e23",
            "8.98846567431158e307",
            "-122.026020",
            "37.371991",
            "18446744073709551615",
            "18446744073709551616",
            "1e22",
            "9007199254740992e22",
        };
        for (const char* text : known) {
            CAPTURE(text);
            CHECK(sameBits(parseOk(text).number(), std::strtod(text, nullptr)));
        }
        // Random decimals around the fast path's limits (digits up to 2^53, powers to 10^22).
        Random rng(20240611);
        for (int i = 0; i < 20000; ++i) {
            std::string text;
            if (rng.chance(0.3)) text.push_back('-');
            const int whole = 1 + static_cast<int>(rng.below(20));
            text.push_back(static_cast<char>('1' + rng.below(9)));
            for (int k = 1; k < whole; ++k) text.push_back(static_cast<char>('0' + rng.below(10)));
            if (rng.chance(0.6)) {
                text.push_back('.');
                const int fraction = 1 + static_cast<int>(rng.below(20));
                for (int k = 0; k < fraction; ++k) text.push_back(static_cast<char>('0' + rng.below(10)));
            }
            if (rng.chance(0.5)) text += "e" + std::to_string(static_cast<int>(rng.below(640)) - 330);
            const double expected = std::strtod(text.c_str(), nullptr);
            const Result<JsonValue> r = parseJson(text);
            CAPTURE(text);
            if (std::isinf(expected)) {
                CHECK(!r.ok());
            } else {
                REQUIRE(r.ok());
                REQUIRE(sameBits(r->number(), expected));
            }
        }
    }

    TEST_CASE("JSON reader: integer() is exact for integer literals and refuses what is not a whole int64") {
        CHECK(parseOk("9007199254740993").integer() == int64_t{9007199254740993});  // above 2^53: no double holds it
        CHECK(parseOk("9223372036854775807").integer() == std::numeric_limits<int64_t>::max());
        CHECK(parseOk("-9223372036854775808").integer() == std::numeric_limits<int64_t>::min());
        CHECK(parseOk("9223372036854775808").integer(-1) == -1);  // 2^63
        CHECK(parseOk("-9223372036854775809").integer(-1) == -1);
        CHECK(parseOk("1e3").integer() == 1000);
        CHECK(parseOk("2.0").integer() == 2);
        CHECK(parseOk("2.000000000000000000000000").integer() == 2);
        CHECK(parseOk("1.50e1").integer() == 15);
        CHECK(parseOk("12300e-2").integer() == 123);
        CHECK(parseOk("9.007199254740993e15").integer() == int64_t{9007199254740993});
        CHECK(parseOk("-9.223372036854775808e18").integer() == std::numeric_limits<int64_t>::min());
        CHECK(parseOk("9.2e18").integer() == int64_t{9200000000000000000});
        CHECK(parseOk("1e19").integer(-1) == -1);
        CHECK(parseOk("-0").integer(-1) == 0);
        CHECK(parseOk("0.0e5").integer(-1) == 0);
        CHECK(parseOk("2.5").integer(-1) == -1);
        CHECK(parseOk("1e300").integer(-1) == -1);
        // The digits decide, not the double: these read as whole doubles but are fractions.
        CHECK(parseOk("4503599627370496.5").integer(-1) == -1);
        CHECK(parseOk("0.5e-400").integer(-1) == -1);
        CHECK(parseOk("1.00000000000000000001").integer(-1) == -1);
        CHECK(parseOk("true").integer(-1) == -1);
        // Numbers made from a double: the double decides.
        CHECK(JsonValue::makeNumber(4503599627370496.0).integer() == 4503599627370496);
        CHECK(JsonValue::makeNumber(-9223372036854775808.0).integer() == std::numeric_limits<int64_t>::min());
        CHECK(JsonValue::makeNumber(9223372036854775808.0).integer(-1) == -1);
        CHECK(JsonValue::makeNumber(0.5).integer(-1) == -1);
        CHECK(JsonValue::makeNumber(std::nan("")).integer(-1) == -1);
    }

    // =========================================================================================
    // Strings
    // =========================================================================================

    TEST_CASE("JSON reader: escapes, \\u escapes and surrogate pairs become UTF-8") {
        CHECK(parseOk(R"("\" \\ \/ \b \f \n \r \t")").string() == "\" \\ / \b \f \n \r \t");
        CHECK(parseOk(R"("\u0041\u00e9\u00E9\u20AC")").string() == "A\xC3\xA9\xC3\xA9\xE2\x82\xAC");
        CHECK(parseOk(R"("\u07FF\u0800\uFFFF")").string() == "\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
        CHECK(parseOk(R"("\uD834\uDD1E")").string() == "\xF0\x9D\x84\x9E");  // G clef, RFC 8259 section 7
        CHECK(parseOk(R"("\uD800\uDC00\uDBFF\uDFFF")").string() == "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
        const std::string nul = parseOk(R"("a\u0000b")").string();
        CHECK(nul.size() == 3);
        CHECK(nul[1] == '\0');
        // Raw UTF-8 of every length passes through unchanged.
        const std::string raw = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
        CHECK(parseOk("\"" + raw + "\"").string() == raw);
        CHECK(parseOk("\"\x7F\"").string() == "\x7F");  // DEL is not a control character in JSON
    }

    TEST_CASE("JSON reader: lone surrogates are errors") {
        CHECK(errorOf(R"("\uD800")") ==
              "line 1, column 2: unpaired surrogate \\uD800: a high surrogate must be "
              "followed by a low one (\\uDC00-\\uDFFF)");
        CHECK(errorOf(R"("\uDC00\uD800")").find("line 1, column 2: unpaired surrogate \\uDC00") == 0);
        CHECK(errorOf(R"("x\uD800\u0041")").find("line 1, column 3: unpaired surrogate") == 0);
        CHECK(errorOf(R"("\uD800\uD800")").find("unpaired surrogate \\uD800") != std::string::npos);
        CHECK(errorOf(R"("\uD800x")").find("unpaired surrogate") != std::string::npos);
        CHECK(errorOf(R"("\uD800\u")").find("unpaired surrogate") != std::string::npos);
    }

    // =========================================================================================
    // Round trips and the RFC's examples
    // =========================================================================================

    TEST_CASE("JSON reader reads back what JsonWriter writes, every value type") {
        const std::string text = writerDocument();
        const JsonValue v = parseOk(text);
        CHECK(v["null"].integer(-1) == 0);
        CHECK(v.members()[1].second.isNull());
        CHECK(v["true"].boolean() == true);
        CHECK(v["false"].isBool());
        CHECK(v["false"].boolean(true) == false);
        CHECK(v["int"].integer() == -42);
        CHECK(v["big"].integer() == int64_t{9007199254740993});
        CHECK(v["min"].integer() == std::numeric_limits<int64_t>::min());
        CHECK(v["max"].integer() == std::numeric_limits<int64_t>::max());
        CHECK(sameBits(v["tenth"].number(), 0.1));
        CHECK(sameBits(v["third"].number(), 1.0 / 3.0));
        CHECK(sameBits(v["tiny"].number(), 5e-324));
        CHECK(sameBits(v["huge"].number(), 1.7976931348623157e308));
        CHECK(sameBits(v["negative"].number(), -2.5e-300));
        CHECK(v["nan"].isNull());  // the writer's rule for non-finite numbers
        CHECK(v["empty"].isString());
        CHECK(v["empty"].string().empty());
        CHECK(v["awkward"].string() == awkwardString());
        CHECK(v[awkwardString()].string() == "key with everything");
        CHECK(v["list"].size() == 4);
        CHECK(v["list"][1].string() == "two");
        CHECK(v["list"][3][0].isObject());
        CHECK(v["nested"]["deeper"]["x"].number() == 1.5);
        // Written again, the tree reads back equal and the text is stable.
        const std::string again = toJson(v);
        CHECK(parseOk(again) == v);
        CHECK(toJson(parseOk(again)) == again);
    }

    TEST_CASE("JSON reader: the examples of RFC 8259") {
        const JsonValue image = parseOk(kRfcImage);
        CHECK(image["Image"]["Width"].integer() == 800);
        CHECK(image["Image"]["Title"].string() == "View from 15th Floor");
        CHECK(image["Image"]["Thumbnail"]["Url"].string() == "http://www.example.com/image/481989943");
        CHECK(image["Image"]["Animated"].boolean(true) == false);
        REQUIRE(image["Image"]["IDs"].size() == 4);
        CHECK(image["Image"]["IDs"][3].integer() == 38793);

        const JsonValue places = parseOk(kRfcPlaces);
        REQUIRE(places.size() == 2);
        CHECK(places[0]["Latitude"].number() == 37.7668);
        CHECK(places[1]["Longitude"].number() == -122.026020);
        CHECK(places[1]["City"].string() == "SUNNYVALE");
        CHECK(places[0]["Address"].string().empty());
        CHECK(places[1]["Zip"].string() == "94085");  // a string, not a number

        // Section 13's small texts: any value may be the whole document.
        CHECK(parseOk("\"Hello world!\"").string() == "Hello world!");
        CHECK(parseOk("42").integer() == 42);
        CHECK(parseOk("true").boolean());
    }

    // =========================================================================================
    // Errors
    // =========================================================================================

    TEST_CASE("JSON reader: invalid inputs give a message that says what and where") {
        struct Case {
            const char* input;
            const char* message;
        };
        const Case cases[] = {
            {"", "line 1, column 1: expected a value, found the end of the text"},
            {"   \n  ", "line 2, column 3: expected a value, found the end of the text"},
            {"[1,2,]", "line 1, column 6: expected a value after ',', found ']' (trailing commas are not allowed)"},
            {"{\"a\":1,}",
             "line 1, column 8: expected a member name after ',', found '}' (trailing commas are not allowed)"},
            {"[,1]", "line 1, column 2: expected a value, found ','"},
            {"{\"a\" 1}", "line 1, column 6: expected ':' after the member name, found '1'"},
            {"{\"a\":}", "line 1, column 6: expected a value after ':', found '}'"},
            {"{\"a\":1 \"b\":2}",
             "line 1, column 8: expected ',' or '}' in the object opened at line 1, column 1, found '\"'"},
            {"[1 2]", "line 1, column 4: expected ',' or ']' in the array opened at line 1, column 1, found '2'"},
            {"[1",
             "line 1, column 3: the text ends before the array opened at line 1, column 1 is closed (a ']' is "
             "missing)"},
            {"{\"a\":[1]",
             "line 1, column 9: the text ends before the object opened at line 1, column 1 is closed (a '}' is "
             "missing)"},
            {"[1}", "line 1, column 3: expected ',' or ']' in the array opened at line 1, column 1, found '}'"},
            {"{a:1}", "line 1, column 2: expected a member name in double quotes, found 'a'"},
            {"{'a':1}", "line 1, column 2: member names must be in double quotes, found '''"},
            {"['a']", "line 1, column 2: strings must be in double quotes, found '''"},
            {"// note\n1", "line 1, column 1: comments are not allowed in JSON"},
            {"[1, /* two */ 2]", "line 1, column 5: comments are not allowed in JSON"},
            {"1 // note", "line 1, column 3: unexpected '/' after the JSON value (only one value is allowed)"},
            {"1 2", "line 1, column 3: unexpected '2' after the JSON value (only one value is allowed)"},
            {"{} {}", "line 1, column 4: unexpected '{' after the JSON value (only one value is allowed)"},
            {"NaN", "line 1, column 1: NaN is not a JSON number (write null, or a large number)"},
            {"[Infinity]", "line 1, column 2: Infinity is not a JSON number (write null, or a large number)"},
            {"-Infinity", "line 1, column 1: -Infinity is not a JSON number (write null, or a large number)"},
            {"True",
             "line 1, column 1: expected a value, found 'True' (strings need double quotes; literals are true, false "
             "and null)"},
            {"nul",
             "line 1, column 1: expected a value, found 'nul' (strings need double quotes; literals are true, false "
             "and null)"},
            {"truex",
             "line 1, column 1: expected a value, found 'truex' (strings need double quotes; literals are true, false "
             "and null)"},
            {"01", "line 1, column 1: numbers cannot have leading zeros (write 7, not 07)"},
            {"[-007]", "line 1, column 3: numbers cannot have leading zeros (write 7, not 07)"},
            {"1.", "line 1, column 3: expected a digit after the decimal point, found the end of the text"},
            {"1.e5", "line 1, column 3: expected a digit after the decimal point, found 'e'"},
            {".5", "line 1, column 1: numbers must start with a digit (write 0.5, not .5)"},
            {"+1", "line 1, column 1: numbers cannot start with '+'"},
            {"1e", "line 1, column 3: expected a digit in the exponent, found the end of the text"},
            {"1e+", "line 1, column 4: expected a digit in the exponent, found the end of the text"},
            {"-", "line 1, column 2: expected a digit after '-', found the end of the text"},
            {"- 1", "line 1, column 2: expected a digit after '-', found ' '"},
            {"0x10", "line 1, column 2: unexpected 'x' after the JSON value (only one value is allowed)"},
            {"1e309", "line 1, column 1: the number 1e309 is too large (beyond about 1.8e308)"},
            {"[-1e400]", "line 1, column 2: the number -1e400 is too large (beyond about 1.8e308)"},
            {"\"abc", "line 1, column 1: this string is never closed (a '\"' is missing)"},
            {"[\"a\tb\"]",
             "line 1, column 4: control character U+0009 inside a string: write it as an escape (\\n, \\t, "
             "\\u0009...)"},
            {"\"line\nbreak\"",
             "line 1, column 6: control character U+000A inside a string: write it as an escape (\\n, \\t, "
             "\\u000A...)"},
            {"\"\\x\"",
             "line 1, column 2: invalid escape: '\\' followed by 'x' (valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r "
             "\\t and \\uXXXX)"},
            {"\"\\'\"",
             "line 1, column 2: invalid escape: '\\' followed by ''' (valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r "
             "\\t and \\uXXXX)"},
            {"\"\\u12G4\"", "line 1, column 2: expected four hexadecimal digits after \\u"},
            {"\"\\u12\"", "line 1, column 2: expected four hexadecimal digits after \\u"},
            {"\"\\", "line 1, column 2: the text ends inside an escape sequence"},
            {"\"\xFF\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xFF); save the file as UTF-8"},
            {"\"\xC3\"",
             "line 1, column 2: invalid UTF-8 in a string (byte 0xC3); save the file as UTF-8"},  // truncated
            {"\"\xC0\xAF\"",
             "line 1, column 2: invalid UTF-8 in a string (byte 0xC0); save the file as UTF-8"},  // overlong '/'
            {"\"\xE0\x80\xAF\"",
             "line 1, column 2: invalid UTF-8 in a string (byte 0xE0); save the file as UTF-8"},  // overlong
            {"\"\xED\xA0\x80\"",
             "line 1, column 2: invalid UTF-8 in a string (byte 0xED); save the file as UTF-8"},  // a surrogate
            {"\"\xF4\x90\x80\x80\"",
             "line 1, column 2: invalid UTF-8 in a string (byte 0xF4); save the file as UTF-8"},  // > U+10FFFF
            {"\"\xBF\"",
             "line 1, column 2: invalid UTF-8 in a string (byte 0xBF); save the file as UTF-8"},  // lone continuation
            {"\xFF", "line 1, column 1: expected a value, found an invalid UTF-8 byte (0xFF)"},
            {"[\xC3\xA9]", "line 1, column 2: expected a value, found '\xC3\xA9' (U+00E9)"},
            {"\x01", "line 1, column 1: expected a value, found control character U+0001"},
            {"[\"\xC3\xA9\", x]",
             "line 1, column 7: expected a value, found 'x' (strings need double quotes; "
             "literals are true, false and null)"},
            {"{\n  \"a\": 1,\n  \"b\": 2\n  \"c\": 3\n}",
             "line 4, column 3: expected ',' or '}' in the object opened at line 1, column 1, found '\"'"},
            {"[\r\n1,\r\n\r\n2,\r\n]",
             "line 5, column 1: expected a value after ',', found ']' (trailing commas are not allowed)"},
            {"[\r1,\r]", "line 3, column 1: expected a value after ',', found ']' (trailing commas are not allowed)"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.input);
            const Result<JsonValue> r = parseJson(c.input);
            REQUIRE(!r.ok());
            CHECK(r.error().message == c.message);
            CHECK(r.error().detail.find("JSON byte offset") == 0);
        }
        // A NUL byte ends nothing: the text's length is what counts.
        CHECK(errorOf(std::string_view("[1]\0", 4)) ==
              "line 1, column 4: unexpected control character U+0000 after the JSON value (only one value is allowed)");
        CHECK(errorOf(std::string_view("\"a\0b\"", 5)).find("line 1, column 3: control character U+0000") == 0);
    }

    TEST_CASE("JSON reader: the error detail shows the text around the error, printable") {
        const Result<JsonValue> r = parseJson("{\"name\": \"Ada\",\n \"age\": 36 \"x\": \x01}");
        REQUIRE(!r.ok());
        CHECK(r.error().message.find("line 2, column 12: expected ',' or '}'") == 0);
        CHECK(r.error().detail == "JSON byte offset 27, near `ame\": \"Ada\",? \"age\": 36 \"x\": ?}`");
    }

    TEST_CASE("JSON reader: nesting deeper than the limit is an error, never a stack overflow") {
        const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
        CHECK(parseOk(nested(64)).isArray());
        CHECK(errorOf(nested(65)) == "line 1, column 65: arrays and objects are nested more than 64 deep");
        CHECK(errorOf(std::string(100000, '[')).find("nested more than 64 deep") != std::string::npos);
        std::string objects;
        for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
        CHECK(errorOf(objects).find("line 1, column 321: arrays and objects are nested more than 64 deep") == 0);

        JsonOptions options;
        options.maxDepth = 2;
        CHECK(parseOk("[{\"a\": 1}, []]", options).size() == 2);
        CHECK(errorOf("[{\"a\": []}]", options) == "line 1, column 8: arrays and objects are nested more than 2 deep");
        options.maxDepth = 0;
        CHECK(parseOk("1", options).integer() == 1);
        CHECK(!parseJson("[]", options).ok());
    }

    TEST_CASE("JSON reader: a higher depth limit is honoured; parsing and destroying do not recurse") {
        // 100,000 levels: recursion in the parser or the destructor would overflow the stack
        // (in wasm a few thousand levels do).
        JsonOptions options;
        options.maxDepth = 1000000;
        std::string text;
        for (int i = 0; i < 50000; ++i) text += "{\"a\":[";
        text += "true";
        for (int i = 0; i < 50000; ++i) text += "]}";
        {
            const JsonValue deep = parseOk(text, options);
            const JsonValue* v = &deep;
            int depth = 0;
            while (v->size() == 1) {
                v = v->isObject() ? &v->members()[0].second : &v->array()[0];
                ++depth;
            }
            CHECK(depth == 100000);
            CHECK(v->boolean() == true);
        }
        CHECK(errorOf(text.substr(0, text.size() - 1), options)
                  .find("line 1, column 400004: the text ends before the object "
                        "opened at line 1, column 1 is closed") == 0);
    }

    TEST_CASE("JSON reader: texts longer than maxLength are refused before reading") {
        JsonOptions options;
        options.maxLength = 10;
        CHECK(parseOk("[1,2,3,4] ", options).size() == 4);
        const Result<JsonValue> r = parseJson("[1,2,3,4,5]", options);
        REQUIRE(!r.ok());
        CHECK(r.error().message == "The JSON text is too long: 11 bytes, more than the limit of 10.");
    }

    // =========================================================================================
    // Hostile input and speed
    // =========================================================================================

    TEST_CASE("JSON reader: 20,000 random inputs never crash, and every success round-trips") {
        // Mostly JSON's own characters, so inputs get past the first byte.
        static const char* const kPieces[] = {"[",        "]",
                                              "{",        "}",
                                              ",",        ":",
                                              "\"",       "\\",
                                              "\\u",      "\\uD834",
                                              "\\uDD1E",  "0",
                                              "1",        "-",
                                              ".",        "e",
                                              "+",        "true",
                                              "null",     "false",
                                              " ",        "\n",
                                              "a",        "9",
                                              "\xC3\xA9", "\xF0\x9F\x98\x80",
                                              "\x01",     "/",
                                              "'"};
        Random rng(7);
        int successes = 0;
        for (int i = 0; i < 20000; ++i) {
            std::string input;
            const int length = static_cast<int>(rng.below(24));
            for (int k = 0; k < length; ++k) {
                if (rng.chance(0.1))
                    input.push_back(static_cast<char>(rng.below(256)));
                else
                    input += kPieces[rng.below(std::size(kPieces))];
            }
            CAPTURE(input);
            checkParseInvariants(input);
            successes += parseJson(input).ok();
        }
        MESSAGE("random inputs that parsed: " << successes);
        CHECK(successes > 100);  // the generator does reach valid documents
    }

    TEST_CASE("JSON reader: 20,000 mutations of valid documents never crash, and every success round-trips") {
        const std::string seeds[] = {writerDocument(), kRfcImage, kRfcPlaces,
                                     R"({"a":[1,2.5,-3e2,"x\u00e9\uD834\uDD1E"],"b":{"c":null}})"};
        Random rng(11);
        int successes = 0;
        for (int i = 0; i < 20000; ++i) {
            std::string doc = seeds[rng.below(std::size(seeds))];
            const int edits = 1 + static_cast<int>(rng.below(4));
            for (int e = 0; e < edits && !doc.empty(); ++e) {
                const size_t at = rng.below(doc.size());
                switch (rng.below(6)) {
                    case 0:
                        doc[at] = static_cast<char>(rng.below(256));
                        break;
                    case 1:
                        doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(at), "[]{}\",:\\-0e."[rng.below(13)]);
                        break;
                    case 2:
                        doc.erase(at, 1 + rng.below(8));
                        break;
                    case 3: {
                        const size_t from = rng.below(doc.size());
                        doc.insert(at, doc.substr(from, rng.below(16)));
                        break;
                    }
                    case 4:
                        doc.resize(at);
                        break;
                    default:
                        std::swap(doc[at], doc[rng.below(doc.size())]);
                        break;
                }
            }
            CAPTURE(doc);
            checkParseInvariants(doc);
            successes += parseJson(doc).ok();
        }
        MESSAGE("mutated documents that parsed: " << successes);
        CHECK(successes > 100);
    }

    TEST_CASE("JSON reader: a 10 MB document parses in well under a second") {
        JsonWriter w;
        w.beginArray();
        int64_t rows = 0;
        while (w.str().size() < 10 * 1000 * 1000) {
            w.beginObject();
            w.field("id", rows).field("name", "Customer \"" + std::to_string(rows) + "\" caf\xC3\xA9");
            w.field("score", 0.001 * static_cast<double>(rows % 997) + 1.0 / 3.0).field("active", rows % 2 == 0);
            w.key("tags").beginArray().value("gold").value(rows % 7).null().endArray();
            w.endObject();
            ++rows;
        }
        w.endArray();
        const auto start = std::chrono::steady_clock::now();
        const Result<JsonValue> r = parseJson(w.str());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(r.ok());
        MESSAGE("parsed " << w.str().size() / 1e6 << " MB (" << rows << " objects) in " << seconds * 1000 << " ms");
        CHECK(static_cast<int64_t>(r->size()) == rows);
        CHECK((*r)[static_cast<size_t>(rows - 1)]["id"].integer() == rows - 1);
        CHECK((*r)[5]["name"].string() == "Customer \"5\" caf\xC3\xA9");
        CHECK(seconds < 1.0);
    }

}  // TEST_SUITE
