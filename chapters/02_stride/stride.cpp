// Chapter 02 - stride: skipping positions.
//
// Read chapters/02_stride/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 2
// Stuck? Ask for a hint:                           ./kata hint 2
#include "stride.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch02 {

Index output_length(Index length, Index kernel, Index stride) {
    // TODO: return floor((length - kernel) / stride) + 1, the number of windows that fit.
    //       Refuse (std::invalid_argument via convkata::invalid("output_length", ...), naming
    //       the numbers): a stride below 1, a kernel below 1, a kernel longer than length.
    throw not_implemented("02_stride", "output_length");
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride) {
    // TODO: y[n, o, i] = bias[o] + sum over input channels c and taps j of x[n, c, i*stride + j] * weight[o, c, j],
    //       for i = 0 .. output_length(L, K, stride) - 1.
    //       Refuse (convkata::invalid("conv1d", ...), naming the numbers): a stride below 1, weight's
    //       channel count not equal to x's, a kernel that is empty or longer than the input, a bias
    //       whose length is not OC.
    throw not_implemented("02_stride", "conv1d");
}

}  // namespace convkata::ch02
