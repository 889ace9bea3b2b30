#include "analytics/logistic.hpp"

#include <doctest/doctest.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "core/random.hpp"

using namespace rapport;
using namespace rapport::analytics;

namespace {

bool anyContains(const std::vector<std::string>& lines, const std::string& part) {
    for (const std::string& line : lines)
        if (line.find(part) != std::string::npos) return true;
    return false;
}

// Features on very different scales, two of them correlated, one binary:
// logit = -3 + 0.4 x0 - 0.1 x1 + 1.0 x2 + 0.00002 x3.
const Eigen::Vector4d kTrueWeights(0.4, -0.1, 1.0, 0.00002);
constexpr double kTrueIntercept = -3.0;

void simulate(Eigen::Index n, uint64_t seed, Eigen::MatrixXd& X, Eigen::VectorXi& y) {
    core::Random rng(seed);
    X.resize(n, 4);
    y.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        X(i, 0) = rng.normal(5, 2);
        X(i, 1) = 0.5 * X(i, 0) + rng.normal(10, 3);
        X(i, 2) = rng.chance(0.3) ? 1.0 : 0.0;
        X(i, 3) = rng.normal(50000, 15000);
        const double logit = kTrueIntercept + X.row(i).dot(kTrueWeights);
        y(i) = rng.chance(1.0 / (1.0 + std::exp(-logit))) ? 1 : 0;
    }
}

// z-scores with the population standard deviation (StandardScaler).
Eigen::MatrixXd standardized(const Eigen::MatrixXd& X) {
    Eigen::MatrixXd Z = X;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double mean = X.col(j).mean();
        const double sd = std::sqrt((X.col(j).array() - mean).square().mean());
        Z.col(j) = (X.col(j).array() - mean) / sd;
    }
    return Z;
}

// The textbook method for comparison: plain Newton from zero, no line search, on
// [1, Z] with penalty l2 on every coefficient but the intercept. Returns (b, w).
Eigen::VectorXd plainNewton(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y, double l2) {
    const Eigen::Index n = Z.rows(), q = Z.cols() + 1;
    Eigen::MatrixXd D(n, q);
    D.col(0).setOnes();
    D.rightCols(q - 1) = Z;
    Eigen::VectorXd penalty = Eigen::VectorXd::Constant(q, l2);
    penalty(0) = 0;
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(q);
    for (int iteration = 0; iteration < 100; ++iteration) {
        const Eigen::ArrayXd p = 1.0 / (1.0 + (-(D * beta).array()).exp());
        const Eigen::VectorXd g = D.transpose() * (p - y.cast<double>().array()).matrix() + penalty.cwiseProduct(beta);
        Eigen::MatrixXd H = D.transpose() * (p * (1 - p)).matrix().asDiagonal() * D;
        H.diagonal() += penalty;
        const Eigen::VectorXd step = H.ldlt().solve(g);
        beta -= step;
        if (step.lpNorm<Eigen::Infinity>() < 1e-14) break;
    }
    return beta;
}

double logistic(double eta) { return 1.0 / (1.0 + std::exp(-eta)); }

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("logistic regression on one binary feature reproduces the log-odds of each group") {
        // Unpenalized, the MLE is known in closed form: the intercept is the log-odds at x = 0
        // (1 churned of 4: log(1/3)) and the slope the log odds ratio (3 of 4 at x = 1:
        // log 3 - log(1/3) = 2 log 3).
        Eigen::MatrixXd X(8, 1);
        X << 0, 0, 0, 0, 1, 1, 1, 1;
        Eigen::VectorXi y(8);
        y << 1, 0, 0, 0, 1, 1, 1, 0;
        for (const bool standardize : {true, false}) {
            CAPTURE(standardize);
            LogisticParams params;
            params.l2 = 1e-12;
            params.standardize = standardize;
            const auto fit = fitLogistic(X, y, params);
            REQUIRE(fit.ok());
            CHECK(fit->converged);
            CHECK(fit->interceptOriginal == doctest::Approx(std::log(1.0 / 3.0)).epsilon(1e-9));
            CHECK(fit->weightsOriginal(0) == doctest::Approx(2 * std::log(3.0)).epsilon(1e-9));
            // Standardized: x has mean 0.5 and standard deviation 0.5.
            if (standardize) {
                CHECK(fit->center(0) == doctest::Approx(0.5));
                CHECK(fit->scale(0) == doctest::Approx(0.5));
                CHECK(fit->weights(0) == doctest::Approx(std::log(3.0)).epsilon(1e-9));
                CHECK(fit->intercept == doctest::Approx(0).scale(1).epsilon(1e-9));
            }
        }
    }

    TEST_CASE("the L2 penalty solves its one-dimensional equation on symmetric data") {
        // x = +1: 3 of 4 churned; x = -1: 1 of 4. By symmetry the intercept is 0 and the
        // weight solves 2 (4 sigmoid(w) - 3) + l2 w = 0; with l2 = 1, by bisection here.
        Eigen::MatrixXd X(8, 1);
        X << 1, 1, 1, 1, -1, -1, -1, -1;
        Eigen::VectorXi y(8);
        y << 1, 1, 1, 0, 1, 0, 0, 0;
        double lo = 0, hi = 10;
        for (int i = 0; i < 200; ++i) {
            const double mid = 0.5 * (lo + hi);
            (2 * (4 * logistic(mid) - 3) + mid > 0 ? hi : lo) = mid;
        }
        const auto fit = fitLogistic(X, y, {});
        REQUIRE(fit.ok());
        CHECK(fit->converged);
        CHECK(fit->intercept == doctest::Approx(0).scale(1).epsilon(1e-10));
        CHECK(fit->weights(0) == doctest::Approx(lo).epsilon(1e-10));
        CHECK(lo == doctest::Approx(0.68362).epsilon(1e-4));  // the root, for the record
        // The objective is the documented one.
        const double w = fit->weights(0);
        // Each side: 3 customers with loss log(1 + e^-w), 1 with log(1 + e^w).
        const double objective = 2 * (3 * std::log1p(std::exp(-w)) + std::log1p(std::exp(w))) + 0.5 * w * w;
        CHECK(fit->objective == doctest::Approx(objective).epsilon(1e-12));
    }

    TEST_CASE("logistic regression matches a plain Newton implementation") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(300, 11, X, y);
        const Eigen::MatrixXd Z = standardized(X);
        for (const double l2 : {0.1, 1.0, 25.0}) {
            CAPTURE(l2);
            const Eigen::VectorXd reference = plainNewton(Z, y, l2);
            LogisticParams params;
            params.l2 = l2;
            const auto fit = fitLogistic(X, y, params);
            REQUIRE(fit.ok());
            CHECK(fit->converged);
            CHECK(fit->iterations <= 10);
            CHECK(fit->intercept == doctest::Approx(reference(0)).epsilon(1e-9));
            for (int j = 0; j < 4; ++j) CHECK(fit->weights(j) == doctest::Approx(reference(j + 1)).epsilon(1e-9));
        }
    }

    TEST_CASE("as the penalty goes to zero the fit approaches the unpenalized maximum likelihood") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(400, 12, X, y);
        const Eigen::VectorXd mle = plainNewton(standardized(X), y, 0.0);
        double previous = 1e300;
        for (const double l2 : {10.0, 1.0, 1e-2, 1e-4, 1e-6}) {
            CAPTURE(l2);
            LogisticParams params;
            params.l2 = l2;
            const auto fit = fitLogistic(X, y, params);
            REQUIRE(fit.ok());
            Eigen::VectorXd beta(5);
            beta << fit->intercept, fit->weights;
            const double distance = (beta - mle).norm();
            CHECK(distance < previous);
            previous = distance;
        }
        CHECK(previous < 1e-6);
    }

    TEST_CASE("logistic regression recovers the parameters of data simulated from the model") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(50000, 2024, X, y);
        const auto fit = fitLogistic(X, y, {});
        REQUIRE(fit.ok());
        CHECK(fit->converged);
        CHECK(fit->warnings.empty());
        // Standard errors from the inverse Fisher information at the estimate, original units.
        Eigen::MatrixXd D(X.rows(), 5);
        D.col(0).setOnes();
        D.rightCols(4) = X;
        const Eigen::ArrayXd p = predictProba(*fit, X).array();
        const Eigen::MatrixXd information = D.transpose() * (p * (1 - p)).matrix().asDiagonal() * D;
        const Eigen::VectorXd se = information.ldlt().solve(Eigen::MatrixXd::Identity(5, 5)).diagonal().cwiseSqrt();
        CHECK(std::fabs(fit->interceptOriginal - kTrueIntercept) < 4 * se(0));
        for (int j = 0; j < 4; ++j) {
            CAPTURE(j);
            CHECK(std::fabs(fit->weightsOriginal(j) - kTrueWeights(j)) < 4 * se(j + 1));
            CHECK(se(j + 1) < 0.1 * std::fabs(kTrueWeights(j)));  // the test has the power to notice
        }
    }

    TEST_CASE("logistic regression matches scikit-learn's LogisticRegression on StandardScaler'd data") {
        // Reference values from scikit-learn 1.2.1: StandardScaler() then
        // LogisticRegression(C=1/l2, solver="newton-cholesky", tol=1e-12) on simulate(500, 7),
        // the same rows written to a file (a throwaway script, not part of the repository).
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(500, 7, X, y);
        struct Case {
            double l2, intercept;
            double weights[4];
        };
        const Case cases[] = {
            {1.0, -0.95486199296542, {0.640965783759091, -0.174601629951959, 0.678134375300426, 0.358484545588859}},
            {20.0, -0.90346144685162, {0.486870239715797, -0.113691606347224, 0.545601600901791, 0.281338813047686}},
        };
        for (const Case& c : cases) {
            CAPTURE(c.l2);
            LogisticParams params;
            params.l2 = c.l2;
            const auto fit = fitLogistic(X, y, params);
            REQUIRE(fit.ok());
            CHECK(fit->intercept == doctest::Approx(c.intercept).epsilon(1e-7));
            for (int j = 0; j < 4; ++j) CHECK(fit->weights(j) == doctest::Approx(c.weights[j]).epsilon(1e-7));
        }
    }

    TEST_CASE("perfectly separated data get finite weights and a warning") {
        // Churned exactly when x0 > 0: the unpenalized MLE does not exist.
        core::Random rng(5);
        Eigen::MatrixXd X(200, 2);
        Eigen::VectorXi y(200);
        for (int i = 0; i < 200; ++i) {
            X(i, 0) = rng.normal(0, 1);
            X(i, 1) = rng.normal(0, 1);
            y(i) = X(i, 0) > 0 ? 1 : 0;
        }
        for (const double l2 : {1.0, 1e-8}) {
            CAPTURE(l2);
            LogisticParams params;
            params.l2 = l2;
            const auto fit = fitLogistic(X, y, params);
            REQUIRE(fit.ok());
            CHECK(fit->converged);
            CHECK(fit->weights.allFinite());
            CHECK(std::isfinite(fit->intercept));
            // Detected when the fit itself classifies every customer correctly: certain with a
            // tiny penalty; a strong one may leave a few near the boundary on the wrong side.
            if (l2 < 1e-6) CHECK(anyContains(fit->warnings, "separate churned and staying customers perfectly"));
            const Eigen::VectorXd p = predictProba(*fit, X);
            CHECK(p.allFinite());
            if (l2 < 1e-6) CHECK(fit->weights(0) > 10);  // large: held back only by the tiny penalty
        }
        // Without a penalty there is no maximum: reported as not converged, and said so.
        LogisticParams none;
        none.l2 = 0;
        const auto unpenalized = fitLogistic(X, y, none);
        REQUIRE(unpenalized.ok());
        CHECK_FALSE(unpenalized->converged);
        CHECK(unpenalized->weights.allFinite());
        CHECK(anyContains(unpenalized->warnings, "grow without limit"));
        // Overlapping classes: no such warning.
        for (int i = 0; i < 20; ++i) y(i) = 1 - y(i);
        const auto overlapping = fitLogistic(X, y, {});
        REQUIRE(overlapping.ok());
        CHECK_FALSE(anyContains(overlapping->warnings, "separate"));
    }

    TEST_CASE("original-unit coefficients give the same predictions as the standardized ones") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(1000, 3, X, y);
        const auto fit = fitLogistic(X, y, {});
        REQUIRE(fit.ok());
        const Eigen::VectorXd viaOriginal =
            (X * fit->weightsOriginal).array() + fit->interceptOriginal;  // per unit of each feature
        const Eigen::VectorXd logit = predictLogit(*fit, X);
        for (Eigen::Index i = 0; i < X.rows(); ++i) CHECK(viaOriginal(i) == doctest::Approx(logit(i)).epsilon(1e-9));
        const Eigen::VectorXd p = predictProba(*fit, X);
        for (Eigen::Index i = 0; i < X.rows(); i += 97) CHECK(p(i) == doctest::Approx(logistic(logit(i))));
        for (int j = 0; j < 4; ++j) CHECK(fit->weightsOriginal(j) == doctest::Approx(fit->weights(j) / fit->scale(j)));

        // Nearly unpenalized, fitting on raw X gives the same original-unit model.
        LogisticParams raw;
        raw.l2 = 1e-9;
        raw.standardize = false;
        LogisticParams scaled = raw;
        scaled.standardize = true;
        const auto a = fitLogistic(X, y, raw), b = fitLogistic(X, y, scaled);
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        CHECK(a->scale.isOnes());
        CHECK(a->center.isZero());
        CHECK(a->interceptOriginal == doctest::Approx(b->interceptOriginal).epsilon(1e-6));
        for (int j = 0; j < 4; ++j)
            CHECK(a->weightsOriginal(j) == doctest::Approx(b->weightsOriginal(j)).epsilon(1e-6));
    }

    TEST_CASE("contributions add up to each customer's logit") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(500, 4, X, y);
        const auto fit = fitLogistic(X, y, {});
        REQUIRE(fit.ok());
        const Eigen::MatrixXd c = contributions(*fit, X);
        REQUIRE(c.rows() == 500);
        REQUIRE(c.cols() == 4);
        const Eigen::VectorXd logit = predictLogit(*fit, X);
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            CHECK(fit->intercept + c.row(i).sum() == doctest::Approx(logit(i)).epsilon(1e-12));
        // A customer at the centre of every feature has no contributions.
        const Eigen::MatrixXd centre = fit->center.transpose();
        CHECK(contributions(*fit, centre).isZero());
        CHECK(c(0, 0) == doctest::Approx(fit->weights(0) * (X(0, 0) - fit->center(0)) / fit->scale(0)));
    }

    TEST_CASE("huge margins neither overflow nor produce NaN") {
        Eigen::MatrixXd X(6, 1);
        X << -3, -2, -1, 1, 2, 3;
        Eigen::VectorXi y(6);
        y << 0, 0, 1, 0, 1, 1;
        auto fit = fitLogistic(X, y, {});
        REQUIRE(fit.ok());
        Eigen::MatrixXd far(2, 1);
        far << -1e6, 1e6;
        const Eigen::VectorXd p = predictProba(*fit, far);
        CHECK(p(0) == 0.0);
        CHECK(p(1) == 1.0);
        // Features in the millions on raw X: the losses stay finite.
        LogisticParams raw;
        raw.standardize = false;
        const auto big = fitLogistic(X * 1e6, y, raw);
        REQUIRE(big.ok());
        CHECK(std::isfinite(big->objective));
        CHECK(big->weights.allFinite());
    }

    TEST_CASE("a constant feature gets weight zero and a warning") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(300, 8, X, y);
        Eigen::MatrixXd withConstant(300, 5);
        withConstant << X, Eigen::VectorXd::Constant(300, 0.1);
        const auto fit = fitLogistic(withConstant, y, {});
        REQUIRE(fit.ok());
        CHECK(fit->converged);
        CHECK(fit->weights(4) == 0.0);
        CHECK(fit->scale(4) == 1.0);
        CHECK(anyContains(fit->warnings, "Feature 5 has the same value"));
        const auto without = fitLogistic(X, y, {});
        REQUIRE(without.ok());
        CHECK(fit->weights.head(4).isApprox(without->weights, 1e-10));
    }

    TEST_CASE("without a penalty, a feature that copies another still gets a usable fit") {
        // The Hessian is singular; the ridge fallback picks one of the equally good solutions.
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(400, 10, X, y);
        Eigen::MatrixXd doubled(400, 5);
        doubled << X, 2 * X.col(0);
        LogisticParams params;
        params.l2 = 0;
        for (const bool standardize : {true, false}) {
            CAPTURE(standardize);
            params.standardize = standardize;
            const auto a = fitLogistic(X, y, params), b = fitLogistic(doubled, y, params);
            REQUIRE(a.ok());
            REQUIRE(b.ok());
            CHECK(b->converged);
            const Eigen::VectorXd pa = predictProba(*a, X), pb = predictProba(*b, doubled);
            CHECK((pa - pb).lpNorm<Eigen::Infinity>() < 1e-6);
        }
    }

    TEST_CASE("logistic regression refuses data it cannot fit, in words a user understands") {
        Eigen::MatrixXd X(4, 1);
        X << 1, 2, 3, 4;
        Eigen::VectorXi same(4);
        same << 1, 1, 1, 1;
        auto r = fitLogistic(X, same);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "All customers in the training set have the same label: there is nothing to learn.");

        Eigen::VectorXi bad(4);
        bad << 0, 1, 2, 0;
        r = fitLogistic(X, bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("customer 3 has 2") != std::string::npos);

        Eigen::VectorXi y(4);
        y << 0, 1, 0, 1;
        Eigen::MatrixXd missing = X;
        missing(2, 0) = std::nan("");
        r = fitLogistic(missing, y);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("Feature 1 has missing or infinite values") != std::string::npos);

        CHECK_FALSE(fitLogistic(Eigen::MatrixXd(0, 2), Eigen::VectorXi(0)).ok());
        CHECK_FALSE(fitLogistic(Eigen::MatrixXd(4, 0), y).ok());
        CHECK_FALSE(fitLogistic(X, Eigen::VectorXi::Zero(3)).ok());
        LogisticParams params;
        params.l2 = -1;
        CHECK_FALSE(params.validate().ok());
        CHECK_FALSE(fitLogistic(X, y, params).ok());
        params = {};
        params.maxIterations = 0;
        CHECK_FALSE(params.validate().ok());
        params = {};
        params.tolerance = std::nan("");
        CHECK_FALSE(params.validate().ok());
        CHECK(LogisticParams{}.validate().ok());
    }

    TEST_CASE("an iteration limit that is too low is reported") {
        Eigen::MatrixXd X;
        Eigen::VectorXi y;
        simulate(300, 9, X, y);
        LogisticParams params;
        params.maxIterations = 1;
        const auto fit = fitLogistic(X, y, params);
        REQUIRE(fit.ok());
        CHECK_FALSE(fit->converged);
        CHECK(fit->iterations == 1);
        CHECK(anyContains(fit->warnings, "before converging"));
    }

    TEST_CASE("the step-by-step fit keeps steps short and progress monotone (100,000 x 20)") {
        const Eigen::Index n = 100000, p = 20;
        core::Random rng(77);
        Eigen::MatrixXd X(n, p);
        Eigen::VectorXi y(n);
        Eigen::VectorXd w(p);
        for (Eigen::Index j = 0; j < p; ++j) w(j) = rng.normal(0, 0.3);
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index j = 0; j < p; ++j) X(i, j) = rng.normal(j, 1 + j);
        }
        const Eigen::VectorXd logit = (standardized(X) * w).array() - 1.0;
        for (Eigen::Index i = 0; i < n; ++i) y(i) = rng.chance(logistic(logit(i))) ? 1 : 0;

        using Clock = std::chrono::steady_clock;
        const auto start = Clock::now();
        LogisticFit fit(X, y);
        std::vector<double> durations;
        double last = 0;
        bool monotone = true;
        for (;;) {
            const auto t0 = Clock::now();
            const bool more = fit.step();
            durations.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
            monotone = monotone && fit.progress() >= last;
            last = fit.progress();
            if (!more) break;
        }
        const double total = std::chrono::duration<double>(Clock::now() - start).count();
        std::sort(durations.begin(), durations.end());
        const double median = durations[durations.size() / 2];
        MESSAGE("100,000 x 20: " << total * 1e3 << " ms in " << durations.size() << " steps, median " << median * 1e3
                                 << " ms, longest " << durations.back() * 1e3 << " ms");
        CHECK(fit.done());
        CHECK(monotone);
        CHECK(last == 1.0);
        CHECK(durations.size() > 40);
        // Natively about half a millisecond; the median ignores the pauses of a busy machine.
        CHECK(median < 0.01);
        const auto model = fit.result();
        REQUIRE(model.ok());
        CHECK(model->converged);
        CHECK(model->weights.isApprox(w, 0.1));
    }
}
