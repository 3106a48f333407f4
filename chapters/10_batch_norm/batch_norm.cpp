// Chapter 10 - batch norm: normalising every channel over the batch.
//
// Read chapters/10_batch_norm/README.md, then replace each `throw not_implemented`
// with your code, in order. Check your work with:   ./kata test 10
// Stuck? Ask for a hint:                           ./kata hint 10
#include "batch_norm.hpp"

#include "convkata/errors.hpp"

namespace convkata::ch10 {

ChannelStatistics channel_statistics(const Tensor4& x) {
    // TODO: for every channel c, over all n, h, w (count = N*H*W values):
    //         mean[c]         = sum of x(n, c, h, w) / count
    //         var[c]          = sum of (x(n, c, h, w) - mean[c])^2 / count
    //         unbiased_var[c] = the same sum / (count - 1)
    //       Fewer than 2 values per channel: throw std::invalid_argument
    //       (convkata::invalid("channel_statistics", ...), with the input's shape_string(x)).
    throw not_implemented("10_batch_norm", "channel_statistics");
}

BatchNormResult<4> batch_norm(const Tensor4& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
                              const std::optional<Tensor1>& bias, bool training, double momentum, double eps) {
    // TODO: training: mean[c] and var[c] from channel_statistics(input) (the biased var), and the
    //         running statistics that were given become (1 - momentum) * old + momentum * new,
    //         with the unbiased var for running_var.
    //       evaluation: mean = *running_mean, var = *running_var; they come back unchanged.
    //       Then y(n, c, h, w) = (x - mean[c]) / sqrt(var[c] + eps) * weight[c] + bias[c]
    //       (weight 1 and bias 0 when not given).
    //       Refuse (convkata::invalid("batch_norm", ...), as PyTorch words it): training with
    //       N*H*W == 1, a running_mean / running_var / weight / bias whose length is not C,
    //       evaluation without running_mean or running_var. An empty input gives an empty output.
    throw not_implemented("10_batch_norm", "batch_norm");
}

BatchNormResult<2> batch_norm(const Tensor2& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
                              const std::optional<Tensor1>& bias, bool training, double momentum, double eps) {
    // TODO: [N, C] is [N, C, 1, 1]: refuse training with N == 1 (naming the [N, C] shape), then
    //       reshape, call the 4-D batch_norm and reshape its output back to [N, C].
    throw not_implemented("10_batch_norm", "batch_norm ([N, C] input)");
}

FoldedConv fold_batch_norm(const Tensor4& conv_weight, const OptionalBias& conv_bias, const Tensor1& running_mean,
                           const Tensor1& running_var, const std::optional<Tensor1>& weight,
                           const std::optional<Tensor1>& bias, double eps) {
    // TODO: s[o] = weight[o] / sqrt(running_var[o] + eps) for every output channel o, then
    //         folded.weight(o, c, kh, kw) = conv_weight(o, c, kh, kw) * s[o]
    //         folded.bias(o)              = (conv_bias[o] - running_mean[o]) * s[o] + bias[o]
    //       (conv_bias and bias 0, weight 1 when not given). Refuse any of the [OC] vectors
    //       whose length is not OC (convkata::invalid("fold_batch_norm", ...), naming both numbers).
    throw not_implemented("10_batch_norm", "fold_batch_norm");
}

}  // namespace convkata::ch10
