// Padding by whole-tensor slicing: each mode is a concatenation of pieces of
// the input (mirrored, repeated or wrapped), one dimension at a time, not an
// index formula per element as a learner would write it.
#include "reference.hpp"

#include "convkata/errors.hpp"

#include <algorithm>
#include <cmath>

namespace convkata::ref {

namespace {

// x[..., begin:begin+length, ...] along `dim`.
template <int R>
Tensor<R> slice(const Tensor<R>& x, int dim, Index begin, Index length) {
    Eigen::array<Index, R> offsets{}, extents = x.dimensions();
    offsets[static_cast<std::size_t>(dim)] = begin;
    extents[static_cast<std::size_t>(dim)] = length;
    return x.slice(offsets, extents);
}

// a | b along `dim`. Eigen's concatenate asserts that neither piece is empty,
// and a side with no padding is an empty piece.
template <int R>
Tensor<R> concat(const Tensor<R>& a, const Tensor<R>& b, int dim) {
    if (a.dimension(dim) == 0) return b;
    if (b.dimension(dim) == 0) return a;
    return a.concatenate(b, dim);
}

template <int R>
Tensor<R> reversed(const Tensor<R>& x, int dim) {
    Eigen::array<bool, R> flip{};
    flip[static_cast<std::size_t>(dim)] = true;
    return x.reverse(flip);
}

// `count` copies of the slice at `at`.
template <int R>
Tensor<R> repeated(const Tensor<R>& x, int dim, Index at, Index count) {
    Eigen::array<Index, R> times;
    times.fill(1);
    times[static_cast<std::size_t>(dim)] = count;
    return slice(x, dim, at, 1).broadcast(times);
}

// One dimension's padding in a mode other than constant, both amounts >= 0.
template <int R>
Tensor<R> grow(const Tensor<R>& x, int dim, Index left, Index right, const std::string& mode) {
    const Index size = x.dimension(dim);
    if (left == 0 && right == 0) return x;
    if (mode == "reflect") {
        // [x1 .. x_left] mirrored | x | [x_{n-1-right} .. x_{n-2}] mirrored
        return concat(concat(reversed(slice(x, dim, 1, left), dim), x, dim),
                      reversed(slice(x, dim, size - 1 - right, right), dim), dim);
    }
    if (mode == "replicate") {
        return concat(concat(repeated(x, dim, 0, left), x, dim), repeated(x, dim, size - 1, right), dim);
    }
    // circular: the last `left` elements | x | the first `right` elements
    return concat(concat(slice(x, dim, size - left, left), x, dim), slice(x, dim, 0, right), dim);
}

// The dimension that pad[2k], pad[2k+1] apply to: the last first.
int padded_dim(int rank, std::size_t k) { return rank - 1 - static_cast<int>(k); }

// The elements an amount adds (when > 0) and removes (when < 0).
Index added(Index amount) { return std::max<Index>(amount, 0); }
Index removed(Index amount) { return std::max<Index>(-amount, 0); }

// Every padded dimension grown by its positive amounts, in `mode`.
template <int R>
Tensor<R> grow_all(Tensor<R> y, const std::vector<Index>& pad, const std::string& mode) {
    for (std::size_t k = 0; k < pad.size() / 2; ++k) y = grow(y, padded_dim(R, k), added(pad[2 * k]), added(pad[2 * k + 1]), mode);
    return y;
}

// Every padded dimension cut by its negative amounts.
template <int R>
Tensor<R> crop_all(Tensor<R> y, const std::vector<Index>& pad) {
    for (std::size_t k = 0; k < pad.size() / 2; ++k) {
        const int dim = padded_dim(R, k);
        const Index left = removed(pad[2 * k]), right = removed(pad[2 * k + 1]);
        y = slice(y, dim, left, y.dimension(dim) - left - right);
    }
    return y;
}

// PyTorch 1.13 checks a non-constant pad's input for empty dimensions in two
// ways: reflect in 1-D and 2-D wants every dimension but the first non-empty;
// replicate, and reflect in 3-D, allow an empty batch only.
template <int R>
void check_not_empty(const Tensor<R>& x, const std::string& mode, int dims) {
    const bool batched = R == dims + 2;
    bool ok = true;
    if (mode == "reflect" && dims < 3) {
        for (int d = 1; d < R; ++d) ok = ok && x.dimension(d) != 0;
    } else {
        for (int d = batched ? 1 : 0; d < R; ++d) ok = ok && x.dimension(d) != 0;
    }
    if (!ok) {
        invalid("pad", "Expected ", dims + 1, "D or ", dims + 2,
                "D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ",
                shape_string(x), " (", mode, ")");
    }
}

template <int R>
Tensor<R> constant_pad(const Tensor<R>& x, const std::vector<Index>& pad, double value) {
    // Negative amounts crop first, as PyTorch's narrow does; positive ones then fill.
    bool grows = false;
    for (std::size_t k = 0; k < pad.size() / 2; ++k) {
        const int dim = padded_dim(R, k);
        const Index left = pad[2 * k], right = pad[2 * k + 1], size = x.dimension(dim);
        if (removed(left) + removed(right) > size) {
            invalid("pad", "the input size ", size, " along dimension ", dim, " cannot lose ", removed(left),
                    " element(s) on the left and ", removed(right), " on the right (padding (", left, ", ", right, "))");
        }
        grows = grows || left > 0 || right > 0;
    }
    const Tensor<R> cropped = crop_all(x, pad);
    if (!grows) return cropped;
    Eigen::array<std::pair<Index, Index>, R> amounts{};
    for (std::size_t k = 0; k < pad.size() / 2; ++k) {
        const int dim = padded_dim(R, k);
        const Index out = x.dimension(dim) + pad[2 * k] + pad[2 * k + 1];
        if (out <= 0) {
            invalid("pad", "The input size ", x.dimension(dim), ", plus negative padding ", pad[2 * k], " and ",
                    pad[2 * k + 1], " resulted in a negative output size, which is invalid. Check dimension ", dim,
                    " of your input.");
        }
        amounts[static_cast<std::size_t>(dim)] = {added(pad[2 * k]), added(pad[2 * k + 1])};
    }
    return cropped.pad(amounts, static_cast<float>(value));
}

template <int R>
Tensor<R> circular_pad(const Tensor<R>& x, const std::vector<Index>& pad) {
    const int dims = static_cast<int>(pad.size() / 2);
    if (R != dims + 2) {
        invalid("pad", "Invalid padding size, expected ", 2 * (R - 2), " but got ", pad.size(),
                " (circular padding takes a batched input [N, C, ...] and a pair per dimension after C)");
    }
    for (int k = 0; k < dims; ++k) {
        const int dim = padded_dim(R, static_cast<std::size_t>(k));
        const Index left = pad[2 * k], right = pad[2 * k + 1], size = x.dimension(dim);
        if (left > size || right > size) {
            invalid("pad", "Padding value causes wrapping around more than once: padding (", left, ", ", right,
                    ") of size ", size, " at dimension ", dim, " of input ", shape_string(x), " (circular)");
        }
        if (size + left + right < 0) {
            invalid("pad", "Negative padding value is resulting in an empty dimension: padding (", left, ", ", right,
                    ") of size ", size, " at dimension ", dim, " (circular)");
        }
        const Index kept = size - removed(left) - removed(right);
        if (left > kept || right > kept) {
            invalid("pad", "padding (", left, ", ", right, ") at dimension ", dim, " wraps around the ", kept,
                    " element(s) left after cropping more than once (circular)");
        }
    }
    // PyTorch crops first, then wraps what is left.
    return grow_all(crop_all(x, pad), pad, "circular");
}

// reflect and replicate: the positive amounts first, on the whole input, then
// the negative ones crop (both read the input at `output index - left`).
template <int R>
Tensor<R> edge_pad(const Tensor<R>& x, const std::vector<Index>& pad, const std::string& mode) {
    const int dims = static_cast<int>(pad.size() / 2);
    check_not_empty(x, mode, dims);
    bool some_output = false;
    for (int k = 0; k < dims; ++k) {
        const int dim = padded_dim(R, static_cast<std::size_t>(k));
        const Index left = pad[2 * k], right = pad[2 * k + 1], size = x.dimension(dim);
        if (mode == "reflect" && (left >= size || right >= size)) {
            invalid("pad", "Padding size should be less than the corresponding input dimension, but got: padding (",
                    left, ", ", right, ") at dimension ", dim, " of input ", shape_string(x), " (reflect)");
        }
        const Index out = size + left + right;
        if (out < 0 || (dims == 1 && out < 1)) {
            invalid("pad", "input (size ", size, " at dimension ", dim, ") is too small for padding (", left, ", ",
                    right, "). Calculated output size: ", out, " (", mode, ")");
        }
        some_output = some_output || out >= 1;
    }
    if (!some_output) {
        invalid("pad", "input ", shape_string(x), " is too small: every padded dimension of the output would be empty (",
                mode, ")");
    }
    return crop_all(grow_all(x, pad, mode), pad);
}

}  // namespace

template <int R>
Tensor<R> pad(const Tensor<R>& x, const std::vector<Index>& pad, const std::string& mode, std::optional<double> value) {
    if (mode != "constant" && mode != "reflect" && mode != "replicate" && mode != "circular") {
        invalid("pad", "Unrecognised padding mode ", mode);
    }
    // PyTorch's words exactly: kata try's tests hold the length of `pad` to them.
    if (pad.size() % 2 != 0) invalid("pad", "Padding length must be divisible by 2");
    if (pad.size() > 2 * static_cast<std::size_t>(R)) invalid("pad", "Padding length too large");
    if (mode == "constant") return constant_pad(x, pad, value.value_or(0.0));
    if (value && *value != 0.0) {
        invalid("pad", "Padding mode \"", mode, "\" doesn't take in value argument (got value=", *value, ")");
    }
    // PyTorch 1.13 pads 1, 2 or 3 dimensions in these modes, of an input with
    // or without its batch dimension.
    const int dims = static_cast<int>(pad.size() / 2);
    if (dims < 1 || dims > 3 || (R != dims + 1 && R != dims + 2)) {
        invalid("pad", "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (", mode,
                " padding of ", pad.size(), " values for an input of ", R, " dimensions ", shape_string(x), ")");
    }
    if (mode == "circular") return circular_pad(x, pad);
    return edge_pad(x, pad, mode);
}

template Tensor<1> pad(const Tensor<1>&, const std::vector<Index>&, const std::string&, std::optional<double>);
template Tensor<2> pad(const Tensor<2>&, const std::vector<Index>&, const std::string&, std::optional<double>);
template Tensor<3> pad(const Tensor<3>&, const std::vector<Index>&, const std::string&, std::optional<double>);
template Tensor<4> pad(const Tensor<4>&, const std::vector<Index>&, const std::string&, std::optional<double>);
template Tensor<5> pad(const Tensor<5>&, const std::vector<Index>&, const std::string&, std::optional<double>);
template Tensor<6> pad(const Tensor<6>&, const std::vector<Index>&, const std::string&, std::optional<double>);

Tensor3 pad1d(const Tensor3& x, Index left, Index right, PadMode mode) {
    // The workbook's pad1d: F.pad of the last dimension, without cropping.
    const Index length = x.dimension(2);
    if (left < 0 || right < 0) {
        invalid("pad1d", "negative padding (", left, ", ", right, ") is not supported");
    }
    if (mode == PadMode::reflect && (left >= length || right >= length)) {
        invalid("pad1d", "Padding size should be less than the corresponding input dimension, but got: padding (", left,
                ", ", right, ") at dimension 2 of input ", shape_string(x), " (reflect)");
    }
    if (mode == PadMode::replicate && length == 0 && left + right > 0) {
        invalid("pad1d", "cannot replicate the edge of an empty input ", shape_string(x));
    }
    if (mode == PadMode::circular && (left > length || right > length)) {
        invalid("pad1d", "Padding value causes wrapping around more than once: padding (", left, ", ", right,
                ") of input ", shape_string(x), " (circular)");
    }
    try {
        return pad<3>(x, {left, right}, mode == PadMode::zeros ? "constant" : to_string(mode), std::nullopt);
    } catch (const std::invalid_argument& e) {
        invalid("pad1d", e.what());
    }
}

}  // namespace convkata::ref
