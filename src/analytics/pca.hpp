// pca.hpp: principal component analysis, to draw customers (usually the standardized
// features of features.hpp) on the two directions along which they differ most.
//
// Method: up to kPcaDirectSvdRows rows, the SVD of the centred data (BDCSVD), the most
// accurate. Above that, the eigen-decomposition (SVD) of the d x d covariance matrix,
// accumulated over blocks of rows: the same components for O(n d^2) time and no n x d
// copy, which matters at a million customers in a browser tab. Variances divide by n - 1,
// as scikit-learn. Signs are made deterministic: the largest-magnitude loading of each
// component (the first one, if several are equal) is positive.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "core/result.hpp"

namespace rapport::analytics {

constexpr int64_t kPcaDirectSvdRows = 20000;

struct PcaModel {
    Eigen::VectorXd mean;                    // d
    Eigen::MatrixXd components;              // d x m, orthonormal columns, by decreasing variance
    Eigen::VectorXd explainedVariance;       // m: variance of the data along each component
    Eigen::VectorXd explainedVarianceRatio;  // m: share of the total variance (0 when there is none)
};

// X: n x d, one row per customer, no missing values. Errors (for the user): fewer than two
// rows, missing values, components not in 1..d.
core::Result<PcaModel> fitPca(const Eigen::Ref<const Eigen::MatrixXd>& X, int components = 2);

// n x m coordinates of the rows of X (n x d) on the components.
Eigen::MatrixXd projectPca(const PcaModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

}  // namespace rapport::analytics
