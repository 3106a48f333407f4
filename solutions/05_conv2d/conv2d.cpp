// Chapter 05 - conv2d: two spatial dimensions. Model solution.
#include "conv2d.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch05 {

namespace {

// Refuses a dilated kernel that reaches further than the padded input along one dimension.
void check_fits(const char* dimension, Index kernel, Index dilation, Index in, Index before, Index after) {
    const Index reach = dilation * (kernel - 1) + 1;
    const Index padded = in + before + after;
    if (reach > padded) {
        invalid("conv2d", "the kernel does not fit in the ", dimension, ": kernel ", kernel, " with dilation ",
                dilation, " reaches ", reach, ", but the padded input has ", padded, " (", in, " + ", before,
                " + ", after, ")");
    }
}

}  // namespace

Tensor4 conv2d(const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
               const Padding2& padding, Size2 dilation) {
    const Index N = x.dimension(0), C = x.dimension(1), H = x.dimension(2), W = x.dimension(3);
    const Index OC = weight.dimension(0), KH = weight.dimension(2), KW = weight.dimension(3);
    if (stride[0] < 1 || stride[1] < 1) {
        invalid("conv2d", "stride must be at least 1 in each dimension, but got stride=", stride.to_string());
    }
    if (dilation[0] < 1 || dilation[1] < 1) {
        invalid("conv2d", "dilation must be at least 1 in each dimension (1 means no gaps), but got dilation=",
                dilation.to_string());
    }
    if (padding.is_amount() && (padding.amount()[0] < 0 || padding.amount()[1] < 0)) {
        invalid("conv2d", "negative padding is not supported, but got padding=", padding.to_string());
    }
    if (padding.is_same() && !(stride == Size2(1))) {
        invalid("conv2d", "padding='same' is not supported for strided convolutions (stride=", stride.to_string(),
                ")");
    }
    if (weight.dimension(1) != C) {
        invalid("conv2d", "weight of size ", shape_string(weight), " expects ", weight.dimension(1),
                " input channels, but the input ", shape_string(x), " has ", C);
    }
    if (KH < 1 || KW < 1) {
        invalid("conv2d", "kernel sizes must be at least 1, but got weight of size ", shape_string(weight));
    }
    if (bias && bias->dimension(0) != OC) {
        invalid("conv2d", "expected a bias of ", OC, " elements (one per output channel), but got ",
                bias->dimension(0));
    }

    const Index sh = stride[0], sw = stride[1];
    const Index dh = dilation[0], dw = dilation[1];
    // Zeros above and below (H), left and right (W). "same" pads the reach minus
    // one in total, the odd one after; "valid" pads nothing.
    Index top = 0, bottom = 0, left = 0, right = 0;
    if (padding.is_same()) {
        top = dh * (KH - 1) / 2;
        bottom = dh * (KH - 1) - top;
        left = dw * (KW - 1) / 2;
        right = dw * (KW - 1) - left;
    } else if (padding.is_amount()) {
        top = bottom = padding.amount()[0];
        left = right = padding.amount()[1];
    }
    check_fits("height (H)", KH, dh, H, top, bottom);
    check_fits("width (W)", KW, dw, W, left, right);
    const Index H_out = (H + top + bottom - dh * (KH - 1) - 1) / sh + 1;
    const Index W_out = (W + left + right - dw * (KW - 1) - 1) / sw + 1;

    // Output (oh, ow) reads padded row oh*sh + kh*dh, which is row oh*sh + kh*dh - top
    // of x (and the same for columns); outside x the padding is zero, so the tap is skipped.
    Tensor4 y(N, OC, H_out, W_out);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < OC; ++o)
            for (Index oh = 0; oh < H_out; ++oh)
                for (Index ow = 0; ow < W_out; ++ow) {
                    float sum = bias ? (*bias)(o) : 0.0f;
                    for (Index c = 0; c < C; ++c)
                        for (Index kh = 0; kh < KH; ++kh)
                            for (Index kw = 0; kw < KW; ++kw) {
                                const Index ih = oh * sh + kh * dh - top;
                                const Index iw = ow * sw + kw * dw - left;
                                if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
                                    sum += x(n, c, ih, iw) * weight(o, c, kh, kw);
                                }
                            }
                    y(n, o, oh, ow) = sum;
                }
    return y;
}

ShapeTrace trace_shapes(std::array<Index, 3> input, const std::vector<Conv2dLayer>& layers) {
    if (input[0] < 1 || input[1] < 1 || input[2] < 1) {
        invalid("trace_shapes", "every input size must be at least 1, but got [C, H, W] = ", shape_string(input));
    }
    // A bad layer is refused wherever it is, as nn.Conv2d refuses it when it is built.
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Conv2dLayer& l = layers[i];
        bool ok = l.out_channels >= 1;
        for (int d = 0; d < 2; ++d) {
            ok = ok && l.kernel[d] >= 1 && l.stride[d] >= 1 && l.dilation[d] >= 1 && l.padding[d] >= 0;
        }
        if (!ok) {
            invalid("trace_shapes", "layer ", i,
                    " needs out_channels, kernel, stride and dilation >= 1 and padding >= 0, but got out_channels=",
                    l.out_channels, ", kernel=", l.kernel.to_string(), ", stride=", l.stride.to_string(),
                    ", padding=", l.padding.to_string(), ", dilation=", l.dilation.to_string());
        }
    }

    ShapeTrace trace;
    trace.shapes.push_back(input);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Conv2dLayer& l = layers[i];
        const std::array<Index, 3> in = trace.shapes.back();
        std::array<Index, 3> out = {l.out_channels, 0, 0};
        for (int d = 0; d < 2; ++d) {
            const Index padded = in[d + 1] + 2 * l.padding[d];
            const Index reach = l.dilation[d] * (l.kernel[d] - 1) + 1;
            if (reach > padded) {
                trace.broken_layer = static_cast<Index>(i);
                return trace;
            }
            out[d + 1] = (padded - reach) / l.stride[d] + 1;
        }
        trace.shapes.push_back(out);
    }
    return trace;
}

Index conv2d_parameter_count(Index in_channels, Index out_channels, Size2 kernel, bool bias) {
    if (in_channels < 1 || out_channels < 1 || kernel[0] < 1 || kernel[1] < 1) {
        invalid("conv2d_parameter_count", "channels and kernel sizes must be at least 1, but got in_channels=",
                in_channels, ", out_channels=", out_channels, ", kernel=", kernel.to_string());
    }
    return out_channels * in_channels * kernel[0] * kernel[1] + (bias ? out_channels : 0);
}

Index dense_parameter_count(Index in_features, Index out_features, bool bias) {
    if (in_features < 1 || out_features < 1) {
        invalid("dense_parameter_count", "feature counts must be at least 1, but got in_features=", in_features,
                ", out_features=", out_features);
    }
    return out_features * in_features + (bias ? out_features : 0);
}

}  // namespace convkata::ch05
