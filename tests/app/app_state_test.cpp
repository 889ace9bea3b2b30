#include <doctest/doctest.h>

#include <string>

#include "app/app_state.hpp"

using namespace rapport::app;

TEST_SUITE("app") {

TEST_CASE("opening storage reads the record counts") {
    AppState app;
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    CHECK(app.storage == StorageState::InMemory);
    REQUIRE(app.store->db().exec("INSERT INTO customers (external_id) VALUES ('a'), ('b')"));
    refreshCounts(app);
    CHECK(app.counts.customers == 2);
}

TEST_CASE("a storage failure is shown, not fatal") {
    AppState app;
    auto status = openStorage(app, "/no/such/folder/rapport.db", StorageState::Saved);
    CHECK_FALSE(status);
    CHECK(app.storage == StorageState::Error);
    CHECK_FALSE(app.lastError.empty());
    CHECK_FALSE(app.store.has_value());
}

TEST_CASE("the state for the automation hook is one JSON object with every field") {
    AppState app;
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    app.view = View::Nps;
    app.frames.add(2.0);
    app.frames.add(4.0);
    app.jobs.push_back({"Import \"orders\"", 0.25});
    const std::string json = stateJson(app);
    CHECK(json.front() == '{');
    CHECK(json.back() == '}');
    CHECK(json.find("\"view\":\"NPS\"") != std::string::npos);
    CHECK(json.find("\"counts\":{\"customers\":0,") != std::string::npos);
    CHECK(json.find("\"jobs\":[{\"name\":\"Import \\\"orders\\\"\",\"progress\":0.25}]") != std::string::npos);
    CHECK(json.find("\"lastError\":null") != std::string::npos);
    CHECK(json.find("\"frameTime\":{\"frames\":2,\"mean\":3,\"p95\":3.9,\"max\":4}") != std::string::npos);
    CHECK(json.find("\"uiTime\":{\"frames\":0,\"mean\":0,\"p95\":0,\"max\":0}") != std::string::npos);
    CHECK(json.find("\"storage\":{\"state\":\"in-memory\"") != std::string::npos);
}

}  // TEST_SUITE
