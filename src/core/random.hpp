// random.hpp: a small, fast, seedable random generator (xoshiro256**, seeded through
// splitmix64) with the distributions the demo data and the models need. The integer
// stream is identical everywhere; no std::*_distribution is used (their output differs
// between standard libraries), so results differ across platforms at most in the last
// bits of libm's log/exp/cos.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

namespace rapport::core {

class Random {
public:
    explicit Random(uint64_t seed) {
        for (uint64_t& word : s_) {
            seed += 0x9E3779B97F4A7C15ull;
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            word = z ^ (z >> 31);
        }
    }

    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n), n > 0.
    uint64_t below(uint64_t n) { return static_cast<uint64_t>(uniform() * static_cast<double>(n)); }
    bool chance(double p) { return uniform() < p; }

    double normal(double mean = 0.0, double sd = 1.0) {
        // Box-Muller; the second value is dropped to keep the stream simple to reason about.
        double u = uniform();
        while (u <= 0.0) u = uniform();
        const double v = uniform();
        return mean + sd * std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    }
    double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }
    double exponential(double rate) {
        double u = uniform();
        while (u <= 0.0) u = uniform();
        return -std::log(u) / rate;
    }
    // Poisson by inversion for small means, normal approximation for large ones.
    int64_t poisson(double mean) {
        if (mean <= 0) return 0;
        if (mean > 60) return std::max<int64_t>(0, std::llround(normal(mean, std::sqrt(mean))));
        const double limit = std::exp(-mean);
        double product = uniform();
        int64_t k = 0;
        while (product > limit) { product *= uniform(); ++k; }
        return k;
    }
    // Gamma(shape, scale) by Marsaglia and Tsang.
    double gamma(double shape, double scale) {
        if (shape < 1.0) return gamma(shape + 1.0, scale) * std::pow(uniform() + 1e-300, 1.0 / shape);
        const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
        for (;;) {
            double x, v;
            do { x = normal(); v = 1.0 + c * x; } while (v <= 0.0);
            v = v * v * v;
            const double u = uniform();
            if (u < 1.0 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
        }
    }
    // An index drawn with the given (unnormalised, non-negative) weights.
    size_t weighted(std::span<const double> weights) {
        double total = 0;
        for (const double w : weights) total += w;
        double r = uniform() * total;
        for (size_t i = 0; i < weights.size(); ++i) {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.size() - 1;
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

}  // namespace rapport::core
