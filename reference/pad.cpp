// Padding by whole-tensor slicing: each mode is a concatenation of pieces of
// the input (mirrored, repeated or wrapped), not an index formula per element
// as a learner would write it.
#include "reference.hpp"

#include "convkata/errors.hpp"

namespace convkata::ref {

namespace {

using Extent = Eigen::array<Index, 3>;

// input[:, :, begin:begin+length]
Tensor3 columns(const Tensor3& x, Index begin, Index length) {
    return x.slice(Extent{0, 0, begin}, Extent{x.dimension(0), x.dimension(1), length});
}

// a | b along the length. Eigen's concatenate asserts that neither piece is
// empty, and a side with no padding is an empty piece.
Tensor3 concat(const Tensor3& a, const Tensor3& b) {
    if (a.dimension(2) == 0) return b;
    if (b.dimension(2) == 0) return a;
    return a.concatenate(b, 2);
}

Tensor3 reversed(const Tensor3& x) { return x.reverse(Eigen::array<bool, 3>{false, false, true}); }

// `count` copies of column `at`.
Tensor3 repeated_column(const Tensor3& x, Index at, Index count) {
    return columns(x, at, 1).broadcast(Extent{1, 1, count});
}

}  // namespace

Tensor3 pad1d(const Tensor3& x, Index left, Index right, PadMode mode) {
    const Index length = x.dimension(2);
    if (left < 0 || right < 0) {
        invalid("pad1d", "negative padding (", left, ", ", right, ") is not supported");
    }
    switch (mode) {
        case PadMode::zeros: {
            Eigen::array<std::pair<Index, Index>, 3> amounts{{{0, 0}, {0, 0}, {left, right}}};
            return x.pad(amounts);
        }
        case PadMode::reflect:
            if (left >= length || right >= length) {
                invalid("pad1d", "Padding size should be less than the corresponding input dimension, but got: padding (",
                        left, ", ", right, ") at dimension 2 of input ", shape_string(x), " (reflect)");
            }
            // [x1 .. x_left] mirrored | x | [x_{L-1-right} .. x_{L-2}] mirrored
            return concat(concat(reversed(columns(x, 1, left)), x), reversed(columns(x, length - 1 - right, right)));
        case PadMode::replicate:
            if (length == 0 && left + right > 0) {
                invalid("pad1d", "cannot replicate the edge of an empty input ", shape_string(x));
            }
            if (left + right == 0) return x;
            return concat(concat(repeated_column(x, 0, left), x), repeated_column(x, length - 1, right));
        case PadMode::circular:
            if (left > length || right > length) {
                invalid("pad1d", "Padding value causes wrapping around more than once: padding (", left, ", ", right,
                        ") of input ", shape_string(x), " (circular)");
            }
            // the last `left` columns | x | the first `right` columns
            return concat(concat(columns(x, length - left, left), x), columns(x, 0, right));
    }
    invalid("pad1d", "unknown padding mode");
}

}  // namespace convkata::ref
