// The oracle checked against PyTorch: every case of tests/golden/conv1d.json
// and tests/golden/pad1d.json (written by tests/golden/generate.py) through
// convkata::ref. A case with an output must come out close to PyTorch's, by
// the tolerance policy of check.hpp; a case PyTorch refuses must be refused
// with std::invalid_argument, naming the operation.
#include "kata_test.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace {

using convkata::Index;
using convkata::PadMode;
using convkata::Tensor3;

const std::vector<kata::GoldenCase>& conv1d_golden() {
    static const std::vector<kata::GoldenCase> cases = kata::load_golden("conv1d");
    return cases;
}

const std::vector<kata::GoldenCase>& pad1d_golden() {
    static const std::vector<kata::GoldenCase> cases = kata::load_golden("pad1d");
    return cases;
}

void check_conv1d_case(const kata::GoldenCase& c) {
    INFO(c.describe());
    const kata::Conv1dCall call = kata::golden_conv1d_call(c);
    if (c.refused()) {
        CHECK_REFUSES(call.expected(), "conv1d");
        return;
    }
    kata::CheckOptions options = call.options();
    options.what = c.describe();
    CHECK_CLOSE(call.expected(), c.output().tensor<3>(), options);
}

// Every conv1d case with first <= id < last.
int check_conv1d_cases(int first, int last) {
    int checked = 0;
    for (const kata::GoldenCase& c : conv1d_golden()) {
        if (c.id() < first || c.id() >= last) continue;
        check_conv1d_case(c);
        ++checked;
    }
    return checked;
}

}  // namespace

TEST_CASE("conv1d matches PyTorch on the plain golden cases") {
    CHECK(check_conv1d_cases(0, 40) == 40);
}

TEST_CASE("conv1d matches PyTorch on the strided golden cases") {
    CHECK(check_conv1d_cases(40, 80) == 40);
}

TEST_CASE("conv1d matches PyTorch on the padded golden cases in every padding mode") {
    CHECK(check_conv1d_cases(80, 120) == 40);
}

TEST_CASE("conv1d matches PyTorch on the golden cases with dilation and groups") {
    CHECK(check_conv1d_cases(120, 1 << 30) >= 40);
}

TEST_CASE("conv1d on one unbatched sample matches the batched golden cases") {
    // PyTorch's [C, L] form is the [1, C, L] form without the batch dimension.
    int checked = 0;
    for (const kata::GoldenCase& c : conv1d_golden()) {
        const kata::Conv1dCall call = kata::golden_conv1d_call(c);
        if (call.x.dimension(0) != 1) continue;
        INFO(c.describe());
        const convkata::Tensor2 sample =
            call.x.reshape(Eigen::array<Index, 2>{call.x.dimension(1), call.x.dimension(2)});
        const auto run = [&] {
            return convkata::ref::conv1d(sample, call.weight, call.bias, call.stride, call.padding, call.dilation,
                                         call.groups, call.mode);
        };
        ++checked;
        if (c.refused()) {
            CHECK_REFUSES(run(), "conv1d");
            continue;
        }
        const Tensor3 expected = c.output().tensor<3>();
        const convkata::Tensor2 expected_sample =
            expected.reshape(Eigen::array<Index, 2>{expected.dimension(1), expected.dimension(2)});
        kata::CheckOptions options = call.options();
        options.what = "unbatched " + c.describe();
        CHECK_CLOSE(run(), expected_sample, options);
    }
    CHECK(checked >= 50);
}

TEST_CASE("pad1d matches PyTorch on every golden case") {
    for (const kata::GoldenCase& c : pad1d_golden()) {
        INFO(c.describe());
        const Tensor3 input = c.tensor("input").tensor<3>();
        const std::vector<Index> pad = c.integers("pad");
        REQUIRE(pad.size() == 2);
        const PadMode mode = convkata::pad_mode_from_string(c.string("mode"));
        const auto run = [&] { return convkata::ref::pad1d(input, pad[0], pad[1], mode); };
        if (c.refused()) {
            CHECK_REFUSES(run(), "pad1d");
            continue;
        }
        kata::CheckOptions options;
        options.what = c.describe();
        CHECK_CLOSE(run(), c.output().tensor<3>(), options);
    }
}

TEST_CASE("the conv1d golden data covers every padding form and mode with outputs and refusals") {
    const std::vector<kata::GoldenCase>& cases = conv1d_golden();
    CHECK(cases.size() >= 160);
    std::set<std::string> modes;
    std::set<std::string> paddings;  // "amount", "same", "valid"
    std::set<Index> strides, dilations, groups;
    int refused = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const kata::GoldenCase& c = cases[i];
        INFO(c.describe());
        CHECK(c.id() == static_cast<int>(i));
        CHECK(c.has("output") != c.refused());
        if (c.refused()) {
            ++refused;
            CHECK(!c.error().empty());
        } else {
            // Inputs and weights are [N, C, L] and [OC, C/groups, K]; outputs [N, OC, L_out].
            const kata::GoldenTensor out = c.output();
            REQUIRE(out.shape.size() == 3);
            CHECK(out.shape[0] == c.tensor("input").shape[0]);
            CHECK(out.shape[1] == c.tensor("weight").shape[0]);
            CHECK(static_cast<Index>(out.data.size()) == out.shape[0] * out.shape[1] * out.shape[2]);
            CHECK(std::all_of(out.data.begin(), out.data.end(), [](float v) { return std::isfinite(v); }));
        }
        modes.insert(c.string("padding_mode"));
        paddings.insert(c.is_string("padding") ? c.string("padding") : "amount");
        strides.insert(c.integer("stride"));
        dilations.insert(c.integer("dilation"));
        groups.insert(c.integer("groups"));
    }
    CHECK(refused >= 20);
    CHECK(cases.size() - static_cast<std::size_t>(refused) >= 100);
    CHECK(modes == std::set<std::string>{"zeros", "reflect", "replicate", "circular"});
    CHECK(paddings == std::set<std::string>{"amount", "same", "valid"});
    for (Index v : {0, 1, 2, 3, 4}) CHECK(strides.count(v) == 1);
    for (Index v : {0, 1, 2, 3}) CHECK(dilations.count(v) == 1);
    for (Index v : {0, 1, 2, 3}) CHECK(groups.count(v) == 1);
}

TEST_CASE("the pad1d golden data covers every mode with outputs and refusals") {
    const std::vector<kata::GoldenCase>& cases = pad1d_golden();
    CHECK(cases.size() >= 100);
    std::set<std::string> modes_with_output;
    std::set<std::string> modes_refused;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const kata::GoldenCase& c = cases[i];
        INFO(c.describe());
        CHECK(c.id() == static_cast<int>(i));
        CHECK(c.has("output") != c.refused());
        (c.refused() ? modes_refused : modes_with_output).insert(c.string("mode"));
        const std::vector<Index> pad = c.integers("pad");
        REQUIRE(pad.size() == 2);
        CHECK(pad[0] >= 0);
        CHECK(pad[1] >= 0);
        if (!c.refused()) {
            const kata::GoldenTensor in = c.tensor("input");
            const kata::GoldenTensor out = c.output();
            REQUIRE(out.shape.size() == 3);
            CHECK(out.shape[2] == in.shape[2] + pad[0] + pad[1]);
        }
    }
    CHECK(modes_with_output == std::set<std::string>{"constant", "reflect", "replicate", "circular"});
    // Only the two modes that read the input back from its other end refuse an amount.
    CHECK(modes_refused == std::set<std::string>{"reflect", "circular"});
}

TEST_CASE("conv1d refuses every invalid call with the numbers in its message") {
    kata::Rng rng(42);
    const Tensor3 x = rng.tensor<3>(1, 4, 10);
    const Tensor3 w = rng.tensor<3>(6, 4, 3);
    using convkata::ref::conv1d;
    CHECK_REFUSES(conv1d(x, rng.tensor<3>(6, 4, 11)), "conv1d", "10", "11");              // kernel too long
    CHECK_REFUSES(conv1d(x, rng.tensor<3>(6, 4, 5), {}, 1, 0, 3), "conv1d", "10", "13");  // dilated kernel too long
    CHECK_REFUSES(conv1d(x, w, {}, 0), "conv1d", "stride", "0");
    CHECK_REFUSES(conv1d(x, w, {}, 1, -1), "conv1d", "padding", "-1");
    CHECK_REFUSES(conv1d(x, w, {}, 1, 0, 0), "conv1d", "dilation", "0");
    CHECK_REFUSES(conv1d(x, w, {}, 2, "same"), "conv1d", "same", "2");
    CHECK_REFUSES(conv1d(x, rng.tensor<3>(6, 3, 3)), "conv1d", "3", "4");                 // channels
    CHECK_REFUSES(conv1d(x, w, rng.tensor<1>(5)), "conv1d", "6", "5");                     // bias length
    CHECK_REFUSES(conv1d(x, rng.tensor<3>(6, 4, 3), {}, 1, 0, 1, 3), "conv1d", "groups=3", "12");  // 4 channels, 3 groups
    CHECK_REFUSES(conv1d(x, rng.tensor<3>(5, 2, 3), {}, 1, 0, 1, 2), "conv1d", "groups=2", "5");   // 5 outputs, 2 groups
    CHECK_REFUSES(conv1d(x, w, {}, 1, 0, 1, 0), "conv1d", "groups", "0");
    CHECK_REFUSES(conv1d(x, w, {}, 1, 10, 1, 1, PadMode::reflect), "conv1d", "reflect", "10");
}
