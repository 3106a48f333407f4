// Chapter 03, hidden: padding as wide as each mode allows, other seeds.
#include "padding.hpp"
#include "kata_test.hpp"

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch03;

TEST_CASE("pad1d: the widest borders each mode allows against the reference") {
    Rng rng(93001);
    for (int trial = 0; trial < 40; ++trial) {
        const Index L = rng.integer(1, 8);
        const PadMode mode = static_cast<PadMode>(trial % 4);
        const Index most = mode == PadMode::reflect ? L - 1 : mode == PadMode::circular ? L : 2 * L;
        const Tensor3 x = rng.tensor<3>(2, 2, L);
        CAPTURE(trial);
        CHECK(ch::pad1d(x, most, most, mode).dimension(2) == L + 2 * most);
        const Tensor3 expected = ref::pad1d(x, most, 0, mode);
        CheckOptions o;
        o.what = "pad1d(x " + shape_string(x) + ", " + std::to_string(most) + ", 0)";
        CHECK_CLOSE(ch::pad1d(x, most, 0, mode), expected, o);
    }
}

TEST_CASE("same_padding: the output length equals the input length for every kernel and dilation") {
    for (Index K = 1; K <= 7; ++K) {
        for (Index D = 1; D <= 3; ++D) {
            const PadPair p = ch::same_padding(K, D);
            CAPTURE(K);
            CAPTURE(D);
            CHECK(p.left + p.right == D * (K - 1));
            CHECK(p.right - p.left >= 0);
            CHECK(p.right - p.left <= 1);
        }
    }
}
