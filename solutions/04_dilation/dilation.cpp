// Chapter 04 - dilation: spreading the taps. Model solution.
#include "dilation.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch04 {

Tensor3 dilate_kernel(const Tensor3& weight, Index dilation) {
    const Index OC = weight.dimension(0);
    const Index C = weight.dimension(1);
    const Index K = weight.dimension(2);
    if (dilation < 1) {
        invalid("dilate_kernel", "dilation must be at least 1 (1 means no gaps), but got dilation=", dilation);
    }
    if (K < 1) invalid("dilate_kernel", "kernel size must be at least 1, but got weight of size ", shape_string(weight));
    const Index extent = dilation * (K - 1) + 1;
    Tensor3 dilated(OC, C, extent);
    dilated.setZero();
    for (Index o = 0; o < OC; ++o)
        for (Index c = 0; c < C; ++c)
            for (Index k = 0; k < K; ++k) dilated(o, c, k * dilation) = weight(o, c, k);
    return dilated;
}

namespace {

// The input index that padded position p reads (p counts from the first real
// element, so the left padding is p < 0), or -1 for a zero. The callers have
// checked that reflect pads less than L and circular at most L on each side.
Index source_index(Index p, Index L, PadMode mode) {
    if (p >= 0 && p < L) return p;
    switch (mode) {
        case PadMode::zeros: return -1;
        case PadMode::reflect: return p < 0 ? -p : 2 * (L - 1) - p;  // mirror, edge not repeated
        case PadMode::replicate: return p < 0 ? 0 : L - 1;            // the edge, again and again
        case PadMode::circular: return p < 0 ? p + L : p - L;         // wrap around once
    }
    return -1;
}

}  // namespace

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, Index dilation, PadMode padding_mode) {
    const Index N = x.dimension(0);
    const Index C = x.dimension(1);
    const Index L = x.dimension(2);
    const Index OC = weight.dimension(0);
    const Index K = weight.dimension(2);
    if (dilation < 1) invalid("conv1d", "dilation must be at least 1 (1 means no gaps), but got dilation=", dilation);
    if (stride < 1) invalid("conv1d", "stride must be at least 1, but got stride=", stride);
    if (padding.is_amount() && padding.amount() < 0) {
        invalid("conv1d", "negative padding is not supported, but got padding=", padding.amount());
    }
    if (padding.is_same() && stride != 1) {
        invalid("conv1d", "padding='same' is not supported for strided convolutions (stride=", stride, ")");
    }
    if (weight.dimension(1) != C) {
        invalid("conv1d", "weight of size ", shape_string(weight), " expects ", weight.dimension(1),
                " input channels, but the input ", shape_string(x), " has ", C);
    }
    if (K < 1) invalid("conv1d", "kernel size must be at least 1, but got weight of size ", shape_string(weight));
    if (bias && bias->dimension(0) != OC) {
        invalid("conv1d", "expected a bias of ", OC, " elements (one per output channel), but got ",
                bias->dimension(0));
    }

    // How far the dilated kernel reaches, and the padding on each side.
    const Index extent = dilation * (K - 1) + 1;
    Index left = 0, right = 0;
    if (padding.is_same()) {
        const Index total = dilation * (K - 1);  // the odd element goes on the right
        left = total / 2;
        right = total - left;
    } else if (padding.is_amount()) {
        left = right = padding.amount();
    }
    const std::string sides = "padding (" + std::to_string(left) + ", " + std::to_string(right) + ")";
    if (padding_mode == PadMode::reflect && (left >= L || right >= L)) {
        invalid("conv1d", "padding_mode='reflect' needs padding smaller than the input length, but got ", sides,
                " on an input of length ", L);
    }
    if (padding_mode == PadMode::circular && (left > L || right > L)) {
        invalid("conv1d", "padding_mode='circular' wraps around at most once, but got ", sides,
                " on an input of length ", L);
    }
    if (padding_mode == PadMode::replicate && L == 0 && left + right > 0) {
        invalid("conv1d", "padding_mode='replicate' cannot repeat the edge of an empty input");
    }
    const Index padded = L + left + right;
    if (extent > padded) {
        invalid("conv1d", "kernel of size ", K, " with dilation ", dilation, " reaches ", extent,
                " positions, more than the padded input's ", padded, " (length ", L, " + ", sides, ")");
    }
    const Index L_out = (padded - extent) / stride + 1;

    // No padded copy of x: window position i*stride + k*dilation of the padded
    // input is position p = i*stride + k*dilation - left of x, and the mode
    // says what an outside p reads.
    Tensor3 y(N, OC, L_out);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < OC; ++o)
            for (Index i = 0; i < L_out; ++i) {
                float sum = bias ? (*bias)(o) : 0.0f;
                for (Index c = 0; c < C; ++c)
                    for (Index k = 0; k < K; ++k) {
                        const Index src = source_index(i * stride + k * dilation - left, L, padding_mode);
                        if (src >= 0) sum += x(n, c, src) * weight(o, c, k);
                    }
                y(n, o, i) = sum;
            }
    return y;
}

Index receptive_field(const std::vector<Layer1d>& layers) {
    // Walking forwards: `spacing` is how far apart (in input positions) two
    // neighbouring inputs of the current layer are. Each layer widens the field
    // by its reach minus one, in that spacing; its stride multiplies the spacing.
    Index field = 1;
    Index spacing = 1;
    for (const Layer1d& layer : layers) {
        if (layer.kernel < 1 || layer.stride < 1 || layer.dilation < 1) {
            invalid("receptive_field", "kernel, stride and dilation must be at least 1, but got kernel=",
                    layer.kernel, ", stride=", layer.stride, ", dilation=", layer.dilation);
        }
        field += layer.dilation * (layer.kernel - 1) * spacing;
        spacing *= layer.stride;
    }
    return field;
}

std::vector<Index> kernel_size_for(Index in, Index out, Index stride, Index padding, Index dilation) {
    if (in < 1 || out < 1 || stride < 1 || padding < 0 || dilation < 1) {
        invalid("kernel_size_for", "need in >= 1, out >= 1, stride >= 1, padding >= 0 and dilation >= 1, but got in=",
                in, ", out=", out, ", stride=", stride, ", padding=", padding, ", dilation=", dilation);
    }
    // Try every kernel whose reach fits in the padded input.
    std::vector<Index> kernels;
    const Index padded = in + 2 * padding;
    for (Index K = 1; dilation * (K - 1) + 1 <= padded; ++K) {
        if ((padded - dilation * (K - 1) - 1) / stride + 1 == out) kernels.push_back(K);
    }
    return kernels;
}

}  // namespace convkata::ch04
