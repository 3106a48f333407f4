// Chapter 06 - groups: splitting channels. Model solution.
#include "groups.hpp"

#include "convkata/errors.hpp"

#include <string>

namespace convkata::ch06 {

namespace {

std::string sizes(Index h, Index w) { return "(" + std::to_string(h) + " x " + std::to_string(w) + ")"; }

}  // namespace

Tensor4 conv2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
               const Padding2& padding, Size2 dilation, Index groups) {
    const Index N = x.dimension(0), C = x.dimension(1), H = x.dimension(2), W = x.dimension(3);
    const Index OC = weight.dimension(0), KH = weight.dimension(2), KW = weight.dimension(3);
    for (int d = 0; d < 2; ++d) {
        if (stride[d] < 1) invalid("conv2d", "stride must be at least 1, but got stride=", stride.to_string());
        if (dilation[d] < 1) {
            invalid("conv2d", "dilation must be at least 1 (1 means no gaps), but got dilation=", dilation.to_string());
        }
        if (padding.is_amount() && padding.amount()[d] < 0) {
            invalid("conv2d", "negative padding is not supported, but got padding=", padding.to_string());
        }
        if (padding.is_same() && stride[d] != 1) {
            invalid("conv2d", "padding='same' is not supported for strided convolutions (stride=", stride.to_string(),
                    ")");
        }
    }
    if (groups < 1) invalid("conv2d", "groups must be at least 1, but got groups=", groups);
    if (OC < 1) {
        invalid("conv2d", "expected weight to be at least 1 at dimension 0, but got weight of size ",
                shape_string(weight));
    }
    if (OC % groups != 0) {
        invalid("conv2d", "Given groups=", groups, ", expected weight to be divisible by ", groups,
                " at dimension 0, but got weight of size ", shape_string(weight), ": ", OC,
                " output channels cannot be split into ", groups, " groups");
    }
    if (KH < 1 || KW < 1) {
        invalid("conv2d", "kernel size must be at least 1, but got weight of size ", shape_string(weight));
    }
    if (C % groups != 0) {
        invalid("conv2d", "Given groups=", groups, ", expected input", shape_string(x),
                " to have a number of channels divisible by ", groups, ", but got ", C, " channels");
    }
    const Index group_in = C / groups;   // input channels each group reads
    const Index group_out = OC / groups;  // output channels each group writes
    if (weight.dimension(1) != group_in) {
        invalid("conv2d", "Given groups=", groups, ", weight of size ", shape_string(weight), " has ",
                weight.dimension(1), " input channels per group, but input", shape_string(x), " has ", C, "/",
                groups, " = ", group_in, " per group");
    }
    if (bias && bias->dimension(0) != OC) {
        invalid("conv2d", "expected a bias of ", OC, " elements (one per output channel), but got ",
                bias->dimension(0));
    }

    // Padding before and after each spatial dimension ("same": the odd element after).
    const Index in[2] = {H, W}, kernel[2] = {KH, KW};
    Index before[2] = {0, 0}, out[2] = {0, 0}, padded[2] = {0, 0}, reach[2] = {0, 0};
    bool fits = true;
    for (int d = 0; d < 2; ++d) {
        reach[d] = dilation[d] * (kernel[d] - 1) + 1;
        Index after = 0;
        if (padding.is_same()) {
            before[d] = (reach[d] - 1) / 2;
            after = reach[d] - 1 - before[d];
        } else if (padding.is_amount()) {
            before[d] = after = padding.amount()[d];
        }
        padded[d] = in[d] + before[d] + after;
        fits = fits && reach[d] <= padded[d];
        out[d] = fits ? (padded[d] - reach[d]) / stride[d] + 1 : 0;
    }
    if (!fits) {
        invalid("conv2d", "the kernel ", sizes(KH, KW), " with dilation ", dilation.to_string(), " reaches ",
                sizes(reach[0], reach[1]), ", more than the padded input ", sizes(padded[0], padded[1]));
    }

    Tensor4 y(N, OC, out[0], out[1]);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < OC; ++o) {
            const Index g = o / group_out;  // the group that writes output channel o
            for (Index i = 0; i < out[0]; ++i)
                for (Index j = 0; j < out[1]; ++j) {
                    float sum = bias ? (*bias)(o) : 0.0f;
                    for (Index c = 0; c < group_in; ++c) {
                        const Index ic = g * group_in + c;  // weight channel c of group g is input channel ic
                        for (Index kh = 0; kh < KH; ++kh) {
                            const Index h = i * stride[0] + kh * dilation[0] - before[0];
                            if (h < 0 || h >= H) continue;  // a zero of the padding
                            for (Index kw = 0; kw < KW; ++kw) {
                                const Index w = j * stride[1] + kw * dilation[1] - before[1];
                                if (w >= 0 && w < W) sum += x(n, ic, h, w) * weight(o, c, kh, kw);
                            }
                        }
                    }
                    y(n, o, i, j) = sum;
                }
        }
    return y;
}

Tensor4 depthwise_separable(const Tensor4& x, const Tensor4& depthwise, const Tensor4& pointwise, Size2 stride,
                            const Padding2& padding) {
    const Index C = x.dimension(1);
    const Index CM = depthwise.dimension(0);
    if (C < 1 || CM < 1 || CM % C != 0 || depthwise.dimension(1) != 1) {
        invalid("depthwise_separable", "expected a depthwise weight [C*M, 1, KH, KW] with C=", C,
                " (M filters per input channel), but got ", shape_string(depthwise));
    }
    if (pointwise.dimension(1) != CM || pointwise.dimension(2) != 1 || pointwise.dimension(3) != 1) {
        invalid("depthwise_separable", "expected a pointwise weight [OC, ", CM, ", 1, 1] (1x1, reading the ", CM,
                " depthwise channels), but got ", shape_string(pointwise));
    }
    // Stride and padding belong to the depthwise step; the 1x1 step maps every position to itself.
    const Tensor4 filtered = conv2d(x, depthwise, {}, stride, padding, 1, C);
    return conv2d(filtered, pointwise);
}

Index parameter_count(Index in_channels, Index out_channels, Size2 kernel, Index groups, bool bias) {
    if (in_channels < 1 || out_channels < 1 || kernel[0] < 1 || kernel[1] < 1 || groups < 1) {
        invalid("parameter_count", "channels, kernel and groups must be at least 1, but got in_channels=",
                in_channels, ", out_channels=", out_channels, ", kernel=", kernel.to_string(), ", groups=", groups);
    }
    if (in_channels % groups != 0) {
        invalid("parameter_count", "in_channels=", in_channels, " must be divisible by groups=", groups);
    }
    if (out_channels % groups != 0) {
        invalid("parameter_count", "out_channels=", out_channels, " must be divisible by groups=", groups);
    }
    return out_channels * (in_channels / groups) * kernel[0] * kernel[1] + (bias ? out_channels : 0);
}

}  // namespace convkata::ch06
