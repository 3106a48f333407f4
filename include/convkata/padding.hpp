// How a convolution pads its input: how much (Padding) and with what (PadMode).
#pragma once

#include "convkata/errors.hpp"

#include <cstdint>
#include <string>

namespace convkata {

// The values a padded border takes, named as in PyTorch (nn.Conv1d's
// padding_mode; F.pad calls zeros "constant").
//   x = [1 2 3 4 5], two on each side:
//   zeros      0 0 | 1 2 3 4 5 | 0 0
//   reflect    3 2 | 1 2 3 4 5 | 4 3     (mirror, edge not repeated)
//   replicate  1 1 | 1 2 3 4 5 | 5 5     (edge repeated)
//   circular   4 5 | 1 2 3 4 5 | 1 2     (wrap around)
enum class PadMode { zeros, reflect, replicate, circular };

inline std::string to_string(PadMode mode) {
    switch (mode) {
        case PadMode::zeros: return "zeros";
        case PadMode::reflect: return "reflect";
        case PadMode::replicate: return "replicate";
        case PadMode::circular: return "circular";
    }
    return "?";
}

// Accepts nn.Conv1d's names and F.pad's "constant" for zeros.
inline PadMode pad_mode_from_string(const std::string& name) {
    if (name == "zeros" || name == "constant") return PadMode::zeros;
    if (name == "reflect") return PadMode::reflect;
    if (name == "replicate") return PadMode::replicate;
    if (name == "circular") return PadMode::circular;
    invalid("padding_mode", "padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', but got '", name,
            "'");
}

// The `padding` argument of F.conv1d: a number of zeros on each side, or one
// of the words "same" (output as long as the input; stride 1 only) and
// "valid" (no padding).
//   conv1d(x, w, {}, 1, 2)        padding=2
//   conv1d(x, w, {}, 1, "same")   padding='same'
class Padding {
public:
    enum class Kind { amount, same, valid };

    Padding(int amount) : amount_(amount) {}
    Padding(long amount) : amount_(amount) {}
    Padding(long long amount) : amount_(amount) {}
    Padding(const char* word) : Padding(std::string(word)) {}
    Padding(const std::string& word) {
        if (word == "same") {
            kind_ = Kind::same;
        } else if (word == "valid") {
            kind_ = Kind::valid;
        } else {
            invalid("padding", "Invalid padding string: '", word, "' (expected 'same' or 'valid')");
        }
    }

    Kind kind() const { return kind_; }
    bool is_same() const { return kind_ == Kind::same; }
    bool is_valid() const { return kind_ == Kind::valid; }
    bool is_amount() const { return kind_ == Kind::amount; }
    // The number of padded elements on each side; 0 for "valid", and not
    // meaningful for "same" (use same_padding from shape.hpp).
    std::int64_t amount() const { return amount_; }

    std::string to_string() const {
        if (is_same()) return "'same'";
        if (is_valid()) return "'valid'";
        return std::to_string(amount_);
    }

private:
    Kind kind_ = Kind::amount;
    std::int64_t amount_ = 0;
};

}  // namespace convkata
