// Chapter 03 - padding: growing the border. Model solution.
#include "padding.hpp"

#include "convkata/errors.hpp"

#include <algorithm>

namespace convkata::ch03 {

Tensor3 pad1d(const Tensor3& x, Index left, Index right, PadMode mode) {
    const Index N = x.dimension(0);
    const Index C = x.dimension(1);
    const Index L = x.dimension(2);
    if (left < 0 || right < 0) {
        invalid("pad1d", "negative padding (", left, ", ", right,
                ") is not supported: this workbook pads, it does not crop");
    }
    if (mode == PadMode::reflect && (left >= L || right >= L)) {
        invalid("pad1d", "Padding size should be less than the corresponding input dimension, but got: padding (",
                left, ", ", right, ") at dimension 2 of input ", shape_string(x), " (reflect)");
    }
    if (mode == PadMode::circular && (left > L || right > L)) {
        invalid("pad1d", "Padding value causes wrapping around more than once: padding (", left, ", ", right,
                ") on an input of length ", L, " (circular)");
    }
    if (mode == PadMode::replicate && L == 0 && left + right > 0) {
        invalid("pad1d", "cannot replicate the edge of an empty input ", shape_string(x));
    }

    Tensor3 y(N, C, left + L + right);
    for (Index n = 0; n < N; ++n) {
        for (Index c = 0; c < C; ++c) {
            for (Index p = 0; p < left + L + right; ++p) {
                // i: the position in x that output p stands for; outside 0..L-1 in the border.
                const Index i = p - left;
                if (i >= 0 && i < L) {
                    y(n, c, p) = x(n, c, i);
                    continue;
                }
                switch (mode) {
                    case PadMode::zeros: y(n, c, p) = 0.0f; break;
                    // Mirror at the edge element, which is not repeated: -1 -> 1, L -> L-2.
                    case PadMode::reflect: y(n, c, p) = x(n, c, i < 0 ? -i : 2 * (L - 1) - i); break;
                    case PadMode::replicate: y(n, c, p) = x(n, c, std::clamp<Index>(i, 0, L - 1)); break;
                    // The left border is the end of x, the right border its start.
                    case PadMode::circular: y(n, c, p) = x(n, c, i < 0 ? i + L : i - L); break;
                }
            }
        }
    }
    return y;
}

PadPair same_padding(Index kernel, Index dilation) {
    if (kernel < 1 || dilation < 1) {
        invalid("same_padding", "kernel and dilation must be at least 1, but got kernel=", kernel,
                ", dilation=", dilation);
    }
    const Index total = dilation * (kernel - 1);
    return {total / 2, total - total / 2};
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, PadMode padding_mode) {
    const Index N = x.dimension(0);
    const Index C = x.dimension(1);
    const Index OC = weight.dimension(0);
    const Index K = weight.dimension(2);
    if (stride < 1) invalid("conv1d", "non-positive stride is not supported (stride=", stride, ")");
    if (padding.is_amount() && padding.amount() < 0) {
        invalid("conv1d", "negative padding is not supported (padding=", padding.amount(), ")");
    }
    if (padding.is_same() && stride != 1) {
        invalid("conv1d", "padding='same' is not supported for strided convolutions (stride=", stride, ")");
    }
    if (weight.dimension(1) != C) {
        invalid("conv1d", "weight of size ", shape_string(weight), " expects ", weight.dimension(1),
                " input channels, but the input ", shape_string(x), " has ", C);
    }
    if (K < 1) {
        invalid("conv1d", "kernel size should be greater than zero, but got weight of size ", shape_string(weight));
    }
    if (bias && bias->dimension(0) != OC) {
        invalid("conv1d", "expected a bias of ", OC, " elements (one per output channel), but got ",
                bias->dimension(0));
    }

    PadPair pad;  // "valid": none
    if (padding.is_same()) pad = same_padding(K);
    if (padding.is_amount()) pad = {padding.amount(), padding.amount()};
    Tensor3 padded;
    try {
        padded = pad1d(x, pad.left, pad.right, padding_mode);
    } catch (const std::invalid_argument& e) {
        // Name the call that was refused: conv1d, not the pad1d inside it.
        invalid("conv1d", "padding=", padding.to_string(), " with padding_mode='", to_string(padding_mode),
                "' cannot pad the input: ", e.what());
    }

    const Index P = padded.dimension(2);
    if (K > P) {
        invalid("conv1d", "Calculated padded input size per channel: (", P, "). Kernel size: (", K,
                "). Kernel size can't be greater than actual input size");
    }
    const Index L_out = output_size_padded(P, K, stride);
    Tensor3 y(N, OC, L_out);
    for (Index n = 0; n < N; ++n) {
        for (Index o = 0; o < OC; ++o) {
            for (Index i = 0; i < L_out; ++i) {
                float sum = bias ? (*bias)(o) : 0.0f;
                for (Index c = 0; c < C; ++c)
                    for (Index j = 0; j < K; ++j) sum += padded(n, c, i * stride + j) * weight(o, c, j);
                y(n, o, i) = sum;
            }
        }
    }
    return y;
}

}  // namespace convkata::ch03
