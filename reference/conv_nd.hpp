// The reference's one convolution, for any number of spatial dimensions S:
// im2col + a matrix product (forward) and its adjoint, col2im (transposed).
// conv1d, conv2d, conv3d, the transposed convolutions and the conv matrices
// are thin wrappers around these templates (reference/conv_nd.cpp).
#pragma once

#include "convkata/tensor.hpp"

#include <array>
#include <optional>
#include <string>

namespace convkata::ref::detail {

// Where every window of a convolution sits: `in` is the (unpadded) grid the
// windows read, `out` the grid of window positions. Window position o reads
// in[o*stride - pad_before + k*dilation] for every tap k; taps outside `in`
// read zero.
template <int S>
struct Geometry {
    std::array<Index, S> in{}, out{}, kernel{}, stride{}, dilation{}, pad_before{};

    Index in_size() const { return product(in); }
    Index out_size() const { return product(out); }
    Index kernel_size() const { return product(kernel); }

    static Index product(const std::array<Index, S>& a) {
        Index p = 1;
        for (Index v : a) p *= v;
        return p;
    }
};

// Calls visit(column, row_tap, in_index) for every window position (column,
// row-major over `out`), every tap (row_tap, row-major over `kernel`) that
// lands inside `in` (in_index, row-major over `in`).
template <int S, typename Visit>
void for_each_tap(const Geometry<S>& g, Visit&& visit) {
    std::array<Index, S> o{}, k{};
    for (Index column = 0; column < g.out_size(); ++column) {
        Index rest = column;
        for (int d = S - 1; d >= 0; --d) {
            o[d] = rest % g.out[d];
            rest /= g.out[d];
        }
        for (Index tap = 0; tap < g.kernel_size(); ++tap) {
            Index r = tap;
            for (int d = S - 1; d >= 0; --d) {
                k[d] = r % g.kernel[d];
                r /= g.kernel[d];
            }
            Index in_index = 0;
            bool inside = true;
            for (int d = 0; d < S && inside; ++d) {
                const Index p = o[d] * g.stride[d] - g.pad_before[d] + k[d] * g.dilation[d];
                inside = p >= 0 && p < g.in[d];
                in_index = in_index * g.in[d] + p;
            }
            if (inside) visit(column, tap, in_index);
        }
    }
}

// What a convolution call asks for, in the reference's terms.
template <int S>
struct ConvSpec {
    std::string op;                    // "conv2d", for messages
    std::array<Index, S> stride{}, dilation{}, pad_before{}, pad_after{};
    Index groups = 1;
};

// The checks F.convNd makes, in PyTorch's order and wording (std::invalid_argument).
template <int S>
void check_conv(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                const ConvSpec<S>& spec);

// input [N, C, in...], weight [OC, C/groups, kernel...] -> [N, OC, out...]
template <int S>
Tensor<S + 2> convolve(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                       const ConvSpec<S>& spec);

// input [N, C, in...], weight [C, OC/groups, kernel...] -> [N, OC, out...]
template <int S>
Tensor<S + 2> convolve_transposed(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                                  const ConvSpec<S>& spec, const std::array<Index, S>& output_padding);

}  // namespace convkata::ref::detail
