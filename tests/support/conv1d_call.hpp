// One call of a 1-D convolution, as the tests of chapters 01-04 use it: its
// arguments, the reference's answer, and the CheckOptions that make a failure
// message teach (what was called, the shape formula, the tolerance magnitude).
#pragma once

#include "check.hpp"
#include "golden.hpp"
#include "random.hpp"

#include "convkata/padding.hpp"
#include "convkata/tensor.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kata {

using convkata::OptionalBias;
using convkata::Padding;
using convkata::PadMode;
using convkata::Tensor1;
using convkata::Tensor2;
using convkata::Tensor3;

struct Conv1dCall {
    Tensor3 x;       // [N, C, L]
    Tensor3 weight;  // [OC, C/groups, K]
    OptionalBias bias;
    Index stride = 1;
    Padding padding = 0;
    Index dilation = 1;
    Index groups = 1;
    PadMode mode = PadMode::zeros;

    // "conv1d(x [2, 3, 10], weight [4, 3, 3], bias [4], stride=2, padding='same')"
    std::string describe(const std::string& op = "conv1d") const;
    // The reference's output (convkata::ref::conv1d).
    Tensor3 expected() const;
    // what, shape formula and magnitude for CHECK_CLOSE.
    CheckOptions options(const std::string& op = "conv1d") const;
};

// What a random call may use. Defaults: chapter 01 (stride 1, no padding).
struct Conv1dRanges {
    Index max_batch = 3;
    Index max_channels = 4;
    Index max_out_channels = 4;
    Index max_length = 12;
    Index max_kernel = 5;
    Index max_stride = 1;
    Index max_padding = 0;      // explicit amounts 0..max_padding
    bool same_and_valid = false;  // also padding="same" (at stride 1) and "valid"
    bool all_modes = false;       // reflect, replicate, circular besides zeros
    Index max_dilation = 1;
    Index max_groups = 1;
};

// A valid random call within the ranges (the kernel always fits).
Conv1dCall random_conv1d_call(Rng& rng, const Conv1dRanges& ranges = {});

// The call a golden case describes (its refusal or output is in the case).
Conv1dCall golden_conv1d_call(const GoldenCase& c);

// True when a golden case only uses what `ranges` allows (so a chapter's
// function can be asked to do it).
bool within(const GoldenCase& c, const Conv1dRanges& ranges);

// x mirrored with its edge element repeated (NumPy's "symmetric" padding:
// x1 x0 | x0 x1 ... | x_L-1 x_L-2): what reflect padding off by one gives.
Tensor3 symmetric_pad1d(const Tensor3& x, Index left, Index right);

// Every golden conv1d case within `ranges`, through a chapter's `conv`: what
// PyTorch refuses must be refused (std::invalid_argument naming conv1d), what
// it computes must come out close (CHECK_CLOSE with `options(call)`, or
// call.options()). A case that throws fails on its own; the loop goes on.
// Returns the calls checked, for the test to count.
std::vector<Conv1dCall> check_golden_conv1d(const Conv1dRanges& ranges,
                                            const std::function<Tensor3(const Conv1dCall&)>& conv,
                                            const std::function<CheckOptions(const Conv1dCall&)>& options = {});

}  // namespace kata
