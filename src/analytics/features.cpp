#include "analytics/features.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/text_format.hpp"

namespace rapport::analytics {

namespace {

// A number for a message: two decimals at most, four significant digits for small values.
std::string readable(double v) {
    if (v == 0 || !std::isfinite(v)) return core::formatNumber(v);
    const double magnitude = std::fabs(v);
    const int decimals = magnitude >= 1 ? 2 : 3 - static_cast<int>(std::floor(std::log10(magnitude)));
    const double factor = std::pow(10.0, decimals);
    return core::formatNumber(std::round(v * factor) / factor);
}

std::string displayName(const std::vector<FeatureSpec>& specs, Eigen::Index j) {
    return specs[j].name.empty() ? "column " + std::to_string(j + 1) : specs[j].name;
}

std::string plural(int64_t count, const char* one, const char* many) {
    return core::formatCount(count) + " " + (count == 1 ? one : many);
}

// Median of values (reordered in place), type 7 as analytics::quantile. Non-empty.
double medianInPlace(std::vector<double>& values) {
    const size_t half = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + half, values.end());
    const double upper = values[half];
    if (values.size() % 2 == 1) return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + half);
    return lower + 0.5 * (upper - lower);
}

double mean(const std::vector<double>& values) {
    double sum = 0;
    for (const double v : values) sum += v;
    return sum / static_cast<double>(values.size());
}

const char* ruleWord(MissingRule rule) {
    switch (rule) {
        case MissingRule::Median:
            return "the median";
        case MissingRule::Mean:
            return "the mean";
        case MissingRule::Zero:
            return "";
    }
    return "";
}

double transformed(double x, FeatureTransform transform) {
    return transform == FeatureTransform::Log1p ? std::log1p(std::max(x, 0.0)) : x;
}

}  // namespace

double skewness(std::span<const double> values) {
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    int64_t n = 0;
    for (const double v : values) {
        if (!std::isfinite(v)) continue;
        sum += v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++n;
    }
    // Equal values: the moments below would be rounding noise.
    if (n < 3 || lo == hi) return 0.0;
    const double m = sum / static_cast<double>(n);
    double m2 = 0, m3 = 0;
    for (const double v : values) {
        if (!std::isfinite(v)) continue;
        const double d = v - m;
        m2 += d * d;
        m3 += d * d * d;
    }
    m2 /= static_cast<double>(n);
    m3 /= static_cast<double>(n);
    return m3 / std::pow(m2, 1.5);
}

core::Result<PreparedFeatures> prepareFeatures(const Eigen::Ref<const Eigen::MatrixXd>& raw,
                                               const std::vector<FeatureSpec>& specs, MissingRule missingRule) {
    const Eigen::Index n = raw.rows(), d = raw.cols();
    if (n == 0) return core::makeError("There are no customers to analyse. Add or import customers first.");
    if (d == 0) return core::makeError("No features were chosen. Choose at least one feature to analyse.");
    if (static_cast<Eigen::Index>(specs.size()) != d) {
        return core::makeError("The features could not be prepared: the list of features does not match the data.",
                               std::to_string(specs.size()) + " specs for " + std::to_string(d) + " columns");
    }

    PreparedFeatures out;
    out.X.resize(n, d);
    out.center.resize(d);
    out.scale.resize(d);
    out.fill.resize(d);
    out.missing.assign(d, 0);
    std::vector<double> present;
    present.reserve(static_cast<size_t>(n));

    for (Eigen::Index j = 0; j < d; ++j) {
        const std::string name = displayName(specs, j);
        out.names.push_back(specs[j].name);
        present.clear();
        double lowest = INFINITY;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double v = raw(i, j);
            if (!std::isfinite(v)) continue;
            present.push_back(v);
            lowest = std::min(lowest, v);
        }
        const auto missing = static_cast<int64_t>(n) - static_cast<int64_t>(present.size());
        out.missing[j] = missing;
        if (present.empty()) {
            return core::makeError("'" + name + "' has no value for any customer. Leave it out or fill it in first.");
        }

        FeatureTransform transform = specs[j].transform;
        if (transform == FeatureTransform::Log1p && lowest < 0) {
            return core::makeError("'" + name + "' has negative values, so it cannot be log-transformed. " +
                                   "Choose no transform for it.");
        }
        if (transform == FeatureTransform::Auto) {
            const bool skewed = lowest >= 0 && skewness(present) > kAutoLogSkewness;
            transform = skewed ? FeatureTransform::Log1p : FeatureTransform::None;
        }
        out.applied.push_back(transform);

        double fill = 0;
        if (missingRule == MissingRule::Median) fill = medianInPlace(present);
        if (missingRule == MissingRule::Mean) fill = mean(present);
        out.fill[j] = fill;
        if (missing > 0) {
            const char* rule = ruleWord(missingRule);
            out.warnings.push_back(name + ": " + plural(missing, "missing value", "missing values") + " set to " +
                                   (*rule ? std::string(rule) + " (" + readable(fill) + ")" : std::string("0")));
        }

        // Fill and transform, then centre and scale (population standard deviation).
        auto column = out.X.col(j);
        double sum = 0, lo = INFINITY, hi = -INFINITY;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double v = raw(i, j);
            const double t = transformed(std::isfinite(v) ? v : fill, transform);
            column[i] = t;
            sum += t;
            lo = std::min(lo, t);
            hi = std::max(hi, t);
        }
        const double center = sum / static_cast<double>(n);
        if (lo == hi) {
            // Constant: keep the column (names keep matching) at exactly zero.
            out.center[j] = lo;
            out.scale[j] = 1.0;
            column.setZero();
            out.warnings.push_back(name + " has the same value (" + readable(present.front()) +
                                   ") for every customer, so it cannot tell customers apart.");
            continue;
        }
        double squares = 0;
        for (Eigen::Index i = 0; i < n; ++i) squares += (column[i] - center) * (column[i] - center);
        const double scale = std::sqrt(squares / static_cast<double>(n));
        out.center[j] = center;
        out.scale[j] = scale;
        column.array() = (column.array() - center) / scale;
    }
    return out;
}

Eigen::MatrixXd applyPrepared(const PreparedFeatures& prepared, const Eigen::Ref<const Eigen::MatrixXd>& raw) {
    const Eigen::Index d = prepared.center.size();
    assert(raw.cols() == d);
    Eigen::MatrixXd out(raw.rows(), d);
    for (Eigen::Index j = 0; j < d; ++j) {
        const FeatureTransform transform = prepared.applied[j];
        const double fill = prepared.fill[j], center = prepared.center[j], scale = prepared.scale[j];
        for (Eigen::Index i = 0; i < raw.rows(); ++i) {
            const double v = raw(i, j);
            out(i, j) = (transformed(std::isfinite(v) ? v : fill, transform) - center) / scale;
        }
    }
    return out;
}

Eigen::MatrixXd toOriginalUnits(const PreparedFeatures& prepared,
                                const Eigen::Ref<const Eigen::MatrixXd>& standardized) {
    const Eigen::Index d = prepared.center.size();
    assert(standardized.cols() == d);
    Eigen::MatrixXd out(standardized.rows(), d);
    for (Eigen::Index j = 0; j < d; ++j) {
        out.col(j).array() = standardized.col(j).array() * prepared.scale[j] + prepared.center[j];
        if (prepared.applied[j] == FeatureTransform::Log1p) {
            out.col(j) = out.col(j).unaryExpr([](double t) { return std::expm1(t); });
        }
    }
    return out;
}

}  // namespace rapport::analytics
