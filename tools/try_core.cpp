// The core of `kata try --json`: parse a request, call the chosen
// implementation, print the answer. See try_core.hpp and DESIGN.md.

#include "try_core.hpp"

#include "reference.hpp"

#include "convkata/errors.hpp"

#ifdef KATA_TRY_CH03
#include "03_padding/padding.hpp"
#endif
#ifdef KATA_TRY_CH04
#include "04_dilation/dilation.hpp"
#endif
#ifdef KATA_TRY_CH06
#include "06_groups/groups.hpp"
#endif
#ifdef KATA_TRY_CH08
#include "08_transposed/transposed.hpp"
#endif
#ifdef KATA_TRY_CH09
#include "09_pooling/pooling.hpp"
#endif
#ifdef KATA_TRY_CH10
#include "10_batch_norm/batch_norm.hpp"
#endif

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

namespace kata_try {
namespace {

using convkata::Index;
using convkata::Tensor;
using convkata::Tensor1;
using json = nlohmann::json;

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

// ------------------------------------------------------------ request parsing
struct Request {
    std::string op;
    const json* j;
    Impl impl;
    std::vector<std::string>* notes;

    bool has(const std::string& key) const { return j->contains(key) && !(*j)[key].is_null(); }
    const json& at(const std::string& key) const { return (*j)[key]; }
};

Index integer_value(const std::string& op, const std::string& key, const json& v) {
    if (!v.is_number_integer()) bad(op + "(): argument '" + key + "' must be an int, not " + v.dump());
    return v.get<Index>();
}

Index integer(const Request& r, const std::string& key, Index fallback) {
    return r.has(key) ? integer_value(r.op, key, r.at(key)) : fallback;
}

bool boolean(const Request& r, const std::string& key, bool fallback) {
    if (!r.has(key)) return fallback;
    if (!r.at(key).is_boolean()) bad(r.op + "(): argument '" + key + "' must be a bool, not " + r.at(key).dump());
    return r.at(key).get<bool>();
}

double number(const Request& r, const std::string& key, double fallback) {
    if (!r.has(key)) return fallback;
    if (!r.at(key).is_number()) bad(r.op + "(): argument '" + key + "' must be a number, not " + r.at(key).dump());
    return r.at(key).get<double>();
}

// An int, or a list of one int or S ints, as PyTorch's _single/_pair/_triple.
template <int S>
std::array<Index, S> sizes(const Request& r, const std::string& key, Index fallback) {
    std::array<Index, S> out;
    out.fill(fallback);
    if (!r.has(key)) return out;
    const json& v = r.at(key);
    if (v.is_array()) {
        if (v.size() == 1) {
            out.fill(integer_value(r.op, key, v[0]));
        } else if (v.size() == static_cast<std::size_t>(S)) {
            for (int d = 0; d < S; ++d) out[static_cast<std::size_t>(d)] = integer_value(r.op, key, v[static_cast<std::size_t>(d)]);
        } else {
            bad(r.op + "(): argument '" + key + "' must be an int or a list of " + std::to_string(S) +
                " ints, but got " + v.dump());
        }
        return out;
    }
    out.fill(integer_value(r.op, key, v));
    return out;
}

template <int S>
convkata::Size<S> size_of(const std::array<Index, S>& a) {
    convkata::Size<S> s(0);
    for (int d = 0; d < S; ++d) s[d] = a[static_cast<std::size_t>(d)];
    return s;
}

template <int S>
convkata::Size<S> size_arg(const Request& r, const std::string& key, Index fallback) {
    return size_of<S>(sizes<S>(r, key, fallback));
}

// stride=None (or []) means "the kernel size" for the pools.
template <int S>
std::optional<std::array<Index, S>> optional_sizes(const Request& r, const std::string& key) {
    if (!r.has(key) || (r.at(key).is_array() && r.at(key).empty())) return std::nullopt;
    return sizes<S>(r, key, 0);
}

std::string padding_word(const Request& r) {
    return r.has("padding") && r.at("padding").is_string() ? r.at("padding").get<std::string>() : "";
}

struct JsonTensor {
    std::vector<Index> shape;
    std::vector<float> data;
};

JsonTensor json_tensor(const Request& r, const std::string& key) {
    const json& v = r.at(key);
    if (!v.is_object() || !v.contains("shape") || !v.contains("data") || !v["shape"].is_array() ||
        !v["data"].is_array() || v.size() != 2)
        bad(r.op + "(): argument '" + key + "' must be a tensor {\"shape\": [...], \"data\": [...]}");
    JsonTensor t;
    Index count = 1;
    for (const json& d : v["shape"]) {
        const Index n = integer_value(r.op, key + ".shape", d);
        if (n < 0) bad(r.op + "(): argument '" + key + "' has a negative dimension in its shape " + v["shape"].dump());
        t.shape.push_back(n);
        count *= n;
    }
    for (const json& x : v["data"]) {
        if (!x.is_number()) bad(r.op + "(): argument '" + key + "' has a non-number in its data: " + x.dump());
        t.data.push_back(x.get<float>());
    }
    if (static_cast<Index>(t.data.size()) != count)
        bad(r.op + "(): argument '" + key + "' has shape " + v["shape"].dump() + " (" + std::to_string(count) +
            " values) but " + std::to_string(t.data.size()) + " values in data");
    return t;
}

template <int R>
Tensor<R> to_tensor(const JsonTensor& t) {
    std::array<Index, R> dims{};
    std::copy(t.shape.begin(), t.shape.end(), dims.begin());
    Tensor<R> out(dims);
    std::copy(t.data.begin(), t.data.end(), out.data());
    return out;
}

template <int R>
Tensor<R> tensor_of_rank(const Request& r, const std::string& key) {
    if (!r.has(key)) bad(r.op + "(): missing the tensor argument '" + key + "'");
    const JsonTensor t = json_tensor(r, key);
    if (static_cast<int>(t.shape.size()) != R)
        bad(r.op + "(): expected '" + key + "' to be " + std::to_string(R) + "-D, but got a tensor of shape " +
            convkata::shape_string(t.shape));
    return to_tensor<R>(t);
}

std::optional<Tensor1> optional_1d(const Request& r, const std::string& key) {
    if (!r.has(key)) return std::nullopt;
    return tensor_of_rank<1>(r, key);
}

// The input, batched: a tensor of rank R, or R-1 (unbatched) made batched.
template <int R>
Tensor<R> batched_input(const Request& r, bool& unbatched) {
    if (!r.has("input")) bad(r.op + "(): missing the tensor argument 'input'");
    JsonTensor t = json_tensor(r, "input");
    unbatched = static_cast<int>(t.shape.size()) == R - 1;
    if (unbatched) t.shape.insert(t.shape.begin(), 1);
    if (static_cast<int>(t.shape.size()) != R)
        bad(r.op + ": Expected " + std::to_string(R - 1) + "D (unbatched) or " + std::to_string(R) +
            "D (batched) input to " + r.op + ", but got input of size: " + convkata::shape_string(t.shape));
    return to_tensor<R>(t);
}

// ------------------------------------------------------------------ answers
std::string number_text(float x) {
    if (std::isnan(x)) return "\"nan\"";
    if (std::isinf(x)) return x > 0 ? "\"inf\"" : "\"-inf\"";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(x));
    return buffer;
}

template <int R>
std::string tensor_text(const Tensor<R>& t, bool drop_batch = false) {
    std::string s = "{\"shape\": [";
    for (int d = drop_batch ? 1 : 0; d < R; ++d) s += (d > (drop_batch ? 1 : 0) ? ", " : "") + std::to_string(t.dimension(d));
    s += "], \"data\": [";
    for (Index i = 0; i < t.size(); ++i) s += (i ? ", " : "") + number_text(t.data()[i]);
    return s + "]}";
}

std::string optional_text(const std::optional<Tensor1>& t) { return t ? tensor_text<1>(*t) : "null"; }

// Whether the chapter's code is used, with a note when it is not built here.
bool use_chapter(const Request& r, bool built, const std::string& chapter, const std::string& what) {
    if (r.impl == Impl::reference) return false;
    if (!built && r.notes)
        r.notes->push_back("note: chapter " + chapter + " is not built in this tree: " + what +
                           " is computed by the reference");
    return built;
}

#ifdef KATA_TRY_CH03
constexpr bool kCh03 = true;
#else
constexpr bool kCh03 = false;
#endif
#ifdef KATA_TRY_CH04
constexpr bool kCh04 = true;
#else
constexpr bool kCh04 = false;
#endif
#ifdef KATA_TRY_CH06
constexpr bool kCh06 = true;
#else
constexpr bool kCh06 = false;
#endif
#ifdef KATA_TRY_CH08
constexpr bool kCh08 = true;
#else
constexpr bool kCh08 = false;
#endif
#ifdef KATA_TRY_CH09
constexpr bool kCh09 = true;
#else
constexpr bool kCh09 = false;
#endif
#ifdef KATA_TRY_CH10
constexpr bool kCh10 = true;
#else
constexpr bool kCh10 = false;
#endif

// ---------------------------------------------------------------- operations
std::string conv1d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    const auto w = tensor_of_rank<3>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const Index stride = integer(r, "stride", 1), dilation = integer(r, "dilation", 1), groups = integer(r, "groups", 1);
    const std::string word = padding_word(r);
    const convkata::Padding padding = word.empty() ? convkata::Padding(integer(r, "padding", 0)) : convkata::Padding(word);
    const std::string mode_name = r.has("padding_mode") ? r.at("padding_mode").get<std::string>() : "zeros";
    const convkata::PadMode mode = convkata::pad_mode_from_string(mode_name);
    if (mode_name == "constant") bad("conv1d: padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', but got 'constant'");
    Tensor<3> y;
    if (groups == 1 && use_chapter(r, kCh04, "04", "conv1d")) {
#ifdef KATA_TRY_CH04
        y = convkata::ch04::conv1d(x, w, b, stride, padding, dilation, mode);
#endif
    } else if (groups != 1 && mode == convkata::PadMode::zeros && use_chapter(r, kCh06, "06", "grouped conv1d")) {
#ifdef KATA_TRY_CH06
        // A grouped conv1d is a conv2d of height 1.
        const Tensor<4> x4 = x.reshape(std::array<Index, 4>{x.dimension(0), x.dimension(1), 1, x.dimension(2)});
        const Tensor<4> w4 = w.reshape(std::array<Index, 4>{w.dimension(0), w.dimension(1), 1, w.dimension(2)});
        const convkata::Padding2 p2 = word.empty() ? convkata::Padding2(convkata::Size2(0, padding.amount()))
                                                   : convkata::Padding2(word);
        const Tensor<4> y4 = convkata::ch06::conv2d(x4, w4, b, convkata::Size2(1, stride), p2,
                                                    convkata::Size2(1, dilation), groups);
        y = y4.reshape(std::array<Index, 3>{y4.dimension(0), y4.dimension(1), y4.dimension(3)});
#endif
    } else {
        if (groups != 1 && mode != convkata::PadMode::zeros && r.impl != Impl::reference && r.notes)
            r.notes->push_back("note: a grouped conv1d with padding_mode '" + mode_name +
                               "' is computed by the reference (chapter 06's conv2d pads with zeros only)");
        y = convkata::ref::conv1d(x, w, b, stride, padding, dilation, groups, mode);
    }
    return tensor_text<3>(y, unbatched);
}

template <int S>
convkata::SpatialPadding<S> spatial_padding(const Request& r) {
    const std::string word = padding_word(r);
    if (!word.empty()) return convkata::SpatialPadding<S>(word);
    return convkata::SpatialPadding<S>(size_arg<S>(r, "padding", 0));
}

std::string conv2d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    const auto w = tensor_of_rank<4>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const auto stride = size_arg<2>(r, "stride", 1), dilation = size_arg<2>(r, "dilation", 1);
    const auto padding = spatial_padding<2>(r);
    const Index groups = integer(r, "groups", 1);
    Tensor<4> y;
    if (use_chapter(r, kCh06, "06", "conv2d")) {
#ifdef KATA_TRY_CH06
        y = convkata::ch06::conv2d(x, w, b, stride, padding, dilation, groups);
#endif
    } else {
        y = convkata::ref::conv2d(x, w, b, stride, padding, dilation, groups);
    }
    return tensor_text<4>(y, unbatched);
}

std::string conv3d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<5>(r, unbatched);
    const auto w = tensor_of_rank<5>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const auto y = convkata::ref::conv3d(x, w, b, size_arg<3>(r, "stride", 1), spatial_padding<3>(r),
                                         size_arg<3>(r, "dilation", 1), integer(r, "groups", 1));
    return tensor_text<5>(y, unbatched);
}

std::string conv_transpose1d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    const auto w = tensor_of_rank<3>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const Index stride = integer(r, "stride", 1), padding = integer(r, "padding", 0),
                output_padding = integer(r, "output_padding", 0), groups = integer(r, "groups", 1),
                dilation = integer(r, "dilation", 1);
    Tensor<3> y;
    if (use_chapter(r, kCh08, "08", "conv_transpose1d")) {
#ifdef KATA_TRY_CH08
        y = convkata::ch08::conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation);
#endif
    } else {
        y = convkata::ref::conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation);
    }
    return tensor_text<3>(y, unbatched);
}

std::string conv_transpose2d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    const auto w = tensor_of_rank<4>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const auto stride = size_arg<2>(r, "stride", 1), padding = size_arg<2>(r, "padding", 0),
               output_padding = size_arg<2>(r, "output_padding", 0), dilation = size_arg<2>(r, "dilation", 1);
    const Index groups = integer(r, "groups", 1);
    Tensor<4> y;
    if (use_chapter(r, kCh08, "08", "conv_transpose2d")) {
#ifdef KATA_TRY_CH08
        y = convkata::ch08::conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation);
#endif
    } else {
        y = convkata::ref::conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation);
    }
    return tensor_text<4>(y, unbatched);
}

void no_indices(const Request& r) {
    if (boolean(r, "return_indices", false))
        bad(r.op + "(): return_indices=True is not part of `kata try --json` (only the pooled values are returned)");
}

std::string max_pool1d(const Request& r) {
    no_indices(r);
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    if (!r.has("kernel_size")) bad("max_pool1d(): missing the argument 'kernel_size'");
    const Index k = sizes<1>(r, "kernel_size", 0)[0];
    const auto s = optional_sizes<1>(r, "stride");
    const std::optional<Index> stride = s ? std::optional<Index>((*s)[0]) : std::nullopt;
    const Index padding = sizes<1>(r, "padding", 0)[0], dilation = sizes<1>(r, "dilation", 1)[0];
    const bool ceil = boolean(r, "ceil_mode", false);
    Tensor<3> y;
    if (use_chapter(r, kCh09, "09", "max_pool1d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::max_pool1d(x, k, stride, padding, dilation, ceil);
#endif
    } else {
        y = convkata::ref::max_pool1d(x, k, stride, padding, dilation, ceil);
    }
    return tensor_text<3>(y, unbatched);
}

std::optional<convkata::Size2> optional_size2(const Request& r, const std::string& key) {
    const auto s = optional_sizes<2>(r, key);
    if (!s) return std::nullopt;
    return size_of<2>(*s);
}

std::string max_pool2d(const Request& r) {
    no_indices(r);
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    if (!r.has("kernel_size")) bad("max_pool2d(): missing the argument 'kernel_size'");
    const auto k = size_arg<2>(r, "kernel_size", 0);
    const auto stride = optional_size2(r, "stride");
    const auto padding = size_arg<2>(r, "padding", 0), dilation = size_arg<2>(r, "dilation", 1);
    const bool ceil = boolean(r, "ceil_mode", false);
    Tensor<4> y;
    if (use_chapter(r, kCh09, "09", "max_pool2d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::max_pool2d(x, k, stride, padding, dilation, ceil);
#endif
    } else {
        y = convkata::ref::max_pool2d(x, k, stride, padding, dilation, ceil);
    }
    return tensor_text<4>(y, unbatched);
}

std::string avg_pool1d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    if (!r.has("kernel_size")) bad("avg_pool1d(): missing the argument 'kernel_size'");
    const Index k = sizes<1>(r, "kernel_size", 0)[0];
    const auto s = optional_sizes<1>(r, "stride");
    const std::optional<Index> stride = s ? std::optional<Index>((*s)[0]) : std::nullopt;
    const Index padding = sizes<1>(r, "padding", 0)[0];
    const bool ceil = boolean(r, "ceil_mode", false), include = boolean(r, "count_include_pad", true);
    Tensor<3> y;
    if (use_chapter(r, kCh09, "09", "avg_pool1d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::avg_pool1d(x, k, stride, padding, ceil, include);
#endif
    } else {
        y = convkata::ref::avg_pool1d(x, k, stride, padding, ceil, include);
    }
    return tensor_text<3>(y, unbatched);
}

std::string avg_pool2d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    if (!r.has("kernel_size")) bad("avg_pool2d(): missing the argument 'kernel_size'");
    const auto k = size_arg<2>(r, "kernel_size", 0);
    const auto stride = optional_size2(r, "stride");
    const auto padding = size_arg<2>(r, "padding", 0);
    const bool ceil = boolean(r, "ceil_mode", false), include = boolean(r, "count_include_pad", true);
    const std::optional<Index> divisor =
        r.has("divisor_override") ? std::optional<Index>(integer(r, "divisor_override", 0)) : std::nullopt;
    Tensor<4> y;
    if (use_chapter(r, kCh09, "09", "avg_pool2d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::avg_pool2d(x, k, stride, padding, ceil, include, divisor);
#endif
    } else {
        y = convkata::ref::avg_pool2d(x, k, stride, padding, ceil, include, divisor);
    }
    return tensor_text<4>(y, unbatched);
}

std::string adaptive_avg_pool2d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    if (!r.has("output_size")) bad("adaptive_avg_pool2d(): missing the argument 'output_size'");
    // None in output_size keeps that dimension of the input.
    json size = r.at("output_size");
    if (size.is_array() && size.size() == 2)
        for (int d = 0; d < 2; ++d)
            if (size[static_cast<std::size_t>(d)].is_null()) size[static_cast<std::size_t>(d)] = x.dimension(2 + d);
    const json wrapper = {{"output_size", size}};
    const Request sized{r.op, &wrapper, r.impl, r.notes};
    const auto out = size_arg<2>(sized, "output_size", 0);
    Tensor<4> y;
    if (use_chapter(r, kCh09, "09", "adaptive_avg_pool2d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::adaptive_avg_pool2d(x, out);
#endif
    } else {
        y = convkata::ref::adaptive_avg_pool2d(x, out);
    }
    return tensor_text<4>(y, unbatched);
}

template <int R>
std::string batch_norm_rank(const Request& r, const JsonTensor& input) {
    const Tensor<R> x = to_tensor<R>(input);
    const auto mean = optional_1d(r, "running_mean"), var = optional_1d(r, "running_var");
    const auto weight = optional_1d(r, "weight"), bias = optional_1d(r, "bias");
    const bool training = boolean(r, "training", false);
    const double momentum = number(r, "momentum", 0.1), eps = number(r, "eps", 1e-5);
    Tensor<R> y;
    std::optional<Tensor1> mean_after, var_after;
    constexpr bool chapter_rank = R == 2 || R == 4;
    if (chapter_rank && use_chapter(r, kCh10, "10", "batch_norm")) {
#ifdef KATA_TRY_CH10
        if constexpr (chapter_rank) {
            auto result = convkata::ch10::batch_norm(x, mean, var, weight, bias, training, momentum, eps);
            y = result.output;
            mean_after = result.running_mean;
            var_after = result.running_var;
        }
#endif
    } else {
        auto result = convkata::ref::batch_norm<R>(x, mean, var, weight, bias, training, momentum, eps);
        y = result.output;
        mean_after = result.running_mean;
        var_after = result.running_var;
    }
    std::string s = tensor_text<R>(y);
    s.pop_back();
    return s + ", \"running_mean\": " + optional_text(mean_after) + ", \"running_var\": " + optional_text(var_after) +
           "}";
}

std::string batch_norm(const Request& r) {
    if (!r.has("input")) bad("batch_norm(): missing the tensor argument 'input'");
    const JsonTensor input = json_tensor(r, "input");
    switch (input.shape.size()) {
        case 2: return batch_norm_rank<2>(r, input);
        case 3: return batch_norm_rank<3>(r, input);
        case 4: return batch_norm_rank<4>(r, input);
        case 5: return batch_norm_rank<5>(r, input);
        default:
            bad("batch_norm: expected 2D, 3D, 4D or 5D input (got " + std::to_string(input.shape.size()) +
                "D input of shape " + convkata::shape_string(input.shape) + ")");
    }
}

std::string pad(const Request& r) {
    if (!r.has("input")) bad("pad(): missing the tensor argument 'input'");
    if (!r.has("pad") || !r.at("pad").is_array()) bad("pad(): argument 'pad' must be a list of ints");
    std::vector<Index> amounts;
    for (const json& v : r.at("pad")) amounts.push_back(integer_value("pad", "pad", v));
    const std::string mode_name = r.has("mode") ? r.at("mode").get<std::string>() : "constant";
    if (mode_name != "constant" && mode_name != "reflect" && mode_name != "replicate" && mode_name != "circular")
        bad("pad: Unrecognised padding mode " + mode_name);
    if (r.has("value") && number(r, "value", 0) != 0.0)
        bad("pad: only value=0 is supported by `kata try` (the workbook pads with zeros)");
    const JsonTensor input = json_tensor(r, "input");
    if (input.shape.size() != 3 || amounts.size() != 2)
        bad("pad: `kata try` pads the last dimension of a 3-D input [N, C, L] with a pad of 2 values "
            "(the workbook's pad1d), but got an input of shape " + convkata::shape_string(input.shape) +
            " and a pad of " + std::to_string(amounts.size()) + " values");
    const auto mode = convkata::pad_mode_from_string(mode_name);
    const Tensor<3> x = to_tensor<3>(input);
    Tensor<3> y;
    if (use_chapter(r, kCh03, "03", "pad")) {
#ifdef KATA_TRY_CH03
        y = convkata::ch03::pad1d(x, amounts[0], amounts[1], mode);
#endif
    } else {
        y = convkata::ref::pad1d(x, amounts[0], amounts[1], mode);
    }
    return tensor_text<3>(y);
}

struct Operation {
    std::function<std::string(const Request&)> run;
    std::set<std::string> keys;
};

// The functions behind the ops; their keys come from catalogue(), the one list.
const std::map<std::string, Operation>& operations() {
    static const std::map<std::string, Operation> ops = [] {
        const std::map<std::string, std::function<std::string(const Request&)>> functions = {
            {"conv1d", conv1d},
            {"conv2d", conv2d},
            {"conv3d", conv3d},
            {"conv_transpose1d", conv_transpose1d},
            {"conv_transpose2d", conv_transpose2d},
            {"max_pool1d", max_pool1d},
            {"max_pool2d", max_pool2d},
            {"avg_pool1d", avg_pool1d},
            {"avg_pool2d", avg_pool2d},
            {"adaptive_avg_pool2d", adaptive_avg_pool2d},
            {"batch_norm", batch_norm},
            {"pad", pad},
        };
        std::map<std::string, Operation> out;
        for (const OpInfo& info : catalogue()) {
            Operation& op = out[info.name];
            op.run = functions.at(info.name);
            for (const Keyword& k : info.keywords) op.keys.insert(k.name);
        }
        return out;
    }();
    return ops;
}

std::string error_text(const std::string& message) { return json{{"error", message}}.dump(); }

}  // namespace

std::string run_request(const std::string& text, Impl impl, int& exit_code, std::vector<std::string>* notes) {
    try {
        json request;
        try {
            request = json::parse(text);
        } catch (const json::parse_error& e) {
            exit_code = 2;
            return error_text(std::string("bad JSON: ") + e.what());
        }
        if (!request.is_object()) bad("the request must be a JSON object with an \"op\" key");
        if (!request.contains("op") || !request["op"].is_string()) bad("the request has no \"op\" (a string such as \"conv2d\")");
        const std::string op = request["op"].get<std::string>();
        const auto found = operations().find(op);
        if (found == operations().end()) {
            std::string known;
            for (const auto& [name, _] : operations()) known += (known.empty() ? "" : ", ") + name;
            bad("unknown op '" + op + "' (known: " + known + ")");
        }
        for (const auto& [key, _] : request.items())
            if (key != "op" && !found->second.keys.count(key))
                bad(op + "() got an unexpected keyword argument '" + key + "'");
        const Request r{op, &request, impl, notes};
        std::string out = found->second.run(r);
        exit_code = 0;
        return out;
    } catch (const convkata::not_implemented& e) {
        exit_code = 3;
        return error_text(std::string("not implemented: ") + e.what());
    } catch (const std::invalid_argument& e) {
        exit_code = 2;
        return error_text(e.what());
    } catch (const json::exception& e) {  // e.g. a string where a number belongs
        exit_code = 2;
        return error_text(std::string("bad request: ") + e.what());
    } catch (const std::exception& e) {
        exit_code = 1;
        return error_text(std::string("internal error: ") + e.what());
    }
}

namespace {

Keyword tensor_key(const std::string& name, const std::string& default_value, const std::string& accepts) {
    return {name, Keyword::Kind::tensor, default_value, accepts};
}
Keyword flag_key(const std::string& name, const std::string& default_value, const std::string& accepts = "bool") {
    return {name, Keyword::Kind::flag, default_value, accepts};
}
Keyword value_key(const std::string& name, const std::string& default_value, const std::string& accepts) {
    return {name, Keyword::Kind::value, default_value, accepts};
}

// The keywords a convolution shares, for S spatial dimensions.
std::vector<Keyword> conv_keys(int s, const std::string& input, const std::string& weight) {
    const std::string per_dim = s == 1 ? "int" : "int or " + std::to_string(s) + " ints";
    return {tensor_key("input", "", input),
            tensor_key("weight", "", weight),
            tensor_key("bias", "None", "[C_out]"),
            value_key("stride", "1", per_dim),
            value_key("padding", "0", per_dim + ", 'same' or 'valid'"),
            value_key("dilation", "1", per_dim),
            value_key("groups", "1", "int")};
}

std::vector<Keyword> conv_transpose_keys(int s, const std::string& input, const std::string& weight) {
    const std::string per_dim = s == 1 ? "int" : "int or " + std::to_string(s) + " ints";
    return {tensor_key("input", "", input),
            tensor_key("weight", "", weight),
            tensor_key("bias", "None", "[C_out]"),
            value_key("stride", "1", per_dim),
            value_key("padding", "0", per_dim),
            value_key("output_padding", "0", per_dim),
            value_key("groups", "1", "int"),
            value_key("dilation", "1", per_dim)};
}

}  // namespace

const std::vector<OpInfo>& catalogue() {
    static const std::vector<OpInfo> ops = [] {
        std::vector<Keyword> conv1d_keys =
            conv_keys(1, "[N, C_in, L], or unbatched [C_in, L]", "[C_out, C_in/groups, K]");
        conv1d_keys.push_back(value_key("padding_mode", "zeros", "zeros, reflect, replicate or circular (nn.Conv1d's)"));
        const std::string one = "int", two = "int or 2 ints";
        return std::vector<OpInfo>{
            {"conv1d", 3, "chapter 04 (04_dilation); groups > 1: chapter 06's conv2d (06_groups)",
             "--input '[[[1, 2, 3, 4, 5]]]' --weight '[[[1, 0, -1]]]' --bias '[0.5]' --padding 1", conv1d_keys},
            {"conv2d", 4, "chapter 06 (06_groups)",
             "--input '[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]' --weight '[[[[1, 0], [0, -1]]]]' --padding 1",
             conv_keys(2, "[N, C_in, H, W], or unbatched [C_in, H, W]", "[C_out, C_in/groups, kH, kW]")},
            {"conv3d", 5, "the reference (chapter 11's conv3d runs on CUDA)",
             "--input '[[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]]' --weight '[[[[[1, 0], [0, 1]], [[1, 0], [0, 1]]]]]'",
             conv_keys(3, "[N, C_in, D, H, W], or unbatched [C_in, D, H, W]", "[C_out, C_in/groups, kD, kH, kW]")},
            {"conv_transpose1d", 3, "chapter 08 (08_transposed)",
             "--input '[[[1, 2, 3]]]' --weight '[[[1, 1]]]' --stride 2",
             conv_transpose_keys(1, "[N, C_in, L], or unbatched [C_in, L]", "[C_in, C_out/groups, K]")},
            {"conv_transpose2d", 4, "chapter 08 (08_transposed)",
             "--input '[[[[1, 2], [3, 4]]]]' --weight '[[[[1, 1], [1, 1]]]]' --stride 2",
             conv_transpose_keys(2, "[N, C_in, H, W], or unbatched [C_in, H, W]", "[C_in, C_out/groups, kH, kW]")},
            {"max_pool1d", 3, "chapter 09 (09_pooling)", "--input '[[[1, 3, 2, 5, 4]]]' --kernel_size 2",
             {tensor_key("input", "", "[N, C, L], or unbatched [C, L]"), value_key("kernel_size", "", one),
              value_key("stride", "None", one + " (None: kernel_size)"), value_key("padding", "0", one),
              value_key("dilation", "1", one), flag_key("ceil_mode", "False"),
              flag_key("return_indices", "False", "bool (only False: kata try returns the values)")}},
            {"max_pool2d", 4, "chapter 09 (09_pooling)",
             "--input '[[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]' --kernel_size 2",
             {tensor_key("input", "", "[N, C, H, W], or unbatched [C, H, W]"), value_key("kernel_size", "", two),
              value_key("stride", "None", two + " (None: kernel_size)"), value_key("padding", "0", two),
              value_key("dilation", "1", two), flag_key("ceil_mode", "False"),
              flag_key("return_indices", "False", "bool (only False: kata try returns the values)")}},
            {"avg_pool1d", 3, "chapter 09 (09_pooling)",
             "--input '[[[1, 2, 3, 4, 5]]]' --kernel_size 2 --padding 1 --count_include_pad false",
             {tensor_key("input", "", "[N, C, L], or unbatched [C, L]"), value_key("kernel_size", "", one),
              value_key("stride", "None", one + " (None: kernel_size)"), value_key("padding", "0", one),
              flag_key("ceil_mode", "False"), flag_key("count_include_pad", "True")}},
            {"avg_pool2d", 4, "chapter 09 (09_pooling)",
             "--input '[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]' --kernel_size 2 --stride 1",
             {tensor_key("input", "", "[N, C, H, W], or unbatched [C, H, W]"), value_key("kernel_size", "", two),
              value_key("stride", "None", two + " (None: kernel_size)"), value_key("padding", "0", two),
              flag_key("ceil_mode", "False"), flag_key("count_include_pad", "True"),
              value_key("divisor_override", "None", "int")}},
            {"adaptive_avg_pool2d", 4, "chapter 09 (09_pooling)",
             "--input '[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]' --output_size 2",
             {tensor_key("input", "", "[N, C, H, W], or unbatched [C, H, W]"),
              value_key("output_size", "", "int or 2 (int or None: the input's size)")}},
            {"batch_norm", 0, "chapter 10 (10_batch_norm) for 2-D and 4-D inputs; the reference for 3-D and 5-D",
             "--input '[[1, 2], [3, 4], [5, 6]]' --running_mean '[0, 0]' --running_var '[1, 1]' --training",
             {tensor_key("input", "", "[N, C], [N, C, L], [N, C, H, W] or [N, C, D, H, W]"),
              tensor_key("running_mean", "None", "[C]"), tensor_key("running_var", "None", "[C]"),
              tensor_key("weight", "None", "[C]"), tensor_key("bias", "None", "[C]"), flag_key("training", "False"),
              value_key("momentum", "0.1", "number"), value_key("eps", "1e-05", "number")}},
            {"pad", 0, "chapter 03's pad1d (03_padding)", "--input '[[[1, 2, 3]]]' --pad 2,1 --mode reflect",
             {tensor_key("input", "", "[N, C, L] (kata try pads 3-D inputs)"),
              value_key("pad", "", "2 ints: left, right"),
              value_key("mode", "constant", "constant, reflect, replicate or circular"),
              value_key("value", "0", "number (only 0: the workbook pads with zeros)")}},
        };
    }();
    return ops;
}

const OpInfo* find_op(const std::string& name) {
    for (const OpInfo& op : catalogue())
        if (op.name == name) return &op;
    return nullptr;
}

std::string help_text() {
    return R"(kata-try --json [--impl mine|solution|reference]

Reads one JSON request on stdin and prints the answer on stdout (DESIGN.md):
  {"op": "conv2d", "input": {"shape": [...], "data": [...]}, "weight": {...}, "bias": null, "stride": 1, ...}
  -> {"shape": [...], "data": [...]}            exit 0
  -> {"error": "..."}                            exit 2: bad JSON, unknown op or key, arguments PyTorch refuses
  -> {"error": "... names the chapter ..."}      exit 3: the chapter's function is not implemented yet

Ops and keys (torch.nn.functional's names and defaults):
  conv1d(input, weight, bias, stride, padding, dilation, groups, padding_mode)
  conv2d / conv3d(input, weight, bias, stride, padding, dilation, groups)
  conv_transpose1d / conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)
  max_pool1d / max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)
  avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)
  avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
  adaptive_avg_pool2d(input, output_size)
  batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
      -> adds "running_mean" and "running_var" (tensor or null) to the answer
  pad(input, pad, mode, value)

--impl mine (default) and --impl solution both use the chapter code this build tree links (./kata try
picks the tree) (build/learner: your chapters;
build/solutions: the model solutions): conv1d -> ch04 (groups > 1: ch06's conv2d on [N, C, 1, L];
grouped with a padding_mode other than zeros: the reference),
conv2d -> ch06, conv_transpose1d/2d -> ch08, pools -> ch09, batch_norm of 2-D and 4-D inputs -> ch10,
pad of a 3-D input with 2 values -> ch03's pad1d. Everything else, and chapters not built in this
tree (a note on stderr), uses the reference. --impl reference uses convkata::ref for everything.
conv3d is always the reference: chapter 11's code runs on CUDA.

Differences from PyTorch, on purpose:
  - pad: only 3-D inputs with a pad of 2 values, only value=0, and no negative pads (F.pad crops).
  - conv1d: padding_mode (nn.Conv1d's argument) is accepted; "constant" is not a padding_mode.
  - max_pool return_indices=True is not supported.
  - non-finite results are printed as the strings "nan", "inf", "-inf" (JSON has no such numbers).
Floats are printed with %.9g, so they read back as the same float32.
)";
}

}  // namespace kata_try
