#include <doctest/doctest.h>

#include <string>

#include "app/views.hpp"

using namespace rapport::app;

TEST_SUITE("app") {

TEST_CASE("the navigation lists the eight views in order") {
    const auto views = allViews();
    REQUIRE(views.size() == 8);
    const char* labels[] = {"Overview", "Customers", "Segments", "NPS", "Churn", "Value", "Data", "Learn"};
    for (size_t i = 0; i < views.size(); ++i) {
        CHECK(views[i].label == labels[i]);
        CHECK(static_cast<size_t>(views[i].view) == i);
        CHECK(&viewInfo(views[i].view) == &views[i]);
    }
}

TEST_CASE("views are found by label, slug or URL hash, ignoring case") {
    CHECK(viewFromName("NPS") == View::Nps);
    CHECK(viewFromName("nps") == View::Nps);
    CHECK(viewFromName("#/churn") == View::Churn);
    CHECK(viewFromName("/data") == View::Data);
    CHECK(viewFromName("cUsToMeRs") == View::Customers);
    CHECK_FALSE(viewFromName("").has_value());
    CHECK_FALSE(viewFromName("#/").has_value());
    CHECK_FALSE(viewFromName("Settings").has_value());
    CHECK_FALSE(viewFromName(std::string("NPS\0x", 5)).has_value());
}

}  // TEST_SUITE
