// Chapter 06 - groups: splitting channels.
// The lesson is chapters/06_groups/README.md; you write groups.cpp.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

namespace convkata::ch06 {

// F.conv2d with groups: x [N, C, H, W], weight [OC, C/groups, KH, KW], bias [OC] -> [N, OC, H_out, W_out].
// Group g reads input channels [g*C/G, (g+1)*C/G) and writes output channels [g*OC/G, (g+1)*OC/G).
Tensor4 conv2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias = {}, Size2 stride = 1,
               const Padding2& padding = 0, Size2 dilation = 1, Index groups = 1);

// A depthwise-separable pair: a depthwise conv (groups = C; depthwise weight [C*M, 1, KH, KW], M outputs per
// input channel) with the given stride and padding, then a pointwise 1x1 conv (pointwise weight [OC, C*M, 1, 1]).
// No biases. x [N, C, H, W] -> [N, OC, H_out, W_out]
Tensor4 depthwise_separable(const Tensor4& x, const Tensor4& depthwise, const Tensor4& pointwise, Size2 stride = 1,
                            const Padding2& padding = 0);

// How many numbers nn.Conv2d(C, OC, kernel, groups=groups, bias=bias) learns: OC * (C/groups) * KH * KW (+ OC).
Index parameter_count(Index in_channels, Index out_channels, Size2 kernel, Index groups, bool bias = true);

}  // namespace convkata::ch06
