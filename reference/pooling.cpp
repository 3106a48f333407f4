// Pooling with Eigen Tensor operations. Every call is made 2-D (a 1-D input
// [N, C, L] is [N, C, 1, L]), then:
//   1. the input is framed: padded with the fill value (minus infinity for
//      max, zero for average) and cut or padded at the end to exactly what
//      the windows read;
//   2. extract_image_patches gathers every window: [N*C, windows, KH*KW];
//   3. max pooling reduces the taps with .maximum() and .argmax(); average
//      pooling with .sum(), divided by the count of the same windows over a
//      mask of ones where elements count.
// Adaptive average pooling is two averaging matrices, Y = A_H * X * A_W^T.
#include "pooling.hpp"

#include "convkata/errors.hpp"
#include "convkata/shape.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace convkata::ref {

namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstPlane = Eigen::Map<const Matrix>;
using Plane = Eigen::Map<Matrix>;

const Eigen::array<Index, 1> kTapAxis{2};

// One pooling call in 2-D terms.
struct Pool {
    std::string op;
    int dims = 2;  // 1: the caller passed a 1-D call, so messages show W's numbers only
    Size2 kernel = 1, stride = 1, padding = 0, dilation = 1;
    bool ceil_mode = false;
    Size2 out = 0;  // windows along H and W, set by check()

    std::string show(const Size2& s) const { return dims == 1 ? std::to_string(s[1]) : s.to_string(); }

    std::string shape_of(const Tensor4& x) const {
        if (dims == 1) return shape_string(Eigen::array<Index, 3>{x.dimension(0), x.dimension(1), x.dimension(3)});
        return shape_string(x);
    }

    // "CxHxW", as PyTorch prints sizes in "Output size is too small".
    std::string plane_sizes(Index channels, const Size2& s) const {
        return std::to_string(channels) + "x" + (dims == 1 ? "" : std::to_string(s[0]) + "x") + std::to_string(s[1]);
    }
};

Pool pool1d(const std::string& op, Index kernel, std::optional<Index> stride, Index padding, Index dilation,
            bool ceil_mode) {
    return {op, 1, Size2(1, kernel), Size2(1, stride.value_or(kernel)), Size2(0, padding), Size2(1, dilation),
            ceil_mode};
}

Pool pool2d(const std::string& op, Size2 kernel, std::optional<Size2> stride, Size2 padding, Size2 dilation,
            bool ceil_mode) {
    return {op, 2, kernel, stride.value_or(kernel), padding, dilation, ceil_mode};
}

// PyTorch's checks (pool2d_shape_check), in its order; sets p.out.
void check(Pool& p, const Tensor4& input, bool has_dilation) {
    auto any_below = [](const Size2& s, Index least) { return s[0] < least || s[1] < least; };
    if (any_below(p.kernel, 1)) {
        invalid(p.op, "kernel_size should be greater than zero, but got kernel_size=", p.show(p.kernel));
    }
    if (any_below(p.stride, 1)) invalid(p.op, "stride should be greater than zero, but got stride=", p.show(p.stride));
    if (has_dilation && any_below(p.dilation, 1)) {
        invalid(p.op, "dilation should be greater than zero, but got dilation=", p.show(p.dilation));
    }
    if (input.dimension(1) == 0 || input.dimension(2) == 0 || input.dimension(3) == 0) {
        invalid(p.op, "expected a non-empty input ", p.dims == 1 ? "[N, C, L]" : "[N, C, H, W]",
                " (only N may be 0), but got ", p.shape_of(input));
    }
    if (any_below(p.padding, 0)) invalid(p.op, "padding must be non-negative, but got padding=", p.show(p.padding));
    if (p.padding[0] > p.kernel[0] / 2 || p.padding[1] > p.kernel[1] / 2) {
        invalid(p.op, "padding should be at most half of kernel size, but got padding=", p.show(p.padding),
                " and kernel_size=", p.show(p.kernel));
    }
    for (int d = 0; d < 2; ++d) {
        p.out[d] = pool_output_size(input.dimension(2 + d), p.kernel[d], p.stride[d], p.padding[d],
                                    p.dilation[d], p.ceil_mode);
    }
    if (any_below(p.out, 1)) {
        const Index C = input.dimension(1);
        invalid(p.op, "Given input size: (", p.plane_sizes(C, Size2(input.dimension(2), input.dimension(3))),
                "). Calculated output size: (", p.plane_sizes(C, p.out), "). Output size is too small");
    }
}

// x with `before` elements of `fill` added above and to the left, and at the
// bottom and right exactly what the last window reads: more fill where
// ceil_mode reaches past the input, or a cut where no window reaches the end.
Tensor4 framed(const Tensor4& x, const Pool& p, const Size2& before, float fill) {
    Eigen::array<Index, 4> keep = x.dimensions();
    Eigen::array<std::pair<Index, Index>, 4> sides{};
    for (int d = 0; d < 2; ++d) {
        const Index extent = (p.out[d] - 1) * p.stride[d] + dilated_kernel_size(p.kernel[d], p.dilation[d]);
        const Index after = extent - before[d] - x.dimension(2 + d);
        keep[2 + d] = std::min(x.dimension(2 + d), x.dimension(2 + d) + after);
        sides[2 + d] = {before[d], std::max<Index>(after, 0)};
    }
    return x.slice(Eigen::array<Index, 4>{0, 0, 0, 0}, keep).pad(sides, fill);
}

// Every window of a framed tensor, tap by tap: [N*C, windows, KH*KW], the
// windows row-major over (oh, ow), the taps row-major over (kh, kw).
Tensor3 windows_of(const Tensor4& frame, const Pool& p) {
    const Index planes = frame.dimension(0) * frame.dimension(1);
    const Tensor4 images = frame.reshape(Eigen::array<Index, 4>{planes, frame.dimension(2), frame.dimension(3), 1});
    // A row-major tensor is [batch, cols, rows, depth] to extract_image_patches:
    // H is its "cols" and W its "rows", so every pair is passed W first.
    const Tensor<5> patches = images.extract_image_patches(p.kernel[1], p.kernel[0], p.stride[1], p.stride[0],
                                                           p.dilation[1], p.dilation[0], Eigen::PADDING_VALID);
    if (patches.dimension(1) != p.out[0] * p.out[1] || patches.dimension(2) != p.kernel[0]) {
        throw std::logic_error(p.op + ": the frame does not hold the expected windows");
    }
    return patches.reshape(Eigen::array<Index, 3>{planes, p.out[0] * p.out[1], p.kernel[0] * p.kernel[1]});
}

// The first tap of a window starting at `start` that is not before the input.
Index first_tap_inside(Index start, Index dilation) {
    while (start < 0) start += dilation;
    return start;
}

std::pair<Tensor4, IndexTensor<4>> max_pool(const Tensor4& input, Pool p) {
    check(p, input, true);
    const Index N = input.dimension(0), C = input.dimension(1), H = input.dimension(2), W = input.dimension(3);
    const Eigen::array<Index, 4> out_dims{N, C, p.out[0], p.out[1]};
    Tensor4 values(out_dims);
    IndexTensor<4> indices(out_dims);
    if (values.size() == 0) return {values, indices};

    const Tensor3 taps = windows_of(framed(input, p, p.padding, -std::numeric_limits<float>::infinity()), p);
    values = taps.maximum(kTapAxis).reshape(out_dims);
    const IndexTensor<2> best = taps.argmax(2);  // [N*C, windows]: the first tap holding the maximum

    // The winning tap, back to a position in the [H, W] plane.
    const Index KW = p.kernel[1];
    for (Index plane = 0; plane < N * C; ++plane) {
        for (Index oh = 0; oh < p.out[0]; ++oh) {
            for (Index ow = 0; ow < p.out[1]; ++ow) {
                const Index tap = best(plane, oh * p.out[1] + ow);
                const Index top = oh * p.stride[0] - p.padding[0], left = ow * p.stride[1] - p.padding[1];
                Index h = top + (tap / KW) * p.dilation[0], w = left + (tap % KW) * p.dilation[1];
                if (h < 0 || h >= H || w < 0 || w >= W) {
                    // Padding wins only a window whose maximum is minus infinity; PyTorch then
                    // names the window's first tap inside the input along each dimension.
                    h = first_tap_inside(top, p.dilation[0]);
                    w = first_tap_inside(left, p.dilation[1]);
                }
                indices.data()[plane * p.out[0] * p.out[1] + oh * p.out[1] + ow] = h * W + w;
            }
        }
    }
    return {values, indices};
}

Tensor4 avg_pool(const Tensor4& input, Pool p, bool count_include_pad, std::optional<Index> divisor_override) {
    check(p, input, false);
    if (divisor_override && *divisor_override == 0) invalid(p.op, "divisor_override must not be zero");
    const Index N = input.dimension(0), C = input.dimension(1), H = input.dimension(2), W = input.dimension(3);
    const Eigen::array<Index, 4> out_dims{N, C, p.out[0], p.out[1]};
    if (N == 0) return Tensor4(out_dims);

    const Index windows = p.out[0] * p.out[1];
    const Tensor2 sums = windows_of(framed(input, p, p.padding, 0.0f), p).sum(kTapAxis);
    Tensor2 counts(1, windows);
    if (divisor_override) {
        counts.setConstant(static_cast<float>(*divisor_override));
    } else {
        // Ones where an element counts (the input, and the padding when it is
        // included), pooled like the input: never what lies past the padding.
        Tensor4 ones = count_include_pad ? Tensor4(1, 1, H + 2 * p.padding[0], W + 2 * p.padding[1])
                                         : Tensor4(1, 1, H, W);
        ones.setConstant(1.0f);
        counts = windows_of(framed(ones, p, count_include_pad ? Size2(0) : p.padding, 0.0f), p).sum(kTapAxis);
    }
    const Tensor2 means = sums / counts.broadcast(Eigen::array<Index, 2>{N * C, 1});
    return means.reshape(out_dims);
}

// Row i averages the inputs of bin i, [floor(i*in/out), ceil((i+1)*in/out)).
MatrixD averaging_matrix(Index in, Index out) {
    MatrixD a = MatrixD::Zero(out, in);
    for (Index i = 0; i < out; ++i) {
        const Index start = i * in / out;
        const Index end = ((i + 1) * in + out - 1) / out;
        a.row(i).segment(start, end - start).setConstant(1.0 / static_cast<double>(end - start));
    }
    return a;
}

Tensor4 as_2d(const Tensor3& x) {
    return x.reshape(Eigen::array<Index, 4>{x.dimension(0), x.dimension(1), 1, x.dimension(2)});
}

template <typename Scalar>
Eigen::Tensor<Scalar, 3, Eigen::RowMajor> as_1d(const Eigen::Tensor<Scalar, 4, Eigen::RowMajor>& y) {
    return y.reshape(Eigen::array<Index, 3>{y.dimension(0), y.dimension(1), y.dimension(3)});
}

}  // namespace

Tensor3 max_pool1d(const Tensor3& input, Index kernel_size, std::optional<Index> stride, Index padding,
                   Index dilation, bool ceil_mode) {
    return as_1d(max_pool(as_2d(input), pool1d("max_pool1d", kernel_size, stride, padding, dilation, ceil_mode)).first);
}

std::pair<Tensor3, IndexTensor<3>> max_pool1d_with_indices(const Tensor3& input, Index kernel_size,
                                                           std::optional<Index> stride, Index padding,
                                                           Index dilation, bool ceil_mode) {
    const auto [values, indices] =
        max_pool(as_2d(input), pool1d("max_pool1d", kernel_size, stride, padding, dilation, ceil_mode));
    return {as_1d(values), as_1d(indices)};  // h is 0: h*W + w is the position along L
}

Tensor4 max_pool2d(const Tensor4& input, Size2 kernel_size, std::optional<Size2> stride, Size2 padding,
                   Size2 dilation, bool ceil_mode) {
    return max_pool(input, pool2d("max_pool2d", kernel_size, stride, padding, dilation, ceil_mode)).first;
}

std::pair<Tensor4, IndexTensor<4>> max_pool2d_with_indices(const Tensor4& input, Size2 kernel_size,
                                                           std::optional<Size2> stride, Size2 padding,
                                                           Size2 dilation, bool ceil_mode) {
    return max_pool(input, pool2d("max_pool2d", kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor3 avg_pool1d(const Tensor3& input, Index kernel_size, std::optional<Index> stride, Index padding,
                   bool ceil_mode, bool count_include_pad) {
    return as_1d(avg_pool(as_2d(input), pool1d("avg_pool1d", kernel_size, stride, padding, 1, ceil_mode),
                          count_include_pad, std::nullopt));
}

Tensor4 avg_pool2d(const Tensor4& input, Size2 kernel_size, std::optional<Size2> stride, Size2 padding,
                   bool ceil_mode, bool count_include_pad, std::optional<Index> divisor_override) {
    return avg_pool(input, pool2d("avg_pool2d", kernel_size, stride, padding, 1, ceil_mode), count_include_pad,
                    divisor_override);
}

Tensor4 adaptive_avg_pool2d(const Tensor4& input, Size2 output_size) {
    if (output_size[0] < 0 || output_size[1] < 0) {
        invalid("adaptive_avg_pool2d", "elements of output_size must be greater than or equal to 0, but got ",
                "output_size=", output_size.to_string());
    }
    const Index N = input.dimension(0), C = input.dimension(1), H = input.dimension(2), W = input.dimension(3);
    if (H == 0 || W == 0) {
        invalid("adaptive_avg_pool2d", "expected an input with non-zero H and W (only N and C may be 0), but got ",
                shape_string(input));
    }
    const Index OH = output_size[0], OW = output_size[1];
    Tensor4 output(N, C, OH, OW);
    if (output.size() == 0) return output;
    const MatrixD rows = averaging_matrix(H, OH), columns = averaging_matrix(W, OW);
    for (Index plane = 0; plane < N * C; ++plane) {
        const ConstPlane x(input.data() + plane * H * W, H, W);
        Plane(output.data() + plane * OH * OW, OH, OW) = (rows * x.cast<double>() * columns.transpose()).cast<float>();
    }
    return output;
}

}  // namespace convkata::ref
