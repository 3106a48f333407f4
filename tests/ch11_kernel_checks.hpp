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

// `trials` random calls of kernel `version` against the CPU reference: every
// stride, padding and dilation up to 3, 2 and 2, outputs of every size around
// the block sizes, with and without bias.
inline void check_kernel_sweep(int version, unsigned seed, convkata::Index max_kernel, int trials,
                               convkata::Index max_input) {
    using namespace convkata;
    Rng rng(seed);
    const auto random_size3 = [&](Index lo, Index hi) {
        return Size3(rng.integer(lo, hi), rng.integer(lo, hi), rng.integer(lo, hi));
    };
    for (int trial = 0; trial < trials; ++trial) {
        CAPTURE(trial);
        const Size3 kernel = random_size3(1, max_kernel);
        const Size3 stride = random_size3(1, 3);
        const Size3 padding = random_size3(0, 2);
        const Size3 dilation = random_size3(1, 2);
        Size3 in = random_size3(1, max_input);
        for (int k = 0; k < 3; ++k) {
            in[k] = std::max<Index>({in[k], dilated_kernel_size(kernel[k], dilation[k]) - 2 * padding[k], 1});
        }
        const Index c = rng.integer(1, 4);
        const Tensor5 x = rng.tensor<5>(rng.integer(1, 2), c, in[0], in[1], in[2]);
        const Tensor5 w = rng.tensor<5>(rng.integer(1, 5), c, kernel[0], kernel[1], kernel[2]);
        const OptionalBias b = trial % 2 ? OptionalBias(rng.tensor<1>(w.dimension(0))) : std::nullopt;
        const std::string what = "conv3d kernel " + std::to_string(version) + "(x " + shape_string(x) + ", w " +
                                 shape_string(w) + ", stride " + stride.to_string() + ", padding " +
                                 padding.to_string() + ", dilation " + dilation.to_string() + ")";
        check_kernel(version, x, w, b, stride, padding, dilation, what);
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
