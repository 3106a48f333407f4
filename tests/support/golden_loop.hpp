// The loop every chapter runs over PyTorch's golden cases of one operation:
// what PyTorch refuses must be refused (std::invalid_argument naming the
// operation), what it computes must come out close. A case that throws fails
// on its own and the loop goes on; an unfinished stub fails once.
#pragma once

#include "check.hpp"
#include "golden.hpp"
#include "refuse.hpp"

#include "convkata/errors.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kata {

// Call: the test's description of one call (Conv1dCall, Conv2dCall), made
// from a golden case by `make`; `within` says whether the chapter can take
// it; `run` is the chapter's function; `options` its CheckOptions (the
// call's own by default). Returns the calls checked, for the test to count.
template <int Rank, typename Call>
std::vector<Call> check_golden(const std::string& op, const std::function<bool(const GoldenCase&)>& within,
                               const std::function<Call(const GoldenCase&)>& make,
                               const std::function<Tensor<Rank>(const Call&)>& run,
                               const std::function<CheckOptions(const Call&)>& options) {
    std::vector<Call> checked;
    for (const GoldenCase& g : load_golden(op)) {
        if (!within(g)) continue;
        const Call c = make(g);
        checked.push_back(c);
        INFO(g.describe());
        if (g.refused()) {
            CHECK_REFUSES(run(c), op);
            continue;
        }
        CheckOptions o = options ? options(c) : c.options();
        o.what = g.describe();
        try {
            CHECK_CLOSE(run(c), g.output().template tensor<Rank>(), o);
        } catch (const convkata::not_implemented& e) {
            FAIL_CHECK(std::string(e.what()));
            break;  // one message is enough
        } catch (const std::exception& e) {
            FAIL_CHECK("PyTorch computes this call, but it threw: " << e.what());
        }
    }
    return checked;
}

}  // namespace kata
