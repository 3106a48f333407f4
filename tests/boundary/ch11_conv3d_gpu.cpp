// Chapter 11's functions across the grading boundary (remote.hpp).
#include "conv3d_gpu.hpp"
#include "remote.hpp"

namespace ch11 = convkata::ch11;
KATA_FIELDS(ch11::Dims3, t.d, t.h, t.w);
KATA_FIELDS(ch11::Conv3dParams, t.batch, t.in_channels, t.out_channels, t.in, t.kernel, t.out, t.stride, t.padding,
            t.dilation, t.has_bias);
KATA_FIELDS(ch11::Voxel, t.n, t.oc, t.d, t.h, t.w);
KATA_FIELDS(ch11::LaunchConfig, t.grid, t.block);
KATA_FIELDS(ch11::Coverage, t.hits, t.past_end);

namespace convkata::ch11 {
KATA_REMOTE_EXCEPTION(convkata::gpu_unavailable)

KATA_REMOTE(Conv3dParams, conv3d_params,
            (const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride, Size3 padding,
             Size3 dilation),
            (x, weight, bias, stride, padding, dilation))
KATA_REMOTE(Size3, smallest_kernel_size_for, (Size3 in, Size3 out, Size3 stride, Size3 padding, Size3 dilation),
            (in, out, stride, padding, dilation))
KATA_REMOTE(ShapeIndex, output_index,
            (ShapeIndex n, ShapeIndex oc, ShapeIndex d, ShapeIndex h, ShapeIndex w, const Conv3dParams& p),
            (n, oc, d, h, w, p))
KATA_REMOTE(ShapeIndex, input_index,
            (ShapeIndex n, ShapeIndex c, ShapeIndex d, ShapeIndex h, ShapeIndex w, const Conv3dParams& p),
            (n, c, d, h, w, p))
KATA_REMOTE(ShapeIndex, weight_index,
            (ShapeIndex oc, ShapeIndex c, ShapeIndex kd, ShapeIndex kh, ShapeIndex kw, const Conv3dParams& p),
            (oc, c, kd, kh, kw, p))
KATA_REMOTE(Voxel, unravel_output, (ShapeIndex flat, const Conv3dParams& p), (flat, p))
KATA_REMOTE(std::vector<Index>, unravel_index, (Index flat, const std::vector<Index>& dims), (flat, dims))
KATA_REMOTE(LaunchConfig, launch_config, (ShapeIndex total_outputs, ShapeIndex block_size), (total_outputs, block_size))
KATA_REMOTE(ShapeIndex, thread_output, (ShapeIndex block, ShapeIndex thread, ShapeIndex block_size, ShapeIndex total),
            (block, thread, block_size, total))
KATA_REMOTE(Coverage, grid_coverage, (const LaunchConfig& config, ShapeIndex total), (config, total))
KATA_REMOTE(ShapeIndex, slab_size, (ShapeIndex tile, ShapeIndex kernel, ShapeIndex stride, ShapeIndex dilation),
            (tile, kernel, stride, dilation))
KATA_REMOTE(Tensor5, conv3d_cpu_by_voxels,
            (const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride, Size3 padding,
             Size3 dilation),
            (x, weight, bias, stride, padding, dilation))
KATA_REMOTE(bool, cuda_device_available, (), ())
KATA_REMOTE(Tensor5, conv3d_gpu,
            (int version, const Tensor5& x, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
             Size3 padding, Size3 dilation),
            (version, x, weight, bias, stride, padding, dilation))

// conv3d_voxel reads raw buffers: their contents cross, sized by p (the
// input, the weight, and the bias when there is one).
using Floats = std::vector<float>;
#ifdef KATA_BOUNDARY_SERVER
namespace {
float conv3d_voxel_of(const Floats& x, const Floats& weight, const std::optional<Floats>& bias, const Conv3dParams& p,
                      ShapeIndex flat) {
    return conv3d_voxel(x.data(), weight.data(), bias ? bias->data() : nullptr, p, flat);
}
[[maybe_unused]] const bool voxel_enrolled = ::kata::boundary::enrol("conv3d_voxel", &conv3d_voxel_of);
}  // namespace
#else
float conv3d_voxel(const float* x, const float* weight, const float* bias, const Conv3dParams& p, ShapeIndex flat) {
    const auto count = [](ShapeIndex n) { return static_cast<std::size_t>(std::max<ShapeIndex>(n, 0)); };
    const Floats xs(x, x + count(p.batch * p.in_channels * p.in.volume()));
    const Floats ws(weight, weight + count(p.out_channels * p.in_channels * p.kernel.volume()));
    std::optional<Floats> bs;
    if (bias) bs.emplace(bias, bias + count(p.out_channels));
    return ::kata::boundary::call<float>("conv3d_voxel", xs, ws, bs, p, flat);
}
#endif
}  // namespace convkata::ch11
