#include <doctest/doctest.h>

#include <map>
#include <string>

#include "core/random.hpp"
#include "core/string_ids.hpp"

using namespace rapport::core;

TEST_SUITE("core") {

TEST_CASE("StringIds: finds what was inserted, keeps the first id of a key, and tells keys apart by every byte") {
    StringIds ids;
    CHECK_FALSE(ids.find("C1"));
    CHECK(ids.insert("C1", 10));
    CHECK_FALSE(ids.insert("C1", 11));  // already there: the first id stays
    CHECK(ids.find("C1") == 10);
    CHECK(ids.insert("", 1));           // the empty key is a key
    CHECK(ids.find("") == 1);
    CHECK(ids.insert(std::string_view("a\0b", 3), 2));
    CHECK(ids.insert(std::string_view("a\0c", 3), 3));
    CHECK(ids.find(std::string_view("a\0b", 3)) == 2);
    CHECK(ids.find(std::string_view("a\0c", 3)) == 3);
    CHECK_FALSE(ids.find("a"));
    CHECK(ids.insert("12345678", 4));   // exactly one 8-byte word, and one past it
    CHECK(ids.insert("123456789", 5));
    CHECK(ids.find("12345678") == 4);
    CHECK(ids.find("123456789") == 5);
    CHECK_FALSE(ids.find("1234567"));
    CHECK(ids.size() == 6);
}

TEST_CASE("StringIds: agrees with std::map over 200,000 random keys through many growths") {
    Random rng(7);
    StringIds ids;
    std::map<std::string, int64_t> reference;
    for (int64_t i = 0; i < 200000; ++i) {
        std::string key;
        const auto length = rng.below(24);
        for (uint64_t k = 0; k < length; ++k) key.push_back(static_cast<char>('A' + rng.below(6)));  // many shared prefixes
        const bool added = reference.emplace(key, i).second;
        CHECK(ids.insert(key, i) == added);
    }
    CHECK(ids.size() == reference.size());
    for (const auto& [key, id] : reference) {
        const auto found = ids.find(key);
        REQUIRE(found);
        CHECK(*found == id);
    }
    CHECK_FALSE(ids.find(std::string(30, 'A')));  // longer than any key
    StringIds reserved;
    reserved.reserve(1000);
    for (int i = 0; i < 1000; ++i) CHECK(reserved.insert("k" + std::to_string(i), i));
    CHECK(reserved.find("k999") == 999);
}
}  // TEST_SUITE
