// Running a child process with a time limit, capturing what it prints.
//
// The child runs in its own process group, so that a time limit kills
// everything it started (a build's compilers, a test's stray children), and
// its standard output and error are captured together, up to a limit, so that
// a program printing forever cannot fill the disk or the memory.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace kata::process {

struct Options {
  std::filesystem::path cwd;                                  // empty: the caller's
  double timeout_seconds = 0;                                 // 0: no limit
  std::vector<std::pair<std::string, std::string>> env;       // set in the child
  std::vector<std::string> unset_env;                         // removed in the child
  std::size_t max_output = 1 << 20;                           // bytes kept
  bool capture = true;                                        // false: inherit stdout/stderr
};

struct Result {
  int exit_code = -1;       // the exit status when the child exited normally, else -1
  int signal = 0;           // the signal that ended it (SIGSEGV, SIGABRT, ...), else 0
  bool timed_out = false;   // killed because the time limit passed
  bool started = true;      // false when the program could not be run at all
  std::string output;       // stdout and stderr, interleaved, at most max_output bytes
  bool truncated = false;   // the child printed more than max_output
  double seconds = 0;

  bool succeeded() const { return started && !timed_out && signal == 0 && exit_code == 0; }
  // "exit 3", "killed by SIGSEGV (segmentation fault)", "timed out after 10 s"...
  std::string describe(double timeout_seconds = 0) const;
};

// Runs argv[0] (looked up on PATH) with the remaining arguments.
Result run(const std::vector<std::string>& argv, const Options& options = {});

}  // namespace kata::process
