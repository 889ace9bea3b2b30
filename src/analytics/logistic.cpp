// logistic.cpp: the penalized logistic regression (see logistic.hpp for the objective and
// the method). The fit is a small phase machine: standardize a few columns per step, then
// Newton passes over chunks of rows. Every sum lives in the state and is accumulated in
// row order, chunk by chunk, so the result does not depend on how the steps are timed.
//
// Contents
//   1. Numerics: stable logistic terms
//   2. Fit state
//   3. Standardization
//   4. Newton passes and the line search
//   5. LogisticFit
//   6. Parameters, the one-call fit, prediction and contributions

#include "analytics/logistic.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <optional>

#include "core/text_format.hpp"

namespace rapport::analytics {

namespace {

// Work per step in multiply-adds: under a millisecond natively and in wasm, so the app can
// run several steps in a 10 ms frame.
constexpr int64_t kStepWork = int64_t{1} << 21;
// Armijo's sufficient-decrease constant and the smallest step the line search tries.
constexpr double kArmijo = 1e-4;
constexpr double kSmallestStep = 1e-10;
// Objective values differ by rounding (a sum over n rows): a candidate that is worse by
// less than this share of the objective still counts as no worse.
constexpr double kObjectiveSlack = 1e-12;

// =======================================================================================
// 1. Numerics: stable logistic terms
// =======================================================================================

// Everything one row needs from its margin eta, from a single exp of -|eta| (never
// overflows): p = 1 / (1 + exp(-eta)), p (1 - p) and the log-loss.
struct RowTerms {
    double p, weight, loss;
};

inline RowTerms rowTerms(double eta, double y) {
    const double e = std::exp(-std::fabs(eta));  // in (0, 1]
    const double onePlus = 1.0 + e;
    const double p = eta >= 0 ? 1.0 / onePlus : e / onePlus;
    // log(1 + exp(eta)) - y eta = max(eta, 0) - y eta + log1p(exp(-|eta|)).
    const double loss = std::max(eta, 0.0) - y * eta + std::log1p(e);
    return {p, e / (onePlus * onePlus), loss};
}

inline double sigmoid(double eta) {
    const double e = std::exp(-std::fabs(eta));
    return eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

enum class Phase { Standardize, Pass, Final, Done };

}  // namespace

// =======================================================================================
// 2. Fit state
// =======================================================================================

struct LogisticFit::State {
    int64_t n = 0;
    int p = 0;
    int q = 0;  // p + 1: the intercept is column 0 of Z
    LogisticParams params;
    Eigen::MatrixXd Z;  // n x q: ones, then the standardized features
    Eigen::VectorXd y;  // 0/1 as doubles
    Eigen::VectorXd center, scale;
    std::vector<std::string> warnings;
    std::optional<core::Error> error;

    Phase phase = Phase::Standardize;
    int nextColumn = 0;
    int columnsPerStep = 1;
    int64_t rowsPerStep = 1;       // in a Newton pass
    int64_t rowsPerFinalStep = 1;  // in the last pass (margins and losses only)

    // The latest accepted iterate, its objective and gradient, and the Newton direction
    // from it.
    Eigen::VectorXd beta, gradient, direction;
    double objective = 0;
    double decrement = 0;  // g' H^-1 g at beta
    double stepSize = 1;
    bool accepted = false;  // an iterate has been accepted (the start, after the first pass)
    int64_t acceptedUnseparated = 0;

    // The pass in progress: the candidate and the sums over the rows seen so far.
    Eigen::VectorXd candidate;
    int64_t row = 0;
    double passLoss = 0;
    Eigen::VectorXd passGradient;
    Eigen::MatrixXd passHessian;  // lower triangle
    int64_t passUnseparated = 0;  // rows on the wrong side of, or on, the decision boundary
    Eigen::VectorXd eta, rootWeight, residual;
    Eigen::MatrixXd weighted;  // chunk x q: rows of Z times sqrt(p (1 - p))

    int iterations = 0;
    int passes = 0;
    bool converged = false;
    double progressSoFar = 0;

    void fail(core::Error e) {
        error = std::move(e);
        phase = Phase::Done;
    }
    void standardizeColumns();
    void startPasses();
    void passChunk();
    void finishPass();
    bool newtonDirection();
    void finalChunk();
    void finish();
    LogisticModel model() const;
};

// =======================================================================================
// 3. Standardization
// =======================================================================================

// Centres and scales a few columns of Z in place (population standard deviation, as
// StandardScaler). A constant column gets its value as centre and scale 1, so it becomes
// exactly zero and keeps a zero weight.
void LogisticFit::State::standardizeColumns() {
    const int last = std::min(p, nextColumn + columnsPerStep);
    for (; nextColumn < last; ++nextColumn) {
        const int j = nextColumn;
        auto column = Z.col(j + 1);
        if (!column.allFinite()) {
            fail(core::makeError("Feature " + std::to_string(j + 1) +
                                 " has missing or infinite values. Fill them in before fitting the model."));
            return;
        }
        const double lo = column.minCoeff(), hi = column.maxCoeff();
        if (lo == hi) {
            warnings.push_back("Feature " + std::to_string(j + 1) +
                               " has the same value for every customer in the training set, so it cannot tell "
                               "them apart" +
                               (params.standardize ? "; its coefficient is 0." : "."));
        }
        if (!params.standardize) continue;
        if (lo == hi) {
            center(j) = lo;
        } else {
            const double mean = column.mean();
            const double variance = (column.array() - mean).square().sum() / static_cast<double>(n);
            center(j) = mean;
            scale(j) = variance > 0 ? std::sqrt(variance) : 1.0;
        }
        column.array() = (column.array() - center(j)) / scale(j);
    }
    if (nextColumn == p) startPasses();
}

// The start: zero weights and the intercept at the log-odds of the base rate (the optimum
// of the intercept alone), which saves Newton an iteration or two.
void LogisticFit::State::startPasses() {
    phase = Phase::Pass;
    const double rate = y.mean();
    candidate = Eigen::VectorXd::Zero(q);
    candidate(0) = std::log(rate / (1.0 - rate));
    beta = candidate;
    row = 0;
    passLoss = 0;
    passGradient.setZero(q);
    passHessian.setZero(q, q);
    passUnseparated = 0;
}

// =======================================================================================
// 4. Newton passes and the line search
// =======================================================================================

void LogisticFit::State::passChunk() {
    const int64_t m = std::min(rowsPerStep, n - row);
    const auto block = Z.middleRows(row, m);
    auto e = eta.head(m);
    auto r = residual.head(m);
    auto s = rootWeight.head(m);
    e.noalias() = block * candidate;
    double loss = 0;
    int64_t unseparated = 0;
    for (int64_t i = 0; i < m; ++i) {
        const double yi = y(row + i);
        const RowTerms t = rowTerms(e(i), yi);
        loss += t.loss;
        r(i) = t.p - yi;
        s(i) = std::sqrt(t.weight);
        unseparated += yi > 0 ? e(i) <= 0 : e(i) >= 0;
    }
    passLoss += loss;  // chunk sums first: less rounding than one running sum over n rows
    passUnseparated += unseparated;
    passGradient.noalias() += block.transpose() * r;
    auto w = weighted.topRows(m);
    w = block.array().colwise() * s.array();
    passHessian.selfadjointView<Eigen::Lower>().rankUpdate(w.transpose());
    row += m;
    if (row == n) finishPass();
}

// direction = -H^-1 g. Without a penalty H can be singular (a feature that copies another,
// or a constant one on unstandardized data): then each diagonal entry is raised by a
// growing share of itself, as Marquardt does (features in raw units differ in scale by
// many orders), which picks one of the equally good solutions.
bool LogisticFit::State::newtonDirection() {
    const Eigen::ArrayXd diagonal = passHessian.diagonal().array().max(std::numeric_limits<double>::min());
    for (double ridge = 0; ridge <= 1.0; ridge = ridge == 0 ? 1e-12 : ridge * 100) {
        Eigen::MatrixXd H = passHessian;
        H.diagonal().array() += ridge * diagonal;
        const Eigen::LDLT<Eigen::MatrixXd> ldlt(H);
        if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) continue;
        direction = -ldlt.solve(gradient);
        decrement = -gradient.dot(direction);
        if (direction.allFinite() && decrement >= 0) return true;
    }
    return false;
}

// The pass at the candidate is complete: accept it (and take the next Newton direction)
// or shorten the step.
void LogisticFit::State::finishPass() {
    ++passes;
    const double l2 = params.l2;
    const auto weights = candidate.tail(p);
    const double value = passLoss + 0.5 * l2 * weights.squaredNorm();
    const double slope = -decrement;  // g' d along the current direction
    const bool better =
        !accepted || value <= objective + kArmijo * stepSize * slope + kObjectiveSlack * std::fabs(objective);

    if (better) {
        accepted = true;
        beta = candidate;
        objective = value;
        acceptedUnseparated = passUnseparated;
        gradient = passGradient;
        gradient.tail(p) += l2 * weights;
        passHessian.diagonal().tail(p).array() += l2;
        if (!newtonDirection()) {
            warnings.push_back(
                "The fit stopped early because the problem is numerically unstable; "
                "try a larger penalty or fewer overlapping features.");
            finish();
            return;
        }
        if (decrement <= params.tolerance) {
            // Take the last Newton step too (its error is about the square of this one's),
            // then one cheap pass for the objective and separation at the coefficients returned.
            converged = true;
            beta += direction;
            phase = Phase::Final;
            row = 0;
            passLoss = 0;
            passUnseparated = 0;
            return;
        }
        if (iterations >= params.maxIterations) {
            warnings.push_back("The fit stopped after " + std::to_string(iterations) +
                               " iterations before converging, so the coefficients may be inaccurate. Allow "
                               "more iterations or use a larger penalty.");
            finish();
            return;
        }
        ++iterations;
        stepSize = 1;
    } else {
        stepSize *= 0.5;
        if (stepSize < kSmallestStep) {
            // No step along the Newton direction lowers the objective beyond rounding: at
            // the optimum within the precision of the sums, unless the decrement says
            // otherwise.
            converged = decrement <= std::sqrt(std::numeric_limits<double>::epsilon()) * (1 + objective);
            if (!converged)
                warnings.push_back(
                    "The fit could not improve the coefficients any further before converging; "
                    "they may be inaccurate. Try a larger penalty.");
            finish();
            return;
        }
    }
    candidate = beta + stepSize * direction;
    row = 0;
    passLoss = 0;
    passGradient.setZero();
    passHessian.setZero();
    passUnseparated = 0;
}

// The objective and separation at the final coefficients: margins and losses only.
void LogisticFit::State::finalChunk() {
    const int64_t m = std::min(rowsPerFinalStep, n - row);
    auto e = eta.head(m);
    e.noalias() = Z.middleRows(row, m) * beta;
    double loss = 0;
    int64_t unseparated = 0;
    for (int64_t i = 0; i < m; ++i) {
        const double yi = y(row + i);
        loss += rowTerms(e(i), yi).loss;
        unseparated += yi > 0 ? e(i) <= 0 : e(i) >= 0;
    }
    passLoss += loss;
    passUnseparated += unseparated;
    row += m;
    if (row < n) return;
    objective = passLoss + 0.5 * params.l2 * beta.tail(p).squaredNorm();
    acceptedUnseparated = passUnseparated;
    finish();
}

void LogisticFit::State::finish() {
    phase = Phase::Done;
    if (acceptedUnseparated == 0 && params.l2 > 0) {
        warnings.push_back(
            "The features separate churned and staying customers perfectly in the training data, so the "
            "coefficients are kept finite only by the penalty (l2 = " +
            core::formatNumber(params.l2) +
            ") and the probabilities are likely overconfident. Check for a feature that gives the label away, "
            "or use more data or a larger penalty.");
    } else if (acceptedUnseparated == 0) {
        // Without a penalty the likelihood keeps growing with the coefficients: there is no
        // maximum to converge to, whatever the gradient says.
        converged = false;
        warnings.push_back(
            "The features separate churned and staying customers perfectly in the training data, so without a "
            "penalty the coefficients grow without limit; the values shown are where the fit stopped. Check for a "
            "feature that gives the label away, or use a penalty.");
    }
    // The buffers are no longer needed; the model keeps only what it reports.
    Z.resize(0, 0);
    weighted.resize(0, 0);
    passHessian.resize(0, 0);
}

LogisticModel LogisticFit::State::model() const {
    LogisticModel m;
    m.intercept = beta(0);
    m.weights = beta.tail(p);
    m.center = center;
    m.scale = scale;
    m.weightsOriginal = m.weights.cwiseQuotient(scale);
    m.interceptOriginal = m.intercept - m.weightsOriginal.dot(center);
    m.objective = objective;
    m.iterations = iterations;
    m.converged = converged;
    m.warnings = warnings;
    return m;
}

// =======================================================================================
// 5. LogisticFit
// =======================================================================================

namespace {

// Errors a user can cause that are visible before any pass over the features.
core::Status checkInput(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& y,
                        const LogisticParams& params) {
    if (const core::Status valid = params.validate(); !valid) return valid;
    const int64_t n = X.rows();
    if (n == 0) return core::makeError("There are no customers to fit the model on.");
    if (X.cols() == 0) return core::makeError("No features were chosen. Choose at least one feature to predict churn.");
    if (y.size() != n)
        return core::makeError("The churn model could not be fitted: the labels do not match the data.",
                               std::to_string(y.size()) + " labels for " + std::to_string(n) + " rows");
    int64_t positives = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (y(i) != 0 && y(i) != 1)
            return core::makeError("Churn labels must be 0 (stayed) or 1 (churned); customer " +
                                   core::formatCount(i + 1) + " has " + std::to_string(y(i)) + ".");
        positives += y(i);
    }
    if (positives == 0 || positives == n)
        return core::makeError("All customers in the training set have the same label: there is nothing to learn.");
    return {};
}

}  // namespace

LogisticFit::LogisticFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& y,
                         const LogisticParams& params)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.params = params;
    s.n = X.rows();
    s.p = static_cast<int>(X.cols());
    s.q = s.p + 1;
    s.beta = Eigen::VectorXd::Zero(s.q);
    s.center = Eigen::VectorXd::Zero(s.p);
    s.scale = Eigen::VectorXd::Ones(s.p);
    if (const core::Status valid = checkInput(X, y, params); !valid) {
        s.fail(valid.error());
        return;
    }
    s.y = y.cast<double>();
    s.Z.resize(s.n, s.q);
    s.Z.col(0).setOnes();
    s.Z.rightCols(s.p) = X;
    s.columnsPerStep = static_cast<int>(std::clamp<int64_t>(kStepWork / (4 * s.n), 1, s.p));
    const int64_t perRow = int64_t{s.q} * s.q / 2 + 4 * s.q + 40;  // rank update, products, exp and log1p
    s.rowsPerStep = std::clamp<int64_t>(kStepWork / perRow, 64, s.n);
    s.rowsPerFinalStep = std::clamp<int64_t>(kStepWork / (2 * s.q + 40), 64, s.n);
    s.eta.resize(std::max(s.rowsPerStep, s.rowsPerFinalStep));
    s.rootWeight.resize(s.rowsPerStep);
    s.residual.resize(s.rowsPerStep);
    s.weighted.resize(s.rowsPerStep, s.q);
}

LogisticFit::LogisticFit(LogisticFit&&) noexcept = default;
LogisticFit& LogisticFit::operator=(LogisticFit&&) noexcept = default;
LogisticFit::~LogisticFit() = default;

bool LogisticFit::step() {
    State& s = *state_;
    switch (s.phase) {
        case Phase::Standardize:
            s.standardizeColumns();
            break;
        case Phase::Pass:
            s.passChunk();
            break;
        case Phase::Final:
            s.finalChunk();
            break;
        case Phase::Done:
            break;
    }
    return s.phase != Phase::Done;
}

bool LogisticFit::done() const { return state_->phase == Phase::Done; }

double LogisticFit::progress() const {
    State& s = *state_;
    if (s.phase == Phase::Done) return 1.0;
    // Standardizing counts as one pass; Newton usually needs 5-8 passes, so at least 8 are
    // expected and always one more than done so far.
    double doneUnits = 0;
    if (s.phase == Phase::Standardize) {
        doneUnits = static_cast<double>(s.nextColumn) / s.p;
    } else if (s.phase == Phase::Final) {
        doneUnits = 1 + s.passes + static_cast<double>(s.row) / static_cast<double>(s.n);
    } else {
        doneUnits = 1 + s.passes + static_cast<double>(s.row) / static_cast<double>(s.n);
    }
    const double expected = 1 + std::max(8, s.passes + 2);
    s.progressSoFar = std::max(s.progressSoFar, std::min(doneUnits / expected, 0.99));
    return s.progressSoFar;
}

core::Result<LogisticModel> LogisticFit::result() const {
    if (state_->error) return *state_->error;
    return state_->model();
}

// =======================================================================================
// 6. Parameters, the one-call fit, prediction and contributions
// =======================================================================================

core::Status LogisticParams::validate() const {
    if (!(l2 >= 0) || !std::isfinite(l2))
        return core::makeError("The penalty must be zero or a positive number.", "l2 = " + std::to_string(l2));
    if (maxIterations < 1)
        return core::makeError("Allow the fit at least 1 iteration.",
                               "maxIterations = " + std::to_string(maxIterations));
    if (!(tolerance >= 0) || !std::isfinite(tolerance))
        return core::makeError("The tolerance must be zero or a positive number.",
                               "tolerance = " + std::to_string(tolerance));
    return {};
}

core::Result<LogisticModel> fitLogistic(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& y,
                                        const LogisticParams& params) {
    LogisticFit fit(X, y, params);
    while (fit.step()) {
    }
    return fit.result();
}

Eigen::MatrixXd contributions(const LogisticModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    assert(X.cols() == model.weights.size());
    Eigen::MatrixXd out(X.rows(), X.cols());
    for (Eigen::Index j = 0; j < X.cols(); ++j)
        out.col(j) = (model.weights(j) / model.scale(j)) * (X.col(j).array() - model.center(j));
    return out;
}

Eigen::VectorXd predictLogit(const LogisticModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    assert(X.cols() == model.weights.size());
    // Centred before scaling, as in contributions(): the original-unit form b0 + x . w0
    // cancels digits when a feature's mean is large next to its spread.
    Eigen::VectorXd eta = Eigen::VectorXd::Constant(X.rows(), model.intercept);
    for (Eigen::Index j = 0; j < X.cols(); ++j)
        eta.array() += (model.weights(j) / model.scale(j)) * (X.col(j).array() - model.center(j));
    return eta;
}

Eigen::VectorXd predictProba(const LogisticModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    return predictLogit(model, X).unaryExpr([](double eta) { return sigmoid(eta); });
}

}  // namespace rapport::analytics
