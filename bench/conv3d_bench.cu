// Conv3d on the GPU: the five workloads of chapter 11, every kernel version.
//
// Build: cmake --build <build> --target conv3d_bench   (needs nvcc; cuDNN optional)
// Run:   <build>/conv3d_bench [workload 1-5] [version 1-4]
//        <build>/conv3d_bench --cpu    (no GPU needed; compare with bench/conv3d_cpu_torch.py)
//
// For each workload and kernel of solutions/11_conv3d_gpu: one warm-up run,
// then the median of several timed with CUDA events; the result checked on
// sampled output voxels against conv3d_voxel on the CPU; time, GFLOP/s, the
// fraction of the device's FP32 peak, and the ratio to cuDNN's
// cudnnConvolutionForward with TF32 off and on (when cuDNN was found).
// --cpu times the CPU reference and the chapter's voxel loop on workload 1.
#include "conv3d_gpu.hpp"
#include "reference.hpp"

#include <cuda_runtime.h>
#ifdef KATA_HAVE_CUDNN
#include <cudnn.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace convkata;
namespace ch = convkata::ch11;

namespace {

void check_cuda(cudaError_t status, const char* what) {
    if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}
#define CUDA_CHECK(call) check_cuda((call), #call)

// Device memory with an owner.
struct DeviceArray {
    float* data = nullptr;
    explicit DeviceArray(std::size_t count) { CUDA_CHECK(cudaMalloc(&data, std::max<std::size_t>(count, 1) * sizeof(float))); }
    ~DeviceArray() { cudaFree(data); }
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;
};

struct CudaEvent {
    cudaEvent_t event{};
    CudaEvent() { CUDA_CHECK(cudaEventCreate(&event)); }
    ~CudaEvent() { cudaEventDestroy(event); }
    CudaEvent(const CudaEvent&) = delete;
    CudaEvent& operator=(const CudaEvent&) = delete;
};

struct Workload {
    const char* name;
    Index size;    // the input is [1, 7, size, size, size]
    Index kernel;  // the weight is [7, 7, kernel, kernel, kernel]
    Index stride;
};

const Workload workloads[] = {
    {"[1,7,100^3] k13 s3", 100, 13, 3},   {"[1,7,100^3] k50", 100, 50, 1},
    {"[1,7,500^3] k10", 500, 10, 1},      {"[1,7,500^3] k100 s10", 500, 100, 10},
    {"[1,7,500^3] k100 s50", 500, 100, 50},
};

// Fast, repeatable values in [-scale, scale): 875 million of them must not take a minute.
void fill(float* data, std::size_t count, std::uint64_t seed, float scale) {
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (std::size_t i = 0; i < count; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        data[i] = scale * (static_cast<float>(state >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f);
    }
}

// Milliseconds of `run`: one warm-up, then the median of up to 7 repeats
// (fewer when one run takes seconds).
double median_ms(const std::function<void()>& run) {
    CudaEvent start, stop;
    run();
    CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<double> times;
    for (int repeat = 0; repeat < 7; ++repeat) {
        CUDA_CHECK(cudaEventRecord(start.event));
        run();
        CUDA_CHECK(cudaEventRecord(stop.event));
        CUDA_CHECK(cudaEventSynchronize(stop.event));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, start.event, stop.event));
        times.push_back(ms);
        if (times.size() >= 3 && ms > 2000) break;
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// FP32 lanes per SM by compute capability (the CUDA programming guide's table).
double fp32_peak_gflops() {
    int device = 0, sms = 0, khz = 0, major = 0, minor = 0;
    CUDA_CHECK(cudaGetDevice(&device));
    CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
    CUDA_CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, device));
    CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
    CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
    const int lanes = (major == 7 || (major == 8 && minor == 0)) ? 64 : 128;
    return 2.0 * sms * lanes * khz * 1e-6;  // one FMA = 2 FLOP per lane per cycle
}

// Largest error on `samples` output voxels against conv3d_voxel on the CPU.
double sampled_error(const std::vector<float>& x, const std::vector<float>& w, const float* d_y,
                     const ch::Conv3dParams& p, int samples) {
    double worst = 0;
    std::uint64_t state = 12345;
    for (int s = 0; s < samples; ++s) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const ShapeIndex flat = static_cast<ShapeIndex>((state >> 16) % static_cast<std::uint64_t>(p.output_count()));
        float gpu = 0;
        CUDA_CHECK(cudaMemcpy(&gpu, d_y + flat, sizeof(float), cudaMemcpyDeviceToHost));
        const float cpu = ch::conv3d_voxel(x.data(), w.data(), nullptr, p, flat);
        worst = std::max(worst, std::abs(static_cast<double>(gpu) - cpu) / (1.0 + std::abs(cpu)));
    }
    return worst;
}

#ifdef KATA_HAVE_CUDNN
void check_cudnn(cudnnStatus_t status, const char* what) {
    if (status != CUDNN_STATUS_SUCCESS) throw std::runtime_error(std::string(what) + ": " + cudnnGetErrorString(status));
}
#define CUDNN_CHECK(call) check_cudnn((call), #call)

// cudnnConvolutionForward on the same buffers, with the fastest algorithm the
// heuristics offer whose workspace fits; milliseconds, or a negative number
// when cuDNN has no algorithm for it.
double cudnn_ms(const ch::Conv3dParams& p, const float* d_x, const float* d_w, float* d_y, bool tf32) {
    cudnnHandle_t handle;
    CUDNN_CHECK(cudnnCreate(&handle));
    cudnnTensorDescriptor_t xd, yd;
    cudnnFilterDescriptor_t wd;
    cudnnConvolutionDescriptor_t cd;
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&xd));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&yd));
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&wd));
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&cd));
    auto packed = [](const int dims[5], int strides[5]) {
        strides[4] = 1;
        for (int k = 3; k >= 0; --k) strides[k] = strides[k + 1] * dims[k + 1];
    };
    const int xdims[5] = {int(p.batch), int(p.in_channels), int(p.in.d), int(p.in.h), int(p.in.w)};
    const int ydims[5] = {int(p.batch), int(p.out_channels), int(p.out.d), int(p.out.h), int(p.out.w)};
    const int wdims[5] = {int(p.out_channels), int(p.in_channels), int(p.kernel.d), int(p.kernel.h), int(p.kernel.w)};
    int xs[5], ys[5];
    packed(xdims, xs);
    packed(ydims, ys);
    const int pad[3] = {int(p.padding.d), int(p.padding.h), int(p.padding.w)};
    const int stride[3] = {int(p.stride.d), int(p.stride.h), int(p.stride.w)};
    const int dil[3] = {int(p.dilation.d), int(p.dilation.h), int(p.dilation.w)};
    CUDNN_CHECK(cudnnSetTensorNdDescriptor(xd, CUDNN_DATA_FLOAT, 5, xdims, xs));
    CUDNN_CHECK(cudnnSetTensorNdDescriptor(yd, CUDNN_DATA_FLOAT, 5, ydims, ys));
    CUDNN_CHECK(cudnnSetFilterNdDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 5, wdims));
    CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(cd, 3, pad, stride, dil, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    // FMA_MATH: plain FP32. TENSOR_OP_MATH: TF32 tensor cores allowed (Ampere and later).
    CUDNN_CHECK(cudnnSetConvolutionMathType(cd, tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH));

    double ms = -1;
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int found = 0;
    CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(handle, xd, wd, cd, yd, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                                       &found, perf));
    std::size_t free_bytes = 0, total_bytes = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    for (int i = 0; i < found && ms < 0; ++i) {
        if (perf[i].status != CUDNN_STATUS_SUCCESS || perf[i].memory > free_bytes / 2) continue;
        if (!tf32 && perf[i].mathType == CUDNN_TENSOR_OP_MATH) continue;
        DeviceArray workspace(perf[i].memory / sizeof(float) + 1);
        const float one = 1, zero = 0;
        const cudnnConvolutionFwdAlgo_t algo = perf[i].algo;
        try {
            ms = median_ms([&] {
                CUDNN_CHECK(cudnnConvolutionForward(handle, &one, xd, d_x, wd, d_w, cd, algo, workspace.data,
                                                    perf[i].memory, &zero, yd, d_y));
            });
        } catch (const std::exception&) {
            ms = -1;  // this algorithm refused at run time: try the next
        }
    }
    cudnnDestroyConvolutionDescriptor(cd);
    cudnnDestroyFilterDescriptor(wd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroy(handle);
    return ms;
}
#endif

// Kernels 1-3 give every output to one thread: with a few thousand outputs
// of millions of taps each, the GPU idles and one run takes minutes.
// Kernel 4 gives every output a block: with hundreds of millions of outputs
// its launch alone is wasteful. Those pairs are skipped.
const char* skip_reason(int version, const ch::Conv3dParams& p) {
    if (version != ch::split_reduction && p.output_count() < 100000 && p.taps() > 1000000) {
        return "too few outputs for one thread each (kernel 4's case)";
    }
    if (version == ch::split_reduction && p.output_count() > 50000000) return "too many outputs for a block each";
    return nullptr;
}

void run(const Workload& work, int only_version, double peak) {
    ch::Conv3dParams p;
    p.batch = 1;
    p.in_channels = 7;
    p.out_channels = 7;
    p.in = {work.size, work.size, work.size};
    p.kernel = {work.kernel, work.kernel, work.kernel};
    p.stride = {work.stride, work.stride, work.stride};
    p.padding = {0, 0, 0};
    p.dilation = {1, 1, 1};
    const ShapeIndex out = output_size(work.size, work.kernel, work.stride);
    p.out = {out, out, out};
    const double flop = 2.0 * static_cast<double>(p.output_count()) * static_cast<double>(p.taps());

    std::printf("\n%s -> [1,7,%ld^3]: %.4g GFLOP, %ld outputs of %ld taps\n", work.name, static_cast<long>(out),
                flop * 1e-9, static_cast<long>(p.output_count()), static_cast<long>(p.taps()));
    std::vector<float> x(static_cast<std::size_t>(p.batch * p.in_channels * p.in.volume()));
    std::vector<float> w(static_cast<std::size_t>(p.out_channels * p.taps()));
    fill(x.data(), x.size(), 1, 1.0f);
    fill(w.data(), w.size(), 2, 1.0f / std::sqrt(static_cast<float>(p.taps())));  // outputs of order 1
    DeviceArray d_x(x.size()), d_w(w.size()), d_y(static_cast<std::size_t>(p.output_count()));
    CUDA_CHECK(cudaMemcpy(d_x.data, x.data(), x.size() * sizeof(float), cudaMemcpyHostToDevice));
    CUDA_CHECK(cudaMemcpy(d_w.data, w.data(), w.size() * sizeof(float), cudaMemcpyHostToDevice));

    double cudnn_fp32 = -1, cudnn_tf32 = -1;
#ifdef KATA_HAVE_CUDNN
    try {
        cudnn_fp32 = cudnn_ms(p, d_x.data, d_w.data, d_y.data, false);
        cudnn_tf32 = cudnn_ms(p, d_x.data, d_w.data, d_y.data, true);
    } catch (const std::exception& e) {
        std::printf("  cuDNN: %s\n", e.what());
    }
    if (cudnn_fp32 > 0) std::printf("  %-24s %10.2f ms %9.1f GFLOP/s\n", "cuDNN (TF32 off)", cudnn_fp32, flop * 1e-6 / cudnn_fp32);
    if (cudnn_tf32 > 0) std::printf("  %-24s %10.2f ms %9.1f GFLOP/s\n", "cuDNN (TF32 on)", cudnn_tf32, flop * 1e-6 / cudnn_tf32);
#endif

    const char* names[] = {"", "1 naive", "2 shared weights", "3 shared tile + halo", "4 split reduction"};
    for (int version = 1; version <= 4; ++version) {
        if (only_version && version != only_version) continue;
        if (const char* why = skip_reason(version, p); why && !only_version) {
            std::printf("  kernel %-17s    skipped: %s\n", names[version], why);
            continue;
        }
        try {
            CUDA_CHECK(cudaMemset(d_y.data, 0, static_cast<std::size_t>(p.output_count()) * sizeof(float)));
            const double ms = median_ms([&] { ch::launch_conv3d(version, d_x.data, d_w.data, nullptr, d_y.data, p); });
            const double error = sampled_error(x, w, d_y.data, p, 32);
            const double gflops = flop * 1e-6 / ms;
            std::printf("  kernel %-17s %10.2f ms %9.1f GFLOP/s %5.1f%% of FP32 peak", names[version], ms, gflops,
                        100.0 * gflops / peak);
            if (cudnn_fp32 > 0) std::printf("  %6.2fx cuDNN", ms / cudnn_fp32);
            if (cudnn_tf32 > 0) std::printf("  %6.2fx cuDNN-TF32", ms / cudnn_tf32);
            std::printf("  %s (max rel. error %.1e)\n", error < 2e-3 ? "ok" : "WRONG", error);
        } catch (const std::exception& e) {
            std::printf("  kernel %-17s    not run: %s\n", names[version], e.what());
        }
    }
}

// Workload 1 on the CPU: ref::conv3d (median of 3) and conv3d_cpu_by_voxels (once).
void run_cpu() {
    const Workload& work = workloads[0];
    Tensor5 x(1, 7, work.size, work.size, work.size);
    Tensor5 w(7, 7, work.kernel, work.kernel, work.kernel);
    fill(x.data(), static_cast<std::size_t>(x.size()), 1, 1.0f);
    fill(w.data(), static_cast<std::size_t>(w.size()), 2, 1.0f / std::sqrt(static_cast<float>(w.size() / 7)));
    const Index out = output_size(work.size, work.kernel, work.stride);
    const double flop = 2.0 * 7 * out * out * out * static_cast<double>(w.size() / 7);
    auto seconds = [](const std::function<void()>& f) {
        const auto start = std::chrono::steady_clock::now();
        f();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::vector<double> times;
    Tensor5 y;
    for (int repeat = 0; repeat < 3; ++repeat) times.push_back(seconds([&] { y = ref::conv3d(x, w, {}, work.stride); }));
    std::sort(times.begin(), times.end());
    std::printf("%s on the CPU: %.4g GFLOP\n", work.name, flop * 1e-9);
    std::printf("  %-24s %10.3f s %9.2f GFLOP/s\n", "ref::conv3d", times[1], flop * 1e-9 / times[1]);
    Tensor5 by_voxels;
    const double t = seconds([&] { by_voxels = ch::conv3d_cpu_by_voxels(x, w, {}, work.stride); });
    const float diff = Tensor<0>((by_voxels - y).abs().maximum())();
    std::printf("  %-24s %10.3f s %9.2f GFLOP/s  (max difference %.1e)\n", "conv3d_cpu_by_voxels", t,
                flop * 1e-9 / t, diff);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "--cpu") {
        run_cpu();
        return 0;
    }
    if (!ch::cuda_device_available()) {
        std::printf("conv3d_bench: no CUDA device\n");
        return 1;
    }
    const int only_workload = argc > 1 ? std::atoi(argv[1]) : 0;
    const int only_version = argc > 2 ? std::atoi(argv[2]) : 0;
    cudaDeviceProp prop{};
    CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
    const double peak = fp32_peak_gflops();
    std::printf("%s: FP32 peak %.0f GFLOP/s\n", prop.name, peak);
    for (int i = 0; i < 5; ++i) {
        if (only_workload && i + 1 != only_workload) continue;
        run(workloads[i], only_version, peak);
    }
    return 0;
}
