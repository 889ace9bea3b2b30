// Jobs: starting, waiting for a drawn frame, and the import's "Finishing" frame.
#include <doctest/doctest.h>

#include <string>

#include "app/app_state.hpp"
#include "app/data_transfer.hpp"
#include "app/jobs.hpp"

using namespace rapport;
using namespace rapport::app;

namespace {

// Does three steps, and shows itself once before the last.
class ShowingJob : public Job {
public:
    int steps = 0;
    std::string title() const override { return "Showing"; }
    core::Result<bool> run(AppState& app, Clock::time_point) override {
        if (steps == 2 && showBeforeGoingOn(app, shown_)) return true;
        return ++steps < 3;
    }
    double progress() const override { return steps / 3.0; }
    std::string detail() const override { return std::to_string(steps); }
    void cancel(AppState&) override {}
    std::string finish(AppState&) override { return "{}"; }
    bool changesRecords() const override { return false; }

private:
    uint64_t shown_ = 0;
};

uint64_t gStarted = 0;
void started(uint64_t id) { gStarted = id; }

}  // namespace

TEST_SUITE("app") {

TEST_CASE("a job's start is told at once, and a job can wait for a drawn frame where frames are counted") {
    AppState app;
    app.runner.onStarted = started;
    auto job = std::make_unique<ShowingJob>();
    ShowingJob* showing = job.get();
    auto id = startJob(app, std::move(job));
    REQUIRE(id);
    CHECK(gStarted == *id);

    // Where frames are not counted (tests, the screenshot tool) it never waits.
    runJobs(app);
    runJobs(app);
    CHECK(showing->steps == 2);
    app.runner.countsFrames = true;
    for (int i = 0; i < 5; ++i) runJobs(app);  // no frame drawn: it waits
    REQUIRE(app.runner.active != nullptr);
    CHECK(showing->steps == 2);
    CHECK(app.runner.frameWanted);
    ++app.runner.framesDrawn;
    runJobs(app);
    CHECK(app.runner.active == nullptr);
    CHECK(app.runner.records[*id].state == JobState::Done);
    CHECK_FALSE(app.runner.frameWanted);
}

TEST_CASE("a large import shows \"Finishing\" in a drawn frame before building its indexes; a small one goes straight on") {
    AppState app;
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    app.runner.countsFrames = true;
    auto ordersFile = [](int rows, const char* prefix) {
        std::string csv = "order_id,customer_id,ordered_at,amount\n";
        for (int i = 1; i <= rows; ++i) csv += std::string(prefix) + std::to_string(i) + ",C" + std::to_string(i % 100) + ",2025-01-02,5\n";
        return csv;
    };
    auto small = startImportJob(app, "small.csv", ordersFile(1000, "S"), store::Entity::Orders, store::ImportOptions{});
    REQUIRE(small);
    for (int i = 0; i < 100 && app.runner.active; ++i) runJobs(app, std::chrono::seconds(1));
    CHECK(app.runner.records[*small].state == JobState::Done);
    CHECK(app.counts.orders == 1000);

    auto large = startImportJob(app, "large.csv", ordersFile(200000, "L"), store::Entity::Orders, store::ImportOptions{});
    REQUIRE(large);
    for (int i = 0; i < 1000 && app.runner.active && !app.runner.frameWanted; ++i) runJobs(app, std::chrono::seconds(1));
    REQUIRE(app.runner.active != nullptr);
    CHECK(app.runner.frameWanted);
    CHECK(app.runner.active->detail().rfind("Finishing: 200,000 rows read", 0) == 0);
    runJobs(app, std::chrono::seconds(1));
    CHECK(app.runner.active != nullptr);  // still waiting for the frame
    ++app.runner.framesDrawn;
    runJobs(app, std::chrono::seconds(1));
    CHECK(app.runner.active == nullptr);
    CHECK(app.runner.records[*large].state == JobState::Done);
    CHECK(app.counts.orders == 201000);
}

}  // TEST_SUITE
