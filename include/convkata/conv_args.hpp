// The per-dimension arguments of 2-D and 3-D operations, as PyTorch takes
// them: one number for every spatial dimension, or one number each.
//   conv2d(x, w, {}, 2)          stride=2            (2 along H and W)
//   conv2d(x, w, {}, {2, 1})     stride=(2, 1)       (2 along H, 1 along W)
//   conv2d(x, w, {}, 1, "same")  padding='same'
#pragma once

#include "convkata/errors.hpp"
#include "convkata/padding.hpp"
#include "convkata/tensor.hpp"

#include <array>
#include <string>

namespace convkata {

// One Index per spatial dimension: (H, W) or (D, H, W).
template <int S>
struct Size {
    std::array<Index, S> values{};

    Size(int all) { values.fill(all); }
    Size(long all) { values.fill(all); }
    Size(long long all) { values.fill(all); }
    template <typename... Each>
        requires(sizeof...(Each) == S && S > 1)
    Size(Each... each) : values{static_cast<Index>(each)...} {}

    Index operator[](int dim) const { return values[static_cast<std::size_t>(dim)]; }
    Index& operator[](int dim) { return values[static_cast<std::size_t>(dim)]; }
    friend bool operator==(const Size&, const Size&) = default;

    // "(2, 1)", as PyTorch prints a tuple.
    std::string to_string() const {
        std::string s = "(";
        for (int d = 0; d < S; ++d) s += (d ? ", " : "") + std::to_string(values[static_cast<std::size_t>(d)]);
        return s + ")";
    }
};

using Size2 = Size<2>;
using Size3 = Size<3>;

// The `padding` of F.conv2d / F.conv3d: an amount per dimension (the same on
// both sides of it), or "same" / "valid".
template <int S>
class SpatialPadding {
public:
    using Kind = Padding::Kind;

    SpatialPadding(int all) : amount_(all) {}
    SpatialPadding(long all) : amount_(all) {}
    SpatialPadding(long long all) : amount_(all) {}
    SpatialPadding(Size<S> amount) : amount_(amount) {}
    template <typename... Each>
        requires(sizeof...(Each) == S && S > 1)
    SpatialPadding(Each... each) : amount_(each...) {}
    SpatialPadding(const char* word) : SpatialPadding(std::string(word)) {}
    SpatialPadding(const std::string& word) : amount_(0), kind_(Padding(word).kind()) {}

    Kind kind() const { return kind_; }
    bool is_same() const { return kind_ == Kind::same; }
    bool is_valid() const { return kind_ == Kind::valid; }
    bool is_amount() const { return kind_ == Kind::amount; }
    // Per dimension, on each side; 0 for "valid"; not meaningful for "same".
    const Size<S>& amount() const { return amount_; }

    std::string to_string() const {
        if (is_same()) return "'same'";
        if (is_valid()) return "'valid'";
        return amount_.to_string();
    }

private:
    Size<S> amount_;
    Kind kind_ = Kind::amount;
};

using Padding2 = SpatialPadding<2>;
using Padding3 = SpatialPadding<3>;

}  // namespace convkata
