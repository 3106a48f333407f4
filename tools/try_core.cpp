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
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace kata_try {
namespace {

using convkata::Index;
using convkata::Tensor;
using convkata::Tensor1;
using json = nlohmann::json;

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

// ------------------------------------------------------- PyTorch's words
// How PyTorch names the type of a value in its messages.
bool is_tensor(const json& v) { return v.is_object() && v.contains("shape") && v.contains("data"); }

std::string type_name(const json& v) {
    if (v.is_null()) return "NoneType";
    if (v.is_boolean()) return "bool";
    if (v.is_number_integer()) return "int";
    if (v.is_number()) return "float";
    if (v.is_string()) return "str";
    if (v.is_array()) return "list";
    return is_tensor(v) ? "Tensor" : "dict";
}

// What PyTorch calls the type it wanted.
std::string expected_type(const Keyword& k) {
    switch (k.type) {
        case Keyword::Type::tensor:
        case Keyword::Type::optional_tensor: return "Tensor";
        case Keyword::Type::output_size: return "tuple of SymInts";
        case Keyword::Type::int_list:
        case Keyword::Type::optional_int_list:
        case Keyword::Type::conv_padding:
        case Keyword::Type::pad_list: return "tuple of ints";
        case Keyword::Type::integer:
        case Keyword::Type::optional_integer: return "int";
        case Keyword::Type::boolean:
        case Keyword::Type::truthy: return "bool";
        case Keyword::Type::real:
        case Keyword::Type::optional_real: return "float";
        case Keyword::Type::word: return "str";
    }
    return "?";
}

bool is_int(const json& v) { return v.is_number_integer(); }  // nlohmann keeps bools apart

// An int list as PyTorch prints it: [2, 1] (a bool after the first element counts as 0 or 1).
std::vector<Index> int_values(const json& v) {
    if (!v.is_array()) return {v.get<Index>()};
    std::vector<Index> out;
    for (const json& e : v) out.push_back(e.is_boolean() ? Index(e.get<bool>()) : e.get<Index>());
    return out;
}

std::string replaced(std::string text, const std::string& what, const std::string& with) {
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
    return text;
}

// ------------------------------------------------------------ the request
// A request read against its op's keywords, as PyTorch's argument parser reads a call.
struct Request {
    const OpInfo& info;
    const json& j;
    std::vector<std::string> order;  // the request's keys as written
    Impl impl;
    std::vector<std::string>* notes;
    std::string function;  // the function whose parser speaks: the op, or max_pool1d_with_indices

    const std::string& op() const { return info.name; }
    bool given(const std::string& key) const { return j.contains(key); }
    bool has(const std::string& key) const { return given(key) && !j[key].is_null(); }
    const json& at(const std::string& key) const { return j[key]; }
    const Keyword& keyword(const std::string& key) const {
        for (const Keyword& k : info.keywords)
            if (k.name == key) return k;
        throw std::logic_error("kata try: no keyword '" + key + "' in the table of " + op());
    }
};

// conv1d/2d/3d have two signatures (padding as numbers or as a word), so
// PyTorch reports any argument it cannot place as "an invalid combination".
[[noreturn]] void invalid_combination(const Request& r) {
    // PyTorch collects the keywords in a std::unordered_map and lists them in
    // its order: the same container, filled in the same order, lists them alike.
    std::unordered_map<std::string, std::string> types;
    for (const std::string& key : r.order)
        if (key != "op") types.emplace(key, type_name(r.at(key)));
    std::string got;
    for (const auto& [key, type] : types) got += key + "=" + type + ", ";
    std::string message = r.op() + "() received an invalid combination of arguments - got (" + got +
                          "), but expected one of:";
    for (const bool word : {false, true}) {
        std::string signature;
        for (const Keyword& k : r.info.keywords) {
            if (k.name == "padding_mode") continue;  // nn.Conv1d's, not F.conv1d's
            const std::string type = k.type == Keyword::Type::conv_padding && word ? "str" : expected_type(k);
            signature += (signature.empty() ? "" : ", ") + type + " " + k.name;
        }
        message += "\n * (" + signature + ")";
    }
    bad(message);
}

[[noreturn]] void wrong_type(const Request& r, const Keyword& k, const json& v) {
    if (r.info.overloaded) invalid_combination(r);
    const std::string position = k.position ? " (position " + std::to_string(k.position) + ")" : "";
    bad(r.function + "(): argument '" + k.name + "'" + position + " must be " + expected_type(k) + ", not " +
        type_name(v));
}

// PyTorch takes a list of ints when its first element is an int; a later
// element that is not an int (a bool counts as one there) is then an error of its own.
void check_int_list(const Request& r, const Keyword& k, const json& v) {
    if (v.empty()) return;
    if (!is_int(v[0])) wrong_type(r, k, v);
    for (std::size_t i = 1; i < v.size(); ++i)
        if (!is_int(v[i]) && !v[i].is_boolean())
            bad(r.function + "(): argument '" + k.name + "' must be " + expected_type(k) + ", but found element of type " +
                type_name(v[i]) + " at pos " + std::to_string(i + 1));
}

// The form of one value against its keyword's type: PyTorch's words when it is refused.
void check_form(const Request& r, const Keyword& k, const json& v) {
    using T = Keyword::Type;
    const bool null_ok = k.type == T::optional_tensor || k.type == T::optional_int_list ||
                         k.type == T::optional_integer || k.type == T::optional_real;
    if (v.is_null() && null_ok) return;
    switch (k.type) {
        case T::tensor:
        case T::optional_tensor:
            if (!is_tensor(v)) wrong_type(r, k, v);
            return;
        case T::int_list:
        case T::optional_int_list:
        case T::conv_padding:
        case T::pad_list:
            if ((is_int(v) && k.type != T::pad_list) || (v.is_string() && k.type == T::conv_padding)) return;
            if (!v.is_array()) wrong_type(r, k, v);
            check_int_list(r, k, v);
            return;
        case T::output_size: return;  // read by F.adaptive_avg_pool2d's Python first: adaptive_avg_pool2d()
        case T::integer:
        case T::optional_integer:
            if (!is_int(v)) wrong_type(r, k, v);
            return;
        case T::boolean:
            if (!v.is_boolean()) wrong_type(r, k, v);
            return;
        case T::truthy: return;
        case T::real:
        case T::optional_real:
            if (!v.is_number() && !v.is_boolean()) wrong_type(r, k, v);
            return;
        case T::word:
            if (!v.is_string()) wrong_type(r, k, v);
            return;
    }
}

// Every key known, every required one there, every value of a form PyTorch takes.
void check_forms(const Request& r) {
    for (const std::string& key : r.order) {
        if (key == "op") continue;
        bool known = false;
        for (const Keyword& k : r.info.keywords) known = known || k.name == key;
        if (!known) {
            if (r.info.overloaded) invalid_combination(r);
            bad(r.op() + "() got an unexpected keyword argument '" + key + "'");
        }
    }
    for (const Keyword& k : r.info.keywords) {
        if (k.default_value.empty() && !r.given(k.name)) {
            if (r.info.overloaded) invalid_combination(r);
            bad(r.op() + "() missing 1 required positional argument: '" + k.name + "'");
        }
    }
    for (const Keyword& k : r.info.keywords)
        if (r.given(k.name)) check_form(r, k, r.at(k.name));
}

// --------------------------------------------------------------- values
// After check_forms, each getter reads a value PyTorch's parser would have taken.
Index integer(const Request& r, const std::string& key, Index fallback) {
    return r.has(key) ? r.at(key).get<Index>() : fallback;
}

bool boolean(const Request& r, const std::string& key, bool fallback) {
    return r.has(key) ? r.at(key).get<bool>() : fallback;
}

// Python's truth: None, False, 0, 0.0, "", [] and {} are false.
bool truthy(const Request& r, const std::string& key) {
    if (!r.given(key)) return false;
    const json& v = r.at(key);
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0.0;
    if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
    return true;
}

double number(const Request& r, const std::string& key, double fallback) {
    if (!r.has(key)) return fallback;
    const json& v = r.at(key);
    return v.is_boolean() ? double(v.get<bool>()) : v.get<double>();
}

// The words PyTorch refuses a list of another length with.
[[noreturn]] void wrong_length(const Request& r, const Keyword& k, const std::vector<Index>& values) {
    std::string message = k.wrong_length;
    // max_pool1d_with_indices checks its lists in avg_pool1d's words; a conv
    // with padding='same' checks stride and dilation on a path of its own.
    if (r.function == "max_pool1d_with_indices")
        message = "max_pool1d() argument '" + k.name + "' should contain one int (got {n})";
    if (r.info.overloaded && r.has("padding") && r.at("padding") == "same" && k.name != "padding")
        message = k.name + " cannot broadcast to " + std::to_string(r.info.dims) + " dimensions";
    message = replaced(replaced(message, "{n}", std::to_string(values.size())), "{list}", convkata::shape_string(values));
    bad(message.rfind(r.op(), 0) == 0 ? message : r.op() + ": " + message);
}

// An int, or a list of one int or S ints, as PyTorch's _single/_pair/_triple.
template <int S>
std::array<Index, S> sizes(const Request& r, const std::string& key, Index fallback) {
    std::array<Index, S> out;
    out.fill(fallback);
    if (!r.has(key)) return out;
    const json& v = r.at(key);
    const std::vector<Index> values = int_values(v);
    if (!v.is_array() || values.size() == 1) {
        out.fill(values[0]);
    } else if (values.size() == static_cast<std::size_t>(S)) {
        std::copy(values.begin(), values.end(), out.begin());
    } else {
        wrong_length(r, r.keyword(key), values);
    }
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

std::optional<Index> optional_size1(const Request& r, const std::string& key) {
    const auto s = optional_sizes<1>(r, key);
    if (!s) return std::nullopt;
    return (*s)[0];
}

std::optional<convkata::Size2> optional_size2(const Request& r, const std::string& key) {
    const auto s = optional_sizes<2>(r, key);
    if (!s) return std::nullopt;
    return size_of<2>(*s);
}

std::string padding_word(const Request& r) {
    if (!r.has("padding") || !r.at("padding").is_string()) return "";
    const std::string word = r.at("padding").get<std::string>();
    if (word != "same" && word != "valid") bad(r.op() + ": Invalid padding string: '" + word + "'");
    return word;
}

struct JsonTensor {
    std::vector<Index> shape;
    std::vector<float> data;
};

JsonTensor json_tensor(const Request& r, const std::string& key) {
    const json& v = r.at(key);
    if (!v.is_object() || !v.contains("shape") || !v.contains("data") || !v["shape"].is_array() ||
        !v["data"].is_array() || v.size() != 2)
        bad(r.op() + "(): argument '" + key + "' must be a tensor {\"shape\": [...], \"data\": [...]}");
    JsonTensor t;
    Index count = 1;
    for (const json& d : v["shape"]) {
        if (!is_int(d)) bad(r.op() + "(): argument '" + key + "' has a shape that is not a list of ints: " + v["shape"].dump());
        const Index n = d.get<Index>();
        if (n < 0) bad(r.op() + "(): argument '" + key + "' has a negative dimension in its shape " + v["shape"].dump());
        t.shape.push_back(n);
        count *= n;
    }
    for (const json& x : v["data"]) {
        // JSON has no NaN or infinity: they come as the strings the answers print them as.
        if (x == "nan" || x == "inf" || x == "-inf") {
            t.data.push_back(x == "nan" ? NAN : x == "inf" ? INFINITY : -INFINITY);
            continue;
        }
        if (!x.is_number()) bad(r.op() + "(): argument '" + key + "' has a non-number in its data: " + x.dump());
        t.data.push_back(x.get<float>());
    }
    if (static_cast<Index>(t.data.size()) != count)
        bad(r.op() + "(): argument '" + key + "' has shape " + v["shape"].dump() + " (" + std::to_string(count) +
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
    const JsonTensor t = json_tensor(r, key);
    if (static_cast<int>(t.shape.size()) != R)
        bad(r.op() + "(): expected '" + key + "' to be " + std::to_string(R) + "-D, but got a tensor of shape " +
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
    JsonTensor t = json_tensor(r, "input");
    unbatched = static_cast<int>(t.shape.size()) == R - 1;
    if (unbatched) t.shape.insert(t.shape.begin(), 1);
    if (static_cast<int>(t.shape.size()) != R)
        bad(r.op() + ": Expected " + std::to_string(R - 1) + "D (unbatched) or " + std::to_string(R) +
            "D (batched) input to " + r.op() + ", but got input of size: " + convkata::shape_string(t.shape));
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

std::string number_text(Index i) { return std::to_string(i); }  // max pooling's indices

// {"shape": [...], "data": [...]}: the answer's form of a tensor, row-major.
template <typename Scalar>
std::string shaped_text(const std::vector<Index>& shape, const Scalar* data) {
    std::string s = "{\"shape\": [";
    Index count = 1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        s += (d ? ", " : "") + std::to_string(shape[d]);
        count *= shape[d];
    }
    s += "], \"data\": [";
    for (Index i = 0; i < count; ++i) s += (i ? ", " : "") + number_text(data[i]);
    return s + "]}";
}

template <typename Scalar, int R>
std::string tensor_text(const Eigen::Tensor<Scalar, R, Eigen::RowMajor>& t, bool drop_batch = false) {
    std::vector<Index> shape;
    for (int d = drop_batch ? 1 : 0; d < R; ++d) shape.push_back(t.dimension(d));
    return shaped_text(shape, t.data());
}

std::string optional_text(const std::optional<Tensor1>& t) { return t ? tensor_text(*t) : "null"; }

// A tensor's answer with more keys beside "shape" and "data" (indices, running statistics).
std::string with_keys(std::string answer, const std::vector<std::pair<std::string, std::string>>& keys) {
    answer.pop_back();  // the closing brace
    for (const auto& [key, text] : keys) answer += ", \"" + key + "\": " + text;
    return answer + "}";
}

// f.template operator()<R>() for R == rank, R in [R, Hi]; nothing for another rank.
template <int R, int Hi, typename F>
std::optional<std::string> for_rank(std::size_t rank, const F& f) {
    if (rank == static_cast<std::size_t>(R)) return f.template operator()<R>();
    if constexpr (R < Hi) return for_rank<R + 1, Hi>(rank, f);
    return std::nullopt;
}

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
    const Index stride = sizes<1>(r, "stride", 1)[0], dilation = sizes<1>(r, "dilation", 1)[0];
    const Index groups = integer(r, "groups", 1);
    const std::string word = padding_word(r);
    const convkata::Padding padding = word.empty() ? convkata::Padding(sizes<1>(r, "padding", 0)[0]) : convkata::Padding(word);
    const std::string mode_name = r.has("padding_mode") ? r.at("padding_mode").get<std::string>() : "zeros";
    if (mode_name == "constant") bad("conv1d: padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', but got 'constant'");
    const convkata::PadMode mode = convkata::pad_mode_from_string(mode_name);
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
    return tensor_text(y, unbatched);
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
    return tensor_text(y, unbatched);
}

std::string conv3d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<5>(r, unbatched);
    const auto w = tensor_of_rank<5>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const auto stride = size_arg<3>(r, "stride", 1), dilation = size_arg<3>(r, "dilation", 1);
    const auto padding = spatial_padding<3>(r);
    const auto y = convkata::ref::conv3d(x, w, b, stride, padding, dilation, integer(r, "groups", 1));
    return tensor_text(y, unbatched);
}

std::string conv_transpose1d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    const auto w = tensor_of_rank<3>(r, "weight");
    const auto b = optional_1d(r, "bias");
    const Index stride = sizes<1>(r, "stride", 1)[0], padding = sizes<1>(r, "padding", 0)[0],
                output_padding = sizes<1>(r, "output_padding", 0)[0], dilation = sizes<1>(r, "dilation", 1)[0];
    const Index groups = integer(r, "groups", 1);
    Tensor<3> y;
    if (use_chapter(r, kCh08, "08", "conv_transpose1d")) {
#ifdef KATA_TRY_CH08
        y = convkata::ch08::conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation);
#endif
    } else {
        y = convkata::ref::conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation);
    }
    return tensor_text(y, unbatched);
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
    return tensor_text(y, unbatched);
}

// A max pooling's answer: the values, and with return_indices the argmax of each window.
template <int R>
std::string pooled_text(const Tensor<R>& y, const convkata::IndexTensor<R>* indices, bool unbatched) {
    const std::string values = tensor_text(y, unbatched);
    return indices ? with_keys(values, {{"indices", tensor_text(*indices, unbatched)}}) : values;
}

// PyTorch 1.13's max_pool1d on a CPU tensor, without return_indices, takes
// its own path: an output size of 0 gives an empty output where every other
// pooling refuses. The same checks come first.
std::optional<std::string> empty_max_pool1d(const Request& r, const Tensor<3>& x, bool unbatched, Index k,
                                            std::optional<Index> stride, Index padding, Index dilation, bool ceil) {
    const Index s = stride.value_or(k);
    if (k <= 0 || s <= 0 || padding < 0 || padding > k / 2 || dilation <= 0 || x.dimension(1) == 0 ||
        x.dimension(2) == 0)
        return std::nullopt;  // refused as the pooling refuses it
    const Index out = convkata::pool_output_size(x.dimension(2), k, s, padding, dilation, ceil);
    if (out < 0) bad("max_pool1d() Invalid computed output size: " + std::to_string(out));
    if (out > 0) return std::nullopt;
    if (r.notes)
        r.notes->push_back("note: an output of length 0, as PyTorch's max_pool1d gives it without return_indices "
                           "(with return_indices, and every other pooling, it is refused)");
    return tensor_text(Tensor<3>(x.dimension(0), x.dimension(1), 0), unbatched);
}

std::string max_pool1d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    const Index k = sizes<1>(r, "kernel_size", 0)[0];
    const std::optional<Index> stride = optional_size1(r, "stride");
    const Index padding = sizes<1>(r, "padding", 0)[0], dilation = sizes<1>(r, "dilation", 1)[0];
    const bool ceil = boolean(r, "ceil_mode", false), indices = truthy(r, "return_indices");
    if (!indices)
        if (auto empty = empty_max_pool1d(r, x, unbatched, k, stride, padding, dilation, ceil)) return *empty;
    std::pair<Tensor<3>, convkata::IndexTensor<3>> y;
    if (use_chapter(r, kCh09, "09", "max_pool1d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::max_pool1d_with_indices(x, k, stride, padding, dilation, ceil);
#endif
    } else {
        y = convkata::ref::max_pool1d_with_indices(x, k, stride, padding, dilation, ceil);
    }
    return pooled_text(y.first, indices ? &y.second : nullptr, unbatched);
}


std::string max_pool2d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    const auto k = size_arg<2>(r, "kernel_size", 0);
    const auto stride = optional_size2(r, "stride");
    const auto padding = size_arg<2>(r, "padding", 0), dilation = size_arg<2>(r, "dilation", 1);
    const bool ceil = boolean(r, "ceil_mode", false), indices = truthy(r, "return_indices");
    std::pair<Tensor<4>, convkata::IndexTensor<4>> y;
    if (use_chapter(r, kCh09, "09", "max_pool2d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::max_pool2d_with_indices(x, k, stride, padding, dilation, ceil);
#endif
    } else {
        y = convkata::ref::max_pool2d_with_indices(x, k, stride, padding, dilation, ceil);
    }
    return pooled_text(y.first, indices ? &y.second : nullptr, unbatched);
}

std::string avg_pool1d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<3>(r, unbatched);
    const Index k = sizes<1>(r, "kernel_size", 0)[0];
    const std::optional<Index> stride = optional_size1(r, "stride");
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
    return tensor_text(y, unbatched);
}

std::string avg_pool2d(const Request& r) {
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
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
    return tensor_text(y, unbatched);
}

// F.adaptive_avg_pool2d reads output_size in Python first: an int passes
// as it is; anything else needs a length, and each None becomes the input's
// size along that dimension, counted from the end.
json adaptive_output_size(const Request& r, const std::vector<Index>& input_shape) {
    const Keyword& k = r.keyword("output_size");
    json size = r.at("output_size");
    if (size.is_boolean()) wrong_type(r, k, size);
    if (is_int(size)) return size;
    if (size.is_null() || size.is_number())
        bad("adaptive_avg_pool2d: object of type '" + type_name(size) + "' has no len()");
    json items = json::array();
    if (size.is_array()) {
        items = size;
    } else {  // a str or a dict: Python iterates its characters or keys
        if (size.is_string())
            for (const char c : size.get<std::string>()) items.push_back(std::string(1, c));
        else
            for (const auto& [key, _] : size.items()) items.push_back(key);
    }
    if (input_shape.size() <= items.size())
        bad("adaptive_avg_pool2d: Input dimension should be at least " + std::to_string(items.size() + 1));
    for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].is_null()) items[i] = input_shape[input_shape.size() - items.size() + i];
    if (!size.is_array() || (!items.empty() && !is_int(items[0]))) wrong_type(r, k, json::array());
    check_int_list(r, k, items);
    return items;
}

// PyTorch 1.13 computes a 1 x 1 adaptive average as the mean over the last two
// dimensions before it checks the input: for an input of any rank from 2 up,
// and NaN where there is nothing to average. Where the pooling itself takes
// the input (3-D or 4-D, H and W not empty) it gives the same numbers, and
// computes them.
std::optional<std::string> mean_over_last_two(const Request& r, const JsonTensor& input) {
    const std::size_t rank = input.shape.size();
    if (rank < 2) bad("adaptive_avg_pool2d: Dimension out of range (expected to be in range of [-1, 0], but got -2)");
    const Index h = input.shape[rank - 2], w = input.shape[rank - 1];
    if ((rank == 3 || rank == 4) && h > 0 && w > 0) return std::nullopt;
    std::vector<Index> shape(input.shape.begin(), input.shape.end() - 2);
    Index planes = 1;
    for (const Index n : shape) planes *= n;
    shape.insert(shape.end(), {1, 1});
    std::vector<float> means;
    for (Index p = 0; p < planes; ++p) {
        double sum = 0;
        for (Index i = 0; i < h * w; ++i) sum += input.data[static_cast<std::size_t>(p * h * w + i)];
        means.push_back(h * w > 0 ? static_cast<float>(sum / static_cast<double>(h * w)) : NAN);
    }
    if (r.notes)
        r.notes->push_back("note: the mean over the last two dimensions, as PyTorch computes a 1 x 1 output for an "
                           "input of any rank (NaN where they are empty)");
    return shaped_text(shape, means.data());
}

std::string adaptive_avg_pool2d(const Request& r) {
    const JsonTensor input = json_tensor(r, "input");
    const json size = adaptive_output_size(r, input.shape);
    const std::vector<Index> values = int_values(size);
    if (size.is_array() && values.size() != 2) wrong_length(r, r.keyword("output_size"), values);
    const convkata::Size2 out(values[0], values.size() == 2 ? values[1] : values[0]);
    if (out[0] == 1 && out[1] == 1)
        if (auto mean = mean_over_last_two(r, input)) return *mean;
    bool unbatched = false;
    const auto x = batched_input<4>(r, unbatched);
    Tensor<4> y;
    if (use_chapter(r, kCh09, "09", "adaptive_avg_pool2d")) {
#ifdef KATA_TRY_CH09
        y = convkata::ch09::adaptive_avg_pool2d(x, out);
#endif
    } else {
        y = convkata::ref::adaptive_avg_pool2d(x, out);
    }
    return tensor_text(y, unbatched);
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
    return with_keys(tensor_text(y), {{"running_mean", optional_text(mean_after)}, {"running_var", optional_text(var_after)}});
}

std::string batch_norm(const Request& r) {
    const JsonTensor input = json_tensor(r, "input");
    if (auto answer = for_rank<2, 5>(input.shape.size(), [&]<int R>() { return batch_norm_rank<R>(r, input); }))
        return *answer;
    bad("batch_norm: expected 2D, 3D, 4D or 5D input (got " + std::to_string(input.shape.size()) +
        "D input of shape " + convkata::shape_string(input.shape) + ")");
}

template <int R>
std::string pad_rank(const Request& r, const JsonTensor& input, const std::vector<Index>& amounts,
                     const std::string& mode, std::optional<double> value) {
    const Tensor<R> x = to_tensor<R>(input);
    if constexpr (R == 3) {
        // The workbook's pad1d pads the last dimension of [N, C, L], never crops, and fills zeros.
        const bool pad1d_can = amounts.size() == 2 && amounts[0] >= 0 && amounts[1] >= 0 && value.value_or(0.0) == 0.0;
        if (pad1d_can && use_chapter(r, kCh03, "03", "pad")) {
#ifdef KATA_TRY_CH03
            return tensor_text(convkata::ch03::pad1d(x, amounts[0], amounts[1], convkata::pad_mode_from_string(mode)));
#endif
        }
    }
    if (r.impl != Impl::reference && r.notes)
        r.notes->push_back("note: computed by the reference's F.pad: chapter 03's pad1d pads only the last dimension "
                           "of a [N, C, L] input, by two amounts >= 0, with zeros in constant mode");
    return tensor_text(convkata::ref::pad<R>(x, amounts, mode, value));
}

std::string pad(const Request& r) {
    const JsonTensor input = json_tensor(r, "input");
    const std::vector<Index> amounts = int_values(r.at("pad"));
    const std::string mode = r.has("mode") ? r.at("mode").get<std::string>() : "constant";
    if (mode != "constant" && mode != "reflect" && mode != "replicate" && mode != "circular")
        bad("pad: Unrecognised padding mode " + mode);  // before pad1d, whose PadMode also knows "zeros"
    const std::optional<double> value = r.has("value") ? std::optional<double>(number(r, "value", 0)) : std::nullopt;
    const auto padded = [&]<int R>() { return pad_rank<R>(r, input, amounts, mode, value); };
    if (auto answer = for_rank<1, 6>(input.shape.size(), padded)) return *answer;
    bad("pad: kata try pads tensors of 1 to 6 dimensions, but got " + std::to_string(input.shape.size()) +
        "D input of shape " + convkata::shape_string(input.shape));
}

using Operation = std::function<std::string(const Request&)>;

const std::map<std::string, Operation>& operations() {
    static const std::map<std::string, Operation> ops = {
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
    return ops;
}

std::string error_text(const std::string& message) { return json{{"error", message}}.dump(); }

// The request, and its top-level keys in the order they are written (PyTorch's
// messages list the arguments of a call in their order).
json parse_request(const std::string& text, std::vector<std::string>& order) {
    return json::parse(text, [&order](int depth, json::parse_event_t event, json& parsed) {
        if (depth == 1 && event == json::parse_event_t::key) order.push_back(parsed.get<std::string>());
        return true;
    });
}

}  // namespace

std::string run_request(const std::string& text, Impl impl, int& exit_code, std::vector<std::string>* notes) {
    try {
        json request;
        std::vector<std::string> order;
        try {
            request = parse_request(text, order);
        } catch (const json::parse_error& e) {
            exit_code = 2;
            return error_text(std::string("bad JSON: ") + e.what());
        }
        if (!request.is_object()) bad("the request must be a JSON object with an \"op\" key");
        if (!request.contains("op") || !request["op"].is_string()) bad("the request has no \"op\" (a string such as \"conv2d\")");
        const std::string op = request["op"].get<std::string>();
        const OpInfo* info = find_op(op);
        if (!info) {
            std::string known;
            for (const OpInfo& o : catalogue()) known += (known.empty() ? "" : ", ") + o.name;
            bad("unknown op '" + op + "' (known: " + known + ")");
        }
        Request r{*info, request, order, impl, notes, op};
        // max pooling with return_indices is PyTorch's max_poolNd_with_indices, which names itself.
        if (op.rfind("max_pool", 0) == 0 && truthy(r, "return_indices")) r.function = op + "_with_indices";
        check_forms(r);
        std::string out = operations().at(op)(r);
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

// -------------------------------------------------------------- the table
namespace {

using Type = Keyword::Type;

// A keyword, its command-line kind and its --help text derived from its type.
Keyword key(const std::string& name, Type type, const std::string& default_value, int dims = 0, int position = 0,
            const std::string& wrong_length = "") {
    Keyword k{name, type, default_value, position, wrong_length, Keyword::Kind::value, ""};
    const std::string ints = dims <= 1 ? "int" : "int or " + std::to_string(dims) + " ints";
    switch (type) {
        case Type::tensor: k.kind = Keyword::Kind::tensor; k.accepts = ""; break;
        case Type::optional_tensor: k.kind = Keyword::Kind::tensor; k.accepts = "or None"; break;
        case Type::int_list: k.accepts = dims == 1 ? "int or [int]" : ints; break;
        case Type::optional_int_list: k.accepts = (dims == 1 ? "int or [int]" : ints) + " or None (: kernel_size)"; break;
        case Type::conv_padding: k.accepts = (dims == 1 ? "int or [int]" : ints) + ", 'same' or 'valid'"; break;
        case Type::output_size: k.accepts = "int, or " + std::to_string(dims) + " (int or None: the input's size)"; break;
        case Type::pad_list: k.accepts = "ints: (left, right) of the last dimension, then of the one before, ..."; break;
        case Type::integer: k.accepts = "int"; break;
        case Type::optional_integer: k.accepts = "int or None"; break;
        case Type::boolean: k.kind = Keyword::Kind::flag; k.accepts = "bool"; break;
        case Type::truthy: k.kind = Keyword::Kind::flag; k.accepts = "bool"; break;
        case Type::real: k.accepts = "number"; break;
        case Type::optional_real: k.accepts = "number or None"; break;
        case Type::word: k.accepts = "str"; break;
    }
    return k;
}

std::string conv_length(const std::string& name, int dims) {
    return "expected " + name + " to be a single integer value or a list of " + std::to_string(dims) +
           " values to match the convolution dimensions, but got " + name + "={list}";
}

std::vector<Keyword> conv_keys(int dims) {
    return {key("input", Type::tensor, ""),
            key("weight", Type::tensor, ""),
            key("bias", Type::optional_tensor, "None"),
            key("stride", Type::int_list, "1", dims, 0, conv_length("stride", dims)),
            key("padding", Type::conv_padding, "0", dims, 0, conv_length("padding", dims)),
            key("dilation", Type::int_list, "1", dims, 0, conv_length("dilation", dims)),
            key("groups", Type::integer, "1")};
}

std::vector<Keyword> conv_transpose_keys(int dims) {
    return {key("input", Type::tensor, ""),
            key("weight", Type::tensor, ""),
            key("bias", Type::optional_tensor, "None"),
            key("stride", Type::int_list, "1", dims, 0, conv_length("stride", dims)),
            key("padding", Type::int_list, "0", dims, 0, conv_length("padding", dims)),
            key("output_padding", Type::int_list, "0", dims, 0, conv_length("output_padding", dims)),
            key("groups", Type::integer, "1"),
            key("dilation", Type::int_list, "1", dims, 0, conv_length("dilation", dims))};
}

// F.max_poolNd calls torch.max_poolNd with positional arguments: its type errors give positions.
// Its refusals of a list of another length, word for word (PyTorch's wording varies).
std::vector<Keyword> max_pool_keys(int dims) {
    const bool one = dims == 1;
    return {key("input", Type::tensor, "", dims, 1),
            key("kernel_size", Type::int_list, "", dims, 2,
                one ? "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size {n}"
                    : "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
            key("stride", Type::optional_int_list, "None", dims, 3,
                one ? "max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size {n}"
                    : "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints"),
            key("padding", Type::int_list, "0", dims, 4,
                one ? "max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size {n}"
                    : "max_pool2d: padding must be either be a single int, or a tuple of two ints"),
            key("dilation", Type::int_list, "1", dims, 5,
                one ? "max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got size {n}"
                    : "max_pool2d: dilation must be either a single int, or a tuple of two ints"),
            key("ceil_mode", Type::boolean, "False", dims, 6),
            key("return_indices", Type::truthy, "False")};
}

std::vector<Keyword> avg_pool_keys(int dims) {
    const auto length = [&](const std::string& name, const std::string& two) {
        return dims == 1 ? "avg_pool1d() argument '" + name + "' should contain one int (got {n})"
                         : "avg_pool2d: " + name + " must " + two;
    };
    std::vector<Keyword> keys = {
        key("input", Type::tensor, ""),
        key("kernel_size", Type::int_list, "", dims, 0, length("kernel_size", "either be a single int, or a tuple of two ints")),
        key("stride", Type::optional_int_list, "None", dims, 0,
            length("stride", "either be omitted, a single int, or a tuple of two ints")),
        key("padding", Type::int_list, "0", dims, 0, length("padding", "either be a single int, or a tuple of two ints")),
        key("ceil_mode", Type::boolean, "False"),
        key("count_include_pad", Type::boolean, "True")};
    if (dims == 2) keys.push_back(key("divisor_override", Type::optional_integer, "None"));
    return keys;
}

}  // namespace

const std::vector<OpInfo>& catalogue() {
    static const std::vector<OpInfo> ops = {
        {"conv1d", 3, 1, true, "chapter 04 (04_dilation); groups > 1: chapter 06's conv2d (06_groups)",
         "--input '[[[1, 2, 3, 4, 5]]]' --weight '[[[1, 0, -1]]]' --bias '[0.5]' --padding 1",
         [] {
             auto keys = conv_keys(1);
             // nn.Conv1d's padding_mode, which F.conv1d does not have: the workbook's conv1d takes it.
             keys.push_back(key("padding_mode", Type::word, "zeros"));
             keys.back().accepts = "zeros, reflect, replicate or circular (nn.Conv1d's)";
             return keys;
         }()},
        {"conv2d", 4, 2, true, "chapter 06 (06_groups)",
         "--input '[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]' --weight '[[[[1, 0], [0, -1]]]]' --padding 1", conv_keys(2)},
        {"conv3d", 5, 3, true, "the reference (chapter 11's conv3d runs on CUDA)",
         "--input '[[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]]' --weight '[[[[[1, 0], [0, 1]], [[1, 0], [0, 1]]]]]'",
         conv_keys(3)},
        {"conv_transpose1d", 3, 1, false, "chapter 08 (08_transposed)",
         "--input '[[[1, 2, 3]]]' --weight '[[[1, 1]]]' --stride 2", conv_transpose_keys(1)},
        {"conv_transpose2d", 4, 2, false, "chapter 08 (08_transposed)",
         "--input '[[[[1, 2], [3, 4]]]]' --weight '[[[[1, 1], [1, 1]]]]' --stride 2", conv_transpose_keys(2)},
        {"max_pool1d", 3, 1, false, "chapter 09 (09_pooling)", "--input '[[[1, 3, 2, 5, 4]]]' --kernel_size 2",
         max_pool_keys(1)},
        {"max_pool2d", 4, 2, false, "chapter 09 (09_pooling)",
         "--input '[[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]' --kernel_size 2 "
         "--return_indices",
         max_pool_keys(2)},
        {"avg_pool1d", 3, 1, false, "chapter 09 (09_pooling)",
         "--input '[[[1, 2, 3, 4, 5]]]' --kernel_size 2 --padding 1 --count_include_pad false", avg_pool_keys(1)},
        {"avg_pool2d", 4, 2, false, "chapter 09 (09_pooling)",
         "--input '[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]' --kernel_size 2 --stride 1", avg_pool_keys(2)},
        {"adaptive_avg_pool2d", 4, 2, false, "chapter 09 (09_pooling)",
         "--input '[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]' --output_size 2",
         {key("input", Type::tensor, "", 2, 1),
          key("output_size", Type::output_size, "", 2, 2, "adaptive_avg_pool2d: output_size must be 2")}},
        // F.batch_norm calls torch.batch_norm(input, weight, bias, running_mean, running_var, training,
        // momentum, eps): its type errors give those positions.
        {"batch_norm", 0, 0, false, "chapter 10 (10_batch_norm) for 2-D and 4-D inputs; the reference for 3-D and 5-D",
         "--input '[[1, 2], [3, 4], [5, 6]]' --running_mean '[0, 0]' --running_var '[1, 1]' --training",
         {key("input", Type::tensor, "", 0, 1), key("running_mean", Type::optional_tensor, "", 0, 4),
          key("running_var", Type::optional_tensor, "", 0, 5), key("weight", Type::optional_tensor, "None", 0, 2),
          key("bias", Type::optional_tensor, "None", 0, 3), key("training", Type::boolean, "False", 0, 6),
          key("momentum", Type::real, "0.1", 0, 7), key("eps", Type::real, "1e-05", 0, 8)}},
        {"pad", 0, 0, false,
         "chapter 03's pad1d (03_padding) for a [N, C, L] input padded by two amounts >= 0 (zeros in constant mode); "
         "the reference otherwise",
         "--input '[[[1, 2, 3]]]' --pad 2,1 --mode reflect",
         [] {
             std::vector<Keyword> keys = {key("input", Type::tensor, ""), key("pad", Type::pad_list, ""),
                                          key("mode", Type::word, "constant"), key("value", Type::optional_real, "None")};
             keys[2].accepts = "constant, reflect, replicate or circular";
             keys[3].accepts = "number or None (0): constant mode's fill";
             return keys;
         }()},
    };
    return ops;
}

const OpInfo* find_op(const std::string& name) {
    for (const OpInfo& op : catalogue())
        if (op.name == name) return &op;
    return nullptr;
}

std::string help_text() {
    std::string ops;
    for (const OpInfo& op : catalogue()) {
        std::string keys;
        for (const Keyword& k : op.keywords) keys += (keys.empty() ? "" : ", ") + k.name;
        ops += "  " + op.name + "(" + keys + ")\n";
    }
    return R"(kata-try --json [--impl mine|solution|reference]

Reads one JSON request on stdin and prints the answer on stdout (DESIGN.md):
  {"op": "conv2d", "input": {"shape": [...], "data": [...]}, "weight": {...}, "bias": null, "stride": 1, ...}
  -> {"shape": [...], "data": [...]}            exit 0
  -> {"error": "..."}                            exit 2: bad JSON, unknown op or key, arguments PyTorch refuses
  -> {"error": "... names the chapter ..."}      exit 3: the chapter's function is not implemented yet

A request is the call F.op(**keys): every form PyTorch 1.13 takes is taken (an int or a list of one
or of one per dimension, None or [] for a pool's stride, 'same' and 'valid', None for a tensor that
may be None), and every other is refused with PyTorch's own words. Ops and keys, PyTorch's order
(kata try OP --help gives each key's forms and default):
)" + ops + R"(  batch_norm adds "running_mean" and "running_var" (tensor or null) to the answer; max_pool1d/2d
  with return_indices adds "indices" (each output's argmax: its index in the flattened L or H*W plane).

--impl mine (default) and --impl solution both use the chapter code this build tree links (./kata try
picks the tree) (build/learner: your chapters;
build/solutions: the model solutions): conv1d -> ch04 (groups > 1: ch06's conv2d on [N, C, 1, L];
grouped with a padding_mode other than zeros: the reference),
conv2d -> ch06, conv_transpose1d/2d -> ch08, pools -> ch09, batch_norm of 2-D and 4-D inputs -> ch10,
pad of a [N, C, L] input by two amounts >= 0 (zeros in constant mode) -> ch03's pad1d. Everything
else, and chapters not built in this tree, uses the reference, with a note on stderr saying so.
--impl reference uses convkata::ref for everything. conv3d is always the reference: chapter 11's
code runs on CUDA.

Differences from PyTorch, on purpose:
  - conv1d also takes padding_mode (nn.Conv1d's argument); "constant" is not a padding_mode.
  - max pooling windows that hold no element of the input (ceil_mode with a dilation that steps over
    the whole input) are refused, where PyTorch returns -inf and an index outside the input.
  - circular pad: a pad longer than what is left after cropping is refused (PyTorch refuses most such
    pads, but returns uninitialised memory when nothing is left).
  - pad takes inputs of up to 6 dimensions.
  - non-finite values are read and printed as the strings "nan", "inf", "-inf" (JSON has no such numbers).
Floats are printed with %.9g, so they read back as the same float32.
)";
}

}  // namespace kata_try
