// distributions.cpp: see distributions.hpp.
//
// Contents
//   Internals
//     1. Stirling's correction, log(1 + u) - u, the prefactors
//     2. Incomplete beta (continued fraction) and incomplete gamma (series, continued fraction)
//     3. The t upper tail and its inverse
//   Public
//     4. log B(a, b) and the special functions
//     5. Normal
//     6. Student t
//     7. Chi-square and F
#include "analytics/distributions.hpp"

#include <cassert>
#include <cmath>
#include <limits>

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = 1e-16;
constexpr double kTiny = 1e-300;  // keeps Lentz's continued fractions off zero denominators
constexpr double kLnSqrt2Pi = 0.91893853320467274178;
constexpr double kPi = 3.14159265358979323846;

// ---- 1. Stirling's correction, log(1 + u) - u, the prefactors ----------------------------

// lgamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi)) for x >= 10: the Stirling series, whose
// terms from B18 on are below 2e-18 there.
double stirlingCorrection(double x) {
    // B_2k / (2k (2k - 1)), k = 1..8
    static constexpr double c[] = {1.0 / 12,   -1.0 / 360,      1.0 / 1260, -1.0 / 1680,
                                   1.0 / 1188, -691.0 / 360360, 1.0 / 156,  -3617.0 / 122400};
    const double r = 1.0 / x, r2 = r * r;
    double sum = 0.0;
    for (int k = 7; k >= 0; --k) sum = sum * r2 + c[k];
    return sum * r;
}

// log(1 + u) - u, accurate for small u, where the two terms nearly cancel.
double log1pMinus(double u) {
    if (std::fabs(u) > 0.25) return std::log1p(u) - u;
    // -u^2/2 + u^3/3 - ...: |u| <= 1/4 needs at most ~25 terms for 1e-17.
    double term = u, sum = 0.0;
    for (int k = 2; k < 60; ++k) {
        term *= -u;
        const double add = term / k;
        sum += add;
        if (std::fabs(add) <= kEps * std::fabs(sum)) break;
    }
    return sum;
}

// log x and log y for x + y = 1, each from whichever of the two is computed more accurately
// (the caller passes both; 1 - x loses digits when x is near 1).
double logOf(double x, double other) { return x > 0.5 ? std::log1p(-other) : std::log(x); }

// log(x^a y^b / B(a, b)), the prefactor of the incomplete beta function.
double logBetaPrefactor(double a, double b, double x, double y) {
    if (a >= 10 && b >= 10) {
        // Around the mode x0 = a / (a + b): a log(x / x0) + b log(y / y0) with the linear terms
        // cancelling exactly, so no large logarithms are subtracted from each other.
        const double x0 = a / (a + b), y0 = b / (a + b);
        const double e = x < 0.5 ? x - x0 : y0 - y;
        const double corr = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(a + b);
        return a * log1pMinus(e / x0) + b * log1pMinus(-e / y0) + 0.5 * std::log(a * b / (a + b)) - kLnSqrt2Pi - corr;
    }
    return a * logOf(x, y) + b * logOf(y, x) - logBeta(a, b);
}

// ---- 2. Incomplete beta and gamma ---------------------------------------------------------

// The continued fraction of I_x(a, b) (modified Lentz); converges fast for x < (a+1)/(a+b+2).
// y = 1 - x: near x = 1 with a large, 1 - (a+b) x / (a+1) would lose digits, so it is
// computed from y.
double betaContinuedFraction(double a, double b, double x, double y) {
    const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = x < 0.5 ? 1.0 - qab * x / qap : (1.0 - b + qab * y) / qap;
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1.0 / d;
    double h = d;
    // Iterations grow like sqrt(max(a, b)): ~3,000 at a million degrees of freedom.
    for (int m = 1; m <= 100000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) < kEps) break;
    }
    return h;
}

// I_x(a, b) and 1 - I_x(a, b), given x and y = 1 - x (both, so neither is found by
// subtraction). Whichever side the continued fraction computes keeps full relative
// accuracy; the other is 1 minus it.
struct BetaPair {
    double lower, upper;
};
BetaPair incompleteBeta(double a, double b, double x, double y) {
    if (x <= 0.0) return {0.0, 1.0};
    if (y <= 0.0) return {1.0, 0.0};
    if (x < (a + 1.0) / (a + b + 2.0)) {
        const double lower = std::exp(logBetaPrefactor(a, b, x, y)) * betaContinuedFraction(a, b, x, y) / a;
        return {lower, 1.0 - lower};
    }
    const double upper = std::exp(logBetaPrefactor(b, a, y, x)) * betaContinuedFraction(b, a, y, x) / b;
    return {1.0 - upper, upper};
}

// log(x^a e^-x / Gamma(a)).
double logGammaPrefactor(double a, double x) {
    if (a >= 10) {
        // a log(x / a) - (x - a) computed as a (log1p(u) - u), u = (x - a) / a.
        return a * log1pMinus((x - a) / a) + 0.5 * std::log(a) - kLnSqrt2Pi - stirlingCorrection(a);
    }
    return a * std::log(x) - x - std::lgamma(a);
}

struct GammaPair {
    double lower, upper;
};
GammaPair incompleteGamma(double a, double x) {
    if (x <= 0.0) return {0.0, 1.0};
    if (x == kInf) return {1.0, 0.0};
    const double prefactor = std::exp(logGammaPrefactor(a, x));
    if (x < a + 1.0) {
        // Series: P(a, x) = prefactor * sum x^n / (a (a+1) ... (a+n)).
        double ap = a, del = 1.0 / a, sum = del;
        for (int n = 0; n < 100000; ++n) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (std::fabs(del) < std::fabs(sum) * kEps) break;
        }
        const double lower = prefactor * sum;
        return {lower, 1.0 - lower};
    }
    // Continued fraction for Q(a, x) (modified Lentz).
    double b = x + 1.0 - a, c = 1.0 / kTiny, d = 1.0 / b, h = d;
    for (int i = 1; i <= 100000; ++i) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = b + an / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) < kEps) break;
    }
    const double upper = prefactor * h;
    return {1.0 - upper, upper};
}

// ---- 3. The t upper tail and its inverse ---------------------------------------------------

// P(T > t) for t >= 0: I_x(df/2, 1/2) / 2 with x = df / (df + t^2).
double tUpperTail(double t, double df) {
    double x, y;
    if (t > 1.0) {
        const double r = df / t / t;  // t^2 may overflow
        x = r / (1.0 + r);
        y = 1.0 / (1.0 + r);
    } else {
        x = df / (df + t * t);
        y = t * t / (df + t * t);
    }
    return 0.5 * incompleteBeta(0.5 * df, 0.5, x, y).lower;
}

// The t >= 0 with P(T > t) = q, 0 < q < 1/2. Newton's method on log P(T > e^u) - log q in
// u = log t, kept inside a bracket and falling back to bisection: the tail falls like
// t^-df, so in log-log terms the function is nearly a straight line and Newton converges
// in a few steps even for df < 1, where t can be 1e15.
double tUpperQuantile(double q, double df) {
    if (df == 1.0) return 1.0 / std::tan(kPi * q);                           // Cauchy
    if (df == 2.0) return (1.0 - 2.0 * q) / std::sqrt(2.0 * q * (1.0 - q));  // closed form
    const double logQ = std::log(q);
    auto f = [&](double u) { return std::log(tUpperTail(std::exp(u), df)) - logQ; };

    // Start from the Cornish-Fisher expansion around the normal quantile
    // (Abramowitz and Stegun 26.7.5), good for moderate df and not too extreme q.
    const double z = -normalQuantile(q), z2 = z * z;
    const double g1 = (z2 + 1) * z / 4, g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    double t0 = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
    if (!(t0 > 0) || !std::isfinite(t0)) t0 = 1.0;

    // Bracket [lo, hi] in u with f(lo) > 0 > f(hi).
    double u = std::log(t0);
    double lo = u, hi = u;
    double flo = f(lo), fhi = flo;
    while (flo <= 0) {
        lo -= 2.0;
        flo = f(lo);
    }
    while (fhi >= 0) {
        hi += 2.0;
        fhi = f(hi);
    }
    if (u <= lo || u >= hi) u = 0.5 * (lo + hi);
    for (int i = 0; i < 200; ++i) {
        const double fu = f(u);
        if (fu == 0) break;
        if (fu > 0)
            lo = u;
        else
            hi = u;
        const double t = std::exp(u);
        // d/du log S(e^u) = -t pdf(t) / S(t)
        const double slope = -t * studentTPdf(t, df) / tUpperTail(t, df);
        double next = u - fu / slope;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        const double step = next - u;
        u = next;
        if (std::fabs(step) < 4 * kEps * std::fmax(1.0, std::fabs(u)) || hi - lo < 4 * kEps * std::fabs(u)) break;
    }
    return std::exp(u);
}

}  // namespace

// ---- 4. log B(a, b) and the special functions ------------------------------------------------

double logBeta(double a, double b) {
    assert(a > 0 && b > 0);
    const double p = std::fmin(a, b), q = std::fmax(a, b);
    if (p >= 10) {
        const double corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
        return -0.5 * std::log(q) + kLnSqrt2Pi + corr + (p - 0.5) * std::log(p / (p + q)) +
               q * std::log1p(-p / (p + q));
    }
    if (q >= 10) {
        const double corr = stirlingCorrection(q) - stirlingCorrection(p + q);
        return std::lgamma(p) + corr + p - p * std::log(p + q) + (q - 0.5) * std::log1p(-p / (p + q));
    }
    return std::lgamma(p) + std::lgamma(q) - std::lgamma(p + q);
}

double regularizedBeta(double x, double a, double b) {
    if (std::isnan(x) || std::isnan(a) || std::isnan(b)) return kNaN;
    assert(a > 0 && b > 0 && x >= 0 && x <= 1);
    return incompleteBeta(a, b, x, 1.0 - x).lower;
}

double regularizedGammaP(double a, double x) {
    if (std::isnan(a) || std::isnan(x)) return kNaN;
    assert(a > 0 && x >= 0);
    return incompleteGamma(a, x).lower;
}

double regularizedGammaQ(double a, double x) {
    if (std::isnan(a) || std::isnan(x)) return kNaN;
    assert(a > 0 && x >= 0);
    return incompleteGamma(a, x).upper;
}

// ---- 5. Normal ------------------------------------------------------------------------------

double normalPdf(double x) { return std::exp(-0.5 * x * x - kLnSqrt2Pi); }
double normalCdf(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); }
double normalSurvival(double x) { return 0.5 * std::erfc(x * 0.70710678118654752440); }

double normalQuantile(double p) {
    if (std::isnan(p)) return kNaN;
    assert(p >= 0 && p <= 1);
    if (p == 0) return -kInf;
    if (p == 1) return kInf;
    // Work in the lower half: for p >= 1/2, 1 - p is exact (Sterbenz).
    if (p > 0.5) return -normalQuantile(1.0 - p);
    // Acklam's rational approximation (relative error 1.15e-9) ...
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                   1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01, -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
        const double q = std::sqrt(-2.0 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    // ... then one step of Halley's method on the exact CDF (cubic convergence: 1e-9 -> 1e-16).
    const double density = normalPdf(x);
    if (density > 0) {
        const double u = (normalCdf(x) - p) / density;
        x -= u / (1.0 + 0.5 * x * u);
    }
    return x;
}

// ---- 6. Student t -------------------------------------------------------------------------

double studentTPdf(double t, double df) {
    if (std::isnan(t) || std::isnan(df)) return kNaN;
    assert(df > 0);
    if (df == kInf) return normalPdf(t);
    return std::exp(-0.5 * (df + 1.0) * std::log1p(t * t / df) - 0.5 * std::log(df) - logBeta(0.5 * df, 0.5));
}

double studentTCdf(double t, double df) { return studentTSurvival(-t, df); }

double studentTSurvival(double t, double df) {
    if (std::isnan(t) || std::isnan(df)) return kNaN;
    assert(df > 0);
    if (df == kInf) return normalSurvival(t);
    if (t == kInf) return 0.0;
    if (t == -kInf) return 1.0;
    return t >= 0 ? tUpperTail(t, df) : 1.0 - tUpperTail(-t, df);
}

double studentTQuantile(double p, double df) {
    if (std::isnan(p) || std::isnan(df)) return kNaN;
    assert(df > 0 && p >= 0 && p <= 1);
    if (df == kInf) return normalQuantile(p);
    if (p == 0) return -kInf;
    if (p == 1) return kInf;
    if (p == 0.5) return 0.0;
    return p < 0.5 ? -tUpperQuantile(p, df) : tUpperQuantile(1.0 - p, df);
}

// ---- 7. Chi-square and F --------------------------------------------------------------------

double chiSquareCdf(double x, double df) {
    if (std::isnan(x) || std::isnan(df)) return kNaN;
    assert(df > 0);
    return x <= 0 ? 0.0 : incompleteGamma(0.5 * df, 0.5 * x).lower;
}

double chiSquareSurvival(double x, double df) {
    if (std::isnan(x) || std::isnan(df)) return kNaN;
    assert(df > 0);
    return x <= 0 ? 1.0 : incompleteGamma(0.5 * df, 0.5 * x).upper;
}

double fCdf(double f, double df1, double df2) {
    if (std::isnan(f) || std::isnan(df1) || std::isnan(df2)) return kNaN;
    assert(df1 > 0 && df2 > 0);
    if (f <= 0) return 0.0;
    if (f == kInf) return 1.0;
    const double s = df1 * f + df2;
    return incompleteBeta(0.5 * df1, 0.5 * df2, df1 * f / s, df2 / s).lower;
}

double fSurvival(double f, double df1, double df2) {
    if (std::isnan(f) || std::isnan(df1) || std::isnan(df2)) return kNaN;
    assert(df1 > 0 && df2 > 0);
    if (f <= 0) return 1.0;
    if (f == kInf) return 0.0;
    const double s = df1 * f + df2;
    return incompleteBeta(0.5 * df1, 0.5 * df2, df1 * f / s, df2 / s).upper;
}

}  // namespace rapport::analytics
