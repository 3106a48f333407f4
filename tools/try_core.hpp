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

// One keyword argument of an op and the rule PyTorch 1.13 reads it by. This
// one table drives the JSON parser (which forms are taken, and PyTorch's words
// for the others), the command line, `kata try OP --help` and the tests.
struct Keyword {
    enum class Type {
        tensor,             // Tensor
        optional_tensor,    // Tensor, or None
        int_list,           // int[dims]: an int, or a list of 1 or `dims` ints
        optional_int_list,  // the same, or None or [] (a pool's stride: the kernel size)
        conv_padding,       // int[dims], or the words 'same' and 'valid'
        output_size,        // an int, or a list of `dims` ints or None (None: the input's size)
        pad_list,           // F.pad's pad: a list of ints, two per padded dimension
        integer,            // int
        optional_integer,   // int, or None
        boolean,            // bool
        truthy,             // anything, read as Python's `if value:` reads it (return_indices)
        real,               // float (an int or a bool counts, as in Python)
        optional_real,      // float, or None
        word,               // str
    };
    // How the command line reads the value (kata try OP --name value).
    enum class Kind {
        tensor,  // a nested list, or None where PyTorch takes None
        flag,    // a bool: `--training` alone means true
        value,   // an int, a list of ints, a number or a word
    };
    std::string name;           // PyTorch's name: "padding_mode"
    Type type;
    std::string default_value;  // PyTorch's default as typed on the command line ("1", "None"); "" = required
    int position = 0;           // the "(position N)" PyTorch's type errors print for it; 0: none
    std::string wrong_length;   // int lists: PyTorch's refusal of another length ({n}: the length, {list}: the list)
    Kind kind = Kind::value;    // derived from type
    std::string accepts;        // derived from type: "int or 2 ints, 'same' or 'valid'"
};

struct OpInfo {
    std::string name;                // torch.nn.functional's name
    int batched_rank;                // the input's rank with its batch dimension (one less: unbatched,
                                     // as PyTorch 1.13 takes it); 0 for ops without that rule
    int dims;                        // how many values an int list holds (the spatial dimensions); 0: none
    bool overloaded;                 // conv1d/2d/3d: PyTorch names a wrong type "an invalid combination of arguments"
    std::string computed_by;         // which chapter's code --impl mine uses
    std::string example;             // the arguments of a command line that works
    std::vector<Keyword> keywords;   // every key the JSON request may have besides "op", in PyTorch's order
};

// Every op of DESIGN.md's contract, in the order --help lists them.
const std::vector<OpInfo>& catalogue();
const OpInfo* find_op(const std::string& name);

}  // namespace kata_try
