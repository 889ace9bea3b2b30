#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/result.hpp"

using namespace rapport::core;

namespace {
Result<int> parsePositive(int v) {
    if (v <= 0) return makeError("Enter a number above zero", "got " + std::to_string(v));
    return v;
}
}  // namespace

TEST_SUITE("core") {

TEST_CASE("a result holds either a value or a user-facing error") {
    auto good = parsePositive(3);
    REQUIRE(good.ok());
    CHECK(*good == 3);
    auto bad = parsePositive(-1);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "Enter a number above zero");
    CHECK(bad.error().detail == "got -1");
}

TEST_CASE("a result can carry move-only values") {
    Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
    REQUIRE(r);
    std::unique_ptr<int> taken = std::move(r).value();
    CHECK(*taken == 7);
}

TEST_CASE("a status is ok by default and holds an error otherwise") {
    Status ok;
    CHECK(ok.ok());
    Status failed = makeError("Storage is full");
    CHECK_FALSE(failed.ok());
    CHECK(failed.error().message == "Storage is full");
}

}  // TEST_SUITE
