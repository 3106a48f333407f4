#include "refuse.hpp"

#include "convkata/errors.hpp"

#include <stdexcept>

namespace kata {

std::string refusal_report(const std::function<void()>& call, const std::vector<std::string>& needles) {
    try {
        call();
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        for (const std::string& needle : needles) {
            if (message.find(needle) == std::string::npos) {
                return "the message \"" + message + "\" should mention \"" + needle +
                       "\" (name the operation and the numbers, like PyTorch)";
            }
        }
        return "";
    } catch (const convkata::not_implemented& e) {
        return std::string("it is not implemented yet: ") + e.what();
    } catch (const std::exception& e) {
        return std::string("expected std::invalid_argument, but it threw another exception: ") + e.what();
    }
    return "expected std::invalid_argument, but it returned normally";
}

}  // namespace kata
