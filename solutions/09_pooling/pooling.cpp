// Chapter 09 - pooling: max, average and adaptive pooling. Model solution.
#include "pooling.hpp"

#include "convkata/errors.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace convkata::ch09 {

namespace {

// One spatial dimension of a pooling call: its windows and their taps.
struct Axis {
    Index in = 1, kernel = 1, stride = 1, padding = 0, dilation = 1;
    Index out = 1;  // how many windows

    // Tap j of window o; negative or >= in means it lands in the padding.
    Index tap(Index o, Index j) const { return o * stride - padding + j * dilation; }
    bool inside(Index position) const { return 0 <= position && position < in; }
    // Positions of window o inside the input or its padding (what count_include_pad
    // counts): a window that ceil_mode lets hang past the padding stops there.
    Index covered(Index o) const { return std::min(tap(o, 0) + kernel, in + padding) - tap(o, 0); }
};

// Checks one dimension's arguments and counts its windows. `where` is "" in
// 1-D and " along H" / " along W" in 2-D, for the messages.
Axis make_axis(const std::string& op, const std::string& where, Index in, Index kernel, Index stride, Index padding,
               Index dilation, bool ceil_mode) {
    if (kernel < 1) invalid(op, "kernel_size should be greater than zero, but got kernel_size=", kernel, where);
    if (stride < 1) invalid(op, "stride should be greater than zero, but got stride=", stride, where);
    if (dilation < 1) invalid(op, "dilation should be greater than zero, but got dilation=", dilation, where);
    if (padding < 0) invalid(op, "padding must be non-negative, but got padding=", padding, where);
    if (padding > kernel / 2) {
        invalid(op, "padding should be at most half of kernel size, but got padding=", padding, " and kernel_size=",
                kernel, where);
    }
    // Window starts, counted in the padded input, go 0, stride, 2*stride, ...
    // up to `last`, the last start at which the whole window fits.
    const Index last = in + 2 * padding - (dilation * (kernel - 1) + 1);
    Index out = 0;
    if (!ceil_mode) {
        if (last >= 0) out = last / stride + 1;
    } else {
        // Rounding up adds a window that hangs past the end...
        if (last + stride - 1 >= 0) out = (last + stride - 1) / stride + 1;
        // ... unless it would start in the right padding, where it would see nothing.
        if (out > 0 && (out - 1) * stride >= in + padding) --out;
    }
    if (out < 1) {
        invalid(op, "Output size is too small", where, ": ", out, " windows of kernel_size=", kernel,
                " (dilation=", dilation, ") in ", in, " elements with padding=", padding);
    }
    return {in, kernel, stride, padding, dilation, out};
}

void check_not_empty(const std::string& op, const Tensor4& x, bool one_d) {
    if (x.dimension(1) == 0 || x.dimension(2) == 0 || x.dimension(3) == 0) {
        const std::string shape = one_d ? shape_string(Eigen::array<Index, 3>{x.dimension(0), x.dimension(1),
                                                                              x.dimension(3)})
                                        : shape_string(x);
        invalid(op, "expected a non-empty input (only N may be 0), but got ", shape);
    }
}

std::pair<Tensor4, IndexTensor<4>> max_pool(const Tensor4& x, const Axis& h, const Axis& w) {
    const Index N = x.dimension(0), C = x.dimension(1), W = x.dimension(3);
    Tensor4 values(N, C, h.out, w.out);
    IndexTensor<4> indices(N, C, h.out, w.out);
    for (Index n = 0; n < N; ++n)
        for (Index c = 0; c < C; ++c)
            for (Index oh = 0; oh < h.out; ++oh)
                for (Index ow = 0; ow < w.out; ++ow) {
                    float best = -std::numeric_limits<float>::infinity();
                    Index best_at = -1;
                    for (Index i = 0; i < h.kernel; ++i) {
                        const Index ih = h.tap(oh, i);
                        if (!h.inside(ih)) continue;  // padding is minus infinity: it never wins
                        for (Index j = 0; j < w.kernel; ++j) {
                            const Index iw = w.tap(ow, j);
                            if (!w.inside(iw)) continue;
                            const float v = x(n, c, ih, iw);
                            // Strictly greater: on a tie the first maximum stays.
                            if (best_at < 0 || v > best) {
                                best = v;
                                best_at = ih * W + iw;
                            }
                        }
                    }
                    values(n, c, oh, ow) = best;
                    indices(n, c, oh, ow) = best_at;
                }
    return {values, indices};
}

Tensor4 avg_pool(const Tensor4& x, const Axis& h, const Axis& w, bool count_include_pad,
                 std::optional<Index> divisor_override) {
    const Index N = x.dimension(0), C = x.dimension(1);
    Tensor4 y(N, C, h.out, w.out);
    for (Index n = 0; n < N; ++n)
        for (Index c = 0; c < C; ++c)
            for (Index oh = 0; oh < h.out; ++oh)
                for (Index ow = 0; ow < w.out; ++ow) {
                    float sum = 0.0f;
                    Index count = 0;  // elements of the input in the window
                    for (Index i = 0; i < h.kernel; ++i) {
                        const Index ih = h.tap(oh, i);
                        if (!h.inside(ih)) continue;
                        for (Index j = 0; j < w.kernel; ++j) {
                            const Index iw = w.tap(ow, j);
                            if (!w.inside(iw)) continue;
                            sum += x(n, c, ih, iw);
                            ++count;
                        }
                    }
                    Index divisor = count;
                    if (divisor_override) {
                        divisor = *divisor_override;
                    } else if (count_include_pad) {
                        divisor = h.covered(oh) * w.covered(ow);
                    }
                    y(n, c, oh, ow) = sum / static_cast<float>(divisor);
                }
    return y;
}

// [N, C, L] <-> [N, C, 1, L]: a 1-D pooling is a 2-D one with a single row.
Tensor4 as_2d(const Tensor3& x) {
    return x.reshape(Eigen::array<Index, 4>{x.dimension(0), x.dimension(1), 1, x.dimension(2)});
}

template <typename Scalar>
Eigen::Tensor<Scalar, 3, Eigen::RowMajor> as_1d(const Eigen::Tensor<Scalar, 4, Eigen::RowMajor>& y) {
    return y.reshape(Eigen::array<Index, 3>{y.dimension(0), y.dimension(1), y.dimension(3)});
}

// The single row of a 1-D call: one window of one tap.
const Axis kOneRow{};

struct Axes2 {
    Axis h, w;
};

Axes2 make_axes(const std::string& op, const Tensor4& x, Size2 kernel, std::optional<Size2> stride, Size2 padding,
                Size2 dilation, bool ceil_mode) {
    const Size2 step = stride.value_or(kernel);  // PyTorch: no stride means windows side by side
    check_not_empty(op, x, false);
    return {make_axis(op, " along H", x.dimension(2), kernel[0], step[0], padding[0], dilation[0], ceil_mode),
            make_axis(op, " along W", x.dimension(3), kernel[1], step[1], padding[1], dilation[1], ceil_mode)};
}

Axis make_axis_1d(const std::string& op, const Tensor4& x, Index kernel, std::optional<Index> stride,
                  Index padding, Index dilation, bool ceil_mode) {
    check_not_empty(op, x, true);
    return make_axis(op, "", x.dimension(3), kernel, stride.value_or(kernel), padding, dilation, ceil_mode);
}

}  // namespace

std::pair<Tensor3, IndexTensor<3>> max_pool1d_with_indices(const Tensor3& x, Index kernel_size,
                                                           std::optional<Index> stride, Index padding,
                                                           Index dilation, bool ceil_mode) {
    const Tensor4 x2 = as_2d(x);
    const Axis w = make_axis_1d("max_pool1d", x2, kernel_size, stride, padding, dilation, ceil_mode);
    const auto [values, indices] = max_pool(x2, kOneRow, w);
    return {as_1d(values), as_1d(indices)};  // in a single row, h*W + w is w
}

Tensor3 max_pool1d(const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding,
                   Index dilation, bool ceil_mode) {
    return max_pool1d_with_indices(x, kernel_size, stride, padding, dilation, ceil_mode).first;
}

std::pair<Tensor4, IndexTensor<4>> max_pool2d_with_indices(const Tensor4& x, Size2 kernel_size,
                                                           std::optional<Size2> stride, Size2 padding,
                                                           Size2 dilation, bool ceil_mode) {
    const Axes2 a = make_axes("max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode);
    return max_pool(x, a.h, a.w);
}

Tensor4 max_pool2d(const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding,
                   Size2 dilation, bool ceil_mode) {
    return max_pool2d_with_indices(x, kernel_size, stride, padding, dilation, ceil_mode).first;
}

Tensor3 avg_pool1d(const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding,
                   bool ceil_mode, bool count_include_pad) {
    const Tensor4 x2 = as_2d(x);
    const Axis w = make_axis_1d("avg_pool1d", x2, kernel_size, stride, padding, 1, ceil_mode);
    return as_1d(avg_pool(x2, kOneRow, w, count_include_pad, std::nullopt));
}

Tensor4 avg_pool2d(const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding,
                   bool ceil_mode, bool count_include_pad, std::optional<Index> divisor_override) {
    const Axes2 a = make_axes("avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode);
    if (divisor_override && *divisor_override == 0) invalid("avg_pool2d", "divisor_override must not be zero");
    return avg_pool(x, a.h, a.w, count_include_pad, divisor_override);
}

Tensor4 adaptive_avg_pool2d(const Tensor4& x, Size2 output_size) {
    const Index N = x.dimension(0), C = x.dimension(1), H = x.dimension(2), W = x.dimension(3);
    const Index OH = output_size[0], OW = output_size[1];
    if (OH < 0 || OW < 0) {
        invalid("adaptive_avg_pool2d", "output_size must not be negative, but got output_size=",
                output_size.to_string());
    }
    if (H == 0 || W == 0) {
        invalid("adaptive_avg_pool2d", "expected an input with non-zero H and W, but got ", shape_string(x));
    }
    Tensor4 y(N, C, OH, OW);
    for (Index n = 0; n < N; ++n)
        for (Index c = 0; c < C; ++c)
            for (Index oh = 0; oh < OH; ++oh) {
                // Bin oh covers rows floor(oh*H/OH) .. ceil((oh+1)*H/OH) - 1.
                const Index h0 = oh * H / OH, h1 = ((oh + 1) * H + OH - 1) / OH;
                for (Index ow = 0; ow < OW; ++ow) {
                    const Index w0 = ow * W / OW, w1 = ((ow + 1) * W + OW - 1) / OW;
                    float sum = 0.0f;
                    for (Index ih = h0; ih < h1; ++ih)
                        for (Index iw = w0; iw < w1; ++iw) sum += x(n, c, ih, iw);
                    y(n, c, oh, ow) = sum / static_cast<float>((h1 - h0) * (w1 - w0));
                }
            }
    return y;
}

}  // namespace convkata::ch09
