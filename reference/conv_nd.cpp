// Convolutions of any dimension, by im2col and a matrix product, and
// transposed convolutions by the adjoint (a matrix product, then col2im).
//
// Per sample and group:
//   forward      columns [C/g * K, P_out] = im2col(x),   y = W [OC/g, C/g * K] * columns
//   transposed   columns [OC/g * K, P_in] = W^T * x,      y = col2im(columns)
// in double precision, so that the reference is the more exact of the two.
#include "conv_nd.hpp"

#include "reference.hpp"

#include "convkata/errors.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <sstream>

namespace convkata::ref {

namespace detail {

namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <std::size_t S>
std::string joined(const std::array<Index, S>& values, const char* separator = " x ") {
    std::ostringstream out;
    for (std::size_t d = 0; d < S; ++d) out << (d ? separator : "") << values[d];
    return out.str();
}

}  // namespace

// The checks F.convNd makes, in PyTorch's order, with its wording.
template <int S>
void check_conv(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                const ConvSpec<S>& spec) {
    const std::string& op = spec.op;
    for (int d = 0; d < S; ++d) {
        if (spec.stride[d] < 1) invalid(op, "non-positive stride is not supported (stride=", joined(spec.stride, ", "), ")");
    }
    for (int d = 0; d < S; ++d) {
        if (spec.pad_before[d] < 0 || spec.pad_after[d] < 0) {
            invalid(op, "negative padding is not supported (padding=", joined(spec.pad_before, ", "), ")");
        }
    }
    for (int d = 0; d < S; ++d) {
        if (spec.dilation[d] < 1) {
            invalid(op, "dilation should be greater than zero, but got dilation=", joined(spec.dilation, ", "));
        }
    }
    if (spec.groups < 1) invalid(op, "non-positive groups is not supported (groups=", spec.groups, ")");
    const Index out_channels = weight.dimension(0);
    if (out_channels < 1) {
        invalid(op, "expected weight to be at least 1 at dimension 0, but got weight of size ", shape_string(weight));
    }
    if (out_channels % spec.groups != 0) {
        invalid(op, "Given groups=", spec.groups, ", expected weight to be divisible by ", spec.groups,
                " at dimension 0, but got weight of size ", shape_string(weight), " instead");
    }
    for (int d = 0; d < S; ++d) {
        if (weight.dimension(2 + d) < 1) {
            invalid(op, "kernel size should be greater than zero, but got weight of size ", shape_string(weight));
        }
    }
    if (input.dimension(1) != weight.dimension(1) * spec.groups) {
        invalid(op, "Given groups=", spec.groups, ", weight of size ", shape_string(weight), ", expected input",
                shape_string(input), " to have ", weight.dimension(1) * spec.groups, " channels, but got ",
                input.dimension(1), " channels instead");
    }
    if (bias && bias->dimension(0) != out_channels) {
        invalid(op, "Given weight of size ", shape_string(weight), ", expected bias to be 1-dimensional with ",
                out_channels, " elements, but got bias of size ", shape_string(*bias), " instead");
    }
    std::array<Index, S> padded{}, reach{};
    bool fits = true;
    for (int d = 0; d < S; ++d) {
        padded[d] = input.dimension(2 + d) + spec.pad_before[d] + spec.pad_after[d];
        reach[d] = dilated_kernel_size(weight.dimension(2 + d), spec.dilation[d]);
        fits = fits && reach[d] <= padded[d];
    }
    if (!fits) {
        invalid(op, "Calculated padded input size per channel: (", joined(padded), "). Kernel size: (", joined(reach),
                "). Kernel size can't be greater than actual input size");
    }
}

namespace {

// The checks F.conv_transposeNd makes.
template <int S>
void check_conv_transposed(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                           const ConvSpec<S>& spec, const std::array<Index, S>& output_padding) {
    const std::string& op = spec.op;
    for (int d = 0; d < S; ++d) {
        if (spec.stride[d] < 1) invalid(op, "non-positive stride is not supported (stride=", joined(spec.stride, ", "), ")");
        if (spec.pad_before[d] < 0) invalid(op, "negative padding is not supported (padding=", joined(spec.pad_before, ", "), ")");
        if (output_padding[d] < 0) {
            invalid(op, "negative output_padding is not supported (output_padding=", joined(output_padding, ", "), ")");
        }
        if (spec.dilation[d] < 1) {
            invalid(op, "dilation should be greater than zero, but got dilation=", joined(spec.dilation, ", "));
        }
    }
    for (int d = 0; d < S; ++d) {
        if (output_padding[d] >= std::max(spec.stride[d], spec.dilation[d])) {
            invalid(op, "output padding must be smaller than either stride or dilation, but got output_padding=(",
                    joined(output_padding, ", "), "), stride=(", joined(spec.stride, ", "), "), dilation=(",
                    joined(spec.dilation, ", "), ")");
        }
    }
    if (spec.groups < 1) invalid(op, "non-positive groups is not supported (groups=", spec.groups, ")");
    const Index in_channels = weight.dimension(0);
    if (in_channels < 1 || weight.dimension(1) < 1) {
        invalid(op, "expected a non-empty weight, but got weight of size ", shape_string(weight));
    }
    if (in_channels % spec.groups != 0) {
        invalid(op, "Given groups=", spec.groups, ", expected weight to be divisible by ", spec.groups,
                " at dimension 0, but got weight of size ", shape_string(weight), " instead");
    }
    for (int d = 0; d < S; ++d) {
        if (weight.dimension(2 + d) < 1) {
            invalid(op, "kernel size should be greater than zero, but got weight of size ", shape_string(weight));
        }
    }
    if (input.dimension(1) != in_channels) {
        invalid(op, "Given transposed=1, weight of size ", shape_string(weight), ", expected input",
                shape_string(input), " to have ", in_channels, " channels, but got ", input.dimension(1),
                " channels instead");
    }
    const Index out_channels = weight.dimension(1) * spec.groups;
    if (bias && bias->dimension(0) != out_channels) {
        invalid(op, "Given transposed=1, weight of size ", shape_string(weight),
                ", expected bias to be 1-dimensional with ", out_channels, " elements, but got bias of size ",
                shape_string(*bias), " instead");
    }
    std::array<Index, S> in{}, out{};
    bool positive = true;
    for (int d = 0; d < S; ++d) {
        in[d] = input.dimension(2 + d);
        out[d] = transposed_output_size(in[d], weight.dimension(2 + d), spec.stride[d], spec.pad_before[d],
                                        output_padding[d], spec.dilation[d]);
        positive = positive && out[d] >= 1;
    }
    if (!positive) {
        invalid(op, "Given input size per channel: (", joined(in), "). Calculated output size per channel: (",
                joined(out), "). Output size is too small");
    }
}

// [N, C, spatial...] as N*C rows of the flattened spatial grid.
template <int S>
Eigen::Map<const Matrix> rows_of(const Tensor<S + 2>& t) {
    const Index rows = t.dimension(0) * t.dimension(1);
    return {t.data(), rows, rows == 0 ? 0 : t.size() / rows};
}

// The weights of group g as a matrix: rows = the weight's dimension 0 (within
// the group), columns = (its dimension 1, taps).
template <int S>
MatrixD group_weights(const Tensor<S + 2>& weight, Index group, Index rows_per_group) {
    const Index columns = weight.size() / weight.dimension(0);
    return Eigen::Map<const Matrix>(weight.data() + group * rows_per_group * columns, rows_per_group, columns)
        .template cast<double>();
}

template <int S>
Geometry<S> forward_geometry(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const ConvSpec<S>& spec) {
    Geometry<S> g;
    for (int d = 0; d < S; ++d) {
        g.in[d] = input.dimension(2 + d);
        g.kernel[d] = weight.dimension(2 + d);
        g.stride[d] = spec.stride[d];
        g.dilation[d] = spec.dilation[d];
        g.pad_before[d] = spec.pad_before[d];
        g.out[d] = output_size(g.in[d], g.kernel[d], g.stride[d], spec.pad_before[d], spec.pad_after[d],
                               g.dilation[d]);
    }
    return g;
}

template <int S>
Tensor<S + 2> empty_output(Index batch, Index channels, const std::array<Index, S>& spatial) {
    std::array<Index, S + 2> dims{};
    dims[0] = batch;
    dims[1] = channels;
    std::copy(spatial.begin(), spatial.end(), dims.begin() + 2);
    Tensor<S + 2> t(dims);
    return t;
}

}  // namespace

template <int S>
Tensor<S + 2> convolve(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                       const ConvSpec<S>& spec) {
    check_conv<S>(input, weight, bias, spec);
    const Geometry<S> g = forward_geometry<S>(input, weight, spec);
    const Index batch = input.dimension(0), groups = spec.groups;
    const Index out_channels = weight.dimension(0), group_in = weight.dimension(1);
    const Index group_out = out_channels / groups;

    Tensor<S + 2> output = empty_output<S>(batch, out_channels, g.out);
    Eigen::Map<Matrix> y(output.data(), batch * out_channels, g.out_size());
    const auto x = rows_of<S>(input);
    MatrixD columns(group_in * g.kernel_size(), g.out_size());
    for (Index grp = 0; grp < groups; ++grp) {
        const MatrixD w = group_weights<S>(weight, grp, group_out);
        for (Index n = 0; n < batch; ++n) {
            columns.setZero();
            for (Index c = 0; c < group_in; ++c) {
                const auto channel = x.row(n * input.dimension(1) + grp * group_in + c);
                for_each_tap(g, [&](Index column, Index tap, Index at) {
                    columns(c * g.kernel_size() + tap, column) = channel(at);
                });
            }
            MatrixD result = w * columns;
            if (bias) {
                for (Index o = 0; o < group_out; ++o) result.row(o).array() += (*bias)(grp * group_out + o);
            }
            y.middleRows(n * out_channels + grp * group_out, group_out) = result.cast<float>();
        }
    }
    return output;
}

template <int S>
Tensor<S + 2> convolve_transposed(const Tensor<S + 2>& input, const Tensor<S + 2>& weight, const OptionalBias& bias,
                                  const ConvSpec<S>& spec, const std::array<Index, S>& output_padding) {
    check_conv_transposed<S>(input, weight, bias, spec, output_padding);
    // The convolution this one is the adjoint of maps the output grid (`in`)
    // to the input grid (`out`).
    Geometry<S> g;
    for (int d = 0; d < S; ++d) {
        g.kernel[d] = weight.dimension(2 + d);
        g.stride[d] = spec.stride[d];
        g.dilation[d] = spec.dilation[d];
        g.pad_before[d] = spec.pad_before[d];
        g.out[d] = input.dimension(2 + d);
        g.in[d] = transposed_output_size(g.out[d], g.kernel[d], g.stride[d], g.pad_before[d], output_padding[d],
                                         g.dilation[d]);
    }
    const Index batch = input.dimension(0), groups = spec.groups;
    const Index group_in = weight.dimension(0) / groups, group_out = weight.dimension(1);
    const Index out_channels = group_out * groups;

    Tensor<S + 2> output = empty_output<S>(batch, out_channels, g.in);
    output.setZero();
    Eigen::Map<Matrix> y(output.data(), batch * out_channels, g.in_size());
    const auto x = rows_of<S>(input);
    for (Index grp = 0; grp < groups; ++grp) {
        // Rows: this group's input channels; columns: (output channel, tap).
        const MatrixD w = group_weights<S>(weight, grp, group_in);
        for (Index n = 0; n < batch; ++n) {
            const MatrixD xs = x.middleRows(n * input.dimension(1) + grp * group_in, group_in).template cast<double>();
            const MatrixD columns = w.transpose() * xs;  // [OC/g * taps, P_in]
            MatrixD image = MatrixD::Zero(group_out, g.in_size());
            for (Index o = 0; o < group_out; ++o) {
                for_each_tap(g, [&](Index column, Index tap, Index at) {
                    image(o, at) += columns(o * g.kernel_size() + tap, column);
                });
                if (bias) image.row(o).array() += (*bias)(grp * group_out + o);
            }
            y.middleRows(n * out_channels + grp * group_out, group_out) = image.cast<float>();
        }
    }
    return output;
}

template void check_conv<1>(const Tensor<3>&, const Tensor<3>&, const OptionalBias&, const ConvSpec<1>&);
template void check_conv<2>(const Tensor<4>&, const Tensor<4>&, const OptionalBias&, const ConvSpec<2>&);
template void check_conv<3>(const Tensor<5>&, const Tensor<5>&, const OptionalBias&, const ConvSpec<3>&);
template Tensor<3> convolve<1>(const Tensor<3>&, const Tensor<3>&, const OptionalBias&, const ConvSpec<1>&);
template Tensor<4> convolve<2>(const Tensor<4>&, const Tensor<4>&, const OptionalBias&, const ConvSpec<2>&);
template Tensor<5> convolve<3>(const Tensor<5>&, const Tensor<5>&, const OptionalBias&, const ConvSpec<3>&);

}  // namespace detail

namespace {

template <int S>
detail::ConvSpec<S> spec_of(const char* op, const Size<S>& stride, const SpatialPadding<S>& padding,
                            const Size<S>& dilation, Index groups, const std::array<Index, S>& kernel) {
    detail::ConvSpec<S> spec;
    spec.op = op;
    spec.groups = groups;
    for (int d = 0; d < S; ++d) {
        spec.stride[d] = stride[d];
        spec.dilation[d] = dilation[d];
        if (padding.is_same()) {
            const PadPair pad = same_padding(kernel[d], dilation[d]);
            spec.pad_before[d] = pad.left;
            spec.pad_after[d] = pad.right;
        } else if (padding.is_amount()) {
            spec.pad_before[d] = spec.pad_after[d] = padding.amount()[d];
        }
    }
    if (padding.is_same()) {
        for (int d = 0; d < S; ++d) {
            if (stride[d] != 1) {
                invalid(op, "padding='same' is not supported for strided convolutions (stride=", stride.to_string(),
                        ")");
            }
        }
    }
    return spec;
}

template <int S>
std::array<Index, S> kernel_of(const Tensor<S + 2>& weight) {
    std::array<Index, S> k{};
    for (int d = 0; d < S; ++d) k[d] = weight.dimension(2 + d);
    return k;
}

// A one-sample, no-bias convolution as the sparse matrix of its taps.
template <int S>
SparseMatrix conv_matrix(const std::array<Index, S>& in, const Tensor<S + 2>& weight, const Size<S>& stride,
                         const Size<S>& padding, const Size<S>& dilation, Index groups, const char* op) {
    // Validate exactly as the convolution would, on an empty batch.
    std::array<Index, S + 2> dims{};
    dims[1] = weight.dimension(1) * groups;
    std::copy(in.begin(), in.end(), dims.begin() + 2);
    const Tensor<S + 2> empty(dims);
    const detail::ConvSpec<S> spec = spec_of<S>(op, stride, SpatialPadding<S>(padding), dilation, groups,
                                                kernel_of<S>(weight));
    detail::check_conv<S>(empty, weight, {}, spec);

    const detail::Geometry<S> g = detail::forward_geometry<S>(empty, weight, spec);
    const Index out_channels = weight.dimension(0), group_in = weight.dimension(1);
    const Index group_out = out_channels / groups;
    std::vector<Eigen::Triplet<float>> entries;
    for (Index o = 0; o < out_channels; ++o) {
        const Index grp = o / group_out;
        for (Index c = 0; c < group_in; ++c) {
            const float* taps = weight.data() + (o * group_in + c) * g.kernel_size();
            const Index input_channel = grp * group_in + c;
            detail::for_each_tap(g, [&](Index column, Index tap, Index at) {
                entries.emplace_back(o * g.out_size() + column, input_channel * g.in_size() + at, taps[tap]);
            });
        }
    }
    SparseMatrix a(out_channels * g.out_size(), group_in * groups * g.in_size());
    a.setFromTriplets(entries.begin(), entries.end());
    return a;
}

detail::Geometry<2> unfold_geometry(Size2 image, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation,
                                    const char* op) {
    detail::Geometry<2> g;
    for (int d = 0; d < 2; ++d) {
        if (kernel[d] < 1 || stride[d] < 1 || dilation[d] < 1 || padding[d] < 0) {
            invalid(op, "kernel_size, stride and dilation must be positive and padding non-negative, but got "
                        "kernel_size=", kernel.to_string(), ", stride=", stride.to_string(), ", padding=",
                    padding.to_string(), ", dilation=", dilation.to_string());
        }
        g.in[d] = image[d];
        g.kernel[d] = kernel[d];
        g.stride[d] = stride[d];
        g.dilation[d] = dilation[d];
        g.pad_before[d] = padding[d];
        if (image[d] + 2 * padding[d] < dilated_kernel_size(kernel[d], dilation[d])) {
            invalid(op, "the padded image (", image.to_string(), " + 2*", padding.to_string(),
                    ") is smaller than the dilated kernel ", kernel.to_string());
        }
        g.out[d] = output_size(image[d], kernel[d], stride[d], padding[d], dilation[d]);
    }
    return g;
}

}  // namespace

Tensor4 conv2d(const Tensor4& input, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
               const Padding2& padding, Size2 dilation, Index groups) {
    return detail::convolve<2>(input, weight, bias,
                               spec_of<2>("conv2d", stride, padding, dilation, groups, kernel_of<2>(weight)));
}

Tensor5 conv3d(const Tensor5& input, const Tensor5& weight, const OptionalBias& bias, Size3 stride,
               const Padding3& padding, Size3 dilation, Index groups) {
    return detail::convolve<3>(input, weight, bias,
                               spec_of<3>("conv3d", stride, padding, dilation, groups, kernel_of<3>(weight)));
}

Tensor3 conv_transpose1d(const Tensor3& input, const Tensor3& weight, const OptionalBias& bias, Index stride,
                         Index padding, Index output_padding, Index groups, Index dilation) {
    detail::ConvSpec<1> spec;
    spec.op = "conv_transpose1d";
    spec.stride = {stride};
    spec.pad_before = spec.pad_after = {padding};
    spec.dilation = {dilation};
    spec.groups = groups;
    return detail::convolve_transposed<1>(input, weight, bias, spec, {output_padding});
}

Tensor4 conv_transpose2d(const Tensor4& input, const Tensor4& weight, const OptionalBias& bias, Size2 stride,
                         Size2 padding, Size2 output_padding, Index groups, Size2 dilation) {
    detail::ConvSpec<2> spec;
    spec.op = "conv_transpose2d";
    spec.stride = stride.values;
    spec.pad_before = spec.pad_after = padding.values;
    spec.dilation = dilation.values;
    spec.groups = groups;
    return detail::convolve_transposed<2>(input, weight, bias, spec, output_padding.values);
}

SparseMatrix conv_matrix1d(Index length, const Tensor3& weight, Index stride, Index padding, Index dilation,
                           Index groups) {
    // A 1-D size is a Size<1>: reuse the N-D builder with S = 1.
    Size<1> s(stride), p(padding), d(dilation);
    return conv_matrix<1>({length}, weight, s, p, d, groups, "conv_matrix1d");
}

SparseMatrix conv_matrix2d(Index height, Index width, const Tensor4& weight, Size2 stride, Size2 padding,
                           Size2 dilation, Index groups) {
    return conv_matrix<2>({height, width}, weight, stride, padding, dilation, groups, "conv_matrix2d");
}

Matrix im2col(const Tensor3& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
    const detail::Geometry<2> g =
        unfold_geometry(Size2(x.dimension(1), x.dimension(2)), kernel, stride, padding, dilation, "im2col");
    const Index channels = x.dimension(0);
    Matrix columns = Matrix::Zero(channels * g.kernel_size(), g.out_size());
    const Eigen::Map<const Matrix> image(x.data(), channels, g.in_size());
    for (Index c = 0; c < channels; ++c) {
        detail::for_each_tap(g, [&](Index column, Index tap, Index at) {
            columns(c * g.kernel_size() + tap, column) = image(c, at);
        });
    }
    return columns;
}

Tensor3 col2im(const Matrix& columns, Index channels, Size2 image, Size2 kernel, Size2 stride, Size2 padding,
               Size2 dilation) {
    const detail::Geometry<2> g = unfold_geometry(image, kernel, stride, padding, dilation, "col2im");
    if (channels < 1 || columns.rows() != channels * g.kernel_size() || columns.cols() != g.out_size()) {
        invalid("col2im", "expected columns of size [", channels * g.kernel_size(), ", ", g.out_size(),
                "] (channels*KH*KW, H_out*W_out), but got [", columns.rows(), ", ", columns.cols(), "]");
    }
    Tensor3 x(channels, image[0], image[1]);
    x.setZero();
    Eigen::Map<Matrix> out(x.data(), channels, g.in_size());
    for (Index c = 0; c < channels; ++c) {
        detail::for_each_tap(g, [&](Index column, Index tap, Index at) {
            out(c, at) += columns(c * g.kernel_size() + tap, column);
        });
    }
    return x;
}

}  // namespace convkata::ref
