#include "analytics/pca.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <string>

namespace rapport::analytics {

namespace {

// Rows per block when accumulating the covariance: a block of centred rows stays small
// (block x d doubles) while each product is big enough for Eigen's matrix kernels.
constexpr Eigen::Index kCovarianceBlockRows = 4096;

// Scatter matrix (X - mean)^T (X - mean), without copying X whole.
Eigen::MatrixXd scatter(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXd& mean) {
    const Eigen::Index n = X.rows(), d = X.cols();
    Eigen::MatrixXd S = Eigen::MatrixXd::Zero(d, d);
    Eigen::MatrixXd block;
    for (Eigen::Index start = 0; start < n; start += kCovarianceBlockRows) {
        const Eigen::Index rows = std::min(kCovarianceBlockRows, n - start);
        block = X.middleRows(start, rows).rowwise() - mean.transpose();
        S.selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
    }
    return S.selfadjointView<Eigen::Lower>();
}

}  // namespace

core::Result<PcaModel> fitPca(const Eigen::Ref<const Eigen::MatrixXd>& X, int components) {
    const Eigen::Index n = X.rows(), d = X.cols();
    if (n < 2) return core::makeError("A PCA projection needs at least two customers.");
    if (components < 1 || components > d) {
        return core::makeError("Choose between 1 and " + std::to_string(d) + " components for the projection.",
                               std::to_string(components) + " components asked for " + std::to_string(d) + " columns");
    }
    if (!X.allFinite()) {
        return core::makeError("The data for the projection has missing values. Prepare the features first.");
    }

    PcaModel model;
    model.mean = X.colwise().mean().transpose();
    const double denominator = static_cast<double>(n - 1);
    Eigen::MatrixXd directions;  // d x d, by decreasing variance
    Eigen::VectorXd variances = Eigen::VectorXd::Zero(d);
    if (n <= kPcaDirectSvdRows) {
        const Eigen::MatrixXd centred = X.rowwise() - model.mean.transpose();
        // Full V: with fewer rows than columns there are still d directions to choose from.
        Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeFullV);
        directions = svd.matrixV();
        const Eigen::VectorXd& s = svd.singularValues();
        variances.head(s.size()) = s.array().square() / denominator;
    } else {
        // Symmetric positive semi-definite: its SVD is its eigen-decomposition, sorted.
        Eigen::JacobiSVD<Eigen::MatrixXd> svd(scatter(X, model.mean) / denominator, Eigen::ComputeFullU);
        directions = svd.matrixU();
        variances = svd.singularValues();
    }

    model.components = directions.leftCols(components);
    for (int c = 0; c < components; ++c) {
        Eigen::Index largest = 0;
        model.components.col(c).cwiseAbs().maxCoeff(&largest);
        if (model.components(largest, c) < 0) model.components.col(c) *= -1.0;
    }
    model.explainedVariance = variances.head(components);
    const double total = variances.sum();
    model.explainedVarianceRatio =
        total > 0 ? Eigen::VectorXd(model.explainedVariance / total) : Eigen::VectorXd::Zero(components);
    return model;
}

Eigen::MatrixXd projectPca(const PcaModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    // X C - 1 (mean^T C): no centred n x d copy.
    Eigen::MatrixXd out = X * model.components;
    out.rowwise() -= (model.mean.transpose() * model.components);
    return out;
}

}  // namespace rapport::analytics
