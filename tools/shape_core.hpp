#pragma once
// The core of `kata shape`: what a layer, or a stack of layers, does to a
// tensor's shape, how many parameters it has and how many multiply-accumulates
// it costs, each number shown with the arithmetic that gives it; and the
// reverse question, which kernel_size (or padding) turns one size into another.
//
// Every output size comes from include/convkata/shape.hpp; the refusals are
// worded as PyTorch's (and the reference's) are. Layers are written the way
// torch.nn builds them (layers_help() has the whole syntax):
//   conv2d(16, kernel_size=3, padding=1)   in_channels left out: read from the input
//   Conv2d(3, 16, 3, padding=1)            nn.Conv2d exactly: in_channels first, checked
//   max_pool2d(2)   batch_norm()   linear(10)   flatten()

#include "convkata/shape.hpp"

#include <string>
#include <utility>
#include <vector>

namespace kata_shape {

using Index = convkata::ShapeIndex;
using Shape = std::vector<Index>;

// One layer as written. Positional arguments are already named, in the
// constructor's order, so args holds keyword -> value text only.
struct LayerCall {
    std::string text;  // as written, for the stack's table
    std::string name;  // the layer's name as written, without "nn."/"torch.nn.": "conv2d", "Conv2d", ...
    std::vector<std::pair<std::string, std::string>> args;
};

// "conv2d(16, kernel_size=3, padding=1)", "nn.MaxPool2d(2)", "flatten" (no
// parentheses: no arguments). Throws std::invalid_argument for a malformed
// call, an unknown layer, or arguments the constructor does not take.
LayerCall parse_layer(const std::string& text);

// The single-layer form of the command line: `conv2d --kernel-size 3 ...`,
// the options already turned into PyTorch's keywords (kernel_size -> "3").
LayerCall layer_from_keywords(const std::string& name, const std::vector<std::pair<std::string, std::string>>& keywords);

// "1,3,224,224" (or "[1, 3, 224, 224]", "1x3x224x224"): every size at least 1.
// `what` names the option in the message ("--input").
Shape parse_shape(const std::string& text, const std::string& what);

// What one layer does to its input.
struct LayerResult {
    std::string op;      // the torch.nn.functional name: "conv2d", "batch_norm", ...
    std::string module;  // as print(model) shows it: "Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))"
    Shape input, output;
    std::vector<std::string> sizes;  // per spatial dimension, the formula: "H: floor((224 + 2*3 - 1*(7-1) - 1)/2) + 1 = ..."
    Index params = 0;
    std::string params_sum;  // "weight [64, 3, 7, 7] + bias [64] = 64*3*7*7 + 64 = 9408 + 64 = 9472"
    Index macs = 0;
    std::string macs_sum;            // the products counted, and why
    std::vector<std::string> notes;  // what PyTorch would warn about, or do differently in training
};

// Throws std::invalid_argument, with PyTorch's wording, for what PyTorch refuses.
LayerResult run_layer(const LayerCall& call, const Shape& input);

struct StackResult {
    Shape input;
    std::vector<LayerCall> calls;
    std::vector<LayerResult> layers;
    Index params = 0;
    Index macs = 0;
    const Shape& output() const { return layers.empty() ? input : layers.back().output; }
};

// The layers one after another, each reading the previous one's output. A
// refusal in a stack of several names the layer: "layer 3 of 3, conv2d(...)
// on input [1, 16, 2, 2]: Calculated padded input size ...".
StackResult run_stack(const Shape& input, const std::vector<LayerCall>& calls);

// --------------------------------------------------------------- --solve ---

enum class Unknown { kernel_size, padding };

// "kernel", "kernel_size", "padding"; anything else is refused.
Unknown unknown_from_text(const std::string& text);
std::string to_string(Unknown unknown);

struct Candidate {
    Index value = 0;     // the kernel_size or the padding
    Index dilation = 1;  // when solving kernel_size with dilation left free, other pairs of the same reach
    Index out = 0;
    std::string formula;  // the output-size formula with these numbers
};

// One spatial dimension (or several that ask the same question: "H and W").
struct DimSolve {
    std::vector<std::string> dims;
    Index in = 0, want = 0;
    std::vector<Candidate> found;         // every value that gives `want`, smallest first
    Index more = 0;                       // how many more were found than listed
    std::vector<Candidate> below, above;  // when none: the nearest sizes on either side
    std::vector<std::string> why;         // when none: why not, and what else would do
};

struct SolveResult {
    std::string op;
    Unknown unknown = Unknown::kernel_size;
    Shape input;
    std::vector<Index> want;  // the wanted spatial sizes
    std::string given;        // the other arguments: "stride=(2, 2), padding=(1, 1), dilation=1"
    std::vector<DimSolve> dims;
    bool solved() const;
};

// Every value of `unknown` that turns the input's spatial sizes into
// `wanted` (one size for all spatial dimensions, one per dimension, or a
// whole output shape). The call must leave `unknown` out; with dilation left
// out too (kernel_size of a convolution or max pooling), every dilation is
// allowed and pairs of the same reach are listed after dilation 1.
SolveResult solve(const LayerCall& call, const Shape& input, Unknown unknown, const Shape& wanted);

// ---------------------------------------------------------------- output ---

std::string layer_text(const LayerResult& result);                 // one layer, every number explained
std::string stack_text(const StackResult& stack, bool explain);    // the table (and each layer, with explain)
std::string solve_text(const SolveResult& result);
std::string stack_json(const StackResult& stack);                  // {"input", "shape", "params", "macs", "layers"}
std::string solve_json(const SolveResult& result);
std::string error_json(const std::string& message);                // {"error": "..."}

// The layer syntax and every layer kata shape knows, for --help.
std::string layers_help();

}  // namespace kata_shape
