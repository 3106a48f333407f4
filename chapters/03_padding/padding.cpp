// Chapter 03 - padding: growing the border.
//
// Read chapters/03_padding/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 3
// Stuck? Ask for a hint:                           ./kata hint 3
#include "padding.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch03 {

Tensor3 pad1d(const Tensor3& x, Index left, Index right, PadMode mode) {
    // TODO: make y [N, C, left + L + right] with y[n, c, left + i] = x[n, c, i] in the middle, and
    //       fill the `left` positions before and the `right` positions after it as `mode` says:
    //         zeros      0
    //         reflect    mirror at the edge element, without repeating it (3 2 | 1 2 3 4 5 | 4 3)
    //         replicate  the edge element again                          (1 1 | 1 2 3 4 5 | 5 5)
    //         circular   wrap around: the left border is the END of x    (4 5 | 1 2 3 4 5 | 1 2)
    //       Refuse (convkata::invalid("pad1d", ...), naming the numbers): left or right negative,
    //       reflect with a pad >= L, circular with a pad > L, replicate of an empty input (L = 0).
    throw not_implemented("03_padding", "pad1d");
}

PadPair same_padding(Index kernel, Index dilation) {
    // TODO: the total padding is dilation * (kernel - 1); split it into {left, right} with the
    //       extra element (when the total is odd) on the right.
    //       Refuse a kernel or a dilation below 1.
    throw not_implemented("03_padding", "same_padding");
}

Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, PadMode padding_mode) {
    // TODO: 1. work out {left, right}: padding.amount() on both sides, {0, 0} for "valid",
    //          same_padding(K) for "same";
    //       2. padded = pad1d(x, left, right, padding_mode);
    //       3. y[n, o, i] = bias[o] + sum over c and j of padded[n, c, i*stride + j] * weight[o, c, j],
    //          for i = 0 .. L_out-1 (output_size_padded in convkata/shape.hpp gives L_out).
    //       Refuse with convkata::invalid("conv1d", ...), naming the numbers: stride < 1, negative
    //       padding, padding "same" with stride > 1, weight channels != x channels, a bias whose
    //       length is not OC, a kernel longer than the padded input, and a padding the mode
    //       cannot make (your pad1d refuses it: catch that and refuse as "conv1d").
    throw not_implemented("03_padding", "conv1d");
}

}  // namespace convkata::ch03
