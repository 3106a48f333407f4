// Shape arithmetic: the one place the workbook writes the output-size formula.
//
// The reference, the tests, the tools and the CUDA chapter all call these;
// nothing else spells the formula out again. Every function is constexpr and
// __host__ __device__-friendly (no exceptions, no allocation): callers check
// their arguments first, then ask for sizes.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define CONVKATA_HD __host__ __device__
#else
#define CONVKATA_HD
#endif

namespace convkata {

using ShapeIndex = std::int64_t;

// How far a dilated kernel reaches: K taps with D-1 gaps between neighbours.
//   K=3, D=2:  x . x . x   -> 5
CONVKATA_HD constexpr ShapeIndex dilated_kernel_size(ShapeIndex kernel, ShapeIndex dilation) {
    return dilation * (kernel - 1) + 1;
}

// Number of windows of a (dilated) kernel that fit in an already padded length,
// stepping by `stride`. The tail that cannot hold a whole window is dropped
// (floor). Requires padded_length >= dilated_kernel_size(kernel, dilation).
CONVKATA_HD constexpr ShapeIndex output_size_padded(ShapeIndex padded_length, ShapeIndex kernel,
                                                    ShapeIndex stride = 1, ShapeIndex dilation = 1) {
    return (padded_length - dilated_kernel_size(kernel, dilation)) / stride + 1;
}

// PyTorch's output size with the same padding on both sides:
//   out = floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1
CONVKATA_HD constexpr ShapeIndex output_size(ShapeIndex in, ShapeIndex kernel, ShapeIndex stride = 1,
                                             ShapeIndex padding = 0, ShapeIndex dilation = 1) {
    return output_size_padded(in + 2 * padding, kernel, stride, dilation);
}

// Output size when the two sides are padded differently (padding="same" with
// an even total, or an explicit pad step before the convolution).
CONVKATA_HD constexpr ShapeIndex output_size(ShapeIndex in, ShapeIndex kernel, ShapeIndex stride,
                                             ShapeIndex pad_left, ShapeIndex pad_right, ShapeIndex dilation) {
    return output_size_padded(in + pad_left + pad_right, kernel, stride, dilation);
}

// The output size of a transposed convolution: the input size a convolution
// with the same arguments would have mapped to `in` (output_padding, smaller
// than the stride or the dilation, picks among the sizes a strided
// convolution maps to the same `in`):
//   out = (in - 1)*stride - 2*padding + dilation*(kernel-1) + output_padding + 1
CONVKATA_HD constexpr ShapeIndex transposed_output_size(ShapeIndex in, ShapeIndex kernel, ShapeIndex stride = 1,
                                                        ShapeIndex padding = 0, ShapeIndex output_padding = 0,
                                                        ShapeIndex dilation = 1) {
    return (in - 1) * stride - 2 * padding + dilated_kernel_size(kernel, dilation) + output_padding;
}

// Pooling's output size. With ceil_mode the division rounds up, so a last,
// partial window is kept, but only when it starts inside the input or the
// left padding (a window starting in the right padding would see nothing).
CONVKATA_HD constexpr ShapeIndex pool_output_size(ShapeIndex in, ShapeIndex kernel, ShapeIndex stride,
                                                  ShapeIndex padding = 0, ShapeIndex dilation = 1,
                                                  bool ceil_mode = false) {
    const ShapeIndex span = in + 2 * padding - dilated_kernel_size(kernel, dilation) + (ceil_mode ? stride - 1 : 0);
    // Rounded down, as PyTorch does, also when the span is negative.
    ShapeIndex out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1;
    if (ceil_mode && (out - 1) * stride >= in + padding) --out;
    return out;
}

struct PadPair {
    ShapeIndex left = 0;
    ShapeIndex right = 0;
    CONVKATA_HD constexpr ShapeIndex total() const { return left + right; }
    friend constexpr bool operator==(const PadPair&, const PadPair&) = default;
};

// padding="same" at stride 1: the total padding is dilation*(kernel-1), and
// when it is odd PyTorch puts the extra element on the right.
CONVKATA_HD constexpr PadPair same_padding(ShapeIndex kernel, ShapeIndex dilation = 1) {
    const ShapeIndex total = dilation * (kernel - 1);
    return {total / 2, total - total / 2};
}

// One layer of a stack, for receptive fields and shape tracing.
struct Layer1d {
    ShapeIndex kernel = 1;
    ShapeIndex stride = 1;
    ShapeIndex padding = 0;
    ShapeIndex dilation = 1;
};

}  // namespace convkata
