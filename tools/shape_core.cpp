// The core of `kata shape`: parse layers written the way torch.nn builds
// them, check them the way PyTorch does, and work out their shapes,
// parameters and multiply-accumulates with the arithmetic shown. See
// shape_core.hpp. Every output size is computed by include/convkata/shape.hpp;
// this file only lays the numbers out.

#include "shape_core.hpp"

#include "convkata/errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kata_shape {
namespace {

using convkata::invalid;
using json = nlohmann::json;

// No argument may be larger: then every formula (products of two sizes
// included) stays far inside 64 bits. Totals are multiplied with a check.
constexpr Index kLargest = 1'000'000'000;
// --solve tries candidates one by one; this many is past any real layer.
constexpr Index kMostCandidates = 20'000'000;
// --solve lists at most this many values per dimension (then "and N more").
constexpr std::size_t kMostListed = 24;

// ------------------------------------------------------------------ text ---
std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\n\r");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\n\r") - first + 1);
}

std::string join(const std::vector<Index>& values, const std::string& separator) {
    std::string s;
    for (std::size_t i = 0; i < values.size(); ++i) s += (i ? separator : "") + std::to_string(values[i]);
    return s;
}

// How Python prints a tuple: "(7, 7)", "(3,)".
std::string python_tuple(const std::vector<Index>& values) {
    return "(" + join(values, ", ") + (values.size() == 1 ? ",)" : ")");
}

// A per-dimension argument in a message: a plain number in 1-D, a tuple otherwise.
std::string shown(const std::vector<Index>& values) {
    return values.size() == 1 ? std::to_string(values[0]) : "(" + join(values, ", ") + ")";
}

// "[2, 3, 10]", as PyTorch (and convkata::shape_string) print a size; written
// here so that the tool does not compile Eigen for one line.
std::string shape_text(const Shape& shape) { return "[" + join(shape, ", ") + "]"; }

// 9472 -> "9,472", for the table.
std::string with_commas(Index n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

// 118013952 -> " (118.01 M)"; nothing below a thousand.
std::string magnitude(Index n) {
    static const std::pair<double, const char*> units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& [scale, unit] : units) {
        if (static_cast<double>(n) >= scale) {
            char buffer[48];
            std::snprintf(buffer, sizeof buffer, " (%.2f %s)", static_cast<double>(n) / scale, unit);
            return buffer;
        }
    }
    return "";
}

Index times(Index a, Index b, const std::string& op) {
    Index out = 0;
    if (__builtin_mul_overflow(a, b, &out)) invalid(op, "the sizes are too large to count (", a, " * ", b, ")");
    return out;
}

Index plus(Index a, Index b, const std::string& op) {
    Index out = 0;
    if (__builtin_add_overflow(a, b, &out)) invalid(op, "the sizes are too large to count (", a, " + ", b, ")");
    return out;
}

Index product(const std::vector<Index>& values, const std::string& op) {
    Index p = 1;
    for (Index v : values) p = times(p, v, op);
    return p;
}

// "64*3*7*7"
std::string product_text(const std::vector<Index>& values) { return values.empty() ? "1" : join(values, "*"); }

// "H", "W"; "L" in 1-D; "D", "H", "W" in 3-D.
std::vector<std::string> dim_names(std::size_t spatial) {
    if (spatial == 1) return {"L"};
    if (spatial == 2) return {"H", "W"};
    if (spatial == 3) return {"D", "H", "W"};
    std::vector<std::string> names;
    for (std::size_t d = 0; d < spatial; ++d) names.push_back("dim " + std::to_string(d + 2));
    return names;
}

// "H", "H and W", "D, H and W"
std::string names_text(const std::vector<std::string>& names) {
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) s += i + 1 == names.size() ? " and " : ", ";
        s += names[i];
    }
    return s;
}

// A layer that cannot be read at all (unknown name, unbalanced brackets):
// no operation to name yet, so the message starts with what is wrong.
template <typename... Parts>
[[noreturn]] void unreadable(const Parts&... parts) {
    std::ostringstream message;
    (message << ... << parts);
    throw std::invalid_argument(message.str());
}

// ---------------------------------------------------------------- layers ---
enum class Kind { conv, conv_transpose, max_pool, avg_pool, adaptive_avg_pool, batch_norm, linear, flatten };

// One name kata shape knows: the functional form (conv2d: in_channels left
// out, read from the input) or the nn class (Conv2d: in_channels first).
struct OpInfo {
    std::string name;    // as written
    std::string op;      // the torch.nn.functional name, for messages
    std::string module;  // the nn class
    Kind kind;
    int dims;             // spatial dimensions; 0: any (batch_norm), or none (linear, flatten)
    std::string first;    // in_channels, num_features or in_features: what the input's shape tells
    bool module_form;     // the nn class: `first` is its first positional argument, and required
    std::vector<std::string> positional;  // the other constructor arguments, in order
};

const std::vector<OpInfo>& ops() {
    static const std::vector<OpInfo> table = [] {
        std::vector<OpInfo> t;
        const std::vector<std::string> conv = {"out_channels", "kernel_size", "stride", "padding",
                                               "dilation", "groups", "bias", "padding_mode"};
        const std::vector<std::string> transposed = {"out_channels", "kernel_size", "stride", "padding",
                                                     "output_padding", "groups", "bias", "dilation", "padding_mode"};
        const std::vector<std::string> max_pool = {"kernel_size", "stride", "padding", "dilation", "return_indices",
                                                   "ceil_mode"};
        const std::vector<std::string> avg_pool1d = {"kernel_size", "stride", "padding", "ceil_mode",
                                                     "count_include_pad"};
        std::vector<std::string> avg_pool = avg_pool1d;
        avg_pool.push_back("divisor_override");
        const std::vector<std::string> norm = {"eps", "momentum", "affine", "track_running_stats"};
        auto both = [&](const std::string& op, const std::string& module, Kind kind, int dims,
                        const std::string& first, const std::vector<std::string>& positional) {
            t.push_back({op, op, module, kind, dims, first, false, positional});
            t.push_back({module, op, module, kind, dims, first, true, positional});
        };
        for (int d = 1; d <= 3; ++d) {
            const std::string n = std::to_string(d);
            both("conv" + n + "d", "Conv" + n + "d", Kind::conv, d, "in_channels", conv);
            both("conv_transpose" + n + "d", "ConvTranspose" + n + "d", Kind::conv_transpose, d, "in_channels",
                 transposed);
            both("max_pool" + n + "d", "MaxPool" + n + "d", Kind::max_pool, d, "", max_pool);
            both("avg_pool" + n + "d", "AvgPool" + n + "d", Kind::avg_pool, d, "", d == 1 ? avg_pool1d : avg_pool);
            both("adaptive_avg_pool" + n + "d", "AdaptiveAvgPool" + n + "d", Kind::adaptive_avg_pool, d, "",
                 {"output_size"});
            // BatchNorm1d/2d/3d only: the functional name takes any rank.
            t.push_back({"BatchNorm" + n + "d", "batch_norm", "BatchNorm" + n + "d", Kind::batch_norm, d,
                         "num_features", true, norm});
        }
        t.push_back({"batch_norm", "batch_norm", "BatchNorm", Kind::batch_norm, 0, "num_features", false, norm});
        both("linear", "Linear", Kind::linear, 0, "in_features", {"out_features", "bias"});
        both("flatten", "Flatten", Kind::flatten, 0, "", {"start_dim", "end_dim"});
        return t;
    }();
    return table;
}

// A name with underscores and case ignored: "maxpool2d" finds max_pool2d and MaxPool2d.
std::string folded(const std::string& name) {
    std::string s;
    for (char c : name)
        if (c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string known_names() {
    std::string s;
    for (const OpInfo& info : ops())
        if (!info.module_form) s += (s.empty() ? "" : ", ") + info.name;
    return s + " (and their nn classes: Conv2d, MaxPool2d, BatchNorm2d, Linear, ...)";
}

const OpInfo& find_op(const std::string& name) {
    for (const OpInfo& info : ops())
        if (info.name == name) return info;
    std::vector<std::string> near;
    for (const OpInfo& info : ops())
        if (folded(info.name) == folded(name)) near.push_back(info.name);
    if (!near.empty()) {
        std::string names;
        for (std::size_t i = 0; i < near.size(); ++i) names += (i ? " or " : "") + near[i];
        unreadable("unknown layer '", name, "': did you mean ", names, "?");
    }
    unreadable("unknown layer '", name, "'; kata shape knows ", known_names());
}

// -------------------------------------------------------- call syntax ---

// The positions of `separator` outside brackets and quotes; unbalanced
// brackets or an unclosed quote are refused, naming `where`.
std::vector<std::size_t> top_level_positions(const std::string& text, char separator, const std::string& where) {
    std::vector<std::size_t> found;
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[') {
            ++depth;
        } else if (c == ')' || c == ']') {
            if (--depth < 0) unreadable("unbalanced '", std::string(1, c), "' in ", where);
        } else if (c == separator && depth == 0) {
            found.push_back(i);
        }
    }
    if (quote) unreadable("unclosed quote in ", where);
    if (depth != 0) unreadable("unbalanced brackets in ", where);
    return found;
}

// Splits at the commas outside brackets and quotes. Empty pieces are kept
// (the caller decides whether a trailing comma is allowed).
std::vector<std::string> split_top_level(const std::string& text, const std::string& where) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t comma : top_level_positions(text, ',', where)) {
        parts.push_back(trim(text.substr(start, comma - start)));
        start = comma + 1;
    }
    parts.push_back(trim(text.substr(start)));
    return parts;
}

// The position of a keyword's '=' (outside brackets and quotes), or npos.
// `arg` is one piece of split_top_level, so its brackets and quotes balance.
std::size_t keyword_equals(const std::string& arg) {
    const std::vector<std::size_t> equals = top_level_positions(arg, '=', "'" + arg + "'");
    return equals.empty() ? std::string::npos : equals.front();
}

bool is_identifier(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string strip_namespace(std::string name) {
    for (const std::string prefix : {"torch.nn.", "nn."})
        if (name.rfind(prefix, 0) == 0) return name.substr(prefix.size());
    return name;
}

// Names positional arguments and checks every keyword against the constructor.
LayerCall named_call(const std::string& text, const std::string& name,
                     const std::vector<std::string>& positional_values,
                     const std::vector<std::pair<std::string, std::string>>& keywords) {
    const OpInfo& info = find_op(name);
    std::vector<std::string> order;
    if (info.module_form && !info.first.empty()) order.push_back(info.first);
    order.insert(order.end(), info.positional.begin(), info.positional.end());
    if (positional_values.size() > order.size()) {
        invalid(info.op, info.name, "() takes at most ", order.size(), " positional arguments but ",
                positional_values.size(), " were given");
    }
    LayerCall call{text, info.name, {}};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < positional_values.size(); ++i) {
        call.args.emplace_back(order[i], positional_values[i]);
        seen.insert(order[i]);
    }
    for (const auto& [key, value] : keywords) {
        // in_channels (num_features, in_features) may be given by keyword to
        // the functional form too: it is then checked against the input.
        if (std::find(order.begin(), order.end(), key) == order.end() && (key != info.first || info.first.empty())) {
            std::string takes;
            for (const std::string& k : order) takes += (takes.empty() ? "" : ", ") + k;
            invalid(info.op, info.name, "() got an unexpected keyword argument '", key, "' (it takes ", takes, ")");
        }
        if (!seen.insert(key).second) invalid(info.op, info.name, "() got multiple values for argument '", key, "'");
        call.args.emplace_back(key, value);
    }
    return call;
}

// ---------------------------------------------------------------- values ---

// An argument's value: one item, or a list ("(3, 5)", "[3, 5]", "3,5").
struct Value {
    bool list = false;
    std::vector<std::string> items;
    std::string text;
};

std::string unquoted(const std::string& s) {
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
        return s.substr(1, s.size() - 2);
    return s;
}

Value parse_value(const std::string& raw) {
    Value v;
    v.text = trim(raw);
    std::string inner = v.text;
    if (!inner.empty() && (inner.front() == '(' || inner.front() == '[')) {
        const char close = inner.front() == '(' ? ')' : ']';
        if (inner.back() != close) unreadable("unbalanced brackets in '", v.text, "'");
        inner = inner.substr(1, inner.size() - 2);
        v.list = true;
    }
    std::vector<std::string> parts = split_top_level(inner, "'" + v.text + "'");
    if (v.list && trim(inner).empty()) parts.clear();           // "()" and "[]"
    if (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // "(3,)"
    if (parts.size() > 1) v.list = true;
    for (const std::string& part : parts) v.items.push_back(unquoted(trim(part)));
    return v;
}

std::optional<Index> as_integer(const std::string& s) {
    std::size_t i = (s.size() > 1 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == s.size() || !std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    if (s.size() - i > 10) return std::numeric_limits<Index>::max();  // caught by the range check
    return std::stoll(s);
}

bool is_none(const std::string& s) { return s == "None" || s == "none"; }

// The arguments of one call, read as the constructor reads them.
class Args {
public:
    Args(const OpInfo& info, const LayerCall& call) : info_(info) {
        for (const auto& [key, value] : call.args) values_[key] = parse_value(value);
    }

    const std::string& op() const { return info_.op; }
    bool given(const std::string& key) const { return values_.count(key) > 0; }
    // Given and not None.
    bool has(const std::string& key) const {
        const auto it = values_.find(key);
        return it != values_.end() && !(it->second.items.size() == 1 && !it->second.list && is_none(it->second.items[0]));
    }
    const Value& value(const std::string& key) const { return values_.at(key); }

    Index integer_item(const std::string& key, const std::string& item, const std::string& expected) const {
        const auto n = as_integer(item);
        if (!n) invalid(op(), "argument '", key, "' must be ", expected, ", but got ", value(key).text);
        if (*n > kLargest || *n < -kLargest) {
            invalid(op(), "argument '", key, "' is ", value(key).text, ": kata shape takes numbers up to ", kLargest);
        }
        return *n;
    }

    Index integer(const std::string& key, Index fallback) const {
        if (!has(key)) return fallback;
        const Value& v = value(key);
        if (v.list || v.items.size() != 1) invalid(op(), "argument '", key, "' must be an int, but got ", v.text);
        return integer_item(key, v.items[0], "an int");
    }

    std::optional<Index> optional_integer(const std::string& key) const {
        if (!has(key)) return std::nullopt;
        return integer(key, 0);
    }

    // An int for every dimension, or a tuple of one int per dimension, as
    // PyTorch's _single/_pair/_triple read them.
    std::vector<Index> sizes(const std::string& key, int dims, Index fallback) const {
        if (!has(key)) return std::vector<Index>(static_cast<std::size_t>(dims), fallback);
        const Value& v = value(key);
        const std::string expected = dims == 1 ? "an int" : "an int or a tuple of " + std::to_string(dims) + " ints";
        if (v.items.size() == 1) {
            return std::vector<Index>(static_cast<std::size_t>(dims), integer_item(key, v.items[0], expected));
        }
        if (v.items.size() != static_cast<std::size_t>(dims)) {
            invalid(op(), "expected ", key, " to be a single integer value or a list of ", dims,
                    " values to match the ", dims, "-D layer, but got ", key, "=", v.text);
        }
        std::vector<Index> out;
        for (const std::string& item : v.items) out.push_back(integer_item(key, item, expected));
        return out;
    }

    // stride=None (or left out) means "the kernel size" for the pools.
    std::optional<std::vector<Index>> optional_sizes(const std::string& key, int dims) const {
        if (!has(key) || (value(key).list && value(key).items.empty())) return std::nullopt;
        return sizes(key, dims, 0);
    }

    bool boolean(const std::string& key, bool fallback) const {
        if (!has(key)) return fallback;
        const Value& v = value(key);
        const std::string s = v.items.size() == 1 && !v.list ? v.items[0] : "";
        if (s == "True" || s == "true" || s == "1") return true;
        if (s == "False" || s == "false" || s == "0") return false;
        invalid(op(), "argument '", key, "' must be True or False, but got ", v.text);
    }

    double number(const std::string& key, double fallback) const {
        if (!has(key)) return fallback;
        const Value& v = value(key);
        try {
            std::size_t used = 0;
            const double x = std::stod(v.items.at(0), &used);
            if (!v.list && v.items.size() == 1 && used == v.items[0].size()) return x;
        } catch (const std::exception&) {
        }
        invalid(op(), "argument '", key, "' must be a number, but got ", v.text);
    }

    // A word argument (padding='same', padding_mode='zeros'), or "" when the value is not a word.
    std::string word(const std::string& key) const {
        if (!has(key)) return "";
        const Value& v = value(key);
        if (v.list || v.items.size() != 1 || as_integer(v.items[0])) return "";
        return v.items[0];
    }

    void require(const std::string& key) const {
        if (!given(key)) invalid(op(), info_.name, "() missing required argument: '", key, "'");
    }

private:
    const OpInfo& info_;
    std::map<std::string, Value> values_;
};

// --------------------------------------------------------------- inputs ---

// The input with its batch dimension: PyTorch also takes an unbatched
// [C, spatial...] input and answers without the batch dimension.
struct Batched {
    Shape shape;
    bool unbatched = false;
    Shape answer(Shape out) const {
        if (unbatched) out.erase(out.begin());
        return out;
    }
};

Batched batched_input(const std::string& op, const Shape& input, int spatial) {
    const auto rank = static_cast<int>(input.size());
    if (rank == spatial + 2) return {input, false};
    if (rank == spatial + 1) {
        Shape shape = input;
        shape.insert(shape.begin(), 1);
        return {shape, true};
    }
    invalid(op, "Expected ", spatial + 1, "D (unbatched) or ", spatial + 2, "D (batched) input to ", op,
            ", but got input of size: ", shape_text(input));
}

Shape spatial_of(const Shape& batched) { return Shape(batched.begin() + 2, batched.end()); }

// ---------------------------------------------------------------- windows ---

// One spatial dimension of a convolution or a pool: everything its output size depends on.
struct Window {
    Index in = 1, kernel = 1, stride = 1, pad_left = 0, pad_right = 0, dilation = 1, output_padding = 0;
    bool ceil_mode = false;

    Index padded() const { return in + pad_left + pad_right; }
    Index reach() const { return convkata::dilated_kernel_size(kernel, dilation); }
};

bool is_pool(Kind kind) { return kind == Kind::max_pool || kind == Kind::avg_pool; }

// The output size, from shape.hpp.
Index window_output(Kind kind, const Window& w) {
    switch (kind) {
        case Kind::conv: return convkata::output_size(w.in, w.kernel, w.stride, w.pad_left, w.pad_right, w.dilation);
        case Kind::conv_transpose:
            return convkata::transposed_output_size(w.in, w.kernel, w.stride, w.pad_left, w.output_padding, w.dilation);
        default: return convkata::pool_output_size(w.in, w.kernel, w.stride, w.pad_left, w.dilation, w.ceil_mode);
    }
}

// Whether PyTorch runs this dimension at all (the per-dimension part of its checks).
bool window_allowed(Kind kind, const Window& w) {
    if (kind == Kind::conv) return w.reach() <= w.padded();
    if (is_pool(kind) && w.pad_left > w.kernel / 2) return false;
    return window_output(kind, w) >= 1;
}

// "floor((224 + 2*3 - 1*(7-1) - 1)/2) + 1 = floor(221/2) + 1 = 112", with
// the numerator worked out so that the division can be checked by hand.
std::string window_formula(Kind kind, const Window& w) {
    const Index out = window_output(kind, w);
    std::ostringstream s;
    if (kind == Kind::conv_transpose) {
        s << "(" << w.in << " - 1)*" << w.stride << " - 2*" << w.pad_left << " + " << w.dilation << "*(" << w.kernel
          << "-1) + " << w.output_padding << " + 1 = " << out;
        return s.str();
    }
    const std::string pads = w.pad_left == w.pad_right
                                 ? "2*" + std::to_string(w.pad_left)
                                 : std::to_string(w.pad_left) + " + " + std::to_string(w.pad_right);
    const Index numerator = w.padded() - w.reach();  // = in + padding - dilation*(kernel-1) - 1
    const char* rounding = w.ceil_mode ? "ceil" : "floor";
    s << rounding << "((" << w.in << " + " << pads << " - " << w.dilation << "*(" << w.kernel << "-1) - 1)/"
      << w.stride << ") + 1 = " << rounding << "(" << numerator << "/" << w.stride << ") + 1 = ";
    if (w.ceil_mode && numerator + w.stride - 1 >= 0) {
        // The rounded-up count, from the same formula with stride-1 more elements.
        const Index rounded_up = convkata::output_size_padded(w.padded() + w.stride - 1, w.kernel, w.stride, w.dilation);
        if (rounded_up != out) {
            s << rounded_up << ", less the last window, which would start at " << (rounded_up - 1) * w.stride
              << " in the padded input, past the input and its left padding (" << w.in << " + " << w.pad_left
              << "): " << out;
            return s.str();
        }
    }
    s << out;
    return s.str();
}

// ------------------------------------------------------ convolutions ---

struct ConvLayer {
    const OpInfo* info = nullptr;
    Batched input;
    int dims = 0;
    Index in_channels = 0, out_channels = 0, groups = 1;
    bool bias = true;
    std::string padding_word;  // "same", "valid" or "" (an amount)
    std::string padding_mode = "zeros";
    std::vector<Index> kernel, stride, padding, dilation, output_padding;
    std::vector<Window> windows;
};

// The input channels, and what the nn class was told (checked against them).
Index channels_of(const Args& args, const OpInfo& info, const std::string& key, Index from_input) {
    if (info.module_form) args.require(key);
    return args.integer(key, from_input);
}

// The arguments of a convolution, with nn.ConvNd's constructor checks
// (groups, divisibility, padding strings). `solving` is left out of the
// required arguments: --solve fills it in.
ConvLayer read_conv(const OpInfo& info, const Args& args, const Shape& input, std::optional<Unknown> solving) {
    ConvLayer c;
    c.info = &info;
    c.dims = info.dims;
    const std::string& op = info.op;
    c.input = batched_input(op, input, c.dims);
    const bool transposed = info.kind == Kind::conv_transpose;
    const Index from_input = c.input.shape[1];
    c.in_channels = channels_of(args, info, "in_channels", from_input);
    if (solving) {
        c.out_channels = args.integer("out_channels", c.in_channels);
    } else {
        args.require("out_channels");
        c.out_channels = args.integer("out_channels", 0);
    }
    if (solving != Unknown::kernel_size) args.require("kernel_size");
    c.kernel = args.sizes("kernel_size", c.dims, 1);
    c.stride = args.sizes("stride", c.dims, 1);
    c.dilation = args.sizes("dilation", c.dims, 1);
    c.groups = args.integer("groups", 1);
    c.bias = args.boolean("bias", true);
    if (args.has("padding_mode")) c.padding_mode = args.word("padding_mode");
    c.padding_word = args.word("padding");
    if (c.padding_word.empty()) c.padding = args.sizes("padding", c.dims, 0);
    if (transposed) c.output_padding = args.sizes("output_padding", c.dims, 0);

    // nn.ConvNd.__init__'s checks, in its order and words.
    if (c.groups <= 0) invalid(op, "groups must be a positive integer");
    if (c.in_channels % c.groups != 0) {
        invalid(op, "in_channels must be divisible by groups (in_channels=", c.in_channels, ", groups=", c.groups, ")");
    }
    if (c.out_channels % c.groups != 0) {
        invalid(op, "out_channels must be divisible by groups (out_channels=", c.out_channels, ", groups=", c.groups,
                ")");
    }
    if (!c.padding_word.empty()) {
        if (transposed) invalid(op, "padding='", c.padding_word, "' is not supported: padding must be an amount");
        if (c.padding_word != "same" && c.padding_word != "valid") {
            invalid(op, "Invalid padding string '", c.padding_word, "', should be one of {'valid', 'same'}");
        }
        if (c.padding_word == "same" && std::any_of(c.stride.begin(), c.stride.end(), [](Index s) { return s != 1; })) {
            invalid(op, "padding='same' is not supported for strided convolutions (stride=", shown(c.stride), ")");
        }
    }
    static const std::set<std::string> modes = {"zeros", "reflect", "replicate", "circular"};
    if (!modes.count(c.padding_mode)) {
        invalid(op, "padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode=",
                args.value("padding_mode").text);
    }
    if (transposed && c.padding_mode != "zeros") {
        invalid(op, "Only \"zeros\" padding mode is supported for ", info.module);
    }
    return c;
}

std::vector<Window> conv_windows(const ConvLayer& c) {
    std::vector<Window> windows;
    const Shape in = spatial_of(c.input.shape);
    for (int d = 0; d < c.dims; ++d) {
        const auto i = static_cast<std::size_t>(d);
        Window w;
        w.in = in[i];
        w.kernel = c.kernel[i];
        w.stride = c.stride[i];
        w.dilation = c.dilation[i];
        if (c.padding_word == "same") {
            const convkata::PadPair pad = convkata::same_padding(w.kernel, w.dilation);
            w.pad_left = pad.left;
            w.pad_right = pad.right;
        } else if (c.padding_word.empty()) {
            w.pad_left = w.pad_right = c.padding[i];
        }
        if (!c.output_padding.empty()) w.output_padding = c.output_padding[i];
        windows.push_back(w);
    }
    return windows;
}

bool any_below(const std::vector<Index>& values, Index least) {
    return std::any_of(values.begin(), values.end(), [least](Index v) { return v < least; });
}

// The weight PyTorch would create: [OC, C/groups, k...], or [C, OC/groups, k...] transposed.
Shape weight_shape(const ConvLayer& c) {
    const bool transposed = c.info->kind == Kind::conv_transpose;
    Shape w = transposed ? Shape{c.in_channels, c.out_channels / c.groups}
                         : Shape{c.out_channels, c.in_channels / c.groups};
    w.insert(w.end(), c.kernel.begin(), c.kernel.end());
    return w;
}

// F.convNd's and F.conv_transposeNd's checks, as the reference makes them
// (reference/conv_nd.cpp), in its order: first the arguments...
void check_conv_arguments(const ConvLayer& c) {
    const std::string& op = c.info->op;
    const bool transposed = c.info->kind == Kind::conv_transpose;
    if (any_below(c.stride, 1)) invalid(op, "non-positive stride is not supported (stride=", join(c.stride, ", "), ")");
    if (any_below(c.padding, 0)) invalid(op, "negative padding is not supported (padding=", join(c.padding, ", "), ")");
    if (transposed && any_below(c.output_padding, 0)) {
        invalid(op, "negative output_padding is not supported (output_padding=", join(c.output_padding, ", "), ")");
    }
    if (any_below(c.dilation, 1)) {
        invalid(op, "dilation should be greater than zero, but got dilation=", join(c.dilation, ", "));
    }
    if (transposed) {
        for (int d = 0; d < c.dims; ++d) {
            const auto i = static_cast<std::size_t>(d);
            if (c.output_padding[i] >= std::max(c.stride[i], c.dilation[i])) {
                invalid(op, "output padding must be smaller than either stride or dilation, but got output_padding=(",
                        join(c.output_padding, ", "), "), stride=(", join(c.stride, ", "), "), dilation=(",
                        join(c.dilation, ", "), ")");
            }
        }
    }
    const Shape weight = weight_shape(c);
    if (transposed ? (c.in_channels < 1 || c.out_channels < 1) : c.out_channels < 1) {
        if (transposed) invalid(op, "expected a non-empty weight, but got weight of size ", shape_text(weight));
        invalid(op, "expected weight to be at least 1 at dimension 0, but got weight of size ", shape_text(weight));
    }
    if (any_below(c.kernel, 1)) {
        invalid(op, "kernel size should be greater than zero, but got weight of size ", shape_text(weight));
    }
    const Index channels = c.input.shape[1];
    if (channels != c.in_channels) {
        if (transposed) {
            invalid(op, "Given transposed=1, weight of size ", shape_text(weight), ", expected input",
                    shape_text(c.input.shape), " to have ", c.in_channels, " channels, but got ", channels,
                    " channels instead");
        }
        invalid(op, "Given groups=", c.groups, ", weight of size ", shape_text(weight), ", expected input",
                shape_text(c.input.shape), " to have ", c.in_channels, " channels, but got ", channels,
                " channels instead");
    }
}

// ... then the sizes: the kernel must fit the padded input, a transposed output must not vanish.
void check_conv_sizes(const ConvLayer& c) {
    const std::string& op = c.info->op;
    const bool transposed = c.info->kind == Kind::conv_transpose;
    std::vector<Index> padded, reach, in, out;
    bool fits = true, positive = true;
    for (const Window& w : c.windows) {
        padded.push_back(w.padded());
        reach.push_back(w.reach());
        in.push_back(w.in);
        out.push_back(window_output(c.info->kind, w));
        fits = fits && w.reach() <= w.padded();
        positive = positive && out.back() >= 1;
    }
    if (!transposed && !fits) {
        invalid(op, "Calculated padded input size per channel: (", join(padded, " x "), "). Kernel size: (",
                join(reach, " x "), "). Kernel size can't be greater than actual input size");
    }
    if (transposed && !positive) {
        invalid(op, "Given input size per channel: (", join(in, " x "), "). Calculated output size per channel: (",
                join(out, " x "), "). Output size is too small");
    }
}

// print(nn.Conv2d(...)): "Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))".
std::string conv_module(const ConvLayer& c) {
    std::ostringstream s;
    s << c.info->module << "(" << c.in_channels << ", " << c.out_channels << ", kernel_size=" << python_tuple(c.kernel)
      << ", stride=" << python_tuple(c.stride);
    if (!c.padding_word.empty()) {
        s << ", padding=" << c.padding_word;
    } else if (std::any_of(c.padding.begin(), c.padding.end(), [](Index p) { return p != 0; })) {
        s << ", padding=" << python_tuple(c.padding);
    }
    if (std::any_of(c.dilation.begin(), c.dilation.end(), [](Index d) { return d != 1; })) {
        s << ", dilation=" << python_tuple(c.dilation);
    }
    if (std::any_of(c.output_padding.begin(), c.output_padding.end(), [](Index p) { return p != 0; })) {
        s << ", output_padding=" << python_tuple(c.output_padding);
    }
    if (c.groups != 1) s << ", groups=" << c.groups;
    if (!c.bias) s << ", bias=False";
    if (c.padding_mode != "zeros") s << ", padding_mode=" << c.padding_mode;
    return s.str() + ")";
}

// "weight [64, 3, 7, 7] + bias [64] = 64*3*7*7 + 64 = 9408 + 64 = 9472"
std::string params_text(const Shape& weight, Index bias, Index total, const std::string& op) {
    const Index weights = product(weight, op);
    if (bias == 0) return "weight " + shape_text(weight) + " = " + product_text(weight) + " = " + std::to_string(total);
    return "weight " + shape_text(weight) + " + bias [" + std::to_string(bias) + "] = " + product_text(weight) + " + " +
           std::to_string(bias) + " = " + std::to_string(weights) + " + " + std::to_string(bias) + " = " +
           std::to_string(total);
}

// "(8/2)*3*3" for a group's channels times the kernel, or "3*7*7" without groups.
std::string group_taps(Index channels, Index groups, const std::vector<Index>& kernel) {
    std::string s = groups == 1 ? std::to_string(channels)
                                : "(" + std::to_string(channels) + "/" + std::to_string(groups) + ")";
    for (Index k : kernel) s += "*" + std::to_string(k);
    return s;
}

LayerResult conv_result(const ConvLayer& c, const Shape& input) {
    const std::string& op = c.info->op;
    const bool transposed = c.info->kind == Kind::conv_transpose;
    LayerResult r;
    r.op = op;
    r.module = conv_module(c);
    r.input = input;
    Shape out = {c.input.shape[0], c.out_channels};
    const std::vector<std::string> names = dim_names(c.windows.size());
    for (std::size_t d = 0; d < c.windows.size(); ++d) {
        out.push_back(window_output(c.info->kind, c.windows[d]));
        r.sizes.push_back(names[d] + ": " + window_formula(c.info->kind, c.windows[d]));
    }
    r.output = c.input.answer(out);
    if (c.padding_word == "same") {
        for (std::size_t d = 0; d < c.windows.size(); ++d) {
            const Window& w = c.windows[d];
            if (w.pad_left != w.pad_right) {
                r.notes.push_back("padding='same' along " + names[d] + ": " + std::to_string(w.dilation) + "*(" +
                                  std::to_string(w.kernel) + "-1) = " + std::to_string(w.pad_left + w.pad_right) +
                                  " zeros, " + std::to_string(w.pad_left) + " on the left and " +
                                  std::to_string(w.pad_right) + " on the right (PyTorch puts the odd one last)");
            }
        }
    }

    const Shape weight = weight_shape(c);
    const Index bias = c.bias ? c.out_channels : 0;
    r.params = plus(product(weight, op), bias, op);
    r.params_sum = params_text(weight, bias, r.params, op);

    // A convolution's cost: every output sums (C/groups)*prod(kernel)
    // products. A transposed convolution spreads every input over
    // (OC/groups)*prod(kernel) outputs (the taps that land in the cropped
    // padding are computed too, as col2im does).
    const Shape& grid = transposed ? c.input.shape : Shape(out.begin(), out.end());
    const Index channels = transposed ? c.in_channels : c.out_channels;
    const Index per_group = transposed ? c.out_channels : c.in_channels;
    Shape counted = {grid[0], channels};
    counted.insert(counted.end(), grid.begin() + 2, grid.end());
    const Index points = product(counted, op);
    const Index taps = times(per_group / c.groups, product(c.kernel, op), op);
    r.macs = times(points, taps, op);
    std::ostringstream m;
    m << "each of the " << product_text(counted) << " = " << points
      << (transposed ? " input values is multiplied by " : " outputs sums ") << group_taps(per_group, c.groups, c.kernel)
      << " = " << taps << (transposed ? " weights: " : " products: ") << points << "*" << taps << " = " << r.macs
      << magnitude(r.macs);
    r.macs_sum = m.str();
    if (c.bias) r.notes.push_back("the bias adds are not multiply-accumulates and are not counted");
    return r;
}

// -------------------------------------------------------------- pooling ---

struct PoolLayer {
    const OpInfo* info = nullptr;
    Batched input;
    int dims = 0;
    std::vector<Index> kernel, stride, padding, dilation;
    bool ceil_mode = false;
    std::vector<Window> windows;
};

PoolLayer read_pool(const OpInfo& info, const Args& args, const Shape& input, std::optional<Unknown> solving) {
    PoolLayer p;
    p.info = &info;
    p.dims = info.dims;
    p.input = batched_input(info.op, input, p.dims);
    if (solving != Unknown::kernel_size) args.require("kernel_size");
    p.kernel = args.sizes("kernel_size", p.dims, 1);
    const auto stride = args.optional_sizes("stride", p.dims);
    if (!stride && solving == Unknown::kernel_size) {
        invalid(info.op, "--solve kernel_size needs the stride: with stride=None it follows the kernel_size");
    }
    p.stride = stride.value_or(p.kernel);
    p.padding = args.sizes("padding", p.dims, 0);
    p.dilation = args.sizes("dilation", p.dims, 1);
    p.ceil_mode = args.boolean("ceil_mode", false);
    if (info.kind == Kind::max_pool) args.boolean("return_indices", false);  // the indices have the output's shape
    if (info.kind == Kind::avg_pool) {
        args.boolean("count_include_pad", true);
        const auto divisor = args.optional_integer("divisor_override");
        if (divisor && *divisor == 0) invalid(info.op, "divisor_override must not be zero");
    }
    return p;
}

std::vector<Window> pool_windows(const PoolLayer& p) {
    std::vector<Window> windows;
    const Shape in = spatial_of(p.input.shape);
    for (std::size_t d = 0; d < in.size(); ++d) {
        Window w;
        w.in = in[d];
        w.kernel = p.kernel[d];
        w.stride = p.stride[d];
        w.pad_left = w.pad_right = p.padding[d];
        w.dilation = p.dilation[d];
        w.ceil_mode = p.ceil_mode;
        windows.push_back(w);
    }
    return windows;
}

// PyTorch's pool_shape_check, as the reference makes it (reference/pooling.cpp):
// first the arguments...
void check_pool_arguments(const PoolLayer& p) {
    const std::string& op = p.info->op;
    if (any_below(p.kernel, 1)) invalid(op, "kernel_size should be greater than zero, but got kernel_size=", shown(p.kernel));
    if (any_below(p.stride, 1)) invalid(op, "stride should be greater than zero, but got stride=", shown(p.stride));
    if (p.info->kind == Kind::max_pool && any_below(p.dilation, 1)) {
        invalid(op, "dilation should be greater than zero, but got dilation=", shown(p.dilation));
    }
    if (any_below(p.padding, 0)) invalid(op, "padding must be non-negative, but got padding=", shown(p.padding));
}

// ... then how the kernel, the padding and the input fit together.
void check_pool_sizes(const PoolLayer& p) {
    const std::string& op = p.info->op;
    for (std::size_t d = 0; d < p.kernel.size(); ++d) {
        if (p.padding[d] > p.kernel[d] / 2) {
            invalid(op, "padding should be at most half of kernel size, but got padding=", shown(p.padding),
                    " and kernel_size=", shown(p.kernel));
        }
    }
    std::vector<Index> out;
    for (const Window& w : p.windows) out.push_back(window_output(p.info->kind, w));
    if (any_below(out, 1)) {
        const std::string C = std::to_string(p.input.shape[1]);
        invalid(op, "Given input size: (", C, "x", join(spatial_of(p.input.shape), "x"), "). Calculated output size: (",
                C, "x", join(out, "x"), "). Output size is too small");
    }
}

LayerResult pool_result(const PoolLayer& p, const Shape& input) {
    LayerResult r;
    r.op = p.info->op;
    r.input = input;
    std::ostringstream module;
    // As print() shows a pool built with ints: one number when every dimension has the same.
    auto compact = [](const std::vector<Index>& v) {
        return std::all_of(v.begin(), v.end(), [&](Index x) { return x == v[0]; }) ? std::to_string(v[0])
                                                                                  : python_tuple(v);
    };
    module << p.info->module << "(kernel_size=" << compact(p.kernel) << ", stride=" << compact(p.stride)
           << ", padding=" << compact(p.padding);
    if (p.info->kind == Kind::max_pool) module << ", dilation=" << compact(p.dilation);
    module << ", ceil_mode=" << (p.ceil_mode ? "True" : "False") << ")";
    r.module = module.str();
    Shape out = {p.input.shape[0], p.input.shape[1]};
    const std::vector<std::string> names = dim_names(p.windows.size());
    for (std::size_t d = 0; d < p.windows.size(); ++d) {
        out.push_back(window_output(p.info->kind, p.windows[d]));
        r.sizes.push_back(names[d] + ": " + window_formula(p.info->kind, p.windows[d]));
    }
    r.output = p.input.answer(out);
    r.params_sum = "none: pooling has no weights";
    r.macs_sum = p.info->kind == Kind::max_pool
                     ? "0: max pooling compares, it does not multiply"
                     : "0: average pooling adds up each window and divides once per output; it multiplies nothing";
    return r;
}

LayerResult adaptive_result(const OpInfo& info, const Args& args, const Shape& input) {
    const Batched in = batched_input(info.op, input, info.dims);
    args.require("output_size");
    const Value& v = args.value("output_size");
    const auto dims = static_cast<std::size_t>(info.dims);
    if (v.items.size() != 1 && v.items.size() != dims) {
        invalid(info.op, "output_size must be an int or a tuple of ", dims, " ints or None, but got ", v.text);
    }
    std::vector<std::optional<Index>> sizes;
    for (std::size_t d = 0; d < dims; ++d) {
        const std::string& item = v.items[v.items.size() == 1 ? 0 : d];
        sizes.push_back(is_none(item) ? std::nullopt : std::optional<Index>(args.integer_item("output_size", item, "an int or None")));
    }
    std::vector<std::string> given;
    for (const auto& s : sizes) given.push_back(s ? std::to_string(*s) : "None");
    std::string given_text = v.list ? "(" : "";
    for (std::size_t d = 0; d < (v.list ? given.size() : 1); ++d) given_text += (d ? ", " : "") + given[d];
    if (v.list) given_text += given.size() == 1 ? ",)" : ")";
    for (const auto& s : sizes) {
        if (s && *s < 0) {
            invalid(info.op, "elements of output_size must be greater than or equal to 0, but got output_size=", given_text);
        }
    }
    LayerResult r;
    r.op = info.op;
    r.module = info.module + "(output_size=" + given_text + ")";
    r.input = input;
    Shape out = {in.shape[0], in.shape[1]};
    const Shape spatial = spatial_of(in.shape);
    const std::vector<std::string> names = dim_names(dims);
    for (std::size_t d = 0; d < dims; ++d) {
        const Index size = sizes[d].value_or(spatial[d]);
        out.push_back(size);
        if (!sizes[d]) {
            r.sizes.push_back(names[d] + ": output_size None keeps the input's " + std::to_string(spatial[d]));
        } else if (size == 0) {
            r.sizes.push_back(names[d] + ": output_size = 0: an empty output, as PyTorch gives");
        } else {
            r.sizes.push_back(names[d] + ": output_size = " + std::to_string(size) + " (output i averages inputs floor(i*" +
                              std::to_string(spatial[d]) + "/" + std::to_string(size) + ") .. ceil((i+1)*" +
                              std::to_string(spatial[d]) + "/" + std::to_string(size) + ") - 1)");
        }
    }
    r.output = in.answer(out);
    r.params_sum = "none: pooling has no weights";
    r.macs_sum = "0: average pooling adds up each window and divides once per output; it multiplies nothing";
    return r;
}

// ------------------------------------------------------------ batch norm ---

LayerResult batch_norm_result(const OpInfo& info, const Args& args, const Shape& input) {
    const std::string& op = info.op;
    const auto rank = static_cast<int>(input.size());
    if (info.dims == 1 && rank != 2 && rank != 3) invalid(op, "expected 2D or 3D input (got ", rank, "D input)");
    if (info.dims > 1 && rank != info.dims + 2) invalid(op, "expected ", info.dims + 2, "D input (got ", rank, "D input)");
    if (rank < 2) invalid(op, "expected an input [N, C, ...] of at least 2 dimensions, but got ", shape_text(input));
    const Index channels = input[1];
    const Index features = channels_of(args, info, "num_features", channels);
    const double eps = args.number("eps", 1e-5), momentum = args.number("momentum", 0.1);
    const bool affine = args.boolean("affine", true), tracked = args.boolean("track_running_stats", true);
    if (features != channels) {
        invalid(op, tracked ? "running_mean" : "weight", " should contain ", channels, " elements not ", features);
    }
    LayerResult r;
    r.op = op;
    std::ostringstream module;
    module << (info.module == "BatchNorm" ? "BatchNorm" + std::to_string(std::max(rank - 2, 1)) + "d" : info.module)
           << "(" << features << ", eps=" << eps << ", momentum=" << momentum
           << ", affine=" << (affine ? "True" : "False") << ", track_running_stats=" << (tracked ? "True" : "False") << ")";
    r.module = module.str();
    r.input = input;
    r.output = input;
    r.sizes.push_back("the same shape: each of the " + std::to_string(channels) +
                      " channels is normalised over the batch and every position");
    r.params = affine ? times(2, channels, op) : 0;
    r.params_sum = affine ? "weight [" + std::to_string(channels) + "] + bias [" + std::to_string(channels) + "] = " +
                                std::to_string(channels) + " + " + std::to_string(channels) + " = " + std::to_string(r.params)
                          : "none (affine=False)";
    if (tracked) {
        r.params_sum += "; the buffers running_mean [" + std::to_string(channels) + "] and running_var [" +
                        std::to_string(channels) + "] are not parameters";
    }
    r.macs = product(input, op);
    r.macs_sum = "one multiply-add per value at inference (x*scale + shift, the statistics folded in): " +
                 product_text(input) + " = " + std::to_string(r.macs) + magnitude(r.macs);
    Index per_channel = 1;
    for (std::size_t d = 0; d < input.size(); ++d)
        if (d != 1) per_channel = times(per_channel, input[d], op);
    if (per_channel == 1) {
        r.notes.push_back("in training mode PyTorch refuses this input: Expected more than 1 value per channel when "
                          "training, got input size " + shape_text(input));
    }
    return r;
}

// --------------------------------------------------------- linear, flatten ---

LayerResult linear_result(const OpInfo& info, const Args& args, const Shape& input) {
    const std::string& op = info.op;
    if (input.empty()) invalid(op, "expected an input of at least 1 dimension");
    const Index in_features = channels_of(args, info, "in_features", input.back());
    args.require("out_features");
    const Index out_features = args.integer("out_features", 0);
    const bool bias = args.boolean("bias", true);
    if (in_features < 0 || out_features < 0) {
        invalid(op, "Trying to create tensor with negative dimension: in_features=", in_features,
                ", out_features=", out_features);
    }
    const Index rows = product(Shape(input.begin(), input.end() - 1), op);
    if (input.back() != in_features) {
        invalid(op, "mat1 and mat2 shapes cannot be multiplied (", rows, "x", input.back(), " and ", in_features, "x",
                out_features, ")");
    }
    LayerResult r;
    r.op = op;
    r.module = "Linear(in_features=" + std::to_string(in_features) + ", out_features=" + std::to_string(out_features) +
               ", bias=" + (bias ? "True" : "False") + ")";
    r.input = input;
    r.output = input;
    r.output.back() = out_features;
    r.sizes.push_back("the last dimension: in_features " + std::to_string(in_features) + " -> out_features " +
                      std::to_string(out_features));
    const Shape weight = {out_features, in_features};
    r.params = plus(product(weight, op), bias ? out_features : 0, op);
    r.params_sum = params_text(weight, bias ? out_features : 0, r.params, op);
    const Index outputs = product(r.output, op);
    r.macs = times(outputs, in_features, op);
    r.macs_sum = "each of the " + (r.output.size() > 1 ? product_text(r.output) + " = " : "") + std::to_string(outputs) + " outputs sums " +
                 std::to_string(in_features) + " products: " + std::to_string(outputs) + "*" +
                 std::to_string(in_features) + " = " + std::to_string(r.macs) + magnitude(r.macs);
    return r;
}

LayerResult flatten_result(const OpInfo& info, const Args& args, const Shape& input) {
    const std::string& op = info.op;
    const auto rank = static_cast<Index>(input.size());
    Index start = args.integer("start_dim", 1), end = args.integer("end_dim", -1);
    for (Index dim : {start, end}) {
        if (dim < -rank || dim >= rank) {
            invalid(op, "Dimension out of range (expected to be in range of [", -rank, ", ", rank - 1, "], but got ", dim,
                    ")");
        }
    }
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    if (start > end) invalid(op, "flatten() has invalid args: start_dim cannot come after end_dim");
    const Shape merged(input.begin() + start, input.begin() + end + 1);
    LayerResult r;
    r.op = op;
    r.module = "Flatten(start_dim=" + std::to_string(args.integer("start_dim", 1)) +
               ", end_dim=" + std::to_string(args.integer("end_dim", -1)) + ")";
    r.input = input;
    r.output = Shape(input.begin(), input.begin() + start);
    r.output.push_back(product(merged, op));
    r.output.insert(r.output.end(), input.begin() + end + 1, input.end());
    r.sizes.push_back("dimensions " + std::to_string(start) + " to " + std::to_string(end) + " become one: " +
                      product_text(merged) + " = " + std::to_string(r.output[static_cast<std::size_t>(start)]));
    r.params_sum = "none";
    r.macs_sum = "0: a reshape, no arithmetic";
    return r;
}

// Adds what the refusal is about when a stack is long: which layer, on what.
[[noreturn]] void rethrow_in_stack(const std::invalid_argument& e, std::size_t index, std::size_t count,
                                   const LayerCall& call, const Shape& input, const std::string& op) {
    std::string message = e.what();
    if (message.rfind(op + ": ", 0) == 0) message = message.substr(op.size() + 2);
    throw std::invalid_argument("layer " + std::to_string(index + 1) + " of " + std::to_string(count) + ", " +
                                call.text + " on input " + shape_text(input) + ": " + message);
}

}  // namespace

// ================================================================== API ===

LayerCall parse_layer(const std::string& written) {
    const std::string text = trim(written);
    const std::string example = " (write a layer as a call, e.g. conv2d(16, kernel_size=3, padding=1))";
    const auto open = text.find('(');
    const std::string name = strip_namespace(trim(text.substr(0, open)));
    if (!is_identifier(name)) unreadable("cannot read the layer '", text, "'", example);
    if (open == std::string::npos) return named_call(text, name, {}, {});
    if (text.back() != ')') unreadable("the layer '", text, "' does not end with ')'", example);
    const std::string inside = text.substr(open + 1, text.size() - open - 2);
    std::vector<std::string> parts = split_top_level(inside, "'" + text + "'");
    if (trim(inside).empty()) parts.clear();
    if (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // a trailing comma, as Python allows
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> keywords;
    for (const std::string& part : parts) {
        if (part.empty()) unreadable("an empty argument in '", text, "'", example);
        const auto equals = keyword_equals(part);
        if (equals == std::string::npos) {
            if (!keywords.empty()) {
                unreadable("positional argument follows keyword argument in '", text, "'");
            }
            positional.push_back(part);
        } else {
            const std::string key = trim(part.substr(0, equals)), value = trim(part.substr(equals + 1));
            if (!is_identifier(key) || value.empty()) unreadable("cannot read '", part, "' in '", text, "'");
            keywords.emplace_back(key, value);
        }
    }
    return named_call(text, name, positional, keywords);
}

LayerCall layer_from_keywords(const std::string& name, const std::vector<std::pair<std::string, std::string>>& keywords) {
    std::string text = strip_namespace(trim(name)) + "(";
    for (std::size_t i = 0; i < keywords.size(); ++i) {
        text += (i ? ", " : "") + keywords[i].first + "=" + keywords[i].second;
    }
    text += ")";
    if (!is_identifier(strip_namespace(trim(name)))) unreadable("cannot read the layer name '", name, "'");
    return named_call(text, strip_namespace(trim(name)), {}, keywords);
}

Shape parse_shape(const std::string& written, const std::string& what) {
    std::string text = trim(written);
    const std::string example = "expected sizes like 1,3,224,224, but got '" + written + "'";
    if (!text.empty() && (text.front() == '[' || text.front() == '(')) {
        const char close = text.front() == '[' ? ']' : ')';
        if (text.back() != close) invalid(what, example);
        text = text.substr(1, text.size() - 2);
    }
    std::replace(text.begin(), text.end(), 'x', ',');
    Shape shape;
    std::string current;
    std::istringstream parts(text);
    while (std::getline(parts, current, ',')) {
        const auto n = as_integer(trim(current));
        if (!n) invalid(what, example);
        if (*n < 1 || *n > kLargest) invalid(what, "every size must be between 1 and ", kLargest, ", but got '", written, "'");
        shape.push_back(*n);
    }
    if (shape.empty() || (!text.empty() && text.back() == ',')) invalid(what, example);
    return shape;
}

LayerResult run_layer(const LayerCall& call, const Shape& input) {
    const OpInfo& info = find_op(call.name);
    const Args args(info, call);
    switch (info.kind) {
        case Kind::conv:
        case Kind::conv_transpose: {
            ConvLayer c = read_conv(info, args, input, std::nullopt);
            c.windows = conv_windows(c);
            check_conv_arguments(c);
            check_conv_sizes(c);
            return conv_result(c, input);
        }
        case Kind::max_pool:
        case Kind::avg_pool: {
            PoolLayer p = read_pool(info, args, input, std::nullopt);
            p.windows = pool_windows(p);
            check_pool_arguments(p);
            check_pool_sizes(p);
            return pool_result(p, input);
        }
        case Kind::adaptive_avg_pool: return adaptive_result(info, args, input);
        case Kind::batch_norm: return batch_norm_result(info, args, input);
        case Kind::linear: return linear_result(info, args, input);
        case Kind::flatten: return flatten_result(info, args, input);
    }
    invalid(info.op, "unknown layer kind");
}

StackResult run_stack(const Shape& input, const std::vector<LayerCall>& calls) {
    StackResult stack;
    stack.input = input;
    stack.calls = calls;
    Shape shape = input;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        LayerResult layer;
        try {
            layer = run_layer(calls[i], shape);
        } catch (const std::invalid_argument& e) {
            if (calls.size() == 1) throw;
            rethrow_in_stack(e, i, calls.size(), calls[i], shape, find_op(calls[i].name).op);
        }
        stack.params = plus(stack.params, layer.params, "kata shape");
        stack.macs = plus(stack.macs, layer.macs, "kata shape");
        shape = layer.output;
        stack.layers.push_back(std::move(layer));
    }
    return stack;
}

// ================================================================ solve ===

Unknown unknown_from_text(const std::string& text) {
    if (text == "kernel" || text == "kernel_size" || text == "kernel-size") return Unknown::kernel_size;
    if (text == "padding") return Unknown::padding;
    invalid("--solve", "kata shape solves for kernel_size or padding, not '", text, "'");
}

std::string to_string(Unknown unknown) { return unknown == Unknown::kernel_size ? "kernel_size" : "padding"; }

bool SolveResult::solved() const {
    return !dims.empty() && std::all_of(dims.begin(), dims.end(), [](const DimSolve& d) { return !d.found.empty(); });
}

namespace {

// The values tried for one dimension, in order, each with its output size
// (or none when PyTorch refuses it), until no later value can give `want`.
struct Search {
    Kind kind;
    Unknown unknown;
    Window base;  // the dimension, with the unknown to be set
    Index want;
    std::string op;
};

Window with_value(const Search& s, Index value) {
    Window w = s.base;
    if (s.unknown == Unknown::kernel_size) {
        w.kernel = value;
    } else {
        w.pad_left = w.pad_right = value;
    }
    return w;
}

Candidate candidate(const Search& s, Index value) {
    const Window w = with_value(s, value);
    return {value, w.dilation, window_output(s.kind, w), window_formula(s.kind, w)};
}

// The nearest output on one side of `want`, and the values that give it
// (numbers only while searching: the formulas are written at the end).
struct Nearest {
    std::optional<Index> out;
    std::vector<Index> values;

    void keep(Index value, Index output, bool below) {
        if (!out || (below ? output > *out : output < *out)) {
            out = output;
            values = {value};
        } else if (output == *out && values.size() < kMostListed) {
            values.push_back(value);
        }
    }
};

// Walks the values from the smallest: kernel_size from 1, padding from 0. The
// output is monotonic in either, so the walk ends as soon as it can only move
// away from `want` (or PyTorch would refuse every larger value).
DimSolve search(const Search& s) {
    DimSolve result;
    result.in = s.base.in;
    result.want = s.want;
    const bool kernel = s.unknown == Unknown::kernel_size;
    // Which way the output moves as the value grows.
    const bool grows = kernel ? s.kind == Kind::conv_transpose : s.kind != Kind::conv_transpose;
    std::vector<Index> found;
    Nearest below, above;
    for (Index value = kernel ? 1 : 0, tried = 0;; ++value) {
        if (++tried > kMostCandidates) {
            invalid(s.op, "--solve ", to_string(s.unknown), " gave up after trying ", kMostCandidates,
                    " values one by one (input size ", s.base.in, ", wanted ", s.want, "): the sizes are too large");
        }
        const Window w = with_value(s, value);
        if (is_pool(s.kind) && w.pad_left > w.kernel / 2) {
            if (kernel) continue;  // the kernel is too small for this padding yet
            break;                 // more padding only gets further from allowed
        }
        if (s.kind == Kind::conv && w.reach() > w.padded()) {
            if (kernel) break;  // and every larger kernel
            continue;           // more padding may make room
        }
        const Index out = window_output(s.kind, w);
        if (out < 1) {
            if (grows) continue;  // too small yet
            break;
        }
        if (out == s.want) {
            if (found.size() < kMostListed) {
                found.push_back(value);
            } else {
                ++result.more;
            }
        } else if (out < s.want) {
            below.keep(value, out, true);
            if (!grows) break;
        } else {
            above.keep(value, out, false);
            if (grows) break;
        }
    }
    for (Index value : found) result.found.push_back(candidate(s, value));
    for (Index value : below.values) result.below.push_back(candidate(s, value));
    for (Index value : above.values) result.above.push_back(candidate(s, value));
    return result;
}

std::string values_text(const std::vector<Candidate>& candidates, Unknown unknown) {
    std::string s;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        s += (i ? ", " : "") + to_string(unknown) + "=" + std::to_string(candidates[i].value);
        if (candidates[i].dilation != 1) s += " with dilation=" + std::to_string(candidates[i].dilation);
    }
    return s;
}

// Why nothing gives `want`, and the nearest sizes that something gives.
void explain_none(DimSolve& d, const Search& s) {
    const std::string what = to_string(s.unknown);
    if (d.below.empty() && d.above.empty()) {
        d.why.push_back("no " + what + " gives a layer PyTorch accepts here" +
                        (is_pool(s.kind) ? " (pooling needs padding <= kernel_size/2 and an output of at least 1)"
                                         : ""));
        return;
    }
    if (d.above.empty()) {
        d.why.push_back("the largest size any " + what + " gives is " + std::to_string(d.below[0].out) + " (" +
                        values_text(d.below, s.unknown) + ")");
    } else if (d.below.empty()) {
        d.why.push_back("the smallest size any " + what + " gives is " + std::to_string(d.above[0].out) + " (" +
                        values_text(d.above, s.unknown) + ")");
    } else {
        d.why.push_back("the nearest sizes are " + std::to_string(d.below[0].out) + " (" +
                        values_text(d.below, s.unknown) + ") and " + std::to_string(d.above[0].out) + " (" +
                        values_text(d.above, s.unknown) + ")");
        if (s.unknown == Unknown::kernel_size && s.base.dilation > 1) {
            d.why.push_back("with dilation=" + std::to_string(s.base.dilation) +
                            " each step of kernel_size moves the kernel's reach by " + std::to_string(s.base.dilation));
        } else if (s.unknown == Unknown::padding) {
            d.why.push_back("padding is added on both sides, so each step of padding adds 2 to the padded length");
        }
    }
    // Other knobs that would reach the size: output_padding adds to a
    // transposed output one for one, so the nearest sizes say which one to try.
    if (s.kind == Kind::conv_transpose) {
        bool suggested = false;
        for (const auto* nearest : {&d.below, &d.above}) {
            for (const Candidate& c : *nearest) {
                Search other = s;
                other.base.output_padding += s.want - c.out;
                if (suggested || other.base.output_padding < 0 ||
                    other.base.output_padding >= std::max(s.base.stride, s.base.dilation)) {
                    continue;
                }
                Search same_dilation = other;
                same_dilation.base.dilation = c.dilation;
                if (window_output(s.kind, with_value(same_dilation, c.value)) != s.want) continue;
                d.why.push_back("with output_padding=" + std::to_string(other.base.output_padding) + ": " +
                                values_text({c}, s.unknown) + " gives " + std::to_string(s.want));
                suggested = true;
            }
        }
    }
    if (s.kind == Kind::conv && s.unknown == Unknown::padding && s.base.stride == 1 && s.want == s.base.in) {
        const convkata::PadPair pad = convkata::same_padding(s.base.kernel, s.base.dilation);
        d.why.push_back("padding='same' pads " + std::to_string(pad.left) + " on the left and " +
                        std::to_string(pad.right) + " on the right, and keeps " + std::to_string(s.want));
    }
}

// With dilation left free, every (kernel_size, dilation) pair of the same
// reach gives the same size: list them after the dilation-1 kernels.
void add_dilated(DimSolve& d, const Search& s) {
    std::vector<Candidate> dilated;
    for (const Candidate& c : d.found) {
        const Index reach = c.value;  // found with dilation 1: the kernel is its own reach
        for (Index dilation = 2; dilation < reach; ++dilation) {
            if ((reach - 1) % dilation != 0) continue;
            Search other = s;
            other.base.dilation = dilation;
            const Index k = (reach - 1) / dilation + 1;
            if (!window_allowed(s.kind, with_value(other, k))) continue;
            if (d.found.size() + dilated.size() < kMostListed) {
                dilated.push_back(candidate(other, k));
            } else {
                ++d.more;
            }
        }
    }
    d.found.insert(d.found.end(), dilated.begin(), dilated.end());
}

std::string given_text(const std::vector<std::pair<std::string, std::string>>& parts) {
    std::string s;
    for (const auto& [key, value] : parts) s += (s.empty() ? "" : ", ") + key + "=" + value;
    return s;
}

}  // namespace

SolveResult solve(const LayerCall& call, const Shape& input, Unknown unknown, const Shape& wanted) {
    const OpInfo& info = find_op(call.name);
    const std::string what = to_string(unknown);
    if (info.kind != Kind::conv && info.kind != Kind::conv_transpose && !is_pool(info.kind)) {
        invalid(info.op, "--solve ", what, ": ", info.op, " has no ", what, " (it works for convolutions and pools)");
    }
    const Args args(info, call);
    if (args.given(what)) {
        invalid(info.op, "--solve ", what, ": leave ", what, " out, it is what kata shape solves for (it was given as ",
                args.value(what).text, ")");
    }
    // The layer's other arguments, read and checked as for the layer itself.
    std::vector<Window> windows;
    std::vector<std::pair<std::string, std::string>> given;
    bool dilation_free = !args.given("dilation") && info.kind != Kind::avg_pool && unknown == Unknown::kernel_size;
    if (info.kind == Kind::conv || info.kind == Kind::conv_transpose) {
        ConvLayer c = read_conv(info, args, input, unknown);
        if (unknown == Unknown::kernel_size && c.padding_word == "same") {
            invalid(info.op, "--solve kernel_size: with padding='same' every kernel_size keeps the input's size; "
                             "give the padding as an amount");
        }
        windows = conv_windows(c);
        given.emplace_back("stride", shown(c.stride));
        if (unknown != Unknown::padding) given.emplace_back("padding", c.padding_word.empty() ? shown(c.padding) : "'" + c.padding_word + "'");
        if (unknown != Unknown::kernel_size) given.emplace_back("kernel_size", shown(c.kernel));
        if (!dilation_free) given.emplace_back("dilation", shown(c.dilation));
        if (info.kind == Kind::conv_transpose) given.emplace_back("output_padding", shown(c.output_padding));
        // The argument checks; the unknown stands at 1 (kernel_size) or 0 (padding), which pass them.
        check_conv_arguments(c);
    } else {
        PoolLayer p = read_pool(info, args, input, unknown);
        windows = pool_windows(p);
        given.emplace_back("stride", shown(p.stride));
        if (unknown != Unknown::padding) given.emplace_back("padding", shown(p.padding));
        if (unknown != Unknown::kernel_size) given.emplace_back("kernel_size", shown(p.kernel));
        if (info.kind == Kind::max_pool && !dilation_free) given.emplace_back("dilation", shown(p.dilation));
        if (p.ceil_mode) given.emplace_back("ceil_mode", "True");
        check_pool_arguments(p);
    }
    if (unknown == Unknown::padding) {
        for (Window& w : windows) w.pad_left = w.pad_right = 0;
    }
    if (dilation_free) {
        for (Window& w : windows) w.dilation = 1;
    }

    // The wanted sizes: one for every dimension, one each, or a whole output shape.
    const auto dims = windows.size();
    std::vector<Index> want;
    if (wanted.size() == 1) {
        want.assign(dims, wanted[0]);
    } else if (wanted.size() == dims) {
        want = wanted;
    } else if (wanted.size() == input.size()) {
        want.assign(wanted.end() - static_cast<std::ptrdiff_t>(dims), wanted.end());
    } else {
        invalid("--output", "give one size for every spatial dimension, ", dims, " sizes (one each), or the whole "
                "output shape, but got ", shape_text(wanted));
    }

    SolveResult result;
    result.op = info.op;
    result.unknown = unknown;
    result.input = input;
    result.want = want;
    result.given = given_text(given) + (dilation_free ? ", any dilation" : "");
    const std::vector<std::string> names = dim_names(dims);
    std::vector<std::pair<Window, Index>> asked;
    for (std::size_t d = 0; d < dims; ++d) {
        // Dimensions asking the same question are answered once.
        bool same = false;
        for (std::size_t e = 0; e < asked.size(); ++e) {
            const Window& a = asked[e].first;
            const Window& b = windows[d];
            if (asked[e].second == want[d] && a.in == b.in && a.kernel == b.kernel && a.stride == b.stride &&
                a.pad_left == b.pad_left && a.pad_right == b.pad_right && a.dilation == b.dilation &&
                a.output_padding == b.output_padding) {
                result.dims[e].dims.push_back(names[d]);
                same = true;
                break;
            }
        }
        if (same) continue;
        const Search s{info.kind, unknown, windows[d], want[d], info.op};
        DimSolve answer = search(s);
        answer.dims = {names[d]};
        if (answer.found.empty()) {
            explain_none(answer, s);
        } else {
            answer.below.clear();  // the nearest sizes matter only when nothing fits
            answer.above.clear();
            if (dilation_free) add_dilated(answer, s);
        }
        asked.emplace_back(windows[d], want[d]);
        result.dims.push_back(std::move(answer));
    }
    return result;
}

// =============================================================== output ===

std::string layer_text(const LayerResult& r) {
    std::ostringstream s;
    s << r.op << ": " << shape_text(r.input) << " -> " << shape_text(r.output) << "\n";
    s << "  " << r.module << "\n\n";
    for (const std::string& line : r.sizes) s << "  " << line << "\n";
    s << "\n  params: " << r.params_sum << "\n";
    s << "  MACs:   " << r.macs_sum << "\n";
    for (const std::string& note : r.notes) s << "  note: " << note << "\n";
    return s.str();
}

std::string stack_text(const StackResult& stack, bool explain) {
    std::vector<std::vector<std::string>> rows = {{"#", "layer", "output", "params", "MACs"},
                                                  {"", "input", shape_text(stack.input), "", ""}};
    for (std::size_t i = 0; i < stack.layers.size(); ++i) {
        const LayerResult& l = stack.layers[i];
        rows.push_back({std::to_string(i + 1), stack.calls[i].text, shape_text(l.output), with_commas(l.params),
                        with_commas(l.macs)});
    }
    rows.push_back({"", "total", shape_text(stack.output()), with_commas(stack.params), with_commas(stack.macs)});
    std::vector<std::size_t> width(5, 0);
    for (const auto& row : rows)
        for (std::size_t j = 0; j < row.size(); ++j) width[j] = std::max(width[j], row[j].size());
    std::ostringstream s;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i + 1 == rows.size()) {
            std::size_t all = 0;
            for (std::size_t w : width) all += w + 2;
            s << std::string(all - 2, '-') << "\n";
        }
        std::string line;
        for (std::size_t j = 0; j < rows[i].size(); ++j) {
            const std::string& cell = rows[i][j];
            const std::string pad(width[j] - cell.size(), ' ');
            // Numbers to the right, words to the left.
            line += (j ? "  " : "") + (j == 0 || j >= 3 ? pad + cell : cell + pad);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        s << line << "\n";
    }
    s << "\nparams " << stack.params << magnitude(stack.params) << ", MACs " << stack.macs << magnitude(stack.macs)
      << " (multiply-accumulates for one forward pass of the whole batch)\n";
    if (explain) {
        for (std::size_t i = 0; i < stack.layers.size(); ++i) {
            s << "\n" << i + 1 << ". " << layer_text(stack.layers[i]);
        }
    }
    return s.str();
}

std::string solve_text(const SolveResult& r) {
    const std::string what = to_string(r.unknown);
    std::ostringstream s;
    s << r.op << ": which " << what << " turns " << shape_text(r.input) << " into spatial size "
      << (r.want.size() == 1 ? std::to_string(r.want[0]) : "(" + join(r.want, ", ") + ")") << "? (" << r.given << ")\n";
    for (const DimSolve& d : r.dims) {
        s << "\n  " << names_text(d.dims) << ": " << d.in << " -> " << d.want;
        if (d.found.empty()) {
            s << ": no " << what << " gives " << d.want << "\n";
            for (const std::string& why : d.why) s << "    " << why << "\n";
            continue;
        }
        s << "\n";
        for (const Candidate& c : d.found) {
            s << "    " << what << "=" << c.value;
            if (c.dilation != 1) s << ", dilation=" << c.dilation;
            s << ": " << c.formula << "\n";
        }
        if (d.more) s << "    ... and " << d.more << " more\n";
    }
    return s.str();
}

namespace {

json candidates_json(const std::vector<Candidate>& candidates, Unknown unknown) {
    json list = json::array();
    for (const Candidate& c : candidates) {
        list.push_back({{to_string(unknown), c.value}, {"dilation", c.dilation}, {"out", c.out}, {"formula", c.formula}});
    }
    return list;
}

}  // namespace

std::string stack_json(const StackResult& stack) {
    json layers = json::array();
    for (std::size_t i = 0; i < stack.layers.size(); ++i) {
        const LayerResult& l = stack.layers[i];
        layers.push_back({{"layer", stack.calls[i].text}, {"op", l.op}, {"module", l.module}, {"input", l.input},
                          {"shape", l.output}, {"params", l.params}, {"macs", l.macs}});
    }
    const json answer = {{"input", stack.input}, {"shape", stack.output()}, {"params", stack.params},
                         {"macs", stack.macs}, {"layers", layers}};
    return answer.dump();
}

std::string solve_json(const SolveResult& r) {
    json dims = json::array();
    for (const DimSolve& d : r.dims) {
        dims.push_back({{"dims", d.dims}, {"in", d.in}, {"out", d.want}, {"solutions", candidates_json(d.found, r.unknown)},
                        {"more", d.more}, {"nearest_below", candidates_json(d.below, r.unknown)},
                        {"nearest_above", candidates_json(d.above, r.unknown)}, {"why", d.why}});
    }
    const json answer = {{"op", r.op}, {"solve", to_string(r.unknown)}, {"input", r.input}, {"output", r.want},
                         {"given", r.given}, {"solved", r.solved()}, {"dims", dims}};
    return answer.dump();
}

std::string error_json(const std::string& message) { return json({{"error", message}}).dump(); }

std::string layers_help() {
    return R"TEXT(Layers are written the way torch.nn builds them, with PyTorch's argument names and defaults:
  conv2d(16, kernel_size=3, padding=1)     the functional name: in_channels is left out, read from the input
  Conv2d(3, 16, 3, padding=1)              the nn class, exactly: in_channels first (checked against the input)
  max_pool2d(2)   batch_norm()   linear(10)   flatten()   nn.Flatten()
Sizes are an int or a tuple, one per spatial dimension: kernel_size=(3, 5); padding may be 'same' or
'valid' for convolutions; True/False for bias, ceil_mode, ...; None where PyTorch takes None.

  conv1d conv2d conv3d              (out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                                     bias=True, padding_mode='zeros')
  conv_transpose1d 2d 3d            (out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                                     groups=1, bias=True, dilation=1)
  max_pool1d 2d 3d                  (kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                                     ceil_mode=False)
  avg_pool1d 2d 3d                  (kernel_size, stride=None, padding=0, ceil_mode=False,
                                     count_include_pad=True[, divisor_override=None])
  adaptive_avg_pool1d 2d 3d         (output_size)              a tuple may hold None: keep that size
  batch_norm                        (eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                                     BatchNorm1d/2d/3d(num_features, ...) also check the input's rank
  linear                            (out_features, bias=True)  Linear(in_features, out_features, bias=True)
  flatten                           (start_dim=1, end_dim=-1)

Counting: params as sum(p.numel() for p in layer.parameters()); MACs = multiply-accumulates of one
forward pass (a convolution: outputs x (in_channels/groups) x kernel taps; a transposed convolution:
inputs x (out_channels/groups) x kernel taps; batch_norm: one per value, folded for inference;
pooling and flatten: 0). Bias adds are not counted.
)TEXT";
}

}  // namespace kata_shape
