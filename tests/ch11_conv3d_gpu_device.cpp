// Chapter 11 - Conv3d on the GPU: the kernels against the CPU reference.
// Without a CUDA device every case prints "skipped: no CUDA device" and ctest
// reports it as skipped, never as passed.
#include "ch11_kernel_checks.hpp"
#include "conv3d_gpu.hpp"
#include "kata_test.hpp"

#include <iostream>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch11;

namespace {

bool skip_without_gpu() {
    if (ch::cuda_device_available()) return false;
    std::cout << "skipped: no CUDA device" << std::endl;
    return true;
}

}  // namespace

TEST_CASE("conv3d_kernel1_naive: on the GPU - matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::naive, 1111, 4, 30, 13);
}

TEST_CASE("conv3d_kernel2_shared: on the GPU - matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::shared_weights, 1112, 4, 30, 13);
}

TEST_CASE("conv3d_kernel2_shared: on the GPU - more weights than one shared chunk") {
    if (skip_without_gpu()) return;
    Rng rng(1113);
    const Tensor5 x = rng.tensor<5>(1, 7, 20, 21, 22);
    const Tensor5 w = rng.tensor<5>(3, 7, 10, 9, 11);  // 6930 taps per output channel
    const Tensor1 b = rng.tensor<1>(3);
    check_kernel(ch::shared_weights, x, w, b, 2, 1, 1, "conv3d kernel 2 with 6930 taps");
}

TEST_CASE("conv3d_kernel3_tile: on the GPU - matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::shared_tile, 1114, 5, 30, 13);
}

TEST_CASE("conv3d_kernel4_split: on the GPU - matches the CPU reference on random shapes") {
    if (skip_without_gpu()) return;
    check_kernel_sweep(ch::split_reduction, 1115, 5, 30, 13);
}

TEST_CASE("conv3d_kernel4_split: on the GPU - a big kernel with few outputs") {
    if (skip_without_gpu()) return;
    Rng rng(1116);
    const Tensor5 x = rng.tensor<5>(1, 3, 30, 31, 32);
    const Tensor5 w = rng.tensor<5>(2, 3, 25, 26, 27);
    const Tensor1 b = rng.tensor<1>(2);
    check_kernel(ch::split_reduction, x, w, b, 3, 0, 1, "conv3d kernel 4 with 52650 taps");
}
