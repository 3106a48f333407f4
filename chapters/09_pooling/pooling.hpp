// Chapter 09 - pooling: max, average and adaptive pooling.
// The lesson is chapters/09_pooling/README.md; you write pooling.cpp.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

#include <optional>
#include <utility>

namespace convkata::ch09 {

// F.max_pool1d: x [N, C, L] -> [N, C, L_out], each output the largest element of its window.
//   L_out = floor((L + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1   (ceil with ceil_mode, see
//   the lesson); stride defaults to kernel_size; padding counts as minus infinity, at most kernel_size / 2.
Tensor3 max_pool1d(const Tensor3& x, Index kernel_size, std::optional<Index> stride = {}, Index padding = 0,
                   Index dilation = 1, bool ceil_mode = false);

// The same, with the index along L of every maximum (the first one on a tie): x [N, C, L] ->
// ([N, C, L_out], [N, C, L_out]).
std::pair<Tensor3, IndexTensor<3>> max_pool1d_with_indices(const Tensor3& x, Index kernel_size,
                                                           std::optional<Index> stride = {}, Index padding = 0,
                                                           Index dilation = 1, bool ceil_mode = false);

// F.max_pool2d: x [N, C, H, W] -> [N, C, H_out, W_out], H and W each with their own kernel_size, stride,
// padding and dilation (Size2: [0] is H, [1] is W).
Tensor4 max_pool2d(const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride = {}, Size2 padding = 0,
                   Size2 dilation = 1, bool ceil_mode = false);

// The same, with indices h*W + w into each [H, W] plane: x [N, C, H, W] -> ([N, C, H_out, W_out] twice).
std::pair<Tensor4, IndexTensor<4>> max_pool2d_with_indices(const Tensor4& x, Size2 kernel_size,
                                                           std::optional<Size2> stride = {}, Size2 padding = 0,
                                                           Size2 dilation = 1, bool ceil_mode = false);

// F.avg_pool1d: x [N, C, L] -> [N, C, L_out], each output the sum of its window over a count:
// every position inside the input or its padding (count_include_pad) or only the input's elements.
Tensor3 avg_pool1d(const Tensor3& x, Index kernel_size, std::optional<Index> stride = {}, Index padding = 0,
                   bool ceil_mode = false, bool count_include_pad = true);

// F.avg_pool2d: x [N, C, H, W] -> [N, C, H_out, W_out]; divisor_override, when given, is the divisor.
Tensor4 avg_pool2d(const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride = {}, Size2 padding = 0,
                   bool ceil_mode = false, bool count_include_pad = true,
                   std::optional<Index> divisor_override = {});

// F.adaptive_avg_pool2d: x [N, C, H, W] -> [N, C, output_size[0], output_size[1]]; output row i averages
// the input rows floor(i*H/OH) .. ceil((i+1)*H/OH) - 1, and the same along W.
Tensor4 adaptive_avg_pool2d(const Tensor4& x, Size2 output_size);

}  // namespace convkata::ch09
