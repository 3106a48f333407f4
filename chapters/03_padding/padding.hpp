// Chapter 03 - padding: growing the border.
// The lesson is chapters/03_padding/README.md; you write padding.cpp.
#pragma once

#include "convkata/padding.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"

namespace convkata::ch03 {

// x [N, C, L] -> [N, C, left + L + right], the border filled as `mode` says (see PadMode in convkata/padding.hpp)
Tensor3 pad1d(const Tensor3& x, Index left, Index right, PadMode mode = PadMode::zeros);

// padding="same" at stride 1: total dilation*(kernel-1), the extra element (odd total) on the RIGHT
PadPair same_padding(Index kernel, Index dilation = 1);

// nn.Conv1d(C, OC, K, stride=stride, padding=padding, padding_mode=padding_mode):
// pad (both sides, or as "same" says), then slide with the stride.
// x [N, C, L], weight [OC, C, K], bias [OC] -> [N, OC, L_out]
Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias = {}, Index stride = 1,
               const Padding& padding = 0, PadMode padding_mode = PadMode::zeros);

}  // namespace convkata::ch03
