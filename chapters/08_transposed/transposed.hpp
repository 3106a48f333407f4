// Chapter 08 - transposed convolution: the adjoint.
// The lesson is chapters/08_transposed/README.md; you write transposed.cpp.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

namespace convkata::ch08 {

// out = (in - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1;
// output_padding must be smaller than max(stride, dilation).
Index transposed_output_length(Index in, Index kernel, Index stride = 1, Index padding = 0, Index output_padding = 0,
                               Index dilation = 1);

// F.conv_transpose1d: x [N, C, L], weight [C, OC/groups, K] (PyTorch's layout!), bias [OC] -> [N, OC, L_out].
// Every input element scatters a scaled copy of the kernel into the output (then the padding is cropped).
Tensor3 conv_transpose1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias = {}, Index stride = 1,
                         Index padding = 0, Index output_padding = 0, Index groups = 1, Index dilation = 1);

// F.conv_transpose2d: x [N, C, H, W], weight [C, OC/groups, KH, KW], bias [OC] -> [N, OC, H_out, W_out]
Tensor4 conv_transpose2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias = {}, Size2 stride = 1,
                         Size2 padding = 0, Size2 output_padding = 0, Index groups = 1, Size2 dilation = 1);

// The same 1-D result another way: A^T * vec(x[n]) for each sample, where A = convkata::ref::conv_matrix1d(L_out,
// w_as_conv, stride, padding, dilation, groups) is the matrix of the convolution this one is the transpose of
// (the reference's conv matrix is given here: building it was chapter 07's exercise). No bias.
Tensor3 conv_transpose1d_via_matrix(const Tensor3& x, const Tensor3& weight, Index stride = 1, Index padding = 0,
                                    Index output_padding = 0, Index groups = 1, Index dilation = 1);

}  // namespace convkata::ch08
