#include "analytics/pca.hpp"

#include <doctest/doctest.h>

#include <Eigen/QR>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "core/random.hpp"

using namespace rapport::analytics;

namespace {

// Sylvester's Hadamard matrix: H(i, j) = (-1)^popcount(i & j). Its columns 1.. are +-1,
// have mean zero and are orthogonal: exact scores with known variances.
Eigen::MatrixXd hadamardColumns(int rows, int columns) {
    Eigen::MatrixXd H(rows, columns);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) H(i, j) = std::popcount(static_cast<unsigned>(i & (j + 1))) % 2 ? -1.0 : 1.0;
    }
    return H;
}

Eigen::MatrixXd randomRotation(int d, uint64_t seed) {
    rapport::core::Random random(seed);
    Eigen::MatrixXd A(d, d);
    for (int i = 0; i < d; ++i) {
        for (int j = 0; j < d; ++j) A(i, j) = random.normal();
    }
    return Eigen::HouseholderQR<Eigen::MatrixXd>(A).householderQ();
}

// Data whose principal directions are the columns of Q with standard deviations s (per row
// block of 16, before the n - 1 correction), shifted to mean `shift`, repeated `copies` times.
Eigen::MatrixXd knownData(const Eigen::MatrixXd& Q, const Eigen::VectorXd& s, const Eigen::VectorXd& shift,
                          int copies) {
    const Eigen::MatrixXd scores = hadamardColumns(16, static_cast<int>(s.size())) * s.asDiagonal();
    const Eigen::MatrixXd block = (scores * Q.transpose()).rowwise() + shift.transpose();
    return block.replicate(copies, 1);
}

void checkSignRule(const PcaModel& model) {
    for (Eigen::Index c = 0; c < model.components.cols(); ++c) {
        Eigen::Index largest = 0;
        model.components.col(c).cwiseAbs().maxCoeff(&largest);
        CHECK(model.components(largest, c) > 0);
        CHECK(model.components.col(c).norm() == doctest::Approx(1));
    }
}

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("PCA of a 2-D hand example: directions, variances and coordinates") {
        // Five points: the mean (3, 5), +-2 along u = (0.8, 0.6) and +-1 along v = (-0.6, 0.8).
        // Variances with n - 1 = 4: along u (4 + 4) / 4 = 2, along v (1 + 1) / 4 = 0.5.
        Eigen::MatrixXd X(5, 2);
        X << 3, 5, 4.6, 6.2, 1.4, 3.8, 2.4, 5.8, 3.6, 4.2;
        const auto fit = fitPca(X, 2);
        REQUIRE(fit.ok());
        const PcaModel& model = *fit;
        CHECK(model.mean[0] == doctest::Approx(3));
        CHECK(model.mean[1] == doctest::Approx(5));
        CHECK(model.explainedVariance[0] == doctest::Approx(2));
        CHECK(model.explainedVariance[1] == doctest::Approx(0.5));
        CHECK(model.explainedVarianceRatio[0] == doctest::Approx(0.8));
        CHECK(model.explainedVarianceRatio[1] == doctest::Approx(0.2));
        // Signs by the rule: the larger loading positive, so u as is and v as is (0.8 > 0.6).
        CHECK(model.components(0, 0) == doctest::Approx(0.8));
        CHECK(model.components(1, 0) == doctest::Approx(0.6));
        CHECK(model.components(0, 1) == doctest::Approx(-0.6));
        CHECK(model.components(1, 1) == doctest::Approx(0.8));

        const Eigen::MatrixXd Y = projectPca(model, X);
        CHECK(Y(0, 0) == doctest::Approx(0).epsilon(1e-12));
        CHECK(Y(1, 0) == doctest::Approx(2));
        CHECK(Y(1, 1) == doctest::Approx(0).scale(1));
        CHECK(Y(3, 1) == doctest::Approx(1));
        CHECK(Y(4, 1) == doctest::Approx(-1));
    }

    TEST_CASE("PCA recovers known orthogonal directions and variances, by either method") {
        const int d = 5;
        const Eigen::MatrixXd Q = randomRotation(d, 42);
        Eigen::VectorXd s(d), shift(d);
        s << 3, 2, 1, 0.5, 0.2;
        shift << 10, -4, 0, 100, 2;

        // 16 rows: the SVD of the centred data; 16 * 1300 rows: the covariance matrix.
        for (const int copies : {1, 1300}) {
            CAPTURE(copies);
            const Eigen::MatrixXd X = knownData(Q, s, shift, copies);
            const double n = static_cast<double>(X.rows());
            CHECK((X.rows() > kPcaDirectSvdRows) == (copies > 1));
            const auto fit = fitPca(X, 3);
            REQUIRE(fit.ok());
            const PcaModel& model = *fit;
            CHECK((model.mean - shift).cwiseAbs().maxCoeff() < 1e-9);
            const double total = s.squaredNorm() * n / (n - 1);
            for (int c = 0; c < 3; ++c) {
                CHECK(model.explainedVariance[c] == doctest::Approx(s[c] * s[c] * n / (n - 1)));
                CHECK(model.explainedVarianceRatio[c] == doctest::Approx(s[c] * s[c] * n / (n - 1) / total));
                // The same direction as Q's column, up to the sign the rule chooses.
                CHECK(std::fabs(model.components.col(c).dot(Q.col(c))) == doctest::Approx(1));
            }
            CHECK(model.explainedVarianceRatio.sum() < 1.0);
            checkSignRule(model);
            // The coordinates have mean zero and the explained variances.
            const Eigen::MatrixXd Y = projectPca(model, X);
            for (int c = 0; c < 3; ++c) {
                CHECK(Y.col(c).mean() == doctest::Approx(0).scale(1));
                CHECK(Y.col(c).squaredNorm() / (n - 1) == doctest::Approx(model.explainedVariance[c]));
            }
        }
    }

    TEST_CASE("all components explain all the variance and are orthonormal") {
        rapport::core::Random random(7);
        Eigen::MatrixXd X(200, 4);
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            const double a = random.normal(), b = random.normal();
            X.row(i) << a, 2 * a + 0.1 * b, -b, random.normal(5, 3);
        }
        const auto fit = fitPca(X, 4);
        REQUIRE(fit.ok());
        CHECK(fit->explainedVarianceRatio.sum() == doctest::Approx(1));
        CHECK((fit->components.transpose() * fit->components - Eigen::MatrixXd::Identity(4, 4)).norm() < 1e-10);
        for (int c = 1; c < 4; ++c) CHECK(fit->explainedVariance[c] <= fit->explainedVariance[c - 1]);
        checkSignRule(*fit);
        // Total variance is kept: the sum of the column variances.
        const Eigen::MatrixXd centred = X.rowwise() - X.colwise().mean();
        CHECK(fit->explainedVariance.sum() == doctest::Approx(centred.squaredNorm() / 199));
    }

    TEST_CASE("PCA with fewer rows than columns, and of constant data") {
        Eigen::MatrixXd few(2, 3);
        few << 0, 0, 0, 1, 2, 2;
        const auto fit = fitPca(few, 3);
        REQUIRE(fit.ok());
        CHECK(fit->explainedVarianceRatio[0] == doctest::Approx(1));
        CHECK(fit->explainedVarianceRatio[1] == doctest::Approx(0).scale(1));
        CHECK(fit->components(1, 0) == doctest::Approx(2.0 / 3));  // (1, 2, 2) / 3; first max wins
        checkSignRule(*fit);

        const auto flat = fitPca(Eigen::MatrixXd::Constant(4, 2, 3.0), 2);
        REQUIRE(flat.ok());
        CHECK(flat->explainedVarianceRatio.isZero());
    }

    TEST_CASE("PCA errors are explained to the user") {
        CHECK_FALSE(fitPca(Eigen::MatrixXd::Ones(1, 3), 2).ok());
        const auto tooMany = fitPca(Eigen::MatrixXd::Random(10, 3), 4);
        REQUIRE_FALSE(tooMany.ok());
        CHECK(tooMany.error().message == "Choose between 1 and 3 components for the projection.");
        CHECK_FALSE(fitPca(Eigen::MatrixXd::Random(10, 3), 0).ok());
        Eigen::MatrixXd missing = Eigen::MatrixXd::Random(10, 3);
        missing(4, 1) = std::numeric_limits<double>::quiet_NaN();
        const auto r = fitPca(missing, 2);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("missing values") != std::string::npos);
    }

}  // TEST_SUITE
