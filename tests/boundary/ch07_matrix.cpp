// Chapter 07's functions across the grading boundary (remote.hpp).
#include "matrix.hpp"
#include "remote.hpp"

namespace convkata::ch07 {
KATA_REMOTE(SparseMatrix, conv_matrix1d, (Index length, const Tensor3& weight, Index stride, Index padding, Index dilation),
            (length, weight, stride, padding, dilation))
KATA_REMOTE(SparseMatrix, conv_matrix2d,
            (Index height, Index width, const Tensor4& weight, Size2 stride, Size2 padding, Size2 dilation),
            (height, width, weight, stride, padding, dilation))
KATA_REMOTE(Matrix, im2col, (const Tensor3& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation),
            (x, kernel, stride, padding, dilation))
KATA_REMOTE(Tensor4, conv2d_im2col,
            (const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride, Size2 padding,
             Size2 dilation),
            (x, weight, bias, stride, padding, dilation))
}  // namespace convkata::ch07
