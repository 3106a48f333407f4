// Chapter 02 - stride: skipping positions.
#include "stride.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <functional>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch02;

namespace {

const std::string kLesson = "chapters/02_stride/README.md";

Tensor3 iota(Index n) {
    Tensor3 t(1, 1, n);
    for (Index i = 0; i < n; ++i) t(0, 0, i) = 1.0f + static_cast<float>(i);
    return t;
}

Tensor3 kernel(std::initializer_list<float> taps) {
    Tensor3 w(1, 1, static_cast<Index>(taps.size()));
    Index j = 0;
    for (float t : taps) w(0, 0, j++) = t;
    return w;
}

// The windows counted one by one: starts 0, S, 2S, ... while the window still fits.
Index count_windows(Index L, Index K, Index S) {
    Index windows = 0;
    for (Index start = 0; start + K <= L; start += S) ++windows;
    return windows;
}

// Lengths that known mistakes produce (lesson, "Common mistakes").
Index ceil_length(Index L, Index K, Index S) { return (L - K + S - 1) / S + 1; }  // ceil((L-K)/S) + 1
Index every_start_length(Index L, Index S) { return (L + S - 1) / S; }              // starts 0, S, ... < L
Index divided_length(Index L, Index K, Index S) { return (L - K + 1) / S; }        // chapter 1's length / S

std::string formula(Index L, Index K, Index S) {
    return "floor((L - K) / S) + 1 = floor((" + std::to_string(L) + " - " + std::to_string(K) + ") / " +
           std::to_string(S) + ") + 1 = " + std::to_string(output_size(L, K, S));
}

// "\n  That is ...  Read ..." when `got` is a length a known mistake gives, else "".
std::string named_length_mistake(Index L, Index K, Index S, Index got) {
    if (got == ceil_length(L, K, S)) {
        return "\n  That is ceil((L - K) / S) + 1: rounding up keeps a last window that runs past the end.\n  Read " +
               kLesson + "#rounding-up-instead-of-down";
    }
    if (got == divided_length(L, K, S)) {
        return "\n  That is (L - K + 1) / S: chapter 1's length divided by the stride drops a window that fits."
               "\n  Read " + kLesson + "#dividing-the-chapter-1-length-by-the-stride";
    }
    if (got == L - K + 1) {
        return "\n  That is L - K + 1, the length at stride 1: the stride is ignored.\n  Read " + kLesson +
               "#forgetting-the-stride";
    }
    return "";
}

// Empty when output_length(L, K, S) returned `got` = `expected`; else a message
// that names the mistake when it recognises the number.
std::string length_report(Index L, Index K, Index S, Index got, Index expected) {
    if (got == expected) return "";
    return "output_length(" + std::to_string(L) + ", " + std::to_string(K) + ", " + std::to_string(S) + ") returned " +
           std::to_string(got) + ", expected " + std::to_string(expected) + "   (" + formula(L, K, S) + ")" +
           named_length_mistake(L, K, S, got);
}

void check_length(Index L, Index K, Index S, Index expected) {
    const std::string report = length_report(L, K, S, ch::output_length(L, K, S), expected);
    if (!report.empty()) FAIL_CHECK(report);
}

// A conv1d computed with input position `at(i, j)` for tap j of window i, over
// `windows` windows; positions past the end read as zero. The tests use it to
// recognise a mistake from its output.
Tensor3 conv1d_reading(const Conv1dCall& c, Index windows, const std::function<Index(Index, Index)>& at) {
    const Index N = c.x.dimension(0), C = c.x.dimension(1), L = c.x.dimension(2);
    const Index OC = c.weight.dimension(0), K = c.weight.dimension(2);
    Tensor3 y(N, OC, windows);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < OC; ++o)
            for (Index i = 0; i < windows; ++i) {
                double sum = c.bias ? (*c.bias)(o) : 0.0;
                for (Index ic = 0; ic < C; ++ic)
                    for (Index j = 0; j < K; ++j)
                        if (at(i, j) < L) sum += double(c.x(n, ic, at(i, j))) * c.weight(o, ic, j);
                y(n, o, i) = static_cast<float>(sum);
            }
    return y;
}

// The mistakes chapter 02 recognises from the output of a strided call.
std::vector<Mistake> stride_mistakes(const Conv1dCall& c) {
    const Index N = c.x.dimension(0), L = c.x.dimension(2);
    const Index OC = c.weight.dimension(0), K = c.weight.dimension(2), S = c.stride;
    const Index right = output_size(L, K, S);
    std::vector<Mistake> m;

    // The right number of windows, read from the wrong places.
    if (S > 1) {
        if (K > 1) {
            m.push_back(mistake_output("stepping inside the kernel: x[i + j*S] instead of x[i*S + j]",
                                       kLesson + "#stepping-inside-the-kernel",
                                       conv1d_reading(c, right, [S](Index i, Index j) { return i + j * S; })));
        }
        m.push_back(mistake_output(K > 1 ? "forgetting the stride: window i starts at i instead of i*S"
                                         : "forgetting the stride: window i starts at i instead of i*S (with a "
                                           "one-tap kernel, x[i + j*S] reads the same)",
                                   kLesson + "#forgetting-the-stride",
                                   conv1d_reading(c, right, [](Index i, Index j) { return i + j; })));
    }

    // A wrong number of windows (only lengths that differ from the right one).
    auto wrong_length = [&](Index length, const std::string& name, const std::string& section) {
        if (length != right) m.push_back(mistake_shape(name, kLesson + section, {N, OC, length}));
    };
    const Index up = ceil_length(L, K, S), every = every_start_length(L, S);
    if (up == every) {
        wrong_length(up,
                     "one window too many, running past the end of the input: ceil((L - K) / S) + 1 (rounding up) "
                     "or ceil(L / S) (a window at every start inside the input)",
                     "#rounding-up-instead-of-down and #windows-that-run-past-the-end");
    } else {
        wrong_length(up, "rounding up instead of down: ceil((L - K) / S) + 1 windows", "#rounding-up-instead-of-down");
        wrong_length(every, "windows that run past the end: one at every start inside the input, ceil(L / S) of them",
                     "#windows-that-run-past-the-end");
    }
    wrong_length(divided_length(L, K, S),
                 "chapter 1's length divided by the stride: (L - K + 1) / S drops a window that fits",
                 "#dividing-the-chapter-1-length-by-the-stride");
    wrong_length(L - K + 1, "forgetting the stride: L - K + 1 windows, one per position", "#forgetting-the-stride");
    return m;
}

// What was called, chapter 02's shape formula, the tolerance, the mistakes.
CheckOptions stride_options(const Conv1dCall& c) {
    CheckOptions o = c.options();
    o.shape_formula = "L_out = " + formula(c.x.dimension(2), c.weight.dimension(2), c.stride);
    o.mistakes = stride_mistakes(c);
    return o;
}

// For a comparison with one of your own results (CHECK_CLOSE ignores a
// magnitude made for another shape).
CheckOptions against_own(CheckOptions o, std::string what) {
    o.what = std::move(what);
    return o;
}

Conv1dCall call(const Tensor3& x, const Tensor3& w, Index stride, const OptionalBias& b = {}) {
    Conv1dCall c;
    c.x = x;
    c.weight = w;
    c.bias = b;
    c.stride = stride;
    return c;
}

Tensor3 run(const Conv1dCall& c) { return ch::conv1d(c.x, c.weight, c.bias, c.stride); }

}  // namespace

TEST_CASE("output_length: the examples of the lesson counted by hand") {
    check_length(9, 3, 2, 4);   // windows start at 0 2 4 6
    check_length(10, 3, 2, 4);  // the same four: a fifth would start at 8 and need x[10]
    check_length(11, 3, 2, 5);  // now it fits: 0 2 4 6 8
    check_length(10, 3, 1, 8);  // stride 1 is chapter 1's L - K + 1
    check_length(10, 2, 3, 3);  // 0 3 6: the stride is longer than the kernel
    check_length(5, 3, 7, 1);   // only the window at 0
    check_length(7, 7, 3, 1);   // the kernel fills the input
    check_length(12, 4, 4, 3);  // 0 4 8: windows side by side, no overlap
}

TEST_CASE("output_length: the last window fits and one more would not") {
    for (Index S = 1; S <= 5; ++S)
        for (Index K = 1; K <= 5; ++K)
            for (Index L = K; L <= K + 3 * S; ++L) {
                const Index n = ch::output_length(L, K, S);
                // Window i covers inputs i*S .. i*S + K - 1, and the inputs are 0 .. L - 1.
                const Index last_end = (n - 1) * S + K - 1, next_end = n * S + K - 1;
                std::string why;
                if (last_end > L - 1) {
                    why = "the last window (window " + std::to_string(n - 1) + ") ends at input " +
                          std::to_string(last_end) + ", past the end";
                } else if (next_end <= L - 1) {
                    why = "window " + std::to_string(n) + " ends at input " + std::to_string(next_end) +
                          " and still fits: it is missing";
                } else {
                    continue;
                }
                const std::string message = "output_length(" + std::to_string(L) + ", " + std::to_string(K) + ", " +
                                            std::to_string(S) + ") = " + std::to_string(n) + ", but with inputs 0.." +
                                            std::to_string(L - 1) + " " + why +
                                            named_length_mistake(L, K, S, n);
                FAIL_CHECK(message);
                return;  // one counterexample says enough
            }
}

TEST_CASE("output_length: every small length kernel and stride against the windows counted one by one") {
    int wrong = 0;
    std::string first;
    for (Index L = 1; L <= 20; ++L)
        for (Index K = 1; K <= L; ++K)
            for (Index S = 1; S <= 6; ++S) {
                const std::string r = length_report(L, K, S, ch::output_length(L, K, S), count_windows(L, K, S));
                if (r.empty()) continue;
                if (wrong++ == 0) first = r;
            }
    if (wrong > 0) {
        const std::string message =
            first + "\n  (" + std::to_string(wrong) + " wrong answers in all; this was the first)";
        FAIL_CHECK(message);
    }
}

TEST_CASE("output_length: refuses a stride below 1 and a kernel that does not fit") {
    CHECK_REFUSES(ch::output_length(10, 3, 0), "output_length", "0");
    CHECK_REFUSES(ch::output_length(10, 3, -2), "output_length", "-2");
    CHECK_REFUSES(ch::output_length(10, 0, 1), "output_length", "0");
    CHECK_REFUSES(ch::output_length(3, 4, 1), "output_length", "3", "4");
    CHECK_REFUSES(ch::output_length(3, 4, 2), "output_length", "3", "4");
}

TEST_CASE("conv1d: the worked example - [1..10] with kernel [1 2 3] at stride 2") {
    const Conv1dCall c = call(iota(10), kernel({1, 2, 3}), 2);
    const Tensor3 y = run(c);
    const Tensor3& x = c.x;
    const Tensor3& w = c.weight;

    Tensor3 expected(1, 1, 4);
    for (Index i = 0; i < 4; ++i)
        expected(0, 0, i) =
            x(0, 0, 2 * i) * w(0, 0, 0) + x(0, 0, 2 * i + 1) * w(0, 0, 1) + x(0, 0, 2 * i + 2) * w(0, 0, 2);
    CHECK_CLOSE(y, expected, stride_options(c));
    if (y.dimensions() == expected.dimensions()) {
        CHECK(y(0, 0, 0) == 1 * 1 + 2 * 2 + 3 * 3);  // 14
        CHECK(y(0, 0, 3) == 7 * 1 + 8 * 2 + 9 * 3);  // 50
    }
}

TEST_CASE("conv1d: the dropped tail - inputs after the last window change nothing") {
    // L=10, K=3, S=2: windows start at 0 2 4 6 and the last one ends at x[8];
    // x[9] is read by no window. Changing it, or cutting it off, changes nothing.
    Rng rng(2021);
    Conv1dCall c = call(rng.tensor<3>(2, 3, 10), rng.tensor<3>(4, 3, 3), 2, rng.tensor<1>(4));
    const Tensor3 before = run(c);
    CHECK_CLOSE(before, c.expected(), stride_options(c));

    Conv1dCall changed = c;
    for (Index n = 0; n < 2; ++n)
        for (Index ic = 0; ic < 3; ++ic) changed.x(n, ic, 9) += 10.0f;
    CHECK_CLOSE(run(changed), before,
                against_own(stride_options(changed),
                            changed.describe() + " with x[:, :, 9] changed by 10, compared with your result before"));

    Conv1dCall cut = c;
    cut.x = Tensor3(c.x.slice(Eigen::array<Index, 3>{0, 0, 0}, Eigen::array<Index, 3>{2, 3, 9}));
    CHECK_CLOSE(run(cut), before,
                against_own(stride_options(cut),
                            cut.describe() + " (x[:, :, 9] cut off), compared with your result for the whole x"));
}

TEST_CASE("conv1d: locality - output i reads only the window that starts at i times S") {
    // The locality experiment of chapter 1, now with windows S apart: change one
    // input and watch which outputs move. Overlapping windows (S < K), and gaps
    // between windows (S > K).
    struct Shape {
        Index L, K, S;
    };
    Rng rng(2022);
    for (const Shape s : {Shape{12, 4, 3}, Shape{13, 2, 3}, Shape{11, 5, 2}}) {
        Tensor3 w = rng.tensor<3>(1, 1, s.K);
        for (Index j = 0; j < s.K; ++j) w(0, 0, j) += (w(0, 0, j) >= 0 ? 0.5f : -0.5f);  // no tap near zero
        const Conv1dCall c = call(rng.tensor<3>(1, 1, s.L), w, s.S);
        const Index out = output_size(s.L, s.K, s.S);
        const Tensor3 before = run(c);
        CHECK_CLOSE(before, c.expected(), stride_options(c));
        REQUIRE(before.dimension(2) == out);
        std::string first_surprise;
        for (Index p = 0; p < s.L && first_surprise.empty(); ++p) {
            Conv1dCall changed = c;
            changed.x(0, 0, p) += 10.0f;
            const Tensor3 after = run(changed);
            REQUIRE(after.dimension(2) == out);
            for (Index i = 0; i < out && first_surprise.empty(); ++i) {
                const Index from = i * s.S, to = i * s.S + s.K - 1;
                const bool reads = from <= p && p <= to;
                if ((after(0, 0, i) != before(0, 0, i)) == reads) continue;
                first_surprise = "L=" + std::to_string(s.L) + " K=" + std::to_string(s.K) + " S=" +
                                 std::to_string(s.S) + ": changing input " + std::to_string(p) +
                                 (reads ? " did not change" : " changed") + " output " + std::to_string(i) +
                                 ", whose window covers inputs " + std::to_string(from) + ".." + std::to_string(to);
            }
        }
        if (!first_surprise.empty()) FAIL_CHECK(first_surprise);
    }
}

TEST_CASE("conv1d: a stride longer than the kernel skips inputs - by hand") {
    // K=2, S=3 over [1..10]: windows [x0 x1] [x3 x4] [x6 x7]; x2 x5 x8 x9 are never read.
    const Conv1dCall c = call(iota(10), kernel({2, -1}), 3);
    const Tensor3 y = run(c);
    const Tensor3& x = c.x;
    const Tensor3& w = c.weight;
    Tensor3 expected(1, 1, 3);
    for (Index i = 0; i < 3; ++i) expected(0, 0, i) = x(0, 0, 3 * i) * w(0, 0, 0) + x(0, 0, 3 * i + 1) * w(0, 0, 1);
    CHECK_CLOSE(y, expected, stride_options(c));
    if (y.dimensions() == expected.dimensions()) CHECK(y(0, 0, 2) == 7 * 2 + 8 * -1);  // 6
}

TEST_CASE("conv1d: a stride longer than the input gives one window") {
    Rng rng(2023);
    const Conv1dCall c = call(rng.small_integers<3>(2, 2, 5), rng.small_integers<3>(3, 2, 3), 7,
                              rng.small_integers<1>(3));
    Tensor3 expected(2, 3, 1);
    for (Index n = 0; n < 2; ++n)
        for (Index o = 0; o < 3; ++o) {
            float sum = (*c.bias)(o);
            for (Index ic = 0; ic < 2; ++ic)
                for (Index j = 0; j < 3; ++j) sum += c.x(n, ic, j) * c.weight(o, ic, j);
            expected(n, o, 0) = sum;
        }
    CHECK_CLOSE(run(c), expected, stride_options(c));
}

TEST_CASE("conv1d: two channels with a bias at stride 3 - by hand") {
    Tensor3 x(1, 2, 8);
    x.setValues({{{1, 2, 3, 4, 5, 6, 7, 8}, {-1, 0, 2, -3, 1, 4, 0, 2}}});
    Tensor3 w(2, 2, 2);
    w.setValues({{{1, -1}, {2, 1}}, {{0, 3}, {-2, 1}}});
    Tensor1 b(2);
    b.setValues({10, -5});
    const Conv1dCall c = call(x, w, 3, b);

    Tensor3 expected(1, 2, 3);  // floor((8 - 2) / 3) + 1 = 3 windows, starting at 0 3 6
    for (Index o = 0; o < 2; ++o)
        for (Index i = 0; i < 3; ++i)
            expected(0, o, i) = b(o) + x(0, 0, 3 * i) * w(o, 0, 0) + x(0, 0, 3 * i + 1) * w(o, 0, 1)  // channel 0
                                + x(0, 1, 3 * i) * w(o, 1, 0) + x(0, 1, 3 * i + 1) * w(o, 1, 1);    // channel 1
    CHECK_CLOSE(run(c), expected, stride_options(c));
}

TEST_CASE("conv1d: stride S keeps every S-th output of stride 1") {
    Rng rng(2024);
    Conv1dRanges ranges;
    ranges.max_length = 16;
    for (int trial = 0; trial < 30; ++trial) {
        Conv1dCall c = random_conv1d_call(rng, ranges);
        c.stride = rng.integer(2, 4);
        CAPTURE(trial);
        const Tensor3 dense = ch::conv1d(c.x, c.weight, c.bias, 1);
        const Tensor3 every_sth = dense.stride(Eigen::array<Index, 3>{1, 1, c.stride});
        CHECK_CLOSE(run(c), every_sth,
                    against_own(stride_options(c),
                                c.describe() + ", compared with every " + std::to_string(c.stride) +
                                    "th output of your stride-1 result " + shape_string(dense)));
    }
}

TEST_CASE("conv1d: random shapes and strides against the reference") {
    Rng rng(2025);
    Conv1dRanges ranges;
    ranges.max_length = 16;
    ranges.max_stride = 4;
    for (int trial = 0; trial < 60; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        CAPTURE(trial);
        CHECK_CLOSE(run(c), c.expected(), stride_options(c));
    }
}

TEST_CASE("conv1d: stride 1 by default is the convolution of chapter 1") {
    Rng rng(2026);
    for (int trial = 0; trial < 20; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng);  // chapter 01's ranges: stride 1
        CAPTURE(trial);
        CHECK_CLOSE(ch::conv1d(c.x, c.weight, c.bias), c.expected(), stride_options(c));
    }
}

TEST_CASE("conv1d: refuses a stride below 1 - mismatched channels - a kernel that does not fit - a wrong bias") {
    Rng rng(2027);
    const Tensor3 x = rng.tensor<3>(1, 3, 10);
    const Tensor3 w = rng.tensor<3>(2, 3, 3);
    CHECK_REFUSES(ch::conv1d(x, w, {}, 0), "conv1d", "0");
    CHECK_REFUSES(ch::conv1d(x, w, {}, -1), "conv1d", "-1");
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 4, 3), {}, 2), "conv1d", "3", "4");
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 3, 11), {}, 2), "conv1d", "10", "11");
    CHECK_REFUSES(ch::conv1d(x, Tensor3(2, 3, 0), {}, 2), "conv1d", "0");
    CHECK_REFUSES(ch::conv1d(x, w, rng.tensor<1>(5), 2), "conv1d", "2", "5");
}

TEST_CASE("conv1d: PyTorch golden data") {
    Conv1dRanges chapter02;  // stride, but no padding, dilation or groups
    chapter02.max_stride = 4;
    const auto checked = check_golden_conv1d(chapter02, run, stride_options);
    CHECK(checked.size() >= 70);
    CHECK(std::count_if(checked.begin(), checked.end(), [](const Conv1dCall& c) { return c.stride != 1; }) >= 25);
}
