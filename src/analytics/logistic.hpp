// logistic.hpp: churn risk by logistic regression with an L2 penalty on standardized
// features, reported per standard deviation and per unit of each feature, with the
// per-customer contributions to the log-odds that explain a risk score.
//
// Objective. With z = (x - center) / scale (scale: population standard deviation, as
// scikit-learn's StandardScaler; 1 for a constant feature), the fit minimizes
//
//     sum_i [ log(1 + exp(eta_i)) - y_i eta_i ]  +  (l2 / 2) ||w||^2,   eta_i = b + z_i . w
//
// over the weights w and the unpenalized intercept b. Divided by l2 this is scikit-learn's
// LogisticRegression objective 0.5 ||w||^2 + C sum_i logloss_i with C = 1 / l2, so our fit
// equals LogisticRegression(C = 1 / l2) on StandardScaler'd X. The penalty is not divided
// by n: as in scikit-learn, it matters less the more customers there are.
//
// Method: damped Newton (IRLS). Each iteration is one pass over the rows that sums the
// objective, the gradient and the (p+1) x (p+1) Hessian (a symmetric rank update per chunk
// of rows), then an LDLT solve for the Newton direction; a backtracking (Armijo) line
// search keeps every accepted step a decrease. Starting from the base rate's log-odds it
// converges in 5-8 iterations. It stops when the Newton decrement g' H^-1 g (twice the
// decrease a full step still promises) is at most the tolerance, takes that last step
// (its error is about the square of the previous one's), and makes one cheap pass for the
// objective at the coefficients returned and to detect perfect separation. Losses and
// probabilities use log1p/exp forms that cannot overflow for any margin.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rapport::analytics {

struct LogisticParams {
    // Penalty on the standardized weights: scikit-learn's 1 / C. 0 is allowed (plain maximum
    // likelihood); a singular Hessian then gets a small ridge in the solve only.
    double l2 = 1.0;
    int maxIterations = 100;  // Newton iterations
    double tolerance = 1e-8;  // on the Newton decrement g' H^-1 g (units of the objective)
    bool standardize = true;  // false: fit on X as given (center 0, scale 1)
    core::Status validate() const;
};

struct LogisticModel {
    Eigen::VectorXd weights;          // per standard deviation of each feature (standardized units)
    double intercept = 0;             // log-odds of a customer at the centre of every feature
    Eigen::VectorXd center, scale;    // z = (x - center) / scale
    Eigen::VectorXd weightsOriginal;  // per unit of each feature: weights / scale
    double interceptOriginal = 0;     // log-odds at zero for every feature
    double objective = 0;             // the objective (top of this file) at these coefficients
    int iterations = 0;  // Newton iterations until convergence (the final step taken after it is not counted)
    // False when stopped by maxIterations or by rounding, and without a penalty (l2 = 0) on
    // perfectly separated data, where no maximum exists.
    bool converged = false;
    // For the user, shown beside the result: perfect separation (reported when the fitted
    // model classifies every training customer correctly, which proves the classes separable;
    // a strong penalty can leave a few separable customers on the wrong side unreported),
    // a constant feature, no convergence.
    std::vector<std::string> warnings;
};

// Step-by-step fit. The constructor copies X (O(n p)); each step() then standardizes a
// few columns or runs one chunk of rows of a Newton pass (about 2 million multiply-adds:
// at 100,000 x 20 a median 0.4 ms natively and 0.9 ms in wasm), and returns true while
// there is more to do. The whole 100,000 x 20 fit (7 iterations) takes about 0.1 s natively
// and 0.1-0.25 s in wasm under Node.
// Errors a user can cause (no rows or features, a label other than 0/1, only one label,
// missing or infinite values, invalid parameters) end the fit: done() is then true and
// result() returns the error.
class LogisticFit {
public:
    LogisticFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& y,
                const LogisticParams& params = {});
    LogisticFit(LogisticFit&&) noexcept;
    LogisticFit& operator=(LogisticFit&&) noexcept;
    ~LogisticFit();

    bool step();
    double progress() const;  // 0..1; Newton's iteration count is estimated, so it may jump
    bool done() const;
    // The fitted model once done (or the error); while running, the latest accepted
    // iterate with converged = false.
    core::Result<LogisticModel> result() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// X: n x p, one row per customer; y: n labels, 1 = churned, 0 = stayed.
core::Result<LogisticModel> fitLogistic(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& y,
                                        const LogisticParams& params = {});

// The log-odds b + sum_j w_j (x_j - center_j) / scale_j of each row of X.
Eigen::VectorXd predictLogit(const LogisticModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);
// The probability of churn of each row of X: 1 / (1 + exp(-logit)), without overflow.
Eigen::VectorXd predictProba(const LogisticModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

// Per-row contributions to the log-odds, n x p: weight_j * (x_ij - center_j) / scale_j, so
// that intercept + the row's sum = its logit. What moves a customer's risk away from that
// of a customer at the centre of every feature ("why is this customer at risk").
Eigen::MatrixXd contributions(const LogisticModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

}  // namespace rapport::analytics
