// Chapter 05's functions across the grading boundary (remote.hpp).
#include "conv2d.hpp"
#include "remote.hpp"

KATA_FIELDS(convkata::ch05::Conv2dLayer, t.out_channels, t.kernel, t.stride, t.padding, t.dilation);
KATA_FIELDS(convkata::ch05::ShapeTrace, t.shapes, t.broken_layer);

namespace convkata::ch05 {
KATA_REMOTE(Tensor4, conv2d,
            (const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride, const Padding2& padding,
             Size2 dilation),
            (x, weight, bias, stride, padding, dilation))
KATA_REMOTE(ShapeTrace, trace_shapes, (std::array<Index, 3> input, const std::vector<Conv2dLayer>& layers),
            (input, layers))
KATA_REMOTE(Index, conv2d_parameter_count, (Index in_channels, Index out_channels, Size2 kernel, bool bias),
            (in_channels, out_channels, kernel, bias))
KATA_REMOTE(Index, dense_parameter_count, (Index in_features, Index out_features, bool bias),
            (in_features, out_features, bias))
}  // namespace convkata::ch05
