// Chapter 06's functions across the grading boundary (remote.hpp).
#include "groups.hpp"
#include "remote.hpp"

namespace convkata::ch06 {
KATA_REMOTE(Tensor4, conv2d,
            (const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride, const Padding2& padding,
             Size2 dilation, Index groups),
            (x, weight, bias, stride, padding, dilation, groups))
KATA_REMOTE(Tensor4, depthwise_separable,
            (const Tensor4& x, const Tensor4& depthwise, const Tensor4& pointwise, Size2 stride,
             const Padding2& padding),
            (x, depthwise, pointwise, stride, padding))
KATA_REMOTE(Index, parameter_count, (Index in_channels, Index out_channels, Size2 kernel, Index groups, bool bias),
            (in_channels, out_channels, kernel, groups, bias))
}  // namespace convkata::ch06
