// Chapter 01 - conv1d: sliding a kernel.
// The lesson is chapters/01_conv1d/README.md; you write conv1d.cpp.
#pragma once

#include "convkata/tensor.hpp"

namespace convkata::ch01 {

// One signal, one kernel, no padding ("valid"):
//   x [L], w [K] -> [L - K + 1],   y[i] = sum_j x[i + j] * w[j]
Tensor1 conv1d_single(const Tensor1& x, const Tensor1& w);

// One sample with channels (PyTorch's unbatched input):
//   x [C, L], weight [OC, C, K], bias [OC] -> [OC, L - K + 1]
//   y[o, i] = bias[o] + sum_c sum_j x[c, i + j] * weight[o, c, j]
Tensor2 conv1d(const Tensor2& x, const Tensor3& weight, const OptionalBias& bias = {});

// A batch: every sample on its own.
//   x [N, C, L], weight [OC, C, K], bias [OC] -> [N, OC, L - K + 1]
Tensor3 conv1d(const Tensor3& x, const Tensor3& weight, const OptionalBias& bias = {});

// How many numbers nn.Conv1d(in_channels, out_channels, kernel_size, bias=bias) learns.
Index parameter_count(Index in_channels, Index out_channels, Index kernel_size, bool bias = true);

}  // namespace convkata::ch01
