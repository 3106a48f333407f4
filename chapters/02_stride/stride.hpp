// Chapter 02 - stride: skipping positions.
// The lesson is chapters/02_stride/README.md; you write stride.cpp.
#pragma once

#include "convkata/tensor.hpp"

namespace convkata::ch02 {

// How many windows of size `kernel`, stepping by `stride`, fit in `length`:
//   floor((length - kernel) / stride) + 1
Index output_length(Index length, Index kernel, Index stride);

// x [N, C, L], weight [OC, C, K], bias [OC] -> [N, OC, floor((L - K) / S) + 1]
//   y[n, o, i] = bias[o] + sum_c sum_j x[n, c, i*S + j] * weight[o, c, j]
Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias = {}, Index stride = 1);

}  // namespace convkata::ch02
