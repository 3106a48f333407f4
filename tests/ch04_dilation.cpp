// Chapter 04 - dilation: spreading the taps.
#include "dilation.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch04;

namespace {

const std::string kLesson = "chapters/04_dilation/README.md";
const std::string kZeroBased = "dilation counted from 0 (D zeros between taps instead of D-1)";
const std::string kZeroBasedAt = kLesson + "#dilation-counted-from-0";
const std::string kExtent = "extent D*K instead of D*(K-1)+1";
const std::string kExtentAt = kLesson + "#counting-the-extent-as-d-times-k";
const std::string kSame = "padding='same' without the dilation (K-1 in total instead of D*(K-1))";
const std::string kSameAt = kLesson + "#padding-same-without-the-dilation";
const std::string kAdded = "strides added instead of multiplied";
const std::string kAddedAt = kLesson + "#adding-strides-instead-of-multiplying-them";
const std::string kMirror = "reflect that repeats the edge (index -p-1 instead of -p)";
const std::string kMirrorAt = kLesson + "#reflect-indices-off-by-one";
const std::string kSingle = "a single rounded kernel size instead of every answer";
const std::string kSingleAt = kLesson + "#rounding-to-a-single-kernel-size";

Tensor3 as_batch(const Tensor1& t) { return t.reshape(Eigen::array<Index, 3>{1, 1, t.dimension(0)}); }

Tensor1 iota(Index n) {
    Tensor1 t(n);
    for (Index i = 0; i < n; ++i) t(i) = static_cast<float>(i + 1);
    return t;
}

PadPair pad_pair(const Conv1dCall& c) {
    const Index K = c.weight.dimension(2);
    if (c.padding.is_same()) return same_padding(K, c.dilation);
    if (c.padding.is_valid()) return {0, 0};
    return {c.padding.amount(), c.padding.amount()};
}

Tensor3 run(const Conv1dCall& c) {
    return ch::conv1d(c.x, c.weight, c.bias, c.stride, c.padding, c.dilation, c.mode);
}

// The learner's conv1d on a call PyTorch accepts. A refusal fails the check,
// with a pointer to the mistake when a wrong reach would explain it.
std::optional<Tensor3> accepted(const Conv1dCall& c) {
    try {
        return run(c);
    } catch (const std::invalid_argument& e) {
        const Index K = c.weight.dimension(2), D = c.dilation;
        const Index padded = c.x.dimension(2) + pad_pair(c).total();
        std::ostringstream why;
        why << c.describe() << " is a call PyTorch accepts, but it was refused:\n  " << e.what()
            << "\n  The dilated kernel reaches D*(K-1)+1 = " << dilated_kernel_size(K, D)
            << " positions; the padded input has " << padded << ".";
        if (D > 1 && D * K > padded) {
            why << "\n  Is your reach D*K = " << D * K << "? That does not fit: read " << kExtentAt;
        }
        if (K > 1 && dilated_kernel_size(K, D + 1) > padded) {
            why << "\n  Are your taps D+1 apart (a reach of " << dilated_kernel_size(K, D + 1)
                << ")? That does not fit: read " << kZeroBasedAt;
        }
        FAIL_CHECK(why.str());
        return std::nullopt;
    }
}


// The mistakes of this chapter that a conv1d output gives away.
std::vector<Mistake> conv_mistakes(const Conv1dCall& c) {
    std::vector<Mistake> m;
    const Index N = c.x.dimension(0), L = c.x.dimension(2);
    const Index OC = c.weight.dimension(0), K = c.weight.dimension(2);
    const Index D = c.dilation, S = c.stride;
    const PadPair pad = pad_pair(c);
    const Index padded = L + pad.total();
    if (K > 1) {
        // Taps D+1 apart, exactly what the reference gives at dilation D+1.
        Conv1dCall zero_based = c;
        zero_based.dilation = D + 1;
        try {
            m.push_back(mistake_output(kZeroBased, kZeroBasedAt, zero_based.expected()));
        } catch (const std::invalid_argument&) {
            // That reach does not fit: such a conv1d refuses (accepted() says so).
        }
    }
    if (c.padding.is_same() && D > 1 && K > 1) {
        const PadPair wrong = same_padding(K, 1);
        try {
            const Tensor3 padded_x = ref::pad1d(c.x, wrong.left, wrong.right, c.mode);
            m.push_back(mistake_output(kSame, kSameAt, ref::conv1d(padded_x, c.weight, c.bias, 1, 0, D)));
        } catch (const std::invalid_argument&) {
        }
    }
    if (c.mode == PadMode::reflect && pad.total() > 0 && pad.left < L && pad.right < L) {
        m.push_back(mistake_output(kMirror, kMirrorAt,
                                   ref::conv1d(symmetric_pad1d(c.x, pad.left, pad.right), c.weight, c.bias, S, 0, D)));
    }
    // A reach of D*K: fewer windows (a shape only; with a stride it may be the right one).
    if (D > 1 && padded >= D * K) {
        const Index wrong = (padded - D * K) / S + 1;
        if (wrong != output_size_padded(padded, K, S, D)) m.push_back(mistake_shape(kExtent, kExtentAt, {N, OC, wrong}));
    }
    return m;
}

CheckOptions conv_options(const Conv1dCall& c) {
    CheckOptions o = c.options();
    o.mistakes = conv_mistakes(c);
    return o;
}

void check_conv(const Conv1dCall& c, const Tensor3& expected, const CheckOptions& options) {
    if (const auto y = accepted(c)) CHECK_CLOSE(*y, expected, options);
}

void check_conv(const Conv1dCall& c) { check_conv(c, c.expected(), conv_options(c)); }

std::vector<Mistake> dilate_mistakes(const Tensor3& w, Index D) {
    std::vector<Mistake> m;
    const Index OC = w.dimension(0), C = w.dimension(1), K = w.dimension(2);
    if (K > 1) m.push_back(mistake_output(kZeroBased, kZeroBasedAt, ref::dilate_kernel(w, D + 1)));
    if (D > 1) m.push_back(mistake_shape(kExtent, kExtentAt, {OC, C, D * K}));
    return m;
}

CheckOptions dilate_options(const Tensor3& w, Index D) {
    CheckOptions o;
    o.what = "dilate_kernel(weight " + shape_string(w) + ", dilation=" + std::to_string(D) + ")";
    o.shape_formula = "D*(K-1)+1 = " + std::to_string(D) + "*" + std::to_string(w.dimension(2) - 1) +
                      "+1 = " + std::to_string(dilated_kernel_size(w.dimension(2), D));
    o.mistakes = dilate_mistakes(w, D);
    return o;
}

// A number or a list that a known mistake gives instead of the right one.
template <typename T>
struct WrongAnswer {
    std::string name;
    std::string lesson;
    T value;
};

std::string text(Index v) { return std::to_string(v); }
std::string text(const std::vector<Index>& v) { return v.empty() ? "{} (none)" : shape_string(v); }

template <typename T>
void check_answer(const T& actual, const T& expected, const std::string& what, const std::string& formula,
                  const std::vector<WrongAnswer<T>>& mistakes = {}) {
    if (actual == expected) return;
    std::string report = what + " gave " + text(actual) + ", expected " + text(expected);
    if (!formula.empty()) report += "   (" + formula + ")";
    for (const auto& m : mistakes) {
        if (m.value != expected && m.value == actual) {
            report += "\n  This is exactly what the mistake \"" + m.name + "\" produces.\n  Read " + m.lesson;
            break;
        }
    }
    FAIL_CHECK(report);
}

// The stack's field with the strides added the two ways people add them:
// spacing 1 + sum(S_j - 1), and spacing = the plain sum of the strides so far.
std::vector<WrongAnswer<Index>> field_mistakes(const std::vector<Layer1d>& layers) {
    Index plus_gaps = 1, spacing_gaps = 1, plus_sum = 1, spacing_sum = 0;
    for (const Layer1d& l : layers) {
        const Index widen = dilated_kernel_size(l.kernel, l.dilation) - 1;
        plus_gaps += widen * spacing_gaps;
        spacing_gaps += l.stride - 1;
        plus_sum += widen * std::max<Index>(spacing_sum, 1);
        spacing_sum += l.stride;
    }
    return {{kAdded, kAddedAt, plus_gaps}, {kAdded, kAddedAt, plus_sum}};
}

std::string describe(const std::vector<Layer1d>& layers) {
    std::string s = "receptive_field({";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Layer1d& l = layers[i];
        s += (i ? ", " : "") + std::string("{K=") + text(l.kernel) + " S=" + text(l.stride) + " D=" +
             text(l.dilation) + "}";
    }
    return s + "})";
}

void check_field(const std::vector<Layer1d>& layers, Index expected, const std::string& formula = "") {
    check_answer(ch::receptive_field(layers), expected, describe(layers), formula, field_mistakes(layers));
}

// kernel_size_for's answers rounded to one: the largest and the smallest
// kernel, or the closed form K = (in + 2P - 1 - (out-1)*S) / D + 1 rounded down.
std::vector<WrongAnswer<std::vector<Index>>> single_answer_mistakes(Index in, Index out, Index S, Index P,
                                                                     Index D, const std::vector<Index>& right) {
    std::vector<WrongAnswer<std::vector<Index>>> m;
    if (right.size() > 1) {
        m.push_back({kSingle, kSingleAt, {right.back()}});
        m.push_back({kSingle, kSingleAt, {right.front()}});
    }
    const Index top = in + 2 * P - 1 - (out - 1) * S;
    if (top >= 0) m.push_back({kSingle, kSingleAt, {top / D + 1}});
    return m;
}

void check_kernels(Index in, Index out, Index S, Index P, Index D, const std::vector<Index>& expected) {
    std::ostringstream what;
    what << "kernel_size_for(in=" << in << ", out=" << out << ", stride=" << S << ", padding=" << P
         << ", dilation=" << D << ")";
    check_answer(ch::kernel_size_for(in, out, S, P, D), expected, what.str(),
                 "every K with floor((in + 2P - D*(K-1) - 1) / S) + 1 == out",
                 single_answer_mistakes(in, out, S, P, D, expected));
}

}  // namespace

// --- dilate_kernel -----------------------------------------------------------

TEST_CASE("dilate_kernel: K=3 and D=2 gives x . x . x") {
    Tensor3 w(2, 1, 3);
    w.setValues({{{1, 2, 3}}, {{-4, 5, -6}}});
    Tensor3 expected(2, 1, 5);
    for (Index o = 0; o < 2; ++o) {
        const float a = w(o, 0, 0), b = w(o, 0, 1), c = w(o, 0, 2);
        expected(o, 0, 0) = a;
        expected(o, 0, 1) = 0;
        expected(o, 0, 2) = b;
        expected(o, 0, 3) = 0;
        expected(o, 0, 4) = c;
    }
    CHECK_CLOSE(ch::dilate_kernel(w, 2), expected, dilate_options(w, 2));
    // Dilation 1 leaves the kernel as it is.
    CHECK_CLOSE(ch::dilate_kernel(w, 1), w, dilate_options(w, 1));
}

TEST_CASE("dilate_kernel: random kernels against the reference") {
    Rng rng(4101);
    for (int trial = 0; trial < 40; ++trial) {
        const Tensor3 w = rng.tensor<3>(rng.integer(1, 4), rng.integer(1, 4), rng.integer(1, 6));
        const Index D = rng.integer(1, 5);
        CAPTURE(trial);
        CHECK_CLOSE(ch::dilate_kernel(w, D), ref::dilate_kernel(w, D), dilate_options(w, D));
    }
}

TEST_CASE("dilate_kernel: refuses a dilation below 1") {
    INFO("dilation 1 means no gaps, so dilation 0 is an error, as in PyTorch: read ", kZeroBasedAt);
    Rng rng(4102);
    const Tensor3 w = rng.tensor<3>(2, 3, 3);
    CHECK_REFUSES(ch::dilate_kernel(w, 0), "dilate_kernel", "0");
    CHECK_REFUSES(ch::dilate_kernel(w, -2), "dilate_kernel", "-2");
}

// --- conv1d --------------------------------------------------------------------

TEST_CASE("conv1d: the worked example - taps 2 apart on [1..9]") {
    Conv1dCall c;
    c.x = as_batch(iota(9));
    Tensor1 w(3);
    w.setValues({1, 2, 3});
    c.weight = as_batch(w);
    c.dilation = 2;

    // Reach 2*(3-1)+1 = 5, so 9 - 5 + 1 = 5 outputs.
    Tensor3 expected(1, 1, 5);
    for (Index i = 0; i < 5; ++i) {
        expected(0, 0, i) = c.x(0, 0, i) * w(0) + c.x(0, 0, i + 2) * w(1) + c.x(0, 0, i + 4) * w(2);
    }
    CHECK(expected(0, 0, 0) == 22);  // 1*1 + 3*2 + 5*3
    CHECK(expected(0, 0, 4) == 46);  // 5*1 + 7*2 + 9*3
    check_conv(c, expected, conv_options(c));
}

TEST_CASE("conv1d: a reach that exactly fills the input gives one output") {
    // K=3, D=2 reaches 5 positions: x[0], x[2], x[4] of a length-5 input.
    Conv1dCall c;
    c.x = as_batch(iota(5));
    c.weight = as_batch(iota(3));
    c.bias = Tensor1(1);
    c.bias->setValues({0.5f});
    c.dilation = 2;
    Tensor3 expected(1, 1, 1);
    expected(0, 0, 0) = (*c.bias)(0) + c.x(0, 0, 0) * 1 + c.x(0, 0, 2) * 2 + c.x(0, 0, 4) * 3;
    check_conv(c, expected, conv_options(c));

    // With padding 1 and stride 2 the same kernel fits twice: (5 + 2 - 5) / 2 + 1 = 2.
    c.padding = 1;
    c.stride = 2;
    Tensor3 strided(1, 1, 2);
    strided(0, 0, 0) = (*c.bias)(0) + 0 * 1 + c.x(0, 0, 1) * 2 + c.x(0, 0, 3) * 3;  // starts in the padding
    strided(0, 0, 1) = (*c.bias)(0) + c.x(0, 0, 1) * 1 + c.x(0, 0, 3) * 2 + 0 * 3;  // ends in the padding
    check_conv(c, strided, conv_options(c));
}

TEST_CASE("conv1d: every padding mode with dilation by hand") {
    // x = [1 2 3 4 5] padded by 2 on each side (padding.hpp draws these), then
    // a kernel [1 10] with dilation 2: y[i] = xp[i*S] * 1 + xp[i*S + 2] * 10.
    struct ModeCase {
        PadMode mode;
        std::vector<float> padded;
    };
    const std::vector<ModeCase> cases = {
        {PadMode::zeros, {0, 0, 1, 2, 3, 4, 5, 0, 0}},
        {PadMode::reflect, {3, 2, 1, 2, 3, 4, 5, 4, 3}},
        {PadMode::replicate, {1, 1, 1, 2, 3, 4, 5, 5, 5}},
        {PadMode::circular, {4, 5, 1, 2, 3, 4, 5, 1, 2}},
    };
    for (const ModeCase& m : cases) {
        for (Index S : {1, 2}) {
            Conv1dCall c;
            c.x = as_batch(iota(5));
            Tensor1 w(2);
            w.setValues({1, 10});
            c.weight = as_batch(w);
            c.padding = 2;
            c.dilation = 2;
            c.stride = S;
            c.mode = m.mode;
            const Index L_out = (9 - 3) / S + 1;  // padded length 9, reach 3
            Tensor3 expected(1, 1, L_out);
            for (Index i = 0; i < L_out; ++i) {
                expected(0, 0, i) = m.padded[i * S] * w(0) + m.padded[i * S + 2] * w(1);
            }
            INFO("padding_mode='", to_string(m.mode), "', stride ", S);
            check_conv(c, expected, conv_options(c));
        }
    }
}

TEST_CASE("conv1d: a dilated kernel equals the kernel with D-1 zeros between taps") {
    // conv1d(x, w, dilation=D) == conv1d(x, dilate_kernel(w, D)), whatever the
    // stride, padding and mode.
    Rng rng(4201);
    Conv1dRanges ranges{3, 3, 3, 14, 4, 3, 3, true, true, 4, 1};
    for (int trial = 0; trial < 30; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        Conv1dCall spread = c;
        spread.weight = ch::dilate_kernel(c.weight, c.dilation);
        spread.dilation = 1;
        CAPTURE(trial);
        INFO(c.describe(), " against ", spread.describe());
        const auto dilated = accepted(c);
        const auto zeros_between = accepted(spread);
        if (dilated && zeros_between) CHECK_CLOSE(*dilated, *zeros_between, conv_options(c));
    }
}

TEST_CASE("conv1d: random calls against the reference") {
    Rng rng(4202);
    Conv1dRanges ranges{3, 4, 4, 12, 5, 4, 3, true, true, 3, 1};
    for (int trial = 0; trial < 60; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        CAPTURE(trial);
        check_conv(c);
    }
}

TEST_CASE("conv1d: the output length follows the full formula") {
    // Every small combination of L, K, stride, padding and dilation that fits.
    int checked = 0;
    for (Index L = 1; L <= 10; ++L)
        for (Index K = 1; K <= 4; ++K)
            for (Index S = 1; S <= 3; ++S)
                for (Index P = 0; P <= 2; ++P)
                    for (Index D = 1; D <= 3; ++D) {
                        if (dilated_kernel_size(K, D) > L + 2 * P) continue;
                        Conv1dCall c;
                        c.x = Tensor3(1, 1, L);
                        c.x.setConstant(1.0f);
                        c.weight = Tensor3(1, 1, K);
                        c.weight.setConstant(1.0f);
                        c.stride = S;
                        c.padding = P;
                        c.dilation = D;
                        const auto y = accepted(c);
                        if (!y) return;
                        const std::string report = close_report(*y, c.expected(), conv_options(c));
                        if (!report.empty()) {
                            FAIL_CHECK(report);
                            return;  // one message is enough
                        }
                        ++checked;
                    }
    CHECK(checked == 888);
}

TEST_CASE("conv1d: padding same keeps the length at every dilation") {
    Rng rng(4203);
    for (Index D = 1; D <= 3; ++D)
        for (Index K = 1; K <= 5; ++K)
            for (int m = 0; m < 4; ++m) {
                Conv1dCall c;
                c.x = rng.tensor<3>(2, 2, 8);  // long enough to reflect a padding of 6
                c.weight = rng.tensor<3>(3, 2, K);
                c.bias = rng.tensor<1>(3);
                c.padding = "same";
                c.dilation = D;
                c.mode = static_cast<PadMode>(m);
                INFO("same_padding = D*(K-1) = ", D * (K - 1), " in total: ", same_padding(K, D).left, " left, ",
                     same_padding(K, D).right, " right");
                check_conv(c);
            }
}

TEST_CASE("conv1d: PyTorch golden data") {
    Conv1dRanges chapter04;
    chapter04.max_stride = 4;
    chapter04.max_padding = 3;
    chapter04.same_and_valid = true;
    chapter04.all_modes = true;
    chapter04.max_dilation = 3;  // groups stay 1 until chapter 06
    CHECK(check_golden_conv1d(chapter04, run, conv_options).size() >= 140);
}

TEST_CASE("conv1d: refuses dilation 0 - dilation counts from 1") {
    INFO("dilation 1 means no gaps, so dilation 0 is an error, as in PyTorch: read ", kZeroBasedAt);
    Rng rng(4204);
    const Tensor3 x = rng.tensor<3>(1, 2, 8);
    const Tensor3 w = rng.tensor<3>(2, 2, 3);
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, 0, 0), "conv1d", "dilation", "0");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, "same", 0, PadMode::reflect), "conv1d", "dilation", "0");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, 0, -1), "conv1d", "dilation", "-1");
}

TEST_CASE("conv1d: refuses a dilated kernel longer than the padded input") {
    Rng rng(4205);
    // K=3, D=3 reaches 7 positions: more than 5, and more than 4 + 1 + 1.
    CHECK_REFUSES(ch::conv1d(rng.tensor<3>(1, 1, 5), rng.tensor<3>(1, 1, 3), {}, 1, 0, 3), "conv1d", "7", "5");
    CHECK_REFUSES(ch::conv1d(rng.tensor<3>(1, 1, 4), rng.tensor<3>(1, 1, 3), {}, 1, 1, 3, PadMode::circular),
                  "conv1d", "7", "6");
    // K=4, D=2 reaches 7; padding 'valid' adds nothing to 6.
    CHECK_REFUSES(ch::conv1d(rng.tensor<3>(2, 2, 6), rng.tensor<3>(1, 2, 4), {}, 2, "valid", 2), "conv1d", "7",
                  "6");
}

TEST_CASE("conv1d: refuses bad strides - paddings - channels and biases") {
    Rng rng(4206);
    const Tensor3 x = rng.tensor<3>(1, 3, 6);
    const Tensor3 w = rng.tensor<3>(2, 3, 2);
    CHECK_REFUSES(ch::conv1d(x, w, {}, 0), "conv1d", "stride", "0");
    CHECK_REFUSES(ch::conv1d(x, w, {}, -1), "conv1d", "stride", "-1");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, -2), "conv1d", "-2");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 2, "same"), "conv1d", "same", "2");
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 4, 2)), "conv1d", "3", "4");
    CHECK_REFUSES(ch::conv1d(x, w, rng.tensor<1>(5)), "conv1d", "2", "5");
    // reflect pads less than the length; circular wraps around at most once.
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, 6, 1, PadMode::reflect), "conv1d", "reflect", "6");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, 7, 1, PadMode::circular), "conv1d", "circular", "7", "6");
    // 'same' with K=5, D=3 pads 6 on each side of a length-6 input: too much to reflect.
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 3, 5), {}, 1, "same", 3, PadMode::reflect), "conv1d", "reflect",
                  "6");
}

// --- receptive_field ---------------------------------------------------------------

TEST_CASE("receptive_field: the stack worked in the lesson") {
    // K=3 S=2, then K=3 S=3, then K=3 D=2: one output sees 31 inputs.
    const std::vector<Layer1d> stack = {{3, 2, 0, 1}, {3, 3, 0, 1}, {3, 1, 0, 2}};
    check_field(stack, 1 + 1 * (3 - 1) * 1 + 1 * (3 - 1) * 2 + 2 * (3 - 1) * (2 * 3),
                "1 + D1*(K1-1) + D2*(K2-1)*S1 + D3*(K3-1)*S1*S2 = 1 + 2 + 4 + 24 = 31");
    // Two stride-2 layers before a kernel of 3: its taps are 4 inputs apart, not 3.
    check_field({{1, 2, 0, 1}, {1, 2, 0, 1}, {3, 1, 0, 1}}, 1 + (3 - 1) * (2 * 2), "1 + 2*(2*2) = 9");
}

TEST_CASE("receptive_field: one layer sees its dilated kernel") {
    for (Index K = 1; K <= 5; ++K)
        for (Index D = 1; D <= 4; ++D)
            for (Index S = 1; S <= 3; ++S) {
                check_field({{K, S, 0, D}}, D * (K - 1) + 1, "D*(K-1)+1, whatever the stride");
            }
    check_field({}, 1, "no layer: an input sees itself");
    // n stride-1 layers of kernel 3: 2n + 1.
    std::vector<Layer1d> stack;
    for (Index n = 1; n <= 6; ++n) {
        stack.push_back({3, 1, 1, 1});
        check_field(stack, 2 * n + 1, "2n + 1 (padding changes nothing)");
    }
}

TEST_CASE("receptive_field: the inputs one output really depends on") {
    // The experiment: run the stack (the reference conv1d, all-ones weights) on
    // an impulse at each input position, and see which impulses reach output 0.
    // The field is the span from the first to the last of them (strides and
    // dilations can leave holes inside it).
    Rng rng(4301);
    const Index length = 140;  // longer than any field below
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<Layer1d> stack(static_cast<std::size_t>(rng.integer(1, 3)));
        for (Layer1d& l : stack) l = {rng.integer(1, 4), rng.integer(1, 3), 0, rng.integer(1, 3)};
        Index first = -1, last = -1;
        for (Index p = 0; p < length; ++p) {
            Tensor3 y(1, 1, length);
            y.setZero();
            y(0, 0, p) = 1.0f;
            for (const Layer1d& l : stack) {
                Tensor3 ones(1, 1, l.kernel);
                ones.setConstant(1.0f);
                y = ref::conv1d(y, ones, {}, l.stride, 0, l.dilation);
            }
            if (y(0, 0, 0) != 0.0f) {
                if (first < 0) first = p;
                last = p;
            }
        }
        CAPTURE(trial);
        check_field(stack, last - first + 1,
                    "from the first to the last input that moves output 0: " + text(first) + ".." + text(last));
    }
}

TEST_CASE("receptive_field: refuses a layer with kernel - stride or dilation below 1") {
    CHECK_REFUSES(ch::receptive_field({{3, 1, 0, 1}, {0, 1, 0, 1}}), "receptive_field", "0");
    CHECK_REFUSES(ch::receptive_field({{3, 0, 0, 1}}), "receptive_field", "0");
    CHECK_REFUSES(ch::receptive_field({{3, 1, 0, 0}}), "receptive_field", "0");
    CHECK_REFUSES(ch::receptive_field({{3, 2, 0, -1}}), "receptive_field", "-1");
}

// --- kernel_size_for --------------------------------------------------------------

TEST_CASE("kernel_size_for: 30 to 16 needs 15 and 64 to 4 needs 61") {
    CHECK(output_size(30, 15) == 16);  // 30 - 15 + 1
    CHECK(output_size(64, 61) == 4);
    check_kernels(30, 16, 1, 0, 1, {15});
    check_kernels(64, 4, 1, 0, 1, {61});
    // Padding gives room for a longer kernel; dilation asks for a shorter one.
    check_kernels(30, 16, 1, 2, 1, {19});  // 30 + 4 - 19 + 1 = 16
    check_kernels(30, 16, 1, 0, 2, {8});   // reach 2*7+1 = 15
}

TEST_CASE("kernel_size_for: several answers at stride 2") {
    // floor((10 - K) / 2) + 1 = 4 for K = 3 (7/2 = 3) and K = 4 (6/2 = 3).
    CHECK(output_size(10, 3, 2) == 4);
    CHECK(output_size(10, 4, 2) == 4);
    check_kernels(10, 4, 2, 0, 1, {3, 4});
    check_kernels(28, 14, 2, 1, 1, {3, 4});
    check_kernels(32, 8, 4, 0, 1, {1, 2, 3, 4});
    // Dilation 2 makes every reach D*(K-1)+1 odd: of the reaches 3 and 4 that work, only 3 (K=2) is left.
    check_kernels(10, 4, 2, 0, 2, {2});
}

TEST_CASE("kernel_size_for: none when no kernel gives that length") {
    // Stride 2 on 10: even K=1 gives only floor(9/2) + 1 = 5 outputs.
    CHECK(output_size(10, 1, 2) == 5);
    check_kernels(10, 6, 2, 0, 1, {});
    // Dilation 2: the reach 2*(K-1)+1 is odd, so 10 - reach + 1 is always even.
    check_kernels(10, 5, 1, 0, 2, {});
    // Longer than the (padded) input.
    check_kernels(8, 10, 1, 0, 1, {});
    check_kernels(8, 11, 1, 1, 1, {});
}

TEST_CASE("kernel_size_for: every answer gives out and no other kernel does") {
    Rng rng(4401);
    for (int trial = 0; trial < 60; ++trial) {
        const Index in = rng.integer(1, 40), S = rng.integer(1, 4), P = rng.integer(0, 3), D = rng.integer(1, 3);
        // Mostly an `out` some kernel reaches; now and then any length.
        const Index out = rng.integer(0, 3) > 0 ? output_size(in, rng.integer(1, 1 + (in + 2 * P - 1) / D), S, P, D)
                                                : rng.integer(1, 40);
        std::vector<Index> expected;
        for (Index K = 1; dilated_kernel_size(K, D) <= in + 2 * P; ++K)
            if (output_size(in, K, S, P, D) == out) expected.push_back(K);
        CAPTURE(trial);
        REQUIRE(expected == ref::kernel_size_for(in, out, S, P, D));
        check_kernels(in, out, S, P, D, expected);
    }
}

TEST_CASE("kernel_size_for: refuses sizes below 1 - stride or dilation below 1 - negative padding") {
    CHECK_REFUSES(ch::kernel_size_for(0, 4), "kernel_size_for", "0");
    CHECK_REFUSES(ch::kernel_size_for(10, 0), "kernel_size_for", "0");
    CHECK_REFUSES(ch::kernel_size_for(10, 4, 0), "kernel_size_for", "0");
    CHECK_REFUSES(ch::kernel_size_for(10, 4, 1, -1), "kernel_size_for", "-1");
    CHECK_REFUSES(ch::kernel_size_for(10, 4, 1, 0, 0), "kernel_size_for", "0");
}
