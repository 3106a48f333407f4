// The tolerance policy: the one place it is written down. The tests' tensor
// comparison (tests/support/check.hpp, which explains the policy) and
// `kata try --compare` both ask these functions; nothing spells the formula
// out again.
//
//   |actual - expected| <= kRelativeTolerance * magnitude + kAbsoluteTolerance
//
// where `magnitude` is the sum of the absolute values of the terms added up to
// make that output (|expected| for copies and elementwise results).
#pragma once

#include <cmath>

namespace convkata {

inline constexpr double kRelativeTolerance = 1e-5;
inline constexpr double kAbsoluteTolerance = 1e-6;

inline double allowed_error(double magnitude) { return kRelativeTolerance * magnitude + kAbsoluteTolerance; }

// One entry: NaN must be NaN, an infinity must be the same infinity, anything
// else within the allowed error (a NaN where a number belongs never is).
inline bool within_tolerance(float actual, float expected, double magnitude) {
    if (std::isnan(expected)) return std::isnan(actual);
    if (std::isinf(expected)) return actual == expected;
    return std::fabs(static_cast<double>(actual) - expected) <= allowed_error(magnitude);
}

}  // namespace convkata
