// demo_job.hpp: loading demo data as a job (progress, cancel, one transaction).
#pragma once

#include <memory>

#include "app/jobs.hpp"
#include "store/demo_data.hpp"

namespace rapport::app {

// Checks the options and the database, then returns a job that generates the demo data.
core::Result<std::unique_ptr<Job>> makeDemoJob(AppState& app, const store::DemoOptions& options);

}  // namespace rapport::app
