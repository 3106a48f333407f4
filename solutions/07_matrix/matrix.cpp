// Chapter 07 - conv as a matrix: weight sharing made visible. Model solution.
#include "matrix.hpp"

#include "convkata/errors.hpp"
#include "convkata/shape.hpp"

#include <vector>

namespace convkata::ch07 {

namespace {

// The output size along one dimension, after refusing what PyTorch refuses.
Index checked_output_size(const char* op, const char* dim, Index in, Index kernel, Index stride, Index padding,
                          Index dilation) {
    if (in < 1 || kernel < 1) {
        invalid(op, "sizes must be at least 1, but got input ", dim, "=", in, " and kernel ", dim, "=", kernel);
    }
    if (stride < 1 || dilation < 1) {
        invalid(op, "stride and dilation must be at least 1, but got stride=", stride, " and dilation=", dilation,
                " along ", dim);
    }
    if (padding < 0) invalid(op, "negative padding is not supported (padding=", padding, " along ", dim, ")");
    const Index reach = dilated_kernel_size(kernel, dilation);
    if (reach > in + 2 * padding) {
        invalid(op, "the kernel reaches ", reach, " positions along ", dim, " (dilation*(K-1)+1 with K=", kernel,
                ", dilation=", dilation, "), more than the padded input ", in, " + 2*", padding, " = ",
                in + 2 * padding);
    }
    return output_size(in, kernel, stride, padding, dilation);
}

void check_weight(const char* op, const Tensor3& weight) {
    if (weight.dimension(0) < 1 || weight.dimension(1) < 1) {
        invalid(op, "sizes must be at least 1, but got weight of size ", shape_string(weight));
    }
}

void check_weight(const char* op, const Tensor4& weight) {
    if (weight.dimension(0) < 1 || weight.dimension(1) < 1) {
        invalid(op, "sizes must be at least 1, but got weight of size ", shape_string(weight));
    }
}

}  // namespace

SparseMatrix conv_matrix1d(Index length, const Tensor3& weight, Index stride, Index padding, Index dilation) {
    check_weight("conv_matrix1d", weight);
    const Index OC = weight.dimension(0), C = weight.dimension(1), K = weight.dimension(2);
    const Index L_out = checked_output_size("conv_matrix1d", "L", length, K, stride, padding, dilation);

    std::vector<Eigen::Triplet<float>> entries;
    entries.reserve(static_cast<std::size_t>(OC * L_out * C * K));
    for (Index o = 0; o < OC; ++o) {
        for (Index i = 0; i < L_out; ++i) {
            for (Index c = 0; c < C; ++c) {
                for (Index k = 0; k < K; ++k) {
                    const Index l = i * stride + k * dilation - padding;  // input position of tap k
                    if (l < 0 || l >= length) continue;                   // a zero of the padding: no entry
                    entries.emplace_back(o * L_out + i, c * length + l, weight(o, c, k));
                }
            }
        }
    }
    SparseMatrix a(OC * L_out, C * length);
    a.setFromTriplets(entries.begin(), entries.end());
    return a;
}

SparseMatrix conv_matrix2d(Index height, Index width, const Tensor4& weight, Size2 stride, Size2 padding,
                           Size2 dilation) {
    check_weight("conv_matrix2d", weight);
    const Index OC = weight.dimension(0), C = weight.dimension(1);
    const Index KH = weight.dimension(2), KW = weight.dimension(3);
    const Index H_out = checked_output_size("conv_matrix2d", "H", height, KH, stride[0], padding[0], dilation[0]);
    const Index W_out = checked_output_size("conv_matrix2d", "W", width, KW, stride[1], padding[1], dilation[1]);

    std::vector<Eigen::Triplet<float>> entries;
    entries.reserve(static_cast<std::size_t>(OC * H_out * W_out * C * KH * KW));
    for (Index o = 0; o < OC; ++o) {
        for (Index oh = 0; oh < H_out; ++oh) {
            for (Index ow = 0; ow < W_out; ++ow) {
                const Index row = (o * H_out + oh) * W_out + ow;
                for (Index c = 0; c < C; ++c) {
                    for (Index kh = 0; kh < KH; ++kh) {
                        const Index h = oh * stride[0] + kh * dilation[0] - padding[0];
                        if (h < 0 || h >= height) continue;
                        for (Index kw = 0; kw < KW; ++kw) {
                            const Index w = ow * stride[1] + kw * dilation[1] - padding[1];
                            if (w < 0 || w >= width) continue;
                            entries.emplace_back(row, (c * height + h) * width + w, weight(o, c, kh, kw));
                        }
                    }
                }
            }
        }
    }
    SparseMatrix a(OC * H_out * W_out, C * height * width);
    a.setFromTriplets(entries.begin(), entries.end());
    return a;
}

Matrix im2col(const Tensor3& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
    const Index C = x.dimension(0), H = x.dimension(1), W = x.dimension(2);
    if (C < 1) invalid("im2col", "sizes must be at least 1, but got an input of size ", shape_string(x));
    const Index KH = kernel[0], KW = kernel[1];
    const Index H_out = checked_output_size("im2col", "H", H, KH, stride[0], padding[0], dilation[0]);
    const Index W_out = checked_output_size("im2col", "W", W, KW, stride[1], padding[1], dilation[1]);

    Matrix columns = Matrix::Zero(C * KH * KW, H_out * W_out);  // padding reads as zero
    for (Index c = 0; c < C; ++c) {
        for (Index kh = 0; kh < KH; ++kh) {
            for (Index kw = 0; kw < KW; ++kw) {
                const Index row = (c * KH + kh) * KW + kw;
                for (Index oh = 0; oh < H_out; ++oh) {
                    const Index h = oh * stride[0] + kh * dilation[0] - padding[0];
                    if (h < 0 || h >= H) continue;
                    for (Index ow = 0; ow < W_out; ++ow) {
                        const Index w = ow * stride[1] + kw * dilation[1] - padding[1];
                        if (w < 0 || w >= W) continue;
                        columns(row, oh * W_out + ow) = x(c, h, w);
                    }
                }
            }
        }
    }
    return columns;
}

Tensor4 conv2d_im2col(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
                      Size2 padding, Size2 dilation) {
    const Index N = x.dimension(0), C = x.dimension(1), H = x.dimension(2), W = x.dimension(3);
    check_weight("conv2d_im2col", weight);
    const Index OC = weight.dimension(0), KH = weight.dimension(2), KW = weight.dimension(3);
    if (C < 1) invalid("conv2d_im2col", "sizes must be at least 1, but got an input of size ", shape_string(x));
    if (weight.dimension(1) != C) {
        invalid("conv2d_im2col", "weight of size ", shape_string(weight), " expects ", weight.dimension(1),
                " input channels, but the input ", shape_string(x), " has ", C);
    }
    if (bias && bias->dimension(0) != OC) {
        invalid("conv2d_im2col", "expected a bias of ", OC, " elements (one per output channel), but got ",
                bias->dimension(0));
    }
    // Checked here, not only in im2col, so that the refusal names this operation (and an empty batch is checked).
    const Index H_out = checked_output_size("conv2d_im2col", "H", H, KH, stride[0], padding[0], dilation[0]);
    const Index W_out = checked_output_size("conv2d_im2col", "W", W, KW, stride[1], padding[1], dilation[1]);

    // The weight's memory [OC, C, KH, KW] is already the matrix [OC, C*KH*KW], its columns in
    // (c, kh, kw) order like the rows of im2col.
    const Eigen::Map<const Matrix> rows(weight.data(), OC, C * KH * KW);
    Tensor4 y(N, OC, H_out, W_out);
    for (Index n = 0; n < N; ++n) {
        const Tensor3 sample = x.chip(n, 0);
        Matrix out = rows * im2col(sample, {KH, KW}, stride, padding, dilation);  // [OC, H_out*W_out]
        if (bias) {
            for (Index o = 0; o < OC; ++o) out.row(o).array() += (*bias)(o);
        }
        Eigen::Map<Matrix>(y.data() + n * OC * H_out * W_out, OC, H_out * W_out) = out;
    }
    return y;
}

}  // namespace convkata::ch07
