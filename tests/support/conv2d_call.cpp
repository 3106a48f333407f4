#include "conv2d_call.hpp"

#include "golden_loop.hpp"
#include "reference.hpp"

#include "convkata/shape.hpp"

#include <sstream>

namespace kata {

namespace {

convkata::PadPair pad_pair(const Conv2dCall& c, int d) {
    const Index kernel = c.weight.dimension(2 + d);
    if (c.padding.is_same()) return convkata::same_padding(kernel, c.dilation[d]);
    if (c.padding.is_valid()) return {0, 0};
    return {c.padding.amount()[d], c.padding.amount()[d]};
}

}  // namespace

std::string Conv2dCall::describe(const std::string& op) const {
    std::ostringstream out;
    out << op << "(x " << convkata::shape_string(x) << ", weight " << convkata::shape_string(weight);
    if (bias) out << ", bias " << convkata::shape_string(*bias);
    if (!(stride == Size2(1))) out << ", stride=" << stride.to_string();
    if (!(padding.is_amount() && padding.amount() == Size2(0))) out << ", padding=" << padding.to_string();
    if (!(dilation == Size2(1))) out << ", dilation=" << dilation.to_string();
    if (groups != 1) out << ", groups=" << groups;
    out << ")";
    return out.str();
}

Tensor4 Conv2dCall::expected() const {
    return convkata::ref::conv2d(x, weight, bias, stride, padding, dilation, groups);
}

CheckOptions Conv2dCall::options(const std::string& op) const {
    CheckOptions o;
    o.what = describe(op);
    std::ostringstream formula;
    const char* names[] = {"H", "W"};
    for (int d = 0; d < 2; ++d) {
        const convkata::PadPair pad = pad_pair(*this, d);
        const Index in = x.dimension(2 + d), k = weight.dimension(2 + d);
        formula << (d ? "; " : "") << names[d] << "_out = floor((" << in << " + " << pad.left << " + " << pad.right
                << " - " << dilation[d] << "*(" << k << "-1) - 1) / " << stride[d] << ") + 1 = "
                << convkata::output_size(in, k, stride[d], pad.left, pad.right, dilation[d]);
    }
    o.shape_formula = formula.str();
    convkata::OptionalBias abs_bias;
    if (bias) abs_bias = convkata::Tensor1(bias->abs());
    o.magnitude = flat(Tensor4(convkata::ref::conv2d(Tensor4(x.abs()), Tensor4(weight.abs()), abs_bias, stride,
                                                      padding, dilation, groups)));
    return o;
}

Conv2dCall random_conv2d_call(Rng& rng, const Conv2dRanges& r) {
    Conv2dCall c;
    c.groups = rng.integer(1, r.max_groups);
    const Index in_per_group = rng.integer(1, std::max<Index>(1, r.max_channels / c.groups));
    const Index out_per_group = rng.integer(1, std::max<Index>(1, r.max_out_channels / c.groups));
    Index kernel[2], size[2];
    for (int d = 0; d < 2; ++d) {
        c.stride[d] = rng.integer(1, r.max_stride);
        c.dilation[d] = rng.integer(1, r.max_dilation);
        kernel[d] = rng.integer(1, r.max_kernel);
    }
    const Index choice = r.same_and_valid ? rng.integer(0, 3) : 0;
    if (choice == 1 && c.stride == Size2(1)) {
        c.padding = "same";
    } else if (choice == 2) {
        c.padding = "valid";
    } else {
        c.padding = Size2(rng.integer(0, r.max_padding), rng.integer(0, r.max_padding));
    }
    for (int d = 0; d < 2; ++d) {
        const convkata::PadPair pad = c.padding.is_same()    ? convkata::same_padding(kernel[d], c.dilation[d])
                                      : c.padding.is_valid() ? convkata::PadPair{0, 0}
                                                             : convkata::PadPair{c.padding.amount()[d],
                                                                                 c.padding.amount()[d]};
        const Index needed = std::max<Index>(1, convkata::dilated_kernel_size(kernel[d], c.dilation[d]) - pad.total());
        size[d] = rng.integer(needed, std::max(needed, r.max_size));
    }
    c.x = rng.tensor<4>(rng.integer(1, r.max_batch), in_per_group * c.groups, size[0], size[1]);
    c.weight = rng.tensor<4>(out_per_group * c.groups, in_per_group, kernel[0], kernel[1]);
    if (rng.coin()) c.bias = rng.tensor<1>(out_per_group * c.groups);
    return c;
}

Size2 golden_size2(const GoldenCase& g, const std::string& key) {
    const std::vector<Index> v = g.integers(key);
    return v.size() == 1 ? Size2(v[0]) : Size2(v.at(0), v.at(1));
}

Conv2dCall golden_conv2d_call(const GoldenCase& g) {
    Conv2dCall c;
    c.x = g.tensor("input").tensor<4>();
    c.weight = g.tensor("weight").tensor<4>();
    if (auto b = g.optional_tensor("bias")) c.bias = b->tensor<1>();
    c.stride = golden_size2(g, "stride");
    if (g.is_string("padding")) {
        const std::string word = g.string("padding");
        if (word == "same" || word == "valid") c.padding = word;  // a bad word is checked by the caller's refusal
    } else {
        c.padding = golden_size2(g, "padding");
    }
    c.dilation = golden_size2(g, "dilation");
    c.groups = g.integer("groups");
    return c;
}

bool within(const GoldenCase& g, const Conv2dRanges& r) {
    if (g.is_string("padding")) {
        const std::string word = g.string("padding");
        if (word != "same" && word != "valid") return false;  // Padding2 itself refuses other words
        if (!r.same_and_valid) return false;
    }
    const Conv2dCall c = golden_conv2d_call(g);
    for (int d = 0; d < 2; ++d) {
        if ((c.stride[d] != 1 && r.max_stride == 1) || c.stride[d] > r.max_stride) return false;
        if ((c.dilation[d] != 1 && r.max_dilation == 1) || c.dilation[d] > r.max_dilation) return false;
        if (c.padding.is_amount() && c.padding.amount()[d] > r.max_padding) return false;
    }
    if ((c.groups != 1 && r.max_groups == 1) || c.groups > r.max_groups) return false;
    return true;
}

std::vector<Conv2dCall> check_golden_conv2d(const Conv2dRanges& ranges,
                                            const std::function<Tensor4(const Conv2dCall&)>& conv,
                                            const std::function<CheckOptions(const Conv2dCall&)>& options) {
    return check_golden<4, Conv2dCall>(
        "conv2d", [&](const GoldenCase& g) { return within(g, ranges); }, golden_conv2d_call, conv, options);
}

}  // namespace kata
