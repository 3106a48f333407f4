// Chapter 06 - groups: splitting channels.
#include "groups.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch06;

namespace {

const std::string kLesson = "chapters/06_groups/README.md";
const std::string kModulo = "group of output channel o computed as o % G instead of o / (OC/G)";
const std::string kModuloAt = kLesson + "#group-of-an-output-channel-taken-as-o-mod-g";
const std::string kAll = "every group reading all C input channels (weight channel c % (C/G))";
const std::string kAllAt = kLesson + "#every-group-reading-all-input-channels";
const std::string kFirst = "every group reading the first group's input channels [0, C/G)";
const std::string kFirstAt = kLesson + "#every-group-reading-the-first-groups-channels";
const std::string kSlice = "input slice of group g starting at g*(OC/G) instead of g*(C/G)";
const std::string kSliceAt = kLesson + "#input-slice-sized-by-the-output-channels";
const std::string kPointwise = "stride and padding applied to the pointwise 1x1 step as well";
const std::string kPointwiseAt = kLesson + "#stride-and-padding-on-the-pointwise-step-too";
const std::string kCheckC = "weight's dimension 1 checked against C instead of C/groups";
const std::string kCheckCAt = kLesson + "#checking-the-weight-against-c-instead-of-cgroups";
const std::string kCount = "parameter count without the groups (OC * C * KH * KW)";
const std::string kCountAt = kLesson + "#parameter-count-without-the-groups";

using Extents = Eigen::array<Index, 4>;

Index in_per_group(const Conv2dCall& c) { return c.weight.dimension(1); }
Index out_per_group(const Conv2dCall& c) { return c.weight.dimension(0) / c.groups; }

Tensor4 run(const Conv2dCall& c) {
    return ch::conv2d(c.x, c.weight, c.bias, c.stride, c.padding, c.dilation, c.groups);
}

// --- the known mistakes, computed with the reference on rearranged inputs ---

struct WrongConv {
    std::string name;
    std::string lesson;
    Tensor4 output;
};

// Output channel o read by group o % G. Regroup the weights so that the
// reference computes every channel with that group, then put them back.
Tensor4 modulo_groups(const Conv2dCall& c) {
    const Index G = c.groups, OCg = out_per_group(c);
    Conv2dCall regrouped = c;
    for (Index g = 0; g < G; ++g)
        for (Index j = 0; j < OCg; ++j) {
            regrouped.weight.chip(g * OCg + j, 0) = c.weight.chip(j * G + g, 0);
            if (c.bias) (*regrouped.bias)(g * OCg + j) = (*c.bias)(j * G + g);
        }
    const Tensor4 by_group = regrouped.expected();
    Tensor4 y = by_group;
    for (Index o = 0; o < G * OCg; ++o) y.chip(o, 1) = by_group.chip((o % G) * OCg + o / G, 1);
    return y;
}

// Every output channel summing over all C inputs, with weight channel c % (C/G).
Tensor4 all_channels(const Conv2dCall& c) {
    const Index C = c.x.dimension(1), Cg = in_per_group(c);
    Conv2dCall full = c;
    full.groups = 1;
    full.weight = Tensor4(c.weight.dimension(0), C, c.weight.dimension(2), c.weight.dimension(3));
    for (Index ic = 0; ic < C; ++ic) full.weight.chip(ic, 1) = c.weight.chip(ic % Cg, 1);
    return full.expected();
}

// Group g reading input channel `start(g) + k` as its k-th channel (zero past the last).
template <typename Start>
Tensor4 shifted_slices(const Conv2dCall& c, Start start) {
    const Index C = c.x.dimension(1), Cg = in_per_group(c);
    Conv2dCall moved = c;
    moved.x.setZero();
    for (Index g = 0; g < c.groups; ++g)
        for (Index k = 0; k < Cg; ++k) {
            const Index source = start(g) + k;
            if (source < C) moved.x.chip(g * Cg + k, 1) = c.x.chip(source, 1);
        }
    return moved.expected();
}

// What the mistakes of this chapter give for this call (only those that differ from the right answer).
std::vector<WrongConv> wrong_convs(const Conv2dCall& c) {
    std::vector<WrongConv> wrong;
    const Index G = c.groups, Cg = in_per_group(c), OCg = out_per_group(c);
    if (G == 1) return wrong;
    if (OCg > 1) wrong.push_back({kModulo, kModuloAt, modulo_groups(c)});
    wrong.push_back({kAll, kAllAt, all_channels(c)});
    wrong.push_back({kFirst, kFirstAt, shifted_slices(c, [](Index) { return Index{0}; })});
    if (Cg != OCg) wrong.push_back({kSlice, kSliceAt, shifted_slices(c, [OCg](Index g) { return g * OCg; })});
    return wrong;
}

CheckOptions conv_options(const Conv2dCall& c) {
    CheckOptions o = c.options();
    for (const WrongConv& w : wrong_convs(c)) o.mistakes.push_back(mistake_output(w.name, w.lesson, w.output));
    return o;
}

// The learner's conv2d on a call PyTorch accepts; a refusal fails the check with the reason it is valid.
std::optional<Tensor4> accepted(const Conv2dCall& c) {
    try {
        return run(c);
    } catch (const std::invalid_argument& e) {
        const Index C = c.x.dimension(1), G = c.groups;
        std::ostringstream why;
        why << c.describe() << " is a call PyTorch accepts, but it was refused:\n  " << e.what() << "\n  With groups="
            << G << " the input's " << C << " channels split into groups of " << C / G
            << ", the weight's dimension 1 (" << c.weight.dimension(1) << "), and its " << c.weight.dimension(0)
            << " output channels into groups of " << c.weight.dimension(0) / G << ".";
        if (G > 1 && c.weight.dimension(1) != C) {
            why << "\n  Does your code compare the weight's dimension 1 with C = " << C << " instead of C/groups = "
                << C / G << "? That is the mistake \"" << kCheckC << "\": read " << kCheckCAt;
        }
        FAIL_CHECK(why.str());
        return std::nullopt;
    }
}

void check_conv(const Conv2dCall& c, const Tensor4& expected, const CheckOptions& options) {
    if (const auto y = accepted(c)) CHECK_CLOSE(*y, expected, options);
}

void check_conv(const Conv2dCall& c) { check_conv(c, c.expected(), conv_options(c)); }

Tensor4 channels(const Tensor4& t, Index first, Index count) {
    return t.slice(Extents{0, first, 0, 0}, Extents{t.dimension(0), count, t.dimension(2), t.dimension(3)});
}

// Which input channels (columns) feed which output channels (rows).
using Wiring = std::vector<std::vector<bool>>;

template <typename Feeds>
Wiring wiring(Index OC, Index C, Feeds feeds) {
    Wiring w(static_cast<std::size_t>(OC), std::vector<bool>(static_cast<std::size_t>(C)));
    for (Index o = 0; o < OC; ++o)
        for (Index in = 0; in < C; ++in) w[static_cast<std::size_t>(o)][static_cast<std::size_t>(in)] = feeds(o, in);
    return w;
}

//              expected      yours
//   input      0 1 2 3       0 1 2 3
//   output 0   # # . .       # . # .
std::string side_by_side(const Wiring& expected, const Wiring& seen) {
    const std::size_t C = expected.empty() ? 0 : expected[0].size();
    const std::size_t width = std::max<std::size_t>(2 * C, 8) + 6;  // one block and the gap after it
    const auto pad = [width](std::string s) {
        s.resize(width, ' ');
        return s;
    };
    const auto block = [&](const std::vector<bool>* r) {  // the channel numbers when r is null
        std::string s;
        for (std::size_t in = 0; in < C; ++in) s += r ? ((*r)[in] ? "# " : ". ") : std::to_string(in % 10) + " ";
        return pad(s);
    };
    const auto line = [](std::string s) {
        s.erase(s.find_last_not_of(' ') + 1);
        return s + "\n";
    };
    std::string out = line("              " + pad("expected") + "yours");
    out += line("    input     " + block(nullptr) + block(nullptr));
    for (std::size_t o = 0; o < expected.size(); ++o) {
        std::string label = "    output " + std::to_string(o);
        label.resize(14, ' ');
        out += line(label + block(&expected[o]) + block(&seen[o]));
    }
    return out;
}

// --- depthwise_separable -----------------------------------------------------

struct SeparableCall {
    Tensor4 x;          // [N, C, H, W]
    Tensor4 depthwise;  // [C*M, 1, KH, KW]
    Tensor4 pointwise;  // [OC, C*M, 1, 1]
    Size2 stride = 1;
    Padding2 padding = 0;

    // The depthwise step as a grouped conv2d call.
    Conv2dCall depthwise_call() const {
        Conv2dCall c;
        c.x = x;
        c.weight = depthwise;
        c.stride = stride;
        c.padding = padding;
        c.groups = x.dimension(1);
        return c;
    }
    Tensor4 expected() const { return ref::conv2d(depthwise_call().expected(), pointwise); }
    Tensor4 run() const { return ch::depthwise_separable(x, depthwise, pointwise, stride, padding); }

    std::string describe() const {
        std::string s = "depthwise_separable(x " + shape_string(x) + ", depthwise " + shape_string(depthwise) +
                        ", pointwise " + shape_string(pointwise);
        if (!(stride == Size2(1))) s += ", stride=" + stride.to_string();
        if (!(padding.is_amount() && padding.amount() == Size2(0))) s += ", padding=" + padding.to_string();
        return s + ")";
    }

    CheckOptions options() const {
        const Conv2dCall dw = depthwise_call();
        CheckOptions o = dw.options();
        o.what = describe();
        Conv2dCall abs_dw = dw;
        abs_dw.x = x.abs();
        abs_dw.weight = depthwise.abs();
        o.magnitude = flat(Tensor4(ref::conv2d(abs_dw.expected(), Tensor4(pointwise.abs()))));
        for (const WrongConv& w : wrong_convs(dw)) {
            o.mistakes.push_back(mistake_output(w.name + ", in the depthwise step", w.lesson,
                                                Tensor4(ref::conv2d(w.output, pointwise))));
        }
        if (!(stride == Size2(1)) || !(padding.is_amount() && padding.amount() == Size2(0))) {
            const Tensor4 twice = ref::conv2d(dw.expected(), pointwise, {}, stride, padding);
            o.mistakes.push_back(mistake_output(kPointwise, kPointwiseAt, twice));
        }
        return o;
    }
};

SeparableCall random_separable(Rng& rng) {
    SeparableCall s;
    const Index C = rng.integer(1, 4), M = rng.integer(1, 3), OC = rng.integer(1, 5);
    Index kernel[2], size[2];
    for (int d = 0; d < 2; ++d) {
        s.stride[d] = rng.integer(1, 2);
        kernel[d] = rng.integer(1, 3);
    }
    const bool same = s.stride == Size2(1) && rng.coin();
    if (same) {
        s.padding = "same";
    } else {
        s.padding = Size2(rng.integer(0, 1), rng.integer(0, 1));
    }
    for (int d = 0; d < 2; ++d) {
        const Index pads = same ? kernel[d] - 1 : 2 * s.padding.amount()[d];
        size[d] = rng.integer(std::max<Index>(1, kernel[d] - pads), 7);
    }
    s.x = rng.tensor<4>(rng.integer(1, 2), C, size[0], size[1]);
    s.depthwise = rng.tensor<4>(C * M, 1, kernel[0], kernel[1]);
    s.pointwise = rng.tensor<4>(OC, C * M, 1, 1);
    return s;
}

// --- parameter_count ---------------------------------------------------------

void check_count(Index C, Index OC, Size2 kernel, Index G, bool bias, Index expected, const std::string& formula) {
    const Index actual = ch::parameter_count(C, OC, kernel, G, bias);
    if (actual == expected) return;
    std::string report = "parameter_count(" + std::to_string(C) + ", " + std::to_string(OC) + ", " +
                         kernel.to_string() + ", groups=" + std::to_string(G) + (bias ? "" : ", bias=false") +
                         ") gave " + std::to_string(actual) + ", expected " + std::to_string(expected) + "   (" +
                         formula + ")";
    const Index without_groups = OC * C * kernel[0] * kernel[1] + (bias ? OC : 0);
    if (G > 1 && actual == without_groups) {
        report += "\n  This is exactly what the mistake \"" + kCount + "\" produces.\n  Read " + kCountAt;
    }
    FAIL_CHECK(report);
}

}  // namespace

// --- conv2d --------------------------------------------------------------------

TEST_CASE("conv2d: groups=2 by hand - outputs 0-2 read inputs 0-1 and outputs 3-5 read inputs 2-3") {
    // C = 4, OC = 6, groups = 2: each group reads C/G = 2 input channels and
    // writes OC/G = 3 output channels, so the weight is [6, 2, 2, 2].
    Rng rng(6101);
    Conv2dCall c;
    c.x = rng.small_integers<4>(1, 4, 3, 4);
    c.weight = rng.small_integers<4>(6, 2, 2, 2);
    c.bias = rng.small_integers<1>(6);
    c.groups = 2;

    Tensor4 expected(1, 6, 2, 3);
    for (Index o = 0; o < 6; ++o) {
        const Index first = o < 3 ? 0 : 2;  // group 0 reads channels 0 and 1, group 1 reads 2 and 3
        for (Index i = 0; i < 2; ++i)
            for (Index j = 0; j < 3; ++j) {
                float sum = (*c.bias)(o);
                for (Index kh = 0; kh < 2; ++kh)
                    for (Index kw = 0; kw < 2; ++kw) {
                        sum += c.x(0, first, i + kh, j + kw) * c.weight(o, 0, kh, kw)         // weight channel 0
                               + c.x(0, first + 1, i + kh, j + kw) * c.weight(o, 1, kh, kw);  // weight channel 1
                    }
                expected(0, o, i, j) = sum;
            }
    }
    check_conv(c, expected, conv_options(c));
}

TEST_CASE("conv2d: the worked example of the lesson - two groups of two channels") {
    Conv2dCall c;
    c.x = Tensor4(1, 4, 1, 4);
    c.x.setValues({{{{1, 2, 3, 4}}, {{10, 20, 30, 40}}, {{1, 1, 2, 2}}, {{0, 1, 0, 1}}}});
    c.weight = Tensor4(2, 2, 1, 2);
    c.weight.setValues({{{{1, -1}}, {{2, 0.5f}}}, {{{1, 1}}, {{3, -1}}}});
    c.bias = Tensor1(2);
    c.bias->setValues({100, 200});
    c.groups = 2;

    // Output 0 reads input channels 0 and 1, output 1 reads 2 and 3, each through weight channels 0 and 1.
    Tensor4 expected(1, 2, 1, 3);
    for (Index o = 0; o < 2; ++o)
        for (Index j = 0; j < 3; ++j) {
            expected(0, o, 0, j) = (*c.bias)(o) + c.x(0, 2 * o, 0, j) * c.weight(o, 0, 0, 0) +
                                   c.x(0, 2 * o, 0, j + 1) * c.weight(o, 0, 0, 1) +
                                   c.x(0, 2 * o + 1, 0, j) * c.weight(o, 1, 0, 0) +
                                   c.x(0, 2 * o + 1, 0, j + 1) * c.weight(o, 1, 0, 1);
        }
    CHECK(expected(0, 0, 0, 0) == 129);
    CHECK(expected(0, 1, 0, 2) == 203);
    check_conv(c, expected, conv_options(c));
}

TEST_CASE("conv2d: depthwise by hand - each input channel has its own kernels") {
    // groups = C = 3: every group is one input channel. With M = 1 output per
    // channel, output c is channel c convolved with kernel c; with M = 2,
    // outputs 2c and 2c+1 both read channel c.
    Rng rng(6102);
    for (Index M : {1, 2}) {
        Conv2dCall c;
        c.x = rng.small_integers<4>(2, 3, 4, 5);
        c.weight = rng.small_integers<4>(3 * M, 1, 2, 3);
        c.groups = 3;
        Tensor4 expected(2, 3 * M, 3, 3);
        for (Index n = 0; n < 2; ++n)
            for (Index o = 0; o < 3 * M; ++o)
                for (Index i = 0; i < 3; ++i)
                    for (Index j = 0; j < 3; ++j) {
                        float sum = 0;
                        for (Index kh = 0; kh < 2; ++kh)
                            for (Index kw = 0; kw < 3; ++kw) {
                                sum += c.x(n, o / M, i + kh, j + kw) * c.weight(o, 0, kh, kw);  // input o / M
                            }
                        expected(n, o, i, j) = sum;
                    }
        INFO("depthwise with M = ", M, " output channel(s) per input channel: output o reads input o / ", M);
        check_conv(c, expected, conv_options(c));
    }
}

TEST_CASE("conv2d: which input channels feed which output channels") {
    // The experiment: change one input channel and see which output channels move.
    // Output o belongs to group o / (OC/G), input c to group c / (C/G); o reads c when the groups agree.
    Rng rng(6103);
    struct Shape {
        Index C, OC, G;
    };
    for (const Shape s : {Shape{4, 6, 2}, Shape{6, 4, 2}, Shape{6, 3, 3}, Shape{4, 8, 4}, Shape{3, 6, 1}}) {
        const Index Cg = s.C / s.G, OCg = s.OC / s.G;
        Conv2dCall c;
        c.x = rng.tensor<4>(1, s.C, 4, 4);
        c.weight = rng.tensor<4>(s.OC, Cg, 2, 2);
        for (Index i = 0; i < c.weight.size(); ++i) c.weight.data()[i] = 1.0f + c.weight.data()[i] / 2;  // > 0
        c.groups = s.G;
        const auto before = accepted(c);
        if (!before) continue;
        REQUIRE(before->dimensions() == c.expected().dimensions());
        const Wiring expected = wiring(s.OC, s.C, [&](Index o, Index in) { return o / OCg == in / Cg; });
        Wiring seen(static_cast<std::size_t>(s.OC), std::vector<bool>(static_cast<std::size_t>(s.C)));
        for (Index in = 0; in < s.C; ++in) {
            Conv2dCall changed = c;
            changed.x.chip(in, 1) = changed.x.chip(in, 1) + 10.0f;  // positive weights: every reader moves
            const auto after = accepted(changed);
            if (!after) return;
            for (Index o = 0; o < s.OC; ++o) {
                const convkata::Tensor<0> moved = (channels(*after, o, 1) - channels(*before, o, 1)).abs().maximum();
                seen[static_cast<std::size_t>(o)][static_cast<std::size_t>(in)] = moved() > 1.0f;
            }
        }
        if (seen == expected) continue;
        std::string report = c.describe() + ": '#' where changing the input channel (column) moves the output " +
                             "channel (row)\n" + side_by_side(expected, seen);
        struct Pattern {
            std::string name, lesson;
            Wiring wiring;
        };
        const std::vector<Pattern> mistakes = {
            {kModulo, kModuloAt, wiring(s.OC, s.C, [&](Index o, Index in) { return o % s.G == in / Cg; })},
            {kAll, kAllAt, wiring(s.OC, s.C, [](Index, Index) { return true; })},
            {kFirst, kFirstAt, wiring(s.OC, s.C, [&](Index, Index in) { return in < Cg; })},
            {kSlice, kSliceAt, wiring(s.OC, s.C, [&](Index o, Index in) {
                 return in >= o / OCg * OCg && in < o / OCg * OCg + Cg;
             })},
        };
        for (const Pattern& m : mistakes) {
            if (m.wiring != expected && m.wiring == seen) {
                report += "  This is exactly the wiring of the mistake \"" + m.name + "\".\n  Read " + m.lesson;
                break;
            }
        }
        FAIL_CHECK(report);
    }
}

TEST_CASE("conv2d: random grouped calls against the reference") {
    Rng rng(6104);
    Conv2dRanges ranges;
    ranges.max_groups = 3;
    ranges.max_channels = 6;
    ranges.max_out_channels = 6;
    for (int trial = 0; trial < 60; ++trial) {
        const Conv2dCall c = random_conv2d_call(rng, ranges);
        CAPTURE(trial);
        check_conv(c);
    }
}

TEST_CASE("conv2d: a grouped conv is G independent convs on channel slices") {
    // conv2d(x, w, groups=G) == concat over g of conv2d(x[:, g-th C/G slice], w[g-th OC/G slice])
    Rng rng(6105);
    Conv2dRanges ranges;
    ranges.max_groups = 3;
    ranges.max_channels = 6;
    ranges.max_out_channels = 6;
    int checked = 0;
    for (int trial = 0; checked < 30; ++trial) {
        const Conv2dCall c = random_conv2d_call(rng, ranges);
        if (c.groups == 1) continue;
        ++checked;
        const Index N = c.x.dimension(0), G = c.groups, Cg = in_per_group(c), OCg = out_per_group(c);
        Tensor4 concatenated;
        for (Index g = 0; g < G; ++g) {
            convkata::OptionalBias bias;
            if (c.bias) bias = Tensor1(c.bias->slice(Eigen::array<Index, 1>{g * OCg}, Eigen::array<Index, 1>{OCg}));
            const Tensor4 w_g = c.weight.slice(Extents{g * OCg, 0, 0, 0},
                                               Extents{OCg, Cg, c.weight.dimension(2), c.weight.dimension(3)});
            const Tensor4 part = ref::conv2d(channels(c.x, g * Cg, Cg), w_g, bias, c.stride, c.padding, c.dilation);
            if (g == 0) concatenated = Tensor4(N, G * OCg, part.dimension(2), part.dimension(3));
            concatenated.slice(Extents{0, g * OCg, 0, 0}, part.dimensions()) = part;
        }
        CAPTURE(trial);
        INFO(c.describe(), " against ", G, " convs of ", Cg, " -> ", OCg, " channels");
        check_conv(c, concatenated, conv_options(c));
    }
}

TEST_CASE("conv2d: PyTorch golden data") {
    Conv2dRanges chapter06;
    chapter06.max_stride = 3;
    chapter06.max_padding = 2;
    chapter06.max_dilation = 3;
    chapter06.max_groups = 4;  // ids 110 and up are grouped
    const auto checked = check_golden_conv2d(chapter06, run, conv_options);
    CHECK(checked.size() >= 220);
    Index grouped = 0;
    for (const Conv2dCall& c : checked) grouped += c.groups != 1;
    CHECK(grouped >= 110);
}

TEST_CASE("conv2d: refuses channels that do not split into the groups") {
    Rng rng(6106);
    // groups below 1
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 4, 5, 5), rng.tensor<4>(4, 4, 3, 3), {}, 1, 0, 1, 0), "conv2d",
                  "groups", "0");
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 4, 5, 5), rng.tensor<4>(4, 4, 3, 3), {}, 1, 0, 1, -2), "conv2d",
                  "groups", "-2");
    // OC = 6 output channels do not split into 4 groups
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 8, 5, 5), rng.tensor<4>(6, 2, 3, 3), {}, 1, 0, 1, 4), "conv2d", "6",
                  "4");
    // C = 3 input channels do not split into 2 groups
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 3, 5, 5), rng.tensor<4>(4, 1, 3, 3), {}, 1, 0, 1, 2), "conv2d", "3",
                  "2");
    // the weight has 5 input channels per group, the input 8/2 = 4
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 8, 7, 7), rng.tensor<4>(6, 5, 2, 2), {}, 1, 0, 1, 2), "conv2d", "5",
                  "4");
    // a weight made for groups=1 ([OC, C, ...]) used with groups=3: 6 per group, the input has 2
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 6, 5, 5), rng.tensor<4>(3, 6, 3, 3), {}, 1, 0, 1, 3), "conv2d", "6",
                  "2");
    // a bias of 5 for OC = 6
    CHECK_REFUSES(ch::conv2d(rng.tensor<4>(1, 4, 5, 5), rng.tensor<4>(6, 2, 3, 3), rng.tensor<1>(5), 1, 0, 1, 2),
                  "conv2d", "6", "5");
}

TEST_CASE("conv2d: refuses bad strides - dilations - paddings and kernels that do not fit") {
    Rng rng(6107);
    const Tensor4 x = rng.tensor<4>(1, 4, 5, 6);
    const Tensor4 w = rng.tensor<4>(2, 2, 3, 3);
    CHECK_REFUSES(ch::conv2d(x, w, {}, {1, 0}, 0, 1, 2), "conv2d", "stride", "0");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, 0, {0, 1}, 2), "conv2d", "dilation", "0");
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, {0, -1}, 1, 2), "conv2d", "-1");
    CHECK_REFUSES(ch::conv2d(x, w, {}, {2, 1}, "same", 1, 2), "conv2d", "same", "2");
    // dilation 3 stretches the 3x3 kernel to 7x7: more than 5 rows, even padded by 0
    CHECK_REFUSES(ch::conv2d(x, w, {}, 1, 0, 3, 2), "conv2d", "7", "5");
    // 7 columns of kernel against 6 + 0
    CHECK_REFUSES(ch::conv2d(x, rng.tensor<4>(2, 2, 1, 7), {}, 1, 0, 1, 2), "conv2d", "7", "6");
}

// --- depthwise_separable ---------------------------------------------------------

TEST_CASE("depthwise_separable: by hand - each channel filtered alone then mixed by a 1x1 conv") {
    // C = 2, M = 2 filters per channel (depthwise [4, 1, 2, 2]), then OC = 3
    // outputs mixing the 4 filtered channels (pointwise [3, 4, 1, 1]).
    Rng rng(6201);
    SeparableCall s;
    s.x = rng.small_integers<4>(1, 2, 3, 4);
    s.depthwise = rng.small_integers<4>(4, 1, 2, 2);
    s.pointwise = rng.small_integers<4>(3, 4, 1, 1);

    Tensor4 expected(1, 3, 2, 3);
    for (Index o = 0; o < 3; ++o)
        for (Index i = 0; i < 2; ++i)
            for (Index j = 0; j < 3; ++j) {
                float sum = 0;
                for (Index m = 0; m < 4; ++m) {
                    float filtered = 0;  // depthwise channel m reads input channel m / 2
                    for (Index kh = 0; kh < 2; ++kh)
                        for (Index kw = 0; kw < 2; ++kw)
                            filtered += s.x(0, m / 2, i + kh, j + kw) * s.depthwise(m, 0, kh, kw);
                    sum += s.pointwise(o, m, 0, 0) * filtered;
                }
                expected(0, o, i, j) = sum;
            }
    CHECK_CLOSE(s.run(), expected, s.options());
}

TEST_CASE("depthwise_separable: equals the reference depthwise conv then the reference pointwise conv") {
    Rng rng(6202);
    for (int trial = 0; trial < 40; ++trial) {
        const SeparableCall s = random_separable(rng);
        CAPTURE(trial);
        INFO(s.describe());
        CHECK_CLOSE(s.run(), s.expected(), s.options());
    }
}

TEST_CASE("depthwise_separable: refuses weights of the wrong shape") {
    Rng rng(6203);
    const Tensor4 x = rng.tensor<4>(1, 3, 6, 6);
    const Tensor4 pointwise = rng.tensor<4>(5, 6, 1, 1);
    // a depthwise weight reads one channel: [C*M, 1, KH, KW]
    CHECK_REFUSES(ch::depthwise_separable(x, rng.tensor<4>(6, 3, 3, 3), pointwise), "depthwise_separable", "3");
    // 4 filters do not split over 3 channels
    CHECK_REFUSES(ch::depthwise_separable(x, rng.tensor<4>(4, 1, 3, 3), rng.tensor<4>(5, 4, 1, 1)),
                  "depthwise_separable", "4", "3");
    // the pointwise weight must read the 6 depthwise channels ...
    CHECK_REFUSES(ch::depthwise_separable(x, rng.tensor<4>(6, 1, 3, 3), rng.tensor<4>(5, 3, 1, 1)),
                  "depthwise_separable", "6", "3");
    // ... with a 1x1 kernel
    CHECK_REFUSES(ch::depthwise_separable(x, rng.tensor<4>(6, 1, 3, 3), rng.tensor<4>(5, 6, 3, 3)),
                  "depthwise_separable", "3");
}

// --- parameter_count -------------------------------------------------------------

TEST_CASE("parameter_count: groups 1 - 2 and C as nn.Conv2d counts them") {
    // nn.Conv2d(32, 64, 3, groups=g): 18496, 9280 and 640 parameters (PyTorch 1.13).
    check_count(32, 64, 3, 1, true, 64 * 32 * 3 * 3 + 64, "OC * C * KH * KW + OC");
    check_count(32, 64, 3, 2, true, 64 * (32 / 2) * 3 * 3 + 64, "OC * (C/2) * KH * KW + OC = 9280");
    check_count(32, 64, 3, 32, true, 64 * (32 / 32) * 3 * 3 + 64, "OC * (C/32) * KH * KW + OC = 640");
    check_count(32, 64, 3, 2, false, 64 * 16 * 3 * 3, "OC * (C/2) * KH * KW = 9216");
    check_count(4, 6, {3, 2}, 2, true, 6 * 2 * 3 * 2 + 6, "OC * (C/2) * KH * KW + OC = 78");
    check_count(3, 6, 3, 3, false, 6 * 1 * 3 * 3, "depthwise with M = 2: OC * 1 * KH * KW = 54");
}

TEST_CASE("parameter_count: the size of the weight and bias tensors") {
    Rng rng(6301);
    for (int trial = 0; trial < 30; ++trial) {
        const Index G = rng.integer(1, 4), Cg = rng.integer(1, 4), OCg = rng.integer(1, 4);
        const Size2 kernel(rng.integer(1, 5), rng.integer(1, 5));
        const bool bias = rng.coin();
        const Tensor4 weight(OCg * G, Cg, kernel[0], kernel[1]);  // [OC, C/groups, KH, KW]
        CAPTURE(trial);
        check_count(Cg * G, OCg * G, kernel, G, bias, weight.size() + (bias ? OCg * G : 0),
                    "the weight [OC, C/groups, KH, KW] has " + std::to_string(weight.size()) + " numbers");
    }
}

TEST_CASE("parameter_count: a depthwise-separable pair against a full conv") {
    // MobileNet's trade: C*KH*KW + C*OC weights instead of OC*C*KH*KW,
    // a fraction 1/OC + 1/(KH*KW) of them.
    for (const Index C : {3, 32, 512})
        for (const Index OC : {16, 64, 1024})
            for (const Index K : {3, 5}) {
                const Index depthwise = ch::parameter_count(C, C, K, C, false);
                const Index pointwise = ch::parameter_count(C, OC, 1, 1, false);
                const Index full = ch::parameter_count(C, OC, K, 1, false);
                INFO("C=", C, " OC=", OC, " K=", K, ": depthwise ", depthwise, " + pointwise ", pointwise,
                     " against full ", full);
                CHECK(depthwise == C * K * K);
                CHECK(pointwise == C * OC);
                CHECK((depthwise + pointwise) * OC * K * K == full * (K * K + OC));
            }
    // nn.Conv2d(32, 32, 3, groups=32, bias=False) + nn.Conv2d(32, 64, 1, bias=False): 2336, against 18432.
    check_count(32, 32, 3, 32, false, 288, "C * 1 * KH * KW");
    // The tensors depthwise_separable takes hold exactly that many numbers.
    const Tensor4 dw(32 * 2, 1, 3, 3), pw(64, 32 * 2, 1, 1);
    check_count(32, 64, 3, 32, false, dw.size(), "depthwise with M = 2: [C*M, 1, KH, KW]");
    check_count(64, 64, 1, 1, false, pw.size(), "pointwise [OC, C*M, 1, 1]");
}

TEST_CASE("parameter_count: refuses channels not divisible by groups and sizes below 1") {
    CHECK_REFUSES(ch::parameter_count(3, 4, 3, 2), "parameter_count", "3", "2");
    CHECK_REFUSES(ch::parameter_count(4, 3, 3, 2), "parameter_count", "3", "2");
    CHECK_REFUSES(ch::parameter_count(6, 9, 3, 4), "parameter_count", "6", "4");
    CHECK_REFUSES(ch::parameter_count(4, 4, 3, 0), "parameter_count", "0");
    CHECK_REFUSES(ch::parameter_count(0, 4, 3, 1), "parameter_count", "0");
    CHECK_REFUSES(ch::parameter_count(4, 4, {3, 0}, 1), "parameter_count", "0");
    CHECK_REFUSES(ch::parameter_count(4, -4, 3, 1), "parameter_count", "-4");
}
