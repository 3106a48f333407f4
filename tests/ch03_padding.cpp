// Chapter 03 - padding: growing the border.
#include "padding.hpp"
#include "kata_test.hpp"

#include <optional>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch03;

namespace {

const std::string kLesson = "chapters/03_padding/README.md";
const std::string kOneSide = "padding only one side";
const std::string kReflectRepeats = "reflect that repeats the edge element (mirror through it, or replicate)";
const std::string kSameLeft = "'same' with the extra element on the left";
const std::string kCircularWrongEnd = "circular wrapping from the wrong end (the left border from the start of x)";
const std::string kModeIgnored = "padding_mode ignored (zeros in every mode)";

// [1, 2, ..., n] as a [1, 1, n] batch.
Tensor3 iota(Index n) {
    Tensor3 t(1, 1, n);
    for (Index i = 0; i < n; ++i) t(0, 0, i) = static_cast<float>(i + 1);
    return t;
}

// x[n, c, i], or 0 outside 0..L-1: what zero padding reads.
float at_or_zero(const Tensor3& x, Index n, Index c, Index i) {
    return i >= 0 && i < x.dimension(2) ? x(n, c, i) : 0.0f;
}

// A wrong border, written per element so that it reads only inside x.
// Circular from the wrong end: the left border copies the first `left`
// elements, the right border the last `right` ones.
Tensor3 circular_wrong_end(const Tensor3& x, Index left, Index right) {
    const Index L = x.dimension(2);
    Tensor3 y(x.dimension(0), x.dimension(1), left + L + right);
    for (Index n = 0; n < y.dimension(0); ++n)
        for (Index c = 0; c < y.dimension(1); ++c)
            for (Index p = 0; p < y.dimension(2); ++p) {
                const Index i = p - left;
                y(n, c, p) = x(n, c, i < 0 ? i + left : i >= L ? i - right : i);
            }
    return y;
}

// A padded input that one of the mistakes produces, with the mistake's name
// and lesson section.
struct WrongPad {
    std::string name;
    std::string section;
    Tensor3 padded;
};

// What the mistakes of pad1d make of x; only those that differ from the right
// answer (for these pads and this mode) are listed.
std::vector<WrongPad> wrong_pads(const Tensor3& x, Index left, Index right, PadMode mode) {
    std::vector<WrongPad> m;
    if (left > 0 && right > 0) {
        m.push_back({kOneSide + " (only the left one)", "#padding-only-one-side", ref::pad1d(x, left, 0, mode)});
        m.push_back({kOneSide + " (only the right one)", "#padding-only-one-side", ref::pad1d(x, 0, right, mode)});
    }
    if (mode == PadMode::reflect && left + right > 0) {
        m.push_back({kReflectRepeats, "#reflect-that-repeats-the-edge", symmetric_pad1d(x, left, right)});
        m.push_back({kReflectRepeats, "#reflect-that-repeats-the-edge",
                     ref::pad1d(x, left, right, PadMode::replicate)});
    }
    if (mode == PadMode::circular && left + right > 0) {
        m.push_back({kCircularWrongEnd, "#circular-wrapping-from-the-wrong-end", circular_wrong_end(x, left, right)});
    }
    if (mode != PadMode::zeros && left + right > 0) {
        m.push_back({kModeIgnored, "#ignoring-padding_mode", ref::pad1d(x, left, right, PadMode::zeros)});
    }
    return m;
}

CheckOptions pad_options(const Tensor3& x, Index left, Index right, PadMode mode) {
    CheckOptions o;
    o.what = "pad1d(x " + shape_string(x) + ", left=" + std::to_string(left) + ", right=" + std::to_string(right) +
             ", mode=" + to_string(mode) + ")";
    o.shape_formula = "left + L + right = " + std::to_string(left) + " + " + std::to_string(x.dimension(2)) +
                      " + " + std::to_string(right) + " = " + std::to_string(left + x.dimension(2) + right);
    const Tensor3 right_answer = ref::pad1d(x, left, right, mode);
    for (const WrongPad& w : wrong_pads(x, left, right, mode)) {
        // A mistake that gives the right answer on this input is no mistake here.
        if (!close_enough(view(w.padded), view(right_answer))) {
            o.mistakes.push_back(mistake_output(w.name, kLesson + w.section, w.padded));
        }
    }
    const Index N = x.dimension(0), C = x.dimension(1), L = x.dimension(2);
    if (left > 0 && right > 0) {
        o.mistakes.push_back(mistake_shape(kOneSide + " (length left + L)", kLesson + "#padding-only-one-side",
                                           {N, C, left + L}));
        o.mistakes.push_back(mistake_shape(kOneSide + " (length L + right)", kLesson + "#padding-only-one-side",
                                           {N, C, L + right}));
    }
    return o;
}

// {left, right} as the call pads.
PadPair pads_of(const Conv1dCall& c) {
    const Index K = c.weight.dimension(2);
    if (c.padding.is_same()) return convkata::same_padding(K);
    if (c.padding.is_valid()) return {0, 0};
    return {c.padding.amount(), c.padding.amount()};
}

// The conv of an explicitly padded input, if the kernel fits in it.
std::optional<Tensor3> conv_of_padded(const Conv1dCall& c, const Tensor3& padded) {
    if (padded.dimension(2) < c.weight.dimension(2)) return std::nullopt;
    return ref::conv1d(padded, c.weight, c.bias, c.stride);
}

// The mistakes of chapter 03 recognisable from a conv1d output (`magnitude`
// as in the call's CheckOptions).
std::vector<Mistake> conv_mistakes(const Conv1dCall& c, const std::vector<float>& magnitude) {
    std::vector<Mistake> m;
    const PadPair pad = pads_of(c);
    const Tensor3 right_answer = c.expected();
    const auto add = [&](const std::string& name, const std::string& section, const Tensor3& padded) {
        // Skipped where the mistake gives the right answer (a stride can skip the border it gets wrong).
        const std::optional<Tensor3> wrong = conv_of_padded(c, padded);
        if (wrong && !close_enough(view(*wrong), view(right_answer), magnitude)) {
            m.push_back(mistake_output(name, kLesson + section, *wrong));
        }
    };
    for (const WrongPad& w : wrong_pads(c.x, pad.left, pad.right, c.mode)) add(w.name, w.section, w.padded);
    if (c.padding.is_same() && pad.left != pad.right) {
        add(kSameLeft, "#same-with-the-extra-element-on-the-left", ref::pad1d(c.x, pad.right, pad.left, c.mode));
    }
    const Index N = c.x.dimension(0), OC = c.weight.dimension(0), L = c.x.dimension(2), K = c.weight.dimension(2);
    const Index one_sided = output_size(L, K, c.stride, pad.left, 0, 1);
    if (pad.left > 0 && pad.right > 0 && L + pad.left >= K && one_sided != right_answer.dimension(2)) {
        m.push_back(mistake_shape(kOneSide + " (the output is too short)", kLesson + "#padding-only-one-side",
                                  {N, OC, one_sided}));
    }
    return m;
}

CheckOptions conv_options(const Conv1dCall& c) {
    CheckOptions o = c.options();
    o.mistakes = conv_mistakes(c, o.magnitude);
    return o;
}

// A conv1d call on [1..n] with a kernel of ones.
Conv1dCall ones_call(Index n, Index K, const Padding& padding, PadMode mode = PadMode::zeros) {
    Conv1dCall c;
    c.x = iota(n);
    c.weight = Tensor3(1, 1, K);
    c.weight.setConstant(1.0f);
    c.padding = padding;
    c.mode = mode;
    return c;
}

Tensor3 conv_of(const Conv1dCall& c) { return ch::conv1d(c.x, c.weight, c.bias, c.stride, c.padding, c.mode); }

}  // namespace

// ---------------------------------------------------------------- pad1d

TEST_CASE("pad1d: the four modes on [1 2 3 4 5] with two on each side") {
    const Tensor3 x = iota(5);
    const auto v = [&](Index i) { return x(0, 0, i); };
    Tensor3 zeros(1, 1, 9), reflect(1, 1, 9), replicate(1, 1, 9), circular(1, 1, 9);
    // The table in include/convkata/padding.hpp, written as which x each position reads.
    zeros.setValues({{{0, 0, v(0), v(1), v(2), v(3), v(4), 0, 0}}});
    reflect.setValues({{{v(2), v(1), v(0), v(1), v(2), v(3), v(4), v(3), v(2)}}});
    replicate.setValues({{{v(0), v(0), v(0), v(1), v(2), v(3), v(4), v(4), v(4)}}});
    circular.setValues({{{v(3), v(4), v(0), v(1), v(2), v(3), v(4), v(0), v(1)}}});
    CHECK_CLOSE(ch::pad1d(x, 2, 2), zeros, pad_options(x, 2, 2, PadMode::zeros));
    CHECK_CLOSE(ch::pad1d(x, 2, 2, PadMode::reflect), reflect, pad_options(x, 2, 2, PadMode::reflect));
    CHECK_CLOSE(ch::pad1d(x, 2, 2, PadMode::replicate), replicate, pad_options(x, 2, 2, PadMode::replicate));
    CHECK_CLOSE(ch::pad1d(x, 2, 2, PadMode::circular), circular, pad_options(x, 2, 2, PadMode::circular));
}

TEST_CASE("pad1d: left and right differ - three before and one after") {
    const Tensor3 x = iota(5);
    const auto v = [&](Index i) { return x(0, 0, i); };
    Tensor3 zeros(1, 1, 9), reflect(1, 1, 9), replicate(1, 1, 9), circular(1, 1, 9);
    zeros.setValues({{{0, 0, 0, v(0), v(1), v(2), v(3), v(4), 0}}});
    reflect.setValues({{{v(3), v(2), v(1), v(0), v(1), v(2), v(3), v(4), v(3)}}});
    replicate.setValues({{{v(0), v(0), v(0), v(0), v(1), v(2), v(3), v(4), v(4)}}});
    circular.setValues({{{v(2), v(3), v(4), v(0), v(1), v(2), v(3), v(4), v(0)}}});
    CHECK_CLOSE(ch::pad1d(x, 3, 1), zeros, pad_options(x, 3, 1, PadMode::zeros));
    CHECK_CLOSE(ch::pad1d(x, 3, 1, PadMode::reflect), reflect, pad_options(x, 3, 1, PadMode::reflect));
    CHECK_CLOSE(ch::pad1d(x, 3, 1, PadMode::replicate), replicate, pad_options(x, 3, 1, PadMode::replicate));
    CHECK_CLOSE(ch::pad1d(x, 3, 1, PadMode::circular), circular, pad_options(x, 3, 1, PadMode::circular));
}

TEST_CASE("pad1d: random shapes and modes against the reference") {
    Rng rng(3101);
    for (int trial = 0; trial < 60; ++trial) {
        const Index L = rng.integer(1, 10);
        const PadMode mode = static_cast<PadMode>(trial % 4);
        // As far as the mode allows: reflect up to L-1, circular up to L, the others further.
        const Index most = mode == PadMode::reflect ? L - 1 : mode == PadMode::circular ? L : L + 3;
        const Index left = rng.integer(0, most), right = rng.integer(0, most);
        const Tensor3 x = rng.tensor<3>(rng.integer(1, 3), rng.integer(1, 3), L);
        CAPTURE(trial);
        CHECK_CLOSE(ch::pad1d(x, left, right, mode), ref::pad1d(x, left, right, mode),
                    pad_options(x, left, right, mode));
    }
}

TEST_CASE("pad1d: the middle of the output is x") {
    Rng rng(3102);
    for (int trial = 0; trial < 40; ++trial) {
        const Index L = rng.integer(2, 9);
        const PadMode mode = static_cast<PadMode>(trial % 4);
        const Index left = rng.integer(0, L - 1), right = rng.integer(0, L - 1);
        const Tensor3 x = rng.tensor<3>(2, 2, L);
        const Tensor3 y = ch::pad1d(x, left, right, mode);
        CAPTURE(trial);
        INFO("pad1d(x ", shape_string(x), ", ", left, ", ", right, ", ", to_string(mode), ")");
        REQUIRE(y.dimension(2) == left + L + right);
        const Tensor3 middle = y.slice(Eigen::array<Index, 3>{0, 0, left}, Eigen::array<Index, 3>{2, 2, L});
        CHECK_CLOSE(middle, x);
    }
}

TEST_CASE("pad1d: reflect and circular borders mirror and wrap the input") {
    Rng rng(3103);
    for (int trial = 0; trial < 20; ++trial) {
        const Index L = rng.integer(2, 9);
        const Index left = rng.integer(1, L - 1), right = rng.integer(1, L - 1);
        const Tensor3 x = rng.tensor<3>(1, 2, L);
        CAPTURE(trial);
        const Tensor3 r = ch::pad1d(x, left, right, PadMode::reflect);
        const Tensor3 w = ch::pad1d(x, left, right, PadMode::circular);
        REQUIRE(r.dimension(2) == left + L + right);
        REQUIRE(w.dimension(2) == left + L + right);
        for (Index c = 0; c < 2; ++c) {
            for (Index k = 1; k <= left; ++k) {
                INFO("k = ", k, " places left of x[0] (the border is ", left, " long)");
                CHECK(r(0, c, left - k) == x(0, c, k));       // the mirror image of x[k] in x[0]
                CHECK(w(0, c, left - k) == x(0, c, L - k));   // wraps to the end of x
            }
            for (Index k = 1; k <= right; ++k) {
                INFO("k = ", k, " places right of x[L-1] (the border is ", right, " long)");
                CHECK(r(0, c, left + L - 1 + k) == x(0, c, L - 1 - k));  // the mirror image in x[L-1]
                CHECK(w(0, c, left + L - 1 + k) == x(0, c, k - 1));      // wraps to the start of x
            }
        }
    }
}

TEST_CASE("pad1d: PyTorch golden data") {
    int checked = 0;
    for (const GoldenCase& g : load_golden("pad1d")) {
        const Tensor3 x = g.tensor("input").tensor<3>();
        const std::vector<Index> pad = g.integers("pad");
        REQUIRE(pad.size() == 2);
        const PadMode mode = pad_mode_from_string(g.string("mode"));
        INFO(g.describe());
        if (g.refused()) {
            CHECK_REFUSES(ch::pad1d(x, pad[0], pad[1], mode), "pad1d");
        } else {
            CheckOptions o = pad_options(x, pad[0], pad[1], mode);
            o.what = g.describe();
            CHECK_CLOSE(ch::pad1d(x, pad[0], pad[1], mode), g.output().tensor<3>(), o);
        }
        ++checked;
    }
    CHECK(checked >= 100);
}

TEST_CASE("pad1d: refuses cropping and borders the mode cannot make") {
    const Tensor3 x = iota(5);
    INFO("F.pad would crop with a negative pad; this workbook refuses it");
    CHECK_REFUSES(ch::pad1d(x, -1, 2), "pad1d", "-1");
    CHECK_REFUSES(ch::pad1d(x, 2, -3, PadMode::replicate), "pad1d", "-3");
    CHECK_REFUSES(ch::pad1d(x, 5, 0, PadMode::reflect), "pad1d", "5");   // reflect: at most L-1 = 4
    CHECK_REFUSES(ch::pad1d(x, 1, 7, PadMode::reflect), "pad1d", "7");
    CHECK_REFUSES(ch::pad1d(iota(1), 1, 0, PadMode::reflect), "pad1d", "1");
    CHECK_REFUSES(ch::pad1d(x, 6, 0, PadMode::circular), "pad1d", "6", "5");  // circular: at most L = 5
    CHECK_REFUSES(ch::pad1d(x, 0, 9, PadMode::circular), "pad1d", "9", "5");
    CHECK_REFUSES(ch::pad1d(Tensor3(1, 2, 0), 1, 1, PadMode::replicate), "pad1d", "0");
}

// ---------------------------------------------------------------- same_padding

TEST_CASE("same_padding: K-1 in total with the extra element on the right") {
    const auto pair = [](Index left, Index right) { return PadPair{left, right}; };
    CHECK(ch::same_padding(1) == pair(0, 0));
    CHECK(ch::same_padding(2) == pair(0, 1));
    CHECK(ch::same_padding(3) == pair(1, 1));
    INFO("an odd total puts its extra element on the right: see ", kLesson,
         "#same-with-the-extra-element-on-the-left");
    CHECK(ch::same_padding(4) == pair(1, 2));
    CHECK(ch::same_padding(5) == pair(2, 2));
    CHECK(ch::same_padding(6) == pair(2, 3));
    // With dilation the total is dilation*(K-1) (chapter 04 explains the reach).
    CHECK(ch::same_padding(3, 2) == pair(2, 2));
    CHECK(ch::same_padding(2, 3) == pair(1, 2));
    for (Index K = 1; K <= 12; ++K) {
        for (Index D = 1; D <= 4; ++D) {
            const PadPair p = ch::same_padding(K, D);
            CAPTURE(K);
            CAPTURE(D);
            CHECK(p.left + p.right == D * (K - 1));
            CHECK(p.right - p.left == (D * (K - 1)) % 2);
        }
    }
}

TEST_CASE("same_padding: refuses a kernel or a dilation below 1") {
    CHECK_REFUSES(ch::same_padding(0), "same_padding", "0");
    CHECK_REFUSES(ch::same_padding(-2), "same_padding", "-2");
    CHECK_REFUSES(ch::same_padding(3, 0), "same_padding", "0");
}

// ---------------------------------------------------------------- conv1d

TEST_CASE("conv1d: zero padding on both sides - the windows of [1 2 3 4 5]") {
    // padding=2, kernel [1 2 3]: 5 + 2*2 - 3 + 1 = 7 windows over 0 0 1 2 3 4 5 0 0.
    Conv1dCall c;
    c.x = iota(5);
    c.weight = Tensor3(1, 1, 3);
    c.weight.setValues({{{1, 2, 3}}});
    c.padding = 2;
    Tensor3 expected(1, 1, 7);
    const auto w = [&](Index j) { return c.weight(0, 0, j); };
    for (Index i = 0; i < 7; ++i) {
        // Output i starts at padded position i, which is x[i - 2].
        expected(0, 0, i) = at_or_zero(c.x, 0, 0, i - 2) * w(0) + at_or_zero(c.x, 0, 0, i - 1) * w(1) +
                            at_or_zero(c.x, 0, 0, i) * w(2);
    }
    const Tensor3 y = conv_of(c);
    CHECK_CLOSE(y, expected, conv_options(c));
    if (y.dimension(2) == 7) {
        CHECK(y(0, 0, 0) == 0 * 1 + 0 * 2 + 1 * 3);  // 3: the first window holds only x[0]
        CHECK(y(0, 0, 6) == 5 * 1 + 0 * 2 + 0 * 3);  // 5: the last window holds only x[4]
    }
}

TEST_CASE("conv1d: padding='same' with an even kernel - the worked example") {
    // [1..10] with kernel ones(4): total 3, one on the left and two on the right.
    const Conv1dCall c = ones_call(10, 4, "same");
    Tensor3 expected(1, 1, 10);
    for (Index i = 0; i < 10; ++i) {
        expected(0, 0, i) = at_or_zero(c.x, 0, 0, i - 1) + at_or_zero(c.x, 0, 0, i) +
                            at_or_zero(c.x, 0, 0, i + 1) + at_or_zero(c.x, 0, 0, i + 2);
    }
    const Tensor3 y = conv_of(c);
    CHECK_CLOSE(y, expected, conv_options(c));
    if (y.dimension(2) == 10) {
        CHECK(y(0, 0, 0) == 6);    // 0 + 1 + 2 + 3
        CHECK(y(0, 0, 1) == 10);   // 1 + 2 + 3 + 4
        CHECK(y(0, 0, 2) == 14);
        CHECK(y(0, 0, 9) == 19);   // 9 + 10 + 0 + 0
    }
}

TEST_CASE("conv1d: padding='same' and 'valid' with an odd kernel") {
    // Kernel 3: 'same' is padding=1, 'valid' is padding=0.
    const Conv1dCall same = ones_call(10, 3, "same");
    Tensor3 expected_same(1, 1, 10);
    for (Index i = 0; i < 10; ++i)
        expected_same(0, 0, i) = at_or_zero(same.x, 0, 0, i - 1) + same.x(0, 0, i) + at_or_zero(same.x, 0, 0, i + 1);
    CHECK_CLOSE(conv_of(same), expected_same, conv_options(same));

    const Conv1dCall valid = ones_call(10, 3, "valid");
    Tensor3 expected_valid(1, 1, 8);
    for (Index i = 0; i < 8; ++i) {
        expected_valid(0, 0, i) = valid.x(0, 0, i) + valid.x(0, 0, i + 1) + valid.x(0, 0, i + 2);
    }
    CHECK_CLOSE(conv_of(valid), expected_valid, conv_options(valid));
}

TEST_CASE("conv1d: the four padding modes by hand") {
    // [1 2 3 4 5], kernel ones(3), padding=2: the sums of three neighbours in each padded row.
    const PadMode modes[] = {PadMode::zeros, PadMode::reflect, PadMode::replicate, PadMode::circular};
    const float sums[4][7] = {
        {0 + 0 + 1, 0 + 1 + 2, 1 + 2 + 3, 2 + 3 + 4, 3 + 4 + 5, 4 + 5 + 0, 5 + 0 + 0},  // 0 0 | x | 0 0
        {3 + 2 + 1, 2 + 1 + 2, 1 + 2 + 3, 2 + 3 + 4, 3 + 4 + 5, 4 + 5 + 4, 5 + 4 + 3},  // 3 2 | x | 4 3
        {1 + 1 + 1, 1 + 1 + 2, 1 + 2 + 3, 2 + 3 + 4, 3 + 4 + 5, 4 + 5 + 5, 5 + 5 + 5},  // 1 1 | x | 5 5
        {4 + 5 + 1, 5 + 1 + 2, 1 + 2 + 3, 2 + 3 + 4, 3 + 4 + 5, 4 + 5 + 1, 5 + 1 + 2},  // 4 5 | x | 1 2
    };
    for (int m = 0; m < 4; ++m) {
        const Conv1dCall c = ones_call(5, 3, 2, modes[m]);
        Tensor3 expected(1, 1, 7);
        for (Index i = 0; i < 7; ++i) expected(0, 0, i) = sums[m][i];
        CHECK_CLOSE(conv_of(c), expected, conv_options(c));
    }
}

TEST_CASE("conv1d: random calls against the reference") {
    Rng rng(3301);
    Conv1dRanges ranges;
    ranges.max_stride = 3;
    ranges.max_padding = 3;
    ranges.same_and_valid = true;
    ranges.all_modes = true;
    for (int trial = 0; trial < 60; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        CAPTURE(trial);
        CHECK_CLOSE(conv_of(c), c.expected(), conv_options(c));
    }
}

TEST_CASE("conv1d: padding first then a valid conv is the padded conv") {
    // conv1d(x, padding=p, mode) == conv1d(pad1d(x, p, p, mode), padding=0): nn.Conv1d pads exactly so.
    // And an asymmetric padding is only possible this way: pad1d(x, left, right), then conv1d.
    Rng rng(3302);
    for (int trial = 0; trial < 30; ++trial) {
        Conv1dCall c;
        const Index L = rng.integer(4, 10), K = rng.integer(1, 4);
        c.x = rng.tensor<3>(2, 2, L);
        c.weight = rng.tensor<3>(3, 2, K);
        c.bias = rng.tensor<1>(3);
        c.stride = rng.integer(1, 3);
        c.padding = rng.integer(0, 3);
        c.mode = static_cast<PadMode>(trial % 4);
        const Index p = c.padding.amount();
        CAPTURE(trial);
        const Tensor3 padded_conv = conv_of(c);
        CheckOptions o = conv_options(c);
        CHECK_CLOSE(padded_conv, c.expected(), o);
        o.mistakes.clear();  // the expected side here is your own conv1d
        o.what = "conv1d(pad1d(x, " + std::to_string(p) + ", " + std::to_string(p) + ", " + to_string(c.mode) +
                 "), weight, bias, stride=" + std::to_string(c.stride) + ") compared with " + c.describe();
        CHECK_CLOSE(ch::conv1d(ch::pad1d(c.x, p, p, c.mode), c.weight, c.bias, c.stride), padded_conv, o);

        Conv1dCall asymmetric = c;
        const Index left = rng.integer(0, L - 1), right = rng.integer(0, L - 1);
        asymmetric.x = ref::pad1d(c.x, left, right, c.mode);
        asymmetric.padding = "valid";
        asymmetric.mode = PadMode::zeros;
        CheckOptions a = asymmetric.options();
        a.what = "conv1d(pad1d(x " + shape_string(c.x) + ", " + std::to_string(left) + ", " + std::to_string(right) +
                 ", " + to_string(c.mode) + "), weight " + shape_string(c.weight) + ", bias, stride=" +
                 std::to_string(c.stride) + ", padding='valid')";
        CHECK_CLOSE(ch::conv1d(ch::pad1d(c.x, left, right, c.mode), c.weight, c.bias, c.stride, "valid"),
                    asymmetric.expected(), a);
    }
}

TEST_CASE("conv1d: padding='same' keeps the length for every kernel size") {
    Rng rng(3303);
    const Index L = 7;
    const Tensor3 x = rng.tensor<3>(2, 2, L);
    for (Index K = 1; K <= 12; ++K) {
        for (const PadMode mode : {PadMode::zeros, PadMode::reflect, PadMode::replicate, PadMode::circular}) {
            const PadPair pad = convkata::same_padding(K);
            // reflect reaches at most L-1 and circular L; beyond that PyTorch refuses.
            if (mode == PadMode::reflect && pad.right >= L) continue;
            if (mode == PadMode::circular && pad.right > L) continue;
            Conv1dCall c;
            c.x = x;
            c.weight = rng.tensor<3>(2, 2, K);
            c.padding = "same";
            c.mode = mode;
            CAPTURE(K);
            const Tensor3 y = conv_of(c);
            CHECK(y.dimension(2) == L);
            CHECK_CLOSE(y, c.expected(), conv_options(c));
        }
    }
}

TEST_CASE("conv1d: PyTorch golden data") {
    Conv1dRanges chapter03;
    chapter03.max_stride = 3;
    chapter03.max_padding = 3;
    chapter03.same_and_valid = true;
    chapter03.all_modes = true;
    CHECK(check_golden_conv1d(chapter03, conv_of, conv_options).size() >= 100);
}

TEST_CASE("conv1d: refuses padding='same' with a stride") {
    Rng rng(3304);
    const Tensor3 x = rng.tensor<3>(1, 2, 10), w = rng.tensor<3>(3, 2, 3);
    INFO("PyTorch refuses padding='same' for strided convolutions: see ", kLesson, "#accepting-same-with-a-stride");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 2, "same"), "conv1d", "same", "2");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 3, "same", PadMode::reflect), "conv1d", "same", "3");
}

TEST_CASE("conv1d: refuses bad strides - negative padding - kernels that do not fit") {
    Rng rng(3305);
    const Tensor3 x = rng.tensor<3>(1, 2, 4);
    const Tensor3 w = rng.tensor<3>(3, 2, 3);
    CHECK_REFUSES(ch::conv1d(x, w, {}, 0), "conv1d", "0");
    CHECK_REFUSES(ch::conv1d(x, w, {}, -1), "conv1d", "-1");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, -1), "conv1d", "-1");
    // Padding 1 on a length of 4 is 6 long: a kernel of 7 does not fit, one of 6 does.
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(3, 2, 7), {}, 1, 1), "conv1d", "6", "7");
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(3, 2, 5), {}, 1, "valid"), "conv1d", "4", "5");
    // Channels and bias, as in chapter 01.
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(3, 5, 3), {}, 1, 1), "conv1d", "2", "5");
    CHECK_REFUSES(ch::conv1d(x, w, rng.tensor<1>(4), 1, 1), "conv1d", "3", "4");
    // A padding the mode cannot make: reflect needs padding < 4, circular at most 4.
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, 4, PadMode::reflect), "conv1d", "4");
    CHECK_REFUSES(ch::conv1d(x, w, {}, 1, 5, PadMode::circular), "conv1d", "5");
}
