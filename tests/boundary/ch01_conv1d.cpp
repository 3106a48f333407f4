// Chapter 01's functions across the grading boundary (remote.hpp).
#include "conv1d.hpp"
#include "remote.hpp"

namespace convkata::ch01 {
KATA_REMOTE(Tensor1, conv1d_single, (const Tensor1& x, const Tensor1& w), (x, w))
KATA_REMOTE(Tensor2, conv1d, (const Tensor2& x, const Tensor3& weight, const OptionalBias& bias), (x, weight, bias))
KATA_REMOTE(Tensor3, conv1d, (const Tensor3& x, const Tensor3& weight, const OptionalBias& bias), (x, weight, bias))
KATA_REMOTE(Index, parameter_count, (Index in_channels, Index out_channels, Index kernel_size, bool bias),
            (in_channels, out_channels, kernel_size, bias))
}  // namespace convkata::ch01
