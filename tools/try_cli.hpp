#pragma once
// `kata try OP --name value ...`: the command-line form of `kata try`.
//
// It turns the command line into the very JSON request `kata try --json`
// takes (DESIGN.md) and runs it through the same core (run_request), so both
// forms share one code path for every operation; then it lays the answer out
// as matrices, and with --compare puts the chapter's answer beside the
// reference's, marking the entries that differ by the tests' tolerance.

#include "try_core.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace kata_try {

// A value as typed after an option: 2, -1.5e3, [2, 1], 2,1, [None, 3], None,
// true, same. Ints stay ints (the core refuses 2.0 where PyTorch wants an int).
// Throws std::invalid_argument naming `what` (e.g. "--stride") and the position.
nlohmann::json parse_literal(const std::string& text, const std::string& what);

// A tensor written as nested lists of numbers: the shape is read from the
// nesting ([[1, 2, 3], [4, 5, 6]] is [2, 3]). None gives null (PyTorch's None).
// Ragged lists, non-numbers and numbers beyond float32 throw std::invalid_argument
// naming the place: "--input: ragged list: row 2 has 2 numbers, row 1 has 3".
nlohmann::json tensor_literal(const std::string& text, const std::string& what);

struct CommandLine {
    std::string op;
    nlohmann::json request;      // exactly what `kata try --json` would read
    std::string impl = "mine";   // mine, solution or reference
    bool compare = false;
    bool help = false;           // `kata try OP --help`
};

// args: everything after `kata try`. Throws std::invalid_argument with one line.
CommandLine parse_command_line(const std::vector<std::string>& args);

// An answer of the core laid out for people: "shape [...]" on top, the last two
// dimensions as rows of aligned columns, the leading ones as "[0, 1] =" blocks;
// max pooling's indices and batch_norm's running_mean and running_var below.
std::string layout(const nlohmann::json& answer);

// What runs a request: run_request itself, or a stand-in in tests.
using Runner = std::function<std::string(const std::string& request, Impl impl, int& exit_code,
                                         std::vector<std::string>* notes)>;

// The whole command-line form. The result goes to out, notes and the one-line
// error to err. Returns the exit code: 0 a result (also when --compare finds
// differences), 2 a bad command line or arguments PyTorch refuses, 1 an
// internal error, 3 an unfinished chapter with --impl solution.
int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const Runner& runner = run_request);

std::string command_line_help();     // `kata try --help`, the part about this form
std::string op_help(const OpInfo& op);  // `kata try OP --help`

}  // namespace kata_try
