// profiles.cpp: cluster profiles and their names (the rules are in profiles.hpp).
//
// Contents
//   Words           the words for known features, and how terms are put together
//   Statistics      medians
//   Unique names    telling colliding names apart
//   Public API      describeCluster, profileClusters

#include "analytics/profiles.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Two colliding clusters are told apart by a feature only if their percentiles differ by
// at least this much; otherwise they get numbers.
constexpr double kMinSeparation = 0.05;
constexpr int kMaxExtraTerms = 2;

// ---- Words ------------------------------------------------------------------------------

struct Words {
    const char* high;
    const char* low;
    int priority;  // order of terms in a name; unknown features come after, in column order
};

struct KnownFeature {
    const char* name;  // normalized: lower case, '_' between words
    Words words;
};

constexpr KnownFeature kKnown[] = {
    {"monetary", {"high spend", "low spend", 0}},
    {"revenue", {"high spend", "low spend", 0}},
    {"spend", {"high spend", "low spend", 0}},
    {"total_spend", {"high spend", "low spend", 0}},
    {"total_revenue", {"high spend", "low spend", 0}},
    {"sales", {"high spend", "low spend", 0}},
    {"frequency", {"frequent", "occasional", 1}},
    {"orders", {"frequent", "occasional", 1}},
    {"order_count", {"frequent", "occasional", 1}},
    {"purchases", {"frequent", "occasional", 1}},
    {"recency", {"lapsed", "recent", 2}},
    {"recency_days", {"lapsed", "recent", 2}},
    {"days_since_last_order", {"lapsed", "recent", 2}},
    {"tenure", {"long-standing", "new", 3}},
    {"tenure_days", {"long-standing", "new", 3}},
    {"tenure_months", {"long-standing", "new", 3}},
    {"age", {"older", "younger", 4}},
    {"average_order_value", {"big baskets", "small baskets", 5}},
    {"aov", {"big baskets", "small baskets", 5}},
    {"income", {"high income", "low income", 6}},
    {"annual_income", {"high income", "low income", 6}},
    {"nps", {"satisfied", "dissatisfied", 7}},
    {"satisfaction", {"satisfied", "dissatisfied", 7}},
    {"csat", {"satisfied", "dissatisfied", 7}},
    {"complaints", {"many complaints", "few complaints", 8}},
    {"returns", {"many returns", "few returns", 9}},
    {"return_rate", {"many returns", "few returns", 9}},
};
constexpr int kUnknownPriority = 100;

std::string normalized(const std::string& name) {
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) {
            out.push_back(static_cast<char>(std::tolower(u)));
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

// A feature's word for a high or low value.
struct Term {
    int feature;
    int priority;
    std::string text;
};

Term termFor(const std::vector<std::string>& names, int j, bool high) {
    const std::string key = normalized(names[j]);
    for (const KnownFeature& known : kKnown) {
        if (key == known.name) return {j, known.words.priority, high ? known.words.high : known.words.low};
    }
    std::string readable = names[j];
    std::replace(readable.begin(), readable.end(), '_', ' ');
    return {j, kUnknownPriority, (high ? "high " : "low ") + readable};
}

std::string joined(std::vector<Term> terms) {
    std::stable_sort(terms.begin(), terms.end(), [](const Term& a, const Term& b) {
        return a.priority != b.priority ? a.priority < b.priority : a.feature < b.feature;
    });
    std::string out;
    for (const Term& t : terms) out += (out.empty() ? "" : ", ") + t.text;
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

bool isHigh(double p) { return p > kHighPercentile; }
bool isLow(double p) { return p < kLowPercentile; }

// The distinctive features of one cluster, most distinctive first.
std::vector<int> distinctiveFeatures(std::span<const double> percentile) {
    std::vector<int> features;
    for (int j = 0; j < static_cast<int>(percentile.size()); ++j) {
        if (isHigh(percentile[j]) || isLow(percentile[j])) features.push_back(j);
    }
    std::stable_sort(features.begin(), features.end(),
                     [&](int a, int b) { return std::fabs(percentile[a] - 0.5) > std::fabs(percentile[b] - 0.5); });
    if (features.size() > static_cast<size_t>(kMaxNameTerms)) features.resize(kMaxNameTerms);
    return features;
}

// ---- Statistics -------------------------------------------------------------------------

double medianInPlace(std::vector<double>& values) {
    if (values.empty()) return kNaN;
    const size_t half = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + half, values.end());
    const double upper = values[half];
    if (values.size() % 2 == 1) return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + half);
    return lower + 0.5 * (upper - lower);
}

// ---- Unique names -----------------------------------------------------------------------

struct Naming {
    std::vector<Term> terms;
    std::vector<bool> used;  // per feature: already in the name
    std::string base;        // the name before any appended term
    std::string text;
};

std::string render(const Naming& naming) {
    std::string out = naming.base;
    for (const Term& t : naming.terms) out += ", " + t.text;
    return out;
}

void makeUnique(std::vector<ClusterProfile>& profiles, std::vector<Naming>& namings,
                const std::vector<std::string>& names) {
    const int d = static_cast<int>(names.size());
    for (int pass = 0; pass < kMaxExtraTerms; ++pass) {
        std::map<std::string, std::vector<int>> groups;
        std::set<std::string> taken;
        for (int c = 0; c < static_cast<int>(profiles.size()); ++c) {
            groups[namings[c].text].push_back(c);
            taken.insert(namings[c].text);
        }
        bool changed = false;
        for (const auto& [text, members] : groups) {
            if (members.size() < 2) continue;
            // The feature on which the members differ most, not yet in any member's name.
            int best = -1, highest = -1, lowest = -1;
            double bestSpread = 0;
            for (int j = 0; j < d; ++j) {
                int hi = -1, lo = -1;
                bool usable = true;
                for (const int c : members) {
                    const double p = profiles[c].percentile[j];
                    if (std::isnan(p) || namings[c].used[j]) {
                        usable = false;
                        break;
                    }
                    if (hi < 0 || p > profiles[hi].percentile[j]) hi = c;
                    if (lo < 0 || p < profiles[lo].percentile[j]) lo = c;
                }
                if (!usable) continue;
                const double spread = profiles[hi].percentile[j] - profiles[lo].percentile[j];
                if (spread >= kMinSeparation && spread > bestSpread) {
                    best = j;
                    highest = hi;
                    lowest = lo;
                    bestSpread = spread;
                }
            }
            if (best < 0) continue;
            // Only the two ends get a word; the members in between stay together for the
            // next pass, which must use another feature (or "high x" would come twice).
            for (const int c : members) namings[c].used[best] = true;
            changed = true;
            const std::string appended[2] = {termFor(names, best, true).text, termFor(names, best, false).text};
            const int who[2] = {highest, lowest};
            for (int e = 0; e < 2; ++e) {
                Naming candidate = namings[who[e]];
                candidate.terms.push_back({best, 0, appended[e]});
                candidate.text = render(candidate);
                if (taken.count(candidate.text)) continue;
                taken.insert(candidate.text);
                namings[who[e]] = std::move(candidate);
            }
        }
        if (!changed) break;
    }
    // Still equal: number them in cluster order ("Typical", "Typical (2)", ...).
    std::map<std::string, int> seen;
    for (int c = 0; c < static_cast<int>(profiles.size()); ++c) {
        const int count = ++seen[namings[c].text];
        profiles[c].name = count == 1 ? namings[c].text : namings[c].text + " (" + std::to_string(count) + ")";
    }
    // A numbered name could equal a natural one ("X (2)"); vanishingly rare, and harmless.
}

}  // namespace

// ---- Public API -------------------------------------------------------------------------

std::string describeCluster(std::span<const double> percentile, const std::vector<std::string>& names) {
    assert(percentile.size() == names.size());
    std::vector<Term> terms;
    for (const int j : distinctiveFeatures(percentile)) terms.push_back(termFor(names, j, isHigh(percentile[j])));
    return terms.empty() ? "Typical" : joined(terms);
}

std::vector<ClusterProfile> profileClusters(const Eigen::Ref<const Eigen::MatrixXd>& original,
                                            const std::vector<std::string>& names, const Eigen::VectorXi& labels, int k,
                                            std::span<const double> revenue) {
    const Eigen::Index n = original.rows();
    const int d = static_cast<int>(original.cols());
    assert(static_cast<int>(names.size()) == d && labels.size() == n && k >= 1);
    assert(revenue.empty() || static_cast<Eigen::Index>(revenue.size()) == n);

    std::vector<ClusterProfile> profiles(k);
    for (int c = 0; c < k; ++c) profiles[c].cluster = c;

    // Rows grouped by cluster (a counting sort), so each cluster's values are gathered in one pass.
    std::vector<int64_t> start(k + 1, 0);
    for (Eigen::Index i = 0; i < n; ++i) {
        assert(labels[i] >= 0 && labels[i] < k);
        ++start[labels[i] + 1];
    }
    for (int c = 0; c < k; ++c) start[c + 1] += start[c];
    std::vector<int32_t> order(static_cast<size_t>(n));
    {
        std::vector<int64_t> next(start.begin(), start.end() - 1);
        for (Eigen::Index i = 0; i < n; ++i) order[next[labels[i]]++] = static_cast<int32_t>(i);
    }
    for (int c = 0; c < k; ++c) {
        profiles[c].size = start[c + 1] - start[c];
        profiles[c].share = n > 0 ? static_cast<double>(profiles[c].size) / static_cast<double>(n) : 0.0;
        profiles[c].mean.assign(d, kNaN);
        profiles[c].median.assign(d, kNaN);
        profiles[c].percentile.assign(d, kNaN);
    }

    std::vector<double> values;
    for (int j = 0; j < d; ++j) {
        for (int c = 0; c < k; ++c) {
            values.clear();
            for (int64_t p = start[c]; p < start[c + 1]; ++p) {
                const double v = original(order[p], j);
                if (!std::isnan(v)) values.push_back(v);
            }
            if (values.empty()) continue;
            double sum = 0;
            for (const double v : values) sum += v;
            profiles[c].mean[j] = sum / static_cast<double>(values.size());
            profiles[c].median[j] = medianInPlace(values);
        }
        // Percentiles of the k medians among all customers: one pass, k comparisons a row.
        std::vector<int64_t> below(k, 0), equal(k, 0);
        int64_t counted = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double v = original(i, j);
            if (std::isnan(v)) continue;
            ++counted;
            for (int c = 0; c < k; ++c) {
                below[c] += v < profiles[c].median[j];
                equal[c] += v == profiles[c].median[j];
            }
        }
        for (int c = 0; c < k; ++c) {
            if (counted == 0 || std::isnan(profiles[c].median[j])) continue;
            profiles[c].percentile[j] =
                (static_cast<double>(below[c]) + 0.5 * static_cast<double>(equal[c])) / static_cast<double>(counted);
        }
    }

    double total = 0;
    if (!revenue.empty()) {
        for (int c = 0; c < k; ++c) {
            for (int64_t p = start[c]; p < start[c + 1]; ++p) {
                const double v = revenue[order[p]];
                if (!std::isnan(v)) profiles[c].revenue += v;
            }
            total += profiles[c].revenue;
        }
    }
    for (ClusterProfile& profile : profiles) {
        profile.revenueShare = !revenue.empty() && total > 0 ? profile.revenue / total : kNaN;
    }

    std::vector<Naming> namings(k);
    for (int c = 0; c < k; ++c) {
        Naming& naming = namings[c];
        naming.used.assign(d, false);
        if (profiles[c].size == 0) {
            naming.base = "Empty";
        } else {
            const std::vector<int> features = distinctiveFeatures(profiles[c].percentile);
            for (const int j : features) naming.used[j] = true;
            naming.base = describeCluster(profiles[c].percentile, names);
        }
        naming.text = naming.base;
    }
    makeUnique(profiles, namings, names);
    return profiles;
}

}  // namespace rapport::analytics
