// The oracle: Eigen implementations of every operation in the workbook,
// computed a different way from the model solutions (padding by tensor
// slicing, convolution by im2col and a matrix product in double precision),
// so that the two check each other. The reference itself is checked against
// PyTorch's golden data (tests/oracle.cpp).
//
// Arguments follow torch.nn.functional: names, order, defaults, and what is
// refused (std::invalid_argument, with a message modelled on PyTorch's).
#pragma once

#include "convkata/padding.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"

#include <vector>

namespace convkata::ref {

// F.pad for a [N, C, L] tensor: `left` and `right` elements added to the last
// dimension, filled as `mode` says (padding.hpp draws the four modes).
Tensor3 pad1d(const Tensor3& input, Index left, Index right, PadMode mode = PadMode::zeros);

// F.conv1d, plus nn.Conv1d's padding_mode.
// input [N, C, L], weight [OC, C/groups, K], bias [OC] -> [N, OC, L_out]
Tensor3 conv1d(const Tensor3& input, const Tensor3& weight, const OptionalBias& bias = {}, Index stride = 1,
               const Padding& padding = 0, Index dilation = 1, Index groups = 1,
               PadMode padding_mode = PadMode::zeros);

// The unbatched form PyTorch also accepts: input [C, L] -> [OC, L_out].
Tensor2 conv1d(const Tensor2& input, const Tensor3& weight, const OptionalBias& bias = {}, Index stride = 1,
               const Padding& padding = 0, Index dilation = 1, Index groups = 1,
               PadMode padding_mode = PadMode::zeros);

// The kernel with dilation-1 zeros between neighbouring taps:
// weight [OC, C, K] -> [OC, C, dilation*(K-1)+1].
Tensor3 dilate_kernel(const Tensor3& weight, Index dilation);

// How many input positions one output of the last layer of the stack sees.
Index receptive_field(const std::vector<Layer1d>& layers);

// Every kernel size K >= 1 with output_size(in, K, stride, padding, dilation)
// == out, smallest first; empty when there is none.
std::vector<Index> kernel_size_for(Index in, Index out, Index stride = 1, Index padding = 0, Index dilation = 1);

}  // namespace convkata::ref
