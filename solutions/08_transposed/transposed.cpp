// Chapter 08 - transposed convolution: the adjoint. Model solution.
#include "transposed.hpp"

#include "convkata/errors.hpp"
#include "reference.hpp"

#include <algorithm>
#include <string>

namespace convkata::ch08 {

namespace {

// The output length of one dimension, after the checks F.conv_transposeNd
// makes; `dim` says which dimension in 2-D (" (height)"), and is empty in 1-D.
Index output_length(const std::string& op, Index in, Index kernel, Index stride, Index padding,
                    Index output_padding, Index dilation, const std::string& dim = "") {
    if (stride < 1) invalid(op, "non-positive stride is not supported, but got stride=", stride, dim);
    if (padding < 0) invalid(op, "negative padding is not supported, but got padding=", padding, dim);
    if (output_padding < 0) {
        invalid(op, "negative output_padding is not supported, but got output_padding=", output_padding, dim);
    }
    if (dilation < 1) invalid(op, "dilation should be greater than zero, but got dilation=", dilation, dim);
    if (output_padding >= std::max(stride, dilation)) {
        invalid(op, "output padding must be smaller than either stride or dilation, but got output_padding=",
                output_padding, ", stride=", stride, ", dilation=", dilation, dim);
    }
    if (kernel < 1) invalid(op, "kernel size should be greater than zero, but got kernel size ", kernel, dim);
    if (in < 1) invalid(op, "expected a non-empty input, but got input size ", in, dim);
    // The full scatter is (in-1)*stride + dilation*(kernel-1) + 1 long; the
    // padding is cropped from both ends, output_padding added at the end.
    const Index out = (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1;
    if (out < 1) {
        invalid(op, "given input size ", in, dim, ", the calculated output size is ", out, " = (", in, " - 1)*",
                stride, " - 2*", padding, " + ", dilation, "*(", kernel, " - 1) + ", output_padding,
                " + 1: output size is too small");
    }
    return out;
}

// x [N, C, ...], weight [C, OC/groups, ...], bias [OC].
template <int Rank>
void check_channels(const std::string& op, const Tensor<Rank>& x, const Tensor<Rank>& weight,
                    const OptionalBias& bias, Index groups) {
    if (groups < 1) invalid(op, "non-positive groups is not supported, but got groups=", groups);
    const Index C = weight.dimension(0);
    if (C < 1 || weight.dimension(1) < 1) {
        invalid(op, "expected a non-empty weight, but got weight of size ", shape_string(weight));
    }
    if (C % groups != 0) {
        invalid(op, "Given groups=", groups, ", expected weight to be divisible by ", groups,
                " at dimension 0, but got weight of size ", shape_string(weight), " instead");
    }
    if (x.dimension(1) != C) {
        invalid(op, "Given transposed=1, weight of size ", shape_string(weight), ", expected input",
                shape_string(x), " to have ", C, " channels, but got ", x.dimension(1), " channels instead");
    }
    const Index OC = weight.dimension(1) * groups;
    if (bias && bias->dimension(0) != OC) {
        invalid(op, "Given transposed=1, weight of size ", shape_string(weight),
                ", expected bias to be 1-dimensional with ", OC, " elements, but got bias of size ",
                shape_string(*bias), " instead");
    }
}

}  // namespace

Index transposed_output_length(Index in, Index kernel, Index stride, Index padding, Index output_padding,
                               Index dilation) {
    return output_length("transposed_output_length", in, kernel, stride, padding, output_padding, dilation);
}

Tensor3 conv_transpose1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride,
                         Index padding, Index output_padding, Index groups, Index dilation) {
    const std::string op = "conv_transpose1d";
    check_channels(op, x, weight, bias, groups);
    const Index N = x.dimension(0), C = x.dimension(1), L = x.dimension(2);
    const Index group_out = weight.dimension(1), K = weight.dimension(2);
    const Index group_in = C / groups;
    const Index L_out = output_length(op, L, K, stride, padding, output_padding, dilation);

    Tensor3 y(N, group_out * groups, L_out);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < y.dimension(1); ++o)
            for (Index p = 0; p < L_out; ++p) y(n, o, p) = bias ? (*bias)(o) : 0.0f;

    // Input element (c, i) adds x * kernel into output channel o of its group,
    // starting at i*stride; the first `padding` positions are cropped away.
    for (Index n = 0; n < N; ++n)
        for (Index c = 0; c < C; ++c) {
            const Index group = c / group_in;
            for (Index i = 0; i < L; ++i)
                for (Index j = 0; j < group_out; ++j) {
                    const Index o = group * group_out + j;
                    for (Index k = 0; k < K; ++k) {
                        const Index p = i * stride + k * dilation - padding;
                        if (p < 0 || p >= L_out) continue;
                        y(n, o, p) += x(n, c, i) * weight(c, j, k);
                    }
                }
        }
    return y;
}

Tensor4 conv_transpose2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
                         Size2 padding, Size2 output_padding, Index groups, Size2 dilation) {
    const std::string op = "conv_transpose2d";
    const std::string dims[] = {" (height)", " (width)"};
    check_channels(op, x, weight, bias, groups);
    const Index N = x.dimension(0), C = x.dimension(1), H = x.dimension(2), W = x.dimension(3);
    const Index group_out = weight.dimension(1), KH = weight.dimension(2), KW = weight.dimension(3);
    const Index group_in = C / groups;
    const Index H_out = output_length(op, H, KH, stride[0], padding[0], output_padding[0], dilation[0], dims[0]);
    const Index W_out = output_length(op, W, KW, stride[1], padding[1], output_padding[1], dilation[1], dims[1]);

    Tensor4 y(N, group_out * groups, H_out, W_out);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < y.dimension(1); ++o)
            for (Index ph = 0; ph < H_out; ++ph)
                for (Index pw = 0; pw < W_out; ++pw) y(n, o, ph, pw) = bias ? (*bias)(o) : 0.0f;

    // The 1-D scatter along both dimensions: input pixel (ih, iw) adds a
    // scaled copy of the kernel with its corner at (ih*stride_h, iw*stride_w).
    for (Index n = 0; n < N; ++n)
        for (Index c = 0; c < C; ++c) {
            const Index group = c / group_in;
            for (Index ih = 0; ih < H; ++ih)
                for (Index iw = 0; iw < W; ++iw)
                    for (Index j = 0; j < group_out; ++j) {
                        const Index o = group * group_out + j;
                        for (Index kh = 0; kh < KH; ++kh) {
                            const Index ph = ih * stride[0] + kh * dilation[0] - padding[0];
                            if (ph < 0 || ph >= H_out) continue;
                            for (Index kw = 0; kw < KW; ++kw) {
                                const Index pw = iw * stride[1] + kw * dilation[1] - padding[1];
                                if (pw < 0 || pw >= W_out) continue;
                                y(n, o, ph, pw) += x(n, c, ih, iw) * weight(c, j, kh, kw);
                            }
                        }
                    }
        }
    return y;
}

Tensor3 conv_transpose1d_via_matrix(const Tensor3& x, const Tensor3& weight, Index stride, Index padding,
                                    Index output_padding, Index groups, Index dilation) {
    const std::string op = "conv_transpose1d_via_matrix";
    check_channels(op, x, weight, {}, groups);
    const Index N = x.dimension(0), C = x.dimension(1), L = x.dimension(2);
    const Index OC = weight.dimension(1) * groups;
    const Index L_out = output_length(op, L, weight.dimension(2), stride, padding, output_padding, dilation);

    // The forward convolution maps [OC, L_out] to [C, L_conv]: its weight is
    // this one's [C, OC/groups, K], read as [out = C, in = OC/groups, K].
    const SparseMatrix A = ref::conv_matrix1d(L_out, weight, stride, padding, dilation, groups);
    // L_conv is L, or more when output_padding >= stride (with a dilation):
    // those extra outputs are the ones x does not have, so they count as 0.
    const Index L_conv = A.rows() / C;

    Tensor3 y(N, OC, L_out);
    for (Index n = 0; n < N; ++n) {
        Eigen::VectorXf v = Eigen::VectorXf::Zero(A.rows());
        for (Index c = 0; c < C; ++c)
            for (Index i = 0; i < L; ++i) v(c * L_conv + i) = x(n, c, i);
        const Eigen::VectorXf out = A.transpose() * v;  // [OC * L_out], row-major: o*L_out + p
        for (Index o = 0; o < OC; ++o)
            for (Index p = 0; p < L_out; ++p) y(n, o, p) = out(o * L_out + p);
    }
    return y;
}

}  // namespace convkata::ch08
