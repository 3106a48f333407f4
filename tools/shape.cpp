// kata-shape: `kata shape`, the shape calculator. What a layer, or a stack of
// layers, does to a tensor's shape (with the formula for every size), its
// parameters and its multiply-accumulates; or, with --solve, which
// kernel_size or padding gives the size wanted. The work is in shape_core.
//
// Exit codes: 0 an answer, 1 --solve found no value, 2 invalid arguments
// (one line naming the operation and the numbers, as PyTorch words it).

#include "shape_core.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

// The single-layer form's options: one per constructor argument, named as in
// PyTorch (--kernel-size and --kernel_size both work).
struct LayerOption {
    std::string keyword;
    std::string help;
    bool flag = false;  // a True/False argument: --ceil-mode alone means True, --ceil-mode=False also works
};

const std::vector<LayerOption>& layer_options() {
    static const std::vector<LayerOption> options = {
        {"in_channels", "input channels (default: read from --input; given, it is checked)"},
        {"out_channels", "output channels of a convolution"},
        {"kernel_size", "an int, or one per spatial dimension: 3 or 3,5"},
        {"stride", "an int or one per dimension (pools: default kernel_size)"},
        {"padding", "an int, one per dimension, or same/valid (convolutions)"},
        {"dilation", "an int or one per dimension"},
        {"groups", "convolution groups"},
        {"bias", "--bias=False (or --no-bias) for a layer without bias", true},
        {"padding_mode", "zeros, reflect, replicate or circular (convolutions)"},
        {"output_padding", "transposed convolutions: an int or one per dimension"},
        {"ceil_mode", "pools: round the window count up", true},
        {"count_include_pad", "avg pools (does not change the shape)", true},
        {"divisor_override", "avg pools (does not change the shape)"},
        {"return_indices", "max pools (does not change the shape)", true},
        {"output_size", "adaptive pools: an int or one per dimension (None keeps a size)"},
        {"num_features", "BatchNorm1d/2d/3d: the channels (checked against --input)"},
        {"eps", "batch_norm (does not change the shape)"},
        {"momentum", "batch_norm (does not change the shape)"},
        {"affine", "batch_norm: --affine=False for no weight and bias", true},
        {"track_running_stats", "batch_norm: the running_mean/running_var buffers", true},
        {"in_features", "Linear: checked against the input's last dimension"},
        {"out_features", "linear: the output features"},
        {"start_dim", "flatten: default 1"},
        {"end_dim", "flatten: default -1"},
    };
    return options;
}

std::string dashed(std::string keyword) {
    for (char& c : keyword)
        if (c == '_') c = '-';
    return keyword;
}

std::string description() {
    return R"TEXT(What a layer, or a stack of layers, does to a tensor's shape: the output shape with the formula
for every size, the parameter count and the multiply-accumulates (MACs), each with its arithmetic.
With --solve: every kernel_size (or padding) that turns the input's size into the --output size.

  kata shape conv2d --input 1,3,224,224 --out-channels 64 --kernel-size 7 --stride 2 --padding 3
  kata shape --input 1,3,32,32 "conv2d(16, kernel_size=3, padding=1)" "max_pool2d(2)" "conv2d(32, 3, stride=2)"
  kata shape conv2d --input 1,3,32,32 --output 16 --stride 2 --padding 1 --solve kernel
  kata shape --input 1,16,16,16 "conv_transpose2d(8, stride=2, padding=1)" --output 32 --solve kernel
  kata shape --input 1,3,10,10 "conv2d(8, 4)" --output 10 --solve padding

A single layer is explained in full; a stack is a table (add --explain for every layer in full).
Exit status: 0 an answer, 1 --solve found no value, 2 invalid arguments (one line that names the
operation and the numbers, in PyTorch's words).
)TEXT";
}

// CLI11 shows a flag's value in its name (--ceil-mode{True}); the help shows the name alone.
class Formatter : public CLI::Formatter {
public:
    std::string make_option_name(const CLI::Option* option, bool positional) const override {
        std::string name = CLI::Formatter::make_option_name(option, positional), plain;
        int depth = 0;
        for (char c : name) {
            if (c == '{') ++depth;
            if (depth == 0) plain += c;
            if (c == '}') --depth;
        }
        return plain;
    }
};

int fail(const std::string& message, bool json) {
    if (json) {
        std::cout << kata_shape::error_json(message) << '\n';
    } else {
        std::cerr << "kata shape: " << message << '\n';
    }
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{description(), "kata shape"};
    app.footer("\n" + kata_shape::layers_help());
    app.formatter(std::make_shared<Formatter>());
    app.get_formatter()->column_width(34);

    std::vector<std::string> layers;
    std::string input_text, solve_name, output_text;
    bool json = false, explain = false;
    app.add_option("layers", layers,
                   "a layer's name (conv2d, with the options below), or one or more layers written as calls: "
                   "\"conv2d(16, kernel_size=3)\" \"max_pool2d(2)\"");
    app.add_option("-i,--input", input_text, "the input's shape, e.g. 1,3,224,224 (N, C, spatial...)");
    app.add_option("--solve", solve_name, "kernel (kernel_size) or padding: the argument to find, with --output");
    app.add_option("-o,--output", output_text,
                   "with --solve: the wanted size: one for every spatial dimension (16), one each (16,8), "
                   "or the whole output shape");
    app.add_flag("--json", json, "the answer as JSON: {\"shape\", \"params\", \"macs\", \"layers\": [...]}");
    app.add_flag("--explain", explain, "for a stack: every layer in full after the table");

    auto* group = app.add_option_group("layer arguments",
                                       "For a layer named alone (kata shape conv2d --kernel-size 3 ...): PyTorch's "
                                       "constructor arguments. In a stack, write them in the call instead.");
    std::map<std::string, std::string> values;
    std::map<std::string, CLI::Option*> given;
    for (const auto& option : layer_options()) {
        const std::string dash = "--" + dashed(option.keyword), under = "--" + option.keyword;
        const std::string names = dash == under ? dash : dash + "," + under;
        if (option.flag) {
            std::string flag_names = dash + "{True}" + (dash == under ? "" : "," + under + "{True}");
            if (option.keyword == "bias") flag_names += ",--no-bias{False}";
            given[option.keyword] = group->add_flag(flag_names, values[option.keyword], option.help);
        } else {
            given[option.keyword] = group->add_option(names, values[option.keyword], option.help);
        }
    }

    // --json is known before parsing, so that even a command-line error answers in JSON.
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--json") json = true;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError& e) {
        return fail(std::string(e.what()) + " (see kata shape --help)", json);
    }

    try {
        if (layers.empty()) {
            return fail("name a layer (kata shape conv2d --input 1,3,32,32 --out-channels 8 --kernel-size 3) or give "
                        "layers as calls (\"conv2d(8, 3)\"); see kata shape --help",
                        json);
        }
        if (input_text.empty()) return fail("--input is required: the input's shape, e.g. --input 1,3,224,224", json);
        const kata_shape::Shape input = kata_shape::parse_shape(input_text, "--input");

        std::vector<std::pair<std::string, std::string>> keywords;
        for (const auto& option : layer_options())
            if (given[option.keyword]->count() > 0) keywords.emplace_back(option.keyword, values[option.keyword]);
        std::vector<kata_shape::LayerCall> calls;
        if (!keywords.empty()) {
            if (layers.size() != 1 || layers[0].find('(') != std::string::npos) {
                return fail("--" + dashed(keywords[0].first) +
                                " is an argument of a single layer named alone (kata shape conv2d --" +
                                dashed(keywords[0].first) + " ...); in a stack, write it in the call: conv2d(16, " +
                                keywords[0].first + "=" + keywords[0].second + ")",
                            json);
            }
            calls.push_back(kata_shape::layer_from_keywords(layers[0], keywords));
        } else {
            for (const std::string& layer : layers) calls.push_back(kata_shape::parse_layer(layer));
        }

        if (!solve_name.empty()) {
            const kata_shape::Unknown unknown = kata_shape::unknown_from_text(solve_name);
            if (calls.size() != 1) return fail("--solve works on one layer at a time, not a stack", json);
            if (output_text.empty()) {
                return fail("--solve " + kata_shape::to_string(unknown) + " needs the wanted size: --output 16", json);
            }
            const kata_shape::Shape wanted = kata_shape::parse_shape(output_text, "--output");
            const kata_shape::SolveResult result = kata_shape::solve(calls[0], input, unknown, wanted);
            std::cout << (json ? kata_shape::solve_json(result) + "\n" : kata_shape::solve_text(result));
            return result.solved() ? 0 : 1;
        }
        if (!output_text.empty()) {
            return fail("--output is the size --solve aims at: add --solve kernel or --solve padding", json);
        }

        const kata_shape::StackResult stack = kata_shape::run_stack(input, calls);
        if (json) {
            std::cout << kata_shape::stack_json(stack) << '\n';
        } else if (calls.size() == 1) {
            std::cout << kata_shape::layer_text(stack.layers[0]);
        } else {
            std::cout << kata_shape::stack_text(stack, explain);
        }
        return 0;
    } catch (const std::invalid_argument& e) {
        return fail(e.what(), json);
    }
}
