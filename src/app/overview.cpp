#include "app/overview.hpp"

#include "app/app_state.hpp"
#include "app/facts.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"

namespace rapport::app {

OverviewStats computeOverview(const store::CustomerFacts& f, const RfmRun* rfm, std::optional<int> filter, int32_t asOf) {
    OverviewStats s;
    s.asOfDay = asOf;
    const core::CivilDate end = core::civilFromDays(asOf);
    // Month index relative to the as-of month: 0 = that month, 35 = 35 months before.
    auto monthsBack = [&](int32_t day) {
        const core::CivilDate d = core::civilFromDays(day);
        return (end.year - d.year) * 12 + (end.month - d.month);
    };
    s.months.resize(36);
    for (int back = 0; back < 36; ++back) {
        int year = end.year, month = end.month - back;
        while (month <= 0) { month += 12; --year; }
        MonthFigures& m = s.months[static_cast<size_t>(35 - back)];
        m.year = year;
        m.month = month;
        m.partial = back == 0 && asOf != static_cast<int32_t>(core::daysFromCivil({year, month, core::daysInMonth(year, month)}));
    }
    const bool useRfm = rfm != nullptr && rfm->customerIds.size() == f.id.size();
    s.hasSegments = useRfm;
    const int64_t n = f.customers();
    for (int64_t i = 0; i < n; ++i) {
        const auto u = static_cast<size_t>(i);
        const int segment = useRfm ? rfm->displaySegment(u) : -1;
        double revenue12 = 0;
        int64_t orders = 0;
        bool active = false;
        const bool counted = !filter || (useRfm && segment == *filter);
        for (int64_t k = f.orderStart[u]; k < f.orderStart[u + 1]; ++k) {
            const auto o = static_cast<size_t>(k);
            const int32_t day = f.orderDay[o];
            if (day == store::kNoDay || day > asOf) continue;
            const double amount = f.orderAmount[o];
            ++orders;
            if (day > asOf - 365) revenue12 += amount;
            if (!counted) continue;
            if (day > asOf - 90) active = true;
            if (day > asOf - 365) ++s.orders12;
            else if (day > asOf - 730) s.revenuePrevious12 += amount;
            const int back = monthsBack(day);
            if (back >= 0 && back < 36) {
                MonthFigures& m = s.months[static_cast<size_t>(35 - back)];
                m.revenue += amount;
                ++m.orders;
            }
        }
        if (segment >= 0) {
            ++s.segmentCustomers[static_cast<size_t>(segment)];
            s.segmentRevenue12[static_cast<size_t>(segment)] += revenue12;
        }
        if (!counted) continue;
        ++s.customers;
        s.revenue12 += revenue12;
        if (active) ++s.active90;
        if (orders >= 1) ++s.buyers;
        if (orders >= 2) ++s.repeatBuyers;
    }
    if (s.orders12 > 0) s.averageOrderValue = s.revenue12 / static_cast<double>(s.orders12);
    return s;
}

const OverviewStats* overviewStats(AppState& app) {
    OverviewState& o = app.overview;
    const auto facts = currentFacts(app);
    restoreSegmentation(app);
    const RfmRun* rfm = app.segmentation.rfm && app.segmentation.rfm->dataVersion == app.dataVersion ? &*app.segmentation.rfm : nullptr;
    // A saved run restored after a reload was computed on this same data when nothing
    // changed since: its customers are exactly the facts' customers.
    if (rfm == nullptr && facts && app.segmentation.rfm && app.segmentation.rfm->customerIds == facts->id) {
        app.segmentation.rfm->dataVersion = app.dataVersion;
        rfm = &*app.segmentation.rfm;
    }
    // Read what is missing, once per data version: the facts alone when a saved RFM run
    // may still fit, else RFM (which reads the facts first).
    if (!facts) {
        if (!app.runner.active && app.counts.customers > 0 && o.factsRequestedVersion != app.dataVersion) {
            o.factsRequestedVersion = app.dataVersion;
            if (app.segmentation.rfm) (void)startReadingFacts(app);
            else {
                o.rfmRequestedVersion = app.dataVersion;
                (void)startRfm(app, store::kNoDay, true);
            }
        }
        return nullptr;
    }
    if (rfm == nullptr) {
        if (!app.runner.active && o.rfmRequestedVersion != app.dataVersion) {
            o.rfmRequestedVersion = app.dataVersion;
            (void)startRfm(app, store::kNoDay, true);
        }
        return nullptr;
    }
    if (!o.stats || o.version != app.dataVersion || o.rfmRunId != rfm->runId || o.statsFilter != o.filter ||
        o.stats->asOfDay != rfm->asOfDay) {
        o.stats = computeOverview(*facts, rfm, o.filter, rfm->asOfDay);
        o.version = app.dataVersion;
        o.rfmRunId = rfm->runId;
        o.statsFilter = o.filter;
    }
    return &*o.stats;
}

}  // namespace rapport::app
