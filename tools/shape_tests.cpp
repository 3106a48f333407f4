// kata shape's core: shapes written as their formulas, shapes and parameter
// counts from PyTorch 1.13, stacks, --solve (found and none), the layer
// syntax, and refusals worded exactly as the reference words them.
//
// The PyTorch numbers below were printed by /usr/bin/python3 (torch 1.13):
//   m = nn.Conv2d(3, 64, 7, stride=2, padding=3); y = m(torch.zeros(1, 3, 224, 224))
//   list(y.shape), sum(p.numel() for p in m.parameters()), print(m)
// and MACs from the GEMM that F.unfold sets up:
//   cols = F.unfold(x, kernel, dilation, padding, stride)     # [N, C*K, L]
//   macs = N * out_channels * (C*K // groups) * L
// The --solve answers were checked against a brute force over every kernel
// size (or padding) with F.conv1d / F.conv_transpose1d / F.max_pool1d.

#include "shape_core.hpp"

#include "reference.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using kata_shape::Index;
using kata_shape::Shape;
using json = nlohmann::json;

kata_shape::LayerResult layer(const Shape& input, const std::string& text) {
    return kata_shape::run_layer(kata_shape::parse_layer(text), input);
}

// What a call refuses with: the message, or "" when it does not refuse.
std::string refusal(const std::function<void()>& call) {
    try {
        call();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

std::string layer_refusal(const Shape& input, const std::string& text) {
    return refusal([&] { layer(input, text); });
}

std::vector<Index> values_of(const std::vector<kata_shape::Candidate>& candidates) {
    std::vector<Index> values;
    for (const auto& c : candidates) values.push_back(c.value);
    return values;
}

using Pair = std::pair<Index, Index>;  // (kernel_size, dilation)

std::vector<Pair> pairs_of(const std::vector<kata_shape::Candidate>& candidates) {
    std::vector<Pair> pairs;
    for (const auto& c : candidates) pairs.emplace_back(c.value, c.dilation);
    return pairs;
}

kata_shape::SolveResult solve(const Shape& input, const std::string& text, const std::string& unknown,
                              const Shape& wanted) {
    return kata_shape::solve(kata_shape::parse_layer(text), input, kata_shape::unknown_from_text(unknown), wanted);
}

}  // namespace

TEST_CASE("a conv2d: its output shape with the formula, its parameters and its MACs") {
    const auto r = layer({1, 3, 224, 224}, "conv2d(64, kernel_size=7, stride=2, padding=3)");
    // floor((in + 2*padding - dilation*(kernel-1) - 1)/stride) + 1
    const Index out = (224 + 2 * 3 - 1 * (7 - 1) - 1) / 2 + 1;
    CHECK(out == 112);
    CHECK(r.output == Shape{1, 64, out, out});
    REQUIRE(r.sizes.size() == 2);
    CHECK(r.sizes[0] == "H: floor((224 + 2*3 - 1*(7-1) - 1)/2) + 1 = floor(223/2) + 1 = 112");
    CHECK(r.sizes[1] == "W: floor((224 + 2*3 - 1*(7-1) - 1)/2) + 1 = floor(223/2) + 1 = 112");
    CHECK(r.params == 64 * 3 * 7 * 7 + 64);  // PyTorch: 9472
    CHECK(r.params_sum == "weight [64, 3, 7, 7] + bias [64] = 64*3*7*7 + 64 = 9408 + 64 = 9472");
    CHECK(r.macs == Index{1} * 64 * 112 * 112 * (3 * 7 * 7));  // F.unfold's GEMM: 118013952
    CHECK(r.macs_sum.find("802816*147 = 118013952") != std::string::npos);
    CHECK(r.module == "Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))");  // print(m)
}

TEST_CASE("hand examples: every layer kind's size is the lesson's formula") {
    // Convolution: dilation 2, stride 2, padding 1 on 10 -> floor((10 + 2 - 2*2 - 1)/2) + 1.
    CHECK(layer({1, 1, 10}, "conv1d(1, 3, stride=2, padding=1, dilation=2)").output ==
          Shape{1, 1, (10 + 2 * 1 - 2 * (3 - 1) - 1) / 2 + 1});
    // Transposed: (in - 1)*stride - 2*padding + dilation*(kernel-1) + output_padding + 1.
    CHECK(layer({1, 2, 7}, "conv_transpose1d(3, 4, stride=3, padding=1, output_padding=2)").output ==
          Shape{1, 3, (7 - 1) * 3 - 2 * 1 + 1 * (4 - 1) + 2 + 1});
    // Pooling rounds down, or up with ceil_mode: 9 with kernel 2, stride 2 -> 4 or 5.
    CHECK(layer({1, 1, 9}, "max_pool1d(2)").output == Shape{1, 1, (9 - 2) / 2 + 1});
    CHECK(layer({1, 1, 9}, "max_pool1d(2, ceil_mode=True)").output == Shape{1, 1, (9 - 2 + 1) / 2 + 1});
    // ... but a last window that would start in the right padding is dropped:
    // 5 + 2*1 with kernel 2, stride 2: ceil(5/2) + 1 = 4 windows, the last starting at 6 >= 5 + 1.
    const auto dropped = layer({1, 1, 5}, "max_pool1d(2, stride=2, padding=1, ceil_mode=True)");
    CHECK(dropped.output == Shape{1, 1, 3});
    CHECK(dropped.sizes[0].find("less the last window") != std::string::npos);
    // padding='same' with an even kernel: 3 zeros, 1 left and 2 right; the size is kept.
    const auto same = layer({1, 1, 10}, "conv1d(1, 4, padding='same')");
    CHECK(same.output == Shape{1, 1, 10});
    CHECK(same.sizes[0] == "L: floor((10 + 1 + 2 - 1*(4-1) - 1)/1) + 1 = floor(9/1) + 1 = 10");
    CHECK(layer({1, 1, 10}, "conv1d(1, 4, padding='valid')").output == Shape{1, 1, 10 - 4 + 1});
    // Linear: params out*in + out, MACs outputs*in.
    const auto linear = layer({2, 5, 512}, "linear(10)");
    CHECK(linear.params == 10 * 512 + 10);
    CHECK(linear.macs == 2 * 5 * 10 * 512);
    // Grouped convolution: each output sums only its group's channels.
    const auto grouped = layer({1, 8, 6, 6}, "conv2d(4, 3, groups=2, bias=False)");
    CHECK(grouped.params == 4 * (8 / 2) * 3 * 3);
    CHECK(grouped.macs == Index{1} * 4 * 4 * 4 * ((8 / 2) * 3 * 3));
    // Transposed: every input value meets (out_channels/groups)*K weights.
    CHECK(layer({1, 16, 16, 16}, "conv_transpose2d(8, 4, stride=2, padding=1)").macs ==
          Index{1} * 16 * 16 * 16 * (8 * 4 * 4));
}

TEST_CASE("shapes and parameter counts as PyTorch 1.13 gives them") {
    struct Case {
        Shape input;
        std::string layer;
        Shape output;
        Index params;
    };
    const std::vector<Case> cases = {
        {{2, 4, 10}, "Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)", {2, 6, 4}, 42},
        {{1, 2, 8, 9, 10}, "Conv3d(2, 4, (3, 4, 1), padding='same', dilation=(2, 1, 1), bias=False)", {1, 4, 8, 9, 10}, 96},
        {{3, 11, 12}, "Conv2d(3, 8, (3, 5), stride=(2, 1), padding=(1, 2))", {8, 6, 12}, 368},  // unbatched
        {{1, 16, 16, 16}, "ConvTranspose2d(16, 8, 4, stride=2, padding=1)", {1, 8, 32, 32}, 2056},
        {{1, 4, 7}, "ConvTranspose1d(4, 6, 3, stride=3, padding=1, output_padding=2, groups=2)", {1, 6, 21}, 42},
        {{2, 4, 5, 6}, "ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, dilation=2)", {2, 2, 12, 14}, 74},
        {{1, 3, 7, 7}, "MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True)", {1, 3, 3, 3}, 0},
        {{1, 1, 5}, "MaxPool1d(2, stride=2, padding=1, ceil_mode=True)", {1, 1, 3}, 0},
        {{1, 1, 4}, "MaxPool1d(2, stride=2, padding=1, ceil_mode=True)", {1, 1, 3}, 0},
        {{1, 1, 5}, "MaxPool1d(6, stride=2, ceil_mode=True)", {1, 1, 1}, 0},
        {{1, 2, 10}, "AvgPool1d(4, stride=3, padding=2, ceil_mode=True)", {1, 2, 4}, 0},
        {{1, 3, 7, 9}, "AvgPool2d(2)", {1, 3, 3, 4}, 0},
        {{1, 2, 4, 5, 6}, "MaxPool3d(2)", {1, 2, 2, 2, 3}, 0},
        {{1, 3, 10, 7}, "AdaptiveAvgPool2d((3, None))", {1, 3, 3, 7}, 0},
        {{4, 3, 5, 5}, "BatchNorm2d(3)", {4, 3, 5, 5}, 6},
        {{2, 5, 512}, "Linear(512, 10)", {2, 5, 10}, 5130},
        {{2, 16, 4, 4}, "Flatten()", {2, 256}, 0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.layer);
        const auto r = layer(c.input, c.layer);
        CHECK(r.output == c.output);
        CHECK(r.params == c.params);
    }
    // print(m) for a few of them.
    CHECK(layer({2, 4, 10}, "Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)").module ==
          "Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2)");
    CHECK(layer({1, 2, 8, 9, 10}, "Conv3d(2, 4, (3, 4, 1), padding='same', dilation=(2, 1, 1), bias=False)").module ==
          "Conv3d(2, 4, kernel_size=(3, 4, 1), stride=(1, 1, 1), padding=same, dilation=(2, 1, 1), bias=False)");
    CHECK(layer({2, 4, 5, 6}, "ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, dilation=2)").module ==
          "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
          "output_padding=(1, 1))");
    CHECK(layer({1, 3, 7, 7}, "MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True)").module ==
          "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)");
    CHECK(layer({4, 3, 5, 5}, "BatchNorm2d(3)").module ==
          "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    CHECK(layer({2, 5, 512}, "Linear(512, 10)").module == "Linear(in_features=512, out_features=10, bias=True)");
}

// The cost table of chapter 11's lesson ("What a 3-D convolution costs"),
// printed by bench/conv3d_costs.py: the experiment (one output channel) and
// the five workloads of bench/conv3d_bench.cu (seven). kata shape gives the
// shapes and the MACs; the lesson's assumptions give the rest: FP32, no bias,
// each tensor read or written once, so bytes = 4 * (input + weight + output).
TEST_CASE("chapter 11's cost table: outputs, MACs, bytes and FLOP per byte of each row") {
    struct Row {
        Index side, out_channels, kernel, stride;  // input [1, 7, side, side, side]
        Index out, macs, bytes;
        Index intensity_x10, shown_to_x10;  // FLOP/byte as the lesson rounds it: to 10 (a whole number) or 1 (a tenth)
    };
    const std::vector<Row> rows = {
        {100, 1, 50, 1, 51, 116'069'625'000, 32'030'604, 72'470, 10},           // the experiment: 7 247
        {100, 7, 13, 3, 30, 2'906'631'000, 29'186'612, 1'990, 10},               // 199
        {100, 7, 50, 1, 51, 812'487'375'000, 56'214'228, 289'070, 10},           // 28 907
        {500, 7, 10, 1, 491, 5'800'167'779'000, 6'814'577'588, 17'020, 10},     // 1 702
        {500, 7, 100, 10, 41, 3'377'129'000'000, 3'697'929'788, 18'260, 10},   // 1 826
        {500, 7, 100, 50, 9, 35'721'000'000, 3'696'020'412, 193, 1},           // 19.3
    };
    for (const Row& row : rows) {
        const std::string text = "conv3d(" + std::to_string(row.out_channels) +
                                 ", kernel_size=" + std::to_string(row.kernel) +
                                 ", stride=" + std::to_string(row.stride) + ", bias=False)";
        CAPTURE(text);
        CAPTURE(row.side);
        const auto r = layer({1, 7, row.side, row.side, row.side}, text);
        // out = floor((side - kernel) / stride) + 1
        CHECK(row.out == (row.side - row.kernel) / row.stride + 1);
        CHECK(r.output == Shape{1, row.out_channels, row.out, row.out, row.out});
        const Index outputs = row.out_channels * row.out * row.out * row.out;
        const Index taps = 7 * row.kernel * row.kernel * row.kernel;  // C * KD * KH * KW
        CHECK(r.params == row.out_channels * taps);
        CHECK(r.macs == outputs * taps);
        CHECK(r.macs == row.macs);
        const Index bytes = 4 * (7 * row.side * row.side * row.side + r.params + outputs);
        CHECK(bytes == row.bytes);
        // |10 * FLOP / bytes - intensity_x10| <= shown_to_x10 / 2, with FLOP = 2 * MACs, in integers.
        const Index flop = 2 * r.macs;
        CHECK(20 * flop >= (2 * row.intensity_x10 - row.shown_to_x10) * bytes);
        CHECK(20 * flop < (2 * row.intensity_x10 + row.shown_to_x10) * bytes);
    }
}

TEST_CASE("a stack: each layer reads the previous output, and the totals add up") {
    std::vector<kata_shape::LayerCall> calls;
    for (const char* text : {"conv2d(16, kernel_size=3, padding=1)", "max_pool2d(2)", "conv2d(32, 3, stride=2)"})
        calls.push_back(kata_shape::parse_layer(text));
    const auto stack = kata_shape::run_stack({1, 3, 32, 32}, calls);
    REQUIRE(stack.layers.size() == 3);
    // nn.Sequential(...) in PyTorch: [1, 16, 32, 32] 448, [1, 16, 16, 16] 0, [1, 32, 7, 7] 4640.
    CHECK(stack.layers[0].output == Shape{1, 16, 32, 32});
    CHECK(stack.layers[1].output == Shape{1, 16, 16, 16});
    CHECK(stack.layers[2].output == Shape{1, 32, (16 - 3) / 2 + 1, (16 - 3) / 2 + 1});
    CHECK(stack.layers[0].params == 16 * 3 * 3 * 3 + 16);
    CHECK(stack.layers[2].params == 32 * 16 * 3 * 3 + 32);
    CHECK(stack.params == 448 + 0 + 4640);
    // F.unfold's GEMMs: 442368 and 225792; pooling multiplies nothing.
    CHECK(stack.layers[0].macs == 442368);
    CHECK(stack.layers[1].macs == 0);
    CHECK(stack.layers[2].macs == 225792);
    CHECK(stack.macs == 442368 + 225792);
    // in_channels comes from the previous layer: the second conv is Conv2d(16, 32, ...).
    CHECK(stack.layers[2].module == "Conv2d(16, 32, kernel_size=(3, 3), stride=(2, 2))");

    const std::string table = kata_shape::stack_text(stack, false);
    CHECK(table.find("conv2d(32, 3, stride=2)") != std::string::npos);
    CHECK(table.find("4,640") != std::string::npos);
    CHECK(table.find("668,160") != std::string::npos);
    const json answer = json::parse(kata_shape::stack_json(stack));
    CHECK(answer["shape"] == json::parse("[1, 32, 7, 7]"));
    CHECK(answer["params"] == 5088);
    CHECK(answer["macs"] == 668160);
    CHECK(answer["layers"].size() == 3);
    CHECK(answer["layers"][1]["shape"] == json::parse("[1, 16, 16, 16]"));

    // A refusal in a stack names the layer, its place and its input.
    calls.push_back(kata_shape::parse_layer("conv2d(8, 9)"));
    const std::string message = refusal([&] { kata_shape::run_stack({1, 3, 32, 32}, calls); });
    CHECK(message ==
          "layer 4 of 4, conv2d(8, 9) on input [1, 32, 7, 7]: Calculated padded input size per channel: (7 x 7). "
          "Kernel size: (9 x 9). Kernel size can't be greater than actual input size");
}

TEST_CASE("the layer syntax mirrors torch.nn's constructors") {
    const Shape x = {1, 3, 9, 9};
    const Shape expected = layer(x, "conv2d(16, kernel_size=3, stride=2, padding=1)").output;
    CHECK(expected == Shape{1, 16, 5, 5});
    for (const char* text : {"conv2d(16, 3, 2, 1)", "Conv2d(3, 16, 3, 2, 1)", "nn.Conv2d(3, 16, 3, stride=2, padding=1)",
                             "torch.nn.Conv2d(in_channels=3, out_channels=16, kernel_size=(3, 3), stride=[2, 2], padding=1,)",
                             "conv2d(16, 3, stride=(2, 2), padding=1, in_channels=3)"}) {
        CAPTURE(text);
        CHECK(layer(x, text).output == expected);
    }
    // The single-layer command-line form gives the same layer.
    const auto flags = kata_shape::layer_from_keywords(
        "conv2d", {{"out_channels", "16"}, {"kernel_size", "3"}, {"stride", "2,2"}, {"padding", "1"}});
    CHECK(kata_shape::run_layer(flags, x).output == expected);
    // Words may be quoted either way, or not at all.
    for (const char* text : {"conv2d(4, 3, padding='same')", "conv2d(4, 3, padding=\"same\")", "conv2d(4, 3, padding=same)"})
        CHECK(layer(x, text).output == Shape{1, 4, 9, 9});
    // A bare name has no arguments.
    CHECK(layer(x, "flatten").output == Shape{1, 3 * 9 * 9});

    CHECK(layer_refusal(x, "conv4d(8, 3)").find("unknown layer 'conv4d'") == 0);
    CHECK(layer_refusal(x, "maxpool2d(2)") == "unknown layer 'maxpool2d': did you mean max_pool2d or MaxPool2d?");
    CHECK(layer_refusal(x, "conv2d(16)") == "conv2d: conv2d() missing required argument: 'kernel_size'");
    CHECK(layer_refusal(x, "Conv2d(16, 3)") == "conv2d: Conv2d() missing required argument: 'kernel_size'");
    CHECK(layer_refusal(x, "conv2d(16, kernel_size=3, 1)").find("positional argument follows keyword argument") == 0);
    CHECK(layer_refusal(x, "conv2d(16, 3, kernel_size=3)") ==
          "conv2d: conv2d() got multiple values for argument 'kernel_size'");
    CHECK(layer_refusal(x, "conv2d(16, 3, colour=1)").find("unexpected keyword argument 'colour'") != std::string::npos);
    CHECK(layer_refusal(x, "max_pool2d(2, in_channels=3)").find("unexpected keyword argument 'in_channels'") !=
          std::string::npos);
    CHECK(layer_refusal(x, "conv2d(1, 2, 3, 4, 5, 6, True, 'zeros', 9)") ==
          "conv2d: conv2d() takes at most 8 positional arguments but 9 were given");
    CHECK(layer_refusal(x, "conv2d(16, (3, 3)").find("unbalanced") != std::string::npos);
    CHECK(layer_refusal(x, "conv2d(16, 3").find("does not end with ')'") != std::string::npos);
    CHECK(layer_refusal(x, "conv2d(16, x)") == "conv2d: argument 'kernel_size' must be an int or a tuple of 2 ints, but got x");
    CHECK(layer_refusal(x, "conv2d(16, 3, bias=maybe)") == "conv2d: argument 'bias' must be True or False, but got maybe");
    CHECK(layer_refusal(x, "conv2d(16, (3, 3, 3))").find("expected kernel_size to be a single integer value or a list of 2") !=
          std::string::npos);
}

TEST_CASE("--input and --output: sizes like 1,3,224,224, anything else refused") {
    CHECK(kata_shape::parse_shape("1,3,224,224", "--input") == Shape{1, 3, 224, 224});
    CHECK(kata_shape::parse_shape("[1, 3, 224, 224]", "--input") == Shape{1, 3, 224, 224});
    CHECK(kata_shape::parse_shape("1x3x32", "--input") == Shape{1, 3, 32});
    for (const char* bad : {"", "1,3,,5", "1,3,x", "1,3,5,", "[1, 3", "1;3", "1.5,3"}) {
        CAPTURE(bad);
        CHECK(refusal([&] { kata_shape::parse_shape(bad, "--input"); }).find("--input: expected sizes like 1,3,224,224") == 0);
    }
    CHECK(refusal([&] { kata_shape::parse_shape("1,0,5", "--input"); }).find("--input: every size must be between 1 and") == 0);
    CHECK(refusal([&] { kata_shape::parse_shape("1,3,-5", "--input"); }).find("--input: every size must be") == 0);
    CHECK(refusal([&] { kata_shape::parse_shape("1,99999999999999999999", "--input"); }).find("--input") == 0);
    // Totals that would overflow 64 bits are refused, not wrapped.
    CHECK(layer_refusal({1000000000, 1000000000, 1000000000}, "conv1d(1000000000, 1)").find("too large to count") !=
          std::string::npos);
}

TEST_CASE("refusals are worded exactly as the reference words them") {
    using convkata::Size2;
    using convkata::Tensor3;
    using convkata::Tensor4;
    namespace ref = convkata::ref;
    auto zeros4 = [](Index a, Index b, Index c, Index d) {
        Tensor4 t(a, b, c, d);
        t.setZero();
        return t;
    };
    auto zeros3 = [](Index a, Index b, Index c) {
        Tensor3 t(a, b, c);
        t.setZero();
        return t;
    };
    const Tensor4 x = zeros4(1, 3, 5, 5);
    struct Case {
        std::string layer;
        std::function<void()> reference;
    };
    const std::vector<Case> cases = {
        {"conv2d(8, 7)", [&] { ref::conv2d(x, zeros4(8, 3, 7, 7)); }},
        {"conv2d(8, (2, 8), padding=(0, 1))", [&] { ref::conv2d(x, zeros4(8, 3, 2, 8), {}, 1, Size2(0, 1)); }},
        {"conv2d(8, 3, stride=(1, 0))", [&] { ref::conv2d(x, zeros4(8, 3, 3, 3), {}, Size2(1, 0)); }},
        {"conv2d(8, 3, padding=-1)", [&] { ref::conv2d(x, zeros4(8, 3, 3, 3), {}, 1, -1); }},
        {"conv2d(8, 3, dilation=0)", [&] { ref::conv2d(x, zeros4(8, 3, 3, 3), {}, 1, 0, 0); }},
        {"conv2d(8, (3, 0))", [&] { ref::conv2d(x, zeros4(8, 3, 3, 0)); }},
        {"conv2d(0, 3)", [&] { ref::conv2d(x, zeros4(0, 3, 3, 3)); }},
        {"Conv2d(4, 8, 3)", [&] { ref::conv2d(x, zeros4(8, 4, 3, 3)); }},
        {"conv1d(2, 3, stride=2, padding='same')", [&] { ref::conv1d(zeros3(1, 1, 5), zeros3(2, 1, 3), {}, 2, "same"); }},
        {"conv_transpose2d(8, 3, stride=2, output_padding=2)",
         [&] { ref::conv_transpose2d(x, zeros4(3, 8, 3, 3), {}, 2, 0, 2); }},
        {"conv_transpose2d(8, 3, padding=5)", [&] { ref::conv_transpose2d(x, zeros4(3, 8, 3, 3), {}, 1, 5); }},
        {"ConvTranspose2d(4, 8, 3)", [&] { ref::conv_transpose2d(x, zeros4(4, 8, 3, 3)); }},
        {"max_pool2d(2, padding=2)", [&] { ref::max_pool2d(x, 2, std::nullopt, 2); }},
        {"max_pool2d(7)", [&] { ref::max_pool2d(x, 7); }},
        {"max_pool2d(2, stride=0)", [&] { ref::max_pool2d(x, 2, Size2(0)); }},
        {"max_pool2d(0)", [&] { ref::max_pool2d(x, 0); }},
        {"max_pool2d(3, dilation=0)", [&] { ref::max_pool2d(x, 3, std::nullopt, 0, 0); }},
        {"max_pool2d(3, padding=-1)", [&] { ref::max_pool2d(x, 3, std::nullopt, -1); }},
        {"max_pool1d(4, padding=3)", [&] { ref::max_pool1d(zeros3(1, 2, 9), 4, std::nullopt, 3); }},
        {"avg_pool1d(9)", [&] { ref::avg_pool1d(zeros3(1, 2, 5), 9); }},
        {"avg_pool2d(2, divisor_override=0)", [&] { ref::avg_pool2d(x, 2, std::nullopt, 0, false, true, 0); }},
        {"adaptive_avg_pool2d((2, -1))", [&] { ref::adaptive_avg_pool2d(x, Size2(2, -1)); }},
        {"BatchNorm2d(4)", [&] {
             convkata::Tensor1 four(4);
             four.setZero();
             ref::batch_norm<4>(x, four, four);
         }},
    };
    for (const Case& c : cases) {
        CAPTURE(c.layer);
        const Shape input = c.layer.find("1d") != std::string::npos
                                ? Shape{1, c.layer.find("max_pool1d") == 0 ? Index{2} : c.layer.find("avg") == 0 ? 2 : 1,
                                        c.layer.find("max_pool1d") == 0 ? Index{9} : 5}
                                : Shape{1, 3, 5, 5};
        const std::string expected = refusal(c.reference);
        REQUIRE(!expected.empty());
        CHECK(layer_refusal(input, c.layer) == expected);
    }
}

TEST_CASE("nn.ConvNd's own refusals: groups, padding strings, padding='same' with a stride") {
    const Shape x = {1, 3, 8, 8};
    CHECK(layer_refusal(x, "conv2d(8, 3, groups=2)") == "conv2d: in_channels must be divisible by groups (in_channels=3, groups=2)");
    CHECK(layer_refusal({1, 4, 8, 8}, "conv2d(6, 3, groups=4)") ==
          "conv2d: out_channels must be divisible by groups (out_channels=6, groups=4)");
    CHECK(layer_refusal(x, "conv2d(6, 3, groups=0)") == "conv2d: groups must be a positive integer");
    CHECK(layer_refusal(x, "conv2d(8, 3, padding='foo')") ==
          "conv2d: Invalid padding string 'foo', should be one of {'valid', 'same'}");
    CHECK(layer_refusal(x, "conv2d(8, 3, stride=2, padding='same')") ==
          "conv2d: padding='same' is not supported for strided convolutions (stride=(2, 2))");
    CHECK(layer_refusal(x, "conv2d(8, 3, padding_mode='mirror')").find("padding_mode must be one of") != std::string::npos);
    CHECK(layer_refusal({3, 5}, "conv2d(8, 3)") ==
          "conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 5]");
    CHECK(layer_refusal({1, 3, 5}, "BatchNorm2d(3)") == "batch_norm: expected 4D input (got 3D input)");
    CHECK(layer_refusal({1, 3, 5, 5}, "Linear(4, 2)") == "linear: mat1 and mat2 shapes cannot be multiplied (15x5 and 4x2)");
    CHECK(layer_refusal({1, 3, 5, 5}, "flatten(2, 1)") ==
          "flatten: flatten() has invalid args: start_dim cannot come after end_dim");
    CHECK(layer_refusal({1, 3, 5, 5}, "flatten(1, 7)") ==
          "flatten: Dimension out of range (expected to be in range of [-4, 3], but got 7)");
    // batch_norm on one value per channel: a shape, with PyTorch's training-mode refusal as a note.
    const auto one = layer({1, 3, 1, 1}, "batch_norm()");
    REQUIRE(one.notes.size() == 1);
    CHECK(one.notes[0].find("Expected more than 1 value per channel when training") != std::string::npos);
}

TEST_CASE("--solve kernel_size lists every kernel (and dilation) that gives the size") {
    // 32 -> 16 with stride 2, padding 1: floor((34 - reach)/2) + 1 = 16 for a reach of 3 or 4.
    auto r = solve({1, 3, 32, 32}, "conv2d(16, stride=2, padding=1)", "kernel", {16});
    REQUIRE(r.dims.size() == 1);  // H and W ask the same question
    CHECK(r.dims[0].dims == std::vector<std::string>{"H", "W"});
    CHECK(r.solved());
    // Dilation left free: (2, 2) and (2, 3) reach 3 and 4 too (checked with F.conv1d).
    CHECK(pairs_of(r.dims[0].found) == std::vector<Pair>{{3, 1}, {4, 1}, {2, 2}, {2, 3}});
    CHECK(r.dims[0].found[0].formula == "floor((32 + 2*1 - 1*(3-1) - 1)/2) + 1 = floor(31/2) + 1 = 16");
    CHECK(kata_shape::solve_text(r).find("kernel_size=4: floor((32 + 2*1 - 1*(4-1) - 1)/2) + 1") != std::string::npos);
    // Dilation given: only that dilation.
    r = solve({1, 3, 32}, "conv1d(16, stride=2, padding=1, dilation=2)", "kernel_size", {16});
    CHECK(pairs_of(r.dims[0].found) == std::vector<Pair>{{2, 2}});
    // Transposed: 16 -> 32 with stride 2, padding 1 takes kernel 4 (or 2 with dilation 3).
    r = solve({1, 16, 16, 16}, "conv_transpose2d(8, stride=2, padding=1)", "kernel", {32});
    CHECK(pairs_of(r.dims[0].found) == std::vector<Pair>{{4, 1}, {2, 3}});
    // Pooling: kernel_size >= 2*padding; 10 -> 5 with stride 2, padding 1.
    r = solve({1, 3, 10, 10}, "max_pool2d(stride=2, padding=1, dilation=1)", "kernel", {5});
    CHECK(values_of(r.dims[0].found) == std::vector<Index>{3, 4});
    r = solve({1, 3, 10, 10}, "avg_pool2d(stride=1, padding=3)", "kernel", {2});
    CHECK(values_of(r.dims[0].found) == std::vector<Index>{15});
    // Different questions per dimension, wanted given as a whole output shape.
    r = solve({1, 3, 10, 12}, "conv2d(8, stride=2, dilation=1)", "kernel", {1, 8, 4, 5});
    REQUIRE(r.dims.size() == 2);
    CHECK(values_of(r.dims[0].found) == std::vector<Index>{3, 4});
    CHECK(values_of(r.dims[1].found) == std::vector<Index>{3, 4});
    CHECK(r.dims[1].in == 12);
    CHECK(r.dims[1].want == 5);
    const json answer = json::parse(kata_shape::solve_json(r));
    CHECK(answer["solved"] == true);
    CHECK(answer["dims"][1]["solutions"][0]["kernel_size"] == 3);
}

TEST_CASE("--solve says when no kernel_size does, and what comes nearest") {
    // Nothing grows 32 with stride 1 and no padding: kernel_size=1 gives the most, 32.
    auto r = solve({1, 1, 32}, "conv1d(1)", "kernel", {40});
    CHECK_FALSE(r.solved());
    CHECK(r.dims[0].found.empty());
    CHECK(values_of(r.dims[0].below) == std::vector<Index>{1});
    CHECK(r.dims[0].below[0].out == 32);
    CHECK(r.dims[0].above.empty());
    REQUIRE(!r.dims[0].why.empty());
    CHECK(r.dims[0].why[0] == "the largest size any kernel_size gives is 32 (kernel_size=1)");
    CHECK(kata_shape::solve_text(r).find("no kernel_size gives 40") != std::string::npos);
    // Dilation 2 moves a transposed output in steps of 2: 31 or 33, and output_padding=1 reaches 32.
    r = solve({1, 16, 16, 16}, "conv_transpose2d(8, stride=2, padding=1, dilation=2)", "kernel", {32});
    CHECK_FALSE(r.solved());
    CHECK(r.dims[0].below[0].out == 31);
    CHECK(r.dims[0].above[0].out == 33);
    const std::string why = kata_shape::solve_text(r);
    CHECK(why.find("the nearest sizes are 31 (kernel_size=2 with dilation=2) and 33 (kernel_size=3 with dilation=2)") !=
          std::string::npos);
    CHECK(why.find("with output_padding=1: kernel_size=2 with dilation=2 gives 32") != std::string::npos);
    const json answer = json::parse(kata_shape::solve_json(r));
    CHECK(answer["solved"] == false);
    CHECK(answer["dims"][0]["nearest_below"][0]["out"] == 31);
}

TEST_CASE("--solve padding, found and none") {
    auto r = solve({1, 3, 10, 10}, "conv2d(8, 3)", "padding", {10});
    CHECK(values_of(r.dims[0].found) == std::vector<Index>{1});
    // An even kernel cannot keep the size with the same padding on both sides.
    r = solve({1, 3, 10, 10}, "conv2d(8, 4)", "padding", {10});
    CHECK_FALSE(r.solved());
    CHECK(r.dims[0].below[0].out == 9);
    CHECK(r.dims[0].above[0].out == 11);
    const std::string text = kata_shape::solve_text(r);
    CHECK(text.find("padding='same' pads 1 on the left and 2 on the right, and keeps 10") != std::string::npos);
    // Pooling padding stops at kernel_size/2.
    r = solve({1, 3, 10, 10}, "max_pool2d(3, stride=2)", "padding", {5});
    CHECK(values_of(r.dims[0].found) == std::vector<Index>{1});
    r = solve({1, 3, 10, 10}, "max_pool2d(2, stride=1)", "padding", {12});
    CHECK_FALSE(r.solved());
    CHECK(r.dims[0].below[0].out == 11);  // padding=1 (= 2/2) is as far as PyTorch allows
}

TEST_CASE("--solve refuses what it cannot answer") {
    CHECK(refusal([] { solve({1, 3, 8, 8}, "conv2d(8, 3)", "kernel", {4}); })
              .find("leave kernel_size out, it is what kata shape solves for") != std::string::npos);
    CHECK(refusal([] { solve({1, 3, 8, 8}, "batch_norm()", "kernel", {4}); }).find("batch_norm has no kernel_size") !=
          std::string::npos);
    CHECK(refusal([] { solve({1, 3, 8, 8}, "conv2d(8, padding='same')", "kernel", {8}); }).find("padding='same'") !=
          std::string::npos);
    CHECK(refusal([] { solve({1, 3, 8, 8}, "conv2d(8)", "kernel", {4, 4, 4}); }).find("--output") == 0);
    CHECK(refusal([] { solve({1, 3, 8, 8}, "conv2d(8, groups=2)", "kernel", {4}); })
              .find("in_channels must be divisible by groups") != std::string::npos);
    CHECK(refusal([] { solve({1, 3, 8, 8}, "conv2d(8, stride=0)", "kernel", {4}); }).find("non-positive stride") !=
          std::string::npos);
    CHECK(refusal([] { kata_shape::unknown_from_text("stride"); }) ==
          "--solve: kata shape solves for kernel_size or padding, not 'stride'");
}
