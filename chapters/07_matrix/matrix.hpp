// Chapter 07 - conv as a matrix: weight sharing made visible.
// The lesson is chapters/07_matrix/README.md; you write matrix.cpp.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

namespace convkata::ch07 {

// The matrix A of a one-sample conv1d (zero padding, no bias): vec(y) = A * vec(x),
// x [C, L] -> y [OC, L_out], vec() in row-major order (vec(x)[c*L + l] = x[c, l]).
// weight [OC, C, K] -> A [OC*L_out, C*L]
SparseMatrix conv_matrix1d(Index length, const Tensor3& weight, Index stride = 1, Index padding = 0,
                           Index dilation = 1);

// The same for conv2d: x [C, H, W] -> y [OC, H_out, W_out]; A [OC*H_out*W_out, C*H*W].
SparseMatrix conv_matrix2d(Index height, Index width, const Tensor4& weight, Size2 stride = 1, Size2 padding = 0,
                           Size2 dilation = 1);

// im2col (F.unfold) for one sample: x [C, H, W] -> [C*KH*KW, H_out*W_out]; row (c, kh, kw), column (oh, ow),
// both row-major: column j is the (zero-padded) window of output position j.
Matrix im2col(const Tensor3& x, Size2 kernel, Size2 stride = 1, Size2 padding = 0, Size2 dilation = 1);

// conv2d (no groups) as one matrix product per sample: weight as [OC, C*KH*KW] times im2col(x[n]), plus bias.
// x [N, C, H, W], weight [OC, C, KH, KW], bias [OC] -> [N, OC, H_out, W_out]
Tensor4 conv2d_im2col(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias = {}, Size2 stride = 1,
                      Size2 padding = 0, Size2 dilation = 1);

}  // namespace convkata::ch07
