// The 1-D operations: conv1d (the N-D im2col convolution of conv_nd.cpp,
// after an explicit pad step for nn.Conv1d's padding modes), and the shape
// questions of chapter 04.
#include "conv_nd.hpp"
#include "reference.hpp"

#include "convkata/errors.hpp"

namespace convkata::ref {

namespace {

PadPair padding_pair(const Padding& padding, Index kernel, Index dilation) {
    if (padding.is_same()) return same_padding(kernel, dilation);
    if (padding.is_valid()) return {0, 0};
    return {padding.amount(), padding.amount()};
}

}  // namespace

Tensor3 conv1d(const Tensor3& input, const Tensor3& weight, const OptionalBias& bias, Index stride,
               const Padding& padding, Index dilation, Index groups, PadMode padding_mode) {
    if (padding.is_same() && stride != 1) {
        invalid("conv1d", "padding='same' is not supported for strided convolutions (stride=", stride, ")");
    }
    const PadPair pad = padding_pair(padding, weight.dimension(2), dilation);
    detail::ConvSpec<1> spec;
    spec.op = "conv1d";
    spec.stride = {stride};
    spec.dilation = {dilation};
    spec.pad_before = {pad.left};
    spec.pad_after = {pad.right};
    spec.groups = groups;
    if (padding_mode == PadMode::zeros) return detail::convolve<1>(input, weight, bias, spec);

    // nn.Conv1d with another padding_mode: pad explicitly, then convolve the
    // padded input without padding. The arguments are checked first, as given.
    detail::check_conv<1>(input, weight, bias, spec);
    Tensor3 padded;
    try {
        padded = pad1d(input, pad.left, pad.right, padding_mode);
    } catch (const std::invalid_argument& e) {
        invalid("conv1d", "padding_mode='", to_string(padding_mode), "' cannot pad the input: ", e.what());
    }
    spec.pad_before = spec.pad_after = {0};
    return detail::convolve<1>(padded, weight, bias, spec);
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
