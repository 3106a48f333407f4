// Chapter 10 - batch norm: normalising every channel over the batch. Model solution.
#include "batch_norm.hpp"

#include "convkata/errors.hpp"

#include <cmath>
#include <string>

namespace convkata::ch10 {

namespace {

// PyTorch's words: "running_mean should contain 3 elements not 4".
void check_length(const std::string& op, const std::string& name, const std::optional<Tensor1>& t, Index channels) {
    if (t && t->dimension(0) != channels) {
        invalid(op, name, " should contain ", channels, " elements not ", t->dimension(0));
    }
}

}  // namespace

ChannelStatistics channel_statistics(const Tensor4& x) {
    const Index N = x.dimension(0), C = x.dimension(1), H = x.dimension(2), W = x.dimension(3);
    const Index count = N * H * W;  // values per channel
    if (count < 2) {
        invalid("channel_statistics", "Expected more than 1 value per channel, got input size ", shape_string(x));
    }
    ChannelStatistics s{Tensor1(C), Tensor1(C), Tensor1(C)};
    for (Index c = 0; c < C; ++c) {
        double sum = 0.0;  // double: long sums of floats lose digits
        for (Index n = 0; n < N; ++n)
            for (Index h = 0; h < H; ++h)
                for (Index w = 0; w < W; ++w) sum += x(n, c, h, w);
        const double mean = sum / static_cast<double>(count);
        double squares = 0.0;
        for (Index n = 0; n < N; ++n)
            for (Index h = 0; h < H; ++h)
                for (Index w = 0; w < W; ++w) squares += (x(n, c, h, w) - mean) * (x(n, c, h, w) - mean);
        s.mean(c) = static_cast<float>(mean);
        s.var(c) = static_cast<float>(squares / static_cast<double>(count));
        s.unbiased_var(c) = static_cast<float>(squares / static_cast<double>(count - 1));
    }
    return s;
}

BatchNormResult<4> batch_norm(const Tensor4& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
                              const std::optional<Tensor1>& bias, bool training, double momentum, double eps) {
    const Index N = input.dimension(0), C = input.dimension(1), H = input.dimension(2), W = input.dimension(3);
    if (training && N * H * W == 1) {
        invalid("batch_norm", "Expected more than 1 value per channel when training, got input size ",
                shape_string(input));
    }
    check_length("batch_norm", "running_mean", running_mean, C);
    if (!running_mean && !training) invalid("batch_norm", "running_mean must be defined in evaluation mode");
    check_length("batch_norm", "running_var", running_var, C);
    if (!running_var && !training) invalid("batch_norm", "running_var must be defined in evaluation mode");
    check_length("batch_norm", "weight", weight, C);
    check_length("batch_norm", "bias", bias, C);

    BatchNormResult<4> result{Tensor4(N, C, H, W), running_mean, running_var};
    if (input.size() == 0) return result;  // an empty batch: nothing to normalise, nothing to learn

    Tensor1 mean, var;
    if (training) {
        const ChannelStatistics s = channel_statistics(input);
        mean = s.mean;
        var = s.var;  // the batch's own spread: biased
        for (Index c = 0; c < C; ++c) {
            if (result.running_mean) {
                (*result.running_mean)(c) =
                    static_cast<float>((1.0 - momentum) * (*running_mean)(c) + momentum * s.mean(c));
            }
            if (result.running_var) {  // an estimate for the whole data set: unbiased
                (*result.running_var)(c) =
                    static_cast<float>((1.0 - momentum) * (*running_var)(c) + momentum * s.unbiased_var(c));
            }
        }
    } else {
        mean = *running_mean;
        var = *running_var;
    }

    for (Index n = 0; n < N; ++n) {
        for (Index c = 0; c < C; ++c) {
            const double scale = (weight ? (*weight)(c) : 1.0) / std::sqrt(var(c) + eps);
            const double shift = bias ? (*bias)(c) : 0.0;
            for (Index h = 0; h < H; ++h)
                for (Index w = 0; w < W; ++w) {
                    result.output(n, c, h, w) = static_cast<float>((input(n, c, h, w) - mean(c)) * scale + shift);
                }
        }
    }
    return result;
}

BatchNormResult<2> batch_norm(const Tensor2& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
                              const std::optional<Tensor1>& bias, bool training, double momentum, double eps) {
    const Index N = input.dimension(0), C = input.dimension(1);
    if (training && N == 1) {  // checked here, so that the message shows the [N, C] shape
        invalid("batch_norm", "Expected more than 1 value per channel when training, got input size ",
                shape_string(input));
    }
    // [N, C] is [N, C, 1, 1]: one position per channel and sample.
    const Tensor4 as_4d = input.reshape(Eigen::array<Index, 4>{N, C, 1, 1});
    BatchNormResult<4> r = batch_norm(as_4d, running_mean, running_var, weight, bias, training, momentum, eps);
    return {r.output.reshape(Eigen::array<Index, 2>{N, C}), r.running_mean, r.running_var};
}

FoldedConv fold_batch_norm(const Tensor4& conv_weight, const OptionalBias& conv_bias, const Tensor1& running_mean,
                           const Tensor1& running_var, const std::optional<Tensor1>& weight,
                           const std::optional<Tensor1>& bias, double eps) {
    const Index OC = conv_weight.dimension(0), C = conv_weight.dimension(1);
    const Index KH = conv_weight.dimension(2), KW = conv_weight.dimension(3);
    check_length("fold_batch_norm", "conv bias", conv_bias, OC);
    check_length("fold_batch_norm", "running_mean", running_mean, OC);
    check_length("fold_batch_norm", "running_var", running_var, OC);
    check_length("fold_batch_norm", "weight", weight, OC);
    check_length("fold_batch_norm", "bias", bias, OC);

    FoldedConv folded{Tensor4(OC, C, KH, KW), Tensor1(OC)};
    for (Index o = 0; o < OC; ++o) {
        // Batch norm scales output channel o by s and shifts it: fold s into that channel's kernels.
        const double s = (weight ? (*weight)(o) : 1.0) / std::sqrt(running_var(o) + eps);
        for (Index c = 0; c < C; ++c)
            for (Index kh = 0; kh < KH; ++kh)
                for (Index kw = 0; kw < KW; ++kw) {
                    folded.weight(o, c, kh, kw) = static_cast<float>(conv_weight(o, c, kh, kw) * s);
                }
        const double b = conv_bias ? (*conv_bias)(o) : 0.0;
        folded.bias(o) = static_cast<float>((b - running_mean(o)) * s + (bias ? (*bias)(o) : 0.0));
    }
    return folded;
}

}  // namespace convkata::ch10
