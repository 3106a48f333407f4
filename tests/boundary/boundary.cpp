// What both sides of the boundary share: the tables of functions and
// exception types, and how an exception is written and rethrown.
#include "remote.hpp"

#include "convkata/errors.hpp"

#include <new>

namespace kata::boundary {

std::vector<ExtraException>& extra_exceptions() {
    static std::vector<ExtraException> table;
    return table;
}

std::map<std::string, Handler>& handlers() {
    static std::map<std::string, Handler> table;
    return table;
}

void put_current_exception(Writer& w) {
    auto with = [&](Thrown kind, const std::string& what) {
        put(w, static_cast<std::uint8_t>(kind));
        put(w, what);
    };
    try {
        throw;
    } catch (const convkata::not_implemented& e) {
        with(Thrown::not_implemented, e.what());
        put(w, e.chapter());
        put(w, e.function());
    } catch (const std::invalid_argument& e) {
        with(Thrown::invalid_argument, e.what());
    } catch (const std::exception& e) {
        for (const auto& extra : extra_exceptions()) {
            if (extra.is(e)) {
                with(Thrown::extra, e.what());
                put(w, extra.name);
                return;
            }
        }
        // The most derived standard type that the exception is.
        if (dynamic_cast<const std::domain_error*>(&e)) with(Thrown::domain_error, e.what());
        else if (dynamic_cast<const std::length_error*>(&e)) with(Thrown::length_error, e.what());
        else if (dynamic_cast<const std::out_of_range*>(&e)) with(Thrown::out_of_range, e.what());
        else if (dynamic_cast<const std::logic_error*>(&e)) with(Thrown::logic_error, e.what());
        else if (dynamic_cast<const std::range_error*>(&e)) with(Thrown::range_error, e.what());
        else if (dynamic_cast<const std::overflow_error*>(&e)) with(Thrown::overflow_error, e.what());
        else if (dynamic_cast<const std::underflow_error*>(&e)) with(Thrown::underflow_error, e.what());
        else if (dynamic_cast<const std::runtime_error*>(&e)) with(Thrown::runtime_error, e.what());
        else if (dynamic_cast<const std::bad_alloc*>(&e)) with(Thrown::bad_alloc, e.what());
        else with(Thrown::other, e.what());
    } catch (...) {
        with(Thrown::other, "an exception that is not a std::exception");
    }
}

void rethrow_if_thrown(Reader& r) {
    std::uint8_t raw = 0;
    get(r, raw);
    const auto kind = static_cast<Thrown>(raw);
    if (kind == Thrown::none) return;
    std::string what;
    get(r, what);
    switch (kind) {
        case Thrown::invalid_argument: throw std::invalid_argument(what);
        case Thrown::not_implemented: {
            std::string chapter, function;
            get(r, chapter);
            get(r, function);
            throw convkata::not_implemented(chapter, function);
        }
        case Thrown::domain_error: throw std::domain_error(what);
        case Thrown::length_error: throw std::length_error(what);
        case Thrown::out_of_range: throw std::out_of_range(what);
        case Thrown::logic_error: throw std::logic_error(what);
        case Thrown::range_error: throw std::range_error(what);
        case Thrown::overflow_error: throw std::overflow_error(what);
        case Thrown::underflow_error: throw std::underflow_error(what);
        case Thrown::runtime_error: throw std::runtime_error(what);
        case Thrown::bad_alloc: throw std::bad_alloc();
        case Thrown::other: throw std::runtime_error(what);
        case Thrown::extra: {
            std::string name;
            get(r, name);
            for (const auto& extra : extra_exceptions()) {
                if (extra.name == name) extra.raise(what);
            }
            throw malformed("an exception type this side does not know: " + name);
        }
        case Thrown::unknown_function:
            give_up("the chapter's process does not have the function " + what +
                    " (its program was not built from this workbook's boundary)");
        default: throw malformed("an unknown status " + std::to_string(raw));
    }
}

}  // namespace kata::boundary
