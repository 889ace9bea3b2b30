// ticks.hpp: where an axis puts its ticks and what it writes under them, as free
// functions the chart layer calls once per axis and frame (and tests call directly).
//   - locators: "nice" linear steps (1, 2, 5 x 10^k), decades for log axes, calendar
//     steps (day, week, month, quarter, year) for dates stored as days since 1970-01-01;
//   - formats: compact numbers ("1.2k", "3.4M"), currency ("€1,234", "$1.2M"), percent
//     (axis values are fractions: 0.25 is "25%"), dates, and exact values for tooltips;
//   - label thinning: which labels to keep so neighbours do not overlap.
#pragma once

#include <string>
#include <vector>

namespace rapport::ui::charts {

// How an axis reads its values. Percent axes hold fractions (0.25 reads "25%"); Date
// axes hold days since 1970-01-01 (fractions of a day allowed); Category axes hold
// indices 0..n-1 into the axis's category names.
enum class AxisFormat { Number, Integer, Currency, Percent, Date, Category };

// ---- Linear and log locators ----------------------------------------------------------

// The "nice" number (1, 2, 5 x 10^k) nearest to x when `round`, else the smallest one
// not below x. x must be positive and finite; anything else returns 0.
double niceNumber(double x, bool round);
// A nice step giving about `target` intervals over [lo, hi] (0 when the range is empty
// or not finite).
double niceStep(double lo, double hi, int target);
// Multiples of niceStep(lo, hi, target) inside [lo, hi] (a hair of tolerance at both
// ends), written to `out` (cleared first); a finer step when that one leaves fewer than
// two ticks (one for a target of 1).
// Returns the step; 0 and no ticks for an empty or non-finite range. Never more than
// kMaxTicks values.
double linearTicks(double lo, double hi, int target, std::vector<double>& out);
inline constexpr int kMaxTicks = 1000;

// Ticks for a log10 axis over [lo, hi] (data values, both > 0): powers of ten, every
// k-th decade when there are many, and 2 and 5 x 10^k when the range spans fewer than
// about two decades. Returns false (and no ticks) for a range a log axis cannot show.
bool logTicks(double lo, double hi, int target, std::vector<double>& out);

// ---- Calendar locator -----------------------------------------------------------------

enum class TimeUnit { Day, Week, Month, Quarter, Year };

struct TimeStep {
    TimeUnit unit = TimeUnit::Day;
    int count = 1;  // e.g. 2 days, 6 months (as Month x 6), 5 years
    friend bool operator==(const TimeStep&, const TimeStep&) = default;
};

// The finest calendar step that gives at most `target` intervals over `spanDays`: 1 or
// 2 days, 1 or 2 weeks, 1 or 2 months, a quarter, 6 months, then 1, 2, 5, 10 ... years.
TimeStep chooseTimeStep(double spanDays, int target);
// Calendar-aligned ticks inside [lo, hi] (days since 1970-01-01): days at midnight,
// weeks on Mondays, months on the 1st, quarters on Jan/Apr/Jul/Oct 1st, years on Jan 1st
// (multi-unit steps align to multiples: months 1, 3, 5 ... for 2 months, years divisible
// by the count). Returns the step used.
TimeStep timeTicks(double lo, double hi, int target, std::vector<double>& out);

// ---- Formats --------------------------------------------------------------------------

// Everything a tick label depends on besides the value, chosen once per axis and frame.
struct LabelStyle {
    AxisFormat format = AxisFormat::Number;
    double step = 0;       // distance between ticks (compact labels take their decimals from it)
    int decimals = 0;      // digits after the point of uncompacted labels
    bool compact = false;  // k, M, B, T suffixes from 1,000 up
    const char* currency = "$";
    TimeStep time;  // Date axes
};

// Picks decimals and compactness so that neighbouring ticks read differently and an
// axis reads in one style: compact when the largest |value| on it reaches 10,000.
// (Date axes: set `time` from timeTicks() afterwards; the guess here assumes 8 ticks.)
LabelStyle chooseLabelStyle(AxisFormat format, double lo, double hi, double step, const char* currency = "$");
// A tick label: "0", "2,500", "12.5k", "$1.2M", "-$5", "25%", "Mar 5", "Q1 2024".
// `first` asks date labels that usually omit the year to include it.
std::string formatTick(double value, const LabelStyle& style, bool first = false);

// A value as a tooltip shows it, exactly: up to 10 significant digits with thousands
// separators ("1,234.56"), currency with cents when there are any ("$1,234.56", "$5"), percent with up to two
// decimals ("12.35%"), dates as ISO ("2024-03-05"). Category values print as numbers
// here; the chart layer substitutes the category name.
std::string formatExact(double value, AxisFormat format, const char* currency = "$");

// "1.2k", "3.4M", "-1B": value scaled by 10^3k with `decimals` digits, trailing zeros
// trimmed; below 1,000 the plain number with thousands separators.
std::string formatCompact(double value, int decimals);
// "1,234,567.89" with `decimals` digits (rounded), "-" for negatives, never "-0".
std::string formatGrouped(double value, int decimals);
// A date tick: Day and Week "Mar 5" ("Mar 5, 2024" with year), Month "Mar" ("Mar 2024"
// with year, always with it in January), Quarter "Q1 2024", Year "2024".
std::string formatDateTick(double days, TimeStep step, bool withYear);

// ---- Label thinning -------------------------------------------------------------------

// Labels centred at `centres` (increasing pixels) with widths `widths`: the smallest
// stride s (1, 2, 3 ...) such that every s-th label is at least `gap` pixels from the
// next kept one. n <= 1 gives 1.
int labelStride(const float* centres, const float* widths, int n, float gap);

}  // namespace rapport::ui::charts
