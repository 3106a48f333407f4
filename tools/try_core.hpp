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

}  // namespace kata_try
