// jobs.hpp: long work in slices. A job does a little work per frame (about 10 ms), reports
// its progress, and can be cancelled; the app runs one job at a time. Results of finished
// jobs are kept (by id) for the automation hook to collect.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/result.hpp"

namespace rapport::app {

struct AppState;
using Clock = std::chrono::steady_clock;

enum class JobState { Running, Done, Failed, Cancelled };

class Job {
public:
    virtual ~Job() = default;
    virtual std::string title() const = 0;
    // Works until `deadline`; returns true while there is more to do. An error ends the job.
    virtual core::Result<bool> run(AppState& app, Clock::time_point deadline) = 0;
    virtual double progress() const = 0;       // 0..1
    virtual std::string detail() const = 0;    // "1,200 of 5,000 customers"
    virtual void cancel(AppState& app) = 0;    // undo everything the job did
    // Called once after the last run(); returns the result as a JSON object.
    virtual std::string finish(AppState& app) = 0;
    // Whether the job changes records (an import does; an analysis only reads them and
    // saves its result): when it ends, what is computed from the records is refreshed.
    virtual bool changesRecords() const { return true; }
    // A job started in the background (a view reading the data it shows) gives way: a job
    // the user or a script asks for cancels it instead of being refused.
    virtual bool givesWay() const { return false; }
};

struct JobRecord {
    JobState state = JobState::Running;
    std::string resultJson;  // when Done
    std::string error;       // when Failed
    double workMs = 0;       // time spent in the job's own work (its slices and finish)
    double wallMs = 0;       // from start to end
};

struct JobRunner {
    uint64_t nextId = 1;
    uint64_t activeId = 0;
    std::unique_ptr<Job> active;
    Clock::time_point startedAt;
    Clock::duration workTime{};  // of the active job, in the slices before the current one
    Clock::time_point sliceBegan;
    std::map<uint64_t, JobRecord> records;  // the most recent jobs
    bool cancelRequested = false;
    // Told when a job ends (done, failed or cancelled), e.g. so the page can settle a
    // Promise at once instead of polling.
    void (*onEnded)(uint64_t id) = nullptr;
    // Told when a job starts, e.g. so the page can give it time at once rather than from
    // its next frame.
    void (*onStarted)(uint64_t id) = nullptr;
    // A platform that draws while jobs run counts its drawn frames here, so that a job can
    // have a state of its own shown before a long step that runs without a break
    // (`showBeforeGoingOn`). Elsewhere (tests, the native screenshot tool) it never waits.
    bool countsFrames = false;
    uint64_t framesDrawn = 0;
    bool frameWanted = false;  // a job waits for the next frame to be drawn
};

// For a job's run(): true until a frame has been drawn after the first call with this
// `mark` (a frame count the job keeps, 0 at first), at once false where frames are not
// counted. The job returns true (more to do) while it is true.
bool showBeforeGoingOn(AppState& app, uint64_t& mark);

// Starts `job` unless one is running (a running job that gives way is cancelled first);
// returns its id, or an error for the user.
core::Result<uint64_t> startJob(AppState& app, std::unique_ptr<Job> job);
// For work the user or a script asks for (a job, or a change made at once): cancels a
// running job that gives way; an error for the user if another job is running.
core::Status makeRoomForWork(AppState& app);
// Runs the active job for up to `budget`; finishes or cancels it as needed.
void runJobs(AppState& app, Clock::duration budget = std::chrono::milliseconds(10));
void requestCancel(AppState& app);
// Seconds left at the current pace, or a negative number while unknown.
double jobSecondsLeft(const AppState& app);
const char* jobStateName(JobState state);

}  // namespace rapport::app
