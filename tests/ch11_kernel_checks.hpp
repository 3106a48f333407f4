// Chapter 11: one check for every kernel version, run by the CPU tests (the
// kernels on convkata/cuda_on_cpu.hpp, tests/ch11_conv3d_gpu.cpp) and by the
// GPU tests (the same kernels built by nvcc, tests/ch11_conv3d_gpu_device.cpp).
#pragma once

#include "conv3d_gpu.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <string>

namespace kata {

// Kernel `version` against the CPU reference, within the tolerance for a sum
// of as many terms as the call has taps (the magnitude: the same conv of |x|
// and |w|). `what` names the call; `see` points into the lesson.
inline void check_kernel(int version, const convkata::Tensor5& x, const convkata::Tensor5& w,
                         const convkata::OptionalBias& b, convkata::Size3 stride, convkata::Size3 padding,
                         convkata::Size3 dilation, const std::string& what, const std::string& see = "") {
    using namespace convkata;
    const OptionalBias abs_b = b ? OptionalBias(Tensor1(b->abs())) : std::nullopt;
    CheckOptions options{what, see, {}, {}};
    options.magnitude = flat(Tensor5(ref::conv3d(Tensor5(x.abs()), Tensor5(w.abs()), abs_b, stride, padding, dilation)));
    CHECK_CLOSE(ch11::conv3d_gpu(version, x, w, b, stride, padding, dilation),
                ref::conv3d(x, w, b, stride, padding, dilation), options);
}

// One conv3d call: its tensors and arguments.
struct Conv3dCall {
    convkata::Tensor5 x, w;
    convkata::OptionalBias b;
    convkata::Size3 stride = 1, padding = 0, dilation = 1;

    // "op(x [..], w [..], stride (..), padding (..), dilation (..))"
    std::string describe(const std::string& op) const {
        return op + "(x " + convkata::shape_string(x) + ", w " + convkata::shape_string(w) + ", stride " +
               stride.to_string() + ", padding " + padding.to_string() + ", dilation " + dilation.to_string() + ")";
    }
};

inline convkata::Size3 random_size3(Rng& rng, convkata::Index lo, convkata::Index hi) {
    return convkata::Size3(rng.integer(lo, hi), rng.integer(lo, hi), rng.integer(lo, hi));
}

// A random valid call: kernel sides up to max_kernel, stride, padding and
// dilation up to 3, 2 and 2, input sides up to max_input (grown where the
// dilated kernel needs more), 1 or 2 samples, bias on odd trials.
inline Conv3dCall random_conv3d_call(Rng& rng, int trial, convkata::Index max_kernel, convkata::Index max_input,
                                     convkata::Index max_channels, convkata::Index max_out_channels) {
    using namespace convkata;
    Conv3dCall c;
    const Size3 kernel = random_size3(rng, 1, max_kernel);
    c.stride = random_size3(rng, 1, 3);
    c.padding = random_size3(rng, 0, 2);
    c.dilation = random_size3(rng, 1, 2);
    Size3 in = random_size3(rng, 1, max_input);
    for (int k = 0; k < 3; ++k) {
        in[k] = std::max<Index>({in[k], dilated_kernel_size(kernel[k], c.dilation[k]) - 2 * c.padding[k], 1});
    }
    const Index channels = rng.integer(1, max_channels);
    c.x = rng.tensor<5>(rng.integer(1, 2), channels, in[0], in[1], in[2]);
    c.w = rng.tensor<5>(rng.integer(1, max_out_channels), channels, kernel[0], kernel[1], kernel[2]);
    if (trial % 2) c.b = rng.tensor<1>(c.w.dimension(0));
    return c;
}

// `trials` random calls of kernel `version` against the CPU reference, with
// outputs of every size around the block sizes.
inline void check_kernel_sweep(int version, unsigned seed, convkata::Index max_kernel, int trials,
                               convkata::Index max_input) {
    Rng rng(seed);
    for (int trial = 0; trial < trials; ++trial) {
        CAPTURE(trial);
        const Conv3dCall c = random_conv3d_call(rng, trial, max_kernel, max_input, 4, 5);
        check_kernel(version, c.x, c.w, c.b, c.stride, c.padding, c.dilation,
                     c.describe("conv3d kernel " + std::to_string(version)));
    }
}

// Kernel 2 with more weights per output channel than one shared chunk holds
// (6930 taps; the model stages 4096 at a time). The input is [1, 7, size, size+1, size+2].
inline void check_kernel2_many_taps(unsigned seed, convkata::Index size) {
    using namespace convkata;
    Rng rng(seed);
    const Tensor5 x = rng.tensor<5>(1, 7, size, size + 1, size + 2);
    const Tensor5 w = rng.tensor<5>(3, 7, 10, 9, 11);
    const Tensor1 b = rng.tensor<1>(3);
    check_kernel(ch11::shared_weights, x, w, b, 2, 1, 1, "conv3d kernel 2 with 6930 taps");
}

// Kernel 4's case: a big kernel, few outputs (16 outputs of 52650 taps each).
inline void check_kernel4_big_kernel(unsigned seed) {
    using namespace convkata;
    Rng rng(seed);
    const Tensor5 x = rng.tensor<5>(1, 3, 30, 31, 32);
    const Tensor5 w = rng.tensor<5>(2, 3, 25, 26, 27);
    const Tensor1 b = rng.tensor<1>(2);
    check_kernel(ch11::split_reduction, x, w, b, 3, 0, 1, "conv3d kernel 4 with 52650 taps");
}

}  // namespace kata
