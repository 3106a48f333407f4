// Chapter 09 - pooling: max, average and adaptive pooling.
//
// Read chapters/09_pooling/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 9
// Stuck? Ask for a hint:                           ./kata hint 9
#include "pooling.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch09 {

Tensor3 max_pool1d(const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding,
                   Index dilation, bool ceil_mode) {
    // TODO: y[n, c, o] = the largest x[n, c, o*stride - padding + j*dilation] over the taps j = 0 .. kernel_size-1
    //       that land inside x (a tap in the padding never wins: the padding is minus infinity, not zero).
    //       No stride given: stride = kernel_size. L_out as in the lesson, ceil_mode included (a window that
    //       would start in the right padding is dropped).
    //       Refuse (convkata::invalid("max_pool1d", ...), with the numbers): kernel_size, stride or dilation
    //       below 1, negative padding, padding > kernel_size / 2, an input with no channels or L = 0,
    //       L_out below 1.
    throw not_implemented("09_pooling", "max_pool1d");
}

std::pair<Tensor3, IndexTensor<3>> max_pool1d_with_indices(const Tensor3& x, Index kernel_size,
                                                           std::optional<Index> stride, Index padding,
                                                           Index dilation, bool ceil_mode) {
    // TODO: max_pool1d, and beside each maximum its position along L in x (0 .. L-1, not its place in the
    //       window). On a tie the first maximum of the window wins. Then max_pool1d can return .first of this.
    throw not_implemented("09_pooling", "max_pool1d_with_indices");
}

Tensor4 max_pool2d(const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding,
                   Size2 dilation, bool ceil_mode) {
    // TODO: max_pool1d along H and W at once: the window of output (oh, ow) has kernel_size[0] x
    //       kernel_size[1] taps, rows oh*stride[0] - padding[0] + i*dilation[0], columns the same with [1].
    //       Every check of max_pool1d, for each dimension, named "max_pool2d".
    throw not_implemented("09_pooling", "max_pool2d");
}

std::pair<Tensor4, IndexTensor<4>> max_pool2d_with_indices(const Tensor4& x, Size2 kernel_size,
                                                           std::optional<Size2> stride, Size2 padding,
                                                           Size2 dilation, bool ceil_mode) {
    // TODO: max_pool2d, and for each maximum at row h, column w of its [H, W] plane the index h*W + w.
    throw not_implemented("09_pooling", "max_pool2d_with_indices");
}

Tensor3 avg_pool1d(const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding,
                   bool ceil_mode, bool count_include_pad) {
    // TODO: y[n, c, o] = (the sum of x over the window's taps that land inside x) / divisor, where divisor is
    //         count_include_pad: the positions of the window inside x or its padding (not past the padding),
    //         otherwise:         the positions inside x.
    //       The same output length, stride default and refusals as max_pool1d (named "avg_pool1d"; no dilation).
    throw not_implemented("09_pooling", "avg_pool1d");
}

Tensor4 avg_pool2d(const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding,
                   bool ceil_mode, bool count_include_pad, std::optional<Index> divisor_override) {
    // TODO: avg_pool1d along H and W. The divisor of output (oh, ow) is divisor_override when it is given
    //       (refuse 0), else the count along H times the count along W.
    throw not_implemented("09_pooling", "avg_pool2d");
}

Tensor4 adaptive_avg_pool2d(const Tensor4& x, Size2 output_size) {
    // TODO: y[n, c, i, j] = the mean of x[n, c] over rows floor(i*H/OH) .. ceil((i+1)*H/OH) - 1 and columns
    //       floor(j*W/OW) .. ceil((j+1)*W/OW) - 1, where (OH, OW) = output_size. An output size of 0 gives an
    //       empty tensor; refuse a negative one, and an input with H or W = 0.
    throw not_implemented("09_pooling", "adaptive_avg_pool2d");
}

}  // namespace convkata::ch09
