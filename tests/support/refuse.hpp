// CHECK_REFUSES(expression, "needle", ...): the call must throw
// std::invalid_argument, and its message must mention every needle (the
// operation's name and the numbers involved), as PyTorch's messages do.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

namespace kata {

// Empty when `call` threw a std::invalid_argument mentioning every needle.
std::string refusal_report(const std::function<void()>& call, const std::vector<std::string>& needles);

}  // namespace kata

#define CHECK_REFUSES(expression, ...)                                                                    \
    do {                                                                                                  \
        const std::string kata_report_ = ::kata::refusal_report([&] { (void)(expression); }, {__VA_ARGS__}); \
        if (!kata_report_.empty())                                                                        \
            DOCTEST_ADD_FAIL_CHECK_AT(__FILE__, __LINE__, (std::string(#expression " should be refused:\n  ") + kata_report_)); \
    } while (false)
