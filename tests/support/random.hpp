// Seeded randomness for sweeps: the same seed gives the same cases on every
// machine, so a failure can be reproduced and reported by its seed.
#pragma once

#include "convkata/tensor.hpp"

#include <random>

namespace kata {

class Rng {
public:
    explicit Rng(std::uint32_t seed) : engine_(seed) {}

    // Uniform integer in [lo, hi].
    convkata::Index integer(convkata::Index lo, convkata::Index hi) {
        return std::uniform_int_distribution<convkata::Index>(lo, hi)(engine_);
    }
    bool coin() { return integer(0, 1) == 1; }
    float uniform(float lo = -1.0f, float hi = 1.0f) { return std::uniform_real_distribution<float>(lo, hi)(engine_); }

    // A tensor of uniform values in [-1, 1).
    template <int R, typename... Dims>
    convkata::Tensor<R> tensor(Dims... dims) {
        convkata::Tensor<R> t(static_cast<convkata::Index>(dims)...);
        for (convkata::Index i = 0; i < t.size(); ++i) t.data()[i] = uniform();
        return t;
    }

    // A tensor of small integers in [-3, 3]: sums of them are exact in float,
    // so hand-sized examples compare exactly.
    template <int R, typename... Dims>
    convkata::Tensor<R> small_integers(Dims... dims) {
        convkata::Tensor<R> t(static_cast<convkata::Index>(dims)...);
        for (convkata::Index i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(integer(-3, 3));
        return t;
    }

private:
    std::mt19937 engine_;
};

}  // namespace kata
