// conv1d by im2col: pad the input once, copy every window into a column of a
// matrix, and let one matrix product (in double precision) do all the sums.
//
//   columns  [C/groups * K, L_out]   column i = the window of output position i
//   weights  [OC/groups, C/groups * K]
//   output   [OC/groups, L_out]  = weights * columns     (per sample, per group)
#include "reference.hpp"

#include "convkata/errors.hpp"

#include <Eigen/Dense>

namespace convkata::ref {

namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check_conv1d_arguments(const Tensor3& input, const Tensor3& weight, const OptionalBias& bias, Index stride,
                            const Padding& padding, Index dilation, Index groups) {
    const char* op = "conv1d";
    if (stride < 1) invalid(op, "non-positive stride is not supported (stride=", stride, ")");
    if (padding.is_amount() && padding.amount() < 0) {
        invalid(op, "negative padding is not supported (padding=", padding.amount(), ")");
    }
    if (dilation < 1) invalid(op, "dilation should be greater than zero, but got dilation=", dilation);
    if (groups < 1) invalid(op, "non-positive groups is not supported (groups=", groups, ")");
    if (padding.is_same() && stride != 1) {
        invalid(op, "padding='same' is not supported for strided convolutions (stride=", stride, ")");
    }
    const Index out_channels = weight.dimension(0);
    if (out_channels < 1) {
        invalid(op, "expected weight to be at least 1 at dimension 0, but got weight of size ", shape_string(weight));
    }
    if (out_channels % groups != 0) {
        invalid(op, "Given groups=", groups, ", expected weight to be divisible by ", groups,
                " at dimension 0, but got weight of size ", shape_string(weight), " instead");
    }
    if (weight.dimension(2) < 1) {
        invalid(op, "kernel size should be greater than zero, but got weight of size ", shape_string(weight));
    }
    if (input.dimension(1) != weight.dimension(1) * groups) {
        invalid(op, "Given groups=", groups, ", weight of size ", shape_string(weight), ", expected input",
                shape_string(input), " to have ", weight.dimension(1) * groups, " channels, but got ",
                input.dimension(1), " channels instead");
    }
    if (bias && bias->dimension(0) != out_channels) {
        invalid(op, "Given weight of size ", shape_string(weight), ", expected bias to be 1-dimensional with ",
                out_channels, " elements, but got bias of size ", shape_string(*bias), " instead");
    }
}

PadPair padding_pair(const Padding& padding, Index kernel, Index dilation) {
    if (padding.is_same()) return same_padding(kernel, dilation);
    if (padding.is_valid()) return {0, 0};
    return {padding.amount(), padding.amount()};
}

// nn.Conv1d pads with F.pad before it convolves: a padding the mode cannot
// make (reflect past the edge, circular wrapping twice) refuses the conv1d.
Tensor3 padded_input(const Tensor3& input, const PadPair& pad, PadMode mode) {
    try {
        return pad1d(input, pad.left, pad.right, mode);
    } catch (const std::invalid_argument& e) {
        invalid("conv1d", "padding_mode='", to_string(mode), "' cannot pad the input: ", e.what());
    }
}

}  // namespace

Tensor3 conv1d(const Tensor3& input, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, Index dilation, Index groups, PadMode padding_mode) {
    check_conv1d_arguments(input, weight, bias, stride, padding, dilation, groups);
    const Index kernel = weight.dimension(2);
    const PadPair pad = padding_pair(padding, kernel, dilation);
    const Tensor3 padded = padded_input(input, pad, padding_mode);

    const Index batch = input.dimension(0);
    const Index out_channels = weight.dimension(0);
    const Index group_in = weight.dimension(1);
    const Index group_out = out_channels / groups;
    const Index padded_length = padded.dimension(2);
    if (padded_length < dilated_kernel_size(kernel, dilation)) {
        invalid("conv1d", "Calculated padded input size per channel: (", padded_length, "). Kernel size: (",
                dilated_kernel_size(kernel, dilation), "). Kernel size can't be greater than actual input size");
    }
    const Index out_length = output_size_padded(padded_length, kernel, stride, dilation);

    Tensor3 output(batch, out_channels, out_length);
    Matrix columns(group_in * kernel, out_length);
    for (Index g = 0; g < groups; ++g) {
        // The weights of group g, one row per output channel: [OC/groups, C/groups * K].
        Matrix weights(group_out, group_in * kernel);
        for (Index o = 0; o < group_out; ++o)
            for (Index c = 0; c < group_in; ++c)
                for (Index k = 0; k < kernel; ++k) weights(o, c * kernel + k) = weight(g * group_out + o, c, k);

        for (Index n = 0; n < batch; ++n) {
            for (Index c = 0; c < group_in; ++c)
                for (Index k = 0; k < kernel; ++k)
                    for (Index i = 0; i < out_length; ++i)
                        columns(c * kernel + k, i) = padded(n, g * group_in + c, i * stride + k * dilation);

            const Matrix result = weights * columns;
            for (Index o = 0; o < group_out; ++o) {
                const double b = bias ? (*bias)(g * group_out + o) : 0.0;
                for (Index i = 0; i < out_length; ++i)
                    output(n, g * group_out + o, i) = static_cast<float>(result(o, i) + b);
            }
        }
    }
    return output;
}

Tensor2 conv1d(const Tensor2& input, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, Index dilation, Index groups, PadMode padding_mode) {
    const Tensor3 batched = input.reshape(Eigen::array<Index, 3>{1, input.dimension(0), input.dimension(1)});
    const Tensor3 out = conv1d(batched, weight, bias, stride, padding, dilation, groups, padding_mode);
    return out.reshape(Eigen::array<Index, 2>{out.dimension(1), out.dimension(2)});
}

Tensor3 dilate_kernel(const Tensor3& weight, Index dilation) {
    if (dilation < 1) invalid("dilate_kernel", "dilation should be greater than zero, but got dilation=", dilation);
    const Index kernel = weight.dimension(2);
    if (kernel < 1) invalid("dilate_kernel", "kernel size should be greater than zero, but got weight of size ",
                            shape_string(weight));
    // Strided assignment: every dilation-th column of a zero tensor.
    Tensor3 dilated(weight.dimension(0), weight.dimension(1), dilated_kernel_size(kernel, dilation));
    dilated.setZero();
    dilated.stride(Eigen::array<Index, 3>{1, 1, dilation}) = weight;
    return dilated;
}

Index receptive_field(const std::vector<Layer1d>& layers) {
    // Walk backwards from one output: each layer widens the span by
    // (dilated kernel - 1) steps of the layer's input spacing.
    Index field = 1;
    for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
        if (layer->kernel < 1 || layer->stride < 1 || layer->dilation < 1) {
            invalid("receptive_field", "kernel, stride and dilation must be at least 1, but got kernel=",
                    layer->kernel, ", stride=", layer->stride, ", dilation=", layer->dilation);
        }
        field = (field - 1) * layer->stride + dilated_kernel_size(layer->kernel, layer->dilation);
    }
    return field;
}

std::vector<Index> kernel_size_for(Index in, Index out, Index stride, Index padding, Index dilation) {
    if (in < 1 || out < 1 || stride < 1 || padding < 0 || dilation < 1) {
        invalid("kernel_size_for", "need in >= 1, out >= 1, stride >= 1, padding >= 0, dilation >= 1, but got in=",
                in, ", out=", out, ", stride=", stride, ", padding=", padding, ", dilation=", dilation);
    }
    std::vector<Index> kernels;
    for (Index k = 1; dilated_kernel_size(k, dilation) <= in + 2 * padding; ++k) {
        if (output_size(in, k, stride, padding, dilation) == out) kernels.push_back(k);
    }
    return kernels;
}

}  // namespace convkata::ref
