#pragma once
// The core of `kata try --json` (DESIGN.md, the JSON contract): one request in,
// one JSON answer out, and the exit code the program should end with.

#include <string>
#include <vector>

namespace kata_try {

enum class Impl {
    mine,       // the chapter implementations this build tree links (learner's code or model solutions)
    reference,  // convkata::ref for everything
};

// Runs one JSON request. exit_code: 0 result, 2 invalid request, 3 unimplemented stub, 1 internal error.
// Notes meant for stderr (e.g. "chapter 06 is not built in this tree: using the reference") go to notes.
std::string run_request(const std::string& json, Impl impl, int& exit_code,
                        std::vector<std::string>* notes = nullptr);

std::string help_text();

// One keyword argument of an op: the JSON request's key, and what the command
// line form (`kata try OP --name value`) and `kata try OP --help` need to know.
struct Keyword {
    enum class Kind {
        tensor,  // a nested list, or None where PyTorch takes None
        flag,    // a bool: `--training` alone means true
        value,   // an int, a list of ints, a number or a word
    };
    std::string name;           // PyTorch's name: "padding_mode"
    Kind kind;
    std::string default_value;  // PyTorch's default as typed on the command line ("1", "None"); "" = required
    std::string accepts;        // "int or 2 ints, 'same' or 'valid'"
};

struct OpInfo {
    std::string name;                // torch.nn.functional's name
    int batched_rank;                // the input's rank with its batch dimension (one less: unbatched,
                                     // as PyTorch 1.13 takes it); 0 for ops without that rule
    std::string computed_by;         // which chapter's code --impl mine uses
    std::string example;             // the arguments of a command line that works
    std::vector<Keyword> keywords;   // every key the JSON request may have besides "op"
};

// Every op of DESIGN.md's contract, in the order --help lists them.
const std::vector<OpInfo>& catalogue();
const OpInfo* find_op(const std::string& name);

}  // namespace kata_try
