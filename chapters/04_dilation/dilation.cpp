// Chapter 04 - dilation: spreading the taps.
//
// Read chapters/04_dilation/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 4
// Stuck? Ask for a hint:                           ./kata hint 4
#include "dilation.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch04 {

Tensor3 dilate_kernel(const Tensor3& weight, Index dilation) {
    // TODO: return a zero tensor [OC, C, dilation*(K-1)+1] with weight(o, c, k) copied to
    //       position k*dilation, so that dilation-1 zeros sit between neighbouring taps.
    //       Refuse (convkata::invalid("dilate_kernel", ...), naming the number) a dilation below 1:
    //       dilation 1 means "no gaps", not 0.
    throw not_implemented("04_dilation", "dilate_kernel");
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, Index dilation, PadMode padding_mode) {
    // TODO: y[n, o, i] = bias[o] + sum over c and k of xp[n, c, i*stride + k*dilation] * weight[o, c, k],
    //       where xp is x with pad_left and pad_right added as padding_mode says, and
    //       L_out = floor((L + pad_left + pad_right - dilation*(K-1) - 1) / stride) + 1.
    //       Do not build xp: map each window position back to an index of x (the lesson shows how
    //       for each mode), and skip the positions that read a zero.
    //       padding="same": dilation*(K-1) in total, the odd element on the right; "valid": none.
    //       Refuse with convkata::invalid("conv1d", ...), naming the numbers: dilation < 1, stride < 1,
    //       negative padding, "same" with stride > 1, weight channels != x channels, a bias whose
    //       length is not OC, reflect padding >= L, circular padding > L, and a dilated kernel
    //       reaching further than the padded input (name both sizes).
    throw not_implemented("04_dilation", "conv1d");
}

Index receptive_field(const std::vector<Layer1d>& layers) {
    // TODO: 1 + sum over layers i of dilation_i*(kernel_i-1) * (stride_0 * ... * stride_{i-1}).
    //       An empty stack sees 1 position. Refuse a layer with kernel, stride or dilation below 1.
    throw not_implemented("04_dilation", "receptive_field");
}

std::vector<Index> kernel_size_for(Index in, Index out, Index stride, Index padding, Index dilation) {
    // TODO: every K >= 1 with floor((in + 2*padding - dilation*(K-1) - 1) / stride) + 1 == out,
    //       smallest first (several when stride > 1, none at all is possible: return them all).
    //       Refuse in < 1, out < 1, stride < 1, padding < 0 or dilation < 1.
    throw not_implemented("04_dilation", "kernel_size_for");
}

}  // namespace convkata::ch04
