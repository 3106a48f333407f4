// kata try's command-line form: the nested-list parser, the command line as a
// JSON request (the same answer as the --json form), the layout, --compare's
// marks, the fallback to the reference for an unfinished chapter, and the
// one-line refusals. The real binary's exit codes are tested by
// try_cli_exit.cmake (tools/CMakeLists.txt).

#include "try_cli.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using kata_try::Impl;

// The error message of f(), or "" when it does not throw.
template <typename F>
std::string refusal(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

std::string tensor_refusal(const std::string& text) {
    return refusal([&] { kata_try::tensor_literal(text, "--input"); });
}

struct Run {
    int code = -1;
    std::string out, err;
};

Run run_cli(const std::vector<std::string>& args, const kata_try::Runner& runner = kata_try::run_request) {
    std::ostringstream out, err;
    Run r;
    r.code = kata_try::run_command_line(args, out, err, runner);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::size_t lines_in(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// The core, except that --impl mine answers what `mine` makes of the reference's answer.
kata_try::Runner with_mine(std::function<std::string(const json& request, const json& reference, int& code)> mine) {
    return [mine](const std::string& request, Impl impl, int& code, std::vector<std::string>* notes) {
        const std::string reference = kata_try::run_request(request, Impl::reference, code, notes);
        if (impl == Impl::reference) return reference;
        return mine(json::parse(request), json::parse(reference), code);
    };
}

}  // namespace

TEST_CASE("kata try OP: a nested list's shape is read from its nesting") {
    const auto check = [](const std::string& text, const std::string& shape, const std::string& data) {
        CAPTURE(text);
        const json t = kata_try::tensor_literal(text, "--input");
        CHECK(t["shape"] == json::parse(shape));
        CHECK(t["data"] == json::parse(data));
    };
    check("[[1, 2, 3], [4, 5, 6]]", "[2, 3]", "[1, 2, 3, 4, 5, 6]");
    check("[[[1], [2]]]", "[1, 2, 1]", "[1, 2]");
    check("[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]", "[1, 2, 2, 2]", "[1, 2, 3, 4, 5, 6, 7, 8]");
    check("[1, 2, 3]", "[3]", "[1, 2, 3]");
    check("1, 2, 3", "[3]", "[1, 2, 3]");  // brackets may be left out at the top
    check("7", "[]", "[7]");
    check(" [ [1,2] ,[3,4], ] ", "[2, 2]", "[1, 2, 3, 4]");  // spaces and a trailing comma, as Python allows
    // Empty lists have a 0 in their shape.
    check("[]", "[0]", "[]");
    check("[[]]", "[1, 0]", "[]");
    check("[[], []]", "[2, 0]", "[]");
    // Negative numbers and scientific notation, as Python writes them.
    check("[-1, -2.5, 1e-3, -2.5E+2, .5, 5., +3, 1e3]", "[8]", "[-1, -2.5, 0.001, -250, 0.5, 5, 3, 1000]");
    CHECK(kata_try::tensor_literal("None", "--bias").is_null());
    CHECK(kata_try::tensor_literal(" none ", "--bias").is_null());
}

TEST_CASE("kata try OP: a ragged list is refused, naming where it parts") {
    CHECK(tensor_refusal("[[1, 2, 3], [4, 5]]") == "--input: ragged list: row 2 has 2 numbers, row 1 has 3");
    CHECK(tensor_refusal("[[1], [2], [3, 4]]") == "--input: ragged list: row 3 has 2 numbers, row 1 has 1");
    CHECK(tensor_refusal("[[], [1]]") == "--input: ragged list: row 2 has 1 number, row 1 has 0");
    CHECK(tensor_refusal("[[[1, 2]], [[1, 2], [3, 4]]]") == "--input: ragged list: block [1] has 2 rows, block [0] has 1");
    CHECK(tensor_refusal("[[[1, 2]], [[1, 2, 3]]]") ==
          "--input: ragged list: row 1 of block [1] has 3 numbers, row 1 of block [0] has 2");
    CHECK(tensor_refusal("[[[[1]]], [[[1]], [[2]]]]") ==
          "--input: ragged list: block [1] has 2 blocks, block [0] has 1");
    CHECK(tensor_refusal("[1, [2]]") == "--input: ragged list: entry [1] is a list, entry [0] is a number");
    CHECK(tensor_refusal("[[1], [[2]]]") == "--input: ragged list: entry [1, 0] is a list, entry [0, 0] is a number");
}

TEST_CASE("kata try OP: garbage in a tensor is refused with its position") {
    CHECK(tensor_refusal("[1, 2, abc]") == "--input: 'abc' is not a number at character 8 ('abc]')");
    CHECK(tensor_refusal("[1 2]") == "--input: expected ',' or ']' after a value, not '2' at character 4 ('2]')");
    CHECK(tensor_refusal("[[1, 2]]]") == "--input: unexpected ']' at character 9 (']')");
    CHECK(tensor_refusal("[1.2.3]").find("'1.2.3' is not a number at character 2") != std::string::npos);
    CHECK(tensor_refusal("[1e]").find("'1e' is not a number") != std::string::npos);
    CHECK(tensor_refusal("[--1]").find("'--1' is not a number") != std::string::npos);
    CHECK(tensor_refusal("[+-1]").find("'+-1' is not a number") != std::string::npos);
    CHECK(tensor_refusal("[nan]").find("'nan' is not a number") != std::string::npos);
    CHECK(tensor_refusal("[None]").find("'None' is not a number") != std::string::npos);
    CHECK(tensor_refusal("[1, {2}]").find("expected a number or '['") != std::string::npos);
    CHECK(tensor_refusal("[1e40]").find("beyond float32's range") != std::string::npos);
    CHECK(tensor_refusal("[-1e39]").find("'-1e39' is beyond float32's range") != std::string::npos);
    CHECK(tensor_refusal("[1234567890123456789012345678901234567890]").find("beyond float32's range") !=
          std::string::npos);
    CHECK(tensor_refusal("[1x]").find("'1x' is not a number") != std::string::npos);
    CHECK(tensor_refusal("[-inf]").find("'-inf' is not a number") != std::string::npos);
    CHECK(kata_try::tensor_literal("[1e-400, -3e38, 12345678901234567890]", "--input")["data"][0] == json(0.0));
    CHECK(tensor_refusal("").find("an empty value") != std::string::npos);
    CHECK(tensor_refusal(std::string(100000, '[')).find("lists nested deeper than 32") != std::string::npos);
    CHECK(tensor_refusal(std::string(32, '[') + "1" + std::string(32, ']')) == "");
    // A tensor typed without quotes reaches the program cut at its spaces.
    CHECK(tensor_refusal("[[1,") == "--input: the list ends before its closing ']' (quote it: --input '[[1, 2], [3, 4]]')");
    CHECK(tensor_refusal("[[1, 2]").find("ends before its closing ']'") != std::string::npos);
}

TEST_CASE("kata try OP: values after an option keep their JSON types") {
    CHECK(kata_try::parse_literal("2", "--stride") == json(2));
    CHECK(kata_try::parse_literal("2", "--stride").is_number_integer());
    CHECK(kata_try::parse_literal("-1", "--pad") == json(-1));
    CHECK(kata_try::parse_literal("2,1", "--stride") == json::parse("[2, 1]"));
    CHECK(kata_try::parse_literal("[2, 1]", "--stride") == json::parse("[2, 1]"));
    CHECK(kata_try::parse_literal("None,3", "--output_size") == json::parse("[null, 3]"));
    CHECK(kata_try::parse_literal("same", "--padding") == json("same"));
    CHECK(kata_try::parse_literal("None", "--stride").is_null());
    CHECK(kata_try::parse_literal("2.0", "--stride").is_number_float());  // the core refuses it, as PyTorch does
    CHECK(kata_try::parse_literal("1e-3", "--eps") == json(0.001));
    CHECK(refusal([] { kata_try::parse_literal("99999999999999999999", "--groups"); }) ==
          "--groups: '99999999999999999999' is too large for an int at character 1 ('99999999999999999999')");
    CHECK(refusal([] { kata_try::parse_literal("2;1", "--stride"); }) == "--stride: unexpected ';' at character 2 (';1')");
}

TEST_CASE("kata try OP: the command line is the JSON request of --json") {
    const kata_try::CommandLine cl = kata_try::parse_command_line(
        {"conv2d", "--input", "[[[[1, 2, 3], [4, 5, 6]]]]", "--weight=[[[[1, -1]]]]", "--bias", "None", "--stride",
         "2,1", "--padding", "same", "--dilation", "[1, 2]", "--groups", "1", "--impl", "solution", "--compare"});
    CHECK(cl.request == json::parse(R"({"op": "conv2d",
        "input": {"shape": [1, 1, 2, 3], "data": [1, 2, 3, 4, 5, 6]},
        "weight": {"shape": [1, 1, 1, 2], "data": [1, -1]}, "bias": null,
        "stride": [2, 1], "padding": "same", "dilation": [1, 2], "groups": 1})"));
    CHECK(cl.impl == "solution");
    CHECK(cl.compare);
    // Flags: alone they are true; a following true/false is their value.
    const kata_try::CommandLine bn = kata_try::parse_command_line(
        {"--impl", "reference", "batch_norm", "--input", "[[1], [3]]", "--training", "--eps", "1e-3"});
    CHECK(bn.impl == "reference");
    CHECK(bn.request == json::parse(R"({"op": "batch_norm", "input": {"shape": [2, 1], "data": [1, 3]},
                                        "training": true, "eps": 0.001})"));
    const kata_try::CommandLine pool = kata_try::parse_command_line(
        {"avg_pool1d", "--input", "[[[1, 2, 3]]]", "--kernel-size", "2", "--count_include_pad", "false", "--ceil_mode"});
    CHECK(pool.request == json::parse(R"({"op": "avg_pool1d", "input": {"shape": [1, 1, 3], "data": [1, 2, 3]},
                                          "kernel_size": 2, "count_include_pad": false, "ceil_mode": true})"));
    CHECK(pool.impl == "mine");
}

TEST_CASE("kata try OP answers what the equivalent --json request answers") {
    struct Case {
        std::vector<std::string> args;
        std::string request;
    };
    const std::vector<Case> cases = {
        {{"conv2d", "--input", "[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]", "--weight", "[[[[1, 0], [0, -1]]], [[[2, 1], [1, 2]]]]",
          "--bias", "[0.5, -1]", "--stride", "2,1", "--padding", "1"},
         R"({"op": "conv2d", "input": {"shape": [1, 3, 3], "data": [1, 2, 3, 4, 5, 6, 7, 8, 9]},
             "weight": {"shape": [2, 1, 2, 2], "data": [1, 0, 0, -1, 2, 1, 1, 2]},
             "bias": {"shape": [2], "data": [0.5, -1]}, "stride": [2, 1], "padding": 1})"},
        {{"conv1d", "--input", "[[1, 2, 3, 4]]", "--weight", "[[[1, -2, 1]]]", "--padding", "same", "--padding_mode",
          "reflect"},
         R"({"op": "conv1d", "input": {"shape": [1, 4], "data": [1, 2, 3, 4]},
             "weight": {"shape": [1, 1, 3], "data": [1, -2, 1]}, "padding": "same", "padding_mode": "reflect"})"},
        {{"batch_norm", "--input", "[[1, 2], [3, 5]]", "--running_mean", "[0, 0]", "--running_var", "[1, 1]",
          "--training", "--momentum", "0.5"},
         R"({"op": "batch_norm", "input": {"shape": [2, 2], "data": [1, 2, 3, 5]},
             "running_mean": {"shape": [2], "data": [0, 0]}, "running_var": {"shape": [2], "data": [1, 1]},
             "training": true, "momentum": 0.5})"},
        {{"pad", "--input", "[[[1, 2, 3]]]", "--pad", "2,1", "--mode", "reflect"},
         R"({"op": "pad", "input": {"shape": [1, 1, 3], "data": [1, 2, 3]}, "pad": [2, 1], "mode": "reflect"})"},
        {{"adaptive_avg_pool2d", "--input", "[[[[1, 2, 3], [4, 5, 6]]]]", "--output_size", "None,2"},
         R"({"op": "adaptive_avg_pool2d", "input": {"shape": [1, 1, 2, 3], "data": [1, 2, 3, 4, 5, 6]},
             "output_size": [null, 2]})"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.request);
        CHECK(kata_try::parse_command_line(c.args).request == json::parse(c.request));
        int code = -1;
        const json answer = json::parse(kata_try::run_request(c.request, Impl::reference, code));
        REQUIRE(code == 0);
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--impl", "reference"});
        const Run r = run_cli(args);
        CHECK(r.code == 0);
        CHECK(r.out == kata_try::layout(answer));
    }
}

TEST_CASE("kata try OP: every op's --help example runs") {
    for (const kata_try::OpInfo& op : kata_try::catalogue()) {
        CAPTURE(op.name);
        // The example is shell words; split them as a shell would (single quotes only).
        std::vector<std::string> args{op.name, "--impl", "reference"};
        std::string word;
        bool quoted = false, in_word = false;
        for (const char ch : op.example) {
            if (ch == '\'') {
                quoted = !quoted;
                in_word = true;
            } else if (ch == ' ' && !quoted) {
                if (in_word) args.push_back(word);
                word.clear();
                in_word = false;
            } else {
                word += ch;
                in_word = true;
            }
        }
        if (in_word) args.push_back(word);
        const Run r = run_cli(args);
        CHECK(r.err == "");
        CHECK(r.code == 0);
        CHECK(r.out.rfind("shape [", 0) == 0);
        const Run help = run_cli({op.name, "--help"});
        CHECK(help.code == 0);
        for (const kata_try::Keyword& k : op.keywords) CHECK(help.out.find("--" + k.name + " ") != std::string::npos);
    }
}

TEST_CASE("kata try OP lays the result out as matrices, the shape on top") {
    CHECK(kata_try::layout(json::parse(R"({"shape": [1, 2, 2, 3], "data": [1, 2, 3, 4, 5, 6, -1.5, 20, 0.25, "nan", 0, 1e-7]})")) ==
          "shape [1, 2, 2, 3]\n"
          "[0, 0] =\n"
          "     1   2      3\n"
          "     4   5      6\n"
          "\n"
          "[0, 1] =\n"
          "  -1.5  20   0.25\n"
          "   nan   0  1e-07\n");
    CHECK(kata_try::layout(json::parse(R"({"shape": [2, 2], "data": [10, 2, 3, 4]})")) ==
          "shape [2, 2]\n"
          "  10  2\n"
          "   3  4\n");
    CHECK(kata_try::layout(json::parse(R"({"shape": [3], "data": [1, 2, 3]})")) == "shape [3]\n  1  2  3\n");
    // Whole numbers in full, others with 6 significant digits.
    CHECK(kata_try::layout(json::parse(R"({"shape": [3], "data": [1000001, -0.5, 0.333333343]})")) ==
          "shape [3]\n  1000001  -0.5  0.333333\n");
    CHECK(kata_try::layout(json::parse(R"({"shape": [], "data": [4]})")) == "shape []\n  4\n");
    CHECK(kata_try::layout(json::parse(R"({"shape": [1, 0], "data": []})")) == "shape [1, 0]\n  (no entries)\n");
    // batch_norm's running statistics come below the output.
    CHECK(kata_try::layout(json::parse(R"({"shape": [2, 1], "data": [-1, 1],
              "running_mean": {"shape": [1], "data": [0.2]}, "running_var": null})")) ==
          "shape [2, 1]\n  -1\n   1\n\nrunning_mean: shape [1]\n  0.2\n\nrunning_var = None\n");
}

TEST_CASE("kata try OP --compare marks every entry that differs from the reference") {
    const std::vector<std::string> args = {"conv1d", "--input", "[[[1, 2, 3, 4]]]", "--weight", "[[[1, 1, 1]]]",
                                           "--padding", "1", "--compare"};
    // Mine is off by 0.5 at entry 1 and by 1e-7 (within the tolerance) at entry 2.
    const Run off = run_cli(args, with_mine([](const json&, json reference, int& code) {
        reference["data"][1] = reference["data"][1].get<double>() + 0.5;
        reference["data"][2] = reference["data"][2].get<double>() * (1 + 1e-7);
        code = 0;
        return reference.dump();
    }));
    CAPTURE(off.out);
    CHECK(off.code == 0);
    CHECK(off.err == "");
    CHECK(off.out.find("mine:") != std::string::npos);
    CHECK(off.out.find("reference:") != std::string::npos);
    CHECK(off.out.find("1 of 4 entries differ (max |diff| 0.5)") != std::string::npos);
    // The entry is marked in both columns: mine 6.5*, the reference 6*; nothing else is.
    CHECK(off.out.find("6.5*") != std::string::npos);
    CHECK(off.out.find("  6*") != std::string::npos);
    CHECK(std::count(off.out.begin(), off.out.end(), '*') == 3);  // two marks and the legend's
    // All within the tolerance: no marks.
    const Run same = run_cli(args, with_mine([](const json&, const json& reference, int& code) {
        code = 0;
        return reference.dump();
    }));
    CHECK(same.out.find("all 4 entries agree") != std::string::npos);
    CHECK(std::count(same.out.begin(), same.out.end(), '*') == 0);
    // A different shape is said, not marked.
    const Run shape = run_cli(args, with_mine([](const json&, const json&, int& code) {
        code = 0;
        return std::string(R"({"shape": [1, 1, 2], "data": [1, 2]})");
    }));
    CHECK(shape.out.find("the shapes differ: mine [1, 1, 2], the reference [1, 1, 4]") != std::string::npos);
    // A refusal where the reference answers is shown beside its answer.
    const Run refused = run_cli(args, with_mine([](const json&, const json&, int& code) {
        code = 2;
        return std::string(R"({"error": "conv1d: no"})");
    }));
    CHECK(refused.code == 0);
    CHECK(refused.out.find("mine refuses: conv1d: no") != std::string::npos);
}

TEST_CASE("kata try OP --compare: the magnitude of the tolerance is the tests' one") {
    // conv1d of large values with opposite signs: the result is small, the terms are not. An error
    // of 1e-3 on a sum of terms of size 3e4 is within 1e-5 x magnitude; against |expected| it is not.
    const std::vector<std::string> args = {"conv1d", "--input", "[[[10000, 10000, -20000]]]", "--weight",
                                           "[[[1, 1, 1]]]", "--compare"};
    const Run run = run_cli(args, with_mine([](const json&, json reference, int& code) {
        reference["data"][0] = reference["data"][0].get<double>() + 1e-3;
        code = 0;
        return reference.dump();
    }));
    CHECK(run.out.find("the entry agrees") != std::string::npos);
    // batch_norm: the running statistics are compared too.
    const Run bn = run_cli({"batch_norm", "--input", "[[1], [3]]", "--running_mean", "[0]", "--running_var", "[1]",
                            "--training", "--compare"},
                           with_mine([](const json&, json reference, int& code) {
                               reference["running_var"]["data"][0] = 7;
                               code = 0;
                               return reference.dump();
                           }));
    CHECK(bn.out.find("running_var: 1 of 1 entry differs") != std::string::npos);
    CHECK(bn.out.find("running_mean: the entry agrees") != std::string::npos);
}

TEST_CASE("kata try OP falls back to the reference for a chapter not written yet") {
    const auto unfinished = with_mine([](const json&, const json&, int& code) {
        code = 3;
        return json{{"error", "not implemented: conv2d is not implemented yet: write it in chapters/06_groups "
                              "(the lesson is chapters/06_groups/README.md)"}}
            .dump();
    });
    const std::vector<std::string> args = {"conv2d", "--input", "[[[[1, 2], [3, 4]]]]", "--weight", "[[[[1]]]]"};
    const Run fallback = run_cli(args, unfinished);
    CHECK(fallback.code == 0);
    CHECK(fallback.err ==
          "note: conv2d in chapters/06_groups is not implemented yet, so this is the reference's answer: finish "
          "chapter 06 to see yours (./kata test 6)\n");
    const Run reference = run_cli({"conv2d", "--input", "[[[[1, 2], [3, 4]]]]", "--weight", "[[[[1]]]]", "--impl",
                                   "reference"});
    CHECK(fallback.out == reference.out);
    // --compare has nothing to put beside the reference then.
    std::vector<std::string> compare = args;
    compare.push_back("--compare");
    const Run compared = run_cli(compare, unfinished);
    CHECK(compared.code == 0);
    CHECK(lines_in(compared.err) == 1);
    CHECK(compared.out == reference.out);
    // The model solutions are never unfinished: there it is an error, not a fallback.
    std::vector<std::string> solution = args;
    solution.insert(solution.end(), {"--impl", "solution"});
    const Run broken = run_cli(solution, unfinished);
    CHECK(broken.code == 3);
    CHECK(broken.out == "");
    CHECK(lines_in(broken.err) == 1);
}

TEST_CASE("kata try OP: an unbatched input gets a note and an unbatched result, as in PyTorch 1.13") {
    const Run r = run_cli({"conv1d", "--input", "[[1, 2, 3]]", "--weight", "[[[1, 1]], [[1, -1]]]", "--impl", "reference"});
    CHECK(r.code == 0);
    CHECK(r.out == "shape [2, 2]\n   3   5\n  -1  -1\n");
    CHECK(r.err.find("note: the input [1, 3] is unbatched [C, L]") != std::string::npos);
    // PyTorch promotes no further: a 1-D conv1d input is refused, with a hint.
    const Run flat = run_cli({"conv1d", "--input", "[1, 2, 3]", "--weight", "[[[1, 1]]]", "--impl", "reference"});
    CHECK(flat.code == 2);
    CHECK(lines_in(flat.err) == 1);
    CHECK(flat.err.find("Expected 2D (unbatched) or 3D (batched) input to conv1d") != std::string::npos);
    CHECK(flat.err.find("one more pair of brackets") != std::string::npos);
}

TEST_CASE("kata try OP refuses a bad command line with one line and exit 2") {
    const std::string input = "[[[1, 2, 3]]]";
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{}, "name an op"},
        {{"conv4d"}, "kata try: unknown op 'conv4d' (known: conv1d, conv2d,"},
        {{"pad", "--input", input, "--pad", "1,1", "--colour", "red"},
         "kata try: pad() got an unexpected keyword argument 'colour' (it takes --input, --pad, --mode, --value"},
        {{"pad", "--input", input, "--input", input}, "kata try: --input is given twice"},
        {{"pad", "--input"}, "kata try: --input needs a value"},
        {{"pad", "--input", "--pad", "1,1"}, "kata try: --input needs a value"},
        {{"pad", "--input", input, "1,1"}, "kata try: unexpected argument '1,1'"},
        {{"pad", "--input", input, "--pad", "1,1", "--impl", "yours"}, "--impl must be mine, solution or reference"},
        {{"max_pool1d", "--input", input, "--kernel_size", "2", "--ceil_mode", "yes"}, "unexpected argument 'yes'"},
        {{"max_pool1d", "--input", input, "--kernel_size", "2", "--ceil_mode=yes"}, "--ceil_mode takes true or false"},
        {{"pad", "--json"}, "--json reads the whole request from stdin"},
        {{"pad", "--input", "[[[1, 2], [3]]]", "--pad", "1,1"}, "ragged list: row 2 of block [0] has 1 number"},
        // Arguments PyTorch refuses: the core's message.
        {{"pad", "--input", input, "--pad", "1,1", "--mode", "mirror", "--impl", "reference"}, "Unrecognised padding mode"},
        {{"conv1d", "--input", input, "--weight", "[[[1]]]", "--stride", "0", "--impl", "reference"}, "stride"},
        // With --impl mine too: an unfinished chapter's fallback note is not added to a refusal.
        {{"conv1d", "--input", input, "--weight", "[[[1]]]", "--stride", "0"}, "stride"},
        {{"conv1d", "--input", "[[1, 2, 3], [4, 5, 6]]", "--weight", "[[[1, 0, -1]]]"},
         "(the input [2, 3] is unbatched [C, L], as PyTorch reads it)"},
        {{"conv1d", "--input", input, "--weight", "[[[1]]]", "--stride", "2.0", "--impl", "reference"},
         "conv1d() received an invalid combination of arguments - got (weight=Tensor, stride=float, input=Tensor, )"},
        {{"conv1d", "--input", input, "--impl", "reference"},
         "conv1d() received an invalid combination of arguments - got (input=Tensor, ), but expected one of:  * "
         "(Tensor input, Tensor weight, Tensor bias, tuple of ints stride, tuple of ints padding"},
        {{"max_pool2d", "--input", "[[[1]]]", "--impl", "reference"},
         "max_pool2d() missing 1 required positional argument: 'kernel_size'"},
    };
    for (const Case& c : cases) {
        std::string joined;
        for (const auto& a : c.args) joined += a + " ";
        CAPTURE(joined);
        const Run r = run_cli(c.args);
        CHECK(r.code == 2);
        CHECK(r.out == "");
        CHECK(lines_in(r.err) == 1);
        CHECK(r.err.find(c.message) != std::string::npos);
    }
}
