// Chapter 09 - pooling: max, average and adaptive pooling.
#include "pooling.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch09;

namespace {

const std::string kLesson = "chapters/09_pooling/README.md";
const std::string kZeroPad = "zero padding in max pooling (the padding is minus infinity: it never wins)";
const std::string kZeroPadAt = kLesson + "#zero-padding-in-max-pooling";
const std::string kZeroStart = "the maximum started at 0 instead of minus infinity";
const std::string kZeroStartAt = kLesson + "#starting-the-maximum-at-zero";
const std::string kWholeWindow =
    "dividing by the kernel size where PyTorch counts only the window's positions on the input (count_include_pad="
    "False) or on the input and its padding (True)";
const std::string kWholeWindowAt = kLesson + "#dividing-by-the-whole-window-when-padding-is-not-counted";
const std::string kRealOnly =
    "dividing by the input elements in the window where count_include_pad=True counts the padding too";
const std::string kRealOnlyAt = kLesson + "#dividing-by-the-real-elements-when-padding-is-counted";
const std::string kCeil = "ceil_mode keeping a last window that starts in the right padding";
const std::string kCeilAt = kLesson + "#a-ceil_mode-window-starting-in-the-right-padding";
const std::string kStride1 = "stride defaulting to 1 instead of the kernel size";
const std::string kStride1At = kLesson + "#stride-defaulting-to-1";
const std::string kFloorBins = "adaptive bins ending at floor((i+1)*in/out) instead of ceil";
const std::string kFloorBinsAt = kLesson + "#adaptive-bins-with-floor-at-both-edges";
const std::string kRelative = "indices counted inside the window instead of positions in the input";
const std::string kRelativeAt = kLesson + "#indices-relative-to-the-window";

// --------------------------------------------------------------- tensors ---

// [N, C, L] <-> [N, C, 1, L]: the tests handle every call in 2-D, as the lesson does.
Tensor4 as_2d(const Tensor3& x) {
    return x.reshape(Eigen::array<Index, 4>{x.dimension(0), x.dimension(1), 1, x.dimension(2)});
}
template <typename Scalar>
Eigen::Tensor<Scalar, 3, Eigen::RowMajor> as_1d(const Eigen::Tensor<Scalar, 4, Eigen::RowMajor>& y) {
    return y.reshape(Eigen::array<Index, 3>{y.dimension(0), y.dimension(1), y.dimension(3)});
}
IndexTensor<4> as_2d(const IndexTensor<3>& x) {
    return x.reshape(Eigen::array<Index, 4>{x.dimension(0), x.dimension(1), 1, x.dimension(2)});
}

// One signal [1, 1, L].
Tensor3 row(std::initializer_list<float> values) {
    Tensor3 t(1, 1, static_cast<Index>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

// The lesson's 4x4 plane, [1, 1, 4, 4], with its maxima in different places.
Tensor4 lesson_grid() {
    Tensor4 g(1, 1, 4, 4);
    g.setValues({{{{1, 9, 2, 4}, {5, 3, 8, 6}, {7, 16, 10, 12}, {14, 11, 13, 15}}}});
    return g;
}

Tensor4 constant(Index n, Index c, Index h, Index w, float value) {
    Tensor4 t(n, c, h, w);
    t.setConstant(value);
    return t;
}

// ----------------------------------------------------------------- calls ---

// One pooling call, 1-D or 2-D, in 2-D terms: a 1-D call has H = 1, kernel
// (1, K), stride (1, S), padding (0, P), dilation (1, D).
struct PoolCall {
    std::string op;  // the exercise: "max_pool1d", "max_pool2d_with_indices", "avg_pool2d", ...
    Tensor4 x;
    Size2 kernel = 1;
    std::optional<Size2> stride;
    Size2 padding = 0;
    Size2 dilation = 1;
    bool ceil_mode = false;
    bool count_include_pad = true;
    std::optional<Index> divisor_override;

    bool one_d() const { return op.find("1d") != std::string::npos; }
    bool is_max() const { return op.rfind("max", 0) == 0; }
    bool has_indices() const { return op.find("with_indices") != std::string::npos; }
    // The operation's name in messages: max_pool1d_with_indices is max_pool1d.
    std::string base_op() const { return op.substr(0, 10); }
    Size2 step() const { return stride.value_or(kernel); }

    std::string show(const Size2& s) const { return one_d() ? std::to_string(s[1]) : s.to_string(); }
    std::string input_shape() const { return one_d() ? shape_string(as_1d(x)) : shape_string(x); }

    std::string describe() const {
        std::ostringstream out;
        out << op << "(x " << input_shape() << ", kernel_size=" << show(kernel)
            << ", stride=" << (stride ? show(*stride) : std::string("None (the kernel size)"));
        if (!(padding == Size2(0))) out << ", padding=" << show(padding);
        if (is_max() && !(dilation == Size2(1))) out << ", dilation=" << show(dilation);
        if (ceil_mode) out << ", ceil_mode=True";
        if (!is_max() && !count_include_pad) out << ", count_include_pad=False";
        if (divisor_override) out << ", divisor_override=" << *divisor_override;
        out << ")";
        return out.str();
    }

    // "L_out = floor((5 + 2*1 - 1*(3-1) - 1) / 2) + 1 = 3", per dimension.
    std::string shape_formula() const {
        std::ostringstream out;
        const char* names[] = {"H", "W"};
        for (int d = one_d() ? 1 : 0; d < 2; ++d) {
            const Index in = x.dimension(2 + d), k = kernel[d], s = step()[d], p = padding[d], dil = dilation[d];
            const Index top = in + 2 * p - dil * (k - 1) - 1;
            const Index result = pool_output_size(in, k, s, p, dil, ceil_mode);
            out << (d && !one_d() ? "; " : "") << (one_d() ? "L" : names[d]) << "_out = "
                << (ceil_mode ? "ceil" : "floor") << "((" << in << " + 2*" << p << " - " << dil << "*(" << k
                << "-1) - 1) / " << s << ") + 1 = " << (ceil_mode ? (top + s - 1) / s + 1 : top / s + 1);
            if (ceil_mode && result != (top + s - 1) / s + 1) {
                out << ", less the last window, which would start in the right padding: " << result;
            }
        }
        return out.str();
    }
};

PoolCall call1d(const std::string& op, const Tensor3& x, Index kernel, std::optional<Index> stride = {},
                Index padding = 0, Index dilation = 1, bool ceil_mode = false, bool count_include_pad = true) {
    PoolCall c;
    c.op = op;
    c.x = as_2d(x);
    c.kernel = Size2(1, kernel);
    if (stride) c.stride = Size2(1, *stride);
    c.padding = Size2(0, padding);
    c.dilation = Size2(1, dilation);
    c.ceil_mode = ceil_mode;
    c.count_include_pad = count_include_pad;
    return c;
}

PoolCall call2d(const std::string& op, const Tensor4& x, Size2 kernel, std::optional<Size2> stride = {},
                Size2 padding = 0, Size2 dilation = 1, bool ceil_mode = false) {
    PoolCall c;
    c.op = op;
    c.x = x;
    c.kernel = kernel;
    c.stride = stride;
    c.padding = padding;
    c.dilation = dilation;
    c.ceil_mode = ceil_mode;
    return c;
}

std::optional<Index> stride_1d(const PoolCall& c) {
    if (!c.stride) return std::nullopt;
    return (*c.stride)[1];
}

// The chapter's answer: values, and indices for max pooling (H = 1 in 1-D).
std::pair<Tensor4, IndexTensor<4>> mine(const PoolCall& c) {
    const Tensor3 x1 = c.one_d() ? as_1d(c.x) : Tensor3();
    if (c.op == "max_pool1d") {
        return {as_2d(ch::max_pool1d(x1, c.kernel[1], stride_1d(c), c.padding[1], c.dilation[1], c.ceil_mode)), {}};
    }
    if (c.op == "max_pool1d_with_indices") {
        const auto [values, indices] = ch::max_pool1d_with_indices(x1, c.kernel[1], stride_1d(c), c.padding[1],
                                                                   c.dilation[1], c.ceil_mode);
        return {as_2d(values), as_2d(indices)};
    }
    if (c.op == "max_pool2d") {
        return {ch::max_pool2d(c.x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode), {}};
    }
    if (c.op == "max_pool2d_with_indices") {
        return ch::max_pool2d_with_indices(c.x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode);
    }
    if (c.op == "avg_pool1d") {
        return {as_2d(ch::avg_pool1d(x1, c.kernel[1], stride_1d(c), c.padding[1], c.ceil_mode, c.count_include_pad)),
                {}};
    }
    return {ch::avg_pool2d(c.x, c.kernel, c.stride, c.padding, c.ceil_mode, c.count_include_pad, c.divisor_override),
            {}};
}

// The reference's answer, computed in 2-D (ref::max_pool1d is ref::max_pool2d with H = 1).
std::pair<Tensor4, IndexTensor<4>> reference(const PoolCall& c) {
    if (c.is_max()) return ref::max_pool2d_with_indices(c.x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode);
    return {ref::avg_pool2d(c.x, c.kernel, c.stride, c.padding, c.ceil_mode, c.count_include_pad, c.divisor_override),
            {}};
}

Tensor4 expected_values(const PoolCall& c) { return reference(c).first; }

// The reference's values for a call a mistake makes up; nothing when that call is refused.
std::optional<Tensor4> values_if_valid(const PoolCall& c) {
    try {
        return expected_values(c);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

// ------------------------------------------------------------- mistakes ---

Mistake mistake_for(const PoolCall& c, const std::string& name, const std::string& at, const Tensor4& wrong) {
    if (c.one_d()) return mistake_output(name, at, as_1d(wrong));
    return mistake_output(name, at, wrong);
}

// Max pooling with zeros for padding (and for whatever a ceil_mode window reaches past it):
// the reference on x with zeros added, no padding and no ceil_mode, cut to `right`'s shape.
std::optional<Tensor4> max_with_zero_padding(const PoolCall& c, const Tensor4& right) {
    PoolCall zeros = c;
    Eigen::array<std::pair<Index, Index>, 4> sides{};
    for (int d = 0; d < 2; ++d) {
        sides[2 + d] = {c.padding[d], c.padding[d] + dilated_kernel_size(c.kernel[d], c.dilation[d]) + c.step()[d]};
    }
    zeros.x = c.x.pad(sides);
    zeros.padding = 0;
    zeros.ceil_mode = false;
    const std::optional<Tensor4> all = values_if_valid(zeros);
    if (!all || all->dimension(2) < right.dimension(2) || all->dimension(3) < right.dimension(3)) return std::nullopt;
    return Tensor4(all->slice(Eigen::array<Index, 4>{0, 0, 0, 0}, right.dimensions()));
}

// Windows per dimension when ceil_mode keeps a window starting in the right padding.
Index ceil_without_the_rule(Index in, Index k, Index s, Index p, Index d) {
    return (in + 2 * p - d * (k - 1) - 1 + s - 1) / s + 1;
}

// ceil_mode's output shape when a window starting in the right padding is kept.
std::optional<Mistake> ceil_shape_mistake(const PoolCall& c, const Tensor4& right) {
    if (!c.ceil_mode) return std::nullopt;
    std::vector<Index> dims{c.x.dimension(0), c.x.dimension(1)};
    bool differs = false;
    for (int d = c.one_d() ? 1 : 0; d < 2; ++d) {
        const Index wrong =
            ceil_without_the_rule(c.x.dimension(2 + d), c.kernel[d], c.step()[d], c.padding[d], c.dilation[d]);
        differs = differs || wrong != right.dimension(2 + d);
        dims.push_back(wrong);
    }
    if (!differs) return std::nullopt;
    return mistake_shape(kCeil, kCeilAt, dims);
}

// The mistakes of this chapter that an output gives away, each computed the
// mistaken way with the reference.
std::vector<Mistake> value_mistakes(const PoolCall& c) {
    std::vector<Mistake> m;
    auto add = [&](const std::string& name, const std::string& at, const PoolCall& wrong_call) {
        if (const auto wrong = values_if_valid(wrong_call)) m.push_back(mistake_for(c, name, at, *wrong));
    };
    const Tensor4 right = expected_values(c);
    if (c.is_max()) {
        // Zero padding and a maximum started at 0 give the same output when every window whose
        // maximum is negative touches the padding: then the message names both.
        const Tensor4 from_zero = right.cwiseMax(0.0f);
        std::optional<Tensor4> zero_padded_output;
        if (c.padding[0] > 0 || c.padding[1] > 0 || c.ceil_mode) zero_padded_output = max_with_zero_padding(c, right);
        if (zero_padded_output && close_enough(view(*zero_padded_output), view(from_zero))) {
            m.push_back(mistake_for(c, kZeroPad + ", or " + kZeroStart + " (both give this output)", kZeroPadAt,
                                    from_zero));
        } else {
            if (zero_padded_output) m.push_back(mistake_for(c, kZeroPad, kZeroPadAt, *zero_padded_output));
            m.push_back(mistake_for(c, kZeroStart, kZeroStartAt, from_zero));
        }
    }
    if (!c.is_max() && !c.divisor_override) {
        PoolCall flipped = c;
        if (c.count_include_pad) {
            flipped.count_include_pad = false;
            add(kRealOnly, kRealOnlyAt, flipped);
        }
        // The kernel size is PyTorch's divisor only with count_include_pad=True and no
        // window hanging past the padding (which ceil_mode allows).
        if (!c.count_include_pad || c.ceil_mode) {
            PoolCall kernel_size = c;
            kernel_size.divisor_override = c.kernel[0] * c.kernel[1];
            add(kWholeWindow, kWholeWindowAt, kernel_size);
        }
    }
    // Mistakes that usually change the shape come last: an output of the right
    // shape is named after the mistakes above first.
    if (!c.stride && !(c.kernel == Size2(1))) {
        PoolCall one = c;
        one.stride = Size2(1);
        add(kStride1, kStride1At, one);
    }
    if (const auto shape = ceil_shape_mistake(c, right)) m.push_back(*shape);
    return m;
}

CheckOptions value_options(const PoolCall& c) {
    CheckOptions o;
    o.what = c.describe();
    o.shape_formula = c.shape_formula();
    if (!c.is_max()) {
        // Averages: the same call on |x| (with |divisor_override|).
        PoolCall magnitude = c;
        magnitude.x = c.x.abs();
        if (c.divisor_override) magnitude.divisor_override = std::abs(*c.divisor_override);
        o.magnitude = flat(expected_values(magnitude));
    }
    o.mistakes = value_mistakes(c);
    return o;
}

// The right indices, counted inside each window instead (tap i*KW + j).
Tensor4 window_relative(const PoolCall& c, const IndexTensor<4>& right) {
    Tensor4 wrong(right.dimensions());
    const Index W = c.x.dimension(3);
    for (Index n = 0; n < right.dimension(0); ++n)
        for (Index chan = 0; chan < right.dimension(1); ++chan)
            for (Index oh = 0; oh < right.dimension(2); ++oh)
                for (Index ow = 0; ow < right.dimension(3); ++ow) {
                    const Index at = right(n, chan, oh, ow);
                    const Index i = (at / W - (oh * c.step()[0] - c.padding[0])) / c.dilation[0];
                    const Index j = (at % W - (ow * c.step()[1] - c.padding[1])) / c.dilation[1];
                    wrong(n, chan, oh, ow) = static_cast<float>(i * c.kernel[1] + j);
                }
    return wrong;
}

// ------------------------------------------------------------- checking ---

// The values at the call's rank: [N, C, L] for 1-D. Returns whether they are right.
bool check_values(const PoolCall& c, const Tensor4& actual, const Tensor4& expected) {
    const CheckOptions o = value_options(c);
    if (c.one_d()) {
        CHECK_CLOSE(as_1d(actual), as_1d(expected), o);
    } else {
        CHECK_CLOSE(actual, expected, o);
    }
    return close_enough(view(actual), view(expected), o.magnitude);
}

// Indices are compared as floats: they are small integers, exact in a float.
// Only once the values are right: wrong values have wrong indices too.
void check_indices(const PoolCall& c, const IndexTensor<4>& actual, const IndexTensor<4>& expected) {
    CheckOptions o;
    o.what = "the indices of " + c.describe();
    o.shape_formula = c.shape_formula();
    if (const auto shape = ceil_shape_mistake(c, Tensor4(expected.cast<float>()))) o.mistakes.push_back(*shape);
    if (c.one_d()) {
        o.mistakes.push_back(mistake_output(kRelative, kRelativeAt, as_1d(window_relative(c, expected))));
        CHECK_CLOSE(as_1d(Tensor4(actual.cast<float>())), as_1d(Tensor4(expected.cast<float>())), o);
    } else {
        o.mistakes.push_back(mistake_output(kRelative, kRelativeAt, window_relative(c, expected)));
        CHECK_CLOSE(Tensor4(actual.cast<float>()), Tensor4(expected.cast<float>()), o);
    }
}

// The chapter against the reference on one call (values, and indices where the exercise has them).
void check_call(const PoolCall& c) {
    const auto [values, indices] = mine(c);
    const auto [right_values, right_indices] = reference(c);
    if (check_values(c, values, right_values) && c.has_indices()) check_indices(c, indices, right_indices);
}

// ---------------------------------------------------------------- sweeps ---

bool every_window_sees_the_input(const PoolCall& c) {
    for (int d = 0; d < 2; ++d) {
        const Index in = c.x.dimension(2 + d);
        const Index out = pool_output_size(in, c.kernel[d], c.step()[d], c.padding[d], c.dilation[d], c.ceil_mode);
        for (Index o = 0; o < out; ++o) {
            bool sees = false;
            for (Index j = 0; j < c.kernel[d]; ++j) {
                const Index at = o * c.step()[d] - c.padding[d] + j * c.dilation[d];
                sees = sees || (0 <= at && at < in);
            }
            if (!sees) return false;
        }
    }
    return true;
}

// A random valid call of the exercise `op`: every window fits in the padded
// input and, for max pooling, sees at least one element of it. A third of
// the inputs are all negative, so that a zero from the padding would show.
PoolCall random_call(Rng& rng, const std::string& op) {
    PoolCall c;
    c.op = op;
    const bool one_d = c.one_d();
    while (true) {
        const Index H = one_d ? 1 : rng.integer(1, 8), W = rng.integer(1, one_d ? 12 : 8);
        c.x = rng.tensor<4>(rng.integer(1, 2), rng.integer(1, 3), H, W);
        if (rng.integer(0, 2) == 0) c.x = -c.x.abs() - 0.25f;
        Size2 step = 1;
        for (int d = one_d ? 1 : 0; d < 2; ++d) {
            c.kernel[d] = rng.integer(1, one_d ? 5 : 4);
            step[d] = rng.integer(1, 3);
            c.padding[d] = rng.integer(0, c.kernel[d] / 2);
            c.dilation[d] = c.is_max() && rng.coin() ? rng.integer(1, 3) : 1;
        }
        c.stride = rng.integer(0, 2) == 0 ? std::nullopt : std::optional<Size2>(step);
        c.ceil_mode = rng.integer(0, 2) == 0;
        c.count_include_pad = rng.coin();
        c.divisor_override = std::nullopt;
        if (op == "avg_pool2d" && rng.integer(0, 4) == 0) c.divisor_override = rng.integer(1, 9);
        bool fits = true;
        for (int d = 0; d < 2; ++d) {
            fits = fits && c.x.dimension(2 + d) + 2 * c.padding[d] >= dilated_kernel_size(c.kernel[d], c.dilation[d]);
        }
        if (fits && every_window_sees_the_input(c)) return c;
    }
}

void sweep(const std::string& op, std::uint32_t seed, int trials) {
    Rng rng(seed);
    for (int trial = 0; trial < trials; ++trial) {
        const PoolCall c = random_call(rng, op);
        CAPTURE(trial);
        check_call(c);
    }
}

// ---------------------------------------------------------------- golden ---

Size2 golden_size(const GoldenCase& g, const std::string& key, bool one_d) {
    const std::vector<Index> v = g.integers(key);
    if (one_d) return Size2(key == "padding" ? 0 : 1, v.at(0));
    return v.size() == 1 ? Size2(v[0]) : Size2(v.at(0), v.at(1));
}


PoolCall golden_call(const GoldenCase& g, const std::string& op) {
    PoolCall c;
    c.op = op;
    c.x = c.one_d() ? as_2d(g.tensor("input").tensor<3>()) : g.tensor("input").tensor<4>();
    c.kernel = golden_size(g, "kernel_size", c.one_d());
    if (g.has("stride")) c.stride = golden_size(g, "stride", c.one_d());
    c.padding = golden_size(g, "padding", c.one_d());
    if (c.is_max()) c.dilation = golden_size(g, "dilation", c.one_d());
    c.ceil_mode = g.boolean("ceil_mode");
    if (!c.is_max()) c.count_include_pad = g.boolean("count_include_pad");
    if (g.has("divisor_override")) c.divisor_override = g.integer("divisor_override");
    return c;
}

// Every case of the op's golden file through the exercise `op`: what PyTorch
// refuses must be refused (naming the operation), the rest must match its
// output (and indices). Returns {outputs checked, refusals checked}.
std::pair<int, int> check_golden(const std::string& op) {
    int outputs = 0, refusals = 0;
    const std::string file = op.substr(0, 10);  // max_pool1d_with_indices reads max_pool1d.json
    for (const GoldenCase& g : load_golden(file)) {
        const PoolCall c = golden_call(g, op);
        INFO(g.describe());
        if (g.refused()) {
            CHECK_REFUSES(mine(c), c.base_op());
            ++refusals;
            continue;
        }
        std::pair<Tensor4, IndexTensor<4>> answer;
        try {
            answer = mine(c);
        } catch (const std::invalid_argument& e) {
            FAIL_CHECK(c.describe() << " should work (PyTorch computes it), but it was refused: " << e.what());
            continue;
        }
        const auto& [values, indices] = answer;
        const Tensor4 right = c.one_d() ? as_2d(g.output().tensor<3>()) : g.output().tensor<4>();
        if (check_values(c, values, right) && c.has_indices()) {
            const Tensor4 golden_indices =
                c.one_d() ? as_2d(g.tensor("indices").tensor<3>()) : g.tensor("indices").tensor<4>();
            check_indices(c, indices, IndexTensor<4>(golden_indices.cast<Index>()));
        }
        ++outputs;
    }
    return {outputs, refusals};
}

// ------------------------------------------------------------- adaptive ---

// The bins of adaptive pooling written the mistaken way: end = floor((i+1)*in/out).
// Empty bins (out > in) give 0/0 = NaN, as the mistake does.
Tensor4 adaptive_with_floor_ends(const Tensor4& x, Size2 out) {
    Tensor4 y(x.dimension(0), x.dimension(1), out[0], out[1]);
    const Index H = x.dimension(2), W = x.dimension(3);
    for (Index n = 0; n < x.dimension(0); ++n)
        for (Index c = 0; c < x.dimension(1); ++c)
            for (Index i = 0; i < out[0]; ++i)
                for (Index j = 0; j < out[1]; ++j) {
                    float sum = 0.0f;
                    Index count = 0;
                    for (Index h = i * H / out[0]; h < (i + 1) * H / out[0]; ++h)
                        for (Index w = j * W / out[1]; w < (j + 1) * W / out[1]; ++w, ++count) sum += x(n, c, h, w);
                    y(n, c, i, j) = sum / static_cast<float>(count);
                }
    return y;
}

CheckOptions adaptive_options(const Tensor4& x, Size2 out) {
    CheckOptions o;
    o.what = "adaptive_avg_pool2d(x " + shape_string(x) + ", output_size=" + out.to_string() + ")";
    o.shape_formula = "[N, C, output_size[0], output_size[1]]";
    o.magnitude = flat(ref::adaptive_avg_pool2d(Tensor4(x.abs()), out));
    o.mistakes.push_back(mistake_output(kFloorBins, kFloorBinsAt, adaptive_with_floor_ends(x, out)));
    return o;
}

}  // namespace

// ================================================================ max_pool1d

TEST_CASE("max_pool1d: the largest element of each window - stride defaults to the kernel size") {
    const Tensor3 x = row({3, 1, 4, 1, 5, 9, 2, 6});
    Tensor3 expected(1, 1, 4);
    for (Index i = 0; i < 4; ++i) expected(0, 0, i) = std::max(x(0, 0, 2 * i), x(0, 0, 2 * i + 1));
    check_values(call1d("max_pool1d", x, 2), as_2d(ch::max_pool1d(x, 2)), as_2d(expected));
}

TEST_CASE("max_pool1d: negative inputs - the padding is minus infinity not zero") {
    // Windows start at -1, 1 and 3: the first and the last hang over the padding.
    const Tensor3 x = row({-2, -3, -1, -4, -5});
    Tensor3 expected(1, 1, 3);
    expected(0, 0, 0) = std::max(x(0, 0, 0), x(0, 0, 1));                        // (padding,) x0, x1
    expected(0, 0, 1) = std::max({x(0, 0, 1), x(0, 0, 2), x(0, 0, 3)});
    expected(0, 0, 2) = std::max(x(0, 0, 3), x(0, 0, 4));                        // x3, x4 (, padding)
    check_values(call1d("max_pool1d", x, 3, 2, 1), as_2d(ch::max_pool1d(x, 3, 2, 1)), as_2d(expected));
}

TEST_CASE("max_pool1d: ceil_mode keeps a last partial window but none that starts in the right padding") {
    const Tensor3 x = row({3, 1, 4, 1, 5});
    // No padding: floor gives 2 windows; ceil_mode adds a third, [x4] hanging past the end.
    Tensor3 kept(1, 1, 3);
    kept.setValues({{{std::max(x(0, 0, 0), x(0, 0, 1)), std::max(x(0, 0, 2), x(0, 0, 3)), x(0, 0, 4)}}});
    check_values(call1d("max_pool1d", x, 2, 2, 0, 1, true), as_2d(ch::max_pool1d(x, 2, 2, 0, 1, true)),
                 as_2d(kept));
    // padding=1: ceil((5 + 2 - 2) / 2) + 1 = 4 windows, but the 4th would start at x[5], in the right
    // padding, so there are 3: [pad x0], [x1 x2], [x3 x4].
    Tensor3 dropped(1, 1, 3);
    dropped.setValues({{{x(0, 0, 0), std::max(x(0, 0, 1), x(0, 0, 2)), std::max(x(0, 0, 3), x(0, 0, 4))}}});
    check_values(call1d("max_pool1d", x, 2, 2, 1, 1, true), as_2d(ch::max_pool1d(x, 2, 2, 1, 1, true)),
                 as_2d(dropped));
    // A kernel longer than the input: no window without ceil_mode, one with it.
    const Tensor3 three = row({-1, 7, -2});
    Tensor3 one(1, 1, 1);
    one(0, 0, 0) = std::max({three(0, 0, 0), three(0, 0, 1), three(0, 0, 2)});
    check_values(call1d("max_pool1d", three, 4, 2, 0, 1, true), as_2d(ch::max_pool1d(three, 4, 2, 0, 1, true)),
                 as_2d(one));
}

TEST_CASE("max_pool1d: dilation spreads the taps of a window apart") {
    const Tensor3 x = row({3, 1, 4, 1, 5, 9, 2, 6});
    // kernel 2, dilation 3, stride 1: window i holds x[i] and x[i+3].
    Tensor3 expected(1, 1, 5);
    for (Index i = 0; i < 5; ++i) expected(0, 0, i) = std::max(x(0, 0, i), x(0, 0, i + 3));
    check_values(call1d("max_pool1d", x, 2, 1, 0, 3), as_2d(ch::max_pool1d(x, 2, 1, 0, 3)), as_2d(expected));
}

TEST_CASE("max_pool1d: random calls against the reference") { sweep("max_pool1d", 901, 60); }

TEST_CASE("max_pool1d: PyTorch golden data") {
    const auto [outputs, refusals] = check_golden("max_pool1d");
    CHECK(outputs >= 90);
    CHECK(refusals >= 10);
}

TEST_CASE("max_pool1d: refuses padding over half the kernel - no window - sizes below 1") {
    Rng rng(902);
    const Tensor3 x = rng.tensor<3>(1, 2, 5);
    CHECK_REFUSES(ch::max_pool1d(x, 3, {}, 2), "max_pool1d", "2", "3");         // 2 > 3 / 2
    CHECK_REFUSES(ch::max_pool1d(x, 2, {}, 2, 3), "max_pool1d", "2");           // the kernel, not the reach
    CHECK_REFUSES(ch::max_pool1d(x, 6), "max_pool1d", "6", "5");                // 6 taps in 5 elements
    CHECK_REFUSES(ch::max_pool1d(x, 3, 1, 0, 3), "max_pool1d", "3", "5");       // reach 7 in 5 elements
    CHECK_REFUSES(ch::max_pool1d(rng.tensor<3>(1, 1, 2), 4, 3), "max_pool1d", "4");  // (2 - 4) / 3 floors to -1
    CHECK_REFUSES(ch::max_pool1d(x, 0, 1), "max_pool1d", "0");
    CHECK_REFUSES(ch::max_pool1d(x, 2, 0), "max_pool1d", "0");
    CHECK_REFUSES(ch::max_pool1d(x, 2, {}, 0, 0), "max_pool1d", "0");
    CHECK_REFUSES(ch::max_pool1d(x, 2, {}, -1), "max_pool1d", "-1");
    CHECK_REFUSES(ch::max_pool1d(Tensor3(1, 0, 5), 2), "max_pool1d");
}

// =================================================== max_pool1d_with_indices

TEST_CASE("max_pool1d_with_indices: each index is a position along the whole row") {
    const Tensor3 x = row({0, 3, 1, 4, 1, 5, 9, 2});
    // kernel 3, stride 2, padding 1: windows start at -1, 1, 3 and 5.
    const auto [values, indices] = ch::max_pool1d_with_indices(x, 3, 2, 1);
    const PoolCall c = call1d("max_pool1d_with_indices", x, 3, 2, 1);
    Tensor3 expected(1, 1, 4);
    expected.setValues({{{x(0, 0, 1), x(0, 0, 3), x(0, 0, 5), x(0, 0, 6)}}});  // 3, 4, 5, 9
    IndexTensor<3> at(1, 1, 4);
    at.setValues({{{1, 3, 5, 6}}});  // where those are in x, not in their windows
    if (check_values(c, as_2d(values), as_2d(expected))) check_indices(c, as_2d(indices), as_2d(at));
}

TEST_CASE("max_pool1d_with_indices: on a tie the first maximum wins") {
    const Tensor3 x = row({2, 2, 2, 2, 2, 2});
    // kernel 3, stride 1, padding 1: window i covers i-1 .. i+1; its first element inside x is max(i-1, 0).
    const auto [values, indices] = ch::max_pool1d_with_indices(x, 3, 1, 1);
    IndexTensor<3> first(1, 1, 6);
    for (Index i = 0; i < 6; ++i) first(0, 0, i) = std::max<Index>(i - 1, 0);
    const PoolCall c = call1d("max_pool1d_with_indices", x, 3, 1, 1);
    if (check_values(c, as_2d(values), as_2d(Tensor3(x)))) check_indices(c, as_2d(indices), as_2d(first));
}

TEST_CASE("max_pool1d_with_indices: each maximum covers its window and its index points at it") {
    Rng rng(903);
    for (int trial = 0; trial < 40; ++trial) {
        const PoolCall c = random_call(rng, "max_pool1d_with_indices");
        CAPTURE(trial);
        INFO(c.describe());
        const auto [values, indices] = mine(c);
        if (!check_values(c, values, expected_values(c))) continue;
        REQUIRE(indices.dimensions() == values.dimensions());
        const Index L = c.x.dimension(3), K = c.kernel[1], S = c.step()[1], P = c.padding[1], D = c.dilation[1];
        for (Index n = 0; n < values.dimension(0); ++n)
            for (Index chan = 0; chan < values.dimension(1); ++chan)
                for (Index o = 0; o < values.dimension(3); ++o) {
                    const Index at = indices(n, chan, 0, o);
                    INFO("output (", n, ", ", chan, ", ", o, ") = ", values(n, chan, 0, o), " at index ", at);
                    bool in_window = false;
                    for (Index j = 0; j < K; ++j) {
                        const Index tap = o * S - P + j * D;
                        if (tap < 0 || tap >= L) continue;
                        CHECK(values(n, chan, 0, o) >= c.x(n, chan, 0, tap));
                        in_window = in_window || tap == at;
                    }
                    REQUIRE(in_window);
                    CHECK(values(n, chan, 0, o) == c.x(n, chan, 0, at));
                }
    }
}

TEST_CASE("max_pool1d_with_indices: random calls against the reference") { sweep("max_pool1d_with_indices", 904, 40); }

TEST_CASE("max_pool1d_with_indices: PyTorch golden data with indices") {
    const auto [outputs, refusals] = check_golden("max_pool1d_with_indices");
    CHECK(outputs >= 90);
    CHECK(refusals >= 10);
}

// ================================================================ max_pool2d

TEST_CASE("max_pool2d: the largest of each 2x2 window - stride defaults to the kernel size") {
    const Tensor4 g = lesson_grid();
    Tensor4 expected(1, 1, 2, 2);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 2; ++j)
            expected(0, 0, i, j) = std::max({g(0, 0, 2 * i, 2 * j), g(0, 0, 2 * i, 2 * j + 1),
                                             g(0, 0, 2 * i + 1, 2 * j), g(0, 0, 2 * i + 1, 2 * j + 1)});
    check_values(call2d("max_pool2d", g, 2), ch::max_pool2d(g, 2), expected);
}

TEST_CASE("max_pool2d: negative inputs at the border - the padding is minus infinity") {
    // A 3x3 plane of negatives, kernel 3, stride 2, padding 1: four windows, each
    // holding a 2x2 corner of x and five padding positions.
    Tensor4 x(1, 1, 3, 3);
    x.setValues({{{{-5, -2, -6}, {-3, -8, -4}, {-9, -1, -7}}}});
    Tensor4 expected(1, 1, 2, 2);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 2; ++j)
            expected(0, 0, i, j) = std::max({x(0, 0, i, j), x(0, 0, i, j + 1), x(0, 0, i + 1, j),
                                             x(0, 0, i + 1, j + 1)});
    check_values(call2d("max_pool2d", x, 3, 2, 1), ch::max_pool2d(x, 3, 2, 1), expected);
}

TEST_CASE("max_pool2d: kernel stride padding and ceil_mode per dimension") {
    Rng rng(905);
    const Tensor4 x = rng.tensor<4>(1, 2, 5, 4);
    // H: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th row of windows would start in the padding: 3.
    // W: ceil((4 + 2 - 2) / 2) + 1 = 3, the last window starting at x[.., 3]: kept.
    const PoolCall c = call2d("max_pool2d", x, 2, 2, 1, 1, true);
    const Tensor4 y = ch::max_pool2d(x, 2, 2, 1, 1, true);
    CHECK(y.dimension(2) == 3);
    CHECK(y.dimension(3) == 3);
    check_values(c, y, expected_values(c));
    const PoolCall mixed = call2d("max_pool2d", x, {3, 1}, Size2(1, 2), Size2(1, 0), Size2(1, 3));
    check_values(mixed, ch::max_pool2d(x, {3, 1}, Size2(1, 2), Size2(1, 0), Size2(1, 3)), expected_values(mixed));
}

TEST_CASE("max_pool2d: random calls against the reference") { sweep("max_pool2d", 906, 60); }

TEST_CASE("max_pool2d: PyTorch golden data") {
    const auto [outputs, refusals] = check_golden("max_pool2d");
    CHECK(outputs >= 90);
    CHECK(refusals >= 10);
}

TEST_CASE("max_pool2d: refuses padding over half the kernel - no window - sizes below 1") {
    Rng rng(907);
    const Tensor4 x = rng.tensor<4>(1, 1, 5, 5);
    CHECK_REFUSES(ch::max_pool2d(x, 3, {}, Size2(2, 0)), "max_pool2d", "2", "3");   // along H
    CHECK_REFUSES(ch::max_pool2d(x, {3, 2}, {}, Size2(1, 2)), "max_pool2d", "2");   // along W
    CHECK_REFUSES(ch::max_pool2d(x, {2, 6}), "max_pool2d", "6", "5");                // no window along W
    CHECK_REFUSES(ch::max_pool2d(x, {6, 2}), "max_pool2d", "6", "5");                // no window along H
    CHECK_REFUSES(ch::max_pool2d(x, {0, 2}, 1), "max_pool2d", "0");
    CHECK_REFUSES(ch::max_pool2d(x, 2, Size2(1, 0)), "max_pool2d", "0");
    CHECK_REFUSES(ch::max_pool2d(x, 2, {}, 0, Size2(0, 1)), "max_pool2d", "0");
    CHECK_REFUSES(ch::max_pool2d(Tensor4(1, 1, 4, 0), 1), "max_pool2d");
}

// =================================================== max_pool2d_with_indices

TEST_CASE("max_pool2d_with_indices: indices are h*W + w in the whole plane") {
    const Tensor4 g = lesson_grid();
    const auto [values, indices] = ch::max_pool2d_with_indices(g, 2);
    const Index W = 4;
    IndexTensor<4> at(1, 1, 2, 2);
    at.setValues({{{{0 * W + 1, 1 * W + 2}, {2 * W + 1, 3 * W + 3}}}});  // the 9, the 8, the 16, the 15
    Tensor4 expected(1, 1, 2, 2);
    expected.setValues({{{{g(0, 0, 0, 1), g(0, 0, 1, 2)}, {g(0, 0, 2, 1), g(0, 0, 3, 3)}}}});
    const PoolCall c = call2d("max_pool2d_with_indices", g, 2);
    if (check_values(c, values, expected)) check_indices(c, indices, at);
}

TEST_CASE("max_pool2d_with_indices: each maximum covers its window and its index points at it") {
    Rng rng(908);
    for (int trial = 0; trial < 40; ++trial) {
        const PoolCall c = random_call(rng, "max_pool2d_with_indices");
        CAPTURE(trial);
        INFO(c.describe());
        const auto [values, indices] = mine(c);
        if (!check_values(c, values, expected_values(c))) continue;
        REQUIRE(indices.dimensions() == values.dimensions());
        const Index H = c.x.dimension(2), W = c.x.dimension(3);
        for (Index n = 0; n < values.dimension(0); ++n)
            for (Index chan = 0; chan < values.dimension(1); ++chan)
                for (Index oh = 0; oh < values.dimension(2); ++oh)
                    for (Index ow = 0; ow < values.dimension(3); ++ow) {
                        const Index at = indices(n, chan, oh, ow);
                        const float v = values(n, chan, oh, ow);
                        INFO("output (", n, ", ", chan, ", ", oh, ", ", ow, ") = ", v, " at index ", at);
                        bool in_window = false;
                        for (Index i = 0; i < c.kernel[0]; ++i)
                            for (Index j = 0; j < c.kernel[1]; ++j) {
                                const Index h = oh * c.step()[0] - c.padding[0] + i * c.dilation[0];
                                const Index w = ow * c.step()[1] - c.padding[1] + j * c.dilation[1];
                                if (h < 0 || h >= H || w < 0 || w >= W) continue;
                                CHECK(v >= c.x(n, chan, h, w));
                                in_window = in_window || h * W + w == at;
                            }
                        REQUIRE(in_window);
                        CHECK(v == c.x(n, chan, at / W, at % W));
                    }
    }
}

TEST_CASE("max_pool2d_with_indices: random calls against the reference") { sweep("max_pool2d_with_indices", 909, 40); }

TEST_CASE("max_pool2d_with_indices: PyTorch golden data with indices") {
    const auto [outputs, refusals] = check_golden("max_pool2d_with_indices");
    CHECK(outputs >= 90);
    CHECK(refusals >= 10);
}

// ================================================================ avg_pool1d

TEST_CASE("avg_pool1d: the mean of each window - stride defaults to the kernel size") {
    const Tensor3 x = row({3, 1, 4, 1, 5, 9, 2, 6});
    Tensor3 pairs(1, 1, 4);
    for (Index i = 0; i < 4; ++i) pairs(0, 0, i) = (x(0, 0, 2 * i) + x(0, 0, 2 * i + 1)) / 2;
    check_values(call1d("avg_pool1d", x, 2), as_2d(ch::avg_pool1d(x, 2)), as_2d(pairs));
    Tensor3 threes(1, 1, 6);
    for (Index i = 0; i < 6; ++i) threes(0, 0, i) = (x(0, 0, i) + x(0, 0, i + 1) + x(0, 0, i + 2)) / 3;
    check_values(call1d("avg_pool1d", x, 3, 1), as_2d(ch::avg_pool1d(x, 3, 1)), as_2d(threes));
}

TEST_CASE("avg_pool1d: count_include_pad decides the divisor at the border") {
    const Tensor3 x = row({3, 1, 4, 1, 5});
    // kernel 3, stride 1, padding 1: the first and last windows hold one padding position.
    Tensor3 with_pad(1, 1, 5), without(1, 1, 5);
    with_pad.setValues({{{(0 + x(0, 0, 0) + x(0, 0, 1)) / 3, (x(0, 0, 0) + x(0, 0, 1) + x(0, 0, 2)) / 3,
                          (x(0, 0, 1) + x(0, 0, 2) + x(0, 0, 3)) / 3, (x(0, 0, 2) + x(0, 0, 3) + x(0, 0, 4)) / 3,
                          (x(0, 0, 3) + x(0, 0, 4) + 0) / 3}}});
    without = with_pad;
    without(0, 0, 0) = (x(0, 0, 0) + x(0, 0, 1)) / 2;
    without(0, 0, 4) = (x(0, 0, 3) + x(0, 0, 4)) / 2;
    check_values(call1d("avg_pool1d", x, 3, 1, 1), as_2d(ch::avg_pool1d(x, 3, 1, 1)), as_2d(with_pad));
    check_values(call1d("avg_pool1d", x, 3, 1, 1, 1, false, false), as_2d(ch::avg_pool1d(x, 3, 1, 1, false, false)),
                 as_2d(without));
}

TEST_CASE("avg_pool1d: ceil_mode - a window hanging past the padding counts only up to the padding") {
    const Tensor3 x = row({3, 1, 4, 1});
    // kernel 3, stride 2, padding 1, ceil_mode: windows start at -1, 1 and 3; the last one holds
    // x[3], one padding position and one position past the padding.
    Tensor3 with_pad(1, 1, 3), without(1, 1, 3);
    with_pad.setValues({{{(0 + x(0, 0, 0) + x(0, 0, 1)) / 3, (x(0, 0, 1) + x(0, 0, 2) + x(0, 0, 3)) / 3,
                          (x(0, 0, 3) + 0) / 2}}});
    without.setValues({{{(x(0, 0, 0) + x(0, 0, 1)) / 2, (x(0, 0, 1) + x(0, 0, 2) + x(0, 0, 3)) / 3, x(0, 0, 3) / 1}}});
    check_values(call1d("avg_pool1d", x, 3, 2, 1, 1, true), as_2d(ch::avg_pool1d(x, 3, 2, 1, true)),
                 as_2d(with_pad));
    check_values(call1d("avg_pool1d", x, 3, 2, 1, 1, true, false), as_2d(ch::avg_pool1d(x, 3, 2, 1, true, false)),
                 as_2d(without));
}

TEST_CASE("avg_pool1d: random calls against the reference") { sweep("avg_pool1d", 910, 60); }

TEST_CASE("avg_pool1d: the average of a constant is the constant") {
    Rng rng(911);
    for (int trial = 0; trial < 30; ++trial) {
        PoolCall c = random_call(rng, "avg_pool1d");
        const float value = rng.uniform(-4.0f, 4.0f);
        c.x = constant(c.x.dimension(0), c.x.dimension(1), 1, c.x.dimension(3), value);
        CAPTURE(trial);
        INFO(c.describe(), " on a constant ", value);
        // Without the padding in the count: the constant everywhere.
        PoolCall real = c;
        real.count_include_pad = false;
        const Tensor3 y = ch::avg_pool1d(as_1d(c.x), c.kernel[1], stride_1d(c), c.padding[1], c.ceil_mode, false);
        check_values(real, as_2d(y), constant(y.dimension(0), y.dimension(1), 1, y.dimension(2), value));
        // With it: the constant wherever a window lies inside x.
        const Tensor3 z = ch::avg_pool1d(as_1d(c.x), c.kernel[1], stride_1d(c), c.padding[1], c.ceil_mode, true);
        REQUIRE(z.dimensions() == y.dimensions());
        for (Index o = 0; o < z.dimension(2); ++o) {
            const Index start = o * c.step()[1] - c.padding[1];
            if (start >= 0 && start + c.kernel[1] <= c.x.dimension(3)) {
                CAPTURE(o);
                CHECK(z(0, 0, o) == doctest::Approx(value).epsilon(1e-5));
            }
        }
    }
}

TEST_CASE("avg_pool1d: PyTorch golden data") {
    const auto [outputs, refusals] = check_golden("avg_pool1d");
    CHECK(outputs >= 90);
    CHECK(refusals >= 8);
}

TEST_CASE("avg_pool1d: refuses padding over half the kernel - no window - sizes below 1") {
    Rng rng(912);
    const Tensor3 x = rng.tensor<3>(2, 1, 5);
    CHECK_REFUSES(ch::avg_pool1d(x, 3, {}, 2), "avg_pool1d", "2", "3");
    CHECK_REFUSES(ch::avg_pool1d(x, 1, {}, 1), "avg_pool1d", "1");
    CHECK_REFUSES(ch::avg_pool1d(x, 6), "avg_pool1d", "6", "5");
    CHECK_REFUSES(ch::avg_pool1d(x, 0, 1), "avg_pool1d", "0");
    CHECK_REFUSES(ch::avg_pool1d(x, 2, 0), "avg_pool1d", "0");
    CHECK_REFUSES(ch::avg_pool1d(x, 2, {}, -1), "avg_pool1d", "-1");
    CHECK_REFUSES(ch::avg_pool1d(Tensor3(1, 1, 0), 1), "avg_pool1d");
}

// ================================================================ avg_pool2d

TEST_CASE("avg_pool2d: count_include_pad at a corner - nine positions or four elements") {
    const Tensor4 g = lesson_grid();
    // kernel 3, stride 1, padding 1: the corner window holds 4 elements of g and 5 padding positions;
    // the window beside it holds 6 elements and 3 padding positions.
    const Tensor4 with_pad = ch::avg_pool2d(g, 3, 1, 1);
    const Tensor4 without = ch::avg_pool2d(g, 3, 1, 1, false, false);
    const float corner = g(0, 0, 0, 0) + g(0, 0, 0, 1) + g(0, 0, 1, 0) + g(0, 0, 1, 1);
    const float edge = corner + g(0, 0, 0, 2) + g(0, 0, 1, 2);
    PoolCall c = call2d("avg_pool2d", g, 3, 1, 1);
    check_values(c, with_pad, expected_values(c));
    c.count_include_pad = false;
    check_values(c, without, expected_values(c));
    if (with_pad.dimensions() == without.dimensions() && with_pad.dimension(3) == 4) {
        CHECK(with_pad(0, 0, 0, 0) == doctest::Approx(corner / 9));
        CHECK(without(0, 0, 0, 0) == doctest::Approx(corner / 4));
        CHECK(with_pad(0, 0, 0, 1) == doctest::Approx(edge / 9));
        CHECK(without(0, 0, 0, 1) == doctest::Approx(edge / 6));
    }
}

TEST_CASE("avg_pool2d: divisor_override replaces the count") {
    const Tensor4 g = lesson_grid();
    Tensor4 sums(1, 1, 2, 2);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 2; ++j)
            sums(0, 0, i, j) = g(0, 0, 2 * i, 2 * j) + g(0, 0, 2 * i, 2 * j + 1) + g(0, 0, 2 * i + 1, 2 * j) +
                               g(0, 0, 2 * i + 1, 2 * j + 1);
    PoolCall c = call2d("avg_pool2d", g, 2);
    c.divisor_override = 1;
    check_values(c, ch::avg_pool2d(g, 2, {}, 0, false, true, 1), sums);
    c.divisor_override = 3;
    check_values(c, ch::avg_pool2d(g, 2, {}, 0, false, true, 3), Tensor4(sums / 3.0f));
    // Even where the window holds padding, and whatever count_include_pad says.
    c = call2d("avg_pool2d", g, 3, 2, 1, 1, true);
    c.count_include_pad = false;
    c.divisor_override = 2;
    check_values(c, ch::avg_pool2d(g, 3, 2, 1, true, false, 2), expected_values(c));
}

TEST_CASE("avg_pool2d: random calls against the reference") { sweep("avg_pool2d", 913, 60); }

TEST_CASE("avg_pool2d: the average of a constant is the constant") {
    Rng rng(914);
    for (int trial = 0; trial < 30; ++trial) {
        PoolCall c = random_call(rng, "avg_pool2d");
        const float value = rng.uniform(-4.0f, 4.0f);
        c.x = constant(c.x.dimension(0), c.x.dimension(1), c.x.dimension(2), c.x.dimension(3), value);
        c.divisor_override = std::nullopt;
        c.count_include_pad = false;
        CAPTURE(trial);
        INFO(c.describe(), " on a constant ", value);
        const Tensor4 y = ch::avg_pool2d(c.x, c.kernel, c.stride, c.padding, c.ceil_mode, false);
        check_values(c, y, constant(y.dimension(0), y.dimension(1), y.dimension(2), y.dimension(3), value));
        const Tensor4 z = ch::avg_pool2d(c.x, c.kernel, c.stride, c.padding, c.ceil_mode, true);
        REQUIRE(z.dimensions() == y.dimensions());
        for (Index oh = 0; oh < z.dimension(2); ++oh)
            for (Index ow = 0; ow < z.dimension(3); ++ow) {
                const Index top = oh * c.step()[0] - c.padding[0], left = ow * c.step()[1] - c.padding[1];
                if (top >= 0 && left >= 0 && top + c.kernel[0] <= c.x.dimension(2) &&
                    left + c.kernel[1] <= c.x.dimension(3)) {
                    CAPTURE(oh);
                    CAPTURE(ow);
                    CHECK(z(0, 0, oh, ow) == doctest::Approx(value).epsilon(1e-5));
                }
            }
    }
}

TEST_CASE("avg_pool2d: PyTorch golden data") {
    const auto [outputs, refusals] = check_golden("avg_pool2d");
    CHECK(outputs >= 90);
    CHECK(refusals >= 8);
}

TEST_CASE("avg_pool2d: refuses divisor_override 0 - padding over half the kernel - no window") {
    Rng rng(915);
    const Tensor4 x = rng.tensor<4>(1, 2, 4, 4);
    CHECK_REFUSES(ch::avg_pool2d(x, 2, {}, 0, false, true, 0), "avg_pool2d", "divisor_override");
    CHECK_REFUSES(ch::avg_pool2d(x, {3, 1}, {}, Size2(1, 1)), "avg_pool2d", "1");
    CHECK_REFUSES(ch::avg_pool2d(x, 3, {}, Size2(2, 1)), "avg_pool2d", "2", "3");
    CHECK_REFUSES(ch::avg_pool2d(x, {2, 5}), "avg_pool2d", "5", "4");
    CHECK_REFUSES(ch::avg_pool2d(x, {2, 0}, 1), "avg_pool2d", "0");
    CHECK_REFUSES(ch::avg_pool2d(x, 2, Size2(0, 1)), "avg_pool2d", "0");
    CHECK_REFUSES(ch::avg_pool2d(Tensor4(1, 0, 4, 4), 2), "avg_pool2d");
}

// ======================================================= adaptive_avg_pool2d

TEST_CASE("adaptive_avg_pool2d: the bins worked by hand - overlapping and repeating") {
    // 5 -> 3: bins [0, 2), [1, 4), [3, 5).
    Tensor4 x(1, 1, 1, 5);
    x.setValues({{{{3, 1, 4, 1, 5}}}});
    Tensor4 three(1, 1, 1, 3);
    three.setValues({{{{(x(0, 0, 0, 0) + x(0, 0, 0, 1)) / 2, (x(0, 0, 0, 1) + x(0, 0, 0, 2) + x(0, 0, 0, 3)) / 3,
                        (x(0, 0, 0, 3) + x(0, 0, 0, 4)) / 2}}}});
    CHECK_CLOSE(ch::adaptive_avg_pool2d(x, {1, 3}), three, adaptive_options(x, {1, 3}));
    // 3 -> 5 (more outputs than inputs): bins [0, 1), [0, 2), [1, 2), [1, 3), [2, 3).
    Tensor4 y(1, 1, 3, 1);
    y.setValues({{{{3}, {1}, {4}}}});
    Tensor4 five(1, 1, 5, 1);
    five.setValues({{{{y(0, 0, 0, 0)}, {(y(0, 0, 0, 0) + y(0, 0, 1, 0)) / 2}, {y(0, 0, 1, 0)},
                      {(y(0, 0, 1, 0) + y(0, 0, 2, 0)) / 2}, {y(0, 0, 2, 0)}}}});
    CHECK_CLOSE(ch::adaptive_avg_pool2d(y, {5, 1}), five, adaptive_options(y, {5, 1}));
}

TEST_CASE("adaptive_avg_pool2d: output size equal to the input is the identity and 1 is the global mean") {
    Rng rng(916);
    for (int trial = 0; trial < 20; ++trial) {
        const Tensor4 x = rng.tensor<4>(rng.integer(1, 2), rng.integer(1, 3), rng.integer(1, 7), rng.integer(1, 7));
        CAPTURE(trial);
        const Size2 same(x.dimension(2), x.dimension(3));
        CHECK_CLOSE(ch::adaptive_avg_pool2d(x, same), x, adaptive_options(x, same));
        const Tensor4 mean = x.mean(Eigen::array<Index, 2>{2, 3})
                                 .reshape(Eigen::array<Index, 4>{x.dimension(0), x.dimension(1), 1, 1});
        CheckOptions o = adaptive_options(x, 1);
        o.what += " (the mean of every plane)";
        CHECK_CLOSE(ch::adaptive_avg_pool2d(x, 1), mean, o);
    }
}

TEST_CASE("adaptive_avg_pool2d: random calls against the reference") {
    Rng rng(917);
    for (int trial = 0; trial < 50; ++trial) {
        const Tensor4 x = rng.tensor<4>(rng.integer(1, 2), rng.integer(1, 3), rng.integer(1, 9), rng.integer(1, 9));
        const Size2 out(rng.integer(1, 10), rng.integer(1, 10));
        CAPTURE(trial);
        CHECK_CLOSE(ch::adaptive_avg_pool2d(x, out), ref::adaptive_avg_pool2d(x, out), adaptive_options(x, out));
    }
}

TEST_CASE("adaptive_avg_pool2d: PyTorch golden data") {
    int outputs = 0, refusals = 0;
    for (const GoldenCase& g : load_golden("adaptive_avg_pool2d")) {
        INFO(g.describe());
        const Tensor4 x = g.tensor("input").tensor<4>();
        const std::vector<Index> v = g.integers("output_size");
        const Size2 out = v.size() == 1 ? Size2(v[0]) : Size2(v.at(0), v.at(1));
        if (g.refused()) {
            CHECK_REFUSES(ch::adaptive_avg_pool2d(x, out), "adaptive_avg_pool2d");
            ++refusals;
            continue;
        }
        CHECK_CLOSE(ch::adaptive_avg_pool2d(x, out), g.output().tensor<4>(), adaptive_options(x, out));
        ++outputs;
    }
    CHECK(outputs >= 50);
    CHECK(refusals >= 2);
}

TEST_CASE("adaptive_avg_pool2d: refuses a negative output size - accepts 0") {
    Rng rng(918);
    const Tensor4 x = rng.tensor<4>(1, 2, 4, 4);
    CHECK_REFUSES(ch::adaptive_avg_pool2d(x, {-1, 2}), "adaptive_avg_pool2d", "-1");
    CHECK_REFUSES(ch::adaptive_avg_pool2d(Tensor4(1, 1, 0, 4), 2), "adaptive_avg_pool2d", "0");
    const Tensor4 empty = ch::adaptive_avg_pool2d(x, {0, 2});  // as PyTorch: an empty [1, 2, 0, 2]
    CHECK(empty.dimension(0) == 1);
    CHECK(empty.dimension(1) == 2);
    CHECK(empty.dimension(2) == 0);
    CHECK(empty.dimension(3) == 2);
}
