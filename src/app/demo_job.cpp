#include "app/demo_job.hpp"

#include "app/app_state.hpp"
#include "core/json_writer.hpp"
#include "core/text_format.hpp"

namespace rapport::app {

namespace {

class DemoJob : public Job {
public:
    DemoJob(std::unique_ptr<store::DemoGenerator> gen, store::DemoOptions options)
        : gen_(std::move(gen)), options_(std::move(options)) {}

    std::string title() const override { return "Loading demo data"; }

    core::Result<bool> run(AppState&, Clock::time_point deadline) override {
        do {
            auto more = gen_->step(25);
            if (!more) return more.error();
            if (!*more) return false;
        } while (Clock::now() < deadline);
        return true;
    }

    double progress() const override { return gen_->progress(); }

    std::string detail() const override {
        return core::formatCount(gen_->counts().customers) + " of " + core::formatCount(options_.customers) + " customers";
    }

    void cancel(AppState&) override { gen_->cancel(); }

    std::string finish(AppState& app) override {
        auto counts = gen_->finish();
        if (!counts) {
            app.lastError = counts.error().message;
            return "{}";
        }
        core::JsonWriter w;
        w.beginObject();
        w.field("scenario", store::scenarioName(options_.scenario));
        w.field("seed", static_cast<int64_t>(options_.seed));
        w.field("customers", counts->customers);
        w.field("orders", counts->orders);
        w.field("interactions", counts->interactions);
        w.field("surveyResponses", counts->surveyResponses);
        w.field("campaigns", counts->campaigns);
        w.field("campaignContacts", counts->campaignContacts);
        w.endObject();
        return w.str();
    }

private:
    std::unique_ptr<store::DemoGenerator> gen_;
    store::DemoOptions options_;
};

}  // namespace

core::Result<std::unique_ptr<Job>> makeDemoJob(AppState& app, const store::DemoOptions& options) {
    if (auto s = checkWritable(app); !s) return s.error();
    auto gen = store::DemoGenerator::begin(app.store->db(), options);
    if (!gen) return gen.error();
    return std::unique_ptr<Job>(new DemoJob(std::move(*gen), options));
}

}  // namespace rapport::app
