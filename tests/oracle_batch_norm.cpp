// The batch-norm oracle checked against PyTorch: every case of
// tests/golden/batch_norm.json (written by tests/golden/generate_batch_norm.py)
// through convkata::ref::batch_norm, then the folding of a batch norm into a
// convolution checked against conv-then-batch-norm.
//
// Tolerance (check.hpp's policy): PyTorch computes y = x * alpha + beta in
// float32 with alpha = weight / sqrt(var + eps) and beta = bias - mean * alpha,
// so each output is a sum of terms of size |x * alpha|, |mean * alpha| and
// |bias|; their sum is the magnitude. A running statistic is
// (1 - momentum) * old + momentum * new: its magnitude is
// |1 - momentum| * |old| + |momentum| * |new|.
#include "batch_norm.hpp"
#include "kata_test.hpp"

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using convkata::Index;
using convkata::Tensor1;
using convkata::Tensor4;
using convkata::ref::batch_norm;
using convkata::ref::fold_batch_norm;
using OptionalTensor = std::optional<Tensor1>;

const std::vector<kata::GoldenCase>& golden() {
    static const std::vector<kata::GoldenCase> cases = kata::load_golden("batch_norm");
    return cases;
}


OptionalTensor optional_tensor1(const kata::GoldenCase& c, const std::string& key) {
    const auto t = c.optional_tensor(key);
    if (!t) return std::nullopt;
    return t->tensor<1>();
}

// Per channel, over every axis but C, in double: the batch mean and biased
// variance (training) or the running statistics (evaluation) the output uses.
struct UsedStatistics {
    std::vector<double> mean, var, new_mean, new_unbiased_var;
};

UsedStatistics used_statistics(const std::vector<Index>& dims, const float* x, const OptionalTensor& running_mean,
                               const OptionalTensor& running_var, bool training) {
    const Index N = dims[0], C = dims[1];
    Index S = 1;
    for (std::size_t d = 2; d < dims.size(); ++d) S *= dims[d];
    UsedStatistics u{std::vector<double>(C), std::vector<double>(C), std::vector<double>(C), std::vector<double>(C)};
    for (Index c = 0; c < C; ++c) {
        double sum = 0, squares = 0;
        for (Index n = 0; n < N; ++n)
            for (Index s = 0; s < S; ++s) sum += x[(n * C + c) * S + s];
        const double mean = sum / static_cast<double>(N * S);
        for (Index n = 0; n < N; ++n)
            for (Index s = 0; s < S; ++s) squares += std::pow(x[(n * C + c) * S + s] - mean, 2);
        u.new_mean[c] = mean;
        u.new_unbiased_var[c] = squares / static_cast<double>(N * S - 1);
        u.mean[c] = training ? mean : (*running_mean)(c);
        u.var[c] = training ? squares / static_cast<double>(N * S) : (*running_var)(c);
    }
    return u;
}

template <int R>
void check_case(const kata::GoldenCase& c) {
    INFO(c.describe());
    const auto x = c.tensor("input").tensor<R>();
    const OptionalTensor running_mean = optional_tensor1(c, "running_mean");
    const OptionalTensor running_var = optional_tensor1(c, "running_var");
    const OptionalTensor weight = optional_tensor1(c, "weight");
    const OptionalTensor bias = optional_tensor1(c, "bias");
    const bool training = c.boolean("training");
    const double momentum = c.number("momentum");
    const double eps = c.number("eps");
    const auto call = [&] {
        return batch_norm<R>(x, running_mean, running_var, weight, bias, training, momentum, eps);
    };

    if (c.refused()) {
        // The reference words its refusals as PyTorch does, with the shape
        // printed as [1, 3] where PyTorch writes torch.Size([1, 3]).
        std::string message = c.error();
        if (const auto at = message.find("torch.Size("); at != std::string::npos) {
            message.erase(at, 11);
            message.pop_back();
        }
        CHECK_REFUSES(call(), "batch_norm: " + message);
        return;
    }
    const auto result = call();
    const std::vector<Index> dims(x.dimensions().begin(), x.dimensions().end());
    const Index C = dims[1];
    Index S = 1;
    for (std::size_t d = 2; d < dims.size(); ++d) S *= dims[d];
    const UsedStatistics u = x.size() > 0 ? used_statistics(dims, x.data(), running_mean, running_var, training)
                                          : UsedStatistics{};

    kata::CheckOptions o;
    o.what = "batch_norm output";
    for (Index i = 0; i < x.size(); ++i) {
        const Index ch = (i / S) % C;
        const double alpha = std::fabs((weight ? (*weight)(ch) : 1.0) / std::sqrt(u.var[ch] + eps));
        o.magnitude.push_back(static_cast<float>((std::fabs(x.data()[i]) + std::fabs(u.mean[ch])) * alpha +
                                                 (bias ? std::fabs((*bias)(ch)) : 0.0)));
    }
    CHECK_CLOSE(result.output, c.output().tensor<R>(), o);

    const auto check_statistic = [&](const char* key, const OptionalTensor& before, const OptionalTensor& after,
                                      const std::vector<double>& batch) {
        INFO(key);
        REQUIRE(c.has(key) == after.has_value());
        if (!after) return;
        kata::CheckOptions s;
        s.what = key;
        for (Index ch = 0; ch < C; ++ch) {
            const bool moves = training && x.size() > 0;
            s.magnitude.push_back(static_cast<float>(
                std::fabs(1 - momentum) * std::fabs((*before)(ch)) + (moves ? std::fabs(momentum * batch[ch]) : 0.0)));
        }
        CHECK_CLOSE(*after, c.tensor(key).tensor<1>(), s);
    };
    check_statistic("running_mean_after", running_mean, result.running_mean, u.new_mean);
    check_statistic("running_var_after", running_var, result.running_var, u.new_unbiased_var);
}

void check_golden_case(const kata::GoldenCase& c) {
    switch (c.tensor("input").shape.size()) {
        case 2: return check_case<2>(c);
        case 3: return check_case<3>(c);
        case 4: return check_case<4>(c);
        case 5: return check_case<5>(c);
        default: FAIL("golden case ", c.id(), " has an input of rank ", c.tensor("input").shape.size());
    }
}

int check_cases(int first, int last) {
    int checked = 0;
    for (const kata::GoldenCase& c : golden()) {
        if (c.id() < first || c.id() >= last) continue;
        check_golden_case(c);
        ++checked;
    }
    return checked;
}

}  // namespace

TEST_CASE("batch_norm matches PyTorch on the lesson's example and the edge cases") {
    CHECK(check_cases(0, 12) == 12);
}

TEST_CASE("batch_norm refuses what PyTorch refuses - in PyTorch's words") {
    CHECK(check_cases(12, 30) == 18);
}

TEST_CASE("batch_norm matches PyTorch on the random golden cases of rank 2 to 5") {
    CHECK(check_cases(30, 1 << 30) >= 100);
}

TEST_CASE("the batch_norm golden data covers every rank and mode with outputs and refusals") {
    std::set<std::size_t> ranks;
    std::set<std::string> errors;
    int training = 0, evaluation = 0, no_running = 0, no_affine = 0, momenta = 0, large_eps = 0;
    std::set<double> momentum_values;
    for (const kata::GoldenCase& c : golden()) {
        ranks.insert(c.tensor("input").shape.size());
        if (c.refused()) {
            errors.insert(c.error().substr(0, c.error().find(' ')));
            continue;
        }
        (c.boolean("training") ? training : evaluation)++;
        no_running += !c.has("running_mean") || !c.has("running_var");
        no_affine += !c.has("weight") || !c.has("bias");
        momentum_values.insert(c.number("momentum"));
        large_eps += c.number("eps") >= 0.1;
    }
    momenta = static_cast<int>(momentum_values.size());
    CHECK(golden().size() >= 100);
    CHECK(ranks == std::set<std::size_t>{2, 3, 4, 5});
    CHECK(errors == std::set<std::string>{"Expected", "running_mean", "running_var", "weight", "bias"});
    CHECK(training >= 40);
    CHECK(evaluation >= 30);
    CHECK(no_running >= 10);
    CHECK(no_affine >= 20);
    CHECK(momenta >= 5);
    CHECK(large_eps >= 10);
}

TEST_CASE("fold_batch_norm: the folded convolution is conv2d then batch_norm in evaluation") {
    kata::Rng rng(1010);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        const Index N = rng.integer(1, 2), C = rng.integer(1, 3), OC = rng.integer(1, 4);
        const Index KH = rng.integer(1, 3), KW = rng.integer(1, 3);
        const Tensor4 x = rng.tensor<4>(N, C, rng.integer(KH, 6), rng.integer(KW, 6));
        const Tensor4 w = rng.tensor<4>(OC, C, KH, KW);
        const OptionalTensor b = rng.coin() ? OptionalTensor(rng.tensor<1>(OC)) : std::nullopt;
        const Tensor1 mean = rng.tensor<1>(OC);
        const Tensor1 var = rng.tensor<1>(OC).abs() + 0.1f;
        const OptionalTensor gamma = rng.coin() ? OptionalTensor(rng.tensor<1>(OC)) : std::nullopt;
        const OptionalTensor beta = rng.coin() ? OptionalTensor(rng.tensor<1>(OC)) : std::nullopt;
        const double eps = rng.coin() ? 1e-5 : 0.1;

        const auto folded = fold_batch_norm(w, b, mean, var, gamma, beta, eps);
        const Tensor4 expected =
            batch_norm<4>(convkata::ref::conv2d(x, w, b), mean, var, gamma, beta, false, 0.1, eps).output;

        // Magnitude: the folded sum's terms, |x| * |W'| and (|b| + |mean|) * |s| + |beta|.
        Tensor1 bias_terms(OC);
        for (Index o = 0; o < OC; ++o) {
            const double s = std::fabs((gamma ? (*gamma)(o) : 1.0) / std::sqrt(var(o) + eps));
            bias_terms(o) = static_cast<float>((std::fabs(b ? (*b)(o) : 0.0f) + std::fabs(mean(o))) * s +
                                               (beta ? std::fabs((*beta)(o)) : 0.0));
        }
        kata::CheckOptions o;
        o.what = "conv2d with the folded weight and bias";
        o.magnitude = kata::flat(Tensor4(convkata::ref::conv2d(x.abs(), folded.weight.abs(), bias_terms)));
        CHECK_CLOSE(convkata::ref::conv2d(x, folded.weight, folded.bias), expected, o);
    }
}

TEST_CASE("fold_batch_norm refuses statistics of the wrong length with the numbers") {
    kata::Rng rng(1011);
    const Tensor4 w = rng.tensor<4>(4, 2, 3, 3);
    const Tensor1 four = rng.tensor<1>(4).abs() + 0.5f, three = rng.tensor<1>(3).abs() + 0.5f;
    CHECK_REFUSES(fold_batch_norm(w, three, four, four, four, four), "fold_batch_norm", "conv bias", "4", "3");
    CHECK_REFUSES(fold_batch_norm(w, {}, three, four, four, four), "fold_batch_norm", "running_mean", "4", "3");
    CHECK_REFUSES(fold_batch_norm(w, {}, four, three, {}, {}), "fold_batch_norm", "running_var", "4", "3");
    CHECK_REFUSES(fold_batch_norm(w, {}, four, four, three, {}), "fold_batch_norm", "weight", "4", "3");
    CHECK_REFUSES(fold_batch_norm(w, four, four, four, four, three), "fold_batch_norm", "bias", "4", "3");
}
