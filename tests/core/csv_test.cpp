#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/csv.hpp"

using namespace rapport::core;

namespace {
using Rows = std::vector<std::vector<std::string>>;

Rows readAll(std::string_view data, char delimiter = ',') {
    CsvReader reader(data, delimiter);
    Rows rows;
    std::vector<std::string> fields;
    while (reader.next(fields)) rows.push_back(fields);
    return rows;
}
}  // namespace

TEST_SUITE("core") {

TEST_CASE("CSV: views point into the data, or into the reader for unescaped fields, and agree with the copies") {
    // Several fields of one record need unescaping (the reader's buffer grows between
    // them), one has text after its closing quote, and one quote is left open.
    const std::string data = "a,\"b \"\"1\"\"\",\"plain, quoted\",\"x\"\"" + std::string(300, 'y') +
                             "\",\"q\"tail,\"\"\"\"\n"
                             "\"open \"\"end";
    CsvReader reader(data);
    std::vector<std::string_view> views;
    REQUIRE(reader.next(views));
    REQUIRE(views.size() == 6);
    CHECK(views[0] == "a");
    CHECK(views[1] == "b \"1\"");
    CHECK(views[2] == "plain, quoted");
    CHECK(views[3] == "x\"" + std::string(300, 'y'));
    CHECK(views[4] == "qtail");
    CHECK((reader.flags() & CsvFlag_TextAfterClosingQuote) != 0);
    CHECK(views[5] == "\"");
    // Plain and simply quoted fields are slices of the data itself: no copy.
    CHECK(views[0].data() == data.data());
    CHECK(views[2].data() == data.data() + data.find("plain"));
    REQUIRE(reader.next(views));
    REQUIRE(views.size() == 1);
    CHECK(views[0] == "open \"end");
    CHECK((reader.flags() & CsvFlag_UnterminatedQuote) != 0);
    CHECK_FALSE(reader.next(views));
    const Rows copies = readAll(data);
    REQUIRE(copies.size() == 2);
    CHECK(copies[0] == std::vector<std::string>{"a", "b \"1\"", "plain, quoted", "x\"" + std::string(300, 'y'), "qtail", "\""});
    CHECK(copies[1] == std::vector<std::string>{"open \"end"});
}

TEST_CASE("CSV: plain records with LF, CRLF and lone CR line ends") {
    const Rows expected = {{"id", "name"}, {"1", "Ada"}, {"2", "Grace"}};
    CHECK(readAll("id,name\n1,Ada\n2,Grace\n") == expected);
    CHECK(readAll("id,name\r\n1,Ada\r\n2,Grace\r\n") == expected);
    CHECK(readAll("id,name\r1,Ada\r2,Grace") == expected);
    CHECK(readAll("id,name\n1,Ada\n2,Grace") == expected);  // no final line end
}

TEST_CASE("CSV: RFC 4180 quoting") {
    SUBCASE("delimiters, quotes and line breaks inside quotes") {
        const Rows rows = readAll("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"line 1\r\nline 2\"\n");
        REQUIRE(rows.size() == 2);
        CHECK(rows[1] == std::vector<std::string>{"x, y", "say \"hi\"", "line 1\r\nline 2"});
    }
    SUBCASE("empty quoted and unquoted fields") {
        CHECK(readAll("\"\",,\"\"\n") == Rows{{"", "", ""}});
        CHECK(readAll("a,\n") == Rows{{"a", ""}});
        CHECK(readAll(",\n") == Rows{{"", ""}});
    }
    SUBCASE("a blank line is one empty field") {
        CHECK(readAll("a\n\nb\n") == Rows{{"a"}, {""}, {"b"}});
    }
}

TEST_CASE("CSV: record line numbers count line breaks inside quoted fields") {
    CsvReader reader("h1,h2\n\"multi\nline\",x\nnext,y\r\n\"a\r\nb\r\nc\",z\nlast,w", ',');
    std::vector<std::string> f;
    std::vector<int64_t> lines;
    while (reader.next(f)) lines.push_back(reader.recordLine());
    CHECK(lines == std::vector<int64_t>{1, 2, 4, 5, 8});
}

TEST_CASE("CSV: byte-order mark is skipped and delimiters are detected") {
    const std::string bom = "\xEF\xBB\xBF";
    CHECK(readAll(bom + "id;name\n1;Ada\n", ';') == Rows{{"id", "name"}, {"1", "Ada"}});
    CHECK(detectCsvDelimiter(bom + "id;name;email\n1;Ada;a@x.org\n") == ';');
    CHECK(detectCsvDelimiter("id\tname\n1\tAda, Countess\n") == '\t');
    CHECK(detectCsvDelimiter("id,amount\n1,\"3;50\"\n2,\"4;10\"\n") == ',');
    CHECK(detectCsvDelimiter("name;amount\nAda;3,50\nGrace;4,10\n") == ';');  // decimal commas
    CHECK(detectCsvDelimiter("") == ',');
    CHECK(detectCsvDelimiter("single column\nvalue\n") == ',');
}

TEST_CASE("CSV: malformed quoting is read leniently and flagged") {
    SUBCASE("a stray quote inside an unquoted field is text") {
        CHECK(readAll("5'11\",ok\n") == Rows{{"5'11\"", "ok"}});
    }
    SUBCASE("text after a closing quote is kept and flagged") {
        CsvReader reader("\"abc\"def,x\n", ',');
        std::vector<std::string> f;
        REQUIRE(reader.next(f));
        CHECK(f == std::vector<std::string>{"abcdef", "x"});
        CHECK((reader.flags() & CsvFlag_TextAfterClosingQuote) != 0);
    }
    SUBCASE("a quote left open ends the data and is flagged") {
        CsvReader reader("a,\"never closed\nb,c\n", ',');
        std::vector<std::string> f;
        REQUIRE(reader.next(f));
        CHECK(f == std::vector<std::string>{"a", "never closed\nb,c\n"});
        CHECK((reader.flags() & CsvFlag_UnterminatedQuote) != 0);
        CHECK_FALSE(reader.next(f));
    }
}

TEST_CASE("CSV: hostile bytes never crash, hang or read out of bounds") {
    // A deterministic stream of short random inputs built from the characters that
    // matter to the parser, plus NULs and invalid UTF-8.
    const char alphabet[] = {',', ';', '\t', '"', '\r', '\n', 'a', ' ', '\0', '\xff', '\xc3', '\xbb', '\xef'};
    uint64_t state = 0x9E3779B97F4A7C15ull;
    auto rnd = [&state]() { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; };
    std::vector<std::string> f;
    for (int round = 0; round < 20000; ++round) {
        std::string input(rnd() % 40, '\0');
        for (char& c : input) c = alphabet[rnd() % sizeof alphabet];
        for (const char delimiter : {',', ';', '\t'}) {
            CsvReader reader(input, delimiter);
            size_t records = 0, lastOffset = 0;
            while (reader.next(f)) {
                REQUIRE(reader.offset() > lastOffset);  // progress on every record
                REQUIRE(reader.offset() <= input.size());
                lastOffset = reader.offset();
                REQUIRE(++records <= input.size() + 1);
            }
        }
        (void)detectCsvDelimiter(input);
        (void)isValidUtf8(input);
    }
}

TEST_CASE("CSV: written fields read back identically") {
    const std::vector<std::string> fields = {"plain", "with,comma", "with \"quotes\"", "line\nbreak", "",
                                             " padded ", "semi;colon", "caf\xC3\xA9"};
    for (const char delimiter : {',', ';', '\t'}) {
        std::string out;
        appendCsvRecord(out, fields, delimiter);
        appendCsvRecord(out, {"second"}, delimiter);
        const Rows rows = readAll(out, delimiter);
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == fields);
        CHECK(rows[1] == std::vector<std::string>{"second"});
    }
    std::string out;
    appendCsvField(out, "no quoting needed");
    CHECK(out == "no quoting needed");
}

TEST_CASE("UTF-8 validation") {
    CHECK(isValidUtf8(""));
    CHECK(isValidUtf8("plain ascii"));
    CHECK(isValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
    CHECK_FALSE(isValidUtf8("\xC3"));                 // truncated
    CHECK_FALSE(isValidUtf8("\x80"));                 // lone continuation
    CHECK_FALSE(isValidUtf8("\xC0\xAF"));             // overlong
    CHECK_FALSE(isValidUtf8("\xE0\x80\xAF"));         // overlong, 3 bytes
    CHECK_FALSE(isValidUtf8("\xED\xA0\x80"));         // surrogate
    CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));     // above U+10FFFF
    CHECK_FALSE(isValidUtf8("\xFF"));
    CHECK_FALSE(isValidUtf8("ok\xE2\x82"));           // truncated at the end
    // ASCII is checked eight bytes at a time: a bad or good sequence at every position
    // around those words (and a sequence split across two of them) is judged the same.
    for (size_t at = 0; at < 20; ++at) {
        for (const std::string_view bytes : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\x80", "\xED\xA0\x80"}) {
            std::string text(at, 'a');
            text += bytes;
            text += std::string(at % 9, 'b');
            CAPTURE(at);
            CHECK(isValidUtf8(text) == (toValidUtf8(text) == text));
            CHECK(isValidUtf8(text) == (bytes.size() > 1 && bytes != "\xED\xA0\x80"));
        }
    }
}

}  // TEST_SUITE
