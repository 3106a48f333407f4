// Chapter 01 - conv1d: sliding a kernel.
#include "conv1d.hpp"
#include "kata_test.hpp"

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch01;

namespace {

const std::string kLesson = "chapters/01_conv1d/README.md";

Tensor1 iota(Index n, float first = 1.0f) {
    Tensor1 t(n);
    for (Index i = 0; i < n; ++i) t(i) = first + static_cast<float>(i);
    return t;
}

Tensor3 as_batch(const Tensor1& t) { return t.reshape(Eigen::array<Index, 3>{1, 1, t.dimension(0)}); }

Tensor1 flipped(const Tensor1& w) { return w.reverse(Eigen::array<bool, 1>{true}); }

// The mistakes chapter 01 can recognise from a single-channel output.
std::vector<Mistake> single_channel_mistakes(const Tensor1& x, const Tensor1& w) {
    const Index L = x.dimension(0), K = w.dimension(0);
    std::vector<Mistake> m;
    if (K > 1) {
        const Tensor3 wrong = ref::conv1d(as_batch(x), as_batch(flipped(w)));
        m.push_back(mistake_output("flipped kernel: true convolution instead of cross-correlation",
                                   kLesson + "#flipped-kernel",
                                   Tensor1(wrong.reshape(Eigen::array<Index, 1>{wrong.dimension(2)}))));
    }
    m.push_back(mistake_shape("output length L-K instead of L-K+1 (the last window is missing)",
                              kLesson + "#output-length-l-k", {L - K}));
    m.push_back(mistake_shape("output length L instead of L-K+1 (windows running past the end)",
                              kLesson + "#output-length-l-k", {L}));
    return m;
}

CheckOptions single_options(const Tensor1& x, const Tensor1& w) {
    CheckOptions o;
    o.what = "conv1d_single(x " + shape_string(x) + ", w " + shape_string(w) + ")";
    o.shape_formula = "L - K + 1 = " + std::to_string(x.dimension(0)) + " - " + std::to_string(w.dimension(0)) +
                      " + 1 = " + std::to_string(x.dimension(0) - w.dimension(0) + 1);
    o.magnitude = flat(Tensor3(ref::conv1d(as_batch(x.abs()), as_batch(w.abs()))));
    o.mistakes = single_channel_mistakes(x, w);
    return o;
}

// Mistakes recognisable on a call with channels and a bias.
std::vector<Mistake> channel_mistakes(const Conv1dCall& c) {
    std::vector<Mistake> m;
    const Index OC = c.weight.dimension(0), C = c.weight.dimension(1), K = c.weight.dimension(2);
    Conv1dCall flip = c;
    flip.weight = c.weight.reverse(Eigen::array<bool, 3>{false, false, true});
    if (K > 1) {
        m.push_back(mistake_output("flipped kernel: true convolution instead of cross-correlation",
                                   kLesson + "#flipped-kernel", flip.expected()));
    }
    if (c.bias) {
        Conv1dCall no_bias = c;
        no_bias.bias.reset();
        m.push_back(mistake_output("bias forgotten", kLesson + "#bias-forgotten", no_bias.expected()));
        Conv1dCall per_input = c;
        per_input.bias = Tensor1(*c.bias * static_cast<float>(C));
        m.push_back(mistake_output("bias added once per input channel instead of once per output",
                                   kLesson + "#bias-added-once-per-input-channel", per_input.expected()));
    }
    if (OC != C) {
        // The same memory read as [C, OC, K], the layout of a transposed convolution's weight.
        Conv1dCall reread = c;
        reread.weight = c.weight.reshape(Eigen::array<Index, 3>{C, OC, K}).shuffle(Eigen::array<int, 3>{1, 0, 2});
        m.push_back(mistake_output("weight read as [C, OC, K] instead of PyTorch's [OC, C, K]",
                                   kLesson + "#weight-read-as-c-oc-k", reread.expected()));
    }
    const Index N = c.x.dimension(0), L = c.x.dimension(2);
    m.push_back(mistake_shape("output length L-K instead of L-K+1", kLesson + "#output-length-l-k",
                              {N, OC, L - K}));
    return m;
}

CheckOptions channel_options(const Conv1dCall& c) {
    CheckOptions o = c.options();
    o.mistakes = channel_mistakes(c);
    return o;
}

Tensor2 first_sample(const Tensor3& x) { return x.chip(0, 0); }

}  // namespace

TEST_CASE("conv1d_single: the worked example [1..10] with kernel [1 2 3]") {
    const Tensor1 x = iota(10);
    Tensor1 w(3);
    w.setValues({1, 2, 3});
    const Tensor1 y = ch::conv1d_single(x, w);

    Tensor1 expected(8);
    for (Index i = 0; i < 8; ++i) expected(i) = x(i) * w(0) + x(i + 1) * w(1) + x(i + 2) * w(2);
    CHECK_CLOSE(y, expected, single_options(x, w));
    if (y.dimension(0) == 8) {
        CHECK(y(0) == 1 * 1 + 2 * 2 + 3 * 3);    // 14
        CHECK(y(7) == 8 * 1 + 9 * 2 + 10 * 3);   // 56
    }
}

TEST_CASE("conv1d_single: a kernel as long as the input gives one number") {
    Tensor1 x(4), w(4);
    x.setValues({1, -2, 3, 0.5f});
    w.setValues({2, 1, -1, 4});
    Tensor1 expected(1);
    expected(0) = x(0) * w(0) + x(1) * w(1) + x(2) * w(2) + x(3) * w(3);
    CHECK_CLOSE(ch::conv1d_single(x, w), expected, single_options(x, w));
}

TEST_CASE("conv1d_single: random signals against the reference") {
    Rng rng(101);
    for (int trial = 0; trial < 40; ++trial) {
        const Index L = rng.integer(1, 20);
        const Index K = rng.integer(1, L);
        const Tensor1 x = rng.tensor<1>(L);
        const Tensor1 w = rng.tensor<1>(K);
        const Tensor3 expected = ref::conv1d(as_batch(x), as_batch(w));
        CAPTURE(trial);
        CHECK_CLOSE(ch::conv1d_single(x, w), Tensor1(expected.reshape(Eigen::array<Index, 1>{L - K + 1})),
                    single_options(x, w));
    }
}

TEST_CASE("conv1d_single: locality - output i sees only inputs i..i+K-1") {
    // The classic experiment: change one input and watch which outputs move.
    Rng rng(7);
    const Index L = 12, K = 4;
    const Tensor1 x = rng.tensor<1>(L);
    Tensor1 w = rng.tensor<1>(K);
    for (Index j = 0; j < K; ++j) w(j) += (w(j) >= 0 ? 0.5f : -0.5f);  // no tap near zero
    const Tensor1 before = ch::conv1d_single(x, w);
    for (Index p = 0; p < L; ++p) {
        Tensor1 changed = x;
        changed(p) += 10.0f;
        const Tensor1 after = ch::conv1d_single(changed, w);
        REQUIRE(after.dimension(0) == L - K + 1);
        for (Index i = 0; i < L - K + 1; ++i) {
            const bool sees = i <= p && p <= i + K - 1;
            INFO("input ", p, " changed by 10; output ", i, " covers inputs ", i, "..", i + K - 1);
            CHECK((after(i) != before(i)) == sees);
        }
    }
}

TEST_CASE("conv1d_single: refuses a kernel that does not fit") {
    CHECK_REFUSES(ch::conv1d_single(iota(10), iota(11)), "conv1d_single", "10", "11");
    CHECK_REFUSES(ch::conv1d_single(iota(3), Tensor1(0)), "conv1d_single", "0");
}

TEST_CASE("conv1d: one sample with two channels and a bias - by hand") {
    // x has 2 channels of length 4; 1 output channel; kernel 2.
    Tensor2 x(2, 4);
    x.setValues({{1, 2, 3, 4}, {10, 20, 30, 40}});
    Tensor3 w(1, 2, 2);
    w.setValues({{{1, -1}, {2, 0.5f}}});
    Tensor1 b(1);
    b.setValues({100});

    Tensor2 expected(1, 3);
    for (Index i = 0; i < 3; ++i) {
        expected(0, i) = b(0) + x(0, i) * w(0, 0, 0) + x(0, i + 1) * w(0, 0, 1)  // channel 0
                         + x(1, i) * w(0, 1, 0) + x(1, i + 1) * w(0, 1, 1);    // channel 1
    }
    CHECK_CLOSE(ch::conv1d(x, w, b), expected);
}

TEST_CASE("conv1d: one sample - random shapes against the reference") {
    Rng rng(202);
    for (int trial = 0; trial < 40; ++trial) {
        Conv1dRanges ranges;
        ranges.max_batch = 1;
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        CAPTURE(trial);
        const Tensor2 expected = first_sample(c.expected());
        CheckOptions o = channel_options(c);
        o.what = c.describe() + " on the sample x[0]";
        o.mistakes.clear();  // those are shaped for a batch
        CHECK_CLOSE(ch::conv1d(first_sample(c.x), c.weight, c.bias), expected, o);
    }
}

TEST_CASE("conv1d: a batch - random shapes against the reference") {
    Rng rng(303);
    for (int trial = 0; trial < 40; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng);
        CAPTURE(trial);
        CHECK_CLOSE(ch::conv1d(c.x, c.weight, c.bias), c.expected(), channel_options(c));
    }
}

TEST_CASE("conv1d: each output channel sums over every input channel") {
    // With 3 input channels and 2 output channels (OC != C), summing over the
    // wrong axis or reading the weight as [C, OC, K] cannot go unnoticed.
    Rng rng(404);
    Conv1dCall c;
    c.x = rng.small_integers<3>(2, 3, 7);
    c.weight = rng.small_integers<3>(2, 3, 3);
    c.bias = rng.small_integers<1>(2);
    const Tensor3 y = ch::conv1d(c.x, c.weight, c.bias);
    CHECK_CLOSE(y, c.expected(), channel_options(c));
    // And the sum really is over channels: the conv of the sum of one-channel parts.
    if (y.dimension(0) == 2 && y.dimension(1) == 2 && y.dimension(2) == 5) {
        for (Index o = 0; o < 2; ++o) {
            for (Index i = 0; i < 5; ++i) {
                float by_channel = (*c.bias)(o);
                for (Index ch = 0; ch < 3; ++ch)
                    for (Index j = 0; j < 3; ++j) by_channel += c.x(1, ch, i + j) * c.weight(o, ch, j);
                CHECK(y(1, o, i) == by_channel);
            }
        }
    }
}

TEST_CASE("conv1d: a 1-tap kernel mixes the channels of each column on its own - by hand") {
    // The lesson's [3, 4] sample, x = 1..12, and W = weight[:, :, 0] = [[1, 1, 1], [1, -1, 2]].
    Tensor2 x(3, 4);
    x.setValues({{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
    Tensor3 w(2, 3, 1);
    w.setValues({{{1}, {1}, {1}}, {{1}, {-1}, {2}}});
    auto by_columns = [&](const Tensor2& in) {  // output column i = W times input column i
        Tensor2 y(2, 4);
        for (Index o = 0; o < 2; ++o)
            for (Index i = 0; i < 4; ++i) y(o, i) = w(o, 0, 0) * in(0, i) + w(o, 1, 0) * in(1, i) + w(o, 2, 0) * in(2, i);
        return y;
    };
    const Tensor2 before = ch::conv1d(x, w);
    CHECK_CLOSE(before, by_columns(x));

    // x[1, 0]: 5 -> 15 moves output column 0 only, by 10 * W[:, 1] (PyTorch: [25, 4]).
    Tensor2 changed = x;
    changed(1, 0) = 15;
    const Tensor2 after = ch::conv1d(changed, w);
    CHECK_CLOSE(after, by_columns(changed));
    if (after.dimensions() == before.dimensions() && before.dimension(1) == 4) {
        for (Index o = 0; o < 2; ++o) {
            CHECK(after(o, 0) - before(o, 0) == 10 * w(o, 1, 0));
            for (Index i = 1; i < 4; ++i) CHECK(after(o, i) == before(o, i));
        }
    }
}

TEST_CASE("conv1d: locality with channels - a change at x[c, p] moves the columns p-K+1..p of every output") {
    // The classic experiment on a [C, L] sample: change one channel at one position and watch
    // which output columns move, in every output channel.
    Rng rng(909);
    for (Index K = 1; K <= 3; ++K) {
        const Index C = 3, L = 6, OC = 2;
        const Tensor2 x = rng.tensor<2>(C, L);
        Tensor3 w = rng.tensor<3>(OC, C, K);
        for (Index i = 0; i < w.size(); ++i) w.data()[i] += (w.data()[i] >= 0 ? 0.5f : -0.5f);  // no tap near zero
        const Tensor2 before = ch::conv1d(x, w);
        REQUIRE(before.dimension(0) == OC);
        REQUIRE(before.dimension(1) == L - K + 1);
        for (Index c = 0; c < C; ++c)
            for (Index p = 0; p < L; ++p) {
                Tensor2 changed = x;
                changed(c, p) += 10.0f;
                const Tensor2 after = ch::conv1d(changed, w);
                REQUIRE(after.dimensions() == before.dimensions());
                for (Index o = 0; o < OC; ++o)
                    for (Index i = 0; i < L - K + 1; ++i) {
                        const bool sees = i <= p && p <= i + K - 1;
                        INFO("K=", K, ": x[", c, ", ", p, "] changed by 10; output [", o, ", ", i,
                             "] covers columns ", i, "..", i + K - 1);
                        CHECK((after(o, i) != before(o, i)) == sees);
                    }
            }
    }
}

TEST_CASE("conv1d: the bias adds one number to each whole output channel") {
    Rng rng(505);
    const Conv1dCall c = random_conv1d_call(rng, Conv1dRanges{2, 3, 4, 9, 3});
    const Tensor1 b = rng.tensor<1>(c.weight.dimension(0));
    const Tensor3 with = ch::conv1d(c.x, c.weight, b);
    const Tensor3 without = ch::conv1d(c.x, c.weight);
    REQUIRE(with.dimensions() == without.dimensions());
    for (Index n = 0; n < with.dimension(0); ++n)
        for (Index o = 0; o < with.dimension(1); ++o)
            for (Index i = 0; i < with.dimension(2); ++i) {
                INFO("n=", n, " o=", o, " i=", i);
                CHECK(with(n, o, i) - without(n, o, i) == doctest::Approx(b(o)).epsilon(1e-5));
            }
}

TEST_CASE("conv1d: the batch is the samples run one by one") {
    Rng rng(606);
    const Conv1dCall c = random_conv1d_call(rng, Conv1dRanges{4, 3, 3, 10, 4});
    const Tensor3 batch = ch::conv1d(c.x, c.weight, c.bias);
    REQUIRE(batch.dimension(0) == c.x.dimension(0));
    for (Index n = 0; n < c.x.dimension(0); ++n) {
        const Tensor2 alone = ch::conv1d(Tensor2(c.x.chip(n, 0)), c.weight, c.bias);
        CAPTURE(n);
        CHECK_CLOSE(Tensor2(batch.chip(n, 0)), alone);
    }
}

TEST_CASE("conv1d: refuses mismatched channels - a long kernel - a wrong bias") {
    Rng rng(707);
    const Tensor3 x = rng.tensor<3>(1, 3, 10);
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 4, 3)), "conv1d", "3", "4");
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 3, 11)), "conv1d", "10", "11");
    CHECK_REFUSES(ch::conv1d(x, rng.tensor<3>(2, 3, 3), rng.tensor<1>(5)), "conv1d", "2", "5");
    CHECK_REFUSES(ch::conv1d(Tensor2(x.chip(0, 0)), rng.tensor<3>(2, 4, 3)), "conv1d", "3", "4");
}

TEST_CASE("conv1d: PyTorch golden data") {
    const Conv1dRanges chapter01;  // stride 1, no padding, dilation 1, groups 1
    const auto checked = check_golden_conv1d(chapter01, [](const Conv1dCall& c) {
        return ch::conv1d(c.x, c.weight, c.bias);
    });
    CHECK(checked.size() >= 30);
}

TEST_CASE("parameter_count: OC*C*K weights plus OC biases") {
    CHECK(ch::parameter_count(3, 8, 5) == 8 * 3 * 5 + 8);
    CHECK(ch::parameter_count(3, 8, 5, false) == 8 * 3 * 5);
    CHECK(ch::parameter_count(1, 1, 1) == 1 * 1 * 1 + 1);
    // The same count as the tensors a layer holds.
    Rng rng(808);
    for (int trial = 0; trial < 10; ++trial) {
        const Index C = rng.integer(1, 16), OC = rng.integer(1, 16), K = rng.integer(1, 9);
        const Tensor3 weight(OC, C, K);
        const Tensor1 bias(OC);
        CHECK(ch::parameter_count(C, OC, K) == weight.size() + bias.size());
    }
    CHECK_REFUSES(ch::parameter_count(0, 4, 3), "parameter_count", "0");
}
