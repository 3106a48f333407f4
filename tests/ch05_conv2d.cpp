// Chapter 05 - conv2d: two spatial dimensions.
#include "conv2d.hpp"
#include "kata_test.hpp"

#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch05;

namespace {

const std::string kLesson = "chapters/05_conv2d/README.md";
const std::string kKernelSwap = "H and W swapped in the kernel (weight read as [OC, C, KW, KH])";
const std::string kKernelSwapAt = kLesson + "#h-and-w-swapped-in-the-kernel";
const std::string kStrideSwap = "H and W swapped in the stride (stride (sh, sw) applied as (sw, sh))";
const std::string kStrideSwapAt = kLesson + "#h-and-w-swapped-in-the-stride";
const std::string kPadHOnly = "padding applied to H only (no zeros left and right)";
const std::string kPadWOnly = "padding applied to W only (no zeros above and below)";
const std::string kPadOneAt = kLesson + "#padding-only-one-dimension";
const std::string kWindow = "(kh, kw) read as (kw, kh) in the window: kh stepping along W and kw along H";
const std::string kWindowAt = kLesson + "#window-read-as-kw-kh";
const std::string kDilHOnly = "dilation applied to H only (the taps along W stay next to each other)";
const std::string kDilWOnly = "dilation applied to W only (the taps along H stay next to each other)";
const std::string kDilOneAt = kLesson + "#dilation-in-only-one-dimension";
const std::string kFitAt = kLesson + "#a-layer-that-fits-only-thanks-to-its-padding";

// 1, 2, 3, ... row by row, like torch.arange(1., n + 1).view(...).
Tensor4 iota(Index n, Index c, Index h, Index w) {
    Tensor4 t(n, c, h, w);
    for (Index i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(i + 1);
    return t;
}

// The zeros around x, per side: what the call's padding adds.
struct Pads {
    Index top = 0, bottom = 0, left = 0, right = 0;
};

Pads pads_for(const Padding2& padding, Index KH, Index KW, Size2 dilation) {
    if (padding.is_same()) {
        const PadPair h = same_padding(KH, dilation[0]), w = same_padding(KW, dilation[1]);
        return {h.left, h.right, w.left, w.right};
    }
    if (padding.is_valid()) return {};
    return {padding.amount()[0], padding.amount()[0], padding.amount()[1], padding.amount()[1]};
}

Pads pads(const Conv2dCall& c) { return pads_for(c.padding, c.weight.dimension(2), c.weight.dimension(3), c.dilation); }

Tensor4 zero_pad(const Tensor4& x, const Pads& p) {
    const Eigen::array<std::pair<Index, Index>, 4> sides = {
        {{0, 0}, {0, 0}, {p.top, p.bottom}, {p.left, p.right}}};
    return x.pad(sides);
}

Tensor4 transposed_kernel(const Tensor4& weight) { return weight.shuffle(Eigen::array<int, 4>{0, 1, 3, 2}); }

// What the reference gives on x padded by hand (any padding a mistake makes
// up) with this weight, stride and dilation; nothing when it does not fit.
std::optional<Tensor4> reference_on(const Conv2dCall& c, const Pads& p, const Tensor4& weight, Size2 stride,
                                    Size2 dilation) {
    try {
        return ref::conv2d(zero_pad(c.x, p), weight, c.bias, stride, 0, dilation);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

std::optional<Tensor4> expected_of(const Conv2dCall& c) {
    try {
        return c.expected();
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

// The mistakes of this chapter that a conv2d output gives away, each
// computed the mistaken way by the reference.
std::vector<Mistake> conv_mistakes(const Conv2dCall& c) {
    std::vector<Mistake> m;
    auto add = [&m](const std::string& name, const std::string& at, const std::optional<Tensor4>& wrong) {
        if (wrong) m.push_back(mistake_output(name, at, *wrong));
    };
    const Index KH = c.weight.dimension(2), KW = c.weight.dimension(3);
    const Size2 S = c.stride, D = c.dilation;
    const Pads p = pads(c);

    if (S[0] != S[1]) {
        Conv2dCall stride_swap = c;
        stride_swap.stride = Size2(S[1], S[0]);
        add(kStrideSwap, kStrideSwapAt, expected_of(stride_swap));
    }
    if (p.left + p.right > 0) add(kPadHOnly, kPadOneAt, reference_on(c, {p.top, p.bottom, 0, 0}, c.weight, S, D));
    if (p.top + p.bottom > 0) add(kPadWOnly, kPadOneAt, reference_on(c, {0, 0, p.left, p.right}, c.weight, S, D));
    if (D[1] != 1) {
        const Size2 wrong(D[0], 1);
        add(kDilHOnly, kDilOneAt, reference_on(c, pads_for(c.padding, KH, KW, wrong), c.weight, S, wrong));
    }
    if (D[0] != 1) {
        const Size2 wrong(1, D[1]);
        add(kDilWOnly, kDilOneAt, reference_on(c, pads_for(c.padding, KH, KW, wrong), c.weight, S, wrong));
    }

    // The kernel read as [OC, C, KW, KH]: the transposed kernel, padded as the call says.
    const Tensor4 transposed = transposed_kernel(c.weight);
    Conv2dCall kernel_swap = c;
    kernel_swap.weight = transposed;
    const std::optional<Tensor4> swapped = expected_of(kernel_swap);
    // The window read as (kw, kh): output (oh, ow) adds w[kh, kw] * x[oh*sh + kw*dh, ow*sw + kh*dw]
    // (padded coordinates) over the right output shape. That is the transposed kernel on x with
    // enough zeros below and to the right, cut to the right shape.
    std::optional<Tensor4> window;
    if (const auto right_answer = expected_of(c)) {
        Pads more = p;
        more.bottom += D[0] * (KH + KW);
        more.right += D[1] * (KH + KW);
        if (const auto wide = reference_on(c, more, transposed, S, D)) {
            const Eigen::array<Index, 4> from = {0, 0, 0, 0};
            window = Tensor4(wide->slice(from, right_answer->dimensions()));
        }
    }
    // On some calls (a square kernel, for one) the two give the same output: name both.
    if (swapped && window && close_enough(view(*swapped), view(*window))) {
        add(kKernelSwap + ", or " + kWindow + " (the two agree on this call)", kKernelSwapAt, swapped);
    } else {
        add(kKernelSwap, kKernelSwapAt, swapped);
        add(kWindow, kWindowAt, window);
    }
    return m;
}

CheckOptions conv_options(const Conv2dCall& c) {
    CheckOptions o = c.options();
    o.mistakes = conv_mistakes(c);
    return o;
}

Tensor4 run(const Conv2dCall& c) { return ch::conv2d(c.x, c.weight, c.bias, c.stride, c.padding, c.dilation); }

// The learner's conv2d on a call PyTorch accepts. A refusal fails the check,
// with a pointer to the mistake when one would explain it.
std::optional<Tensor4> accepted(const Conv2dCall& c) {
    try {
        return run(c);
    } catch (const std::invalid_argument& e) {
        const Index H = c.x.dimension(2), W = c.x.dimension(3);
        const Index KH = c.weight.dimension(2), KW = c.weight.dimension(3);
        const Pads p = pads(c);
        const Index padded_h = H + p.top + p.bottom, padded_w = W + p.left + p.right;
        const Index reach_h = dilated_kernel_size(KH, c.dilation[0]), reach_w = dilated_kernel_size(KW, c.dilation[1]);
        std::ostringstream why;
        why << c.describe() << " is a call PyTorch accepts, but it was refused:\n  " << e.what()
            << "\n  The dilated kernel reaches " << reach_h << " x " << reach_w << "; the padded input is "
            << padded_h << " x " << padded_w << ".";
        if (dilated_kernel_size(KW, c.dilation[0]) > padded_h || dilated_kernel_size(KH, c.dilation[1]) > padded_w) {
            why << "\n  Read as [OC, C, KW, KH] (H and W swapped), this kernel would not fit: see " << kKernelSwapAt;
        }
        if (reach_w > W && p.left + p.right > 0) {
            why << "\n  Without its zeros left and right, it would not fit in W: see " << kPadOneAt;
        }
        if (reach_h > H && p.top + p.bottom > 0) {
            why << "\n  Without its zeros above and below, it would not fit in H: see " << kPadOneAt;
        }
        FAIL_CHECK(why.str());
        return std::nullopt;
    }
}

void check_conv(const Conv2dCall& c, const Tensor4& expected, const CheckOptions& options) {
    if (const auto y = accepted(c)) CHECK_CLOSE(*y, expected, options);
}

void check_conv(const Conv2dCall& c) { check_conv(c, c.expected(), conv_options(c)); }

// --- trace_shapes helpers ---

std::string text(const ch::ShapeTrace& t) {
    std::string s = "shapes ";
    for (std::size_t i = 0; i < t.shapes.size(); ++i) s += (i ? ", " : "") + shape_string(t.shapes[i]);
    return s + ", broken_layer " + std::to_string(t.broken_layer);
}

std::string describe(std::array<Index, 3> input, const std::vector<ch::Conv2dLayer>& layers) {
    std::string s = "trace_shapes(" + shape_string(input) + ", {";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const ch::Conv2dLayer& l = layers[i];
        s += (i ? ", " : "") + std::string("{OC=") + std::to_string(l.out_channels) + " K=" + l.kernel.to_string() +
             " S=" + l.stride.to_string() + " P=" + l.padding.to_string() + " D=" + l.dilation.to_string() + "}";
    }
    return s + "})";
}

// The trace by shape.hpp's formula. padding_counts = false is the mistake of
// checking the kernel against the input before padding.
ch::ShapeTrace formula_trace(std::array<Index, 3> input, const std::vector<ch::Conv2dLayer>& layers,
                             bool padding_counts = true) {
    ch::ShapeTrace t;
    t.shapes.push_back(input);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const ch::Conv2dLayer& l = layers[i];
        std::array<Index, 3> out = {l.out_channels, 0, 0};
        for (int d = 0; d < 2; ++d) {
            const Index in = t.shapes.back()[static_cast<std::size_t>(d + 1)];
            if (dilated_kernel_size(l.kernel[d], l.dilation[d]) > in + (padding_counts ? 2 * l.padding[d] : 0)) {
                t.broken_layer = static_cast<Index>(i);
                return t;
            }
            out[static_cast<std::size_t>(d + 1)] =
                output_size(in, l.kernel[d], l.stride[d], l.padding[d], l.dilation[d]);
        }
        t.shapes.push_back(out);
    }
    return t;
}

// The layers with every kernel read as (KW, KH).
std::vector<ch::Conv2dLayer> kernels_swapped(std::vector<ch::Conv2dLayer> layers) {
    for (ch::Conv2dLayer& l : layers) l.kernel = Size2(l.kernel[1], l.kernel[0]);
    return layers;
}

bool same_trace(const ch::ShapeTrace& a, const ch::ShapeTrace& b) {
    return a.shapes == b.shapes && a.broken_layer == b.broken_layer;
}

void check_trace(std::array<Index, 3> input, const std::vector<ch::Conv2dLayer>& layers,
                 const ch::ShapeTrace& expected) {
    const ch::ShapeTrace actual = ch::trace_shapes(input, layers);
    if (same_trace(actual, expected)) return;
    std::string report = describe(input, layers) + " gave\n  " + text(actual) + "\n  expected\n  " + text(expected) +
                         "\n  (per dimension: out = floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1;"
                         " a layer breaks when dilation*(kernel-1)+1 > in + 2*padding)";
    if (same_trace(actual, formula_trace(input, layers, false))) {
        report += "\n  This is exactly what the mistake \"kernel checked against the input before padding\" "
                  "produces.\n  Read " + kFitAt;
    } else if (same_trace(actual, formula_trace(input, kernels_swapped(layers)))) {
        report += "\n  This is exactly what the mistake \"kernel (KH, KW) read as (KW, KH)\" produces.\n  Read " +
                  kKernelSwapAt;
    }
    FAIL_CHECK(report);
}

}  // namespace

// --- conv2d: by hand ------------------------------------------------------------

TEST_CASE("conv2d: the worked example - a 4x5 image and a 3x3 kernel") {
    Conv2dCall c;
    c.x = iota(1, 1, 4, 5);  // 1..20, row by row
    c.weight = Tensor4(1, 1, 3, 3);
    c.weight.setValues({{{{1, 2, 0}, {0, 1, 0}, {0, 0, -1}}}});
    auto X = [&](Index r, Index col) { return c.x(0, 0, r, col); };
    auto w = [&](Index a, Index b) { return c.weight(0, 0, a, b); };

    // H_out = 4 - 3 + 1 = 2, W_out = 5 - 3 + 1 = 3.
    Tensor4 expected(1, 1, 2, 3);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 3; ++j) {
            expected(0, 0, i, j) = X(i, j) * w(0, 0) + X(i, j + 1) * w(0, 1) + X(i, j + 2) * w(0, 2)  //
                                   + X(i + 1, j) * w(1, 0) + X(i + 1, j + 1) * w(1, 1) + X(i + 1, j + 2) * w(1, 2)
                                   + X(i + 2, j) * w(2, 0) + X(i + 2, j + 1) * w(2, 1) + X(i + 2, j + 2) * w(2, 2);
        }
    CHECK(expected(0, 0, 0, 0) == -1);  // 1*1 + 2*2 + 7*1 + 13*(-1), as in the lesson
    CHECK(expected(0, 0, 1, 2) == 20);
    check_conv(c, expected, conv_options(c));
}

TEST_CASE("conv2d: a 2x3 kernel with stride 2 down and 1 across - by hand") {
    Conv2dCall c;
    c.x = iota(1, 1, 5, 6);
    c.weight = iota(1, 1, 2, 3);
    c.stride = {2, 1};
    auto X = [&](Index r, Index col) { return c.x(0, 0, r, col); };
    auto w = [&](Index a, Index b) { return c.weight(0, 0, a, b); };

    // H_out = floor((5 - 2) / 2) + 1 = 2, W_out = floor((6 - 3) / 1) + 1 = 4.
    Tensor4 expected(1, 1, 2, 4);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 4; ++j) {
            expected(0, 0, i, j) = X(2 * i, j) * w(0, 0) + X(2 * i, j + 1) * w(0, 1) + X(2 * i, j + 2) * w(0, 2)
                                   + X(2 * i + 1, j) * w(1, 0) + X(2 * i + 1, j + 1) * w(1, 1)
                                   + X(2 * i + 1, j + 2) * w(1, 2);
        }
    CHECK(expected(0, 0, 0, 0) == 136);
    check_conv(c, expected, conv_options(c));

    // The other way round: stride 1 down and 2 across.
    c.stride = {1, 2};
    Tensor4 across(1, 1, 4, 2);  // H_out = 5 - 2 + 1 = 4, W_out = floor((6 - 3) / 2) + 1 = 2
    for (Index i = 0; i < 4; ++i)
        for (Index j = 0; j < 2; ++j) {
            across(0, 0, i, j) = X(i, 2 * j) * w(0, 0) + X(i, 2 * j + 1) * w(0, 1) + X(i, 2 * j + 2) * w(0, 2)
                                 + X(i + 1, 2 * j) * w(1, 0) + X(i + 1, 2 * j + 1) * w(1, 1)
                                 + X(i + 1, 2 * j + 2) * w(1, 2);
        }
    check_conv(c, across, conv_options(c));
}

TEST_CASE("conv2d: padding per dimension - by hand") {
    // padding (ph, pw): ph rows of zeros above and below, pw columns left and right.
    const Size2 settings[] = {{1, 0}, {0, 2}, {1, 2}};
    for (const Size2 P : settings) {
        Conv2dCall c;
        c.x = iota(1, 1, 5, 6);
        c.weight = iota(1, 1, 2, 3);
        c.padding = P;
        auto XP = [&](Index r, Index col) -> float {  // the padded input
            r -= P[0];
            col -= P[1];
            return (r >= 0 && r < 5 && col >= 0 && col < 6) ? c.x(0, 0, r, col) : 0.0f;
        };
        auto w = [&](Index a, Index b) { return c.weight(0, 0, a, b); };
        const Index H_out = 5 + 2 * P[0] - 2 + 1, W_out = 6 + 2 * P[1] - 3 + 1;
        Tensor4 expected(1, 1, H_out, W_out);
        for (Index i = 0; i < H_out; ++i)
            for (Index j = 0; j < W_out; ++j) {
                expected(0, 0, i, j) = XP(i, j) * w(0, 0) + XP(i, j + 1) * w(0, 1) + XP(i, j + 2) * w(0, 2)
                                       + XP(i + 1, j) * w(1, 0) + XP(i + 1, j + 1) * w(1, 1)
                                       + XP(i + 1, j + 2) * w(1, 2);
            }
        INFO("padding=", P.to_string());
        check_conv(c, expected, conv_options(c));
    }
}

TEST_CASE("conv2d: dilation per dimension - by hand") {
    // dilation (dh, dw): the rows of the kernel dh apart, its columns dw apart.
    const Size2 settings[] = {{1, 2}, {2, 1}, {2, 2}};
    for (const Size2 D : settings) {
        Conv2dCall c;
        c.x = iota(1, 1, 5, 6);
        c.weight = iota(1, 1, 2, 3);
        c.dilation = D;
        auto X = [&](Index r, Index col) { return c.x(0, 0, r, col); };
        auto w = [&](Index a, Index b) { return c.weight(0, 0, a, b); };
        const Index dh = D[0], dw = D[1];
        const Index H_out = 5 - dh * (2 - 1), W_out = 6 - dw * (3 - 1);
        Tensor4 expected(1, 1, H_out, W_out);
        for (Index i = 0; i < H_out; ++i)
            for (Index j = 0; j < W_out; ++j) {
                expected(0, 0, i, j) = X(i, j) * w(0, 0) + X(i, j + dw) * w(0, 1) + X(i, j + 2 * dw) * w(0, 2)
                                       + X(i + dh, j) * w(1, 0) + X(i + dh, j + dw) * w(1, 1)
                                       + X(i + dh, j + 2 * dw) * w(1, 2);
            }
        INFO("dilation=", D.to_string());
        check_conv(c, expected, conv_options(c));
    }
}

TEST_CASE("conv2d: stride - padding and dilation together - the lesson's example") {
    // stride (2, 1), padding (1, 0), dilation (1, 2) on the 5x6 image with the 2x3 kernel 1..6.
    Conv2dCall c;
    c.x = iota(1, 1, 5, 6);
    c.weight = iota(1, 1, 2, 3);
    c.stride = {2, 1};
    c.padding = Size2(1, 0);
    c.dilation = {1, 2};
    auto XP = [&](Index r, Index col) -> float { return (r >= 1 && r <= 5) ? c.x(0, 0, r - 1, col) : 0.0f; };
    auto w = [&](Index a, Index b) { return c.weight(0, 0, a, b); };
    // H_out = floor((5 + 2 - 1*(2-1) - 1) / 2) + 1 = 3, W_out = floor((6 + 0 - 2*(3-1) - 1) / 1) + 1 = 2.
    Tensor4 expected(1, 1, 3, 2);
    for (Index i = 0; i < 3; ++i)
        for (Index j = 0; j < 2; ++j) {
            expected(0, 0, i, j) = XP(2 * i, j) * w(0, 0) + XP(2 * i, j + 2) * w(0, 1) + XP(2 * i, j + 4) * w(0, 2)
                                   + XP(2 * i + 1, j) * w(1, 0) + XP(2 * i + 1, j + 2) * w(1, 1)
                                   + XP(2 * i + 1, j + 4) * w(1, 2);
        }
    CHECK(expected(0, 0, 0, 0) == 49);  // the first row of windows starts in the padding
    CHECK(expected(0, 0, 2, 1) == 560);
    check_conv(c, expected, conv_options(c));
}

TEST_CASE("conv2d: a vertical-edge kernel on a bright square") {
    // The lesson's picture, on a wider image and with padding 1: an 8x10 image, 0 everywhere
    // but a 4x4 square of 1s.
    Conv2dCall c;
    c.x = Tensor4(1, 1, 8, 10);
    c.x.setZero();
    for (Index r = 2; r < 6; ++r)
        for (Index col = 3; col < 7; ++col) c.x(0, 0, r, col) = 1.0f;
    c.weight = Tensor4(1, 1, 3, 3);
    c.weight.setValues({{{{1, 0, -1}, {2, 0, -2}, {1, 0, -1}}}});
    c.padding = 1;
    auto XP = [&](Index r, Index col) -> float {
        return (r >= 1 && r <= 8 && col >= 1 && col <= 10) ? c.x(0, 0, r - 1, col - 1) : 0.0f;
    };
    // Left column minus right column of every window, the middle row counted twice.
    Tensor4 expected(1, 1, 8, 10);
    for (Index i = 0; i < 8; ++i)
        for (Index j = 0; j < 10; ++j) {
            expected(0, 0, i, j) = (XP(i, j) - XP(i, j + 2)) + 2 * (XP(i + 1, j) - XP(i + 1, j + 2))
                                   + (XP(i + 2, j) - XP(i + 2, j + 2));
        }
    CHECK(expected(0, 0, 3, 2) == -4);  // the square's left edge: dark on the left, bright on the right
    CHECK(expected(0, 0, 3, 7) == 4);   // its right edge
    CHECK(expected(0, 0, 3, 4) == 0);   // inside: no edge
    check_conv(c, expected, conv_options(c));
}

// --- conv2d: against the reference and PyTorch ---------------------------------------

TEST_CASE("conv2d: random calls against the reference") {
    Rng rng(5101);
    for (int trial = 0; trial < 60; ++trial) {
        const Conv2dCall c = random_conv2d_call(rng);
        CAPTURE(trial);
        check_conv(c);
    }
}

TEST_CASE("conv2d: padding same and valid in both dimensions") {
    Rng rng(5102);
    const Size2 dilations[] = {{1, 1}, {1, 2}, {2, 1}, {3, 2}};
    for (const Size2 D : dilations)
        for (Index KH = 1; KH <= 4; ++KH)
            for (Index KW = 1; KW <= 4; ++KW) {
                Conv2dCall c;
                c.x = rng.tensor<4>(2, 2, 7, 9);
                c.weight = rng.tensor<4>(3, 2, KH, KW);
                c.bias = rng.tensor<1>(3);
                c.dilation = D;
                c.padding = "same";
                const Pads p = pads(c);
                INFO("padding='same' adds ", p.top, " above, ", p.bottom, " below, ", p.left, " left and ", p.right,
                     " right (dilation*(K-1) per dimension, the odd one after)");
                check_conv(c);  // the output is 7 x 9, like the input
                c.padding = "valid";
                if (dilated_kernel_size(KH, D[0]) <= 7 && dilated_kernel_size(KW, D[1]) <= 9) check_conv(c);
            }
}

TEST_CASE("conv2d: the output size follows the formula in each dimension") {
    // Every small (size, kernel, stride, padding, dilation) along one dimension,
    // with a different fixed setting along the other, both ways round.
    int checked = 0;
    for (int along = 0; along < 2; ++along)
        for (Index L = 1; L <= 8; ++L)
            for (Index K = 1; K <= 3; ++K)
                for (Index S = 1; S <= 3; ++S)
                    for (Index P = 0; P <= 2; ++P)
                        for (Index D = 1; D <= 3; ++D) {
                            if (dilated_kernel_size(K, D) > L + 2 * P) continue;
                            const Index fixed_size = 7, fixed_kernel = 2;
                            Conv2dCall c;
                            c.x = along == 0 ? Tensor4(1, 1, L, fixed_size) : Tensor4(1, 1, fixed_size, L);
                            c.x.setConstant(1.0f);
                            c.weight = along == 0 ? Tensor4(1, 1, K, fixed_kernel) : Tensor4(1, 1, fixed_kernel, K);
                            c.weight.setConstant(1.0f);
                            c.stride = along == 0 ? Size2(S, 2) : Size2(2, S);
                            c.padding = along == 0 ? Size2(P, 1) : Size2(1, P);
                            c.dilation = along == 0 ? Size2(D, 1) : Size2(1, D);
                            const auto y = accepted(c);
                            if (!y) return;
                            const std::string report = close_report(*y, c.expected(), conv_options(c));
                            if (!report.empty()) {
                                FAIL_CHECK(report);
                                return;  // one message is enough
                            }
                            ++checked;
                        }
    CHECK(checked == 2 * 567);
}

TEST_CASE("conv2d: PyTorch golden data") {
    Conv2dRanges chapter05;  // no groups until chapter 06
    chapter05.max_stride = 4;
    chapter05.max_padding = 4;
    chapter05.max_dilation = 4;
    chapter05.max_groups = 1;
    CHECK(check_golden_conv2d(chapter05, run, conv_options).size() >= 100);
}

// --- conv2d: properties -------------------------------------------------------------

TEST_CASE("conv2d: rows as channels - an (R X) kernel on an R-row image is a conv1d") {
    // A one-channel image [N, 1, R, Cols] read as [N, R, Cols] (each row a channel), and the kernel
    // [OC, 1, R, X] read as [OC, R, X]: conv1d over the rows equals conv2d over the image, whose
    // output has a single row. Stride, padding and dilation act along W.
    Rng rng(5301);
    for (int trial = 0; trial < 30; ++trial) {
        const Index N = rng.integer(1, 2), R = rng.integer(1, 4), OC = rng.integer(1, 3), X = rng.integer(1, 4);
        const Index S = rng.integer(1, 3), P = rng.integer(0, 2), D = rng.integer(1, 2);
        const Index Cols = rng.integer(std::max<Index>(1, dilated_kernel_size(X, D) - 2 * P), 10);
        Conv2dCall c;
        c.x = rng.tensor<4>(N, 1, R, Cols);
        c.weight = rng.tensor<4>(OC, 1, R, X);
        if (rng.coin()) c.bias = rng.tensor<1>(OC);
        c.stride = {1, S};
        c.padding = Size2(0, P);
        c.dilation = {1, D};

        const Tensor3 rows = c.x.reshape(Eigen::array<Index, 3>{N, R, Cols});
        const Tensor3 kernels = c.weight.reshape(Eigen::array<Index, 3>{OC, R, X});
        const Tensor3 by_rows = ref::conv1d(rows, kernels, c.bias, S, P, D);
        const Tensor4 expected = by_rows.reshape(Eigen::array<Index, 4>{N, OC, 1, by_rows.dimension(2)});
        CAPTURE(trial);
        INFO("conv1d(x as ", shape_string(rows), ", weight as ", shape_string(kernels), ", stride=", S,
             ", padding=", P, ", dilation=", D, ")");
        CheckOptions o = conv_options(c);
        o.what = c.describe() + " (against conv1d over its rows)";
        check_conv(c, expected, o);
    }
}

TEST_CASE("conv2d: a (1 K) kernel with a bias and a row of zeros above and below - by hand") {
    // padding (1, 0) on the 3x4 image 1..12, kernel [1, 2], bias 100: output row i reads input
    // row i - 1; rows 0 and 4 read only the padding and are the bias alone (PyTorch: 100, 105, ...).
    Conv2dCall c;
    c.x = iota(1, 1, 3, 4);
    c.weight = Tensor4(1, 1, 1, 2);
    c.weight.setValues({{{{1, 2}}}});
    c.bias = Tensor1(1);
    c.bias->setValues({100});
    c.padding = Size2(1, 0);
    auto XP = [&](Index r, Index col) -> float { return (r >= 1 && r <= 3) ? c.x(0, 0, r - 1, col) : 0.0f; };
    Tensor4 expected(1, 1, 5, 3);  // H_out = 3 + 2 - 1 + 1 = 5, W_out = 4 - 2 + 1 = 3
    for (Index i = 0; i < 5; ++i)
        for (Index j = 0; j < 3; ++j) expected(0, 0, i, j) = 100 + XP(i, j) * 1 + XP(i, j + 1) * 2;
    CHECK(expected(0, 0, 0, 0) == 100);
    CHECK(expected(0, 0, 1, 0) == 100 + 1 * 1 + 2 * 2);
    check_conv(c, expected, conv_options(c));
}

TEST_CASE("conv2d: a (1 K) kernel acts on each row on its own like conv1d") {
    // Output row i of a conv2d with a one-row kernel is the conv1d of input row i*sh - ph, whatever
    // the other rows hold, and only the bias when that row is padding (the H dilation changes nothing
    // with a single row of taps).
    Rng rng(5302);
    for (int trial = 0; trial < 30; ++trial) {
        const Index N = rng.integer(1, 2), C = rng.integer(1, 3), OC = rng.integer(1, 3), K = rng.integer(1, 4);
        const Index SH = rng.integer(1, 3), PH = rng.integer(0, 2);
        const Index S = rng.integer(1, 3), P = rng.integer(0, 2), D = rng.integer(1, 3);
        const Index H = rng.integer(1, 6), W = rng.integer(std::max<Index>(1, dilated_kernel_size(K, D) - 2 * P), 10);
        Conv2dCall c;
        c.x = rng.tensor<4>(N, C, H, W);
        c.weight = rng.tensor<4>(OC, C, 1, K);
        if (rng.coin()) c.bias = rng.tensor<1>(OC);
        c.stride = {SH, S};
        c.padding = Size2(PH, P);
        c.dilation = {rng.integer(1, 3), D};
        CAPTURE(trial);
        const CheckOptions o = conv_options(c);
        const auto y = accepted(c);
        if (!y) continue;
        if (y->dimensions() != c.expected().dimensions()) {
            CHECK_CLOSE(*y, c.expected(), o);  // says which shape was expected, and why
            continue;
        }
        for (Index i = 0; i < y->dimension(2); ++i) {
            const Index r = i * SH - PH;
            Conv1dCall row;
            row.x = r >= 0 && r < H ? Tensor3(c.x.chip(r, 2)) : Tensor3(Tensor3(N, C, W).setZero());
            row.weight = c.weight.chip(0, 2);
            row.bias = c.bias;
            row.stride = S;
            row.padding = P;
            row.dilation = D;
            CheckOptions ro = row.options();
            ro.what = "output row " + std::to_string(i) + " of " + c.describe() + ", against " + row.describe() +
                      (r >= 0 && r < H ? " on input row " + std::to_string(r) + " (= " + std::to_string(i) +
                                             "*" + std::to_string(SH) + " - " + std::to_string(PH) + ")"
                                       : " on a row of padding (zeros: the bias alone)");
            CHECK_CLOSE(Tensor3(y->chip(i, 2)), row.expected(), ro);
        }
    }
}

// --- conv2d: refusals ------------------------------------------------------------

TEST_CASE("conv2d: refuses bad strides - dilations and paddings") {
    Rng rng(5401);
    const Tensor4 x = rng.tensor<4>(1, 2, 5, 6);
    const Tensor4 w = rng.tensor<4>(3, 2, 2, 3);
    CHECK_REFUSES(ch::conv2d(x, w, {}, 0), "conv2d", "stride", "(0, 0)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, {1, 0}), "conv2d", "stride", "(1, 0)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, {-1, 1}), "conv2d", "stride", "(-1, 1)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, 0, 0), "conv2d", "dilation", "(0, 0)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, 0, {2, 0}), "conv2d", "dilation", "(2, 0)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, -1), "conv2d", "padding", "(-1, -1)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, Size2(0, -1)), "conv2d", "padding", "(0, -1)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 2, "same"), "conv2d", "same", "(2, 2)");
    CHECK_REFUSES(ch::conv2d(x, w, {}, {1, 2}, "same"), "conv2d", "same", "(1, 2)");
}

TEST_CASE("conv2d: refuses mismatched channels and a bias of the wrong length") {
    Rng rng(5402);
    const Tensor4 x = rng.tensor<4>(2, 3, 4, 5);
    CHECK_REFUSES(ch::conv2d(x, rng.tensor<4>(2, 2, 3, 3)), "conv2d", "2", "3");
    CHECK_REFUSES(ch::conv2d(x, rng.tensor<4>(2, 4, 3, 3)), "conv2d", "4", "3");
    CHECK_REFUSES(ch::conv2d(x, rng.tensor<4>(4, 3, 3, 3), rng.tensor<1>(5)), "conv2d", "4", "5");
    CHECK_REFUSES(ch::conv2d(x, rng.tensor<4>(4, 3, 3, 3), rng.tensor<1>(3)), "conv2d", "4", "3");
}

TEST_CASE("conv2d: a grey image [1, 3, 4] is one sample with one channel") {
    // PyTorch reads a 3-D input as [C, H, W] and adds the batch dimension: input[1, 1, 3, 4].
    // Here that is the caller's reshape; the layer then needs in_channels = 1.
    const Tensor4 grey = iota(1, 1, 3, 4);  // torch.arange(1., 13.).view(1, 3, 4), batched
    Conv2dCall c;
    c.x = grey;
    c.weight = Tensor4(2, 1, 2, 3);
    c.weight.setValues({{{{1, 1, 1}, {1, 1, 1}}}, {{{1, 0, -1}, {1, 0, -1}}}});
    auto X = [&](Index r, Index col) { return grey(0, 0, r, col); };
    Tensor4 expected(1, 2, 2, 2);  // [OC, 3 - 2 + 1, 4 - 3 + 1]
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 2; ++j) {
            expected(0, 0, i, j) = X(i, j) + X(i, j + 1) + X(i, j + 2) + X(i + 1, j) + X(i + 1, j + 1) + X(i + 1, j + 2);
            expected(0, 1, i, j) = X(i, j) - X(i, j + 2) + X(i + 1, j) - X(i + 1, j + 2);
        }
    CHECK(expected(0, 0, 0, 0) == 24);  // F.conv2d(g, torch.ones(1, 1, 2, 3)): [[24, 30], [48, 54]]
    CHECK(expected(0, 0, 1, 1) == 54);
    check_conv(c, expected, conv_options(c));
    // nn.Conv2d(3, 2, (2, 3)) on it: "expected input[1, 1, 3, 4] to have 3 channels, but got 1 channels".
    Rng rng(5404);
    CHECK_REFUSES(ch::conv2d(grey, rng.tensor<4>(2, 3, 2, 3)), "conv2d", "3", "1");
}

TEST_CASE("conv2d: refuses a kernel larger than the padded input - naming H or W") {
    Rng rng(5403);
    // 4 rows of kernel on 3 rows of image; 4 columns of kernel on 3 columns.
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 1, 3, 5), rng.tensor<4>(1, 1, 4, 3)), "conv2d", "height", "4", "3");
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 1, 5, 3), rng.tensor<4>(1, 1, 3, 4)), "conv2d", "width", "4", "3");
    // Dilation (3, 1): the 3x3 kernel reaches 7 rows of a 5x5 image.
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 1, 5, 5), rng.tensor<4>(1, 1, 3, 3), {}, 1, 0, {3, 1}), "conv2d",
                  "height", "7", "5");
    // Padding (0, 1) and dilation 2: the kernel reaches 5 rows, the padded input has 4 (W would fit: 6).
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 1, 4, 4), rng.tensor<4>(1, 1, 3, 3), {}, 1, Size2(0, 1), 2), "conv2d",
                  "height", "5", "4");
    // Padding 1 on a 6x2 image: 4 padded columns for a kernel 5 wide.
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 1, 6, 2), rng.tensor<4>(1, 1, 2, 5), {}, {2, 1}, 1), "conv2d", "width",
                  "5", "4");
    // 'valid' pads nothing.
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 1, 6, 2), rng.tensor<4>(1, 1, 2, 3), {}, 1, "valid"), "conv2d",
                  "width", "3", "2");
    // A kernel that fits only thanks to the padding is fine: 2x2 image, 3x3 kernel, padding 1.
    Conv2dCall fits;
    fits.x = rng.tensor<4>(1, 1, 2, 2);
    fits.weight = rng.tensor<4>(1, 1, 3, 3);
    fits.padding = 1;
    check_conv(fits);
}

// --- trace_shapes ------------------------------------------------------------------------

TEST_CASE("trace_shapes: a LeNet-like stack on 1x28x28 and a layer that no longer fits") {
    // Stride-2 convolutions stand in for LeNet's pooling. Shapes checked with torch.nn.Conv2d.
    std::vector<ch::Conv2dLayer> layers = {
        {6, 5, 1, 2},    // [6, 28, 28]   padding 2 keeps 28
        {6, 2, 2},       // [6, 14, 14]
        {16, 5},         // [16, 10, 10]
        {16, 2, 2},      // [16, 5, 5]
        {120, 5},        // [120, 1, 1]
        {84, 3},         // a 3x3 kernel on 1x1: PyTorch refuses it
    };
    ch::ShapeTrace expected;
    expected.shapes = {{1, 28, 28}, {6, 28, 28}, {6, 14, 14}, {16, 10, 10}, {16, 5, 5}, {120, 1, 1}};
    expected.broken_layer = 5;
    check_trace({1, 28, 28}, layers, expected);

    layers.pop_back();  // without the last layer, the whole stack works
    expected.broken_layer = -1;
    check_trace({1, 28, 28}, layers, expected);
}

TEST_CASE("trace_shapes: per-dimension kernels - strides and paddings") {
    // Checked with torch.nn.Conv2d. Layer 4 fits only thanks to its padding (4 rows + 2 >= 5);
    // layer 5 breaks in W only (a kernel 7 wide on 5 columns).
    const std::vector<ch::Conv2dLayer> layers = {
        {8, {3, 5}, {2, 1}, {1, 2}},         // [8, 10, 32]
        {16, 3, 1, 0, {1, 2}},               // [16, 8, 28]
        {16, {1, 7}, {1, 2}},                // [16, 8, 11]
        {32, 3, 2, {1, 0}},                  // [32, 4, 5]
        {32, {5, 3}, 1, 1},                  // [32, 2, 5]
        {64, {1, 7}},                        // breaks
    };
    ch::ShapeTrace expected;
    expected.shapes = {{3, 20, 32}, {8, 10, 32}, {16, 8, 28}, {16, 8, 11}, {32, 4, 5}, {32, 2, 5}};
    expected.broken_layer = 5;
    check_trace({3, 20, 32}, layers, expected);

    // An empty stack: just the input.
    ch::ShapeTrace alone;
    alone.shapes = {{3, 20, 32}};
    check_trace({3, 20, 32}, {}, alone);
}

TEST_CASE("trace_shapes: a small classifier flattens [20, 7, 7] into Linear(980, 100)") {
    // nn.Conv2d(3, 10, 3, stride=2, padding=1), nn.Conv2d(10, 20, 3, stride=2, padding=1) on 3x28x28,
    // then nn.Flatten() and nn.Linear(980, 100): shapes and counts checked with torch.
    const std::vector<ch::Conv2dLayer> layers = {{10, 3, 2, 1}, {20, 3, 2, 1}};
    ch::ShapeTrace expected;
    const Index h1 = (28 + 2 * 1 - 3) / 2 + 1, h2 = (h1 + 2 * 1 - 3) / 2 + 1;  // 14, 7
    expected.shapes = {{3, 28, 28}, {10, h1, h1}, {20, h2, h2}};
    check_trace({3, 28, 28}, layers, expected);
    const ch::ShapeTrace t = ch::trace_shapes({3, 28, 28}, layers);
    REQUIRE(t.shapes.size() == 3);
    const std::array<Index, 3> last = t.shapes.back();
    const Index flat = last[0] * last[1] * last[2];
    CHECK(flat == 980);  // in_features of the first dense layer
    CHECK(ch::dense_parameter_count(flat, 100) == 980 * 100 + 100);
    CHECK(ch::conv2d_parameter_count(3, 10, 3) == 10 * 3 * 3 * 3 + 10);    // 280
    CHECK(ch::conv2d_parameter_count(10, 20, 3) == 20 * 10 * 3 * 3 + 20);  // 1820
}

TEST_CASE("trace_shapes: a 1-D signal through 2-D layers - (1 3) kernels work and (3 1) breaks at once") {
    // 77@1x17 -> 256@1x15 -> 256@1x7 -> 256@1x3 -> 1@1x1, checked with torch.nn.Conv2d.
    std::vector<ch::Conv2dLayer> layers = {
        {256, {1, 3}},
        {256, {1, 3}, {1, 2}},
        {256, {1, 3}, {1, 2}},
        {1, {1, 3}},
    };
    ch::ShapeTrace expected;
    expected.shapes = {{77, 1, 17}, {256, 1, 17 - 3 + 1}, {256, 1, (15 - 3) / 2 + 1}, {256, 1, (7 - 3) / 2 + 1},
                       {1, 1, 3 - 3 + 1}};
    check_trace({77, 1, 17}, layers, expected);
    // kernel_size=(3, 1): three rows of kernel on one row of input. PyTorch: "Calculated padded
    // input size per channel: (1 x 17). Kernel size: (3 x 1)" at the first layer.
    ch::ShapeTrace swapped;
    swapped.shapes = {{77, 1, 17}};
    swapped.broken_layer = 0;
    check_trace({77, 1, 17}, kernels_swapped(layers), swapped);
}

TEST_CASE("trace_shapes: random stacks agree with running the reference") {
    // Run each stack through ref::conv2d on a zero input: the shapes it produces, and the first
    // layer it refuses, are the trace.
    Rng rng(5501);
    for (int trial = 0; trial < 30; ++trial) {
        const std::array<Index, 3> input = {rng.integer(1, 3), rng.integer(1, 16), rng.integer(1, 16)};
        std::vector<ch::Conv2dLayer> layers(static_cast<std::size_t>(rng.integer(1, 4)));
        for (ch::Conv2dLayer& l : layers) {
            l.out_channels = rng.integer(1, 3);
            for (int d = 0; d < 2; ++d) {
                l.kernel[d] = rng.integer(1, 4);
                l.stride[d] = rng.integer(1, 2);
                l.padding[d] = rng.integer(0, 2);
                l.dilation[d] = rng.integer(1, 2);
            }
        }
        ch::ShapeTrace expected;
        expected.shapes.push_back(input);
        Tensor4 x(1, input[0], input[1], input[2]);
        x.setZero();
        for (std::size_t i = 0; i < layers.size(); ++i) {
            const ch::Conv2dLayer& l = layers[i];
            Tensor4 w(l.out_channels, x.dimension(1), l.kernel[0], l.kernel[1]);
            w.setZero();
            try {
                x = ref::conv2d(x, w, {}, l.stride, l.padding, l.dilation);
            } catch (const std::invalid_argument&) {
                expected.broken_layer = static_cast<Index>(i);
                break;
            }
            expected.shapes.push_back({x.dimension(1), x.dimension(2), x.dimension(3)});
        }
        CAPTURE(trial);
        check_trace(input, layers, expected);
    }
}

TEST_CASE("trace_shapes: refuses bad layers and inputs") {
    const std::array<Index, 3> input = {3, 32, 32};
    CHECK_REFUSES(ch::trace_shapes({3, 0, 32}, {}), "trace_shapes", "0");
    CHECK_REFUSES(ch::trace_shapes({0, 32, 32}, {{8, 3}}), "trace_shapes", "0");
    CHECK_REFUSES(ch::trace_shapes(input, {{8, 3}, {0, 3}}), "trace_shapes", "layer 1", "out_channels", "0");
    CHECK_REFUSES(ch::trace_shapes(input, {{8, {3, 0}}}), "trace_shapes", "layer 0", "(3, 0)");
    CHECK_REFUSES(ch::trace_shapes(input, {{8, 3, {2, 0}}}), "trace_shapes", "layer 0", "(2, 0)");
    CHECK_REFUSES(ch::trace_shapes(input, {{8, 3, 1, {-1, 1}}}), "trace_shapes", "layer 0", "(-1, 1)");
    CHECK_REFUSES(ch::trace_shapes(input, {{8, 3, 1, 1, 0}}), "trace_shapes", "layer 0", "(0, 0)");
    // A bad layer after the one that breaks is still refused, as nn.Conv2d refuses it when it is built.
    CHECK_REFUSES(ch::trace_shapes(input, {{8, 40}, {8, 3, -1}}), "trace_shapes", "layer 1", "(-1, -1)");
}

// --- parameter counts ----------------------------------------------------------------------

TEST_CASE("conv2d_parameter_count: OC*C*KH*KW weights plus OC biases") {
    CHECK(ch::conv2d_parameter_count(6, 1, 3) == 1 * 6 * 3 * 3 + 1);            // 55
    CHECK(ch::conv2d_parameter_count(3, 16, {3, 5}) == 16 * 3 * 3 * 5 + 16);     // 736, as nn.Conv2d(3, 16, (3, 5))
    CHECK(ch::conv2d_parameter_count(3, 16, {3, 5}, false) == 16 * 3 * 3 * 5);   // 720
    // The same count as the tensors a layer holds.
    Rng rng(5601);
    for (int trial = 0; trial < 10; ++trial) {
        const Index C = rng.integer(1, 16), OC = rng.integer(1, 16), KH = rng.integer(1, 7), KW = rng.integer(1, 7);
        const Tensor4 weight(OC, C, KH, KW);
        const Tensor1 bias(OC);
        CAPTURE(trial);
        CHECK(ch::conv2d_parameter_count(C, OC, {KH, KW}) == weight.size() + bias.size());
    }
    CHECK_REFUSES(ch::conv2d_parameter_count(0, 4, 3), "conv2d_parameter_count", "0");
    CHECK_REFUSES(ch::conv2d_parameter_count(3, -1, 3), "conv2d_parameter_count", "-1");
    CHECK_REFUSES(ch::conv2d_parameter_count(3, 4, {3, 0}), "conv2d_parameter_count", "(3, 0)");
}

TEST_CASE("dense_parameter_count: the 6x32x32 to 30x30 example against a conv") {
    // nn.Linear(6*32*32, 30*30) against nn.Conv2d(6, 1, 3), which maps [6, 32, 32] to [1, 30, 30]
    // too. Counts checked with torch: 5530500 and 55.
    CHECK(ch::dense_parameter_count(6 * 32 * 32, 30 * 30, false) == 5529600);
    CHECK(ch::dense_parameter_count(6 * 32 * 32, 30 * 30) == 6 * 32 * 32 * 30 * 30 + 30 * 30);
    CHECK(ch::conv2d_parameter_count(6, 1, 3) == 55);
    CHECK(ch::dense_parameter_count(1, 1) == 2);
    CHECK(ch::dense_parameter_count(120, 84) == 84 * 120 + 84);  // LeNet's second dense layer
    // A bigger image costs the dense layer more, the conv nothing.
    CHECK(ch::dense_parameter_count(6 * 64 * 64, 62 * 62) == 6 * 64 * 64 * 62 * 62 + 62 * 62);
    // A 256x256 RGB image to an output of the same size: nn.Linear(196608, 196608) would need
    // 154,618,822,656 bytes of weights (torch's allocator names that number); nn.Conv2d(3, 3, 3,
    // padding=1) does it with 84 numbers.
    const Index rgb = 3 * 256 * 256;
    CHECK(ch::dense_parameter_count(rgb, rgb, false) * Index{sizeof(float)} == Index{154618822656});
    CHECK(ch::dense_parameter_count(rgb, rgb) == rgb * rgb + rgb);
    CHECK(ch::conv2d_parameter_count(3, 3, 3) == 3 * 3 * 3 * 3 + 3);
    CHECK_REFUSES(ch::dense_parameter_count(0, 10), "dense_parameter_count", "0");
    CHECK_REFUSES(ch::dense_parameter_count(10, -2), "dense_parameter_count", "-2");
}
