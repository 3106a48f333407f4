// The two ways a workbook function refuses to work.
//
//  * std::invalid_argument: the call is wrong (PyTorch would refuse it too).
//    The message names the operation and the numbers, like PyTorch's.
//  * convkata::not_implemented: the learner has not written this yet. It is
//    deliberately NOT an std::invalid_argument, so a test that expects a
//    refusal can never pass on an unfinished stub.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace convkata {

class not_implemented : public std::logic_error {
public:
    not_implemented(const std::string& chapter, const std::string& function)
        : std::logic_error(function + " is not implemented yet: write it in chapters/" + chapter +
                           " (the lesson is chapters/" + chapter + "/README.md)"),
          chapter_(chapter),
          function_(function) {}

    const std::string& chapter() const { return chapter_; }
    const std::string& function() const { return function_; }

private:
    std::string chapter_;
    std::string function_;
};

// invalid("conv1d", "expected input with ", c, " channels") throws
// std::invalid_argument("conv1d: expected input with 3 channels").
template <typename... Parts>
[[noreturn]] void invalid(const std::string& op, const Parts&... parts) {
    std::ostringstream message;
    message << op << ": ";
    (message << ... << parts);
    throw std::invalid_argument(message.str());
}

}  // namespace convkata
