// Chapter 10 - batch norm: normalising every channel over the batch.
#include "batch_norm.hpp"
#include "kata_test.hpp"

#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch10;

namespace {

using OptionalTensor = std::optional<Tensor1>;
using Tensor4d = Eigen::Tensor<double, 4, Eigen::RowMajor>;

const std::string kLesson = "chapters/10_batch_norm/README.md";
const std::string kTwoVariancesAt = kLesson + "#why-two-variances";
const std::string kUnbiased = "unbiased variance (divided by N*H*W - 1) in the normalisation";
const std::string kUnbiasedAt = kLesson + "#unbiased-variance-in-the-normalisation";
const std::string kPerPosition = "statistics per position (over N only) instead of per channel";
const std::string kPerPositionAt = kLesson + "#statistics-per-position-instead-of-per-channel";
const std::string kPerSample = "statistics per sample (over H and W only) instead of per channel";
const std::string kPerSampleAt = kLesson + "#statistics-per-sample-instead-of-per-channel";
const std::string kAlongW = "the per-channel mean broadcast along W (mean[w] subtracted) instead of along C";
const std::string kAlongWAt = kLesson + "#the-mean-broadcast-along-w";
const std::string kBiasedRunning = "running variance updated with the biased variance";
const std::string kBiasedRunningAt = kLesson + "#running-variance-updated-with-the-biased-estimate";
const std::string kMomentum = "momentum the other way round: momentum * old + (1 - momentum) * new";
const std::string kMomentumAt = kLesson + "#momentum-the-other-way-round";
const std::string kEpsOutside = "eps added outside the square root: (x - mean) / (sqrt(var) + eps)";
const std::string kEpsOutsideAt = kLesson + "#eps-outside-the-square-root";
const std::string kBatchInEval = "the batch's statistics used in evaluation mode";
const std::string kBatchInEvalAt = kLesson + "#batch-statistics-in-evaluation-mode";
const std::string kUpdatedInEval = "running statistics updated in evaluation mode";
const std::string kUpdatedInEvalAt = kLesson + "#running-statistics-updated-in-evaluation-mode";
const std::string kFoldNoBias = "folded bias without the conv bias: beta - mean * s";
const std::string kFoldNoBiasAt = kLesson + "#folding-without-the-conv-bias";
const std::string kFoldInput = "folded scale applied along the input channels (weight[o, c] * s[c])";
const std::string kFoldInputAt = kLesson + "#folding-along-the-input-channels";

// The lesson's worked example, x [2, 2, 2, 2].
Tensor4 lesson_example() {
    Tensor4 x(2, 2, 2, 2);
    x.setValues({{{{1, 5}, {5, 1}}, {{8, 11}, {11, 10}}}, {{{5, 1}, {1, 5}}, {{10, 9}, {11, 10}}}});
    return x;
}

Tensor1 vector_of(std::initializer_list<float> values) {
    Tensor1 t(static_cast<Index>(values.size()));
    Index i = 0;
    for (float v : values) t(i++) = v;
    return t;
}

Tensor1 constant(Index n, float value) {
    Tensor1 t(n);
    t.setConstant(value);
    return t;
}

std::string optional_shape(const OptionalTensor& t) { return t ? shape_string(*t) : std::string("None"); }

// --------------------------------------------------- mistakes, computed ---

// Which axes a statistic is taken over.
struct Axes {
    bool n, c, h, w;
};
constexpr Axes kPerChannelAxes{true, false, true, true};

// Every element replaced by the mean of its group: the elements that agree
// on every axis not in `over`.
Tensor4d group_mean(const Tensor4d& x, Axes over) {
    const auto d = x.dimensions();
    const auto key = [&](Index n, Index c, Index h, Index w) {
        return ((over.n ? 0 : n) * d[1] + (over.c ? 0 : c)) * d[2] * d[3] + (over.h ? 0 : h) * d[3] + (over.w ? 0 : w);
    };
    const double count = static_cast<double>((over.n ? d[0] : 1) * (over.c ? d[1] : 1) * (over.h ? d[2] : 1) *
                                             (over.w ? d[3] : 1));
    std::vector<double> sums(static_cast<std::size_t>(x.size()), 0.0);
    for (Index n = 0; n < d[0]; ++n)
        for (Index c = 0; c < d[1]; ++c)
            for (Index h = 0; h < d[2]; ++h)
                for (Index w = 0; w < d[3]; ++w) sums[static_cast<std::size_t>(key(n, c, h, w))] += x(n, c, h, w);
    Tensor4d m(d);
    for (Index n = 0; n < d[0]; ++n)
        for (Index c = 0; c < d[1]; ++c)
            for (Index h = 0; h < d[2]; ++h)
                for (Index w = 0; w < d[3]; ++w)
                    m(n, c, h, w) = sums[static_cast<std::size_t>(key(n, c, h, w))] / count;
    return m;
}

Index group_size(const Tensor4& x, Axes over) {
    return (over.n ? x.dimension(0) : 1) * (over.c ? x.dimension(1) : 1) * (over.h ? x.dimension(2) : 1) *
           (over.w ? x.dimension(3) : 1);
}

// The mean and variance every element is normalised with.
struct Moments {
    Tensor4d mean, var;
};

Moments moments(const Tensor4& x, Axes over, bool unbiased = false) {
    const Tensor4d xd = x.cast<double>();
    Moments m;
    m.mean = group_mean(xd, over);
    m.var = group_mean((xd - m.mean).square(), over);
    const double count = static_cast<double>(group_size(x, over));
    if (unbiased) m.var = m.var * (count / (count - 1));
    return m;
}

// The running statistics, one value per channel, as moments.
Moments given_moments(const Tensor4& x, const Tensor1& mean, const Tensor1& var) {
    Moments m{Tensor4d(x.dimensions()), Tensor4d(x.dimensions())};
    for (Index i = 0; i < x.size(); ++i) {
        const Index c = (i / (x.dimension(2) * x.dimension(3))) % x.dimension(1);
        m.mean.data()[i] = mean(c);
        m.var.data()[i] = var(c);
    }
    return m;
}

// (x - mean) / sqrt(var + eps) * weight[c] + bias[c], element by element.
Tensor4 normalise(const Tensor4& x, const Moments& m, const OptionalTensor& weight, const OptionalTensor& bias,
                  double eps, bool eps_outside = false) {
    Tensor4 y(x.dimensions());
    for (Index i = 0; i < x.size(); ++i) {
        const Index c = (i / (x.dimension(2) * x.dimension(3))) % x.dimension(1);
        const double sd = eps_outside ? std::sqrt(m.var.data()[i]) + eps : std::sqrt(m.var.data()[i] + eps);
        y.data()[i] = static_cast<float>((x.data()[i] - m.mean.data()[i]) / sd * (weight ? (*weight)(c) : 1.0) +
                                         (bias ? (*bias)(c) : 0.0));
    }
    return y;
}

// ------------------------------------------------------------ one call ---

// One batch_norm call: its arguments, the reference's answer and the checks.
// A [N, C] input is held as [N, C, 1, 1] (`rank` 2), which is what it means.
struct BnCall {
    Tensor4 x;
    int rank = 4;
    OptionalTensor running_mean, running_var, weight, bias;
    bool training = true;
    double momentum = 0.1;
    double eps = 1e-5;

    Index C() const { return x.dimension(1); }

    std::string describe() const {
        const std::vector<Index> nc{x.dimension(0), C()};
        std::ostringstream out;
        out << "batch_norm(x " << (rank == 4 ? shape_string(x) : shape_string(nc))
            << ", running_mean " << optional_shape(running_mean) << ", running_var " << optional_shape(running_var)
            << ", weight " << optional_shape(weight) << ", bias " << optional_shape(bias)
            << ", training=" << (training ? "True" : "False") << ", momentum=" << momentum << ", eps=" << eps << ")";
        return out.str();
    }

    ref::BatchNormResult<4> expected() const {
        return ref::batch_norm<4>(x, running_mean, running_var, weight, bias, training, momentum, eps);
    }

    ch::BatchNormResult<4> actual() const {
        if (rank == 4) return ch::batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps);
        const Tensor2 x2 = x.reshape(Eigen::array<Index, 2>{x.dimension(0), C()});
        const ch::BatchNormResult<2> r =
            ch::batch_norm(x2, running_mean, running_var, weight, bias, training, momentum, eps);
        const Eigen::DSizes<Index, 4> as_4d(r.output.dimension(0), r.output.dimension(1), 1, 1);
        return {r.output.reshape(as_4d), r.running_mean, r.running_var};
    }

    // The statistics the output is normalised with (the batch's, or the running ones).
    Moments used() const {
        return training ? moments(x, kPerChannelAxes) : given_moments(x, *running_mean, *running_var);
    }

    CheckOptions output_options() const {
        CheckOptions o;
        o.what = describe();
        // Tolerance: y is computed as x * alpha + (bias - mean * alpha); the terms' sizes add up.
        const Moments m = used();
        for (Index i = 0; i < x.size(); ++i) {
            const Index c = (i / (x.dimension(2) * x.dimension(3))) % C();
            const double alpha = std::fabs((weight ? (*weight)(c) : 1.0) / std::sqrt(m.var.data()[i] + eps));
            o.magnitude.push_back(static_cast<float>((std::fabs(x.data()[i]) + std::fabs(m.mean.data()[i])) * alpha +
                                                     (bias ? std::fabs((*bias)(c)) : 0.0)));
        }
        const auto add = [&](const std::string& name, const std::string& at, const Tensor4& wrong) {
            o.mistakes.push_back(mistake_output(name, at, wrong));
        };
        if (training) {
            add(kUnbiased, kUnbiasedAt, normalise(x, moments(x, kPerChannelAxes, true), weight, bias, eps));
            add(kPerPosition, kPerPositionAt, normalise(x, moments(x, {true, false, false, false}), weight, bias, eps));
            if (x.dimension(2) * x.dimension(3) > 1) {
                add(kPerSample, kPerSampleAt, normalise(x, moments(x, {false, false, true, true}), weight, bias, eps));
            }
            if (x.dimension(3) == C() && C() > 1) {
                // mean[w]: channel w's mean, the mean at any element of channel w, e.g. (0, w, 0, 0).
                Moments along_w = moments(x, kPerChannelAxes);
                const Tensor4d per_channel = along_w.mean;
                for (Index i = 0; i < x.size(); ++i) along_w.mean.data()[i] = per_channel(0, i % x.dimension(3), 0, 0);
                add(kAlongW, kAlongWAt, normalise(x, along_w, weight, bias, eps));
            }
        } else {
            add(kBatchInEval, kBatchInEvalAt, normalise(x, moments(x, kPerChannelAxes), weight, bias, eps));
        }
        add(kEpsOutside, kEpsOutsideAt, normalise(x, m, weight, bias, eps, true));
        return o;
    }

    // Check output and running statistics of what the chapter returned.
    void check(const ch::BatchNormResult<4>& got) const {
        const ref::BatchNormResult<4> want = expected();
        CHECK_CLOSE(got.output, want.output, output_options());
        check_statistic("running_mean", running_mean, got.running_mean, want.running_mean);
        check_statistic("running_var", running_var, got.running_var, want.running_var);
    }

    void check_statistic(const std::string& name, const OptionalTensor& before, const OptionalTensor& got,
                         const OptionalTensor& want) const {
        CHECK_MESSAGE(got.has_value() == want.has_value(), name, " after ", describe(), ": ", name,
                      want ? " was given, so it must come back (updated in training, unchanged in evaluation)"
                           : " was not given, so it must come back as nullopt");
        if (!got || !want) return;
        const bool is_var = name == "running_var";
        const bool moves = training && x.size() > 0;
        const Moments batch = moments(x, kPerChannelAxes, is_var);  // unbiased for the variance
        const auto update = [&](double old_weight, const Tensor4d& stat) {
            Tensor1 r(C());
            for (Index c = 0; c < C(); ++c) {
                r(c) = static_cast<float>(old_weight * (*before)(c) + (1 - old_weight) * stat(0, c, 0, 0));
            }
            return r;
        };
        CheckOptions o;
        o.what = name + " after " + describe();
        if (moves) {
            const Tensor4d& stat = is_var ? batch.var : batch.mean;
            for (Index c = 0; c < C(); ++c) {
                o.magnitude.push_back(static_cast<float>(std::fabs(1 - momentum) * std::fabs((*before)(c)) +
                                                         std::fabs(momentum * stat(0, c, 0, 0))));
            }
            if (is_var) {
                o.mistakes.push_back(mistake_output(kBiasedRunning, kBiasedRunningAt,
                                                    update(1 - momentum, moments(x, kPerChannelAxes).var)));
            }
            o.mistakes.push_back(mistake_output(kMomentum, kMomentumAt, update(momentum, stat)));
        } else if (x.dimension(0) * x.dimension(2) * x.dimension(3) > 1) {
            o.mistakes.push_back(mistake_output(kUpdatedInEval, kUpdatedInEvalAt,
                                                update(1 - momentum, is_var ? batch.var : batch.mean)));
        }
        CHECK_CLOSE(*got, *want, o);
    }

    void run_and_check() const { check(actual()); }
};

// A random call: x [N, C, H, W] (or [N, C] for rank 2), scaled and shifted so
// that the channel means are not zero; arguments chosen at random.
BnCall random_call(Rng& rng, int rank, bool training) {
    BnCall call;
    call.rank = rank;
    call.training = training;
    const Index N = rng.integer(1, 3), C = rng.integer(1, 4);
    const Index H = rank == 4 ? rng.integer(1, 5) : 1, W = rank == 4 ? rng.integer(1, 5) : 1;
    const Index n = training && N * H * W == 1 ? 2 : N;  // training needs two values per channel
    const float scale = rng.coin() ? 1.0f : 3.0f, shift = rng.uniform(-2.0f, 2.0f);
    call.x = rng.tensor<4>(n, C, H, W) * scale + shift;
    const bool given = !training || rng.integer(0, 3) > 0;
    if (given) {
        call.running_mean = rng.tensor<1>(C) * 2.0f;
        call.running_var = rng.tensor<1>(C).abs() * 2.0f + 0.2f;
    }
    if (rng.coin()) call.weight = rng.tensor<1>(C) * 1.5f;
    if (rng.coin()) call.bias = rng.tensor<1>(C) * 1.5f;
    const double momenta[] = {0.1, 0.1, 0.01, 0.5, 0.9, 1.0};
    const double epsilons[] = {1e-5, 1e-5, 1e-3, 0.1, 1.0};
    call.momentum = momenta[rng.integer(0, 5)];
    call.eps = epsilons[rng.integer(0, 4)];
    return call;
}

// ------------------------------------------------------- golden cases ---


OptionalTensor golden_vector(const GoldenCase& c, const std::string& key) {
    const auto t = c.optional_tensor(key);
    if (!t) return std::nullopt;
    return t->tensor<1>();
}

// A golden [N, C, H, W] or [N, C] tensor, the latter as [N, C, 1, 1].
Tensor4 as_4d(const GoldenTensor& t, int rank) {
    const std::vector<Index>& s = t.shape;
    Tensor4 x(s[0], s[1], rank == 4 ? s[2] : 1, rank == 4 ? s[3] : 1);
    std::copy(t.data.begin(), t.data.end(), x.data());
    return x;
}

// Every golden case of this rank: PyTorch's output and statistics, or its refusal.
int check_golden(int rank) {
    int checked = 0;
    for (const GoldenCase& g : load_golden("batch_norm")) {
        const GoldenTensor input = g.tensor("input");
        if (static_cast<int>(input.shape.size()) != rank) continue;
        INFO(g.describe());
        BnCall call;
        call.rank = rank;
        call.x = as_4d(input, rank);
        call.running_mean = golden_vector(g, "running_mean");
        call.running_var = golden_vector(g, "running_var");
        call.weight = golden_vector(g, "weight");
        call.bias = golden_vector(g, "bias");
        call.training = g.boolean("training");
        call.momentum = g.number("momentum");
        call.eps = g.number("eps");
        ++checked;
        if (g.refused()) {
            CHECK_REFUSES(call.actual(), "batch_norm");
            continue;
        }
        const ch::BatchNormResult<4> got = call.actual();
        const Tensor4 torch_output = as_4d(g.output(), rank);
        CHECK_CLOSE(got.output, torch_output, call.output_options());
        call.check_statistic("running_mean", call.running_mean, got.running_mean,
                             golden_vector(g, "running_mean_after"));
        call.check_statistic("running_var", call.running_var, got.running_var, golden_vector(g, "running_var_after"));
    }
    return checked;
}

}  // namespace

// ------------------------------------------------------ channel_statistics ---

namespace {

// A variance divided by the other count, named in the failure message.
CheckOptions variance_options(const std::string& what, const std::string& mistake, const Tensor1& wrong) {
    return CheckOptions{what, "", {}, {mistake_output(mistake, kTwoVariancesAt, wrong)}};
}

}  // namespace

TEST_CASE("channel_statistics: the lesson's 2x2x2x2 example by hand") {
    const Tensor4 x = lesson_example();
    const ch::ChannelStatistics s = ch::channel_statistics(x);
    // Channel 0 holds 1 5 5 1 | 5 1 1 5 (n = 0 | n = 1): every value is 3 +- 2.
    // Channel 1 holds 8 11 11 10 | 10 9 11 10: 10 plus -2 1 1 0 | 0 -1 1 0.
    const Tensor1 mean = vector_of({(1 + 5 + 5 + 1 + 5 + 1 + 1 + 5) / 8.0f,          // 3
                                    (8 + 11 + 11 + 10 + 10 + 9 + 11 + 10) / 8.0f});  // 10
    const float squares0 = 8 * 2 * 2, squares1 = 4 + 1 + 1 + 0 + 0 + 1 + 1 + 0;
    const Tensor1 var = vector_of({squares0 / 8, squares1 / 8});             // 4 and 1
    const Tensor1 unbiased = vector_of({squares0 / 7, squares1 / 7});        // 32/7 and 8/7
    CHECK_CLOSE(s.mean, mean, CheckOptions{"channel_statistics(x).mean", "", {}, {}});
    CHECK_CLOSE(s.var, var, variance_options("channel_statistics(x).var", "var divided by N*H*W - 1 = 7", unbiased));
    CHECK_CLOSE(s.unbiased_var, unbiased,
                variance_options("channel_statistics(x).unbiased_var", "unbiased_var divided by N*H*W = 8", var));
}

TEST_CASE("channel_statistics: random batches against the reference") {
    Rng rng(1001);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        const Index N = rng.integer(1, 3), C = rng.integer(1, 4), H = rng.integer(1, 5), W = rng.integer(1, 5);
        const Tensor4 x = rng.tensor<4>(N * H * W == 1 ? 2 : N, C, H, W) * 2.0f + rng.uniform(-3.0f, 3.0f);
        const Index count = x.dimension(0) * H * W;
        // The reference's running statistics after one step with momentum 1 are the batch's own
        // mean and unbiased variance.
        const auto r = ref::batch_norm<4>(x, constant(C, 0), constant(C, 1), {}, {}, true, 1.0);
        const Tensor1 mean = *r.running_mean, unbiased = *r.running_var;
        const Tensor1 var = unbiased * (static_cast<float>(count - 1) / static_cast<float>(count));
        const ch::ChannelStatistics s = ch::channel_statistics(x);
        CheckOptions o{"channel_statistics(x " + shape_string(x) + ")", "", {}, {}};
        o.magnitude = flat(Tensor1(x.abs().mean(Eigen::array<Index, 3>{0, 2, 3})));
        CHECK_CLOSE(s.mean, mean, o);
        CHECK_CLOSE(s.var, var, variance_options(o.what + ".var", "var divided by N*H*W - 1", unbiased));
        CHECK_CLOSE(s.unbiased_var, unbiased,
                    variance_options(o.what + ".unbiased_var", "unbiased_var divided by N*H*W", var));
    }
}

TEST_CASE("channel_statistics: refuses fewer than two values per channel") {
    Rng rng(1002);
    CHECK_REFUSES(ch::channel_statistics(rng.tensor<4>(1, 3, 1, 1)), "channel_statistics", "[1, 3, 1, 1]");
    CHECK_REFUSES(ch::channel_statistics(rng.tensor<4>(0, 2, 4, 4)), "channel_statistics", "[0, 2, 4, 4]");
}

// -------------------------------------------------------------- batch_norm ---

TEST_CASE("batch_norm: the lesson's 2x2x2x2 example in training by hand") {
    BnCall call;
    call.x = lesson_example();
    call.running_mean = constant(2, 0.0f);
    call.running_var = constant(2, 1.0f);
    const ch::BatchNormResult<4> got = call.actual();

    // mean = (3, 10), biased var = (4, 1), unbiased var = (32/7, 8/7): see channel_statistics.
    const float mean[2] = {3, 10}, var[2] = {4, 1}, unbiased[2] = {32.0f / 7, 8.0f / 7};
    const float eps = 1e-5f;
    Tensor4 expected(2, 2, 2, 2);
    for (Index n = 0; n < 2; ++n)
        for (Index c = 0; c < 2; ++c)
            for (Index h = 0; h < 2; ++h)
                for (Index w = 0; w < 2; ++w)
                    expected(n, c, h, w) = (call.x(n, c, h, w) - mean[c]) / std::sqrt(var[c] + eps);
    CHECK_CLOSE(got.output, expected, call.output_options());
    // running = 0.9 * running + 0.1 * batch, with the unbiased variance.
    call.check_statistic("running_mean", call.running_mean, got.running_mean,
                         vector_of({0.9f * 0 + 0.1f * mean[0], 0.9f * 0 + 0.1f * mean[1]}));  // (0.3, 1.0)
    call.check_statistic("running_var", call.running_var, got.running_var,
                         vector_of({0.9f * 1 + 0.1f * unbiased[0],     // 1.3571
                                    0.9f * 1 + 0.1f * unbiased[1]}));  // 1.0143
}

TEST_CASE("batch_norm: the lesson's example with weight and bias") {
    BnCall call;
    call.x = lesson_example();
    call.weight = vector_of({2, 0.5f});
    call.bias = vector_of({1, -1});
    const ch::BatchNormResult<4> got = call.actual();
    const float mean[2] = {3, 10}, var[2] = {4, 1}, gamma[2] = {2, 0.5f}, beta[2] = {1, -1};
    Tensor4 expected(2, 2, 2, 2);
    for (Index n = 0; n < 2; ++n)
        for (Index c = 0; c < 2; ++c)
            for (Index h = 0; h < 2; ++h)
                for (Index w = 0; w < 2; ++w)
                    expected(n, c, h, w) =
                        (call.x(n, c, h, w) - mean[c]) / std::sqrt(var[c] + 1e-5f) * gamma[c] + beta[c];
    CHECK_CLOSE(got.output, expected, call.output_options());
    CHECK_FALSE(got.running_mean.has_value());  // not given: nothing to update
    CHECK_FALSE(got.running_var.has_value());
}

TEST_CASE("batch_norm: evaluation uses the running statistics and leaves them alone") {
    // The lesson's example again, after the training step above.
    BnCall call;
    call.x = lesson_example();
    call.training = false;
    call.running_mean = vector_of({0.3f, 1.0f});
    call.running_var = vector_of({0.9f + 0.1f * 32 / 7, 0.9f + 0.1f * 8 / 7});
    call.weight = vector_of({2, 0.5f});
    call.bias = vector_of({1, -1});
    const ch::BatchNormResult<4> got = call.actual();
    Tensor4 expected(2, 2, 2, 2);
    for (Index n = 0; n < 2; ++n)
        for (Index c = 0; c < 2; ++c)
            for (Index h = 0; h < 2; ++h)
                for (Index w = 0; w < 2; ++w)
                    expected(n, c, h, w) = (call.x(n, c, h, w) - (*call.running_mean)(c)) /
                                               std::sqrt((*call.running_var)(c) + 1e-5f) * (*call.weight)(c) +
                                           (*call.bias)(c);
    CHECK_CLOSE(got.output, expected, call.output_options());  // e.g. (1 - 0.3) / sqrt(1.3571) * 2 + 1 = 2.2017
    call.check_statistic("running_mean", call.running_mean, got.running_mean, call.running_mean);
    call.check_statistic("running_var", call.running_var, got.running_var, call.running_var);
}

TEST_CASE("batch_norm: training output has mean 0 and variance 1 in every channel") {
    // Before the affine step (weight 1, bias 0) each channel of the output has
    // mean 0 and biased variance var / (var + eps): 1 up to eps.
    Rng rng(1003);
    for (int trial = 0; trial < 20; ++trial) {
        CAPTURE(trial);
        const Index N = rng.integer(2, 4), C = rng.integer(1, 4), H = rng.integer(1, 5), W = rng.integer(1, 5);
        BnCall call;
        call.x = rng.tensor<4>(N, C, H, W) * rng.uniform(0.5f, 4.0f) + rng.uniform(-5.0f, 5.0f);
        if (trial % 2) {
            call.weight = constant(C, 1.0f);
            call.bias = constant(C, 0.0f);
        }
        const Tensor4 y = call.actual().output;
        REQUIRE(y.dimensions() == call.x.dimensions());
        const Moments in = moments(call.x, kPerChannelAxes), out = moments(y, kPerChannelAxes);
        const double count = static_cast<double>(N * H * W);
        for (Index c = 0; c < C; ++c) {
            const double v = in.var(0, c, 0, 0);
            INFO("channel ", c, " of ", call.describe(), ": the output's mean is ", out.mean(0, c, 0, 0),
                 " and its biased variance ", out.var(0, c, 0, 0), " (x's biased variance is ", v, ").\n",
                 "  A variance of (N*H*W - 1) / N*H*W = ", (count - 1) / count,
                 " is what the unbiased variance in the normalisation gives: read ", kUnbiasedAt);
            CHECK(std::fabs(out.mean(0, c, 0, 0)) < 1e-5);
            CHECK(out.var(0, c, 0, 0) == doctest::Approx(v / (v + call.eps)).epsilon(1e-5));
            CHECK(out.var(0, c, 0, 0) == doctest::Approx(1.0).epsilon(call.eps / v + 1e-5));
        }
    }
}

TEST_CASE("batch_norm: evaluation with running statistics 0 and 1 is x over sqrt(1 + eps)") {
    Rng rng(1004);
    for (const double eps : {1e-5, 0.25, 1.0, 3.0}) {
        BnCall call;
        call.x = rng.tensor<4>(2, 3, 4, 5) * 3.0f;
        call.training = false;
        call.running_mean = constant(3, 0.0f);
        call.running_var = constant(3, 1.0f);
        call.eps = eps;
        Tensor4 expected(call.x.dimensions());
        const float sd = std::sqrt(1.0f + static_cast<float>(eps));
        for (Index i = 0; i < expected.size(); ++i) expected.data()[i] = call.x.data()[i] / sd;
        CAPTURE(eps);
        CHECK_CLOSE(call.actual().output, expected, call.output_options());
    }
}

TEST_CASE("batch_norm: random batches in training against the reference") {
    Rng rng(1005);
    for (int trial = 0; trial < 40; ++trial) {
        CAPTURE(trial);
        random_call(rng, 4, true).run_and_check();
    }
}

TEST_CASE("batch_norm: random batches in evaluation against the reference") {
    Rng rng(1006);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        random_call(rng, 4, false).run_and_check();
    }
}

TEST_CASE("batch_norm: PyTorch golden data for [N C H W] inputs") {
    CHECK(check_golden(4) >= 30);
}

TEST_CASE("batch_norm: [N C] features by hand - the statistics run over N") {
    // Three samples of two features: feature 0 is 1 2 6, feature 1 is 4 4 7.
    Tensor2 x(3, 2);
    x.setValues({{1, 4}, {2, 4}, {6, 7}});
    const float mean[2] = {(1 + 2 + 6) / 3.0f, (4 + 4 + 7) / 3.0f};  // 3 and 5
    const float var[2] = {(4 + 1 + 9) / 3.0f, (1 + 1 + 4) / 3.0f};   // 14/3 and 2
    Tensor2 expected(3, 2);
    for (Index n = 0; n < 3; ++n)
        for (Index c = 0; c < 2; ++c) expected(n, c) = (x(n, c) - mean[c]) / std::sqrt(var[c] + 1e-5f);
    BnCall call;
    call.rank = 2;
    call.x = x.reshape(Eigen::array<Index, 4>{3, 2, 1, 1});
    call.running_mean = constant(2, 0.0f);
    call.running_var = constant(2, 1.0f);
    const ch::BatchNormResult<4> got = call.actual();
    CHECK_CLOSE(got.output, Tensor4(expected.reshape(Eigen::array<Index, 4>{3, 2, 1, 1})), call.output_options());
    call.check_statistic("running_var", call.running_var, got.running_var,
                         vector_of({0.9f + 0.1f * 14 / 2, 0.9f + 0.1f * 6 / 2}));  // unbiased: squares / (3 - 1)
}

TEST_CASE("batch_norm: [N C] features against the reference and PyTorch") {
    Rng rng(1007);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        random_call(rng, 2, trial % 3 != 0).run_and_check();
    }
    CHECK(check_golden(2) >= 20);
}

TEST_CASE("batch_norm: training without running statistics updates nothing - one statistic updates alone") {
    Rng rng(1008);
    BnCall call;
    call.x = rng.tensor<4>(2, 3, 2, 3) + 1.0f;
    call.run_and_check();  // neither: both nullopt
    call.running_mean = rng.tensor<1>(3);
    call.run_and_check();  // mean only
    call.running_mean.reset();
    call.running_var = rng.tensor<1>(3).abs() + 0.5f;
    call.momentum = 0.3;
    call.run_and_check();  // var only
}

TEST_CASE("batch_norm: momentum 0 keeps and momentum 1 replaces the running statistics") {
    Rng rng(1009);
    BnCall call;
    call.x = lesson_example();
    call.running_mean = vector_of({-1, 2});
    call.running_var = vector_of({0.5f, 3});
    call.momentum = 0.0;
    ch::BatchNormResult<4> got = call.actual();
    call.check_statistic("running_mean", call.running_mean, got.running_mean, call.running_mean);
    call.check_statistic("running_var", call.running_var, got.running_var, call.running_var);
    call.momentum = 1.0;
    got = call.actual();
    call.check_statistic("running_mean", call.running_mean, got.running_mean, vector_of({3, 10}));
    call.check_statistic("running_var", call.running_var, got.running_var, vector_of({32.0f / 7, 8.0f / 7}));
}

TEST_CASE("batch_norm: refuses one value per channel when training - naming the shape") {
    Rng rng(1010);
    const Tensor1 zeros = constant(3, 0), ones = constant(3, 1);
    CHECK_REFUSES(ch::batch_norm(rng.tensor<4>(1, 3, 1, 1), zeros, ones, {}, {}, true), "batch_norm",
                  "more than 1 value per channel", "[1, 3, 1, 1]");
    CHECK_REFUSES(ch::batch_norm(rng.tensor<4>(1, 3, 1, 1), {}, {}, {}, {}, true), "batch_norm", "[1, 3, 1, 1]");
    CHECK_REFUSES(ch::batch_norm(rng.tensor<2>(1, 3), zeros, ones, {}, {}, true), "batch_norm", "[1, 3]");
    // In evaluation a single sample is normal: that is how a trained network is used.
    BnCall one;
    one.x = rng.tensor<4>(1, 3, 1, 1);
    one.training = false;
    one.running_mean = zeros;
    one.running_var = ones;
    one.run_and_check();
}

TEST_CASE("batch_norm: refuses statistics weight or bias of the wrong length - and evaluation without statistics") {
    Rng rng(1011);
    const Tensor4 x = rng.tensor<4>(2, 3, 2, 2);
    const Tensor1 three = constant(3, 1), four = constant(4, 1), two = constant(2, 1);
    CHECK_REFUSES(ch::batch_norm(x, four, three, {}, {}, true), "batch_norm", "running_mean", "3", "4");
    CHECK_REFUSES(ch::batch_norm(x, three, two, {}, {}, false), "batch_norm", "running_var", "3", "2");
    CHECK_REFUSES(ch::batch_norm(x, three, three, four, {}, false), "batch_norm", "weight", "3", "4");
    CHECK_REFUSES(ch::batch_norm(x, {}, {}, {}, two, true), "batch_norm", "bias", "3", "2");
    CHECK_REFUSES(ch::batch_norm(x, {}, {}, {}, {}, false), "batch_norm", "running_mean", "evaluation");
    CHECK_REFUSES(ch::batch_norm(x, three, {}, {}, {}, false), "batch_norm", "running_var", "evaluation");
    CHECK_REFUSES(ch::batch_norm(rng.tensor<2>(4, 3), {}, three, {}, {}, false), "batch_norm", "running_mean");
}

// --------------------------------------------------------- fold_batch_norm ---

namespace {

struct FoldCall {
    Tensor4 w;
    OptionalTensor b;
    Tensor1 mean, var;
    OptionalTensor gamma, beta;
    double eps = 1e-5;

    // s[o] = gamma[o] / sqrt(var[o] + eps): how much batch norm scales output channel o.
    double scale(Index o) const { return (gamma ? (*gamma)(o) : 1.0) / std::sqrt(var(o) + eps); }

    std::vector<Mistake> weight_mistakes() const {
        const Index OC = w.dimension(0), C = w.dimension(1);
        if (OC != C || OC < 2) return {};  // s[c] exists for every input channel c only when C == OC
        Tensor4 wrong(w.dimensions());
        for (Index o = 0; o < OC; ++o)
            for (Index c = 0; c < C; ++c)
                for (Index kh = 0; kh < w.dimension(2); ++kh)
                    for (Index kw = 0; kw < w.dimension(3); ++kw)
                        wrong(o, c, kh, kw) = static_cast<float>(w(o, c, kh, kw) * scale(c));
        return {mistake_output(kFoldInput, kFoldInputAt, wrong)};
    }

    // The folded bias's terms: (|b| + |mean|) * |s| + |beta|.
    float bias_magnitude(Index o) const {
        return static_cast<float>((std::fabs(b ? (*b)(o) : 0.0f) + std::fabs(mean(o))) * std::fabs(scale(o)) +
                                  (beta ? std::fabs((*beta)(o)) : 0.0));
    }

    void check() const {
        const ch::FoldedConv got = ch::fold_batch_norm(w, b, mean, var, gamma, beta, eps);
        const ref::FoldedConv want = ref::fold_batch_norm(w, b, mean, var, gamma, beta, eps);
        const std::string what = "fold_batch_norm(conv weight " + shape_string(w) + ", conv bias " + optional_shape(b) +
                                 ", weight " + optional_shape(gamma) + ", bias " + optional_shape(beta) + ")";
        CHECK_CLOSE(got.weight, want.weight, CheckOptions{what + ".weight", "", {}, weight_mistakes()});
        CheckOptions o{what + ".bias", "", {}, {}};
        if (b) {
            const ref::FoldedConv no_bias = ref::fold_batch_norm(w, {}, mean, var, gamma, beta, eps);
            o.mistakes.push_back(mistake_output(kFoldNoBias, kFoldNoBiasAt, no_bias.bias));
        }
        for (Index c = 0; c < w.dimension(0); ++c) o.magnitude.push_back(bias_magnitude(c));
        CHECK_CLOSE(got.bias, want.bias, o);
    }
};

FoldCall random_fold(Rng& rng, Index OC, Index C) {
    FoldCall f;
    f.w = rng.tensor<4>(OC, C, rng.integer(1, 3), rng.integer(1, 3));
    f.b = rng.integer(0, 3) > 0 ? OptionalTensor(rng.tensor<1>(OC)) : std::nullopt;
    f.mean = rng.tensor<1>(OC) * 2.0f;
    f.var = rng.tensor<1>(OC).abs() * 2.0f + 0.1f;
    if (rng.coin()) f.gamma = rng.tensor<1>(OC) * 1.5f;
    if (rng.coin()) f.beta = rng.tensor<1>(OC);
    f.eps = rng.coin() ? 1e-5 : 0.1;
    return f;
}

}  // namespace

TEST_CASE("fold_batch_norm: one output channel by hand") {
    // conv weight [1, 2, 1, 2], conv bias 0.5; running mean 1, var 3, eps 1, gamma 4, beta -2:
    // s = 4 / sqrt(3 + 1) = 2, so every tap doubles and the bias is (0.5 - 1) * 2 - 2 = -3.
    FoldCall f;
    f.w = Tensor4(1, 2, 1, 2);
    f.w.setValues({{{{1, -2}}, {{0.5f, 3}}}});
    f.b = vector_of({0.5f});
    f.mean = vector_of({1});
    f.var = vector_of({3});
    f.gamma = vector_of({4});
    f.beta = vector_of({-2});
    f.eps = 1.0;
    const ch::FoldedConv got = ch::fold_batch_norm(f.w, f.b, f.mean, f.var, f.gamma, f.beta, f.eps);
    const float s = 4 / std::sqrt(3.0f + 1.0f);
    Tensor4 weight(1, 2, 1, 2);
    weight.setValues({{{{1 * s, -2 * s}}, {{0.5f * s, 3 * s}}}});
    CHECK_CLOSE(got.weight, weight, CheckOptions{"the folded weight", "", {}, {}});
    const Tensor1 without_conv_bias = vector_of({(0 - 1) * s + -2});
    CheckOptions o{"the folded bias", "", {}, {mistake_output(kFoldNoBias, kFoldNoBiasAt, without_conv_bias)}};
    CHECK_CLOSE(got.bias, vector_of({(0.5f - 1) * s + -2}), o);
}

TEST_CASE("fold_batch_norm: random layers against the reference") {
    Rng rng(1012);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        const Index OC = rng.integer(1, 4);
        random_fold(rng, OC, trial % 3 == 0 ? OC : rng.integer(1, 4)).check();
    }
}

TEST_CASE("fold_batch_norm: conv2d with the folded layer is conv2d then batch_norm") {
    Rng rng(1013);
    for (int trial = 0; trial < 25; ++trial) {
        CAPTURE(trial);
        const Index OC = rng.integer(1, 4), C = trial % 2 ? OC : rng.integer(1, 3);
        const FoldCall f = random_fold(rng, OC, C);
        const Tensor4 x = rng.tensor<4>(rng.integer(1, 2), C, rng.integer(3, 6), rng.integer(3, 6));
        const Tensor4 conv_then_bn =
            ref::batch_norm<4>(ref::conv2d(x, f.w, f.b), f.mean, f.var, f.gamma, f.beta, false, 0.1, f.eps).output;
        const ch::FoldedConv folded = ch::fold_batch_norm(f.w, f.b, f.mean, f.var, f.gamma, f.beta, f.eps);
        REQUIRE(folded.weight.dimensions() == f.w.dimensions());
        REQUIRE(folded.bias.dimension(0) == OC);
        CheckOptions o;
        o.what = "conv2d(x " + shape_string(x) + ", folded weight, folded bias)";
        // Magnitude: the folded sum's terms |x| * |W'|, and the bias's (|b| + |mean|) * |s| + |beta|.
        Tensor1 bias_terms(OC);
        for (Index c = 0; c < OC; ++c) bias_terms(c) = f.bias_magnitude(c);
        o.magnitude = flat(Tensor4(ref::conv2d(x.abs(), folded.weight.abs(), bias_terms)));
        CHECK_CLOSE(ref::conv2d(x, folded.weight, folded.bias), conv_then_bn, o);
    }
}

TEST_CASE("fold_batch_norm: refuses statistics of the wrong length") {
    Rng rng(1014);
    const Tensor4 w = rng.tensor<4>(4, 2, 3, 3);
    const Tensor1 four = constant(4, 1), three = constant(3, 1);
    CHECK_REFUSES(ch::fold_batch_norm(w, three, four, four, four, four), "fold_batch_norm", "4", "3");
    CHECK_REFUSES(ch::fold_batch_norm(w, {}, three, four, {}, {}), "fold_batch_norm", "running_mean", "4", "3");
    CHECK_REFUSES(ch::fold_batch_norm(w, {}, four, three, {}, {}), "fold_batch_norm", "running_var", "4", "3");
    CHECK_REFUSES(ch::fold_batch_norm(w, {}, four, four, three, {}), "fold_batch_norm", "weight", "4", "3");
    CHECK_REFUSES(ch::fold_batch_norm(w, {}, four, four, four, three), "fold_batch_norm", "bias", "4", "3");
}
