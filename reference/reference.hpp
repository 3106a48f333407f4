// The oracle: Eigen implementations of every operation in the workbook,
// computed a different way from the model solutions (padding by tensor
// slicing; convolutions by im2col and a matrix product in double precision;
// transposed convolutions by the adjoint, col2im), so that the two check each
// other. The reference itself is checked against PyTorch's golden data
// (tests/oracle.cpp).
//
// Arguments follow torch.nn.functional: names, order, defaults, and what is
// refused (std::invalid_argument, with a message modelled on PyTorch's).
#pragma once

#include "batch_norm.hpp"
#include "pooling.hpp"

#include "convkata/conv_args.hpp"
#include "convkata/padding.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace convkata::ref {

// ---------------------------------------------------------------- 1-D ---

// F.pad for a [N, C, L] tensor: `left` and `right` elements added to the last
// dimension, filled as `mode` says (padding.hpp draws the four modes). Unlike
// F.pad it refuses negative amounts: the workbook's pad1d never crops.
Tensor3 pad1d(const Tensor3& input, Index left, Index right, PadMode mode = PadMode::zeros);

// F.pad(input, pad, mode, value), exactly as PyTorch 1.13 takes it: `pad`
// holds (left, right) pairs for the last dimension, then the one before it,
// ...; a negative amount crops. mode "constant" (filled with value, 0 when
// None) pads any number of dimensions; "reflect", "replicate" and "circular"
// pad 1, 2 or 3 dimensions of an input with or without its batch dimension
// (circular: with it). Instantiated for ranks 1 to 6.
template <int R>
Tensor<R> pad(const Tensor<R>& input, const std::vector<Index>& pad, const std::string& mode = "constant",
              std::optional<double> value = std::nullopt);

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

// ------------------------------------------------------- 2-D and 3-D ---

// F.conv2d: input [N, C, H, W], weight [OC, C/groups, KH, KW], bias [OC]
//   -> [N, OC, H_out, W_out]
Tensor4 conv2d(const Tensor4& input, const Tensor4& weight, const OptionalBias& bias = {}, Size2 stride = 1,
               const Padding2& padding = 0, Size2 dilation = 1, Index groups = 1);

// F.conv3d: input [N, C, D, H, W], weight [OC, C/groups, KD, KH, KW], bias [OC]
//   -> [N, OC, D_out, H_out, W_out]
Tensor5 conv3d(const Tensor5& input, const Tensor5& weight, const OptionalBias& bias = {}, Size3 stride = 1,
               const Padding3& padding = 0, Size3 dilation = 1, Index groups = 1);

// ------------------------------------------------ transposed convolution ---

// F.conv_transpose1d: input [N, C, L], weight [C, OC/groups, K], bias [OC]
//   -> [N, OC, (L-1)*stride - 2*padding + dilation*(K-1) + output_padding + 1]
// The adjoint of conv1d with the same arguments (not its inverse).
Tensor3 conv_transpose1d(const Tensor3& input, const Tensor3& weight, const OptionalBias& bias = {},
                         Index stride = 1, Index padding = 0, Index output_padding = 0, Index groups = 1,
                         Index dilation = 1);

// F.conv_transpose2d: input [N, C, H, W], weight [C, OC/groups, KH, KW], bias [OC]
Tensor4 conv_transpose2d(const Tensor4& input, const Tensor4& weight, const OptionalBias& bias = {},
                         Size2 stride = 1, Size2 padding = 0, Size2 output_padding = 0, Index groups = 1,
                         Size2 dilation = 1);

// ------------------------------------------------- convolution as a matrix ---

// The matrix A of conv1d on one sample (zero padding, no bias):
//   vec(conv1d(x)) = A * vec(x),  x [C, L] -> y [OC, L_out], vec = row-major
// A is [OC*L_out, C*L].
SparseMatrix conv_matrix1d(Index length, const Tensor3& weight, Index stride = 1, Index padding = 0,
                           Index dilation = 1, Index groups = 1);

// The same for conv2d: x [C, H, W] -> y [OC, H_out, W_out]; A is
// [OC*H_out*W_out, C*H*W].
SparseMatrix conv_matrix2d(Index height, Index width, const Tensor4& weight, Size2 stride = 1, Size2 padding = 0,
                           Size2 dilation = 1, Index groups = 1);

// im2col (F.unfold) for one sample: x [C, H, W] -> [C*KH*KW, H_out*W_out].
// Row (c, kh, kw) and column (oh, ow), both in row-major order: column j is
// the window of output position j, read channel by channel.
Matrix im2col(const Tensor3& x, Size2 kernel, Size2 stride = 1, Size2 padding = 0, Size2 dilation = 1);

// col2im (F.fold), the adjoint of im2col: every column added back into its
// window of a [channels, image_h, image_w] tensor (overlaps add up).
Tensor3 col2im(const Matrix& columns, Index channels, Size2 image, Size2 kernel, Size2 stride = 1,
               Size2 padding = 0, Size2 dilation = 1);

}  // namespace convkata::ref
