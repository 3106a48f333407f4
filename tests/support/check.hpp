// The one helper that compares tensors, and the tolerance policy behind it.
//
// CHECK_CLOSE(actual, expected, options) fails the current doctest case with a
// message that teaches: the two shapes (with the formula that gives the
// expected one), the first index that differs, the largest error, and, when
// the output is exactly what a known mistake produces, that mistake's name and
// the lesson section that explains it.
//
// Tolerance policy (one policy for every test, never chosen per test):
//   |actual - expected| <= kRelativeTolerance * magnitude + kAbsoluteTolerance
// where `magnitude` is, element by element, the sum of the absolute values of
// the terms that were added up to make that output (for a convolution:
// conv(|x|, |w|) + |b|). A float32 sum of n terms carries a rounding error of
// at most about n * 6e-8 of that magnitude; 1e-5 covers sums of ~150 terms in
// the worst case, and far longer ones in practice, while any real mistake
// (a wrong tap, a missing bias, a shifted window) is off by a whole term.
// Without a magnitude, |expected| is used: right for copies and elementwise
// results.
#pragma once

#include "convkata/tensor.hpp"
#include "convkata/tolerance.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

namespace kata {

using convkata::Index;
template <int R>
using Tensor = convkata::Tensor<R>;

// The policy's numbers live in convkata/tolerance.hpp, shared with `kata try --compare`.
using convkata::kAbsoluteTolerance;
using convkata::kRelativeTolerance;

// A rank-erased look at a tensor, so the comparison is compiled once.
struct View {
    std::vector<Index> dims;
    const float* data = nullptr;
    Index size() const;
};

template <int R>
View view(const Tensor<R>& t) {
    return View{std::vector<Index>(t.dimensions().begin(), t.dimensions().end()), t.data()};
}

// A wrong answer a learner is known to write, recognised from the output.
struct Mistake {
    std::string name;    // "flipped kernel (true convolution)"
    std::string lesson;  // "chapters/01_conv1d/README.md#cross-correlation-not-convolution"
    std::function<bool(const View& actual)> matches;
};

bool close_enough(const View& actual, const View& expected, const std::vector<float>& magnitude = {});

// The mistake whose output is `wrong` (computed the mistaken way by the test).
template <int R>
Mistake mistake_output(std::string name, std::string lesson, const Tensor<R>& wrong) {
    return {std::move(name), std::move(lesson), [wrong](const View& actual) { return close_enough(actual, view(wrong)); }};
}

// The mistake whose output has these dimensions (an off-by-one length, ...).
Mistake mistake_shape(std::string name, std::string lesson, std::vector<Index> wrong_dims);

struct CheckOptions {
    std::string what;                 // "conv1d(x [2, 3, 10], w [4, 3, 3], stride 2)"
    std::string shape_formula;        // "L_out = floor((10 - 3) / 2) + 1 = 4"
    std::vector<float> magnitude;     // flat, like expected; see the tolerance policy above
    std::vector<Mistake> mistakes;
};

// Empty when `actual` matches `expected`, else the teaching message.
std::string close_report(const View& actual, const View& expected, const CheckOptions& options = {});

template <int R>
std::vector<float> flat(const Tensor<R>& t) {
    return std::vector<float>(t.data(), t.data() + t.size());
}

template <int R>
std::string close_report(const Tensor<R>& actual, const Tensor<R>& expected, const CheckOptions& options = {}) {
    return close_report(view(actual), view(expected), options);
}

}  // namespace kata

#define CHECK_CLOSE(actual, expected, ...)                                          \
    do {                                                                            \
        const std::string kata_report_ = ::kata::close_report((actual), (expected), \
                                                              ##__VA_ARGS__);       \
        if (!kata_report_.empty()) DOCTEST_ADD_FAIL_CHECK_AT(__FILE__, __LINE__, kata_report_); \
    } while (false)
