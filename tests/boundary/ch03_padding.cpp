// Chapter 03's functions across the grading boundary (remote.hpp).
#include "padding.hpp"
#include "remote.hpp"

KATA_FIELDS(convkata::PadPair, t.left, t.right);

namespace convkata::ch03 {
KATA_REMOTE(Tensor3, pad1d, (const Tensor3& x, Index left, Index right, PadMode mode), (x, left, right, mode))
KATA_REMOTE(PadPair, same_padding, (Index kernel, Index dilation), (kernel, dilation))
KATA_REMOTE(Tensor3, conv1d,
            (const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride, const Padding& padding,
             PadMode padding_mode),
            (x, weight, bias, stride, padding, padding_mode))
}  // namespace convkata::ch03
