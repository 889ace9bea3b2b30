#include "app/jobs.hpp"

#include "app/app_state.hpp"

namespace rapport::app {

namespace {
constexpr size_t kKeptRecords = 32;

void syncInfo(AppState& app) {
    app.jobs.clear();
    if (app.runner.active) app.jobs.push_back({app.runner.active->title(), app.runner.active->progress()});
}

void end(AppState& app, JobRecord record) {
    JobRunner& r = app.runner;
    const uint64_t id = r.activeId;
    record.workMs = std::chrono::duration<double, std::milli>(r.workTime + (Clock::now() - r.sliceBegan)).count();
    record.wallMs = std::chrono::duration<double, std::milli>(Clock::now() - r.startedAt).count();
    r.records[r.activeId] = std::move(record);
    while (r.records.size() > kKeptRecords) r.records.erase(r.records.begin());
    const bool changed = r.active->changesRecords();
    r.active.reset();
    r.activeId = 0;
    r.cancelRequested = false;
    r.frameWanted = false;
    // Counting the records takes ~20 ms as wasm at 2,000,000 orders: only after a job that
    // changes them (an analysis that saves a result counts what it saved itself).
    if (changed) refreshCounts(app, true);
    syncInfo(app);
    if (r.onEnded != nullptr) r.onEnded(id);
}
}  // namespace

core::Status makeRoomForWork(AppState& app) {
    JobRunner& r = app.runner;
    if (r.active && r.active->givesWay()) {
        r.sliceBegan = Clock::now();
        r.active->cancel(app);
        end(app, JobRecord{JobState::Cancelled, {}, {}});
    }
    if (r.active) return core::makeError("Another task is running (" + r.active->title() + "). Wait for it or cancel it first.");
    return {};
}

core::Result<uint64_t> startJob(AppState& app, std::unique_ptr<Job> job) {
    JobRunner& r = app.runner;
    if (auto s = makeRoomForWork(app); !s) return s.error();
    r.activeId = r.nextId++;
    r.active = std::move(job);
    r.startedAt = Clock::now();
    r.workTime = {};
    r.records[r.activeId] = JobRecord{};
    syncInfo(app);
    if (r.onStarted != nullptr) r.onStarted(r.activeId);
    return r.activeId;
}

void runJobs(AppState& app, Clock::duration budget) {
    JobRunner& r = app.runner;
    if (!r.active) return;
    r.sliceBegan = Clock::now();
    if (r.cancelRequested) {
        r.active->cancel(app);
        end(app, JobRecord{JobState::Cancelled, {}, {}});
        return;
    }
    auto more = r.active->run(app, r.sliceBegan + budget);
    if (!more) {
        r.active->cancel(app);
        app.lastError = more.error().message;
        end(app, JobRecord{JobState::Failed, {}, more.error().message});
        return;
    }
    if (*more) {
        r.workTime += Clock::now() - r.sliceBegan;
        syncInfo(app);
        return;
    }
    std::string result = r.active->finish(app);
    end(app, JobRecord{JobState::Done, std::move(result), {}});
}

bool showBeforeGoingOn(AppState& app, uint64_t& mark) {
    JobRunner& r = app.runner;
    if (mark == 0) mark = r.framesDrawn + 1;
    r.frameWanted = r.countsFrames && r.framesDrawn < mark;
    return r.frameWanted;
}

void requestCancel(AppState& app) {
    if (app.runner.active) app.runner.cancelRequested = true;
}

double jobSecondsLeft(const AppState& app) {
    const JobRunner& r = app.runner;
    if (!r.active) return -1;
    const double done = r.active->progress();
    const double elapsed = std::chrono::duration<double>(Clock::now() - r.startedAt).count();
    if (done < 0.02 || elapsed < 0.3) return -1;
    return elapsed * (1.0 - done) / done;
}

const char* jobStateName(JobState state) {
    switch (state) {
        case JobState::Running: return "running";
        case JobState::Done: return "done";
        case JobState::Failed: return "failed";
        case JobState::Cancelled: return "cancelled";
    }
    return "unknown";
}

}  // namespace rapport::app
