#include "analytics/ols.hpp"

#include <doctest/doctest.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "core/random.hpp"

using namespace rapport;
using namespace rapport::analytics;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The textbook solution, for comparison: normal equations with an intercept column, solved
// by Cholesky. Fine for the well-conditioned data of these tests.
struct Reference {
    Eigen::VectorXd beta, se;
    double rss = 0, r2 = 0;
};

Reference normalEquations(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
    const Eigen::Index n = X.rows(), q = X.cols() + 1;
    Eigen::MatrixXd D(n, q);
    D.col(0).setOnes();
    D.rightCols(q - 1) = X;
    const Eigen::MatrixXd gram = D.transpose() * D;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(gram);
    Reference out;
    out.beta = ldlt.solve(D.transpose() * y);
    out.rss = (y - D * out.beta).squaredNorm();
    const double sigma2 = out.rss / static_cast<double>(n - q);
    out.se = (sigma2 * ldlt.solve(Eigen::MatrixXd::Identity(q, q)).diagonal()).cwiseSqrt();
    out.r2 = 1 - out.rss / (y.array() - y.mean()).square().sum();
    return out;
}

// y = 3 + 2 x0 - 0.5 x1 + 0 x2 + 0.001 x3 + noise(sd 2), features on different scales and
// correlated (x1 moves with x0), x3 like an income.
void simulate(Eigen::Index n, uint64_t seed, Eigen::MatrixXd& X, Eigen::VectorXd& y) {
    core::Random rng(seed);
    X.resize(n, 4);
    y.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        X(i, 0) = rng.normal(5, 2);
        X(i, 1) = 0.6 * X(i, 0) + rng.normal(10, 3);
        X(i, 2) = rng.uniform(-1, 1);
        X(i, 3) = rng.normal(50000, 15000);
        y(i) = 3 + 2 * X(i, 0) - 0.5 * X(i, 1) + 0.001 * X(i, 3) + rng.normal(0, 2);
    }
}

const std::vector<std::string> kSimulatedNames = {"orders", "tickets", "noise", "income"};

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("drivers regression reproduces a hand-computed fit") {
        // Solved exactly with fractions: beta = (37, 29, 61) / 48, RSS = 29/12, TSS = 178/3,
        // df = 3; p-values by numerical integration of the t and F densities.
        Eigen::MatrixXd X(6, 2);
        X << 1, 2, 2, 1, 3, 4, 4, 3, 5, 6, 6, 5;
        Eigen::VectorXd y(6);
        y << 3, 4, 8, 7, 12, 10;
        OlsOptions options;
        options.minRowsPerFeature = 1;
        options.standardize = false;
        const auto fit = fitOls(X, y, {"a", "b"}, options);
        REQUIRE(fit.ok());
        const OlsResult& r = *fit;
        REQUIRE(r.terms.size() == 3);
        CHECK(r.n == 6);
        CHECK(r.p == 2);
        CHECK(r.terms[0].name == "Intercept");
        CHECK(r.terms[2].name == "b");
        const double beta[] = {37.0 / 48, 29.0 / 48, 61.0 / 48};
        const double se[] = {0.8666099073294059, 0.383204990592261, 0.383204990592261};
        const double t[] = {0.8894813304278704, 1.5766148184367306, 3.31632772153933};
        const double p[] = {0.43926893469538464, 0.21297746256448757, 0.045177864753592006};
        const double tCritical = 3.1824463052837033;  // qt(0.975, 3)
        for (int j = 0; j < 3; ++j) {
            CAPTURE(j);
            CHECK(r.terms[j].coefficient == doctest::Approx(beta[j]).epsilon(1e-12));
            CHECK(r.terms[j].coefficientOriginal == doctest::Approx(beta[j]).epsilon(1e-12));
            CHECK(r.terms[j].standardError == doctest::Approx(se[j]).epsilon(1e-12));
            CHECK(r.terms[j].t == doctest::Approx(t[j]).epsilon(1e-12));
            CHECK(r.terms[j].pValue == doctest::Approx(p[j]).epsilon(1e-8));
            CHECK(r.terms[j].low == doctest::Approx(beta[j] - tCritical * se[j]).epsilon(1e-10));
            CHECK(r.terms[j].high == doctest::Approx(beta[j] + tCritical * se[j]).epsilon(1e-10));
        }
        CHECK(r.rSquared == doctest::Approx(1 - (29.0 / 12) / (178.0 / 3)).epsilon(1e-12));
        CHECK(r.adjustedRSquared == doctest::Approx(0.9321161048689138).epsilon(1e-12));
        CHECK(r.residualStdError == doctest::Approx(0.8975274678557507).epsilon(1e-12));
        CHECK(r.fStatistic == doctest::Approx(35.327586206896555).epsilon(1e-12));
        CHECK(r.fPValue == doctest::Approx(0.008220095709860572).epsilon(1e-8));
        CHECK(r.warnings.empty());

        SUBCASE("standardized: per standard deviation, the intercept at the means") {
            options.standardize = true;
            const auto z = fitOls(X, y, {"a", "b"}, options);
            REQUIRE(z.ok());
            const double sd = 1.707825127659933;  // population sd of both columns
            CHECK(z->terms[0].coefficient == doctest::Approx(22.0 / 3).epsilon(1e-12));  // mean of y
            CHECK(z->terms[0].standardError == doctest::Approx(0.36641405439647).epsilon(1e-12));
            CHECK(z->terms[0].coefficientOriginal == doctest::Approx(beta[0]).epsilon(1e-12));
            for (int j = 1; j < 3; ++j) {
                CHECK(z->terms[j].coefficient == doctest::Approx(beta[j] * sd).epsilon(1e-12));
                CHECK(z->terms[j].standardError == doctest::Approx(se[j] * sd).epsilon(1e-12));
                CHECK(z->terms[j].t == doctest::Approx(t[j]).epsilon(1e-12));
                CHECK(z->terms[j].pValue == doctest::Approx(p[j]).epsilon(1e-8));
                CHECK(z->terms[j].coefficientOriginal == doctest::Approx(beta[j]).epsilon(1e-12));
            }
            CHECK(z->rSquared == doctest::Approx(r.rSquared).epsilon(1e-12));
            CHECK(z->fStatistic == doctest::Approx(r.fStatistic).epsilon(1e-12));
        }
    }

    TEST_CASE("drivers regression recovers simulated coefficients within their standard errors") {
        Eigen::MatrixXd X;
        Eigen::VectorXd y;
        simulate(20000, 7, X, y);
        OlsOptions options;
        options.standardize = false;
        const auto fit = fitOls(X, y, kSimulatedNames, options);
        REQUIRE(fit.ok());
        const Reference ref = normalEquations(X, y);
        const double truth[] = {3, 2, -0.5, 0, 0.001};
        for (int j = 0; j < 5; ++j) {
            CAPTURE(j);
            const OlsTerm& term = fit->terms[j];
            CHECK(std::fabs(term.coefficient - truth[j]) < 4 * term.standardError);
            CHECK(term.coefficient == doctest::Approx(ref.beta(j)).epsilon(1e-9));
            CHECK(term.standardError == doctest::Approx(ref.se(j)).epsilon(1e-9));
            CHECK(term.t == doctest::Approx(ref.beta(j) / ref.se(j)).epsilon(1e-9));
            // With ~20,000 degrees of freedom the t distribution is the normal one to ~1e-4.
            const double normalP = std::erfc(std::fabs(term.t) / std::sqrt(2.0));
            CHECK(term.pValue == doctest::Approx(normalP).epsilon(2e-3).scale(1e-4));
            CHECK(term.low < truth[j] + 4 * term.standardError);
            CHECK(term.high > truth[j] - 4 * term.standardError);
        }
        CHECK(fit->rSquared == doctest::Approx(ref.r2).epsilon(1e-10));
        CHECK(fit->residualStdError == doctest::Approx(std::sqrt(ref.rss / (20000 - 5))).epsilon(1e-10));
        CHECK(fit->residualStdError == doctest::Approx(2).epsilon(0.03));
        CHECK(fit->terms[1].pValue < 1e-100);  // tiny p-values survive (no 1 - cdf cancellation)
        CHECK(fit->terms[3].pValue > 1e-3);    // the pure-noise feature is not "significant" with this seed
        CHECK(fit->fPValue < 1e-300);
    }

    TEST_CASE("drivers regression: standardized and original coefficients describe the same fit") {
        Eigen::MatrixXd X;
        Eigen::VectorXd y;
        simulate(3000, 11, X, y);
        OlsOptions options;
        const auto z = fitOls(X, y, kSimulatedNames, options);
        options.standardize = false;
        const auto u = fitOls(X, y, kSimulatedNames, options);
        REQUIRE(z.ok());
        REQUIRE(u.ok());
        const Eigen::RowVectorXd mean = X.colwise().mean();
        double interceptAtZero = z->terms[0].coefficient;
        for (int j = 1; j <= 4; ++j) {
            CAPTURE(j);
            const double sd = std::sqrt((X.col(j - 1).array() - mean(j - 1)).square().mean());
            CHECK(z->terms[j].coefficientOriginal == doctest::Approx(z->terms[j].coefficient / sd).epsilon(1e-12));
            CHECK(u->terms[j].coefficient == doctest::Approx(z->terms[j].coefficientOriginal).epsilon(1e-10));
            CHECK(u->terms[j].coefficientPerSd == doctest::Approx(z->terms[j].coefficient).epsilon(1e-10));
            CHECK(u->terms[j].standardError * sd == doctest::Approx(z->terms[j].standardError).epsilon(1e-10));
            CHECK(u->terms[j].t == doctest::Approx(z->terms[j].t).epsilon(1e-10));
            CHECK(u->terms[j].pValue == doctest::Approx(z->terms[j].pValue).epsilon(1e-8));
            CHECK(u->terms[j].vif == doctest::Approx(z->terms[j].vif).epsilon(1e-10));
            interceptAtZero -= z->terms[j].coefficientOriginal * mean(j - 1);
        }
        CHECK(u->terms[0].coefficient == doctest::Approx(interceptAtZero).epsilon(1e-10));
        CHECK(z->terms[0].coefficientOriginal == doctest::Approx(interceptAtZero).epsilon(1e-10));
        CHECK(z->terms[0].coefficient == doctest::Approx(y.mean()).epsilon(1e-12));
        CHECK(z->rSquared == doctest::Approx(u->rSquared).epsilon(1e-12));
    }

    TEST_CASE("variance inflation is 1 / (1 - r^2) for two features, and strong overlap is a warning") {
        core::Random rng(3);
        const Eigen::Index n = 2000;
        Eigen::MatrixXd X(n, 2);
        Eigen::VectorXd y(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            X(i, 0) = rng.normal();
            X(i, 1) = X(i, 0) + rng.normal(0, 0.2);  // r ~ 0.98: VIF ~ 26
            y(i) = X(i, 0) + rng.normal();
        }
        const auto fit = fitOls(X, y, {"visits", "page views"});
        REQUIRE(fit.ok());
        const Eigen::MatrixXd centred = X.rowwise() - X.colwise().mean();
        const double r = centred.col(0).dot(centred.col(1)) / (centred.col(0).norm() * centred.col(1).norm());
        CHECK(fit->terms[1].vif == doctest::Approx(1 / (1 - r * r)).epsilon(1e-9));
        CHECK(fit->terms[2].vif == doctest::Approx(1 / (1 - r * r)).epsilon(1e-9));
        CHECK(fit->terms[0].vif == 1);
        REQUIRE(fit->warnings.size() == 1);
        CHECK(contains(fit->warnings[0], "\u201cvisits\u201d ("));
        CHECK(contains(fit->warnings[0], "\u201cpage views\u201d ("));
        CHECK(contains(fit->warnings[0], "overlap strongly"));
    }

    TEST_CASE("drivers regression refuses designs whose effects cannot be told apart") {
        core::Random rng(5);
        const Eigen::Index n = 200;
        Eigen::MatrixXd X(n, 3);
        Eigen::VectorXd y(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            X(i, 0) = rng.normal();
            X(i, 1) = rng.normal();
            X(i, 2) = rng.normal();
            y(i) = X(i, 0) + rng.normal();
        }
        const std::vector<std::string> names = {"orders", "tickets", "refunds"};

        SUBCASE("a duplicated column") {
            X.col(2) = X.col(0);
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(
                fit.error().message ==
                "The effects of these features cannot be told apart: \u201crefunds\u201d carries the same information "
                "as \u201corders\u201d (a copy, or the same values on another scale). Leave one feature of each group "
                "out.");
        }
        SUBCASE("a column on another scale") {
            X.col(1) = 100 * X.col(0).array() + 7;
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message,
                           "\u201ctickets\u201d carries the same information as \u201corders\u201d"));
        }
        SUBCASE("a column that is the sum of others") {
            X.col(2) = X.col(0) + 2 * X.col(1);
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message, "can be computed from"));
            for (const auto& name : names) CHECK(contains(fit.error().message, "\u201c" + name + "\u201d"));
        }
        SUBCASE("categories that add up to one (the dummy trap)") {
            for (Eigen::Index i = 0; i < n; ++i) {
                const int plan = static_cast<int>(rng.below(3));
                for (int c = 0; c < 3; ++c) X(i, c) = plan == c ? 1 : 0;
            }
            const auto fit = fitOls(X, y, {"basic", "pro", "team"});
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message, "can be computed from"));
            CHECK(contains(fit.error().message, "Leave one feature of each group out."));
        }
        SUBCASE("a constant column") {
            X.col(1).setConstant(4.5);
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(fit.error().message ==
                  "\u201ctickets\u201d has the same value in every answer, so it cannot explain differences between "
                  "them. "
                  "Leave it out.");
        }
        SUBCASE("two constant columns") {
            X.col(0).setZero();
            X.col(2).setConstant(-1);
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message, "\u201corders\u201d and \u201crefunds\u201d have the same value"));
            CHECK(contains(fit.error().message, "so they cannot explain differences between them. Leave them out."));
        }
        SUBCASE("the same score in every answer") {
            y.setConstant(9);
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(fit.error().message ==
                  "All 200 answers have the same score, so there are no differences for the features to explain.");
        }
        SUBCASE("missing values") {
            X(17, 1) = NAN;
            const auto fit = fitOls(X, y, names);
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message, "missing values in \u201ctickets\u201d"));
        }
        SUBCASE("near-duplicates are kept, with a warning") {
            for (Eigen::Index i = 0; i < n; ++i) X(i, 2) = X(i, 0) + 1e-3 * rng.normal();
            const auto fit = fitOls(X, y, names);
            REQUIRE(fit.ok());
            CHECK(fit->terms[3].vif > 1e4);
            CHECK(fit->warnings.size() == 1);
        }
    }

    TEST_CASE("drivers regression refuses too few answers") {
        core::Random rng(9);
        SUBCASE("more features than answers") {
            Eigen::MatrixXd X(5, 8);
            Eigen::VectorXd y(5);
            for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = rng.normal();
            for (Eigen::Index i = 0; i < 5; ++i) y(i) = rng.normal();
            const auto fit = fitOls(X, y, std::vector<std::string>(8, "f"));
            REQUIRE(!fit.ok());
            CHECK(
                fit.error().message ==
                "Too few answers (5) for 8 features: need at least 80. Choose fewer features or include more answers.");
        }
        SUBCASE("fewer than minRowsPerFeature per feature") {
            Eigen::MatrixXd X(29, 3);
            Eigen::VectorXd y(29);
            for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = rng.normal();
            for (Eigen::Index i = 0; i < 29; ++i) y(i) = rng.normal();
            const auto fit = fitOls(X, y, {"a", "b", "c"});
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message, "Too few answers (29) for 3 features: need at least 30."));
            X.conservativeResize(30, 3);
            y.conservativeResize(30);
            X.row(29) << 1, 2, 3;
            y(29) = 0.5;
            CHECK(fitOls(X, y, {"a", "b", "c"}).ok());
        }
        SUBCASE("no degrees of freedom left, whatever the per-feature rule") {
            Eigen::MatrixXd X(3, 2);
            X << 1, 0, 0, 1, 1, 1;
            Eigen::VectorXd y(3);
            y << 1, 2, 4;
            OlsOptions options;
            options.minRowsPerFeature = 0;
            const auto fit = fitOls(X, y, {"a", "b"}, options);
            REQUIRE(!fit.ok());
            CHECK(contains(fit.error().message, "Too few answers (3) for 2 features: need at least 4."));
        }
    }

    TEST_CASE("an exact fit is reported, not divided by zero") {
        Eigen::MatrixXd X(20, 2);
        Eigen::VectorXd y(20);
        for (int i = 0; i < 20; ++i) {
            X(i, 0) = i;
            X(i, 1) = (i * 7) % 5;
            y(i) = 1 + 2 * X(i, 0) - X(i, 1);
        }
        const auto fit = fitOls(X, y, {"a", "b"}, {false, 1, 0.95});
        REQUIRE(fit.ok());
        CHECK(fit->rSquared == 1);
        CHECK(fit->terms[1].coefficient == doctest::Approx(2).epsilon(1e-12));
        CHECK(fit->terms[1].pValue == 0);
        CHECK(fit->fPValue == 0);
        REQUIRE(fit->warnings.size() == 1);
        CHECK(contains(fit->warnings[0], "exactly"));
    }

    TEST_CASE("drivers in one plain sentence") {
        OlsResult r;
        r.p = 3;
        r.rSquared = 0.2374;
        r.terms.resize(4);
        r.terms[0].name = "Intercept";
        r.terms[1].name = "Complaints";
        r.terms[1].coefficientPerSd = -1.3;
        r.terms[1].pValue = 1e-9;
        r.terms[2].name = "Tenure in months";
        r.terms[2].coefficientPerSd = 0.8;
        r.terms[2].pValue = 0.012;
        r.terms[3].name = "Discount";
        r.terms[3].coefficientPerSd = 2.5;  // the largest effect, but not clear
        r.terms[3].pValue = 0.2;
        CHECK(
            describeDrivers(r, "NPS score") ==
            "Complaints lower the NPS score most: each standard deviation more goes with 1.3 points less (p < 0.001); "
            "the features explain 24% of the differences between customers.");

        r.terms[1].pValue = 0.3;
        CHECK(describeDrivers(r, "NPS score") ==
              "Tenure in months raises the NPS score most: each standard deviation more goes with 0.80 points more "
              "(p = 0.012); the features explain 24% of the differences between customers.");

        r.terms[2].pValue = 0.05;
        r.rSquared = 0.003;
        CHECK(
            describeDrivers(r, "CSAT score") ==
            "None of the features goes clearly with the CSAT score (all p \u2265 0.05); the features explain less than "
            "1% of the differences between customers.");
    }

    TEST_CASE("drivers regression over a million answers and 20 features") {
#ifdef __EMSCRIPTEN__
        const Eigen::Index n = 200000;  // the Node run of this suite stays within seconds
#else
        const Eigen::Index n = 1000000;
#endif
        const Eigen::Index p = 20;
        core::Random rng(21);
        Eigen::MatrixXd X(n, p);
        Eigen::VectorXd y(n);
        Eigen::VectorXd truth(p);
        for (Eigen::Index j = 0; j < p; ++j) truth(j) = 0.1 * static_cast<double>(j % 7) - 0.3;
        for (Eigen::Index i = 0; i < n; ++i) {
            double value = 7;
            for (Eigen::Index j = 0; j < p; ++j) {
                X(i, j) = rng.normal(static_cast<double>(j), 1 + 0.1 * static_cast<double>(j));
                value += truth(j) * X(i, j);
            }
            y(i) = value + rng.normal(0, 2);
        }
        std::vector<std::string> names;
        for (Eigen::Index j = 0; j < p; ++j) names.push_back("feature " + std::to_string(j));
        const auto start = std::chrono::steady_clock::now();
        const auto fit = fitOls(X, y, names, {false, 10, 0.95});
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        MESSAGE("fitOls on " << n << " x " << p << ": " << seconds * 1000 << " ms");
        REQUIRE(fit.ok());
        for (Eigen::Index j = 0; j < p; ++j) {
            CAPTURE(j);
            const OlsTerm& term = fit->terms[j + 1];
            CHECK(std::fabs(term.coefficient - truth(j)) < 5 * term.standardError);
        }
        CHECK(fit->residualStdError == doctest::Approx(2).epsilon(0.01));
    }

}  // TEST_SUITE
