// kata-try: `kata try`. Two forms, one core:
//   kata-try --json [--impl mine|solution|reference] < request.json   (DESIGN.md's contract)
//   kata-try OP --name value ... [--impl ...] [--compare]             (try_cli.hpp)

#include "try_cli.hpp"
#include "try_core.hpp"

#include <algorithm>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

// The JSON form: one request on stdin, the answer on stdout, the exit code of the contract.
int json_main(const std::vector<std::string>& args) {
    kata_try::Impl impl = kata_try::Impl::mine;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--json") {
            continue;
        } else if (arg == "--impl" && i + 1 < args.size()) {
            const std::string& name = args[++i];
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
            std::cerr << "kata-try: unknown argument '" << arg << "' (the JSON form takes only --impl)\n"
                      << kata_try::help_text();
            return 2;
        }
    }
    const std::string request((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    int exit_code = 1;
    std::vector<std::string> notes;
    const std::string answer = kata_try::run_request(request, impl, exit_code, &notes);
    for (const auto& note : notes) std::cerr << note << '\n';
    std::cout << answer << '\n';
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (std::find(args.begin(), args.end(), "--json") != args.end()) return json_main(args);
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << kata_try::command_line_help() << "\nThe JSON form:\n" << kata_try::help_text();
        return 0;
    }
    return kata_try::run_command_line(args, std::cout, std::cerr);
}
