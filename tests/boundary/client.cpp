// The trusted side of the boundary: starts the chapter's process, confined
// before its first instruction, and carries each call to it and back.
//
// The chapter's program is started by fork + execve. Between the two, in the
// child, this code (not the student's) sets the limits and installs the
// seccomp filter, so the student's static initialisers already run under
// them. The filter allows the few system calls that computing needs (read and
// write on the pipes it was given, memory, signals to itself, exit) and sends
// every other one to this process as a notification (SCMP_ACT_NOTIFY): the
// first execve, of the chapter's program itself, is let through; anything
// else stops the chapter's process and fails the test with the call's name.
#include "remote.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kata::boundary {

namespace {

// The descriptors the chapter's program has, and nothing else.
constexpr int kRequests = 3;   // it reads requests here
constexpr int kReplies = 4;    // and writes replies here; 1 and 2 are its output
constexpr std::size_t kMaxRelayedOutput = 64 * 1024;

long limit_from(const char* name, long fallback) {
    const char* text = std::getenv(name);
    if (!text || !*text) return fallback;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    return end && *end == '\0' && value > 0 ? value : fallback;
}

void write_all(int fd, const void* data, std::size_t size) {
    const char* at = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, at, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        at += n;
        size -= static_cast<std::size_t>(n);
    }
}

[[noreturn]] void child_fail(const char* what) {
    // Before exec: no student code has run; say why and end.
    write_all(2, "kata-boundary: ", 15);
    write_all(2, what, std::strlen(what));
    write_all(2, "\n", 1);
    ::_exit(127);
}

int send_fd(int socket, int fd) {
    char byte = 'k';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    return static_cast<int>(::sendmsg(socket, &message, 0));
}

int receive_fd(int socket) {
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return -1;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (!header || header->cmsg_type != SCM_RIGHTS) return -1;
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(header), sizeof fd);
    return fd;
}

// What the chapter's code may do: compute. Everything else is notified.
void confine(pid_t self) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_NOTIFY);
    if (!filter) child_fail("seccomp_init failed");
    auto allow = [&](int call) {
        if (seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 0) != 0) child_fail("seccomp_rule_add failed");
    };
    // Its pipes (it can open nothing else), its memory, its exit.
    for (int call : {SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(close),
                     SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
                     SCMP_SYS(madvise), SCMP_SYS(exit), SCMP_SYS(exit_group)}) {
        allow(call);
    }
    // The C and C++ runtimes' own start-up and bookkeeping.
    for (int call : {SCMP_SYS(arch_prctl), SCMP_SYS(set_tid_address), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
                     SCMP_SYS(uname), SCMP_SYS(getrandom), SCMP_SYS(futex), SCMP_SYS(getpid), SCMP_SYS(gettid),
                     SCMP_SYS(clock_gettime), SCMP_SYS(sched_yield)}) {
        allow(call);
    }
    // Its own signals: handlers, masks, the stand-in for CUDA's fibers
    // (sigaltstack), abort() (a signal to itself).
    for (int call : {SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack)}) {
        allow(call);
    }
    if (seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(self))) != 0 ||
        seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(self))) != 0 ||
        // The hand-over of the notification descriptor below (5 is closed after).
        seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(sendmsg), 1, SCMP_A0(SCMP_CMP_EQ, 5)) != 0 ||
        // Reading its limits, never setting them.
        seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, SCMP_A0(SCMP_CMP_EQ, 0),
                         SCMP_A2(SCMP_CMP_EQ, 0)) != 0) {
        child_fail("seccomp_rule_add failed");
    }
    // Questions the runtimes ask about their descriptors (is it a terminal?
    // how big is it?) get "no", not a stop.
    for (int call : {SCMP_SYS(ioctl), SCMP_SYS(newfstatat), SCMP_SYS(fstat), SCMP_SYS(lseek), SCMP_SYS(readlink)}) {
        if (seccomp_rule_add(filter, SCMP_ACT_ERRNO(call == SCMP_SYS(ioctl) ? ENOTTY : EPERM), call, 0) != 0)
            child_fail("seccomp_rule_add failed");
    }
    if (seccomp_load(filter) != 0) child_fail("the seccomp filter could not be installed");
    const int notify = seccomp_notify_fd(filter);
    if (notify < 0) child_fail("no seccomp notification descriptor");
    if (send_fd(5, notify) < 0) child_fail("cannot hand over the notification descriptor");
    ::close(notify);
    ::close(5);
}

void set_limit(int resource, rlim_t soft, rlim_t hard) {
    rlimit limit{soft, hard};
    if (::setrlimit(resource, &limit) != 0) child_fail("setrlimit failed");
}

class Server {
public:
    ~Server() = default;

    std::string exchange(const std::string& request) {
        if (pid_ == 0) start();
        std::string framed(4, '\0');
        const std::uint32_t size = static_cast<std::uint32_t>(request.size());
        std::memcpy(framed.data(), &size, 4);
        framed += request;
        std::size_t written = 0;
        std::string reply;
        std::uint32_t expected = 0;
        bool have_size = false;
        for (;;) {
            pollfd fds[4] = {{replies_, POLLIN, 0}, {output_, POLLIN, 0}, {notify_open_ ? notify_ : -1, POLLIN, 0},
                             {written < framed.size() ? requests_ : -1, POLLOUT, 0}};
            const int ready = ::poll(fds, 4, -1);
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) stop_and_give_up("poll failed: " + std::string(std::strerror(errno)));
            if (fds[2].revents & POLLIN) answer_notification();
            else if (fds[2].revents & (POLLHUP | POLLERR)) notify_open_ = false;  // the process is gone
            if (fds[1].revents & (POLLIN | POLLHUP)) relay_output();
            if (fds[3].revents & POLLOUT) {
                const ssize_t n = ::write(requests_, framed.data() + written, framed.size() - written);
                if (n > 0) written += static_cast<std::size_t>(n);
                else if (n < 0 && errno != EAGAIN && errno != EINTR) ended("while reading its arguments");
            }
            if (fds[3].revents & (POLLERR | POLLHUP)) ended("while reading its arguments");
            if (fds[0].revents & (POLLIN | POLLHUP)) {
                char buffer[1 << 16];
                const ssize_t n = ::read(replies_, buffer, sizeof buffer);
                if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
                if (n <= 0) ended("before it answered");
                reply.append(buffer, static_cast<std::size_t>(n));
                if (!have_size && reply.size() >= 4) {
                    std::memcpy(&expected, reply.data(), 4);
                    if (expected > kMaxMessageBytes) stop_and_give_up("its reply is larger than a message may be");
                    have_size = true;
                }
                if (have_size && reply.size() > expected + 4u) stop_and_give_up("it answered more than it was asked");
                if (have_size && reply.size() == expected + 4u && written == framed.size()) {
                    relay_output();
                    return reply.substr(4);
                }
            }
        }
    }

    [[noreturn]] void stop_and_give_up(const std::string& why) {
        if (pid_ > 0) ::kill(pid_, SIGKILL);
        drain_output();
        give_up(why);
    }

private:
    void start() {
        char self[4096];
        const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) give_up("cannot find the test program's own path");
        self[n] = '\0';
        std::string program(self);
        program = program.substr(0, program.rfind('/') + 1) + server_name();
        if (::access(program.c_str(), X_OK) != 0) give_up("the chapter's program " + program + " is missing");

        const long cpu_seconds = limit_from("KATA_BOUNDARY_CPU_SECONDS", 300);
        const long memory_mb = limit_from("KATA_BOUNDARY_MEMORY_MB", 2048);

        int requests[2], replies[2], output[2], handover[2];
        if (::pipe2(requests, O_CLOEXEC) || ::pipe2(replies, O_CLOEXEC) || ::pipe2(output, O_CLOEXEC) ||
            ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, handover)) {
            give_up("cannot create the pipes to the chapter's process");
        }
        const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null < 0) give_up("cannot open /dev/null");
        std::fflush(nullptr);
        const pid_t parent = ::getpid();
        const pid_t pid = ::fork();
        if (pid < 0) give_up("cannot start the chapter's process");
        if (pid == 0) {
            // The child: only this code runs here until execve.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            // Descriptors 0-5, then nothing else.
            int from[6] = {null, output[1], output[1], requests[0], replies[1], handover[1]};
            int moved[6];
            for (int k = 0; k < 6; ++k) {
                moved[k] = ::fcntl(from[k], F_DUPFD_CLOEXEC, 10);
                if (moved[k] < 0) child_fail("fcntl failed");
            }
            for (int k = 0; k < 6; ++k) {
                if (::dup2(moved[k], k) < 0) child_fail("dup2 failed");
            }
            ::syscall(SYS_close_range, 6u, ~0u, 0u);
            set_limit(RLIMIT_CPU, static_cast<rlim_t>(cpu_seconds), static_cast<rlim_t>(cpu_seconds + 1));
            set_limit(RLIMIT_AS, static_cast<rlim_t>(memory_mb) << 20, static_cast<rlim_t>(memory_mb) << 20);
            set_limit(RLIMIT_FSIZE, 0, 0);
            set_limit(RLIMIT_CORE, 0, 0);
            set_limit(RLIMIT_NOFILE, 7, 7);  // 0-5, and the filter's notification descriptor while it is handed over
            set_limit(RLIMIT_NPROC, 0, 0);
            set_limit(RLIMIT_MEMLOCK, 0, 0);
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail("PR_SET_NO_NEW_PRIVS failed");
            confine(::getpid());
            char* argv[] = {const_cast<char*>(server_name()), nullptr};
            char* envp[] = {nullptr};
            ::execve(program.c_str(), argv, envp);
            ::_exit(127);
        }
        pid_ = pid;
        ::close(null);
        ::close(requests[0]);
        ::close(replies[1]);
        ::close(output[1]);
        ::close(handover[1]);
        requests_ = requests[1];
        replies_ = replies[0];
        output_ = output[0];
        ::fcntl(requests_, F_SETFL, O_NONBLOCK);
        ::fcntl(output_, F_SETFL, O_NONBLOCK);
        ::signal(SIGPIPE, SIG_IGN);
        notify_ = receive_fd(handover[0]);
        ::close(handover[0]);
        if (notify_ < 0) {
            drain_output();
            ended("before it started");
        }
        if (seccomp_notify_alloc(&notification_, &response_) != 0) stop_and_give_up("seccomp_notify_alloc failed");
    }

    void answer_notification() {
        std::memset(notification_, 0, sizeof *notification_);
        if (seccomp_notify_receive(notify_, notification_) != 0) {
            if (errno == EINTR || errno == ENOENT) return;
            ended("while it was stopped");
        }
        std::memset(response_, 0, sizeof *response_);
        response_->id = notification_->id;
        const int call = notification_->data.nr;
        if (call == SCMP_SYS(execve) && !started_) {
            started_ = true;  // the chapter's program itself
            response_->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
            seccomp_notify_respond(notify_, response_);
            return;
        }
        char* name = seccomp_syscall_resolve_num_arch(notification_->data.arch, call);
        const std::string what = name ? name : "system call " + std::to_string(call);
        std::free(name);
        ::kill(pid_, SIGKILL);
        response_->error = -EPERM;
        seccomp_notify_respond(notify_, response_);
        drain_output();
        give_up("the chapter's code was stopped: it called `" + what + "`, which graded code may not " +
                "(no files, processes, signals to others or network; see grading/README.md)");
    }

    // Its output, each line marked as the chapter's, so that it can never
    // pass for the test program's own lines.
    void relay_output() {
        char buffer[8192];
        for (;;) {
            const ssize_t n = ::read(output_, buffer, sizeof buffer);
            if (n <= 0) return;
            for (ssize_t k = 0; k < n; ++k) {
                if (relayed_ >= kMaxRelayedOutput) {
                    if (!cut_) std::fprintf(stderr, "\n[chapter code] ... (its output cut at %zu bytes)\n", kMaxRelayedOutput);
                    cut_ = true;
                    break;
                }
                if (at_line_start_) std::fputs("[chapter code] ", stderr);
                std::fputc(buffer[k], stderr);
                at_line_start_ = buffer[k] == '\n';
                ++relayed_;
            }
        }
    }

    void drain_output() {
        if (output_ < 0) return;
        ::fcntl(output_, F_SETFL, 0);
        relay_output();
        if (!at_line_start_) std::fputc('\n', stderr);
        std::fflush(stderr);
    }

    // The chapter's process is gone: say how.
    [[noreturn]] void ended(const std::string& when) {
        int status = 0;
        if (pid_ > 0) ::kill(pid_, SIGKILL);  // if only its pipe closed
        pid_t waited;
        do waited = ::waitpid(pid_, &status, 0);
        while (waited < 0 && errno == EINTR);
        drain_output();
        std::string how = "it ended";
        if (waited == pid_ && WIFEXITED(status)) how = "it exited with status " + std::to_string(WEXITSTATUS(status));
        else if (waited == pid_ && WIFSIGNALED(status)) {
            const int signal = WTERMSIG(status);
            how = signal == SIGXCPU ? "it ran out of CPU time" : std::string("it was killed by signal ") + strsignal(signal);
        }
        give_up("the chapter's code did not answer: " + how + " " + when);
    }

    pid_t pid_ = 0;
    int requests_ = -1, replies_ = -1, output_ = -1, notify_ = -1;
    bool started_ = false, at_line_start_ = true, cut_ = false, notify_open_ = true;
    std::size_t relayed_ = 0;
    seccomp_notif* notification_ = nullptr;
    seccomp_notif_resp* response_ = nullptr;
};

Server& server() {
    static Server* instance = new Server();  // never destroyed: the process ends with it
    return *instance;
}

}  // namespace

std::string exchange(const std::string& request) { return server().exchange(request); }

void give_up(const std::string& why) {
    std::fflush(stdout);
    std::fprintf(stderr, "\nkata-boundary: %s\nkata-boundary: this test cannot pass.\n", why.c_str());
    std::fflush(stderr);
    ::_exit(86);
}

}  // namespace kata::boundary
