// Chapter 11: Conv3d on the GPU.
//
// Everything a kernel needs is here as plain __host__ __device__ arithmetic,
// so that the CPU tests can check it without a GPU: the shape of the call
// (Conv3dParams), the flat index of every tensor, which output each thread of
// the launch grid computes, and the sum for one output voxel.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace convkata {

// Thrown by the GPU launchers when the machine has no usable CUDA device.
class gpu_unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace convkata

namespace convkata::ch11 {

// One size per spatial dimension, in PyTorch's order (D, H, W).
struct Dims3 {
    ShapeIndex d = 1;
    ShapeIndex h = 1;
    ShapeIndex w = 1;
    CONVKATA_HD constexpr ShapeIndex volume() const { return d * h * w; }
    friend bool operator==(const Dims3&, const Dims3&) = default;
};

// One conv3d call as plain numbers, passed to a kernel by value (ggml's
// conv2d params): input [batch, in_channels, in.d, in.h, in.w],
// weight [out_channels, in_channels, kernel.d, kernel.h, kernel.w],
// output [batch, out_channels, out.d, out.h, out.w].
struct Conv3dParams {
    ShapeIndex batch = 0;
    ShapeIndex in_channels = 0;
    ShapeIndex out_channels = 0;
    Dims3 in, kernel, out, stride, padding, dilation;
    bool has_bias = false;

    CONVKATA_HD constexpr ShapeIndex output_count() const { return batch * out_channels * out.volume(); }
    // Multiply-adds for one output voxel: one per weight of its output channel.
    CONVKATA_HD constexpr ShapeIndex taps() const { return in_channels * kernel.volume(); }
};

// An output coordinate (n, oc, d, h, w).
struct Voxel {
    ShapeIndex n = 0, oc = 0, d = 0, h = 0, w = 0;
    friend bool operator==(const Voxel&, const Voxel&) = default;
};

// A 1-D launch: `grid` blocks of `block` threads.
struct LaunchConfig {
    ShapeIndex grid = 0;
    ShapeIndex block = 0;
};

// What a launch grid does with `total` outputs, counted on the CPU.
struct Coverage {
    std::vector<int> hits;     // hits[i]: how many threads compute output i
    ShapeIndex past_end = 0;   // threads that would write at an index >= total
};

// ------------------------------------------------------------ shapes ---

// x [N,C,D,H,W], weight [OC,C,KD,KH,KW], bias [OC] -> the call's Conv3dParams
// (output size per dimension with shape.hpp's output_size); refuses what
// F.conv3d refuses (groups=1, numeric padding only).
Conv3dParams conv3d_params(const Tensor5& x, const Tensor5& weight, const OptionalBias& bias = {},
                           Size3 stride = 1, Size3 padding = 0, Size3 dilation = 1);

// The smallest kernel, per dimension, that maps `in` to `out`:
// output_size(in, K, stride, padding, dilation) == out, that is the first of
// chapter 04's kernel_size_for list. Refuses when that list is empty.
Size3 smallest_kernel_size_for(Size3 in, Size3 out, Size3 stride = 1, Size3 padding = 0, Size3 dilation = 1);

// ------------------------------------------------------ flat indices ---

// Row-major offsets, W fastest, as in a contiguous torch tensor.
CONVKATA_HD ShapeIndex output_index(ShapeIndex n, ShapeIndex oc, ShapeIndex d, ShapeIndex h, ShapeIndex w,
                                    const Conv3dParams& p);
CONVKATA_HD ShapeIndex input_index(ShapeIndex n, ShapeIndex c, ShapeIndex d, ShapeIndex h, ShapeIndex w,
                                   const Conv3dParams& p);
CONVKATA_HD ShapeIndex weight_index(ShapeIndex oc, ShapeIndex c, ShapeIndex kd, ShapeIndex kh, ShapeIndex kw,
                                    const Conv3dParams& p);
// The inverse of output_index: flat in [0, output_count()) -> (n, oc, d, h, w).
CONVKATA_HD Voxel unravel_output(ShapeIndex flat, const Conv3dParams& p);

// numpy.unravel_index: flat -> one index per dimension of `dims`.
std::vector<Index> unravel_index(Index flat, const std::vector<Index>& dims);

// ---------------------------------------------------- launch geometry ---

// Enough blocks of `block_size` threads for `total_outputs` threads.
LaunchConfig launch_config(ShapeIndex total_outputs, ShapeIndex block_size);

// The output that thread `thread` of block `block` computes, or -1 for a
// thread past the end (it must do nothing).
CONVKATA_HD ShapeIndex thread_output(ShapeIndex block, ShapeIndex thread, ShapeIndex block_size, ShapeIndex total);

// Every thread of the launch, enumerated on the CPU with thread_output.
Coverage grid_coverage(const LaunchConfig& config, ShapeIndex total);

// Kernel 3's input slab along one dimension: the input a tile of `tile`
// consecutive outputs reads, the tile's own rows plus the halo the (dilated)
// kernel reaches past its last output.
CONVKATA_HD ShapeIndex slab_size(ShapeIndex tile, ShapeIndex kernel, ShapeIndex stride, ShapeIndex dilation);

// ------------------------------------------------------- the sum ---

// One output voxel: bias + sum over c, kd, kh, kw of input * weight, with
// padding read as zeros. x, weight: flat, as indexed above; bias may be null.
CONVKATA_HD float conv3d_voxel(const float* x, const float* weight, const float* bias, const Conv3dParams& p,
                               ShapeIndex flat);

// x [N,C,D,H,W], weight [OC,C,KD,KH,KW], bias [OC] -> [N,OC,D_out,H_out,W_out],
// conv3d_voxel for every output, on the CPU.
Tensor5 conv3d_cpu_by_voxels(const Tensor5& x, const Tensor5& weight, const OptionalBias& bias = {},
                             Size3 stride = 1, Size3 padding = 0, Size3 dilation = 1);

// ------------------------------------------------------- the GPU ---

// Versions of the kernel, in the order of the lesson.
enum Kernel : int { naive = 1, shared_weights = 2, shared_tile = 3, split_reduction = 4 };

// Is there a CUDA device this program can use?
bool cuda_device_available();

// Launch kernel `version` on device pointers (x, weight, bias as flat above,
// bias may be null; y has output_count() floats) and wait for it.
void launch_conv3d(int version, const float* x, const float* weight, const float* bias, float* y,
                   const Conv3dParams& p);

// x [N,C,D,H,W], weight [OC,C,KD,KH,KW], bias [OC] -> [N,OC,D_out,H_out,W_out]
// with kernel `version`, copying to and from the device.
// Throws convkata::gpu_unavailable when there is no device.
Tensor5 conv3d_gpu(int version, const Tensor5& x, const Tensor5& weight, const OptionalBias& bias = {},
                   Size3 stride = 1, Size3 padding = 0, Size3 dilation = 1);

}  // namespace convkata::ch11
