// Chapter 11: the CUDA plumbing around your kernels. Given: nothing to edit.
//
// Included once, by conv3d_gpu.cu (yours and the model solution): checked
// CUDA calls, kernel launches, device memory owned like a std::vector, and
// the definitions of cuda_device_available and conv3d_gpu, which copies the
// tensors in, calls your launch_conv3d and copies the result out.
//
// The same conv3d_gpu.cu is compiled twice: by nvcc for the GPU, and by the
// C++ compiler with KATA_CUDA_ON_CPU for the CPU, where
// convkata/cuda_on_cpu.hpp stands in for CUDA and runs each block's threads
// in turn. That is why launches are written launch(kernel, grid, block)(...)
// rather than kernel<<<grid, block>>>(...): the two mean the same, and only
// the first is C++.
#pragma once

#include "conv3d_gpu.hpp"

#if defined(KATA_CUDA_ON_CPU)
#include "convkata/cuda_on_cpu.hpp"
#else
#include <cuda_runtime.h>
#endif

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace convkata::ch11 {

// launch(kernel, grid, block, shared_bytes)(args...) is
// kernel<<<grid, block, shared_bytes>>>(args...): `grid` blocks of `block`
// threads, each block with `shared_bytes` of dynamic shared memory
// (dynamic_shared<T>() below). Check cudaGetLastError() after it, as after <<<>>>.
template <typename... Params>
class KernelLaunch {
public:
    KernelLaunch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t shared_bytes)
        : kernel_(kernel), grid_(grid), block_(block), shared_bytes_(shared_bytes) {}

    void operator()(std::type_identity_t<Params>... args) const {
#if defined(KATA_CUDA_ON_CPU)
        cuda_on_cpu::run(grid_, block_, shared_bytes_, [kernel = kernel_, args...] { kernel(args...); });
#else
        kernel_<<<grid_, block_, shared_bytes_>>>(args...);
#endif
    }

private:
    void (*kernel_)(Params...);
    dim3 grid_, block_;
    std::size_t shared_bytes_;
};

template <typename... Params>
KernelLaunch<Params...> launch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t shared_bytes = 0) {
    return KernelLaunch<Params...>(kernel, grid, block, shared_bytes);
}

// The block's dynamic shared memory (the launch's shared_bytes), as T*: CUDA's
// `extern __shared__ T name[];`, which has no C++ spelling.
template <typename T>
__device__ T* dynamic_shared() {
#if defined(KATA_CUDA_ON_CPU)
    return reinterpret_cast<T*>(cuda_on_cpu::dynamic_shared_memory());
#else
    extern __shared__ float4 kata_dynamic_shared[];  // float4: 16-byte aligned for any T up to that
    return reinterpret_cast<T*>(kata_dynamic_shared);
#endif
}

// Every CUDA call is checked: a failed launch otherwise shows up much later as wrong numbers.
inline void check_cuda(cudaError_t status, const char* what) {
    if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}
#define CONVKATA_CUDA(call) check_cuda((call), #call)

// Device memory owned like a std::vector: freed on every path out, exceptions included.
class DeviceBuffer {
public:
    explicit DeviceBuffer(std::size_t count) : count_(count) {
        if (count_ > 0) CONVKATA_CUDA(cudaMalloc(&data_, count_ * sizeof(float)));
    }
    ~DeviceBuffer() { cudaFree(data_); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    float* get() const { return data_; }
    void upload(const float* host) { CONVKATA_CUDA(cudaMemcpy(data_, host, count_ * sizeof(float), cudaMemcpyHostToDevice)); }
    void download(float* host) const { CONVKATA_CUDA(cudaMemcpy(host, data_, count_ * sizeof(float), cudaMemcpyDeviceToHost)); }

private:
    float* data_ = nullptr;
    std::size_t count_ = 0;
};

// On the CPU build: always, the CPU standing in for the GPU.
bool cuda_device_available() {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

Tensor5 conv3d_gpu(int version, const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
                   Size3 padding, Size3 dilation) {
    const Conv3dParams p = conv3d_params(x, weight, bias, stride, padding, dilation);
    if (!cuda_device_available()) throw gpu_unavailable("conv3d_gpu: no CUDA device");
    Tensor5 y(p.batch, p.out_channels, p.out.d, p.out.h, p.out.w);
    DeviceBuffer dx(static_cast<std::size_t>(x.size()));
    DeviceBuffer dw(static_cast<std::size_t>(weight.size()));
    DeviceBuffer db(bias ? static_cast<std::size_t>(bias->size()) : 0);
    DeviceBuffer dy(static_cast<std::size_t>(y.size()));
    dx.upload(x.data());
    dw.upload(weight.data());
    if (bias) db.upload(bias->data());
    launch_conv3d(version, dx.get(), dw.get(), bias ? db.get() : nullptr, dy.get(), p);
    dy.download(y.data());
    return y;
}

}  // namespace convkata::ch11
