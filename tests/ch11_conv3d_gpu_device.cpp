// Chapter 11 - Conv3d on the GPU: the kernels against the CPU reference.
// Without a CUDA device every case prints "skipped: no CUDA device" and ctest
// reports it as skipped, never as passed.
#include "conv3d_gpu.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <iostream>
#include <string>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch11;

namespace {

bool skip_without_gpu() {
    if (ch::cuda_device_available()) return false;
    std::cout << "skipped: no CUDA device" << std::endl;
    return true;
}

Size3 random_size3(Rng& rng, Index lo, Index hi) {
    return Size3(rng.integer(lo, hi), rng.integer(lo, hi), rng.integer(lo, hi));
}

// Random calls, with outputs of every size around the block size (256).
void check_kernel_sweep(int version, unsigned seed, Index max_kernel) {
    Rng rng(seed);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        const Size3 kernel = random_size3(rng, 1, max_kernel);
        const Size3 stride = random_size3(rng, 1, 3);
        const Size3 padding = random_size3(rng, 0, 2);
        const Size3 dilation = random_size3(rng, 1, 2);
        Size3 in = random_size3(rng, 1, 13);
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
        CHECK_CLOSE(ch::conv3d_gpu(version, x, w, b, stride, padding, dilation),
                    ref::conv3d(x, w, b, stride, padding, dilation), CheckOptions{what, "", {}, {}});
    }
}

}  // namespace

TEST_CASE("conv3d_kernel1_naive: matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::naive, 1111, 4);
}

TEST_CASE("conv3d_kernel2_shared: matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::shared_weights, 1112, 4);
}

TEST_CASE("conv3d_kernel2_shared: more weights than one shared chunk") {
    if (skip_without_gpu()) return;
    Rng rng(1113);
    const Tensor5 x = rng.tensor<5>(1, 7, 20, 21, 22);
    const Tensor5 w = rng.tensor<5>(3, 7, 10, 9, 11);  // 6930 taps per output channel
    const Tensor1 b = rng.tensor<1>(3);
    CHECK_CLOSE(ch::conv3d_gpu(ch::shared_weights, x, w, b, 2, 1), ref::conv3d(x, w, b, 2, 1),
                CheckOptions{"conv3d kernel 2 with 6930 taps", "", {}, {}});
}

TEST_CASE("conv3d_kernel3_tile: matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::shared_tile, 1114, 5);
}

TEST_CASE("conv3d_kernel4_split: matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::split_reduction, 1115, 5);
}

TEST_CASE("conv3d_kernel4_split: a big kernel with few outputs") {
    if (skip_without_gpu()) return;
    Rng rng(1116);
    const Tensor5 x = rng.tensor<5>(1, 3, 30, 31, 32);
    const Tensor5 w = rng.tensor<5>(2, 3, 25, 26, 27);
    const Tensor1 b = rng.tensor<1>(2);
    CHECK_CLOSE(ch::conv3d_gpu(ch::split_reduction, x, w, b, 3), ref::conv3d(x, w, b, 3),
                CheckOptions{"conv3d kernel 4 with 52650 taps", "", {}, {}});
}
