// Chapter 04 - dilation: spreading the taps.
// The lesson is chapters/04_dilation/README.md; you write dilation.cpp.
#pragma once

#include "convkata/padding.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"

#include <vector>

namespace convkata::ch04 {

// The kernel with dilation-1 zeros between neighbouring taps:
//   weight [OC, C, K] -> [OC, C, dilation*(K-1)+1]
Tensor3 dilate_kernel(const Tensor3& weight, Index dilation);

// The general conv1d: F.conv1d plus nn.Conv1d's padding_mode (everything but
// groups, which come in chapter 06).
//   x [N, C, L], weight [OC, C, K], bias [OC]
//   -> [N, OC, floor((L + pad_left + pad_right - dilation*(K-1) - 1) / stride) + 1]
//   y[n, o, i] = bias[o] + sum_c sum_k xp[n, c, i*stride + k*dilation] * weight[o, c, k]
// where xp is x padded as padding and padding_mode say.
Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias = {}, Index stride = 1,
               const Padding& padding = 0, Index dilation = 1, PadMode padding_mode = PadMode::zeros);

// How many input positions one output of the last layer sees
// (layers in order, first layer first).
Index receptive_field(const std::vector<Layer1d>& layers);

// Every kernel size K >= 1 that turns a length `in` into `out` with these
// settings, smallest first; empty if there is none.
std::vector<Index> kernel_size_for(Index in, Index out, Index stride = 1, Index padding = 0, Index dilation = 1);

}  // namespace convkata::ch04
