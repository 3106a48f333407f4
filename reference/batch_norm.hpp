// Batch normalisation, as F.batch_norm computes it, and its folding into the
// convolution before it. Part of the reference (reference/reference.hpp).
#pragma once

#include "convkata/tensor.hpp"

#include <optional>

namespace convkata::ref {

// What F.batch_norm gives back: the output, and the running statistics after
// the call. PyTorch updates running_mean / running_var in place; here they come
// back as new tensors (a statistic not given stays nullopt).
template <int R>
struct BatchNormResult {
    Tensor<R> output;
    std::optional<Tensor1> running_mean, running_var;
};

// F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
// input [N, C, ...] (rank 2 to 5); running_mean, running_var, weight, bias [C] -> [N, C, ...]
//   training:   mean and biased variance of each channel over every axis but C;
//               running = (1 - momentum) * running + momentum * batch statistic,
//               with the UNBIASED variance for running_var
//   evaluation: the running statistics
//   y = (x - mean) / sqrt(var + eps) * weight + bias
template <int R>
BatchNormResult<R> batch_norm(const Tensor<R>& input, const std::optional<Tensor1>& running_mean,
                              const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight = {},
                              const std::optional<Tensor1>& bias = {}, bool training = false, double momentum = 0.1,
                              double eps = 1e-5);

// An evaluation-mode batch norm folded into the convolution before it:
//   conv2d(x, folded.weight, folded.bias) == batch_norm(conv2d(x, conv_weight, conv_bias), ...)
// conv_weight [OC, C, KH, KW], conv_bias and the statistics [OC]
//   -> weight [OC, C, KH, KW], bias [OC]
struct FoldedConv {
    Tensor4 weight;
    Tensor1 bias;
};
FoldedConv fold_batch_norm(const Tensor4& conv_weight, const OptionalBias& conv_bias, const Tensor1& running_mean,
                           const Tensor1& running_var, const std::optional<Tensor1>& weight,
                           const std::optional<Tensor1>& bias, double eps = 1e-5);

}  // namespace convkata::ref
