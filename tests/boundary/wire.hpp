// The values that cross the grading boundary (tests/boundary/README.md), as
// bytes: every argument and result type of the chapters' functions. The
// trusted side reads what the chapter's process sends back, so reading is
// checked to the byte: a size that does not fit what is left, a bool that is
// not 0 or 1, a sparse matrix whose indices are out of order or range all
// throw `malformed`, never read past the message.
#pragma once

#include "convkata/conv_args.hpp"
#include "convkata/padding.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace kata::boundary {

struct malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The largest message either side accepts (a tensor of 64 Mi floats).
inline constexpr std::size_t kMaxMessageBytes = std::size_t{256} << 20;

class Writer {
public:
    void raw(const void* data, std::size_t size) {
        bytes_.append(static_cast<const char*>(data), size);
    }
    const std::string& bytes() const { return bytes_; }
    std::string& bytes() { return bytes_; }

private:
    std::string bytes_;
};

class Reader {
public:
    Reader(const char* data, std::size_t size) : at_(data), end_(data + size) {}
    void raw(void* out, std::size_t size) {
        if (size > left()) throw malformed("a message shorter than its contents");
        std::memcpy(out, at_, size);
        at_ += size;
    }
    std::size_t left() const { return static_cast<std::size_t>(end_ - at_); }
    // A count of `each`-byte items that must still fit in the message.
    std::size_t count(std::size_t each) {
        std::uint64_t n = 0;
        raw(&n, sizeof n);
        if (each > 0 && n > left() / each) throw malformed("a count larger than the message");
        if (each == 0 && n > (1u << 20)) throw malformed("a count of empty items too large");
        return static_cast<std::size_t>(n);
    }

private:
    const char* at_;
    const char* end_;
};

// A struct's fields, for the structs of the chapters' headers:
//   KATA_FIELDS(convkata::PadPair, t.left, t.right)
template <typename T>
struct Fields;
#define KATA_FIELDS(Type, ...)                       \
    template <>                                      \
    struct kata::boundary::Fields<Type> {            \
        template <typename U>                        \
        static auto of(U& t) { return std::tie(__VA_ARGS__); } \
    }

template <typename T>
concept HasFields = requires(T& t) { Fields<T>::of(t); };

template <typename T> struct is_tensor : std::false_type {};
template <typename S, int R>
struct is_tensor<Eigen::Tensor<S, R, Eigen::RowMajor>> : std::true_type {};
template <typename T> struct is_size : std::false_type {};
template <int S> struct is_size<convkata::Size<S>> : std::true_type {};
template <typename T> struct is_spatial_padding : std::false_type {};
template <int S> struct is_spatial_padding<convkata::SpatialPadding<S>> : std::true_type {};
template <typename T> struct is_vector : std::false_type {};
template <typename T> struct is_vector<std::vector<T>> : std::true_type {};
template <typename T> struct is_optional : std::false_type {};
template <typename T> struct is_optional<std::optional<T>> : std::true_type {};
template <typename T> struct is_pair : std::false_type {};
template <typename A, typename B> struct is_pair<std::pair<A, B>> : std::true_type {};
template <typename T> struct is_array : std::false_type {};
template <typename T, std::size_t N> struct is_array<std::array<T, N>> : std::true_type {};

// A value to read into: the types without a default (Size, Padding) start at 0.
template <typename T>
T blank() {
    if constexpr (std::is_default_constructible_v<T>) return T{};
    else return T(0);
}

template <typename T> void put(Writer& w, const T& value);
template <typename T> void get(Reader& r, T& value);

template <typename T>
void put(Writer& w, const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
        const std::uint8_t b = value ? 1 : 0;
        w.raw(&b, 1);
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
        w.raw(&value, sizeof value);
    } else if constexpr (std::is_same_v<T, std::string>) {
        const std::uint64_t n = value.size();
        w.raw(&n, sizeof n);
        w.raw(value.data(), value.size());
    } else if constexpr (is_tensor<T>::value) {
        for (auto d : value.dimensions()) put(w, static_cast<std::int64_t>(d));
        w.raw(value.data(), static_cast<std::size_t>(value.size()) * sizeof(typename T::Scalar));
    } else if constexpr (std::is_same_v<T, convkata::Matrix>) {
        put(w, static_cast<std::int64_t>(value.rows()));
        put(w, static_cast<std::int64_t>(value.cols()));
        w.raw(value.data(), static_cast<std::size_t>(value.size()) * sizeof(float));
    } else if constexpr (std::is_same_v<T, convkata::SparseMatrix>) {
        convkata::SparseMatrix m = value;
        m.makeCompressed();
        put(w, static_cast<std::int64_t>(m.rows()));
        put(w, static_cast<std::int64_t>(m.cols()));
        put(w, static_cast<std::int64_t>(m.nonZeros()));
        w.raw(m.outerIndexPtr(), static_cast<std::size_t>(m.rows() + 1) * sizeof(int));
        w.raw(m.innerIndexPtr(), static_cast<std::size_t>(m.nonZeros()) * sizeof(int));
        w.raw(m.valuePtr(), static_cast<std::size_t>(m.nonZeros()) * sizeof(float));
    } else if constexpr (is_size<T>::value) {
        put(w, value.values);
    } else if constexpr (std::is_same_v<T, convkata::Padding>) {
        put(w, static_cast<int>(value.kind()));
        put(w, static_cast<std::int64_t>(value.amount()));
    } else if constexpr (is_spatial_padding<T>::value) {
        put(w, static_cast<int>(value.kind()));
        put(w, value.amount());
    } else if constexpr (is_vector<T>::value) {
        put(w, static_cast<std::uint64_t>(value.size()));
        for (const auto& item : value) put(w, item);
    } else if constexpr (is_array<T>::value) {
        for (const auto& item : value) put(w, item);
    } else if constexpr (is_optional<T>::value) {
        put(w, value.has_value());
        if (value) put(w, *value);
    } else if constexpr (is_pair<T>::value) {
        put(w, value.first);
        put(w, value.second);
    } else if constexpr (HasFields<T>) {
        std::apply([&](const auto&... field) { (put(w, field), ...); }, Fields<T>::of(value));
    } else {
        static_assert(sizeof(T) == 0, "no wire format for this type");
    }
}

namespace detail {
template <typename T>
std::int64_t dimension(Reader& r, std::int64_t& product) {
    std::int64_t d = 0;
    get(r, d);
    if (d < 0 || d > (std::int64_t{1} << 30)) throw malformed("a dimension out of range");
    if (d > 0 && product > std::int64_t(kMaxMessageBytes) / d) throw malformed("a tensor larger than a message");
    product *= d;
    return d;
}
}  // namespace detail

template <typename T>
void get(Reader& r, T& value) {
    if constexpr (std::is_same_v<T, bool>) {
        std::uint8_t b = 0;
        r.raw(&b, 1);
        if (b > 1) throw malformed("a bool that is neither 0 nor 1");
        value = b == 1;
    } else if constexpr (std::is_enum_v<T>) {
        std::underlying_type_t<T> raw{};
        r.raw(&raw, sizeof raw);
        value = static_cast<T>(raw);
    } else if constexpr (std::is_arithmetic_v<T>) {
        r.raw(&value, sizeof value);
    } else if constexpr (std::is_same_v<T, std::string>) {
        value.resize(r.count(1));
        r.raw(value.data(), value.size());
    } else if constexpr (is_tensor<T>::value) {
        typename T::Dimensions dims;
        std::int64_t product = 1;
        for (auto& d : dims) d = detail::dimension<T>(r, product);
        if (static_cast<std::size_t>(product) * sizeof(typename T::Scalar) > r.left())
            throw malformed("a tensor larger than the message");
        value.resize(dims);
        r.raw(value.data(), static_cast<std::size_t>(product) * sizeof(typename T::Scalar));
    } else if constexpr (std::is_same_v<T, convkata::Matrix>) {
        std::int64_t product = 1;
        const auto rows = detail::dimension<T>(r, product), cols = detail::dimension<T>(r, product);
        if (static_cast<std::size_t>(product) * sizeof(float) > r.left()) throw malformed("a matrix larger than the message");
        value.resize(rows, cols);
        r.raw(value.data(), static_cast<std::size_t>(product) * sizeof(float));
    } else if constexpr (std::is_same_v<T, convkata::SparseMatrix>) {
        std::int64_t rows = 0, cols = 0, nnz = 0;
        get(r, rows);
        get(r, cols);
        get(r, nnz);
        if (rows < 0 || cols < 0 || nnz < 0 || rows > (1 << 28) || cols > (1 << 28) ||
            static_cast<std::size_t>(nnz) > r.left() / (sizeof(int) + sizeof(float)) ||
            static_cast<std::size_t>(rows + 1) > r.left() / sizeof(int))
            throw malformed("a sparse matrix whose sizes do not fit the message");
        std::vector<int> outer(static_cast<std::size_t>(rows + 1)), inner(static_cast<std::size_t>(nnz));
        std::vector<float> values(static_cast<std::size_t>(nnz));
        r.raw(outer.data(), outer.size() * sizeof(int));
        r.raw(inner.data(), inner.size() * sizeof(int));
        r.raw(values.data(), values.size() * sizeof(float));
        if (outer.front() != 0 || outer.back() != nnz) throw malformed("a sparse matrix with bad row starts");
        for (std::size_t i = 0; i + 1 < outer.size(); ++i) {
            if (outer[i] > outer[i + 1]) throw malformed("a sparse matrix with bad row starts");
            for (int k = outer[i]; k < outer[i + 1]; ++k) {
                if (inner[k] < 0 || inner[k] >= cols || (k > outer[i] && inner[k] <= inner[k - 1]))
                    throw malformed("a sparse matrix with column indices out of range or order");
            }
        }
        // Checked above: the compressed arrays can be taken as they are.
        value = convkata::SparseMatrix(rows, cols);
        value.makeCompressed();
        value.resizeNonZeros(nnz);
        std::copy(outer.begin(), outer.end(), value.outerIndexPtr());
        std::copy(inner.begin(), inner.end(), value.innerIndexPtr());
        std::copy(values.begin(), values.end(), value.valuePtr());
    } else if constexpr (is_size<T>::value) {
        get(r, value.values);
    } else if constexpr (std::is_same_v<T, convkata::Padding>) {
        int kind = 0;
        std::int64_t amount = 0;
        get(r, kind);
        get(r, amount);
        value = kind == static_cast<int>(convkata::Padding::Kind::same)    ? convkata::Padding("same")
                : kind == static_cast<int>(convkata::Padding::Kind::valid) ? convkata::Padding("valid")
                                                                           : convkata::Padding(static_cast<long long>(amount));
    } else if constexpr (is_spatial_padding<T>::value) {
        int kind = 0;
        std::decay_t<decltype(value.amount())> amount(0);
        get(r, kind);
        get(r, amount);
        value = kind == static_cast<int>(convkata::Padding::Kind::same)    ? T("same")
                : kind == static_cast<int>(convkata::Padding::Kind::valid) ? T("valid")
                                                                           : T(amount);
    } else if constexpr (is_vector<T>::value) {
        value.clear();
        value.resize(r.count(1), blank<typename T::value_type>());
        for (auto& item : value) {
            get(r, item);
        }
    } else if constexpr (is_array<T>::value) {
        for (auto& item : value) get(r, item);
    } else if constexpr (is_optional<T>::value) {
        bool has = false;
        get(r, has);
        if (has) {
            auto v = blank<typename T::value_type>();
            get(r, v);
            value = std::move(v);
        } else {
            value.reset();
        }
    } else if constexpr (is_pair<T>::value) {
        get(r, value.first);
        get(r, value.second);
    } else if constexpr (HasFields<T>) {
        std::apply([&](auto&... field) { (get(r, field), ...); }, Fields<T>::of(value));
    } else {
        static_assert(sizeof(T) == 0, "no wire format for this type");
    }
}

}  // namespace kata::boundary
