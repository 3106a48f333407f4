// Chapter 10 - batch norm: normalising every channel over the batch.
// The lesson is chapters/10_batch_norm/README.md; you write batch_norm.cpp.
#pragma once

#include "convkata/tensor.hpp"

#include <optional>

namespace convkata::ch10 {

// The statistics of each channel over (N, H, W):
//   x [N, C, H, W] -> mean [C], var [C] (divided by N*H*W), unbiased_var [C] (divided by N*H*W - 1)
struct ChannelStatistics {
    Tensor1 mean;
    Tensor1 var;
    Tensor1 unbiased_var;
};
ChannelStatistics channel_statistics(const Tensor4& x);

// What batch_norm gives back: the output and the running statistics after the
// call (PyTorch updates them in place; here they come back, nullopt when not given).
template <int R>
struct BatchNormResult {
    Tensor<R> output;
    std::optional<Tensor1> running_mean;
    std::optional<Tensor1> running_var;
};

// F.batch_norm: input [N, C, H, W]; running_mean, running_var, weight, bias [C] -> [N, C, H, W]
//   y = (x - mean[c]) / sqrt(var[c] + eps) * weight[c] + bias[c]
//   training:   mean and biased var of the batch; running = (1 - momentum) * running + momentum * batch
//               statistic, with the unbiased var for running_var
//   evaluation: mean and var are running_mean and running_var, which come back unchanged
BatchNormResult<4> batch_norm(const Tensor4& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight = {},
                              const std::optional<Tensor1>& bias = {}, bool training = false, double momentum = 0.1,
                              double eps = 1e-5);

// The same for features without positions (BatchNorm1d after a linear layer):
//   input [N, C] -> [N, C], statistics over N only
BatchNormResult<2> batch_norm(const Tensor2& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight = {},
                              const std::optional<Tensor1>& bias = {}, bool training = false, double momentum = 0.1,
                              double eps = 1e-5);

// An evaluation-mode batch norm folded into the convolution before it, so that
//   conv2d(x, folded.weight, folded.bias) == batch_norm(conv2d(x, conv_weight, conv_bias), ...)
// conv_weight [OC, C, KH, KW], conv_bias, running_mean, running_var, weight, bias [OC]
//   -> weight [OC, C, KH, KW], bias [OC]
struct FoldedConv {
    Tensor4 weight;
    Tensor1 bias;
};
FoldedConv fold_batch_norm(const Tensor4& conv_weight, const OptionalBias& conv_bias, const Tensor1& running_mean,
                           const Tensor1& running_var, const std::optional<Tensor1>& weight,
                           const std::optional<Tensor1>& bias, double eps = 1e-5);

}  // namespace convkata::ch10
