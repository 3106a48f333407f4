// The pooling oracle checked against PyTorch: every case of
// tests/golden/max_pool1d.json, max_pool2d.json, avg_pool1d.json,
// avg_pool2d.json and adaptive_avg_pool2d.json (written by
// tests/golden/generate_pooling.py) through convkata::ref. An output must come
// out close to PyTorch's by the tolerance policy of check.hpp (for averages the
// magnitude is the same call on |x|), max pooling's indices exactly equal; a
// call PyTorch refuses must be refused with std::invalid_argument naming the
// operation and what PyTorch's message is about.
#include "kata_test.hpp"

#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using convkata::Index;
using convkata::IndexTensor;
using convkata::Size2;
using convkata::Tensor3;
using convkata::Tensor4;
namespace ref = convkata::ref;

const std::vector<kata::GoldenCase>& golden(const std::string& op) {
    static std::map<std::string, std::vector<kata::GoldenCase>> files;
    auto it = files.find(op);
    if (it == files.end()) it = files.emplace(op, kata::load_golden(op)).first;
    return it->second;
}


std::optional<Index> optional_integer(const kata::GoldenCase& c, const std::string& key) {
    if (!c.has(key)) return std::nullopt;
    return c.integer(key);
}

std::optional<Size2> optional_size2(const kata::GoldenCase& c, const std::string& key) {
    if (!c.has(key)) return std::nullopt;
    return kata::golden_size2(c, key);
}


// What our message must mention for each kind of PyTorch refusal.
std::string topic_of(const std::string& torch_error) {
    static const std::vector<std::pair<std::string, std::string>> topics = {
        {"at most half of kernel size", "at most half of kernel size"},
        {"Output size is too small", "Output size is too small"},
        {"kernel size should be greater than zero", "kernel_size"},
        {"stride should", "stride"},
        {"dilation should be greater than zero", "dilation"},
        {"pad must be non-negative", "padding must be non-negative"},
        {"divisor must be not zero", "divisor_override"},
        {"Expected 3D or 4D", "non-empty"},
        {"elements of output_size", "output_size"},
        {"non-zero size for non-batch dimensions", "non-zero"},
    };
    for (const auto& [words, topic] : topics) {
        if (torch_error.find(words) != std::string::npos) return topic;
    }
    throw std::runtime_error("no topic for PyTorch's message \"" + torch_error + "\": add it to topic_of");
}

template <int R>
void check_indices(const IndexTensor<R>& actual, const kata::GoldenTensor& expected) {
    REQUIRE(static_cast<std::size_t>(R) == expected.shape.size());
    for (int d = 0; d < R; ++d) REQUIRE(actual.dimension(d) == expected.shape[static_cast<std::size_t>(d)]);
    for (Index i = 0; i < actual.size(); ++i) {
        if (actual.data()[i] != static_cast<Index>(expected.data[static_cast<std::size_t>(i)])) {
            FAIL_CHECK("index " << i << " (flat): got " << actual.data()[i] << ", PyTorch has "
                                << expected.data[static_cast<std::size_t>(i)]);
            return;
        }
    }
}

// Every case of <op>.json through `run(case, input)`, which returns the
// output (and, for max pooling, checks the indices); `magnitude(case, |input|)`
// gives the tolerance magnitude, or nothing for |expected|. Returns
// {outputs checked, refusals checked}.
template <int R, typename Run, typename Magnitude>
std::pair<int, int> check_op(const std::string& op, Run run, Magnitude magnitude) {
    int outputs = 0, refusals = 0;
    for (const kata::GoldenCase& c : golden(op)) {
        INFO(c.describe());
        try {
            const convkata::Tensor<R> x = c.tensor("input").tensor<R>();
            if (c.refused()) {
                CHECK_REFUSES(run(c, x), op, topic_of(c.error()));
                ++refusals;
                continue;
            }
            kata::CheckOptions options;
            options.what = op + " on " + c.describe();
            options.magnitude = magnitude(c, convkata::Tensor<R>(x.abs()));
            CHECK_CLOSE(run(c, x), c.output().tensor<R>(), options);
            ++outputs;
        } catch (const std::exception& e) {
            FAIL_CHECK(op << " threw on " << c.describe() << ": " << e.what());
        }
    }
    return {outputs, refusals};
}

auto no_magnitude = [](const kata::GoldenCase&, const auto&) { return std::vector<float>{}; };

Tensor3 max1d(const kata::GoldenCase& c, const Tensor3& x) {
    const auto [values, indices] =
        ref::max_pool1d_with_indices(x, c.integer("kernel_size"), optional_integer(c, "stride"), c.integer("padding"),
                                     c.integer("dilation"), c.boolean("ceil_mode"));
    // The form without indices gives the same values.
    const Tensor3 plain = ref::max_pool1d(x, c.integer("kernel_size"), optional_integer(c, "stride"),
                                          c.integer("padding"), c.integer("dilation"), c.boolean("ceil_mode"));
    CHECK_CLOSE(plain, values);
    if (c.has("indices")) check_indices(indices, c.tensor("indices"));
    return values;
}

Tensor4 max2d(const kata::GoldenCase& c, const Tensor4& x) {
    const auto [values, indices] =
        ref::max_pool2d_with_indices(x, kata::golden_size2(c, "kernel_size"), optional_size2(c, "stride"), kata::golden_size2(c, "padding"),
                                     kata::golden_size2(c, "dilation"), c.boolean("ceil_mode"));
    const Tensor4 plain = ref::max_pool2d(x, kata::golden_size2(c, "kernel_size"), optional_size2(c, "stride"),
                                          kata::golden_size2(c, "padding"), kata::golden_size2(c, "dilation"), c.boolean("ceil_mode"));
    CHECK_CLOSE(plain, values);
    if (c.has("indices")) check_indices(indices, c.tensor("indices"));
    return values;
}

Tensor3 avg1d(const kata::GoldenCase& c, const Tensor3& x) {
    return ref::avg_pool1d(x, c.integer("kernel_size"), optional_integer(c, "stride"), c.integer("padding"),
                           c.boolean("ceil_mode"), c.boolean("count_include_pad"));
}

// With a negative divisor_override the magnitude is taken with its absolute value.
Tensor4 avg2d(const kata::GoldenCase& c, const Tensor4& x, bool absolute_divisor = false) {
    std::optional<Index> divisor = optional_integer(c, "divisor_override");
    if (divisor && absolute_divisor) divisor = std::abs(*divisor);
    return ref::avg_pool2d(x, kata::golden_size2(c, "kernel_size"), optional_size2(c, "stride"), kata::golden_size2(c, "padding"),
                           c.boolean("ceil_mode"), c.boolean("count_include_pad"), divisor);
}

Tensor4 adaptive(const kata::GoldenCase& c, const Tensor4& x) {
    return ref::adaptive_avg_pool2d(x, kata::golden_size2(c, "output_size"));
}

}  // namespace

TEST_CASE("max_pool1d matches PyTorch's values and indices on every golden case") {
    const auto [outputs, refusals] = check_op<3>("max_pool1d", max1d, no_magnitude);
    CHECK(outputs >= 90);
    CHECK(refusals >= 10);
}

TEST_CASE("max_pool2d matches PyTorch's values and indices on every golden case") {
    const auto [outputs, refusals] = check_op<4>("max_pool2d", max2d, no_magnitude);
    CHECK(outputs >= 90);
    CHECK(refusals >= 10);
}

TEST_CASE("avg_pool1d matches PyTorch on every golden case") {
    const auto [outputs, refusals] = check_op<3>("avg_pool1d", avg1d, [](const kata::GoldenCase& c, const Tensor3& ax) {
        return kata::flat(avg1d(c, ax));
    });
    CHECK(outputs >= 90);
    CHECK(refusals >= 8);
}

TEST_CASE("avg_pool2d matches PyTorch on every golden case") {
    const auto [outputs, refusals] = check_op<4>("avg_pool2d", [](const kata::GoldenCase& c, const Tensor4& x) {
        return avg2d(c, x);
    }, [](const kata::GoldenCase& c, const Tensor4& ax) { return kata::flat(avg2d(c, ax, true)); });
    CHECK(outputs >= 90);
    CHECK(refusals >= 8);
}

TEST_CASE("adaptive_avg_pool2d matches PyTorch on every golden case") {
    const auto [outputs, refusals] = check_op<4>("adaptive_avg_pool2d", adaptive,
                                                 [](const kata::GoldenCase& c, const Tensor4& ax) {
                                                     return kata::flat(adaptive(c, ax));
                                                 });
    CHECK(outputs >= 50);
    CHECK(refusals >= 2);
}

TEST_CASE("the pooling golden data covers ceil_mode dilation count_include_pad and divisor_override") {
    // Kinds of case the oracle must have seen, counted over the outputs.
    auto count = [](const std::string& op, auto&& predicate) {
        int n = 0;
        for (const kata::GoldenCase& c : golden(op)) n += (!c.refused() && predicate(c)) ? 1 : 0;
        return n;
    };
    auto ceil_mode = [](const kata::GoldenCase& c) { return c.boolean("ceil_mode"); };
    auto default_stride = [](const kata::GoldenCase& c) { return !c.has("stride"); };
    auto dilated = [](const kata::GoldenCase& c) {
        const Size2 d = kata::golden_size2(c, "dilation");
        return d[0] > 1 || d[1] > 1;
    };
    for (const std::string op : {"max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"}) {
        CAPTURE(op);
        CHECK(count(op, ceil_mode) >= 20);
        CHECK(count(op, default_stride) >= 20);
    }
    CHECK(count("max_pool1d", dilated) >= 10);
    CHECK(count("max_pool2d", dilated) >= 10);
    for (const std::string op : {"avg_pool1d", "avg_pool2d"}) {
        CAPTURE(op);
        CHECK(count(op, [](const kata::GoldenCase& c) { return !c.boolean("count_include_pad"); }) >= 20);
    }
    CHECK(count("avg_pool2d", [](const kata::GoldenCase& c) { return c.has("divisor_override"); }) >= 10);
}
