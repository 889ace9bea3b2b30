#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/json_writer.hpp"

using rapport::core::JsonWriter;

TEST_SUITE("core") {

TEST_CASE("JSON writer nests objects and arrays with commas in the right places") {
    JsonWriter w;
    w.beginObject();
    w.field("a", 1).field("b", true);
    w.key("list").beginArray().value(1).value("two").null().beginObject().endObject().endArray();
    w.key("empty").beginArray().endArray();
    w.endObject();
    CHECK(w.str() == R"({"a":1,"b":true,"list":[1,"two",null,{}],"empty":[]})");
}

TEST_CASE("JSON strings are escaped") {
    JsonWriter w;
    w.value(std::string_view("quote\" backslash\\ newline\n tab\t bell\x07 \xC3\xA9"));
    CHECK(w.str() == "\"quote\\\" backslash\\\\ newline\\n tab\\t bell\\u0007 \xC3\xA9\"");
}

TEST_CASE("JSON numbers are shortest round-trip and non-finite numbers are null") {
    JsonWriter w;
    w.beginArray().value(0.1).value(2.5).value(1e-7).value(-3.0).value(std::nan(""))
        .value(std::numeric_limits<double>::infinity()).value(int64_t{9007199254740993}).endArray();
    CHECK(w.str() == "[0.1,2.5,1e-07,-3,null,null,9007199254740993]");
}

}  // TEST_SUITE
