// Chapter 02, hidden: strides up to the input's length, other seeds.
#include "stride.hpp"
#include "kata_test.hpp"

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch02;

TEST_CASE("conv1d: large strides on long inputs against the reference") {
    Rng rng(92001);
    Conv1dRanges ranges;
    ranges.max_length = 30;
    ranges.max_stride = 9;
    for (int trial = 0; trial < 40; ++trial) {
        const Conv1dCall c = random_conv1d_call(rng, ranges);
        CAPTURE(trial);
        CHECK_CLOSE(ch::conv1d(c.x, c.weight, c.bias, c.stride), c.expected(), c.options());
    }
}

TEST_CASE("output_length: agrees with the length of conv1d's output") {
    Rng rng(92002);
    for (int trial = 0; trial < 30; ++trial) {
        const Index L = rng.integer(1, 20), K = rng.integer(1, L), S = rng.integer(1, 6);
        const Tensor3 y = ch::conv1d(rng.tensor<3>(1, 1, L), rng.tensor<3>(1, 1, K), {}, S);
        CAPTURE(L);
        CAPTURE(K);
        CAPTURE(S);
        CHECK(ch::output_length(L, K, S) == y.dimension(2));
        CHECK(y.dimension(2) == (L - K) / S + 1);
    }
}
