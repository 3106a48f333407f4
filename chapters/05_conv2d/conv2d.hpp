// Chapter 05 - conv2d: two spatial dimensions.
// The lesson is chapters/05_conv2d/README.md; you write conv2d.cpp.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

#include <array>
#include <vector>

namespace convkata::ch05 {

// F.conv2d without groups: x [N, C, H, W], weight [OC, C, KH, KW], bias [OC] -> [N, OC, H_out, W_out]
// Each spatial dimension has its own stride, padding (zeros, or "same"/"valid") and dilation:
//   H_out = floor((H + 2*padding[0] - dilation[0]*(KH-1) - 1) / stride[0]) + 1, and the same for W with [1].
Tensor4 conv2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias = {}, Size2 stride = 1,
               const Padding2& padding = 0, Size2 dilation = 1);

// One conv layer of a stack, for shape tracing.
struct Conv2dLayer {
    Index out_channels = 1;
    Size2 kernel = 1;
    Size2 stride = 1;
    Size2 padding = 0;
    Size2 dilation = 1;
};
// The shapes [C, H, W] through a stack: shapes[0] is the input, shapes[i] the output of layer i-1.
// broken_layer is the index (0-based) of the first layer whose (dilated) kernel does not fit its padded input
// (the trace stops there), or -1 when every layer works.
struct ShapeTrace {
    std::vector<std::array<Index, 3>> shapes;
    Index broken_layer = -1;
};
ShapeTrace trace_shapes(std::array<Index, 3> input, const std::vector<Conv2dLayer>& layers);

// How many numbers nn.Conv2d(in_channels, out_channels, kernel, bias=bias) learns: OC*C*KH*KW (+ OC).
Index conv2d_parameter_count(Index in_channels, Index out_channels, Size2 kernel, bool bias = true);
// ... and nn.Linear(in_features, out_features, bias=bias): out*in (+ out).
Index dense_parameter_count(Index in_features, Index out_features, bool bias = true);

}  // namespace convkata::ch05
