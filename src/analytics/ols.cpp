// ols.cpp: the drivers regression (see ols.hpp for the method).
//
// Contents
//   1. Words: names, lists and numbers for messages
//   2. Checks and the tall-skinny QR
//   3. fitOls
//   4. describeDrivers
#include "analytics/ols.hpp"

#include <Eigen/Householder>
#include <Eigen/LU>
#include <Eigen/QR>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "analytics/distributions.hpp"
#include "core/text_format.hpp"

namespace rapport::analytics {

namespace {

//-----------------------------------------------------------------------------
// 1. Words
//-----------------------------------------------------------------------------

std::string displayName(const std::vector<std::string>& names, Eigen::Index j) {
    return names[j].empty() ? "column " + std::to_string(j + 1) : names[j];
}

std::string quoted(const std::string& name) { return "\u201c" + name + "\u201d"; }

// “a”, “b” and “c”
std::string listOf(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
        out += quoted(items[i]);
    }
    return out;
}

// Fixed decimals chosen by size: 12, 1.3, 0.42, 0.0071.
std::string readable(double v) {
    const double magnitude = std::fabs(v);
    int decimals = 0;
    if (magnitude < 10) decimals = 1;
    if (magnitude < 1) decimals = 2;
    if (magnitude > 0 && magnitude < 0.1) decimals = 1 - static_cast<int>(std::floor(std::log10(magnitude)));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 12), v);
    return buf;
}

std::string pText(double p) {
    if (p < 0.001) return "p < 0.001";
    char buf[32];
    std::snprintf(buf, sizeof buf, "p = %.3f", p);
    return buf;
}

//-----------------------------------------------------------------------------
// 2. Checks and the tall-skinny QR
//-----------------------------------------------------------------------------

// Rows per TSQR block: large enough for Eigen's blocked Householder kernels, small
// enough that the block (rows x (p + 2) doubles) stays in cache.
constexpr Eigen::Index kBlockRows = 1024;

// Below this share of its mean a standard deviation is rounding noise: the column is constant.
constexpr double kConstantRelativeSd = 1e-13;

// A residual sum of squares below this share of the total one is an exact fit.
constexpr double kExactFitShare = 1e-24;

bool isConstant(double mean, double sd) { return !(sd > kConstantRelativeSd * std::fabs(mean)); }

// The (p + 2) x (p + 2) upper triangle R of [1, Z, y - mean(y)] = Q R, Z the z-scored
// features, reduced block by block: R of [R_prev; block] is the R of all rows so far.
Eigen::MatrixXd designTriangle(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& y,
                               const Eigen::VectorXd& centre, const Eigen::VectorXd& scale, double yCentre) {
    const Eigen::Index n = X.rows(), p = X.cols(), k = p + 2;
    const Eigen::Index blockRows = std::min(kBlockRows, n);
    Eigen::MatrixXd work = Eigen::MatrixXd::Zero(k + blockRows, k);
    const Eigen::VectorXd inverseScale = scale.cwiseInverse();
    for (Eigen::Index start = 0; start < n; start += blockRows) {
        const Eigen::Index rows = std::min(blockRows, n - start);
        // The previous QR left its Householder vectors below the diagonal.
        work.topRows(k).triangularView<Eigen::StrictlyLower>().setZero();
        auto block = work.middleRows(k, rows);
        block.col(0).setOnes();
        for (Eigen::Index j = 0; j < p; ++j) {
            block.col(1 + j) = (X.col(j).segment(start, rows).array() - centre(j)) * inverseScale(j);
        }
        block.col(k - 1) = y.segment(start, rows).array() - yCentre;
        Eigen::Ref<Eigen::MatrixXd> active = work.topRows(k + rows);
        Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(active);  // in place
    }
    return work.topRows(k).triangularView<Eigen::Upper>();
}

// The features that overlap completely, in words: for each column the pivoted QR puts
// beyond the rank, the kept features it is a combination of.
std::string overlapMessage(const Eigen::MatrixXd& design, const std::vector<std::string>& names) {
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
    qr.setThreshold(kOlsRankTolerance);
    const Eigen::Index rank = qr.rank(), q = design.cols();
    const auto& order = qr.colsPermutation().indices();
    const Eigen::MatrixXd& packed = qr.matrixQR();
    std::vector<std::string> sentences;
    for (Eigen::Index position = rank; position < q; ++position) {
        const Eigen::Index column = order(position);
        // Column 0 is the intercept: it cannot be among the dependent ones, since the
        // features are centred, unless they are all constant (caught before).
        if (column == 0) continue;
        const Eigen::VectorXd weights =
            packed.topLeftCorner(rank, rank).triangularView<Eigen::Upper>().solve(packed.block(0, position, rank, 1));
        const double largest = weights.cwiseAbs().maxCoeff();
        // The group, in the caller's order; its last feature is named as the redundant one
        // (pivoting would pick among equals by rounding noise).
        std::vector<Eigen::Index> group = {column - 1};
        for (Eigen::Index i = 0; i < rank; ++i) {
            if (order(i) != 0 && std::fabs(weights(i)) > 1e-6 * largest) group.push_back(order(i) - 1);
        }
        std::sort(group.begin(), group.end());
        std::vector<std::string> sources;
        for (size_t i = 0; i + 1 < group.size(); ++i) sources.push_back(displayName(names, group[i]));
        const std::string name = quoted(displayName(names, group.back()));
        if (sources.size() == 1) {
            sentences.push_back(name + " carries the same information as " + listOf(sources) +
                                " (a copy, or the same values on another scale)");
        } else if (!sources.empty()) {
            sentences.push_back(name + " can be computed from " + listOf(sources) +
                                " (for example, parts that always add up to the same total)");
        }
        if (sentences.size() == 3 && position + 1 < q) {
            sentences.push_back("and " + std::to_string(q - position - 1) + " more");
            break;
        }
    }
    std::string out = "The effects of these features cannot be told apart: ";
    for (size_t i = 0; i < sentences.size(); ++i) out += (i > 0 ? "; " : "") + sentences[i];
    return out + ". Leave one feature of each group out.";
}

}  // namespace

//-----------------------------------------------------------------------------
// 3. fitOls
//-----------------------------------------------------------------------------

core::Result<OlsResult> fitOls(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& y,
                               const std::vector<std::string>& names, const OlsOptions& options) {
    const Eigen::Index n = X.rows(), p = X.cols(), q = p + 1;
    if (p == 0) return core::makeError("No features were chosen. Choose at least one feature to explain the score.");
    if (static_cast<Eigen::Index>(names.size()) != p || y.size() != n) {
        return core::makeError("The drivers could not be computed: the features do not match the data.",
                               std::to_string(names.size()) + " names, " + std::to_string(p) + " columns, " +
                                   std::to_string(n) + " rows, " + std::to_string(y.size()) + " scores");
    }
    if (!(options.confidence > 0 && options.confidence < 1)) {
        return core::makeError("The confidence level must be between 0% and 100%.");
    }
    const int64_t needed = std::max<int64_t>(p + 2, options.minRowsPerFeature * p);
    if (n < needed) {
        return core::makeError("Too few answers (" + core::formatCount(n) + ") for " + std::to_string(p) +
                               (p == 1 ? " feature" : " features") + ": need at least " + core::formatCount(needed) +
                               ". Choose fewer features or include more answers.");
    }
    {
        std::vector<std::string> missing;
        for (Eigen::Index j = 0; j < p; ++j) {
            if (!X.col(j).allFinite()) missing.push_back(displayName(names, j));
        }
        if (!missing.empty() || !y.allFinite()) {
            std::string where = missing.empty() ? "the score" : listOf(missing);
            if (!missing.empty() && !y.allFinite()) where += " and the score";
            return core::makeError("Some answers have missing values in " + where +
                                   ". Fill in or leave out the missing values first.");
        }
    }

    const double count = static_cast<double>(n);
    Eigen::VectorXd centre(p), scale(p);
    std::vector<std::string> constant;
    for (Eigen::Index j = 0; j < p; ++j) {
        centre(j) = X.col(j).mean();
        scale(j) = std::sqrt((X.col(j).array() - centre(j)).square().sum() / count);
        if (isConstant(centre(j), scale(j))) constant.push_back(displayName(names, j));
    }
    if (!constant.empty()) {
        const bool one = constant.size() == 1;
        return core::makeError(listOf(constant) +
                               (one ? " has the same value in every answer, so it cannot"
                                    : " have the same value in every answer, so they cannot") +
                               " explain differences between them. Leave " + (one ? "it" : "them") + " out.");
    }
    const double yMean = y.mean();
    const double totalSquares = (y.array() - yMean).square().sum();
    if (isConstant(yMean, std::sqrt(totalSquares / count))) {
        return core::makeError(
            "All " + core::formatCount(n) +
            " answers have the same score, so there are no differences for the features to explain.");
    }

    const Eigen::MatrixXd triangle = designTriangle(X, y, centre, scale, yMean);
    const Eigen::MatrixXd design = triangle.topLeftCorner(q, q);
    {
        Eigen::ColPivHouseholderQR<Eigen::MatrixXd> pivoted(design);
        pivoted.setThreshold(kOlsRankTolerance);
        if (pivoted.rank() < q) return core::makeError(overlapMessage(design, names));
    }

    // Internal coordinates: intercept of the centred score, then one slope per z-score.
    const Eigen::MatrixXd inverse =
        design.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(q, q));  // R^-1
    const Eigen::VectorXd beta = inverse * triangle.col(q).head(q);
    const Eigen::MatrixXd unscaledCov = inverse * inverse.transpose();  // (X^T X)^-1
    const double df = count - static_cast<double>(q);
    const double residualSquares = triangle(q, q) * triangle(q, q);
    const bool exact = residualSquares <= kExactFitShare * totalSquares;
    const double sigma2 = exact ? 0.0 : residualSquares / df;

    OlsResult out;
    out.n = n;
    out.p = static_cast<int>(p);
    out.standardized = options.standardize;
    out.confidence = options.confidence;
    out.rSquared = exact ? 1.0 : std::max(0.0, 1.0 - residualSquares / totalSquares);
    out.adjustedRSquared = 1.0 - (1.0 - out.rSquared) * (count - 1) / df;
    out.residualStdError = std::sqrt(sigma2);
    if (exact) {
        out.fStatistic = std::numeric_limits<double>::infinity();
        out.fPValue = 0;
        out.warnings.push_back(
            "The features explain the score exactly. Check that none of them is computed from the score itself.");
    } else {
        out.fStatistic = ((totalSquares - residualSquares) / static_cast<double>(p)) / sigma2;
        out.fPValue = fSurvival(out.fStatistic, static_cast<double>(p), df);
    }
    const double tCritical = studentTQuantile(0.5 + 0.5 * options.confidence, df);

    // Back to original units: c_j = b_j / s_j, intercept at zero = a - sum c_j m_j; the
    // covariance goes through the same linear map T (row 0: 1, -m_j / s_j; diagonal 1 / s_j).
    Eigen::VectorXd interceptMap(q);
    interceptMap(0) = 1;
    interceptMap.tail(p) = -centre.cwiseQuotient(scale);
    const double interceptAtMeans = beta(0) + yMean;
    const double slopesAtMeans = interceptMap.tail(p).dot(beta.tail(p));
    const double interceptAtZero = interceptAtMeans + slopesAtMeans;

    std::vector<std::string> overlapping;
    for (Eigen::Index j = 0; j < q; ++j) {
        OlsTerm term;
        double variance;
        if (j == 0) {
            term.name = "Intercept";
            term.coefficientPerSd = interceptAtMeans;
            term.coefficientOriginal = interceptAtZero;
            variance = options.standardize ? unscaledCov(0, 0) : interceptMap.dot(unscaledCov * interceptMap);
        } else {
            term.name = names[j - 1];
            term.coefficientPerSd = beta(j);
            term.coefficientOriginal = beta(j) / scale(j - 1);
            const double unitsPerSd = options.standardize ? 1.0 : scale(j - 1);
            variance = unscaledCov(j, j) / (unitsPerSd * unitsPerSd);
            // Z is centred with unit population variance, so Z^T Z has n on its diagonal.
            term.vif = count * unscaledCov(j, j);
            if (term.vif > kOlsVifWarning) {
                overlapping.push_back(quoted(displayName(names, j - 1)) + " (" + readable(term.vif) + ")");
            }
        }
        term.coefficient = options.standardize ? term.coefficientPerSd : term.coefficientOriginal;
        term.standardError = std::sqrt(sigma2 * variance);
        if (exact) {
            term.t =
                term.coefficient == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), term.coefficient);
            term.pValue = term.coefficient == 0 ? 1.0 : 0.0;
        } else {
            term.t = term.coefficient / term.standardError;
            // Twice the upper tail, computed directly: tiny p-values keep their digits.
            term.pValue = std::min(1.0, 2.0 * studentTSurvival(std::fabs(term.t), df));
        }
        term.low = term.coefficient - tCritical * term.standardError;
        term.high = term.coefficient + tCritical * term.standardError;
        out.terms.push_back(std::move(term));
    }
    if (!overlapping.empty()) {
        // Each item carries its factor: “a” (23), “b” (14) and “c” (11).
        std::string list;
        for (size_t i = 0; i < overlapping.size(); ++i) {
            if (i > 0) list += i + 1 == overlapping.size() ? " and " : ", ";
            list += overlapping[i];
        }
        const bool one = overlapping.size() == 1;
        out.warnings.push_back(list + (one ? " overlaps" : " overlap") +
                               " strongly with other features (variance inflation above 10), so " +
                               (one ? "its own effect is" : "their own effects are") +
                               " uncertain. Consider leaving out one of the related features.");
    }
    return out;
}

//-----------------------------------------------------------------------------
// 4. describeDrivers
//-----------------------------------------------------------------------------

namespace {

bool isPreposition(const std::string& word) {
    static constexpr const char* kPrepositions[] = {"of", "since", "in",   "per", "for",  "with", "at",
                                                    "on", "to",    "from", "by",  "over", "under"};
    for (const char* p : kPrepositions) {
        if (word == p) return true;
    }
    return false;
}

// Whether a feature name reads as plural ("Complaints lower", "Tenure lowers"): the head
// noun is the word before the first preposition ("Days since last order", "Number of
// orders"), otherwise the last word ("Support tickets"). English-only, and a guess.
bool soundsPlural(const std::string& name) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : name + " ") {
        if (c == ' ' || c == '_' || c == '-') {
            if (!word.empty()) words.push_back(word);
            word.clear();
        } else {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (words.empty()) return false;
    std::string head = words.back();
    for (size_t i = 1; i < words.size(); ++i) {
        if (isPreposition(words[i])) {
            head = words[i - 1];
            break;
        }
    }
    const size_t len = head.size();
    if (len < 3 || head[len - 1] != 's') return false;
    const char before = head[len - 2];
    return before != 's' && before != 'u' && before != 'i';
}

std::string capitalized(std::string text) {
    if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

}  // namespace

std::string describeDrivers(const OlsResult& result, const std::string& outcome) {
    std::string explained;
    {
        const double percent = 100.0 * result.rSquared;
        const std::string share = percent > 0 && percent < 0.5
                                      ? "less than 1%"
                                      : std::to_string(static_cast<int>(std::lround(percent))) + "%";
        explained = std::string(result.p == 1 ? "the feature explains " : "the features explain ") + share +
                    " of the differences between customers.";
    }
    // Rounded so that 0.95 means p < 0.05 exactly (1 - 0.95 is 0.050000000000000044).
    const double alpha = std::round((1 - result.confidence) * 1e9) / 1e9;
    const OlsTerm* strongest = nullptr;
    for (size_t i = 1; i < result.terms.size(); ++i) {
        const OlsTerm& term = result.terms[i];
        if (term.pValue < alpha &&
            (!strongest || std::fabs(term.coefficientPerSd) > std::fabs(strongest->coefficientPerSd))) {
            strongest = &term;
        }
    }
    char alphaText[32];
    std::snprintf(alphaText, sizeof alphaText, "%g", alpha);
    if (!strongest) {
        if (result.terms.size() == 2) {
            return quoted(capitalized(result.terms[1].name)) + " does not go clearly with the " + outcome +
                   " (p \u2265 " + alphaText + "); " + explained;
        }
        return "None of the features goes clearly with the " + outcome + " (all p \u2265 " + alphaText + "); " +
               explained;
    }
    const bool raises = strongest->coefficientPerSd > 0;
    const bool plural = soundsPlural(strongest->name);
    std::string verb = raises ? "raise" : "lower";
    if (!plural) verb += "s";
    return capitalized(strongest->name) + " " + verb + " the " + outcome +
           " most: each standard deviation more goes with " + readable(std::fabs(strongest->coefficientPerSd)) +
           " points " + (raises ? "more" : "less") + " (" + pText(strongest->pValue) + "); " + explained;
}

}  // namespace rapport::analytics
