// The chapter's process: the student's code and this loop, nothing else (no
// test, no reference answer, no marker). It reads a request on descriptor 3,
// calls the enrolled function and writes the reply on descriptor 4, until
// the test program closes the pipe. It runs confined (client.cpp).
#include "remote.hpp"

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace kata::boundary {

// Only the trusted side gives up on a reply; here a bad request just ends.
void give_up(const std::string&) { ::_exit(3); }

}  // namespace kata::boundary

namespace {

bool read_all(int fd, char* to, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::read(fd, to, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        to += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool write_all(int fd, const char* from, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, from, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        from += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

int main() {
    using namespace kata::boundary;
    std::string request;
    for (;;) {
        std::uint32_t size = 0;
        if (!read_all(3, reinterpret_cast<char*>(&size), 4)) return 0;  // the test program is done
        if (size > kMaxMessageBytes) return 2;
        request.resize(size);
        if (!read_all(3, request.data(), size)) return 2;
        Writer reply;
        try {
            Reader r(request.data(), request.size());
            std::string id;
            get(r, id);
            const auto found = handlers().find(id);
            if (found == handlers().end()) {
                put(reply, static_cast<std::uint8_t>(Thrown::unknown_function));
                put(reply, id);
            } else {
                found->second(r, reply);
            }
        } catch (...) {
            reply = Writer();
            put_current_exception(reply);
        }
        // What the code printed goes out before its answer.
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        const std::uint32_t length = static_cast<std::uint32_t>(reply.bytes().size());
        if (!write_all(4, reinterpret_cast<const char*>(&length), 4) ||
            !write_all(4, reply.bytes().data(), reply.bytes().size())) {
            return 2;
        }
    }
}
