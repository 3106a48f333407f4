// One call of a 2-D convolution, as the tests of chapters 05-07 use it: its
// arguments, the reference's answer, and the CheckOptions that make a failure
// message teach (what was called, the shape formula per dimension, the
// tolerance magnitude). The 2-D counterpart of conv1d_call.hpp.
#pragma once

#include "check.hpp"
#include "golden.hpp"
#include "random.hpp"

#include "convkata/conv_args.hpp"
#include "convkata/tensor.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kata {

using convkata::Padding2;
using convkata::Size2;
using convkata::Tensor4;

struct Conv2dCall {
    Tensor4 x;       // [N, C, H, W]
    Tensor4 weight;  // [OC, C/groups, KH, KW]
    convkata::OptionalBias bias;
    Size2 stride = 1;
    Padding2 padding = 0;
    Size2 dilation = 1;
    Index groups = 1;

    // "conv2d(x [1, 3, 8, 8], weight [4, 3, 3, 3], stride=(2, 1), padding=1)"
    std::string describe(const std::string& op = "conv2d") const;
    // The reference's output (convkata::ref::conv2d).
    Tensor4 expected() const;
    // what, shape formula (H_out and W_out) and magnitude for CHECK_CLOSE.
    CheckOptions options(const std::string& op = "conv2d") const;
};

// What a random call may use. Defaults: chapter 05 (no groups).
struct Conv2dRanges {
    Index max_batch = 2;
    Index max_channels = 3;
    Index max_out_channels = 3;
    Index max_size = 9;        // H and W
    Index max_kernel = 4;      // KH and KW, chosen independently
    Index max_stride = 3;
    Index max_padding = 2;
    bool same_and_valid = true;
    Index max_dilation = 3;
    Index max_groups = 1;
};

// A valid random call within the ranges (the kernel always fits).
Conv2dCall random_conv2d_call(Rng& rng, const Conv2dRanges& ranges = {});

// The call a golden case of conv2d.json describes.
Conv2dCall golden_conv2d_call(const GoldenCase& c);

// True when a golden case only uses what `ranges` allows.
bool within(const GoldenCase& c, const Conv2dRanges& ranges);

// Every golden conv2d case within `ranges`, through a chapter's `conv`: what
// PyTorch refuses must be refused (std::invalid_argument naming conv2d), what
// it computes must come out close. Returns the calls checked.
std::vector<Conv2dCall> check_golden_conv2d(const Conv2dRanges& ranges,
                                            const std::function<Tensor4(const Conv2dCall&)>& conv,
                                            const std::function<CheckOptions(const Conv2dCall&)>& options = {});

// An int-or-list golden argument as a Size2 (PyTorch's 2 == (2, 2)).
Size2 golden_size2(const GoldenCase& c, const std::string& key);

}  // namespace kata
