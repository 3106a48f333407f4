// convkata/cuda_on_cpu.hpp, the CPU stand-in for CUDA that runs chapter 11's
// kernels without a GPU: it must run correct kernels correctly, and catch the
// mistakes the lesson warns about the same way every run.
#define KATA_CUDA_ON_CPU 1
#include "convkata/cuda_on_cpu.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace emu = convkata::cuda_on_cpu;

namespace {

// Device memory for a test, freed on every path.
struct Buffer {
    float* data = nullptr;
    explicit Buffer(std::size_t count) { REQUIRE(cudaMalloc(&data, count * sizeof(float)) == cudaSuccess); }
    ~Buffer() { cudaFree(data); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
};

// A block-wide sum of 256 values by a tree in shared memory, with or without
// the barrier between the steps.
__global__ void block_sum(const float* x, float* y, bool synchronised) {
    __shared__ float partial[256];
    partial[threadIdx.x] = x[blockIdx.x * blockDim.x + threadIdx.x];
    for (unsigned int half = blockDim.x / 2; half > 0; half /= 2) {
        if (synchronised) __syncthreads();
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    }
    if (threadIdx.x == 0) y[blockIdx.x] = partial[0];
}

std::vector<float> run_block_sum(bool synchronised) {
    const int blocks = 3, threads = 256;
    std::vector<float> host(blocks * threads);
    for (std::size_t i = 0; i < host.size(); ++i) host[i] = static_cast<float>(i % 7);
    Buffer x(host.size()), y(blocks);
    cudaMemcpy(x.data, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice);
    emu::run(blocks, threads, 0, [&] { block_sum(x.data, y.data, synchronised); });
    std::vector<float> sums(blocks);
    cudaMemcpy(sums.data(), y.data, blocks * sizeof(float), cudaMemcpyDeviceToHost);
    return sums;
}

std::string fault_of(const std::function<void()>& body, dim3 grid, dim3 block, std::size_t shared = 0) {
    try {
        emu::run(grid, block, shared, body);
    } catch (const emu::kernel_fault& fault) {
        return fault.what();
    }
    return "(no fault)";
}

}  // namespace

TEST_CASE("cuda_on_cpu: every thread of a 3-D grid of 3-D blocks runs once with its own indices") {
    const dim3 grid(3, 2, 2), block(4, 3, 2);
    const std::size_t total = 3 * 2 * 2 * 4 * 3 * 2;
    Buffer hits(total);
    cudaMemset(hits.data, 0, total * sizeof(float));
    emu::run(grid, block, 0, [&] {
        const unsigned int b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
        const unsigned int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
        hits.data[b * 24 + t] += 1.0f;
    });
    for (std::size_t i = 0; i < total; ++i) REQUIRE(hits.data[i] == 1.0f);
}

TEST_CASE("cuda_on_cpu: a tree reduction is right with its barriers and wrong without them") {
    const std::vector<float> right = run_block_sum(true);
    for (int b = 0; b < 3; ++b) {
        float expected = 0;
        for (int i = 0; i < 256; ++i) expected += static_cast<float>((b * 256 + i) % 7);
        CHECK(right[b] == expected);
    }
    // Thread 0 runs ahead through every step before the others have added theirs.
    CHECK(run_block_sum(false) != right);
}

TEST_CASE("cuda_on_cpu: a return before __syncthreads is an error") {
    const std::string fault = fault_of(
        [] {
            if (threadIdx.x >= 100) return;
            __syncthreads();
        },
        1, 128);
    INFO(fault);
    CHECK(fault.find("100 of 128 threads wait at __syncthreads() but 28 have returned") != std::string::npos);
}

// Two barriers the compiler cannot merge into one.
[[gnu::noinline]] void stage_then_wait(float* y) {
    y[threadIdx.x] = 1.0f;
    __syncthreads();
}
[[gnu::noinline]] void wait_then_stage(float* y) {
    __syncthreads();
    y[threadIdx.x] = 2.0f;
}

TEST_CASE("cuda_on_cpu: threads at different __syncthreads are an error") {
    Buffer y(64);
    const std::string fault = fault_of(
        [&] {
            if (threadIdx.x % 2) {
                stage_then_wait(y.data);
            } else {
                wait_then_stage(y.data);
            }
        },
        1, 64);
    INFO(fault);
    CHECK(fault.find("different __syncthreads() calls") != std::string::npos);
}

TEST_CASE("cuda_on_cpu: memory from cudaMalloc reads as NaN until written") {
    Buffer y(10);
    for (int i = 0; i < 10; ++i) CHECK(std::isnan(y.data[i]));
}

TEST_CASE("cuda_on_cpu: a thread past the end of a buffer is stopped and the buffer named") {
    Buffer y(1000);
    // The classic missing bounds check: 4 blocks of 256 threads for 1000 outputs.
    const std::string fault = fault_of([&] { y.data[blockIdx.x * blockDim.x + threadIdx.x] = 1.0f; }, 4, 256);
    CHECK(fault.find("past the end of a cudaMalloc buffer of 4000 bytes (1000 floats)") != std::string::npos);
    CHECK(fault.find("of block (3, 0, 0)") != std::string::npos);
    // The fault ended that launch only: the next one runs.
    emu::run(4, 256, 0, [&] {
        const unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
        if (i < 1000) y.data[i] = 2.0f;
    });
    CHECK(y.data[999] == 2.0f);
}

TEST_CASE("cuda_on_cpu: an impossible launch fails in cudaGetLastError and runs nothing") {
    Buffer y(1);
    y.data[0] = 0.0f;
    emu::run(1, 1025, 0, [&] { y.data[0] = 1.0f; });
    CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);
    CHECK(cudaGetLastError() == cudaSuccess);  // read once, then cleared
    emu::run(dim3(1, 70000), 32, 0, [&] { y.data[0] = 1.0f; });
    CHECK(std::string(cudaGetErrorString(cudaGetLastError())).find("at most 65535") != std::string::npos);
    emu::run(1, 32, 64 * 1024, [&] { y.data[0] = 1.0f; });
    CHECK(cudaGetLastError() == cudaErrorInvalidValue);
    CHECK(y.data[0] == 0.0f);
}

TEST_CASE("cuda_on_cpu: dynamic shared memory is NaN at every block's start and guarded") {
    Buffer y(2);
    emu::run(2, 4, 16, [&] {
        float* s = reinterpret_cast<float*>(emu::dynamic_shared_memory());
        if (threadIdx.x == 0) y.data[blockIdx.x] = std::isnan(s[3]) ? 1.0f : 0.0f;
        __syncthreads();
        s[threadIdx.x] = 5.0f;  // the next block must not see this
    });
    CHECK(y.data[0] == 1.0f);
    CHECK(y.data[1] == 1.0f);
    const std::string fault = fault_of(
        [] { reinterpret_cast<float*>(emu::dynamic_shared_memory())[threadIdx.x * 8] = 1.0f; }, 1, 32, 64);
    CHECK(fault.find("past the end of the block's 64 bytes of dynamic shared memory") != std::string::npos);
}

TEST_CASE("cuda_on_cpu: warp shuffles and atomics") {
    Buffer y(2);
    y.data[1] = 0.0f;
    emu::run(1, 64, 0, [&] {
        float value = static_cast<float>(threadIdx.x);
        for (int offset = 16; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
        if (threadIdx.x == 32) y.data[0] = value;                                    // lanes 32..63 of warp 1
        const float all = __shfl_xor_sync(0xffffffffu, static_cast<float>(threadIdx.x % 32), 1);
        atomicAdd(&y.data[1], all);
    });
    CHECK(y.data[0] == static_cast<float>((32 + 63) * 32 / 2));
    CHECK(y.data[1] == static_cast<float>(2 * (31 * 32 / 2)));  // a xor-1 swap keeps each warp's sum
}

TEST_CASE("cuda_on_cpu: an exception in a kernel reaches the launch") {
    CHECK_THROWS_WITH_AS(emu::run(2, 32, 0, [] { throw std::logic_error("conv3d_kernel1_naive is not implemented"); }),
                         "conv3d_kernel1_naive is not implemented", std::logic_error);
    CHECK_THROWS_AS(emu::run(1, 1, 0, [] { __trap(); }), emu::kernel_fault);
    CHECK_THROWS_AS(static_cast<void>(threadIdx.x), std::logic_error);  // outside a kernel
}
