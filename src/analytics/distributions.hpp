// distributions.hpp: the probability distributions that intervals and p-values need:
// normal, Student t, chi-square and F (cumulative distribution, survival function and,
// for normal and t, the quantile), built on the regularized incomplete beta and gamma
// functions. Rapport's dependencies have none of these, and libm's only help is erfc and
// lgamma, so they are written here; other analyses (regression p-values) use them too.
//
// Accuracy (relative error against mpmath at 50 digits; the tests hold the table values):
// - normal: CDF below 1e-13 down to 1e-300, quantile below 1e-15;
// - chi-square and incomplete gamma: below 3e-13 up to a million degrees of freedom;
// - t, F and incomplete beta: below 1e-13 up to 1,000 degrees of freedom, 5e-13 at 1e4,
//   5e-12 at 1e5, 2e-11 at 1e6, 3e-10 at 1e7 (the continued fraction loses digits when
//   x is near 1 and a is large), far below anything a p-value needs.
// Survival functions (1 - CDF) are computed directly, not as 1 - CDF, so small upper
// tails keep their relative accuracy: use them for p-values.
//
// Degrees of freedom are doubles (Welch's df is not a whole number) and must be > 0;
// an infinite df gives the normal distribution. Out-of-range arguments are programmer
// errors (assert); NaN in gives NaN out.
#pragma once

namespace rapport::analytics {

// ---- Normal ---------------------------------------------------------------------------

double normalPdf(double x);
double normalCdf(double x);       // P(Z <= x)
double normalSurvival(double x);  // P(Z > x)
// The x with normalCdf(x) = p, p in [0, 1] (-inf at 0, +inf at 1).
double normalQuantile(double p);

// ---- Student t ------------------------------------------------------------------------

double studentTPdf(double t, double df);
double studentTCdf(double t, double df);       // P(T <= t)
double studentTSurvival(double t, double df);  // P(T > t)
// The t with studentTCdf(t, df) = p, p in [0, 1].
double studentTQuantile(double p, double df);

// ---- Chi-square and F -----------------------------------------------------------------

double chiSquareCdf(double x, double df);
double chiSquareSurvival(double x, double df);  // p-value of a chi-square statistic x
double fCdf(double f, double df1, double df2);
double fSurvival(double f, double df1, double df2);  // p-value of an F statistic

// ---- Special functions ----------------------------------------------------------------

// I_x(a, b), the regularized incomplete beta function, a, b > 0, x in [0, 1].
double regularizedBeta(double x, double a, double b);
// P(a, x) and Q(a, x) = 1 - P(a, x), the regularized incomplete gamma functions, a > 0, x >= 0.
double regularizedGammaP(double a, double x);
double regularizedGammaQ(double a, double x);
// log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b), without the cancellation of
// that sum when a or b is large.
double logBeta(double a, double b);

}  // namespace rapport::analytics
