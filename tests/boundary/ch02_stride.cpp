// Chapter 02's functions across the grading boundary (remote.hpp).
#include "remote.hpp"
#include "stride.hpp"

namespace convkata::ch02 {
KATA_REMOTE(Index, output_length, (Index length, Index kernel, Index stride), (length, kernel, stride))
KATA_REMOTE(Tensor3, conv1d, (const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride),
            (x, weight, bias, stride))
}  // namespace convkata::ch02
