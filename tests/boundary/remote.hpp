// One chapter's functions across the grading boundary (README.md here).
//
// A file tests/boundary/chNN_topic.cpp lists the chapter's functions once:
//
//   KATA_REMOTE(Tensor1, conv1d_single, (const Tensor1& x, const Tensor1& w), (x, w))
//
// and is compiled twice. In the test program (the trusted side) each line
// defines the function: it sends its arguments to the chapter's own process
// and returns what comes back, or throws the exception that was thrown
// there. In the chapter's process (KATA_BOUNDARY_SERVER) each line enrols
// the student's function under the same name; the static_cast makes a
// signature that differs from the header a compile error, not a silent
// mismatch.
#pragma once

#include "wire.hpp"

#include <exception>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace kata::boundary {

// How an exception crosses: its kind, its message (and for not_implemented
// the chapter and function), rethrown as the same standard type.
enum class Thrown : std::uint8_t {
    none = 0,
    invalid_argument,
    not_implemented,
    domain_error,
    length_error,
    out_of_range,
    logic_error,
    range_error,
    overflow_error,
    underflow_error,
    runtime_error,
    bad_alloc,
    other,       // not a std::exception (a `throw 42`)
    extra,       // a chapter's own type (chapter 11's gpu_unavailable), by name
    unknown_function,
};

// A chapter's own exception type, known to both sides by name.
struct ExtraException {
    std::string name;
    std::function<bool(const std::exception&)> is;
    std::function<void(const std::string&)> raise;
};
std::vector<ExtraException>& extra_exceptions();
template <typename E>
bool enrol_exception(const char* name) {
    extra_exceptions().push_back({name, [](const std::exception& e) { return dynamic_cast<const E*>(&e) != nullptr; },
                                  [](const std::string& what) { throw E(what); }});
    return true;
}

// ---------------------------------------------------------------- trusted side

// Sends one request to the chapter's process (started at the first call) and
// returns its reply. Anything but a reply (the process died, was stopped for
// a forbidden call, ran out of time or memory, answered nonsense) ends the
// test program at once with a non-zero status and the reason on stderr: a
// test whose code did not answer can never pass.
std::string exchange(const std::string& request);
// The chapter program's file name, next to the test program's (defined once
// per test program, by its chNN_topic.cpp).
const char* server_name();
[[noreturn]] void give_up(const std::string& why);
// Reads the reply's status; throws what the chapter's code threw.
void rethrow_if_thrown(Reader& r);

template <typename Ret, typename... Args>
Ret call(const char* id, const Args&... args) {
    Writer w;
    put(w, std::string(id));
    (put(w, args), ...);
    const std::string reply = exchange(w.bytes());
    try {
        Reader r(reply.data(), reply.size());
        rethrow_if_thrown(r);
        Ret value = blank<Ret>();
        get(r, value);
        if (r.left() != 0) throw malformed("bytes after the value");
        return value;
    } catch (const malformed& e) {
        give_up(std::string("the chapter's process sent a malformed reply to ") + id + " (" + e.what() + ")");
    }
}

// ---------------------------------------------------------------- chapter's side

using Handler = std::function<void(Reader&, Writer&)>;
std::map<std::string, Handler>& handlers();
// The reply for an exception caught around a handler (in a catch block).
void put_current_exception(Writer& w);

template <typename Ret, typename... Args>
bool enrol(const char* id, Ret (*function)(Args...)) {
    handlers()[id] = [function](Reader& r, Writer& w) {
        std::tuple<std::decay_t<Args>...> args{blank<std::decay_t<Args>>()...};
        std::apply([&](auto&... a) { (get(r, a), ...); }, args);
        if (r.left() != 0) throw malformed("bytes after the arguments");
        const Ret result = std::apply(function, args);
        put(w, static_cast<std::uint8_t>(Thrown::none));
        put(w, result);
    };
    return true;
}

}  // namespace kata::boundary

#define KATA_BOUNDARY_CAT2(a, b) a##b
#define KATA_BOUNDARY_CAT(a, b) KATA_BOUNDARY_CAT2(a, b)
#define KATA_BOUNDARY_UNPAREN(...) __VA_ARGS__
#define KATA_BOUNDARY_ID(name, params) #name #params

#ifdef KATA_BOUNDARY_SERVER
#define KATA_REMOTE(Ret, name, params, args)                                                       \
    namespace {                                                                                    \
    [[maybe_unused]] const bool KATA_BOUNDARY_CAT(kata_enrolled_, __LINE__) =                      \
        ::kata::boundary::enrol(KATA_BOUNDARY_ID(name, params), static_cast<Ret(*) params>(&name)); \
    }
#else
#define KATA_REMOTE(Ret, name, params, args) \
    Ret name params { return KATA_BOUNDARY_CALL(Ret, KATA_BOUNDARY_ID(name, params), KATA_BOUNDARY_UNPAREN args); }
#define KATA_BOUNDARY_CALL(Ret, id, ...) ::kata::boundary::call<Ret>(id __VA_OPT__(, ) __VA_ARGS__)
#endif

// A chapter's own exception type, rethrown as itself on the trusted side.
#define KATA_REMOTE_EXCEPTION(Type)                                            \
    namespace {                                                                \
    [[maybe_unused]] const bool KATA_BOUNDARY_CAT(kata_exception_, __LINE__) = \
        ::kata::boundary::enrol_exception<Type>(#Type);                        \
    }

#if !defined(KATA_BOUNDARY_SERVER) && defined(KATA_BOUNDARY_SERVER_NAME)
const char* kata::boundary::server_name() { return KATA_BOUNDARY_SERVER_NAME; }
#endif
