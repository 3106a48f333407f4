#include "check.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace kata {

Index View::size() const {
    Index n = 1;
    for (Index d : dims) n *= d;
    return n;
}

namespace {

std::string dims_string(const std::vector<Index>& dims) { return convkata::shape_string(dims); }

// Flat offset -> "(n, c, l)" in row-major order.
std::string index_string(Index flat_index, const std::vector<Index>& dims) {
    std::vector<Index> index(dims.size());
    for (std::size_t k = dims.size(); k-- > 0;) {
        index[k] = flat_index % dims[k];
        flat_index /= dims[k];
    }
    std::string s = "(";
    for (std::size_t k = 0; k < index.size(); ++k) s += (k ? ", " : "") + std::to_string(index[k]);
    return s + ")";
}

using convkata::allowed_error;

// A magnitude made for another shape (options reused for a different call)
// is ignored rather than read out of bounds.
double magnitude_at(const View& expected, const std::vector<float>& magnitude, Index i) {
    if (magnitude.size() != static_cast<std::size_t>(expected.size())) return std::fabs(expected.data[i]);
    return magnitude[static_cast<std::size_t>(i)];
}

bool value_ok(float a, float e, double magnitude) { return convkata::within_tolerance(a, e, magnitude); }

std::string named_mistake(const View& actual, const std::vector<Mistake>& mistakes) {
    for (const Mistake& m : mistakes) {
        if (m.matches && m.matches(actual)) {
            return "\n  This is exactly what the mistake \"" + m.name + "\" produces.\n  Read " + m.lesson;
        }
    }
    return "";
}

}  // namespace

bool close_enough(const View& actual, const View& expected, const std::vector<float>& magnitude) {
    if (actual.dims != expected.dims) return false;
    for (Index i = 0; i < expected.size(); ++i) {
        if (!value_ok(actual.data[i], expected.data[i], magnitude_at(expected, magnitude, i))) return false;
    }
    return true;
}

std::string close_report(const View& actual, const View& expected, const CheckOptions& options) {
    std::ostringstream out;
    const std::string what = options.what.empty() ? std::string("the result") : options.what;
    if (actual.dims != expected.dims) {
        out << what << " has the wrong shape:\n"
            << "  got      " << dims_string(actual.dims) << "\n"
            << "  expected " << dims_string(expected.dims);
        if (!options.shape_formula.empty()) out << "   (" << options.shape_formula << ")";
        out << named_mistake(actual, options.mistakes);
        return out.str();
    }
    Index bad = 0;
    Index first_bad = -1;
    double worst = 0.0;
    Index worst_at = 0;
    for (Index i = 0; i < expected.size(); ++i) {
        const float a = actual.data[i];
        const float e = expected.data[i];
        if (value_ok(a, e, magnitude_at(expected, options.magnitude, i))) continue;
        ++bad;
        if (first_bad < 0) first_bad = i;
        const double err = std::isfinite(a) ? std::fabs(static_cast<double>(a) - e) : INFINITY;
        if (err > worst || bad == 1) {
            worst = err;
            worst_at = i;
        }
    }
    if (bad == 0) return "";
    out.precision(7);
    out << what << " is wrong at " << bad << " of " << expected.size() << " elements (shape "
        << dims_string(expected.dims) << "):\n"
        << "  first at " << index_string(first_bad, expected.dims) << ": got " << actual.data[first_bad]
        << ", expected " << expected.data[first_bad] << "\n"
        << "  largest error " << worst << " at " << index_string(worst_at, expected.dims) << " (allowed "
        << allowed_error(magnitude_at(expected, options.magnitude, worst_at)) << ")";
    out << named_mistake(actual, options.mistakes);
    return out.str();
}

Mistake mistake_shape(std::string name, std::string lesson, std::vector<Index> wrong_dims) {
    return {std::move(name), std::move(lesson),
            [wrong_dims = std::move(wrong_dims)](const View& actual) { return actual.dims == wrong_dims; }};
}

}  // namespace kata
