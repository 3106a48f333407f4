#include "conv1d_call.hpp"

#include "golden_loop.hpp"
#include "reference.hpp"

#include "convkata/shape.hpp"

#include <sstream>

namespace kata {

namespace {

template <int R>
Tensor<R> absolute(const Tensor<R>& t) {
    return t.abs();
}

convkata::PadPair pad_pair(const Conv1dCall& c) {
    const Index kernel = c.weight.dimension(2);
    if (c.padding.is_same()) return convkata::same_padding(kernel, c.dilation);
    if (c.padding.is_valid()) return {0, 0};
    return {c.padding.amount(), c.padding.amount()};
}

}  // namespace

std::string Conv1dCall::describe(const std::string& op) const {
    std::ostringstream out;
    out << op << "(x " << convkata::shape_string(x) << ", weight " << convkata::shape_string(weight);
    if (bias) out << ", bias " << convkata::shape_string(*bias);
    if (stride != 1) out << ", stride=" << stride;
    if (!(padding.is_amount() && padding.amount() == 0)) out << ", padding=" << padding.to_string();
    if (dilation != 1) out << ", dilation=" << dilation;
    if (groups != 1) out << ", groups=" << groups;
    if (mode != PadMode::zeros) out << ", padding_mode='" << convkata::to_string(mode) << "'";
    out << ")";
    return out.str();
}

Tensor3 Conv1dCall::expected() const {
    return convkata::ref::conv1d(x, weight, bias, stride, padding, dilation, groups, mode);
}

CheckOptions Conv1dCall::options(const std::string& op) const {
    CheckOptions o;
    o.what = describe(op);
    const Index L = x.dimension(2);
    const Index K = weight.dimension(2);
    const convkata::PadPair pad = pad_pair(*this);
    std::ostringstream formula;
    formula << "L_out = floor((L + pad_left + pad_right - dilation*(K-1) - 1) / stride) + 1 = floor((" << L << " + "
            << pad.left << " + " << pad.right << " - " << dilation << "*" << (K - 1) << " - 1) / " << stride
            << ") + 1 = " << convkata::output_size(L, K, stride, pad.left, pad.right, dilation);
    o.shape_formula = formula.str();
    // Tolerance magnitude: the same convolution of |x|, |w| and |b|.
    OptionalBias abs_bias;
    if (bias) abs_bias = Tensor1(absolute(*bias));
    o.magnitude = flat(Tensor3(convkata::ref::conv1d(absolute(x), absolute(weight), abs_bias, stride, padding,
                                                      dilation, groups, mode)));
    return o;
}

Conv1dCall random_conv1d_call(Rng& rng, const Conv1dRanges& r) {
    Conv1dCall c;
    c.groups = rng.integer(1, r.max_groups);
    const Index in_per_group = rng.integer(1, std::max<Index>(1, r.max_channels / c.groups));
    const Index out_per_group = rng.integer(1, std::max<Index>(1, r.max_out_channels / c.groups));
    c.stride = rng.integer(1, r.max_stride);
    c.dilation = rng.integer(1, r.max_dilation);
    const Index kernel = rng.integer(1, r.max_kernel);

    // Padding: an amount, or "same" (stride 1 only) / "valid".
    const Index choice = r.same_and_valid ? rng.integer(0, 3) : 0;
    if (choice == 1 && c.stride == 1) {
        c.padding = "same";
    } else if (choice == 2) {
        c.padding = "valid";
    } else {
        c.padding = rng.integer(0, r.max_padding);
    }
    if (r.all_modes) c.mode = static_cast<PadMode>(rng.integer(0, 3));

    // A length long enough for the dilated kernel, and for reflect (pad < L).
    const convkata::PadPair pad = c.padding.is_same() ? convkata::same_padding(kernel, c.dilation)
                                  : c.padding.is_valid() ? convkata::PadPair{0, 0}
                                                         : convkata::PadPair{c.padding.amount(), c.padding.amount()};
    const Index needed = std::max<Index>(convkata::dilated_kernel_size(kernel, c.dilation) - pad.total(),
                                         std::max(pad.left, pad.right) + 1);
    const Index length = rng.integer(std::max<Index>(1, needed), std::max(needed, r.max_length));

    c.x = rng.tensor<3>(rng.integer(1, r.max_batch), in_per_group * c.groups, length);
    c.weight = rng.tensor<3>(out_per_group * c.groups, in_per_group, kernel);
    if (rng.coin()) c.bias = rng.tensor<1>(out_per_group * c.groups);
    return c;
}

Conv1dCall golden_conv1d_call(const GoldenCase& g) {
    Conv1dCall c;
    c.x = g.tensor("input").tensor<3>();
    c.weight = g.tensor("weight").tensor<3>();
    if (auto b = g.optional_tensor("bias")) c.bias = b->tensor<1>();
    c.stride = g.integer("stride");
    c.padding = g.is_string("padding") ? Padding(g.string("padding")) : Padding(g.integer("padding"));
    c.dilation = g.integer("dilation");
    c.groups = g.integer("groups");
    c.mode = convkata::pad_mode_from_string(g.string("padding_mode"));
    return c;
}

bool within(const GoldenCase& g, const Conv1dRanges& r) {
    const Conv1dCall c = golden_conv1d_call(g);
    const bool padded = !(c.padding.is_amount() && c.padding.amount() == 0) && !c.padding.is_valid();
    if ((c.stride != 1 && r.max_stride == 1) || c.stride > r.max_stride) return false;
    if (c.padding.is_amount() && c.padding.amount() > r.max_padding) return false;
    if (padded && r.max_padding == 0 && !r.same_and_valid) return false;
    if ((c.padding.is_same() || c.padding.is_valid()) && !r.same_and_valid) return false;
    if (c.mode != PadMode::zeros && !r.all_modes) return false;
    if ((c.dilation != 1 && r.max_dilation == 1) || c.dilation > r.max_dilation) return false;
    if ((c.groups != 1 && r.max_groups == 1) || c.groups > r.max_groups) return false;
    return true;
}

Tensor3 symmetric_pad1d(const Tensor3& x, Index left, Index right) {
    const Index L = x.dimension(2);
    Tensor3 y(x.dimension(0), x.dimension(1), left + L + right);
    for (Index n = 0; n < y.dimension(0); ++n)
        for (Index c = 0; c < y.dimension(1); ++c)
            for (Index p = 0; p < y.dimension(2); ++p) {
                const Index i = p - left;
                y(n, c, p) = x(n, c, i < 0 ? -i - 1 : i >= L ? 2 * L - 1 - i : i);
            }
    return y;
}

std::vector<Conv1dCall> check_golden_conv1d(const Conv1dRanges& ranges,
                                            const std::function<Tensor3(const Conv1dCall&)>& conv,
                                            const std::function<CheckOptions(const Conv1dCall&)>& options) {
    return check_golden<3, Conv1dCall>(
        "conv1d", [&](const GoldenCase& g) { return within(g, ranges); }, golden_conv1d_call, conv, options);
}

}  // namespace kata

