// Chapter 01 - conv1d: sliding a kernel.
//
// Read chapters/01_conv1d/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 1
// Stuck? Ask for a hint:                           ./kata hint 1
#include "conv1d.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch01 {

Tensor1 conv1d_single(const Tensor1& x, const Tensor1& w) {
    // TODO: y[i] = x[i]*w[0] + x[i+1]*w[1] + ... + x[i+K-1]*w[K-1], for i = 0 .. L-K.
    //       A kernel that is empty or longer than x: throw std::invalid_argument
    //       (use convkata::invalid("conv1d_single", ...) and name both lengths).
    throw not_implemented("01_conv1d", "conv1d_single");
}

Tensor2 conv1d(const Tensor2& x, const Tensor3& weight, const OptionalBias& bias) {
    // TODO: y[o, i] = bias[o] + sum over input channels c and taps j of x[c, i+j] * weight[o, c, j].
    //       Refuse (std::invalid_argument, naming the numbers): weight's channel count
    //       not equal to x's, a kernel longer than the input, a bias whose length is not OC.
    throw not_implemented("01_conv1d", "conv1d (one sample)");
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias) {
    // TODO: run the one-sample conv1d on every x[n] and stack the results.
    throw not_implemented("01_conv1d", "conv1d (batch)");
}

Index parameter_count(Index in_channels, Index out_channels, Index kernel_size, bool bias) {
    // TODO: count the weights [OC, C, K], plus one bias per output channel if bias is true.
    //       Refuse a count below 1.
    throw not_implemented("01_conv1d", "parameter_count");
}

}  // namespace convkata::ch01
