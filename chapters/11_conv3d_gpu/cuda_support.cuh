// Chapter 11: the CUDA plumbing around your kernels. Given: nothing to edit.
//
// Included once, by conv3d_gpu.cu (yours and the model solution): checked
// CUDA calls, device memory owned like a std::vector, and the definitions of
// cuda_device_available and conv3d_gpu, which copies the tensors in, calls
// your launch_conv3d and copies the result out.
#pragma once

#include "conv3d_gpu.hpp"

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace convkata::ch11 {

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
