// Chapter 02 - stride: skipping positions. Model solution.
#include "stride.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch02 {

Index output_length(Index length, Index kernel, Index stride) {
    if (stride < 1) invalid("output_length", "stride must be at least 1, but got ", stride);
    if (kernel < 1 || kernel > length) {
        invalid("output_length", "kernel of size ", kernel, " does not fit in an input of length ", length);
    }
    // Window i starts at i*stride; the last one must start at or before length - kernel.
    // Both sides are non-negative here, so C++'s integer division is the floor.
    return (length - kernel) / stride + 1;
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride) {
    const Index N = x.dimension(0);
    const Index C = x.dimension(1);
    const Index L = x.dimension(2);
    const Index OC = weight.dimension(0);
    const Index K = weight.dimension(2);
    if (stride < 1) invalid("conv1d", "stride must be at least 1, but got ", stride);
    if (weight.dimension(1) != C) {
        invalid("conv1d", "weight of size ", shape_string(weight), " expects ", weight.dimension(1),
                " input channels, but the input ", shape_string(x), " has ", C);
    }
    if (K < 1 || K > L) {
        invalid("conv1d", "kernel of size ", K, " does not fit in an input of length ", L);
    }
    if (bias && bias->dimension(0) != OC) {
        invalid("conv1d", "expected a bias of ", OC, " elements (one per output channel), but got ",
                bias->dimension(0));
    }
    const Index L_out = output_length(L, K, stride);
    Tensor3 y(N, OC, L_out);
    for (Index n = 0; n < N; ++n) {
        for (Index o = 0; o < OC; ++o) {
            for (Index i = 0; i < L_out; ++i) {
                const Index start = i * stride;  // windows jump by the stride; taps inside stay 1 apart
                float sum = bias ? (*bias)(o) : 0.0f;
                for (Index c = 0; c < C; ++c)
                    for (Index j = 0; j < K; ++j) sum += x(n, c, start + j) * weight(o, c, j);
                y(n, o, i) = sum;
            }
        }
    }
    return y;
}

}  // namespace convkata::ch02
