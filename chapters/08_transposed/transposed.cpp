// Chapter 08 - transposed convolution: the adjoint.
//
// Read chapters/08_transposed/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 8
// Stuck? Ask for a hint:                           ./kata hint 8
#include "transposed.hpp"

#include "convkata/errors.hpp"
#include "reference.hpp"  // ref::conv_matrix1d, for the last exercise only

namespace convkata::ch08 {

Index transposed_output_length(Index in, Index kernel, Index stride, Index padding, Index output_padding,
                               Index dilation) {
    // TODO: return (in - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1.
    //       Refuse first (convkata::invalid("transposed_output_length", ...), naming the numbers):
    //       stride < 1, padding < 0, output_padding < 0, dilation < 1, kernel < 1, in < 1,
    //       output_padding >= max(stride, dilation), and a result below 1.
    throw not_implemented("08_transposed", "transposed_output_length");
}

Tensor3 conv_transpose1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride,
                         Index padding, Index output_padding, Index groups, Index dilation) {
    // TODO: start from y [N, OC, L_out] (OC = weight.dimension(1) * groups) filled with the bias (or 0).
    //       Then scatter: every input element x(n, c, i) adds x(n, c, i) * weight(c, j, k) to
    //       y(n, o, i*stride + k*dilation - padding) for every tap k and every j < OC/groups, where
    //       o = (c / (C/groups)) * (OC/groups) + j. Skip the positions outside 0 .. L_out-1 (that is the crop).
    //       Refuse with convkata::invalid("conv_transpose1d", ...), naming the numbers: what
    //       transposed_output_length refuses, groups < 1, C not divisible by groups, weight.dimension(0) != C,
    //       and a bias whose length is not OC.
    throw not_implemented("08_transposed", "conv_transpose1d");
}

Tensor4 conv_transpose2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
                         Size2 padding, Size2 output_padding, Index groups, Size2 dilation) {
    // TODO: the 1-D scatter along both dimensions: x(n, c, ih, iw) * weight(c, j, kh, kw) lands at
    //       (ih*stride[0] + kh*dilation[0] - padding[0], iw*stride[1] + kw*dilation[1] - padding[1]);
    //       H_out and W_out each follow the 1-D formula with their own numbers. Refuse what
    //       conv_transpose1d refuses, in either dimension, with convkata::invalid("conv_transpose2d", ...).
    throw not_implemented("08_transposed", "conv_transpose2d");
}

Tensor3 conv_transpose1d_via_matrix(const Tensor3& x, const Tensor3& weight, Index stride, Index padding,
                                    Index output_padding, Index groups, Index dilation) {
    // TODO: A = ref::conv_matrix1d(L_out, weight, stride, padding, dilation, groups) is the matrix of the
    //       convolution [OC, L_out] -> [C, L_conv] (the same weight, read as a conv weight [C, OC/groups, K]);
    //       it is [C*L_conv, OC*L_out]. For each sample, put x(n, c, i) at c*L_conv + i of a zero vector of
    //       A.rows() elements (L_conv can exceed L when output_padding >= stride), compute A.transpose() * v
    //       and read y(n, o, p) from o*L_out + p. Refuse what conv_transpose1d refuses, naming
    //       "conv_transpose1d_via_matrix".
    throw not_implemented("08_transposed", "conv_transpose1d_via_matrix");
}

}  // namespace convkata::ch08
