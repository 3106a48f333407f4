// Chapter 09's functions across the grading boundary (remote.hpp).
#include "pooling.hpp"
#include "remote.hpp"

namespace convkata::ch09 {
KATA_REMOTE(Tensor3, max_pool1d,
            (const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding, Index dilation,
             bool ceil_mode),
            (x, kernel_size, stride, padding, dilation, ceil_mode))
using Pooled3 = std::pair<Tensor3, IndexTensor<3>>;
using Pooled4 = std::pair<Tensor4, IndexTensor<4>>;
KATA_REMOTE(Pooled3, max_pool1d_with_indices,
            (const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding, Index dilation,
             bool ceil_mode),
            (x, kernel_size, stride, padding, dilation, ceil_mode))
KATA_REMOTE(Tensor4, max_pool2d,
            (const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding, Size2 dilation,
             bool ceil_mode),
            (x, kernel_size, stride, padding, dilation, ceil_mode))
KATA_REMOTE(Pooled4, max_pool2d_with_indices,
            (const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding, Size2 dilation,
             bool ceil_mode),
            (x, kernel_size, stride, padding, dilation, ceil_mode))
KATA_REMOTE(Tensor3, avg_pool1d,
            (const Tensor3& x, Index kernel_size, std::optional<Index> stride, Index padding, bool ceil_mode,
             bool count_include_pad),
            (x, kernel_size, stride, padding, ceil_mode, count_include_pad))
KATA_REMOTE(Tensor4, avg_pool2d,
            (const Tensor4& x, Size2 kernel_size, std::optional<Size2> stride, Size2 padding, bool ceil_mode,
             bool count_include_pad, std::optional<Index> divisor_override),
            (x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override))
KATA_REMOTE(Tensor4, adaptive_avg_pool2d, (const Tensor4& x, Size2 output_size), (x, output_size))
}  // namespace convkata::ch09
