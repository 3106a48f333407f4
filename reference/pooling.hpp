// The oracle for chapter 09: max and average pooling, computed with Eigen
// Tensor operations (the input framed by .pad(), every window gathered by
// extract_image_patches, then .maximum() / .argmax() / .sum() over the taps;
// adaptive pooling as two averaging matrices), where the model solution walks
// the windows with loops.
//
// Arguments, defaults and refusals follow torch.nn.functional. A 1-D call is
// a 2-D one with H = 1. Output sizes come from pool_output_size (shape.hpp).
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

#include <optional>
#include <utility>

namespace convkata::ref {

// F.max_pool1d: input [N, C, L] -> [N, C, L_out]; stride defaults to kernel_size.
// Windows are padded with minus infinity; padding <= kernel_size / 2.
Tensor3 max_pool1d(const Tensor3& input, Index kernel_size, std::optional<Index> stride = {}, Index padding = 0,
                   Index dilation = 1, bool ceil_mode = false);

// ... with return_indices=True: the position along L of every maximum (the
// first one on a tie), as F.max_pool1d(..., return_indices=True).
std::pair<Tensor3, IndexTensor<3>> max_pool1d_with_indices(const Tensor3& input, Index kernel_size,
                                                           std::optional<Index> stride = {}, Index padding = 0,
                                                           Index dilation = 1, bool ceil_mode = false);

// F.max_pool2d: input [N, C, H, W] -> [N, C, H_out, W_out].
Tensor4 max_pool2d(const Tensor4& input, Size2 kernel_size, std::optional<Size2> stride = {}, Size2 padding = 0,
                   Size2 dilation = 1, bool ceil_mode = false);

// ... with return_indices=True: indices h*W + w into each [H, W] plane.
std::pair<Tensor4, IndexTensor<4>> max_pool2d_with_indices(const Tensor4& input, Size2 kernel_size,
                                                           std::optional<Size2> stride = {}, Size2 padding = 0,
                                                           Size2 dilation = 1, bool ceil_mode = false);

// F.avg_pool1d: input [N, C, L] -> [N, C, L_out]. The sum of a window over
// its element count: padding included (count_include_pad) or not; a window
// reaching past the padding (ceil_mode) never counts what lies beyond it.
Tensor3 avg_pool1d(const Tensor3& input, Index kernel_size, std::optional<Index> stride = {}, Index padding = 0,
                   bool ceil_mode = false, bool count_include_pad = true);

// F.avg_pool2d: input [N, C, H, W] -> [N, C, H_out, W_out]; divisor_override,
// when given, replaces the count (0 is refused).
Tensor4 avg_pool2d(const Tensor4& input, Size2 kernel_size, std::optional<Size2> stride = {}, Size2 padding = 0,
                   bool ceil_mode = false, bool count_include_pad = true,
                   std::optional<Index> divisor_override = {});

// F.adaptive_avg_pool2d: input [N, C, H, W] -> [N, C, out_h, out_w]. Output
// row i averages input rows floor(i*H/out_h) .. ceil((i+1)*H/out_h) - 1, and
// the same along W. An output size of 0 gives an empty tensor, as in PyTorch.
Tensor4 adaptive_avg_pool2d(const Tensor4& input, Size2 output_size);

}  // namespace convkata::ref
