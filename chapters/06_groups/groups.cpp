// Chapter 06 - groups: splitting channels.
//
// Read chapters/06_groups/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 6
// Stuck? Ask for a hint:                           ./kata hint 6
#include "groups.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch06 {

Tensor4 conv2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
               const Padding2& padding, Size2 dilation, Index groups) {
    // TODO: with G = groups, Cg = C/G and OCg = OC/G, output channel o belongs to group g = o / OCg and
    //       y[n, o, i, j] = bias[o] + sum over c < Cg, kh, kw of
    //                       xp[n, g*Cg + c, i*stride[0] + kh*dilation[0], j*stride[1] + kw*dilation[1]]
    //                       * weight[o, c, kh, kw]
    //       where xp is x with zero padding (padding.amount() on each side; "same": dilation*(K-1) in total
    //       per dimension, the odd element after; "valid": none), and
    //       H_out = floor((H + pad_top + pad_bottom - dilation[0]*(KH-1) - 1) / stride[0]) + 1 (W the same way).
    //       Refuse with convkata::invalid("conv2d", ...), naming the numbers: groups < 1; OC not divisible by
    //       groups; C not divisible by groups; weight.dimension(1) != C/groups (name both numbers); a bias
    //       whose length is not OC; stride or dilation < 1; negative padding; "same" with a stride;
    //       a kernel reaching further than the padded input.
    throw not_implemented("06_groups", "conv2d");
}

Tensor4 depthwise_separable(const Tensor4& x, const Tensor4& depthwise, const Tensor4& pointwise, Size2 stride,
                            const Padding2& padding) {
    // TODO: a depthwise conv2d (groups = C, with the given stride and padding), then a 1x1 conv2d with the
    //       pointwise weight (stride 1, no padding). No biases. Use your conv2d for both.
    //       Refuse with convkata::invalid("depthwise_separable", ...): a depthwise weight that is not
    //       [C*M, 1, KH, KW] for some M >= 1, and a pointwise weight that is not [OC, C*M, 1, 1].
    throw not_implemented("06_groups", "depthwise_separable");
}

Index parameter_count(Index in_channels, Index out_channels, Size2 kernel, Index groups, bool bias) {
    // TODO: OC * (C/groups) * KH * KW weights, plus OC biases if bias is true.
    //       Refuse (convkata::invalid("parameter_count", ...), naming the numbers) a count, kernel size
    //       or groups below 1, and channels not divisible by groups.
    throw not_implemented("06_groups", "parameter_count");
}

}  // namespace convkata::ch06
