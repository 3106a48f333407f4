// kata-try: `kata try --json` (DESIGN.md). One JSON request on stdin, the
// answer on stdout, the exit code of the contract.

#include "try_core.hpp"

#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
    kata_try::Impl impl = kata_try::Impl::mine;
    bool json_mode = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json") {
            json_mode = true;
        } else if (arg == "--impl" && i + 1 < argc) {
            const std::string name = argv[++i];
            if (name == "mine" || name == "solution") {
                impl = kata_try::Impl::mine;  // this tree's chapters: the launcher picks the tree
            } else if (name == "reference") {
                impl = kata_try::Impl::reference;
            } else {
                std::cerr << "kata-try: --impl must be mine, solution or reference, not '" << name << "'\n";
                return 2;
            }
        } else if (arg == "-h" || arg == "--help") {
            std::cout << kata_try::help_text();
            return 0;
        } else {
            std::cerr << "kata-try: unknown argument '" << arg << "'\n" << kata_try::help_text();
            return 2;
        }
    }
    if (!json_mode) {
        std::cerr << "kata-try: only the JSON form is available: kata try --json < request.json\n";
        return 2;
    }
    const std::string request((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    int exit_code = 1;
    std::vector<std::string> notes;
    const std::string answer = kata_try::run_request(request, impl, exit_code, &notes);
    for (const auto& note : notes) std::cerr << note << '\n';
    std::cout << answer << '\n';
    return exit_code;
}
