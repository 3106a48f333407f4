// Chapter 08's functions across the grading boundary (remote.hpp).
#include "remote.hpp"
#include "transposed.hpp"

namespace convkata::ch08 {
KATA_REMOTE(Index, transposed_output_length,
            (Index in, Index kernel, Index stride, Index padding, Index output_padding, Index dilation),
            (in, kernel, stride, padding, output_padding, dilation))
KATA_REMOTE(Tensor3, conv_transpose1d,
            (const Tensor3& x, const Tensor3& weight, const OptionalBias& bias, Index stride, Index padding,
             Index output_padding, Index groups, Index dilation),
            (x, weight, bias, stride, padding, output_padding, groups, dilation))
KATA_REMOTE(Tensor4, conv_transpose2d,
            (const Tensor4& x, const Tensor4& weight, const OptionalBias& bias, Size2 stride, Size2 padding,
             Size2 output_padding, Index groups, Size2 dilation),
            (x, weight, bias, stride, padding, output_padding, groups, dilation))
KATA_REMOTE(Tensor3, conv_transpose1d_via_matrix,
            (const Tensor3& x, const Tensor3& weight, Index stride, Index padding, Index output_padding, Index groups,
             Index dilation),
            (x, weight, stride, padding, output_padding, groups, dilation))
}  // namespace convkata::ch08
