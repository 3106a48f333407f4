// Chapter 05 - conv2d: two spatial dimensions.
//
// Read chapters/05_conv2d/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 5
// Stuck? Ask for a hint:                           ./kata hint 5
#include "conv2d.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch05 {

Tensor4 conv2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
               const Padding2& padding, Size2 dilation) {
    // TODO: y[n, o, oh, ow] = bias[o] + sum over c, kh, kw of
    //           xp[n, c, oh*stride[0] + kh*dilation[0], ow*stride[1] + kw*dilation[1]] * weight[o, c, kh, kw]
    //       where xp is x with zeros around it: padding[0] rows above and below, padding[1] columns left
    //       and right ("valid": none; "same": dilation*(K-1) in total per dimension, the odd one after).
    //       H_out = floor((H + top + bottom - dilation[0]*(KH-1) - 1) / stride[0]) + 1, W_out likewise with [1].
    //       Index 0 of stride, padding and dilation is H, index 1 is W; the weight is [OC, C, KH, KW].
    //       Refuse with convkata::invalid("conv2d", ...), naming the numbers: a stride or dilation below 1,
    //       negative padding, "same" with a stride other than 1 (print a Size2 or Padding2 with .to_string(),
    //       which gives "(1, 0)"), weight channels != x channels, a bias whose length is not OC, and a dilated
    //       kernel larger than the padded input (say which dimension, "height (H)" or "width (W)", and both
    //       sizes).
    throw not_implemented("05_conv2d", "conv2d");
}

ShapeTrace trace_shapes(std::array<Index, 3> input, const std::vector<Conv2dLayer>& layers) {
    // TODO: shapes[0] = input; for each layer, [out_channels, H_out, W_out] from the previous shape, with the
    //       layer's kernel, stride, padding and dilation per dimension. At the first layer whose dilated
    //       kernel is larger than its padded input (in H or in W), set broken_layer to its index and stop.
    //       Refuse with convkata::invalid("trace_shapes", ...): an input size below 1, and any layer (even
    //       one after the broken layer) with out_channels, kernel, stride or dilation below 1 or a negative
    //       padding; name the layer ("layer 2") and its numbers.
    throw not_implemented("05_conv2d", "trace_shapes");
}

Index conv2d_parameter_count(Index in_channels, Index out_channels, Size2 kernel, bool bias) {
    // TODO: the weight [OC, C, KH, KW], plus one bias per output channel if bias is true.
    //       Refuse (convkata::invalid("conv2d_parameter_count", ...)) any size below 1.
    throw not_implemented("05_conv2d", "conv2d_parameter_count");
}

Index dense_parameter_count(Index in_features, Index out_features, bool bias) {
    // TODO: nn.Linear's weight [out_features, in_features], plus one bias per output if bias is true.
    //       Refuse (convkata::invalid("dense_parameter_count", ...)) a count below 1.
    throw not_implemented("05_conv2d", "dense_parameter_count");
}

}  // namespace convkata::ch05
