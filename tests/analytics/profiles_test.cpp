#include "analytics/profiles.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace rapport::analytics;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// Rows of (features..., label) into a matrix and labels.
struct Table {
    Eigen::MatrixXd X;
    Eigen::VectorXi labels;
};

Table table(const std::vector<std::vector<double>>& rows) {
    Table t;
    const auto n = static_cast<Eigen::Index>(rows.size());
    const auto d = static_cast<Eigen::Index>(rows.front().size()) - 1;
    t.X.resize(n, d);
    t.labels.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) t.X(i, j) = rows[i][j];
        t.labels[i] = static_cast<int>(rows[i][d]);
    }
    return t;
}

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("cluster profiles of a hand example: sizes, shares, means, medians, revenue") {
        // monetary, recency_days, label; cluster 3 is empty.
        const Table t = table({{100, 5, 0}, {200, 10, 0}, {600, NaN, 0}, {10, 300, 1}, {20, 400, 1}, {50, 100, 2}});
        const std::vector<double> revenue = {100, 200, 600, 10, 20, 50};
        const auto profiles = profileClusters(t.X, {"monetary", "recency_days"}, t.labels, 4, revenue);
        REQUIRE(profiles.size() == 4);

        CHECK(profiles[0].cluster == 0);
        CHECK(profiles[0].size == 3);
        CHECK(profiles[0].share == doctest::Approx(0.5));
        CHECK(profiles[0].mean[0] == doctest::Approx(300));
        CHECK(profiles[0].median[0] == doctest::Approx(200));
        CHECK(profiles[0].mean[1] == doctest::Approx(7.5));  // the missing recency is left out
        CHECK(profiles[0].median[1] == doctest::Approx(7.5));
        CHECK(profiles[0].revenue == doctest::Approx(900));
        CHECK(profiles[0].revenueShare == doctest::Approx(900.0 / 980));
        // Median 200 among all six: 4 below, 1 equal -> 4.5 / 6. Recency 7.5 among five: 1 below.
        CHECK(profiles[0].percentile[0] == doctest::Approx(0.75));
        CHECK(profiles[0].percentile[1] == doctest::Approx(0.2));
        CHECK(profiles[0].name == "High spend, recent");

        CHECK(profiles[1].size == 2);
        CHECK(profiles[1].share == doctest::Approx(1.0 / 3));
        CHECK(profiles[1].median[0] == doctest::Approx(15));
        CHECK(profiles[1].mean[1] == doctest::Approx(350));
        CHECK(profiles[1].revenueShare == doctest::Approx(30.0 / 980));
        CHECK(profiles[1].name == "Low spend, lapsed");

        CHECK(profiles[2].size == 1);
        CHECK(profiles[2].percentile[0] == doctest::Approx(2.5 / 6));
        CHECK(profiles[2].percentile[1] == doctest::Approx(0.5));
        CHECK(profiles[2].name == "Typical");

        CHECK(profiles[3].size == 0);
        CHECK(profiles[3].share == 0);
        CHECK(std::isnan(profiles[3].mean[0]));
        CHECK(std::isnan(profiles[3].median[1]));
        CHECK(profiles[3].revenue == 0);
        CHECK(profiles[3].name == "Empty");

        double shares = 0, revenueShares = 0;
        for (const auto& p : profiles) {
            shares += p.share;
            revenueShares += p.revenueShare;
        }
        CHECK(shares == doctest::Approx(1));
        CHECK(revenueShares == doctest::Approx(1));
    }

    TEST_CASE("without revenue the revenue share is unknown") {
        const Table t = table({{1, 0}, {2, 1}});
        const auto profiles = profileClusters(t.X, {"x"}, t.labels, 2, {});
        CHECK(profiles[0].revenue == 0);
        CHECK(std::isnan(profiles[0].revenueShare));
    }

    TEST_CASE("names describe the most distinctive features in plain words") {
        const std::vector<std::string> names = {"monetary", "frequency", "recency_days"};
        CHECK(describeCluster(std::vector<double>{0.9, 0.8, 0.1}, names) == "High spend, frequent, recent");
        CHECK(describeCluster(std::vector<double>{0.1, 0.2, 0.95}, names) == "Low spend, occasional, lapsed");
        CHECK(describeCluster(std::vector<double>{0.5, 0.6, 0.4}, names) == "Typical");
        CHECK(describeCluster(std::vector<double>{0.5, NaN, 0.2}, names) == "Recent");

        // The order of words is fixed (spend, frequency, recency, ...), not the column order.
        CHECK(describeCluster(std::vector<double>{0.1, 0.9, 0.8}, {"Recency Days", "orders", "Revenue"}) ==
              "High spend, frequent, recent");
        // At most three terms: the least distinctive (age at 0.7) is left out.
        CHECK(describeCluster(std::vector<double>{0.7, 0.9, 0.8, 0.1}, {"age", "monetary", "frequency", "recency"}) ==
              "High spend, frequent, recent");
        CHECK(describeCluster(std::vector<double>{0.05, 0.5}, {"age", "tenure"}) == "Younger");
        CHECK(describeCluster(std::vector<double>{0.5, 0.9}, {"age", "tenure"}) == "Long-standing");
        // Unknown features read "High <name>" / "Low <name>".
        CHECK(describeCluster(std::vector<double>{0.95, 0.2}, {"support_tickets", "MonthlyCharges"}) ==
              "High support tickets, low MonthlyCharges");
    }

    TEST_CASE("constructed clusters get the names they deserve") {
        // 100 big, frequent, recent spenders; 100 small, one-off, long-gone ones; 100 in between.
        Eigen::MatrixXd X(300, 3);
        Eigen::VectorXi labels(300);
        for (int i = 0; i < 100; ++i) {
            X.row(i) << 1000 + i, 20 + i % 5, 1 + i % 10;
            X.row(100 + i) << 10 + i % 50, 1, 300 + i;
            X.row(200 + i) << 200 + i, 5 + i % 3, 60 + i % 30;
            labels[i] = 0;
            labels[100 + i] = 1;
            labels[200 + i] = 2;
        }
        const auto profiles = profileClusters(X, {"monetary", "frequency", "recency_days"}, labels, 3, {});
        CHECK(profiles[0].name == "High spend, frequent, recent");
        CHECK(profiles[1].name == "Low spend, occasional, lapsed");
        CHECK(profiles[2].name == "Typical");
    }

    TEST_CASE("colliding names are told apart by the feature on which the clusters differ most") {
        // Clusters 0 and 1 both spend little; they differ mildly in age (not enough to be named
        // on its own), not in tenure. Cluster 2 spends much and spans all ages.
        Eigen::MatrixXd X(400, 3);
        Eigen::VectorXi labels(400);
        for (int i = 0; i < 100; ++i) {
            X.row(i) << 1 + i % 10, 45 + i % 10, 5;
            X.row(100 + i) << 1 + i % 10, 50 + i % 10, 5;
            labels[i] = 0;
            labels[100 + i] = 1;
        }
        for (int i = 0; i < 200; ++i) {
            X.row(200 + i) << 100 + i, 20 + i % 80, 5;
            labels[200 + i] = 2;
        }
        const auto profiles = profileClusters(X, {"spend", "age", "tenure"}, labels, 3, {});
        REQUIRE(profiles[0].percentile[1] > kLowPercentile);
        REQUIRE(profiles[1].percentile[1] < kHighPercentile);
        CHECK(profiles[0].name == "Low spend, younger");
        CHECK(profiles[1].name == "Low spend, older");
        CHECK(profiles[2].name == "High spend");
    }

    TEST_CASE("a larger collision is split over several features, each used once") {
        // Four typical clusters (every median between the 33rd and 67th percentiles). x splits
        // clusters 1 (highest) and 0 (lowest). The two left in the middle differ more on x than
        // on y, but x is spent: y tells them apart.
        const int shiftX[4] = {0, 20, 5, 15}, shiftY[4] = {4, 4, 0, 8};
        Eigen::MatrixXd X(400, 2);
        Eigen::VectorXi labels(400);
        for (int c = 0; c < 4; ++c) {
            for (int i = 0; i < 100; ++i) {
                X.row(100 * c + i) << i + shiftX[c], i + shiftY[c];
                labels[100 * c + i] = c;
            }
        }
        const auto profiles = profileClusters(X, {"x", "y"}, labels, 4, {});
        CHECK(profiles[0].name == "Typical, low x");
        CHECK(profiles[1].name == "Typical, high x");
        CHECK(profiles[2].name == "Typical, low y");
        CHECK(profiles[3].name == "Typical, high y");
    }

    TEST_CASE("clusters that cannot be told apart are numbered") {
        Eigen::MatrixXd X(6, 2);
        X << 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3;
        Eigen::VectorXi labels(6);
        labels << 0, 0, 0, 1, 1, 1;
        const auto profiles = profileClusters(X, {"a", "b"}, labels, 3, {});
        CHECK(profiles[0].name == "Typical");
        CHECK(profiles[1].name == "Typical (2)");
        CHECK(profiles[2].name == "Empty");

        // Names are unique in a larger random-looking clustering too; identical clusters are
        // common there (cluster c and c + 4 are drawn alike), so some are numbered.
        Eigen::MatrixXd Y(500, 2);
        Eigen::VectorXi many(500);
        for (int i = 0; i < 500; ++i) {
            Y.row(i) << (i * 7919) % 101, (i * 104729) % 37;
            many[i] = i % 8;
        }
        std::set<std::string> names;
        for (const auto& p : profileClusters(Y, {"x", "y"}, many, 8, {})) names.insert(p.name);
        CHECK(names.size() == 8);
    }

}  // TEST_SUITE
