// Chapter 04's functions across the grading boundary (remote.hpp).
#include "dilation.hpp"
#include "remote.hpp"

KATA_FIELDS(convkata::Layer1d, t.kernel, t.stride, t.padding, t.dilation);

namespace convkata::ch04 {
KATA_REMOTE(Tensor3, dilate_kernel, (const Tensor3& weight, Index dilation), (weight, dilation))
KATA_REMOTE(Tensor3, conv1d,
            (const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride, const Padding& padding,
             Index dilation, PadMode padding_mode),
            (x, weight, bias, stride, padding, dilation, padding_mode))
KATA_REMOTE(Index, receptive_field, (const std::vector<Layer1d>& layers), (layers))
KATA_REMOTE(std::vector<Index>, kernel_size_for, (Index in, Index out, Index stride, Index padding, Index dilation),
            (in, out, stride, padding, dilation))
}  // namespace convkata::ch04
