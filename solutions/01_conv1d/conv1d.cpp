// Chapter 01 - conv1d: sliding a kernel. Model solution.
#include "conv1d.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch01 {

Tensor1 conv1d_single(const Tensor1& x, const Tensor1& w) {
    const Index L = x.dimension(0);
    const Index K = w.dimension(0);
    if (K < 1 || K > L) {
        invalid("conv1d_single", "kernel of size ", K, " does not fit in an input of size ", L);
    }
    Tensor1 y(L - K + 1);
    for (Index i = 0; i < L - K + 1; ++i) {
        float sum = 0.0f;
        for (Index j = 0; j < K; ++j) sum += x(i + j) * w(j);
        y(i) = sum;
    }
    return y;
}

Tensor2 conv1d(const Tensor2& x, const Tensor3& weight, const OptionalBias& bias) {
    const Index C = x.dimension(0);
    const Index L = x.dimension(1);
    const Index OC = weight.dimension(0);
    const Index K = weight.dimension(2);
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
    Tensor2 y(OC, L - K + 1);
    for (Index o = 0; o < OC; ++o) {
        for (Index i = 0; i < L - K + 1; ++i) {
            float sum = bias ? (*bias)(o) : 0.0f;
            for (Index c = 0; c < C; ++c)
                for (Index j = 0; j < K; ++j) sum += x(c, i + j) * weight(o, c, j);
            y(o, i) = sum;
        }
    }
    return y;
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias) {
    const Index N = x.dimension(0);
    Tensor3 y;
    for (Index n = 0; n < N; ++n) {
        const Tensor2 sample = x.chip(n, 0);
        const Tensor2 out = conv1d(sample, weight, bias);
        if (n == 0) y.resize(N, out.dimension(0), out.dimension(1));
        y.chip(n, 0) = out;
    }
    if (N == 0) {
        // No sample to ask for the output length: check the arguments on an empty one.
        const Tensor2 out = conv1d(Tensor2(x.dimension(1), x.dimension(2)), weight, bias);
        y.resize(0, out.dimension(0), out.dimension(1));
    }
    return y;
}

Index parameter_count(Index in_channels, Index out_channels, Index kernel_size, bool bias) {
    if (in_channels < 1 || out_channels < 1 || kernel_size < 1) {
        invalid("parameter_count", "channels and kernel size must be at least 1, but got in_channels=", in_channels,
                ", out_channels=", out_channels, ", kernel_size=", kernel_size);
    }
    return out_channels * in_channels * kernel_size + (bias ? out_channels : 0);
}

}  // namespace convkata::ch01
