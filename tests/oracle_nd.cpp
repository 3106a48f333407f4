// The oracle checked against PyTorch beyond 1-D: every case of
// tests/golden/conv2d.json, conv3d.json, conv_transpose1d.json and
// conv_transpose2d.json (written by tests/golden/generate.py) through
// convkata::ref. A case with an output must come out close to PyTorch's, by
// the tolerance policy of check.hpp (magnitude: the same call on |x|, |w|,
// |b|); a case PyTorch refuses must be refused with std::invalid_argument,
// naming the operation. A padding word other than "same" or "valid" is
// refused where the Padding2 / Padding3 is built, before the operation is
// called: its message names the padding, not the operation.
//
// stride, padding, dilation and output_padding are an int or a list with one
// value per dimension in the golden data, as in PyTorch: 2 is (2, 2).
#include "kata_test.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using convkata::Index;
using convkata::OptionalBias;
template <int S>
using Size = convkata::Size<S>;
template <int S>
using SpatialPadding = convkata::SpatialPadding<S>;
template <int R>
using Tensor = convkata::Tensor<R>;

const std::vector<kata::GoldenCase>& golden(const std::string& op) {
    static std::map<std::string, std::vector<kata::GoldenCase>> files;
    auto it = files.find(op);
    if (it == files.end()) it = files.emplace(op, kata::load_golden(op)).first;
    return it->second;
}

// An int-or-list argument, one value per spatial dimension.
std::vector<Index> per_dim(const kata::GoldenCase& c, const std::string& key, int dims) {
    std::vector<Index> v = c.integers(key);
    if (v.size() == 1) v.assign(static_cast<std::size_t>(dims), v[0]);
    if (v.size() != static_cast<std::size_t>(dims)) {
        throw std::runtime_error("golden case " + std::to_string(c.id()) + ": " + key + " has " +
                                 std::to_string(v.size()) + " values for " + std::to_string(dims) + " dimensions");
    }
    return v;
}

// One element -> Size<S>(v[0]), S elements -> one per dimension.
template <int S>
Size<S> size_arg(const kata::GoldenCase& c, const std::string& key) {
    const std::vector<Index> v = c.integers(key);
    if (v.size() == 1) return Size<S>(v[0]);
    const std::vector<Index> each = per_dim(c, key, S);
    Size<S> size(0);
    for (int d = 0; d < S; ++d) size[d] = each[static_cast<std::size_t>(d)];
    return size;
}

// The padding of conv2d / conv3d: amounts, or the word as given. A word other
// than "same" or "valid" is refused where the padding is built, so it is built
// inside the call that is checked.
template <int S>
struct PaddingArg {
    bool is_word = false;
    std::string word;
    Size<S> amount = 0;

    SpatialPadding<S> get() const { return is_word ? SpatialPadding<S>(word) : SpatialPadding<S>(amount); }
    bool is_bad_word() const { return is_word && word != "same" && word != "valid"; }
};

template <int S>
PaddingArg<S> padding_arg(const kata::GoldenCase& c) {
    PaddingArg<S> p;
    if (c.is_string("padding")) {
        p.is_word = true;
        p.word = c.string("padding");
    } else {
        p.amount = size_arg<S>(c, "padding");
    }
    return p;
}

OptionalBias bias_arg(const kata::GoldenCase& c) {
    const std::optional<kata::GoldenTensor> b = c.optional_tensor("bias");
    if (!b) return std::nullopt;
    return b->tensor<1>();
}

template <int R>
Tensor<R> absolute(const Tensor<R>& t) {
    return t.abs();
}

OptionalBias absolute(const OptionalBias& b) {
    if (!b) return std::nullopt;
    return absolute(*b);
}

// conv2d / conv3d with the case's stride, padding, dilation and groups.
template <int S>
struct ConvCall {
    Size<S> stride = 1;
    PaddingArg<S> padding;
    Size<S> dilation = 1;
    Index groups = 1;

    explicit ConvCall(const kata::GoldenCase& c)
        : stride(size_arg<S>(c, "stride")),
          padding(padding_arg<S>(c)),
          dilation(size_arg<S>(c, "dilation")),
          groups(c.integer("groups")) {}

    Tensor<S + 2> operator()(const Tensor<S + 2>& x, const Tensor<S + 2>& w, const OptionalBias& b) const {
        if constexpr (S == 2) {
            return convkata::ref::conv2d(x, w, b, stride, padding.get(), dilation, groups);
        } else {
            return convkata::ref::conv3d(x, w, b, stride, padding.get(), dilation, groups);
        }
    }
};

// conv_transpose1d / conv_transpose2d with the case's other arguments.
template <int S>
struct TransposeCall {
    Size<S> stride = 1;
    Size<S> padding = 0;
    Size<S> output_padding = 0;
    Index groups = 1;
    Size<S> dilation = 1;

    explicit TransposeCall(const kata::GoldenCase& c)
        : stride(size_arg<S>(c, "stride")),
          padding(size_arg<S>(c, "padding")),
          output_padding(size_arg<S>(c, "output_padding")),
          groups(c.integer("groups")),
          dilation(size_arg<S>(c, "dilation")) {}

    Tensor<S + 2> operator()(const Tensor<S + 2>& x, const Tensor<S + 2>& w, const OptionalBias& b) const {
        if constexpr (S == 1) {
            return convkata::ref::conv_transpose1d(x, w, b, stride[0], padding[0], output_padding[0], groups,
                                                   dilation[0]);
        } else {
            return convkata::ref::conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation);
        }
    }
};

// One golden case through `call`: refused as PyTorch refuses it, or close to
// PyTorch's output. A case that throws otherwise fails on its own; the loop
// goes on.
template <int S, typename Call>
void check_case(const kata::GoldenCase& c, const std::string& op, const std::string& bad_word = "") {
    INFO(c.describe());
    try {
        const Call call(c);
        const Tensor<S + 2> x = c.tensor("input").tensor<S + 2>();
        const Tensor<S + 2> w = c.tensor("weight").tensor<S + 2>();
        const OptionalBias b = bias_arg(c);
        if (c.refused()) {
            if (!bad_word.empty()) {
                // Refused where the padding is built, before the operation is called.
                CHECK_REFUSES(call(x, w, b), "Invalid padding string", bad_word);
            } else {
                CHECK_REFUSES(call(x, w, b), op);
            }
            return;
        }
        kata::CheckOptions options;
        options.what = c.describe();
        options.magnitude = kata::flat(call(absolute(x), absolute(w), absolute(b)));
        CHECK_CLOSE(call(x, w, b), c.output().tensor<S + 2>(), options);
    } catch (const std::exception& e) {
        const std::string message = op + " threw on " + c.describe() + ": " + e.what();
        FAIL_CHECK(message);
    }
}

// Every case of <op>.json with first <= id < last; returns how many.
template <int S>
int check_conv_cases(const std::string& op, int first, int last) {
    int checked = 0;
    for (const kata::GoldenCase& c : golden(op)) {
        if (c.id() < first || c.id() >= last) continue;
        const PaddingArg<S> padding = padding_arg<S>(c);
        check_case<S, ConvCall<S>>(c, op, padding.is_bad_word() ? padding.word : "");
        ++checked;
    }
    return checked;
}

template <int S>
int check_transpose_cases(const std::string& op) {
    int checked = 0;
    for (const kata::GoldenCase& c : golden(op)) {
        check_case<S, TransposeCall<S>>(c, op);
        ++checked;
    }
    return checked;
}

// What a golden file holds: the forms of its arguments ("stride:int",
// "stride:list", "padding:same", "bias:null", ...) and their values.
struct Census {
    int cases = 0;
    int refused = 0;
    std::set<std::string> forms;
    std::map<std::string, std::set<Index>> values;  // of outputs, not refusals
    std::set<std::string> outputs_of;               // "depthwise", "depthwise multiplier 2"
};

void count_form(Census& census, const kata::GoldenCase& c, const std::string& key) {
    if (c.is_string(key)) {
        census.forms.insert(key + ":" + c.string(key));
        return;
    }
    const std::vector<Index> v = c.integers(key);
    census.forms.insert(key + (v.size() == 1 ? ":int" : ":list"));
    if (!c.refused()) census.values[key].insert(v.begin(), v.end());
}

// The checks every file gets: ids in order, an output or an error, outputs of
// rank S+2 with N and OC of the input and weight, `spatial` the expected
// output size per dimension, finite data.
template <typename Spatial>
Census survey(const std::string& op, int dims, bool transposed, const std::vector<std::string>& keys,
              Spatial spatial) {
    Census census;
    const std::vector<kata::GoldenCase>& cases = golden(op);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const kata::GoldenCase& c = cases[i];
        INFO(c.describe());
        CHECK(c.id() == static_cast<int>(i));
        CHECK(c.has("output") != c.refused());
        ++census.cases;
        census.forms.insert(c.has("bias") ? "bias:tensor" : "bias:null");
        for (const std::string& key : keys) count_form(census, c, key);
        if (c.refused()) {
            ++census.refused;
            CHECK(!c.error().empty());
            continue;
        }
        const kata::GoldenTensor x = c.tensor("input");
        const kata::GoldenTensor w = c.tensor("weight");
        const kata::GoldenTensor out = c.output();
        REQUIRE(out.shape.size() == static_cast<std::size_t>(dims + 2));
        const Index groups = c.integer("groups");
        CHECK(out.shape[0] == x.shape[0]);
        CHECK(out.shape[1] == (transposed ? w.shape[1] * groups : w.shape[0]));
        const std::vector<Index> expected = spatial(c, x, w);
        CHECK(std::vector<Index>(out.shape.begin() + 2, out.shape.end()) == expected);
        Index elements = 1;
        for (Index d : out.shape) elements *= d;
        CHECK(static_cast<Index>(out.data.size()) == elements);
        CHECK(std::all_of(out.data.begin(), out.data.end(), [](float v) { return std::isfinite(v); }));
        if (groups > 1 && groups == x.shape[1]) {
            const Index multiplier = out.shape[1] / x.shape[1];
            census.outputs_of.insert(multiplier == 1 ? "depthwise"
                                                     : "depthwise multiplier " + std::to_string(multiplier));
        }
    }
    return census;
}

// The output size a golden conv case should have (shape.hpp's formula), or in for "same".
std::vector<Index> conv_output_size(const kata::GoldenCase& c, const kata::GoldenTensor& x,
                                    const kata::GoldenTensor& w, int dims) {
    const std::vector<Index> stride = per_dim(c, "stride", dims);
    const std::vector<Index> dilation = per_dim(c, "dilation", dims);
    const bool same = c.is_string("padding") && c.string("padding") == "same";
    const std::vector<Index> padding =
        c.is_string("padding") ? std::vector<Index>(static_cast<std::size_t>(dims), 0) : per_dim(c, "padding", dims);
    std::vector<Index> out;
    for (std::size_t d = 0; d < static_cast<std::size_t>(dims); ++d) {
        const Index in = x.shape[d + 2];
        const Index k = w.shape[d + 2];
        out.push_back(same ? in : convkata::output_size(in, k, stride[d], padding[d], dilation[d]));
    }
    return out;
}

// The output size a golden transposed case should have (shape.hpp's formula).
std::vector<Index> golden_transposed_size(const kata::GoldenCase& c, const kata::GoldenTensor& x,
                                          const kata::GoldenTensor& w, int dims) {
    const std::vector<Index> stride = per_dim(c, "stride", dims);
    const std::vector<Index> padding = per_dim(c, "padding", dims);
    const std::vector<Index> output_padding = per_dim(c, "output_padding", dims);
    const std::vector<Index> dilation = per_dim(c, "dilation", dims);
    std::vector<Index> out;
    for (std::size_t d = 0; d < static_cast<std::size_t>(dims); ++d) {
        out.push_back(convkata::transposed_output_size(x.shape[d + 2], w.shape[d + 2], stride[d], padding[d],
                                                       output_padding[d], dilation[d]));
    }
    return out;
}

// The ids of the refused cases of <op>.json.
std::vector<int> refused_ids(const std::string& op) {
    std::vector<int> ids;
    for (const kata::GoldenCase& c : golden(op)) {
        if (c.refused()) ids.push_back(c.id());
    }
    return ids;
}

}  // namespace

TEST_CASE("conv2d matches PyTorch on the golden cases with one group") {
    CHECK(check_conv_cases<2>("conv2d", 0, 110) == 110);
}

TEST_CASE("conv2d matches PyTorch on the grouped and depthwise golden cases") {
    CHECK(check_conv_cases<2>("conv2d", 110, 1 << 30) >= 110);
}

TEST_CASE("conv3d matches PyTorch on every golden case") {
    CHECK(check_conv_cases<3>("conv3d", 0, 1 << 30) >= 60);
}

TEST_CASE("conv_transpose1d matches PyTorch on every golden case") {
    CHECK(check_transpose_cases<1>("conv_transpose1d") >= 120);
}

TEST_CASE("conv_transpose2d matches PyTorch on every golden case") {
    CHECK(check_transpose_cases<2>("conv_transpose2d") >= 120);
}

TEST_CASE("the conv2d golden data covers every argument form with outputs and refusals in both halves") {
    const Census census =
        survey("conv2d", 2, false, {"stride", "padding", "dilation", "groups"},
               [](const auto& c, const auto& x, const auto& w) { return conv_output_size(c, x, w, 2); });
    CHECK(census.cases >= 220);
    CHECK(census.refused >= 30);
    CHECK(census.cases - census.refused >= 180);
    const std::vector<int> refused = refused_ids("conv2d");
    CHECK(std::count_if(refused.begin(), refused.end(), [](int id) { return id < 110; }) >= 12);
    CHECK(std::count_if(refused.begin(), refused.end(), [](int id) { return id >= 110; }) >= 12);
    for (const std::string form : {"stride:int", "stride:list", "padding:int", "padding:list", "padding:same",
                                   "padding:valid", "dilation:int", "dilation:list", "bias:null", "bias:tensor"}) {
        CAPTURE(form);
        CHECK(census.forms.count(form) == 1);
    }
    // Padding words other than "same" and "valid" are there to be refused.
    CHECK(std::count_if(census.forms.begin(), census.forms.end(), [](const std::string& f) {
              return f.rfind("padding:", 0) == 0 && f != "padding:int" && f != "padding:list" &&
                     f != "padding:same" && f != "padding:valid";
          }) >= 1);
    for (Index v : {1, 2, 3}) CHECK(census.values.at("stride").count(v) == 1);
    for (Index v : {0, 1, 2}) CHECK(census.values.at("padding").count(v) == 1);
    for (Index v : {1, 2, 3}) CHECK(census.values.at("dilation").count(v) == 1);
    for (Index v : {1, 2, 3, 4}) CHECK(census.values.at("groups").count(v) == 1);
    CHECK(census.outputs_of.count("depthwise") == 1);
    CHECK(census.outputs_of.count("depthwise multiplier 2") == 1);
}

TEST_CASE("the conv3d golden data covers every argument form with outputs and refusals") {
    const Census census =
        survey("conv3d", 3, false, {"stride", "padding", "dilation", "groups"},
               [](const auto& c, const auto& x, const auto& w) { return conv_output_size(c, x, w, 3); });
    CHECK(census.cases >= 60);
    CHECK(census.refused >= 8);
    CHECK(census.cases - census.refused >= 50);
    for (const std::string form : {"stride:int", "stride:list", "padding:int", "padding:list", "padding:same",
                                   "padding:valid", "dilation:int", "dilation:list", "bias:null", "bias:tensor"}) {
        CAPTURE(form);
        CHECK(census.forms.count(form) == 1);
    }
    for (Index v : {1, 2}) CHECK(census.values.at("groups").count(v) == 1);
    CHECK(census.outputs_of.count("depthwise") == 1);
}

TEST_CASE("the transposed golden data covers every argument form with outputs and refusals") {
    const std::vector<std::string> keys = {"stride", "padding", "output_padding", "groups", "dilation"};
    const Census one = survey("conv_transpose1d", 1, true, keys, [](const auto& c, const auto& x, const auto& w) {
        return golden_transposed_size(c, x, w, 1);
    });
    const Census two = survey("conv_transpose2d", 2, true, keys, [](const auto& c, const auto& x, const auto& w) {
        return golden_transposed_size(c, x, w, 2);
    });
    for (const Census* census : {&one, &two}) {
        CHECK(census->cases >= 120);
        CHECK(census->refused >= 15);
        CHECK(census->cases - census->refused >= 100);
        CHECK(census->forms.count("bias:null") == 1);
        CHECK(census->forms.count("bias:tensor") == 1);
        for (Index v : {1, 2, 3}) CHECK(census->values.at("stride").count(v) == 1);
        for (Index v : {0, 1, 2}) CHECK(census->values.at("padding").count(v) == 1);
        for (Index v : {0, 1, 2}) CHECK(census->values.at("output_padding").count(v) == 1);
        for (Index v : {1, 2, 3}) CHECK(census->values.at("dilation").count(v) == 1);
        for (Index v : {1, 2, 3}) CHECK(census->values.at("groups").count(v) == 1);
    }
    for (const std::string form : {"stride:list", "padding:list", "output_padding:list", "dilation:list"}) {
        CAPTURE(form);
        CHECK(two.forms.count(form) == 1);
    }
}

TEST_CASE("the transposed golden data holds output_padding on both sides of max(stride and dilation)") {
    // PyTorch accepts output_padding < stride or < dilation along each
    // dimension: below the larger of the two, never at or above it.
    for (const std::string op : {"conv_transpose1d", "conv_transpose2d"}) {
        const int dims = op == "conv_transpose1d" ? 1 : 2;
        int accepted_beyond_stride = 0;  // stride <= output_padding < dilation
        int refused_at_limit = 0;        // output_padding >= max(stride, dilation) somewhere, all else fine
        for (const kata::GoldenCase& c : golden(op)) {
            INFO(c.describe());
            const std::vector<Index> stride = per_dim(c, "stride", dims);
            const std::vector<Index> output_padding = per_dim(c, "output_padding", dims);
            const std::vector<Index> dilation = per_dim(c, "dilation", dims);
            bool beyond_stride = false;
            bool at_limit = false;
            bool other_trouble = c.integer("groups") < 1;
            for (std::size_t d = 0; d < static_cast<std::size_t>(dims); ++d) {
                if (stride[d] < 1 || dilation[d] < 1 || output_padding[d] < 0) other_trouble = true;
                if (output_padding[d] >= stride[d] && output_padding[d] < dilation[d]) beyond_stride = true;
                if (output_padding[d] >= std::max(stride[d], dilation[d])) at_limit = true;
            }
            if (other_trouble) continue;
            if (at_limit) {
                CHECK(c.refused());
                ++refused_at_limit;
            } else if (beyond_stride && !c.refused()) {
                ++accepted_beyond_stride;
            }
        }
        CAPTURE(op);
        CHECK(accepted_beyond_stride >= 1);
        CHECK(refused_at_limit >= 2);
    }
}
