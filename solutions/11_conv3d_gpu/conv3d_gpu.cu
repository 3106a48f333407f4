// Chapter 11: Conv3d on the GPU (model solution).
//
// Top to bottom: shapes, flat indices, launch geometry, the per-voxel sum and
// its CPU loop, then four kernels and their launcher:
//   1 naive            one thread per output voxel, everything from global memory
//   2 shared_weights   a block shares one output channel: weights staged in shared memory, chunk by chunk
//   3 shared_tile      a block computes a tile of outputs: the input slab it reads (tile + halo) staged in shared memory
//   4 split_reduction  one block per output voxel: its threads split the taps and reduce in shared memory
#include "conv3d_gpu.hpp"
#include "cuda_support.cuh"

#include "convkata/errors.hpp"

#include <algorithm>
#include <string>

namespace convkata::ch11 {

namespace {

Dims3 dims(const Size3& s) { return {s[0], s[1], s[2]}; }

}  // namespace

// ------------------------------------------------------------ shapes ---

Conv3dParams conv3d_params(const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
                           Size3 padding, Size3 dilation) {
    Conv3dParams p;
    p.batch = x.dimension(0);
    p.in_channels = x.dimension(1);
    p.out_channels = weight.dimension(0);
    p.in = {x.dimension(2), x.dimension(3), x.dimension(4)};
    p.kernel = {weight.dimension(2), weight.dimension(3), weight.dimension(4)};
    p.stride = dims(stride);
    p.padding = dims(padding);
    p.dilation = dims(dilation);
    p.has_bias = bias.has_value();

    if (weight.dimension(1) != p.in_channels) {
        invalid("conv3d", "weight ", shape_string(weight), " expects ", weight.dimension(1),
                " input channels, but the input ", shape_string(x), " has ", p.in_channels);
    }
    if (p.out_channels < 1 || p.kernel.volume() < 1) invalid("conv3d", "weight ", shape_string(weight), " is empty");
    if (bias && bias->dimension(0) != p.out_channels) {
        invalid("conv3d", "bias has ", bias->dimension(0), " elements, expected ", p.out_channels);
    }
    for (int k = 0; k < 3; ++k) {
        if (stride[k] < 1) invalid("conv3d", "stride ", stride.to_string(), " must be positive");
        if (dilation[k] < 1) invalid("conv3d", "dilation ", dilation.to_string(), " must be positive");
        if (padding[k] < 0) invalid("conv3d", "padding ", padding.to_string(), " must be non-negative");
    }
    const ShapeIndex in[3] = {p.in.d, p.in.h, p.in.w};
    const ShapeIndex kernel[3] = {p.kernel.d, p.kernel.h, p.kernel.w};
    ShapeIndex out[3];
    for (int k = 0; k < 3; ++k) {
        if (in[k] + 2 * padding[k] < dilated_kernel_size(kernel[k], dilation[k])) {
            invalid("conv3d", "padded input size ", in[k] + 2 * padding[k], " is smaller than the dilated kernel ",
                    dilated_kernel_size(kernel[k], dilation[k]), " in dimension ", "DHW"[k]);
        }
        out[k] = output_size(in[k], kernel[k], stride[k], padding[k], dilation[k]);
    }
    p.out = {out[0], out[1], out[2]};
    return p;
}

Size3 smallest_kernel_size_for(Size3 in, Size3 out, Size3 stride, Size3 padding, Size3 dilation) {
    Size3 kernel = 1;
    for (int k = 0; k < 3; ++k) {
        if (in[k] < 1 || out[k] < 1 || stride[k] < 1 || dilation[k] < 1 || padding[k] < 0) {
            invalid("smallest_kernel_size_for", "sizes, stride and dilation must be positive and padding non-negative");
        }
        // The output only shrinks as the kernel grows: try them in order.
        const Index padded = in[k] + 2 * padding[k];
        Index found = 0;
        for (Index K = 1; dilated_kernel_size(K, dilation[k]) <= padded; ++K) {
            if (output_size(in[k], K, stride[k], padding[k], dilation[k]) == out[k]) {
                found = K;
                break;
            }
        }
        if (found == 0) {
            invalid("smallest_kernel_size_for", "no kernel maps ", in[k], " to ", out[k], " with stride ", stride[k],
                    ", padding ", padding[k], ", dilation ", dilation[k], " (dimension ", "DHW"[k], ")");
        }
        kernel[k] = found;
    }
    return kernel;
}

// ------------------------------------------------------ flat indices ---

CONVKATA_HD ShapeIndex output_index(ShapeIndex n, ShapeIndex oc, ShapeIndex d, ShapeIndex h, ShapeIndex w,
                                    const Conv3dParams& p) {
    return (((n * p.out_channels + oc) * p.out.d + d) * p.out.h + h) * p.out.w + w;
}

CONVKATA_HD ShapeIndex input_index(ShapeIndex n, ShapeIndex c, ShapeIndex d, ShapeIndex h, ShapeIndex w,
                                   const Conv3dParams& p) {
    return (((n * p.in_channels + c) * p.in.d + d) * p.in.h + h) * p.in.w + w;
}

CONVKATA_HD ShapeIndex weight_index(ShapeIndex oc, ShapeIndex c, ShapeIndex kd, ShapeIndex kh, ShapeIndex kw,
                                    const Conv3dParams& p) {
    return (((oc * p.in_channels + c) * p.kernel.d + kd) * p.kernel.h + kh) * p.kernel.w + kw;
}

CONVKATA_HD Voxel unravel_output(ShapeIndex flat, const Conv3dParams& p) {
    Voxel v;
    v.w = flat % p.out.w;
    flat /= p.out.w;
    v.h = flat % p.out.h;
    flat /= p.out.h;
    v.d = flat % p.out.d;
    flat /= p.out.d;
    v.oc = flat % p.out_channels;
    v.n = flat / p.out_channels;
    return v;
}

std::vector<Index> unravel_index(Index flat, const std::vector<Index>& dims) {
    Index size = 1;
    for (Index d : dims) size *= d;
    if (flat < 0 || flat >= size) {
        invalid("unravel_index", "index ", flat, " is out of bounds for array with size ", size);
    }
    std::vector<Index> index(dims.size());
    for (std::size_t k = dims.size(); k-- > 0;) {
        index[k] = flat % dims[k];
        flat /= dims[k];
    }
    return index;
}

// ---------------------------------------------------- launch geometry ---

LaunchConfig launch_config(ShapeIndex total_outputs, ShapeIndex block_size) {
    if (total_outputs < 1 || block_size < 1) {
        invalid("launch_config", "total_outputs ", total_outputs, " and block_size ", block_size, " must be positive");
    }
    return {(total_outputs + block_size - 1) / block_size, block_size};
}

CONVKATA_HD ShapeIndex thread_output(ShapeIndex block, ShapeIndex thread, ShapeIndex block_size, ShapeIndex total) {
    const ShapeIndex flat = block * block_size + thread;
    return flat < total ? flat : -1;
}

Coverage grid_coverage(const LaunchConfig& config, ShapeIndex total) {
    Coverage coverage;
    coverage.hits.assign(static_cast<std::size_t>(total), 0);
    for (ShapeIndex block = 0; block < config.grid; ++block) {
        for (ShapeIndex thread = 0; thread < config.block; ++thread) {
            const ShapeIndex flat = thread_output(block, thread, config.block, total);
            if (flat < 0) continue;
            if (flat >= total) {
                ++coverage.past_end;
                continue;
            }
            ++coverage.hits[static_cast<std::size_t>(flat)];
        }
    }
    return coverage;
}

CONVKATA_HD ShapeIndex slab_size(ShapeIndex tile, ShapeIndex kernel, ShapeIndex stride, ShapeIndex dilation) {
    // The last output starts (tile - 1) * stride after the first; its window reaches one dilated kernel further.
    return (tile - 1) * stride + dilated_kernel_size(kernel, dilation);
}

// ------------------------------------------------------- the sum ---

CONVKATA_HD float conv3d_voxel(const float* x, const float* weight, const float* bias, const Conv3dParams& p,
                               ShapeIndex flat) {
    const Voxel v = unravel_output(flat, p);
    float sum = bias ? bias[v.oc] : 0.0f;
    for (ShapeIndex c = 0; c < p.in_channels; ++c) {
        for (ShapeIndex kd = 0; kd < p.kernel.d; ++kd) {
            const ShapeIndex d = v.d * p.stride.d - p.padding.d + kd * p.dilation.d;
            if (d < 0 || d >= p.in.d) continue;  // zero padding
            for (ShapeIndex kh = 0; kh < p.kernel.h; ++kh) {
                const ShapeIndex h = v.h * p.stride.h - p.padding.h + kh * p.dilation.h;
                if (h < 0 || h >= p.in.h) continue;
                for (ShapeIndex kw = 0; kw < p.kernel.w; ++kw) {
                    const ShapeIndex w = v.w * p.stride.w - p.padding.w + kw * p.dilation.w;
                    if (w < 0 || w >= p.in.w) continue;
                    sum += x[input_index(v.n, c, d, h, w, p)] * weight[weight_index(v.oc, c, kd, kh, kw, p)];
                }
            }
        }
    }
    return sum;
}

Tensor5 conv3d_cpu_by_voxels(const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
                             Size3 padding, Size3 dilation) {
    const Conv3dParams p = conv3d_params(x, weight, bias, stride, padding, dilation);
    Tensor5 y(p.batch, p.out_channels, p.out.d, p.out.h, p.out.w);
    const float* b = bias ? bias->data() : nullptr;
    for (ShapeIndex flat = 0; flat < p.output_count(); ++flat) {
        y.data()[flat] = conv3d_voxel(x.data(), weight.data(), b, p, flat);
    }
    return y;
}

// ------------------------------------------------------- the kernels ---

namespace {

constexpr int block_size = 256;
// Kernel 2: weights staged this many at a time (16 KiB of shared memory).
constexpr int weight_chunk = 4096;
// Kernel 3: the input slab may use up to this much shared memory (the default limit).
constexpr std::size_t tile_bytes = 48 * 1024;

// Kernel 1: one thread per output voxel; every read goes to global memory.
__global__ void conv3d_kernel1_naive(const float* x, const float* weight, const float* bias, float* y,
                                     Conv3dParams p) {
    const ShapeIndex flat = thread_output(blockIdx.x, threadIdx.x, blockDim.x, p.output_count());
    if (flat < 0) return;
    y[flat] = conv3d_voxel(x, weight, bias, p, flat);
}

// Kernel 2: blockIdx.y is one (n, oc); its threads walk the same weights in
// the same order, so each chunk is read from global memory once per block.
// No early return: every thread must reach __syncthreads.
__global__ void conv3d_kernel2_shared(const float* x, const float* weight, const float* bias, float* y,
                                      Conv3dParams p) {
    __shared__ float w_chunk[weight_chunk];
    const ShapeIndex n = blockIdx.y / p.out_channels;
    const ShapeIndex oc = blockIdx.y % p.out_channels;
    const ShapeIndex spatial = thread_output(blockIdx.x, threadIdx.x, blockDim.x, p.out.volume());
    const bool active = spatial >= 0;
    const ShapeIndex od = active ? spatial / (p.out.h * p.out.w) : 0;
    const ShapeIndex oh = active ? spatial / p.out.w % p.out.h : 0;
    const ShapeIndex ow = active ? spatial % p.out.w : 0;

    const ShapeIndex per_channel = p.kernel.volume();
    const float* w_oc = weight + weight_index(oc, 0, 0, 0, 0, p);
    float sum = 0.0f;
    for (ShapeIndex start = 0; start < p.taps(); start += weight_chunk) {
        const ShapeIndex count = p.taps() - start < weight_chunk ? p.taps() - start : weight_chunk;
        __syncthreads();  // the previous chunk is no longer read
        for (ShapeIndex t = threadIdx.x; t < count; t += blockDim.x) w_chunk[t] = w_oc[start + t];
        __syncthreads();
        if (!active) continue;
        for (ShapeIndex t = 0; t < count; ++t) {
            const ShapeIndex tap = start + t;  // (c, kd, kh, kw), kw fastest
            const ShapeIndex c = tap / per_channel;
            const ShapeIndex kd = tap / (p.kernel.h * p.kernel.w) % p.kernel.d;
            const ShapeIndex kh = tap / p.kernel.w % p.kernel.h;
            const ShapeIndex kw = tap % p.kernel.w;
            const ShapeIndex d = od * p.stride.d - p.padding.d + kd * p.dilation.d;
            const ShapeIndex h = oh * p.stride.h - p.padding.h + kh * p.dilation.h;
            const ShapeIndex w = ow * p.stride.w - p.padding.w + kw * p.dilation.w;
            if (d < 0 || d >= p.in.d || h < 0 || h >= p.in.h || w < 0 || w >= p.in.w) continue;
            sum += x[input_index(n, c, d, h, w, p)] * w_chunk[t];
        }
    }
    if (active) y[output_index(n, oc, od, oh, ow, p)] = sum + (bias ? bias[oc] : 0.0f);
}

// Kernel 3: a block computes a tile x tile patch of outputs (H, W) at one
// output depth (blockIdx.y) for one (n, oc) (blockIdx.z). For each input
// channel and kernel depth it stages the 2-D input slab the patch reads, halo
// included, in shared memory (padding stored as zeros), then every thread
// reads its window from there.
__global__ void conv3d_kernel3_tile(const float* x, const float* weight, const float* bias, float* y,
                                    Conv3dParams p, int tile) {
    float* slab = dynamic_shared<float>();
    const ShapeIndex tiles_w = (p.out.w + tile - 1) / tile;
    const ShapeIndex h0 = blockIdx.x / tiles_w * tile;
    const ShapeIndex w0 = blockIdx.x % tiles_w * tile;
    const ShapeIndex od = blockIdx.y;
    const ShapeIndex n = blockIdx.z / p.out_channels;
    const ShapeIndex oc = blockIdx.z % p.out_channels;
    const ShapeIndex oh = h0 + threadIdx.x / tile;
    const ShapeIndex ow = w0 + threadIdx.x % tile;
    const bool active = oh < p.out.h && ow < p.out.w;

    const ShapeIndex slab_h = slab_size(tile, p.kernel.h, p.stride.h, p.dilation.h);
    const ShapeIndex slab_w = slab_size(tile, p.kernel.w, p.stride.w, p.dilation.w);
    const ShapeIndex top = h0 * p.stride.h - p.padding.h;  // input row of slab row 0
    const ShapeIndex left = w0 * p.stride.w - p.padding.w;
    float sum = 0.0f;
    for (ShapeIndex c = 0; c < p.in_channels; ++c) {
        for (ShapeIndex kd = 0; kd < p.kernel.d; ++kd) {
            const ShapeIndex d = od * p.stride.d - p.padding.d + kd * p.dilation.d;
            if (d < 0 || d >= p.in.d) continue;  // the same for the whole block: no divergence at the barriers
            __syncthreads();
            for (ShapeIndex i = threadIdx.x; i < slab_h * slab_w; i += blockDim.x) {
                const ShapeIndex h = top + i / slab_w;
                const ShapeIndex w = left + i % slab_w;
                const bool inside = h >= 0 && h < p.in.h && w >= 0 && w < p.in.w;
                slab[i] = inside ? x[input_index(n, c, d, h, w, p)] : 0.0f;
            }
            __syncthreads();
            if (!active) continue;
            const ShapeIndex row0 = (oh - h0) * p.stride.h;
            const ShapeIndex col0 = (ow - w0) * p.stride.w;
            for (ShapeIndex kh = 0; kh < p.kernel.h; ++kh) {
                for (ShapeIndex kw = 0; kw < p.kernel.w; ++kw) {
                    sum += slab[(row0 + kh * p.dilation.h) * slab_w + col0 + kw * p.dilation.w] *
                           weight[weight_index(oc, c, kd, kh, kw, p)];
                }
            }
        }
    }
    if (active) y[output_index(n, oc, od, oh, ow, p)] = sum + (bias ? bias[oc] : 0.0f);
}

// Kernel 4: one block per output voxel. With a kernel of 100^3 and few
// outputs, one thread per output leaves most of the GPU idle and makes each
// thread sum millions of products alone; here the block's threads split the
// taps, and a tree in shared memory adds their partial sums.
__global__ void conv3d_kernel4_split(const float* x, const float* weight, const float* bias, float* y,
                                     Conv3dParams p) {
    __shared__ float partial[block_size];
    const ShapeIndex flat = blockIdx.x;
    if (flat >= p.output_count()) return;  // the whole block leaves together
    const Voxel v = unravel_output(flat, p);
    const ShapeIndex per_channel = p.kernel.volume();
    float sum = 0.0f;
    for (ShapeIndex tap = threadIdx.x; tap < p.taps(); tap += blockDim.x) {
        const ShapeIndex c = tap / per_channel;
        const ShapeIndex kd = tap / (p.kernel.h * p.kernel.w) % p.kernel.d;
        const ShapeIndex kh = tap / p.kernel.w % p.kernel.h;
        const ShapeIndex kw = tap % p.kernel.w;
        const ShapeIndex d = v.d * p.stride.d - p.padding.d + kd * p.dilation.d;
        const ShapeIndex h = v.h * p.stride.h - p.padding.h + kh * p.dilation.h;
        const ShapeIndex w = v.w * p.stride.w - p.padding.w + kw * p.dilation.w;
        if (d < 0 || d >= p.in.d || h < 0 || h >= p.in.h || w < 0 || w >= p.in.w) continue;
        sum += x[input_index(v.n, c, d, h, w, p)] * weight[weight_index(v.oc, c, kd, kh, kw, p)];
    }
    partial[threadIdx.x] = sum;
    for (unsigned int half = blockDim.x / 2; half > 0; half /= 2) {
        __syncthreads();
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    }
    if (threadIdx.x == 0) y[flat] = partial[0] + (bias ? bias[v.oc] : 0.0f);
}

// The largest square tile whose input slab fits in kernel 3's shared memory, or 0.
int tile_for(const Conv3dParams& p) {
    for (int tile : {16, 8, 4, 2, 1}) {
        const ShapeIndex floats = slab_size(tile, p.kernel.h, p.stride.h, p.dilation.h) *
                                  slab_size(tile, p.kernel.w, p.stride.w, p.dilation.w);
        if (static_cast<std::size_t>(floats) * sizeof(float) <= tile_bytes) return tile;
    }
    return 0;
}

constexpr ShapeIndex max_grid_yz = 65535;

}  // namespace

void launch_conv3d(int version, const float* x, const float* weight, const float* bias, float* y,
                   const Conv3dParams& p) {
    const ShapeIndex total = p.output_count();
    if (total == 0) return;
    const ShapeIndex channels = p.batch * p.out_channels;
    switch (version) {
        case naive: {
            const LaunchConfig config = launch_config(total, block_size);
            launch(conv3d_kernel1_naive, config.grid, config.block)(x, weight, bias, y, p);
            break;
        }
        case shared_weights: {
            if (channels > max_grid_yz) invalid("conv3d kernel 2", "N*OC = ", channels, " blocks exceed the grid");
            const LaunchConfig config = launch_config(p.out.volume(), block_size);
            launch(conv3d_kernel2_shared, dim3(config.grid, channels), config.block)(x, weight, bias, y, p);
            break;
        }
        case shared_tile: {
            const int tile = tile_for(p);
            if (tile == 0) {
                invalid("conv3d kernel 3", "the input slab of kernel ", p.kernel.h, "x", p.kernel.w,
                        " does not fit in shared memory; use kernel 4");
            }
            if (channels > max_grid_yz || p.out.d > max_grid_yz) invalid("conv3d kernel 3", "too many blocks");
            const ShapeIndex tiles = ((p.out.h + tile - 1) / tile) * ((p.out.w + tile - 1) / tile);
            const std::size_t shared = static_cast<std::size_t>(slab_size(tile, p.kernel.h, p.stride.h, p.dilation.h) *
                                                                slab_size(tile, p.kernel.w, p.stride.w, p.dilation.w)) *
                                       sizeof(float);
            launch(conv3d_kernel3_tile, dim3(tiles, p.out.d, channels), tile * tile, shared)(x, weight, bias, y, p,
                                                                                             tile);
            break;
        }
        case split_reduction:
            launch(conv3d_kernel4_split, total, block_size)(x, weight, bias, y, p);
            break;
        default:
            invalid("conv3d_gpu", "no kernel version ", version, " (1 to 4)");
    }
    CONVKATA_CUDA(cudaGetLastError());
    CONVKATA_CUDA(cudaDeviceSynchronize());
}

}  // namespace convkata::ch11
