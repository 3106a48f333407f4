// Chapter 01, hidden: longer signals and other seeds than the visible tests.
#include "conv1d.hpp"
#include "kata_test.hpp"

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch01;

TEST_CASE("conv1d: long signals with many channels against the reference") {
    Rng rng(91001);
    Conv1dRanges ranges;
    ranges.max_length = 40;
    ranges.max_channels = 6;
    ranges.max_out_channels = 6;
    ranges.max_kernel = 9;
    for (int trial = 0; trial < 30; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        CAPTURE(trial);
        CHECK_CLOSE(ch::conv1d(c.x, c.weight, c.bias), c.expected(), c.options());
    }
}

TEST_CASE("conv1d_single: a kernel of ones gives the running window sums") {
    Rng rng(91002);
    const Tensor1 x = rng.tensor<1>(17);
    Tensor1 ones(4);
    ones.setConstant(1.0f);
    Tensor1 sums(14);
    for (Index i = 0; i < 14; ++i) sums(i) = x(i) + x(i + 1) + x(i + 2) + x(i + 3);
    CheckOptions o;
    o.what = "conv1d_single(x [17], ones [4])";
    o.shape_formula = "L - K + 1 = 17 - 4 + 1 = 14";
    CHECK_CLOSE(ch::conv1d_single(x, ones), sums, o);
}

TEST_CASE("parameter_count: a wide layer, with and without bias") {
    CHECK(ch::parameter_count(64, 128, 5) == 128 * 64 * 5 + 128);
    CHECK(ch::parameter_count(64, 128, 5, false) == 128 * 64 * 5);
}
