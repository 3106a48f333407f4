#include "process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kata::process {

namespace {

using Clock = std::chrono::steady_clock;

void kill_group(pid_t pid) {
  if (::kill(-pid, SIGKILL) != 0 && errno == ESRCH) ::kill(pid, SIGKILL);
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const Options& options, int out_fd) {
  ::setpgid(0, 0);
  if (out_fd >= 0) {
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    ::close(out_fd);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) { ::dup2(null_fd, STDIN_FILENO); ::close(null_fd); }
  }
  for (const auto& name : options.unset_env) ::unsetenv(name.c_str());
  for (const auto& [name, value] : options.env) ::setenv(name.c_str(), value.c_str(), 1);
  if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) {
    std::fprintf(stderr, "cannot enter %s: %s\n", options.cwd.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
  ::_exit(127);
}

}  // namespace

std::string Result::describe(double timeout_seconds) const {
  if (!started) return "could not be started";
  if (timed_out) {
    if (timeout_seconds > 0) {
      char text[64];
      std::snprintf(text, sizeof text, "timed out after %g s", timeout_seconds);
      return text;
    }
    return "timed out";
  }
  if (signal != 0) {
    const char* what = ::strsignal(signal);
    return "killed by signal " + std::to_string(signal) + (what ? std::string(" (") + what + ")" : "");
  }
  return "exit code " + std::to_string(exit_code);
}

Result run(const std::vector<std::string>& argv, const Options& options) {
  Result result;
  const auto start = Clock::now();
  if (argv.empty()) { result.started = false; return result; }

  int fds[2] = {-1, -1};
  if (options.capture && ::pipe2(fds, O_CLOEXEC) != 0) { result.started = false; return result; }
  const pid_t pid = ::fork();
  if (pid < 0) {
    if (options.capture) { ::close(fds[0]); ::close(fds[1]); }
    result.started = false;
    return result;
  }
  if (pid == 0) exec_child(argv, options, options.capture ? fds[1] : -1);
  ::setpgid(pid, pid);  // also in the parent: no race with the first kill

  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.timeout_seconds));
  auto time_left_ms = [&]() -> int {
    if (options.timeout_seconds <= 0) return -1;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
  };

  if (options.capture) {
    ::close(fds[1]);
    char buffer[65536];
    pollfd pfd{fds[0], POLLIN, 0};
    for (;;) {
      int wait_ms = time_left_ms();
      if (wait_ms == 0) { result.timed_out = true; kill_group(pid); break; }
      int ready = ::poll(&pfd, 1, wait_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) continue;  // the deadline check above ends it
      ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // every writer closed the pipe
      std::size_t room = options.max_output > result.output.size() ? options.max_output - result.output.size() : 0;
      if (static_cast<std::size_t>(n) > room) result.truncated = true;
      result.output.append(buffer, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
    }
    ::close(fds[0]);
  }

  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid, &status, options.capture ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) { status = 0; break; }
    // Not capturing: poll for the exit so that the time limit still holds.
    if (time_left_ms() == 0) { result.timed_out = true; kill_group(pid); }
    ::usleep(10000);
  }
  ::kill(-pid, SIGKILL);  // whatever the child left behind in its group (never a reused pid)
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
    if (result.exit_code == 127 && result.output.rfind("cannot run ", 0) == 0) result.started = false;
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    if (result.timed_out) result.signal = 0;
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace kata::process
