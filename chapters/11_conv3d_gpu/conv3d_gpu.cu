// Chapter 11: Conv3d on the GPU.
//
// Write the functions declared in conv3d_gpu.hpp, top to bottom: shapes, flat
// indices, launch geometry, the per-voxel sum and its CPU loop, then the four
// kernels and launch_conv3d. Everything is checked on the CPU (this file is
// compiled for it too; see "Launching" in the lesson), the kernels on a GPU
// as well where there is one. The lesson: chapters/11_conv3d_gpu/README.md.
// Test with `./kata test 11`; stuck? `./kata hint 11`.
#include "conv3d_gpu.hpp"
#include "cuda_support.cuh"

#include "convkata/errors.hpp"

#include <string>

namespace convkata::ch11 {

// A kernel has no exceptions: an unwritten function reached on the GPU stops the kernel.
#if defined(__CUDA_ARCH__)
#define KATA_TODO(function) __trap()
#else
#define KATA_TODO(function) throw not_implemented("11_conv3d_gpu", function)
#endif

// ------------------------------------------------------------ shapes ---

Conv3dParams conv3d_params(const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
                           Size3 padding, Size3 dilation) {
    // TODO: fill a Conv3dParams from the shapes and arguments (stride[0] is D,
    // [1] H, [2] W); out per dimension with output_size from shape.hpp. First
    // refuse with invalid("conv3d", ...) a weight whose channels differ from
    // x's, a bias without OC elements, stride or dilation < 1, padding < 0,
    // and a dilated kernel longer than the padded input.
    KATA_TODO("conv3d_params");
}

Size3 smallest_kernel_size_for(Size3 in, Size3 out, Size3 stride, Size3 padding, Size3 dilation) {
    // TODO: per dimension, the smallest K >= 1 with
    // output_size(in, K, stride, padding, dilation) == out; refuse with
    // invalid("smallest_kernel_size_for", ...) naming in and out when there is none.
    KATA_TODO("smallest_kernel_size_for");
}

// ------------------------------------------------------ flat indices ---

CONVKATA_HD ShapeIndex output_index(ShapeIndex n, ShapeIndex oc, ShapeIndex d, ShapeIndex h, ShapeIndex w,
                                    const Conv3dParams& p) {
    // TODO: the row-major offset of y(n, oc, d, h, w) in [N, OC, p.out.d, p.out.h, p.out.w].
    KATA_TODO("output_index");
}

CONVKATA_HD ShapeIndex input_index(ShapeIndex n, ShapeIndex c, ShapeIndex d, ShapeIndex h, ShapeIndex w,
                                   const Conv3dParams& p) {
    // TODO: the offset of x(n, c, d, h, w) in [N, C, p.in.d, p.in.h, p.in.w].
    KATA_TODO("input_index");
}

CONVKATA_HD ShapeIndex weight_index(ShapeIndex oc, ShapeIndex c, ShapeIndex kd, ShapeIndex kh, ShapeIndex kw,
                                    const Conv3dParams& p) {
    // TODO: the offset of weight(oc, c, kd, kh, kw) in [OC, C, p.kernel.d, p.kernel.h, p.kernel.w].
    KATA_TODO("weight_index");
}

CONVKATA_HD Voxel unravel_output(ShapeIndex flat, const Conv3dParams& p) {
    // TODO: undo output_index: peel w, h, d, oc off `flat` with % and /, W first.
    KATA_TODO("unravel_output");
}

std::vector<Index> unravel_index(Index flat, const std::vector<Index>& dims) {
    // TODO: numpy's unravel_index for a C-order array of shape `dims`; refuse
    // with invalid("unravel_index", "index ", flat, " is out of bounds for array with size ", size).
    KATA_TODO("unravel_index");
}

// ---------------------------------------------------- launch geometry ---

LaunchConfig launch_config(ShapeIndex total_outputs, ShapeIndex block_size) {
    // TODO: {grid, block_size} with grid = the number of blocks needed for
    // total_outputs threads (round up); refuse sizes < 1 with invalid("launch_config", ...).
    KATA_TODO("launch_config");
}

CONVKATA_HD ShapeIndex thread_output(ShapeIndex block, ShapeIndex thread, ShapeIndex block_size, ShapeIndex total) {
    // TODO: the flat output of this thread, or -1 when it is past `total`.
    KATA_TODO("thread_output");
}

Coverage grid_coverage(const LaunchConfig& config, ShapeIndex total) {
    // TODO: hits of size total, all 0; for every block and thread of the
    // grid ask thread_output: -1 does nothing, an index >= total counts in
    // past_end, any other adds one to its hits.
    KATA_TODO("grid_coverage");
}

CONVKATA_HD ShapeIndex slab_size(ShapeIndex tile, ShapeIndex kernel, ShapeIndex stride, ShapeIndex dilation) {
    // TODO: from the first input the first output of the tile reads to the
    // last input the last output reads, inclusive (see "Kernel 3" in the lesson).
    KATA_TODO("slab_size");
}

// ------------------------------------------------------- the sum ---

CONVKATA_HD float conv3d_voxel(const float* x, const float* weight, const float* bias, const Conv3dParams& p,
                               ShapeIndex flat) {
    // TODO: unravel `flat`; start from bias[oc] (or 0 when bias is null); add
    // x * weight over c, kd, kh, kw, with input position
    // out * stride - padding + k * dilation per dimension, skipping positions
    // outside the input (they are the zero padding).
    KATA_TODO("conv3d_voxel");
}

Tensor5 conv3d_cpu_by_voxels(const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
                             Size3 padding, Size3 dilation) {
    // TODO: params with conv3d_params; an output tensor of their shape; every
    // flat output from conv3d_voxel (bias->data() or nullptr).
    KATA_TODO("conv3d_cpu_by_voxels");
}

// ------------------------------------------------------- the kernels ---

// Kernel 1: one thread per output voxel (thread_output, then conv3d_voxel).
__global__ void conv3d_kernel1_naive(const float* x, const float* weight, const float* bias, float* y,
                                     Conv3dParams p) {
    // TODO: see the lesson, "Kernel 1".
}

// Kernel 2: one (n, oc) per blockIdx.y; its weights staged in shared memory, chunk by chunk.
__global__ void conv3d_kernel2_shared(const float* x, const float* weight, const float* bias, float* y,
                                      Conv3dParams p) {
    // TODO: see the lesson, "Kernel 2".
}

// Kernel 3: a tile of outputs per block; the input slab it reads, halo included, in shared memory.
__global__ void conv3d_kernel3_tile(const float* x, const float* weight, const float* bias, float* y,
                                    Conv3dParams p, int tile) {
    // TODO: see the lesson, "Kernel 3".
}

// Kernel 4: one block per output voxel; its threads split the taps and reduce in shared memory.
__global__ void conv3d_kernel4_split(const float* x, const float* weight, const float* bias, float* y,
                                     Conv3dParams p) {
    // TODO: see the lesson, "Kernel 4".
}

void launch_conv3d(int version, const float* x, const float* weight, const float* bias, float* y,
                   const Conv3dParams& p) {
    // TODO: launch kernel `version` (1 to 4) with its grid, as
    // launch(kernel, grid, block, shared_bytes)(args...), then check
    // cudaGetLastError() and cudaDeviceSynchronize() with CONVKATA_CUDA.
    // Refuse other versions with invalid("conv3d_gpu", ...).
    KATA_TODO("launch_conv3d");
}

}  // namespace convkata::ch11
