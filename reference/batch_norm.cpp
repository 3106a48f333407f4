// Batch norm by Eigen Tensor reductions: the input viewed as [N, C, S] (S all
// the spatial positions), statistics by .mean() / .sum() over axes {0, 2}, and
// per-channel vectors broadcast back as [1, C, 1] -> [N, C, S]; all in double,
// so that the reference is the more exact of the two. The model solution
// (solutions/10_batch_norm) loops instead.
#include "batch_norm.hpp"

#include "convkata/errors.hpp"

namespace convkata::ref {

namespace {

template <int R>
using TensorD = Eigen::Tensor<double, R, Eigen::RowMajor>;

// PyTorch's words: "running_mean should contain 3 elements not 4".
void check_length(const char* op, const char* name, const std::optional<Tensor1>& t, Index expected) {
    if (t && t->dimension(0) != expected) {
        invalid(op, name, " should contain ", expected, " elements not ", t->dimension(0));
    }
}

TensorD<1> as_double(const Tensor1& t) { return t.cast<double>(); }

TensorD<1> filled(Index n, double value) {
    TensorD<1> t(n);
    t.setConstant(value);
    return t;
}

}  // namespace

template <int R>
BatchNormResult<R> batch_norm(const Tensor<R>& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
                              const std::optional<Tensor1>& bias, bool training, double momentum, double eps) {
    static_assert(R >= 2 && R <= 5, "batch_norm takes [N, C], [N, C, L], [N, C, H, W] or [N, C, D, H, W]");
    const Index N = input.dimension(0);
    const Index C = input.dimension(1);
    Index positions = 1;  // S: every spatial position
    for (int d = 2; d < R; ++d) positions *= input.dimension(d);
    const Index count = N * positions;  // values per channel

    // PyTorch's checks, in its order.
    if (training && count == 1) {
        invalid("batch_norm", "Expected more than 1 value per channel when training, got input size ",
                shape_string(input));
    }
    check_length("batch_norm", "running_mean", running_mean, C);
    if (!running_mean && !training) invalid("batch_norm", "running_mean must be defined in evaluation mode");
    check_length("batch_norm", "running_var", running_var, C);
    if (!running_var && !training) invalid("batch_norm", "running_var must be defined in evaluation mode");
    check_length("batch_norm", "weight", weight, C);
    check_length("batch_norm", "bias", bias, C);

    const Eigen::DSizes<Index, 3> ncs(N, C, positions);
    const Eigen::array<Index, 2> all_but_c{0, 2};
    const Eigen::DSizes<Index, 3> one_c_one(1, C, 1);
    const Eigen::array<Index, 3> spread{N, 1, positions};
    const TensorD<3> x = input.reshape(ncs).template cast<double>();

    BatchNormResult<R> result{Tensor<R>(input.dimensions()), running_mean, running_var};
    if (count == 0) return result;  // nothing to normalise, no statistics to learn from

    TensorD<1> mean, var;
    if (training) {
        mean = x.mean(all_but_c);
        const TensorD<1> squares = (x - mean.reshape(one_c_one).broadcast(spread)).square().sum(all_but_c);
        var = squares / static_cast<double>(count);
        if (running_mean) {
            result.running_mean = ((1.0 - momentum) * as_double(*running_mean) + momentum * mean).cast<float>();
        }
        if (running_var) {
            const TensorD<1> unbiased = squares / static_cast<double>(count - 1);
            result.running_var = ((1.0 - momentum) * as_double(*running_var) + momentum * unbiased).cast<float>();
        }
    } else {
        mean = as_double(*running_mean);
        var = as_double(*running_var);
    }

    TensorD<1> scale = (var + eps).rsqrt();
    if (weight) scale = scale * as_double(*weight);
    const TensorD<1> shift = bias ? as_double(*bias) : filled(C, 0.0);
    const TensorD<3> y = (x - mean.reshape(one_c_one).broadcast(spread)) * scale.reshape(one_c_one).broadcast(spread) +
                         shift.reshape(one_c_one).broadcast(spread);
    result.output = y.cast<float>().reshape(input.dimensions());
    return result;
}

template BatchNormResult<2> batch_norm(const Tensor<2>&, const std::optional<Tensor1>&, const std::optional<Tensor1>&,
                                       const std::optional<Tensor1>&, const std::optional<Tensor1>&, bool, double,
                                       double);
template BatchNormResult<3> batch_norm(const Tensor<3>&, const std::optional<Tensor1>&, const std::optional<Tensor1>&,
                                       const std::optional<Tensor1>&, const std::optional<Tensor1>&, bool, double,
                                       double);
template BatchNormResult<4> batch_norm(const Tensor<4>&, const std::optional<Tensor1>&, const std::optional<Tensor1>&,
                                       const std::optional<Tensor1>&, const std::optional<Tensor1>&, bool, double,
                                       double);
template BatchNormResult<5> batch_norm(const Tensor<5>&, const std::optional<Tensor1>&, const std::optional<Tensor1>&,
                                       const std::optional<Tensor1>&, const std::optional<Tensor1>&, bool, double,
                                       double);

// W'[o] = W[o] * s[o],  b'[o] = (b[o] - running_mean[o]) * s[o] + beta[o],
// with s = gamma / sqrt(running_var + eps): the scale runs along the OUTPUT channels.
FoldedConv fold_batch_norm(const Tensor4& conv_weight, const OptionalBias& conv_bias, const Tensor1& running_mean,
                           const Tensor1& running_var, const std::optional<Tensor1>& weight,
                           const std::optional<Tensor1>& bias, double eps) {
    const Index OC = conv_weight.dimension(0);
    check_length("fold_batch_norm", "conv bias", conv_bias, OC);
    check_length("fold_batch_norm", "running_mean", running_mean, OC);
    check_length("fold_batch_norm", "running_var", running_var, OC);
    check_length("fold_batch_norm", "weight", weight, OC);
    check_length("fold_batch_norm", "bias", bias, OC);

    TensorD<1> scale = (as_double(running_var) + eps).rsqrt();
    if (weight) scale = scale * as_double(*weight);
    const TensorD<1> b = conv_bias ? as_double(*conv_bias) : filled(OC, 0.0);
    const TensorD<1> beta = bias ? as_double(*bias) : filled(OC, 0.0);

    const Eigen::DSizes<Index, 4> per_output(OC, 1, 1, 1);
    const Eigen::array<Index, 4> spread{1, conv_weight.dimension(1), conv_weight.dimension(2),
                                        conv_weight.dimension(3)};
    FoldedConv folded;
    folded.weight = (conv_weight.cast<double>() * scale.reshape(per_output).broadcast(spread)).cast<float>();
    folded.bias = ((b - as_double(running_mean)) * scale + beta).cast<float>();
    return folded;
}

}  // namespace convkata::ref
