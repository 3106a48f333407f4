// Chapter 10's functions across the grading boundary (remote.hpp).
#include "batch_norm.hpp"
#include "remote.hpp"

KATA_FIELDS(convkata::ch10::ChannelStatistics, t.mean, t.var, t.unbiased_var);
KATA_FIELDS(convkata::ch10::BatchNormResult<4>, t.output, t.running_mean, t.running_var);
KATA_FIELDS(convkata::ch10::BatchNormResult<2>, t.output, t.running_mean, t.running_var);
KATA_FIELDS(convkata::ch10::FoldedConv, t.weight, t.bias);

namespace convkata::ch10 {
KATA_REMOTE(ChannelStatistics, channel_statistics, (const Tensor4& x), (x))
KATA_REMOTE(BatchNormResult<4>, batch_norm,
            (const Tensor4& input, const std::optional<Tensor1>& running_mean,
             const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
             const std::optional<Tensor1>& bias, bool training, double momentum, double eps),
            (input, running_mean, running_var, weight, bias, training, momentum, eps))
KATA_REMOTE(BatchNormResult<2>, batch_norm,
            (const Tensor2& input, const std::optional<Tensor1>& running_mean,
             const std::optional<Tensor1>& running_var, const std::optional<Tensor1>& weight,
             const std::optional<Tensor1>& bias, bool training, double momentum, double eps),
            (input, running_mean, running_var, weight, bias, training, momentum, eps))
KATA_REMOTE(FoldedConv, fold_batch_norm,
            (const Tensor4& conv_weight, const OptionalBias& conv_bias, const Tensor1& running_mean,
             const Tensor1& running_var, const std::optional<Tensor1>& weight, const std::optional<Tensor1>& bias,
             double eps),
            (conv_weight, conv_bias, running_mean, running_var, weight, bias, eps))
}  // namespace convkata::ch10
