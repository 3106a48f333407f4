// Chapter 07 - conv as a matrix: weight sharing made visible.
//
// Read chapters/07_matrix/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 7
// Stuck? Ask for a hint:                           ./kata hint 7
#include "matrix.hpp"

#include "convkata/errors.hpp"
#include "convkata/shape.hpp"

#include <vector>

namespace convkata::ch07 {

SparseMatrix conv_matrix1d(Index length, const Tensor3& weight, Index stride, Index padding, Index dilation) {
    // TODO: A has OC*L_out rows and C*L columns, L_out = output_size(length, K, stride, padding, dilation).
    //       For every output channel o, output position i, input channel c and tap k, the tap reads input
    //       position l = i*stride + k*dilation - padding; if 0 <= l < length, put weight(o, c, k) at
    //       row o*L_out + i, column c*length + l (a tap that lands in the padding gets no entry at all).
    //       Collect Eigen::Triplet<float>{row, column, value} in a std::vector, then A.setFromTriplets.
    //       Refuse with convkata::invalid("conv_matrix1d", ...), naming the numbers: a length, OC, C or K
    //       below 1, stride or dilation below 1, negative padding, and a dilated kernel
    //       dilation*(K-1)+1 longer than the padded input length + 2*padding (name both).
    throw not_implemented("07_matrix", "conv_matrix1d");
}

SparseMatrix conv_matrix2d(Index height, Index width, const Tensor4& weight, Size2 stride, Size2 padding,
                           Size2 dilation) {
    // TODO: the same with two spatial dimensions (stride[0], padding[0], dilation[0] along H; [1] along W).
    //       Output position (oh, ow) is row (o*H_out + oh)*W_out + ow; input pixel (c, h, w) is column
    //       (c*height + h)*width + w, with h = oh*stride[0] + kh*dilation[0] - padding[0] and w likewise.
    //       Refuse like conv_matrix1d, with convkata::invalid("conv_matrix2d", ...), along H and along W.
    throw not_implemented("07_matrix", "conv_matrix2d");
}

Matrix im2col(const Tensor3& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
    // TODO: a Matrix::Zero(C*KH*KW, H_out*W_out). Row (c*KH + kh)*KW + kw, column oh*W_out + ow holds
    //       x(c, h, w) with h = oh*stride[0] + kh*dilation[0] - padding[0], w = ow*stride[1] + kw*dilation[1]
    //       - padding[1], or stays 0 where (h, w) is in the padding. So column j is the window of output j.
    //       Refuse with convkata::invalid("im2col", ...), naming the numbers: C, a kernel size, stride or
    //       dilation below 1, negative padding, a dilated kernel larger than the padded image.
    throw not_implemented("07_matrix", "im2col");
}

Tensor4 conv2d_im2col(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
                      Size2 padding, Size2 dilation) {
    // TODO: view the weight [OC, C, KH, KW] as a Matrix [OC, C*KH*KW] (its memory already is one:
    //       Eigen::Map<const Matrix>(weight.data(), OC, C*KH*KW)). For every sample n, multiply it by
    //       im2col(x[n]) to get [OC, H_out*W_out], add bias[o] to row o, and copy that into y[n]
    //       (again the same memory order). Output [N, OC, H_out, W_out].
    //       Refuse with convkata::invalid("conv2d_im2col", ...), naming the numbers: weight channels != x
    //       channels, a bias whose length is not OC, and everything conv_matrix2d refuses - even for N = 0.
    throw not_implemented("07_matrix", "conv2d_im2col");
}

}  // namespace convkata::ch07
