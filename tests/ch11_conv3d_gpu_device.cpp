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
    check_kernel2_many_taps(1113, 20);
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
    check_kernel4_big_kernel(1116);
}
