// Chapter 08 - transposed convolution: the adjoint.
#include "transposed.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch08;

namespace {

using convkata::Tensor;  // (kata has the same alias)

const std::string kLesson = "chapters/08_transposed/README.md";
const std::string kLayout = "weight read as [OC, C, K] instead of PyTorch's [C, OC/groups, K]";
const std::string kLayoutAt = kLesson + "#weight-read-as-oc-c-k";
const std::string kPadAdded = "padding added instead of cropped";
const std::string kPadAddedAt = kLesson + "#padding-added-instead-of-cropped";
const std::string kBothSides = "output_padding added on both sides";
const std::string kBothSidesAt = kLesson + "#output-padding-added-on-both-sides";
const std::string kAtStart = "output_padding added at the start instead of the end";
const std::string kAtStartAt = kLesson + "#output-padding-added-at-the-start";
const std::string kFlipped = "flipped kernel";
const std::string kFlippedAt = kLesson + "#flipped-kernel";
const std::string kNoDilation = "dilation ignored in the scatter (taps 1 apart)";
const std::string kNoDilationAt = kLesson + "#dilation-ignored-in-the-scatter";
const std::string kBiasEach = "bias added at every scatter instead of once per output";
const std::string kBiasEachAt = kLesson + "#bias-added-at-every-scatter";

template <int S>
using Dims = std::array<Index, S>;

// --- one call of a transposed convolution ------------------------------------

// conv_transpose1d (S = 1) or conv_transpose2d (S = 2) with all its arguments.
template <int S>
struct Transposed {
    Tensor<S + 2> x;       // [N, C, in...]
    Tensor<S + 2> weight;  // [C, OC/groups, kernel...]
    OptionalBias bias;
    Size<S> stride = 1;
    Size<S> padding = 0;
    Size<S> output_padding = 0;
    Index groups = 1;
    Size<S> dilation = 1;

    static std::string op() { return S == 1 ? "conv_transpose1d" : "conv_transpose2d"; }
    Index out_channels() const { return weight.dimension(1) * groups; }
    Index in(int d) const { return x.dimension(2 + d); }
    Index kernel(int d) const { return weight.dimension(2 + d); }
    Index out(int d) const {
        return transposed_output_size(in(d), kernel(d), stride[d], padding[d], output_padding[d], dilation[d]);
    }
    // The whole scatter, before anything is cropped: (in-1)*stride + dilation*(kernel-1) + 1.
    Index full(int d) const { return transposed_output_size(in(d), kernel(d), stride[d], 0, 0, dilation[d]); }
    std::array<Index, S + 2> out_dims(const Dims<S>& spatial) const {
        std::array<Index, S + 2> dims{x.dimension(0), out_channels()};
        std::copy(spatial.begin(), spatial.end(), dims.begin() + 2);
        return dims;
    }

    std::string describe() const;
    Tensor<S + 2> expected() const { return reference(x, weight, bias); }
    Tensor<S + 2> reference(const Tensor<S + 2>& x_, const Tensor<S + 2>& w_, const OptionalBias& b_) const {
        if constexpr (S == 1) {
            return ref::conv_transpose1d(x_, w_, b_, stride[0], padding[0], output_padding[0], groups, dilation[0]);
        } else {
            return ref::conv_transpose2d(x_, w_, b_, stride, padding, output_padding, groups, dilation);
        }
    }
    // The learner's answer.
    Tensor<S + 2> run() const {
        if constexpr (S == 1) {
            return ch::conv_transpose1d(x, weight, bias, stride[0], padding[0], output_padding[0], groups,
                                        dilation[0]);
        } else {
            return ch::conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation);
        }
    }
    CheckOptions options() const;
};

using Transposed1d = Transposed<1>;
using Transposed2d = Transposed<2>;

template <int S>
std::string text(const Size<S>& s) {
    return S == 1 ? std::to_string(s[0]) : s.to_string();
}

template <int S>
std::string Transposed<S>::describe() const {
    std::ostringstream out;
    out << op() << "(x " << shape_string(x) << ", weight " << shape_string(weight);
    if (bias) out << ", bias " << shape_string(*bias);
    if (!(stride == Size<S>(1))) out << ", stride=" << text(stride);
    if (!(padding == Size<S>(0))) out << ", padding=" << text(padding);
    if (!(output_padding == Size<S>(0))) out << ", output_padding=" << text(output_padding);
    if (groups != 1) out << ", groups=" << groups;
    if (!(dilation == Size<S>(1))) out << ", dilation=" << text(dilation);
    out << ")";
    return out.str();
}

template <int R>
Tensor<R> absolute(const Tensor<R>& t) {
    return t.abs();
}

OptionalBias absolute(const OptionalBias& b) {
    if (!b) return b;
    return Tensor1(b->abs());
}

template <int R>
Tensor<R> ones(const std::array<Index, R>& dims) {
    Tensor<R> t(dims);
    t.setConstant(1.0f);
    return t;
}

// t plus bias[o] on every element of output channel o.
template <int R>
Tensor<R> plus_bias(Tensor<R> t, const OptionalBias& bias) {
    if (!bias || t.size() == 0) return t;
    const Index N = t.dimension(0), OC = t.dimension(1), rest = t.size() / (N * OC);
    for (Index n = 0; n < N; ++n)
        for (Index o = 0; o < OC; ++o)
            for (Index i = 0; i < rest; ++i) t.data()[(n * OC + o) * rest + i] += (*bias)(o);
    return t;
}

// The spatial window [start, start + length) of t, dimension by dimension,
// with zeros where it runs past t's edges.
template <int R>
Tensor<R> window(const Tensor<R>& t, const Dims<R - 2>& start, const Dims<R - 2>& length) {
    Eigen::array<std::pair<Index, Index>, R> pads;
    Eigen::array<Index, R> offsets, extents;
    for (int d = 0; d < R; ++d) {
        if (d < 2) {
            pads[d] = {0, 0};
            offsets[d] = 0;
            extents[d] = t.dimension(d);
            continue;
        }
        const Index s = start[d - 2], len = length[d - 2];
        const Index before = std::max<Index>(0, -s), after = std::max<Index>(0, s + len - t.dimension(d));
        pads[d] = {before, after};
        offsets[d] = s + before;
        extents[d] = len;
    }
    return t.pad(pads).slice(offsets, extents);
}

// The weight's memory read as a conv weight [OC, C/groups, K...]: what
// weight(o, c, k) gives when the code forgets that dimension 0 is C.
template <int R>
Tensor<R> read_as_oc_c_k(const Tensor<R>& weight, Index groups) {
    const Index C = weight.dimension(0), group_out = weight.dimension(1);
    const Index group_in = C / groups, taps = weight.size() / (C * group_out);
    Tensor<R> wrong(weight.dimensions());
    for (Index c = 0; c < C; ++c)
        for (Index j = 0; j < group_out; ++j) {
            const Index o = (c / group_in) * group_out + j;
            for (Index k = 0; k < taps; ++k) {
                wrong.data()[(c * group_out + j) * taps + k] = weight.data()[(o * group_in + c % group_in) * taps + k];
            }
        }
    return wrong;
}

template <int R>
bool same_values(const Tensor<R>& a, const Tensor<R>& b) {
    return std::equal(a.data(), a.data() + a.size(), b.data());
}

// The mistakes of this chapter that an output gives away, each computed the
// mistaken way from the reference.
template <int S>
std::vector<Mistake> transposed_mistakes(const Transposed<S>& c) {
    std::vector<Mistake> m;
    Dims<S> out{}, full{}, pad{}, pad_minus_op{}, minus_pad{}, out_plus_op{}, added_len{};
    bool padded = false, output_padded = false, dilated = false, long_kernel = false;
    for (int d = 0; d < S; ++d) {
        out[d] = c.out(d);
        full[d] = c.full(d);
        pad[d] = c.padding[d];
        minus_pad[d] = -c.padding[d];
        pad_minus_op[d] = c.padding[d] - c.output_padding[d];
        out_plus_op[d] = out[d] + c.output_padding[d];
        added_len[d] = full[d] + 2 * c.padding[d] + c.output_padding[d];
        padded = padded || c.padding[d] > 0;
        output_padded = output_padded || c.output_padding[d] > 0;
        dilated = dilated || c.dilation[d] > 1;
        long_kernel = long_kernel || c.kernel(d) > 1;
    }
    // Everything the input scatters, uncropped and without the bias.
    Transposed<S> whole = c;
    whole.padding = 0;
    whole.output_padding = 0;
    const Tensor<S + 2> scatter = whole.reference(c.x, c.weight, {});

    if (long_kernel) {
        Eigen::array<bool, S + 2> spatial{};
        for (int d = 0; d < S; ++d) spatial[2 + d] = true;
        const Tensor<S + 2> flipped = c.weight.reverse(spatial);
        m.push_back(mistake_output(kFlipped, kFlippedAt, c.reference(c.x, flipped, c.bias)));
    }
    const Tensor<S + 2> reread = read_as_oc_c_k(c.weight, c.groups);
    if (!same_values(reread, c.weight)) {
        m.push_back(mistake_output(kLayout, kLayoutAt, c.reference(c.x, reread, c.bias)));
    }
    if (padded) {
        m.push_back(mistake_output(kPadAdded, kPadAddedAt, plus_bias(window(scatter, minus_pad, added_len), c.bias)));
        const auto dims = c.out_dims(added_len);
        m.push_back(mistake_shape(kPadAdded, kPadAddedAt, std::vector<Index>(dims.begin(), dims.end())));
    }
    if (output_padded) {
        m.push_back(mistake_output(kBothSides, kBothSidesAt,
                                   plus_bias(window(scatter, pad_minus_op, out_plus_op), c.bias)));
        const auto dims = c.out_dims(out_plus_op);
        m.push_back(mistake_shape(kBothSides, kBothSidesAt, std::vector<Index>(dims.begin(), dims.end())));
        m.push_back(mistake_output(kAtStart, kAtStartAt, plus_bias(window(scatter, pad_minus_op, out), c.bias)));
    }
    if (dilated && long_kernel) {
        Transposed<S> taps_one_apart = whole;
        taps_one_apart.dilation = 1;
        const Tensor<S + 2> packed = taps_one_apart.reference(c.x, c.weight, {});
        m.push_back(mistake_output(kNoDilation, kNoDilationAt, plus_bias(window(packed, pad, out), c.bias)));
    }
    if (c.bias) {
        // bias[o] once for every contribution an output receives (the count is
        // the scatter of ones), and none where nothing lands.
        const Tensor<S + 2> count =
            c.reference(ones<S + 2>(c.x.dimensions()), ones<S + 2>(c.weight.dimensions()), {});
        const Tensor<S + 2> bias_everywhere = plus_bias(Tensor<S + 2>(count.constant(0.0f)), c.bias);
        const Tensor<S + 2> wrong = c.reference(c.x, c.weight, {}) + count * bias_everywhere;
        m.push_back(mistake_output(kBiasEach, kBiasEachAt, wrong));
    }
    return m;
}

template <int S>
CheckOptions Transposed<S>::options() const {
    CheckOptions o;
    o.what = describe();
    std::ostringstream formula;
    const char* names[] = {S == 1 ? "L" : "H", "W"};
    for (int d = 0; d < S; ++d) {
        formula << (d ? "; " : "") << names[d] << "_out = (" << in(d) << " - 1)*" << stride[d] << " - 2*"
                << padding[d] << " + " << dilation[d] << "*(" << kernel(d) << " - 1) + " << output_padding[d]
                << " + 1 = " << out(d);
    }
    o.shape_formula = formula.str();
    o.magnitude = flat(reference(absolute(x), absolute(weight), absolute(bias)));
    o.mistakes = transposed_mistakes(*this);
    return o;
}

template <int S>
void check_call(const Transposed<S>& c) {
    CHECK_CLOSE(c.run(), c.expected(), c.options());
}

// --- random calls --------------------------------------------------------------

struct TransposedRanges {
    Index max_batch = 2;
    Index max_channels = 3;      // per group
    Index max_out_channels = 3;  // per group
    Index max_size = 6;          // input length (or height and width)
    Index max_kernel = 4;
    Index max_stride = 3;
    Index max_padding = 2;
    Index max_dilation = 3;
    Index max_groups = 3;
    // output_padding < stride, so that conv maps the output back to the input's size.
    bool output_padding_below_stride = false;
};

template <int R>
Tensor<R> random_tensor(Rng& rng, const std::array<Index, R>& dims) {
    Tensor<R> t(dims);
    for (Index i = 0; i < t.size(); ++i) t.data()[i] = rng.uniform();
    return t;
}

template <int S>
Transposed<S> random_transposed(Rng& rng, const TransposedRanges& r = {}) {
    Transposed<S> c;
    c.groups = rng.integer(1, r.max_groups);
    const Index group_in = rng.integer(1, r.max_channels);
    Index group_out = rng.integer(1, r.max_out_channels);
    if (group_out == group_in) ++group_out;  // C != OC, so that a layout mix-up shows
    std::array<Index, S + 2> x_dims{rng.integer(1, r.max_batch), group_in * c.groups};
    std::array<Index, S + 2> w_dims{group_in * c.groups, group_out};
    for (int d = 0; d < S; ++d) {
        c.stride[d] = rng.integer(1, r.max_stride);
        c.dilation[d] = rng.integer(1, r.max_dilation);
        const Index limit = r.output_padding_below_stride ? c.stride[d] : std::max(c.stride[d], c.dilation[d]);
        c.output_padding[d] = rng.integer(0, limit - 1);
        const Index K = rng.integer(1, r.max_kernel);
        const Index L = rng.integer(1, r.max_size);
        const Index full = transposed_output_size(L, K, c.stride[d], 0, 0, c.dilation[d]);
        // out = full - 2*padding + output_padding must stay >= 1.
        c.padding[d] = rng.integer(0, std::min(r.max_padding, (full + c.output_padding[d] - 1) / 2));
        x_dims[2 + d] = L;
        w_dims[2 + d] = K;
    }
    c.x = random_tensor<S + 2>(rng, x_dims);
    c.weight = random_tensor<S + 2>(rng, w_dims);
    if (rng.coin()) c.bias = rng.tensor<1>(c.out_channels());
    return c;
}

// --- golden data ------------------------------------------------------------------

// An int-or-list golden argument, one value per spatial dimension (2 == (2, 2)).
template <int S>
Size<S> golden_size(const GoldenCase& g, const std::string& key) {
    if constexpr (S == 1) {
        return Size<1>(g.integers(key).at(0));
    } else {
        return golden_size2(g, key);
    }
}

template <int S>
Transposed<S> golden_transposed(const GoldenCase& g) {
    Transposed<S> c;
    c.x = g.tensor("input").tensor<S + 2>();
    c.weight = g.tensor("weight").tensor<S + 2>();
    if (auto b = g.optional_tensor("bias")) c.bias = b->tensor<1>();
    c.stride = golden_size<S>(g, "stride");
    c.padding = golden_size<S>(g, "padding");
    c.output_padding = golden_size<S>(g, "output_padding");
    c.groups = g.integer("groups");
    c.dilation = golden_size<S>(g, "dilation");
    return c;
}

// Every case of tests/golden/conv_transpose{1,2}d.json through the learner's
// function (the counterpart of check_golden_conv2d): what PyTorch refuses must
// be refused, naming the operation; what it computes must come out close.
template <int S>
int check_golden_transposed() {
    int checked = 0;
    for (const GoldenCase& g : load_golden(Transposed<S>::op())) {
        const Transposed<S> c = golden_transposed<S>(g);
        ++checked;
        INFO(g.describe());
        if (g.refused()) {
            CHECK_REFUSES(c.run(), Transposed<S>::op());
            continue;
        }
        try {
            CheckOptions o = c.options();
            o.what = g.describe();
            CHECK_CLOSE(c.run(), g.output().tensor<S + 2>(), o);
        } catch (const not_implemented& e) {
            FAIL_CHECK(e.what());
            break;  // one message is enough
        } catch (const std::exception& e) {
            FAIL_CHECK("PyTorch computes this call, but it threw: " << e.what());
        }
    }
    return checked;
}

// --- the adjoint ---------------------------------------------------------------------

template <int R>
double dot(const Tensor<R>& a, const Tensor<R>& b) {
    double sum = 0.0;
    for (Index i = 0; i < a.size(); ++i) sum += static_cast<double>(a.data()[i]) * b.data()[i];
    return sum;
}

// The convolution conv_transpose is the adjoint of: the same weight, read as a
// conv weight [out = C, in = OC/groups, K...], the same stride, padding,
// dilation and groups. It maps [N, OC, out...] back to [N, C, in...].
template <int S>
Tensor<S + 2> forward(const Transposed<S>& c, const Tensor<S + 2>& u, const Tensor<S + 2>& weight) {
    if constexpr (S == 1) {
        return ref::conv1d(u, weight, {}, c.stride[0], c.padding[0], c.dilation[0], c.groups);
    } else {
        return ref::conv2d(u, weight, {}, c.stride, Padding2(c.padding), c.dilation, c.groups);
    }
}

// <conv(u), x> == <u, conv_transpose(x)> for a random u.
template <int S>
void check_adjoint(const Transposed<S>& c, Rng& rng) {
    Dims<S> out{};
    for (int d = 0; d < S; ++d) out[d] = c.out(d);
    const Tensor<S + 2> u = random_tensor<S + 2>(rng, c.out_dims(out));
    const Tensor<S + 2> conv_u = forward(c, u, c.weight);
    REQUIRE(conv_u.dimensions() == c.x.dimensions());  // output_padding < stride: the sizes match

    Transposed<S> no_bias = c;
    no_bias.bias.reset();
    const Tensor<S + 2> y = no_bias.run();
    if (y.dimensions() != u.dimensions()) {
        CHECK_CLOSE(y, no_bias.expected(), no_bias.options());  // explains the shape
        return;
    }
    const double left = dot(conv_u, c.x), right = dot(u, y);
    const double magnitude = dot(Tensor<S + 2>(forward(c, absolute(u), absolute(c.weight))), absolute(c.x));
    if (std::fabs(left - right) > kRelativeTolerance * magnitude + kAbsoluteTolerance) {
        std::ostringstream why;
        why.precision(9);
        why << no_bias.describe() << " is not the adjoint of the convolution with the same arguments:\n"
            << "  <conv(u), x> = " << left << " but <u, conv_transpose(x)> = " << right << "\n"
            << "Compared with the reference: " << close_report(y, no_bias.expected(), no_bias.options());
        FAIL_CHECK(why.str());
    }
}

// --- conv_transpose1d as the transpose of a matrix ------------------------------------

// A^T * vec(x[n]) for every sample, with A the matrix of the adjoint's convolution.
Tensor3 times_a_transposed(const Transposed1d& c) {
    const Index N = c.x.dimension(0), C = c.x.dimension(1), L = c.in(0), L_out = c.out(0), OC = c.out_channels();
    const SparseMatrix A =
        ref::conv_matrix1d(L_out, c.weight, c.stride[0], c.padding[0], c.dilation[0], c.groups);
    const Index L_conv = A.rows() / C;  // more than L when output_padding >= stride
    Tensor3 y(N, OC, L_out);
    for (Index n = 0; n < N; ++n) {
        Eigen::VectorXf v = Eigen::VectorXf::Zero(A.rows());
        for (Index ch = 0; ch < C; ++ch)
            for (Index i = 0; i < L; ++i) v(ch * L_conv + i) = c.x(n, ch, i);
        const Eigen::VectorXf out = A.transpose() * v;
        std::copy(out.data(), out.data() + out.size(), y.data() + n * OC * L_out);
    }
    return y;
}

Tensor3 via_matrix(const Transposed1d& c) {
    return ch::conv_transpose1d_via_matrix(c.x, c.weight, c.stride[0], c.padding[0], c.output_padding[0], c.groups,
                                           c.dilation[0]);
}

CheckOptions via_matrix_options(const Transposed1d& c) {
    CheckOptions o = c.options();
    o.what = "conv_transpose1d_via_matrix" + c.describe().substr(Transposed1d::op().size());
    return o;
}

// --- transposed_output_length --------------------------------------------------------

// A number a known mistake gives instead of the right one.
struct WrongLength {
    std::string name;
    std::string lesson;
    Index value;
};

// True when the learner's length is `expected`; otherwise fails the case,
// naming the mistake that gives the wrong length.
bool check_length(Index in, Index K, Index S, Index P, Index O, Index D, Index expected) {
    std::ostringstream what;
    what << "transposed_output_length(in=" << in << ", kernel=" << K << ", stride=" << S << ", padding=" << P
         << ", output_padding=" << O << ", dilation=" << D << ")";
    const Index actual = ch::transposed_output_length(in, K, S, P, O, D);
    if (actual == expected) return true;
    std::ostringstream report;
    report << what.str() << " gave " << actual << ", expected " << expected << "   ((" << in << " - 1)*" << S
           << " - 2*" << P << " + " << D << "*(" << K << " - 1) + " << O << " + 1)";
    const std::vector<WrongLength> mistakes = {
        {kPadAdded, kPadAddedAt, expected + 4 * P},
        {kBothSides, kBothSidesAt, expected + O},
        {kNoDilation, kNoDilationAt, expected - (D - 1) * (K - 1)},
    };
    for (const WrongLength& m : mistakes) {
        if (m.value != expected && m.value == actual) {
            report << "\n  This is exactly what the mistake \"" << m.name << "\" produces.\n  Read " << m.lesson;
            break;
        }
    }
    FAIL_CHECK(report.str());
    return false;
}

Tensor3 row(std::initializer_list<float> values) {
    Tensor3 t(1, 1, static_cast<Index>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

}  // namespace

// --- transposed_output_length -------------------------------------------------------

TEST_CASE("transposed_output_length: by hand") {
    // (in - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1
    check_length(2, 3, 2, 0, 0, 1, (2 - 1) * 2 + (3 - 1) + 1);              // 5: the scatter example
    check_length(3, 3, 2, 0, 0, 1, (3 - 1) * 2 + (3 - 1) + 1);              // 7
    check_length(3, 3, 2, 0, 1, 1, (3 - 1) * 2 + (3 - 1) + 1 + 1);          // 8
    check_length(4, 3, 2, 1, 0, 1, (4 - 1) * 2 - 2 * 1 + (3 - 1) + 1);      // 7
    check_length(3, 3, 1, 0, 0, 2, (3 - 1) * 1 + 2 * (3 - 1) + 1);          // 7
    check_length(3, 2, 1, 0, 2, 3, (3 - 1) * 1 + 3 * (2 - 1) + 2 + 1);      // 8: output_padding < dilation
    check_length(7, 1, 1, 0, 0, 1, 7);                                      // a 1-tap kernel keeps the length
}

TEST_CASE("transposed_output_length: values checked with PyTorch") {
    // F.conv_transpose1d(torch.ones(1, 1, in), torch.ones(1, 1, K), stride=S, padding=P,
    //                    output_padding=O, dilation=D).shape[-1]
    struct Row {
        Index in, K, S, P, O, D, torch;
    };
    const Row rows[] = {
        {3, 3, 2, 0, 0, 1, 7},  {3, 3, 2, 0, 1, 1, 8},   {2, 3, 2, 0, 0, 1, 5},   {5, 4, 1, 0, 0, 1, 8},
        {4, 3, 2, 1, 0, 1, 7},  {4, 3, 2, 1, 1, 1, 8},   {3, 3, 1, 0, 0, 2, 7},   {3, 2, 1, 0, 2, 3, 8},
        {6, 5, 3, 2, 2, 1, 18}, {4, 4, 2, 1, 0, 1, 8},   {7, 1, 1, 0, 0, 1, 7},   {10, 3, 3, 1, 2, 2, 32},
        {5, 3, 4, 3, 3, 2, 18}, {1, 1, 1, 0, 0, 1, 1},   {2, 2, 2, 1, 0, 1, 2},
    };
    for (const Row& r : rows) check_length(r.in, r.K, r.S, r.P, r.O, r.D, r.torch);
}

TEST_CASE("transposed_output_length: output_padding picks which input size a strided conv came from") {
    // A conv with K=3, stride 2 maps both 7 and 8 to 3: the last input of 8 falls in no window.
    REQUIRE(output_size(7, 3, 2) == 3);
    REQUIRE(output_size(8, 3, 2) == 3);
    check_length(3, 3, 2, 0, 0, 1, 7);
    check_length(3, 3, 2, 0, 1, 1, 8);
    // In general: every output_padding below the stride gives a length the conv maps back to `in`.
    for (Index in = 1; in <= 6; ++in)
        for (Index K = 1; K <= 4; ++K)
            for (Index S = 1; S <= 3; ++S)
                for (Index D = 1; D <= 3; ++D)
                    for (Index P = 0; P <= 2; ++P)
                        for (Index O = 0; O < S; ++O) {
                            const Index expected = (in - 1) * S - 2 * P + D * (K - 1) + O + 1;
                            if (expected < 1) continue;
                            REQUIRE(output_size(expected, K, S, P, D) == in);
                            if (!check_length(in, K, S, P, O, D, expected)) return;  // one message is enough
                        }
}

TEST_CASE("transposed_output_length: refusals") {
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 2, 0, 3, 1), "transposed_output_length", "3", "2");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 1, 0, 3, 3), "transposed_output_length", "3");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 2, 0, 2, 1), "transposed_output_length", "2");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 1, 0, 1, 1), "transposed_output_length", "1");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 1, -1), "transposed_output_length", "padding", "-1");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 2, 0, -2), "transposed_output_length", "-2");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 0), "transposed_output_length", "stride", "0");
    CHECK_REFUSES(ch::transposed_output_length(5, 4, 1, 0, 0, 0), "transposed_output_length", "dilation", "0");
    CHECK_REFUSES(ch::transposed_output_length(5, 0), "transposed_output_length", "0");
    CHECK_REFUSES(ch::transposed_output_length(0, 3), "transposed_output_length", "0");
    // (2 - 1)*1 - 2*2 + 1*(1 - 1) + 0 + 1 = -2: nothing is left after the crop.
    CHECK_REFUSES(ch::transposed_output_length(2, 1, 1, 2), "transposed_output_length", "-2");
}

// --- conv_transpose1d ------------------------------------------------------------------

TEST_CASE("conv_transpose1d: the worked scatter example by hand") {
    // x = [1, 2], kernel [1, 10, 100], stride 2: x[i] adds x[i] * kernel at 2*i.
    Transposed1d c;
    c.x = row({1, 2});
    c.weight = row({1, 10, 100});
    c.stride = 2;
    const auto x = [&](Index i) { return c.x(0, 0, i); };
    const auto w = [&](Index k) { return c.weight(0, 0, k); };
    Tensor3 expected(1, 1, 5);
    expected(0, 0, 0) = x(0) * w(0);
    expected(0, 0, 1) = x(0) * w(1);
    expected(0, 0, 2) = x(0) * w(2) + x(1) * w(0);  // the overlap
    expected(0, 0, 3) = x(1) * w(1);
    expected(0, 0, 4) = x(1) * w(2);
    CHECK(expected(0, 0, 2) == 102);  // torch: [1, 10, 102, 20, 200]
    CHECK_CLOSE(c.run(), expected, c.options());

    // The kernel of ones counts the overlaps: [1, 1, 1+2, 2, 2].
    c.weight = row({1, 1, 1});
    for (Index p = 0; p < 5; ++p) expected(0, 0, p) = 0;
    for (Index i = 0; i < 2; ++i)
        for (Index k = 0; k < 3; ++k) expected(0, 0, 2 * i + k) += x(i) * w(k);
    CHECK_CLOSE(c.run(), expected, c.options());
}

TEST_CASE("conv_transpose1d: stride 1 gives L + K - 1 - the worked example by hand") {
    // x = [1, 2], kernel [1, 10, 100], stride 1: copies at 0 and 1 (torch: [1, 12, 120, 200]).
    Transposed1d c;
    c.x = row({1, 2});
    c.weight = row({1, 10, 100});
    const auto x = [&](Index i) { return c.x(0, 0, i); };
    const auto w = [&](Index k) { return c.weight(0, 0, k); };
    Tensor3 expected(1, 1, 2 + 3 - 1);
    expected(0, 0, 0) = x(0) * w(0);
    expected(0, 0, 1) = x(0) * w(1) + x(1) * w(0);
    expected(0, 0, 2) = x(0) * w(2) + x(1) * w(1);
    expected(0, 0, 3) = x(1) * w(2);
    CHECK(expected(0, 0, 2) == 120);
    CHECK_CLOSE(c.run(), expected, c.options());
    // Every length: the mirror of conv1d's L - K + 1.
    for (Index L = 1; L <= 6; ++L)
        for (Index K = 1; K <= 4; ++K) {
            Transposed1d ones;
            ones.x = Tensor3(1, 1, L);
            ones.x.setConstant(1.0f);
            ones.weight = Tensor3(1, 1, K);
            ones.weight.setConstant(1.0f);
            INFO("L=", L, ", K=", K, ", stride 1: L_out = L + K - 1 = ", L + K - 1);
            REQUIRE(ones.run().dimension(2) == L + K - 1);
        }
}

TEST_CASE("conv_transpose1d: padding crops both ends and output_padding adds at the end") {
    // The full scatter of the worked example is [1, 10, 102, 20, 200].
    Transposed1d c;
    c.x = row({1, 2});
    c.weight = row({1, 10, 100});
    c.stride = 2;
    c.padding = 1;
    CHECK_CLOSE(c.run(), row({10, 102, 20}), c.options());  // torch: [10, 102, 20]
    c.output_padding = 1;
    CHECK_CLOSE(c.run(), row({10, 102, 20, 200}), c.options());  // torch: one more at the end
    c.padding = 0;
    CHECK_CLOSE(c.run(), row({1, 10, 102, 20, 200, 0}), c.options());  // nothing lands there: 0
    // output_padding >= stride is allowed below the dilation: stride 1, dilation 3.
    Transposed1d d;
    d.x = row({1, 2, 3});
    d.weight = row({1, 10});
    d.dilation = 3;
    d.output_padding = 2;
    CHECK_CLOSE(d.run(), row({1, 2, 3, 10, 20, 30, 0, 0}), d.options());  // torch
}

TEST_CASE("conv_transpose1d: channels C != OC with the weight in [C - OC - K] layout") {
    // C = 2 input channels, OC = 3 output channels, K = 2, stride 1, a bias:
    // weight[c, o, k] takes input channel c to output channel o.
    Transposed1d c;
    c.x = Tensor3(1, 2, 2);
    c.x.setValues({{{1, 2}, {3, -1}}});
    c.weight = Tensor3(2, 3, 2);
    c.weight.setValues({{{1, -2}, {3, 1}, {0, 2}},     // weight[0, o, :]: from input channel 0
                        {{-1, 1}, {2, 0}, {1, 3}}});  // weight[1, o, :]: from input channel 1
    c.bias = Tensor1(3);
    c.bias->setValues({10, 20, 30});
    const Tensor3& x = c.x;
    const Tensor3& w = c.weight;
    Tensor3 expected(1, 3, 3);
    for (Index o = 0; o < 3; ++o) {
        const float b = (*c.bias)(o);
        expected(0, o, 0) = b + x(0, 0, 0) * w(0, o, 0) + x(0, 1, 0) * w(1, o, 0);
        expected(0, o, 1) = b + x(0, 0, 0) * w(0, o, 1) + x(0, 0, 1) * w(0, o, 0)  // channel 0
                            + x(0, 1, 0) * w(1, o, 1) + x(0, 1, 1) * w(1, o, 0);   // channel 1
        expected(0, o, 2) = b + x(0, 0, 1) * w(0, o, 1) + x(0, 1, 1) * w(1, o, 1);
    }
    CHECK_CLOSE(c.run(), expected, c.options());
}

TEST_CASE("conv_transpose1d: groups - each group of input channels feeds its own output channels") {
    // C = 4, groups = 2, weight [4, 2, 1]: OC = 2*2 = 4. Input channels 0-1
    // feed outputs 0-1, input channels 2-3 feed outputs 2-3.
    Rng rng(8102);
    Transposed1d c;
    c.x = rng.small_integers<3>(2, 4, 3);
    c.weight = rng.small_integers<3>(4, 2, 1);
    c.groups = 2;
    Tensor3 expected(2, 4, 3);
    for (Index n = 0; n < 2; ++n)
        for (Index g = 0; g < 2; ++g)
            for (Index j = 0; j < 2; ++j)
                for (Index i = 0; i < 3; ++i) {
                    expected(n, 2 * g + j, i) = c.x(n, 2 * g, i) * c.weight(2 * g, j, 0) +
                                                c.x(n, 2 * g + 1, i) * c.weight(2 * g + 1, j, 0);
                }
    CHECK_CLOSE(c.run(), expected, c.options());
}

TEST_CASE("conv_transpose1d: is not the inverse of conv1d") {
    // conv1d([1, 2, 3, 4], [1, 1], stride 2) = [3, 7]; transposing it spreads
    // each window's sum back over the window: [3, 3, 7, 7], not [1, 2, 3, 4].
    const Tensor3 x = row({1, 2, 3, 4});
    Transposed1d c;
    c.weight = row({1, 1});
    c.stride = 2;
    c.x = ref::conv1d(x, c.weight, {}, 2);
    Tensor3 expected(1, 1, 4);
    for (Index i = 0; i < 2; ++i)
        for (Index k = 0; k < 2; ++k) expected(0, 0, 2 * i + k) = c.x(0, 0, i) * c.weight(0, 0, k);
    const Tensor3 y = c.run();
    CHECK_CLOSE(y, expected, c.options());
    CHECK_FALSE(same_values(y, x));
}

TEST_CASE("conv_transpose1d: output_padding gives back the length a strided conv came from") {
    // conv1d with K=3 and stride 2 maps lengths 7 and 8 to 3; conv_transpose1d
    // with the same weight maps 3 back to 7 (output_padding 0) or 8 (output_padding 1).
    Rng rng(8103);
    const Tensor3 weight = rng.tensor<3>(3, 2, 3);  // conv: 2 -> 3 channels; transposed: 3 -> 2
    for (Index L : {7, 8}) {
        const Tensor3 y = ref::conv1d(rng.tensor<3>(1, 2, L), weight, {}, 2);
        REQUIRE(y.dimension(2) == 3);
        Transposed1d c;
        c.x = y;
        c.weight = weight;
        c.stride = 2;
        c.output_padding = L - 7;
        CAPTURE(L);
        check_call(c);
    }
}

TEST_CASE("conv_transpose1d: random calls against the reference") {
    Rng rng(8104);
    for (int trial = 0; trial < 60; ++trial) {
        const Transposed1d c = random_transposed<1>(rng);
        CAPTURE(trial);
        check_call(c);
    }
}

TEST_CASE("conv_transpose1d: the adjoint of conv1d - the dot-product test") {
    // <conv1d(u), x> == <u, conv_transpose1d(x)> for every u and x: conv1d with
    // the same weight (read as [C, OC/groups, K]), stride, padding, dilation, groups.
    Rng rng(8105);
    TransposedRanges ranges;
    ranges.output_padding_below_stride = true;
    for (int trial = 0; trial < 40; ++trial) {
        const Transposed1d c = random_transposed<1>(rng, ranges);
        CAPTURE(trial);
        check_adjoint(c, rng);
    }
}

TEST_CASE("conv_transpose1d: equals A^T from the conv matrix") {
    // A = ref::conv_matrix1d(L_out, weight, stride, padding, dilation, groups):
    // conv_transpose1d(x)[n] = A^T vec(x[n]), output_padding >= stride included.
    Rng rng(8106);
    for (int trial = 0; trial < 40; ++trial) {
        Transposed1d c = random_transposed<1>(rng);
        c.bias.reset();
        CAPTURE(trial);
        CHECK_CLOSE(c.run(), times_a_transposed(c), c.options());
    }
}

TEST_CASE("conv_transpose1d: PyTorch golden data") {
    CHECK(check_golden_transposed<1>() >= 100);
}

TEST_CASE("conv_transpose1d: refusals") {
    Rng rng(8107);
    const Tensor3 x = rng.tensor<3>(1, 3, 5);
    const Tensor3 w = rng.tensor<3>(3, 2, 3);  // C = 3, OC = 2
    const auto t = [&](const Tensor3& in, const Tensor3& weight, const OptionalBias& b, Index S, Index P, Index O,
                       Index G, Index D) { return ch::conv_transpose1d(in, weight, b, S, P, O, G, D); };
    // output_padding must be smaller than max(stride, dilation).
    CHECK_REFUSES(t(x, w, {}, 2, 0, 2, 1, 1), "conv_transpose1d", "2");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 3, 1, 3), "conv_transpose1d", "3");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 1, 1, 1), "conv_transpose1d", "1");
    CHECK_REFUSES(t(x, w, {}, 1, -1, 0, 1, 1), "conv_transpose1d", "padding", "-1");
    CHECK_REFUSES(t(x, w, {}, 2, 0, -1, 1, 1), "conv_transpose1d", "-1");
    CHECK_REFUSES(t(x, w, {}, 0, 0, 0, 1, 1), "conv_transpose1d", "stride", "0");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 0, 1, 0), "conv_transpose1d", "dilation", "0");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 0, 0, 1), "conv_transpose1d", "groups", "0");
    // The weight is [C, OC/groups, K]: its dimension 0 must be x's channels, and divisible by groups.
    CHECK_REFUSES(t(x, rng.tensor<3>(4, 2, 3), {}, 1, 0, 0, 1, 1), "conv_transpose1d", "4", "3");
    CHECK_REFUSES(t(x, rng.tensor<3>(2, 3, 3), {}, 1, 0, 0, 1, 1), "conv_transpose1d", "2", "3");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 0, 2, 1), "conv_transpose1d", "2", "3");
    // The bias has OC = weight.dimension(1) * groups elements.
    CHECK_REFUSES(t(x, w, rng.tensor<1>(3), 1, 0, 0, 1, 1), "conv_transpose1d", "2", "3");
    CHECK_REFUSES(t(rng.tensor<3>(1, 2, 5), rng.tensor<3>(2, 3, 3), rng.tensor<1>(3), 1, 0, 0, 2, 1),
                  "conv_transpose1d", "6", "3");
    // (1 - 1)*1 - 2*1 + (2 - 1) + 0 + 1 = 0: the crop leaves nothing.
    CHECK_REFUSES(t(rng.tensor<3>(1, 3, 1), rng.tensor<3>(3, 2, 2), {}, 1, 1, 0, 1, 1), "conv_transpose1d", "0");
}

// --- conv_transpose2d ---------------------------------------------------------------

TEST_CASE("conv_transpose2d: the checkerboard - overlaps of a 3x3 kernel at stride 2") {
    // A 4x4 input of ones, a 3x3 kernel of ones, stride 2: each output pixel is
    // the number of kernel copies that cover it, count(h) * count(w), where
    // count(p) is the number of (i, k) with 2*i + k == p.
    Transposed2d c;
    c.x = ones<4>({1, 1, 4, 4});
    c.weight = ones<4>({1, 1, 3, 3});
    c.stride = 2;
    Index count[9] = {};
    for (Index i = 0; i < 4; ++i)
        for (Index k = 0; k < 3; ++k) ++count[2 * i + k];
    Tensor4 expected(1, 1, 9, 9);
    for (Index h = 0; h < 9; ++h)
        for (Index w = 0; w < 9; ++w) expected(0, 0, h, w) = static_cast<float>(count[h] * count[w]);
    const Index first_row[9] = {1, 1, 2, 1, 2, 1, 2, 1, 1};  // the lesson's picture, checked with torch
    for (Index p = 0; p < 9; ++p) CHECK(count[p] == first_row[p]);
    CHECK_CLOSE(c.run(), expected, c.options());
}

TEST_CASE("conv_transpose2d: stride equal to the kernel tiles copies without overlap") {
    // x [1, 2, 2, 2] (C = 2), weight [2, 3, 2, 2] (OC = 3), stride 2: input
    // pixel (i, j) owns the 2x2 block at (2i, 2j) of every output channel.
    Rng rng(8201);
    Transposed2d c;
    c.x = rng.small_integers<4>(1, 2, 2, 2);
    c.weight = rng.small_integers<4>(2, 3, 2, 2);
    c.weight(0, 0, 0, 1) = 3;  // not symmetric, so that a flipped kernel shows
    c.weight(0, 0, 1, 0) = -2;
    c.bias = rng.small_integers<1>(3);
    c.stride = 2;
    Tensor4 expected(1, 3, 4, 4);
    for (Index o = 0; o < 3; ++o)
        for (Index i = 0; i < 2; ++i)
            for (Index j = 0; j < 2; ++j)
                for (Index a = 0; a < 2; ++a)
                    for (Index b = 0; b < 2; ++b) {
                        expected(0, o, 2 * i + a, 2 * j + b) = (*c.bias)(o) + c.x(0, 0, i, j) * c.weight(0, o, a, b) +
                                                               c.x(0, 1, i, j) * c.weight(1, o, a, b);
                    }
    CHECK_CLOSE(c.run(), expected, c.options());
}

TEST_CASE("conv_transpose2d: a one-row input is conv_transpose1d along the width") {
    Rng rng(8202);
    for (int trial = 0; trial < 10; ++trial) {
        const Transposed1d one = random_transposed<1>(rng);
        Transposed2d two;
        const Index N = one.x.dimension(0), C = one.x.dimension(1), L = one.in(0);
        two.x = one.x.reshape(Eigen::array<Index, 4>{N, C, 1, L});
        two.weight = one.weight.reshape(
            Eigen::array<Index, 4>{one.weight.dimension(0), one.weight.dimension(1), 1, one.kernel(0)});
        two.bias = one.bias;
        two.stride = Size2(rng.integer(1, 3), one.stride[0]);  // the height's stride has nothing to step over
        two.padding = Size2(0, one.padding[0]);
        two.output_padding = Size2(0, one.output_padding[0]);
        two.groups = one.groups;
        two.dilation = Size2(rng.integer(1, 3), one.dilation[0]);
        const Tensor3 expected = one.expected();
        CAPTURE(trial);
        CHECK_CLOSE(two.run(),
                    Tensor4(expected.reshape(Eigen::array<Index, 4>{N, one.out_channels(), 1, one.out(0)})),
                    two.options());
    }
}

TEST_CASE("conv_transpose2d: random calls against the reference") {
    Rng rng(8203);
    for (int trial = 0; trial < 50; ++trial) {
        const Transposed2d c = random_transposed<2>(rng);
        CAPTURE(trial);
        check_call(c);
    }
}

TEST_CASE("conv_transpose2d: the adjoint of conv2d - the dot-product test") {
    Rng rng(8204);
    TransposedRanges ranges;
    ranges.output_padding_below_stride = true;
    for (int trial = 0; trial < 30; ++trial) {
        const Transposed2d c = random_transposed<2>(rng, ranges);
        CAPTURE(trial);
        check_adjoint(c, rng);
    }
}

TEST_CASE("conv_transpose2d: PyTorch golden data") {
    CHECK(check_golden_transposed<2>() >= 100);
}

TEST_CASE("conv_transpose2d: refusals") {
    Rng rng(8205);
    const Tensor4 x = rng.tensor<4>(1, 3, 4, 4);
    const Tensor4 w = rng.tensor<4>(3, 2, 2, 2);  // C = 3, OC = 2
    const auto t = [&](const Tensor4& in, const Tensor4& weight, const OptionalBias& b, Size2 S, Size2 P, Size2 O,
                       Index G, Size2 D) { return ch::conv_transpose2d(in, weight, b, S, P, O, G, D); };
    // PyTorch: "output padding must be smaller than either stride or dilation,
    // but got output_padding_height: 2 output_padding_width: 1 ..."
    CHECK_REFUSES(t(x, w, {}, {1, 2}, 0, {2, 1}, 1, {2, 3}), "conv_transpose2d", "2");
    CHECK_REFUSES(t(x, w, {}, 2, 0, {0, 2}, 1, 1), "conv_transpose2d", "2");
    CHECK_REFUSES(t(x, w, {}, 1, {0, -1}, 0, 1, 1), "conv_transpose2d", "padding", "-1");
    CHECK_REFUSES(t(x, w, {}, 2, 0, {-1, 0}, 1, 1), "conv_transpose2d", "-1");
    CHECK_REFUSES(t(x, w, {}, {2, 0}, 0, 0, 1, 1), "conv_transpose2d", "stride", "0");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 0, 1, {0, 1}), "conv_transpose2d", "dilation", "0");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 0, 0, 1), "conv_transpose2d", "groups", "0");
    CHECK_REFUSES(t(x, rng.tensor<4>(4, 2, 2, 2), {}, 1, 0, 0, 1, 1), "conv_transpose2d", "4", "3");
    CHECK_REFUSES(t(x, w, {}, 1, 0, 0, 2, 1), "conv_transpose2d", "2", "3");
    CHECK_REFUSES(t(x, w, rng.tensor<1>(3), 1, 0, 0, 1, 1), "conv_transpose2d", "2", "3");
    // Height (1 - 1)*1 - 2*1 + (2 - 1) + 1 = 0.
    CHECK_REFUSES(t(rng.tensor<4>(1, 3, 1, 4), w, {}, 1, {1, 0}, 0, 1, 1), "conv_transpose2d", "0");
}

// --- conv_transpose1d_via_matrix ------------------------------------------------------

TEST_CASE("conv_transpose1d_via_matrix: the worked scatter example") {
    Transposed1d c;
    c.x = row({1, 2});
    c.weight = row({1, 10, 100});
    c.stride = 2;
    // A is the [2, 5] matrix of conv1d([1, 10, 100], stride 2) on a length-5 input:
    //   [1 10 100  0   0]
    //   [0  0   1 10 100]        A^T [1, 2] = [1, 10, 100 + 2, 20, 200]
    const SparseMatrix A = ref::conv_matrix1d(5, c.weight, 2);
    REQUIRE(A.rows() == 2);
    REQUIRE(A.cols() == 5);
    const float by_hand[2][5] = {{1, 10, 100, 0, 0}, {0, 0, 1, 10, 100}};
    for (Index r = 0; r < 2; ++r)
        for (Index p = 0; p < 5; ++p) REQUIRE(A.coeff(r, p) == by_hand[r][p]);
    Tensor3 expected(1, 1, 5);
    for (Index p = 0; p < 5; ++p) expected(0, 0, p) = A.coeff(0, p) * c.x(0, 0, 0) + A.coeff(1, p) * c.x(0, 0, 1);
    CHECK_CLOSE(via_matrix(c), expected, via_matrix_options(c));
}

TEST_CASE("conv_transpose1d_via_matrix: equals conv_transpose1d") {
    Rng rng(8301);
    for (int trial = 0; trial < 40; ++trial) {
        Transposed1d c = random_transposed<1>(rng);
        c.bias.reset();
        CAPTURE(trial);
        CHECK_CLOSE(via_matrix(c), c.expected(), via_matrix_options(c));
        // The two ways give one answer: the reference's.
        CheckOptions direct = c.options();
        direct.what += " (which conv_transpose1d_via_matrix must equal)";
        CHECK_CLOSE(c.run(), c.expected(), direct);
    }
}

TEST_CASE("conv_transpose1d_via_matrix: output_padding at or beyond the stride") {
    // stride 1, dilation 3, output_padding 2: the conv of the 8-long output has
    // 5 outputs, but x has 3. The two extra outputs are the ones x does not
    // have: they count as zeros.
    Transposed1d c;
    c.x = row({1, 2, 3});
    c.weight = row({1, 10});
    c.dilation = 3;
    c.output_padding = 2;
    CHECK_CLOSE(via_matrix(c), row({1, 2, 3, 10, 20, 30, 0, 0}), via_matrix_options(c));  // torch
    Rng rng(8302);
    Transposed1d d;
    d.x = rng.tensor<3>(2, 4, 5);
    d.weight = rng.tensor<3>(4, 3, 3);
    d.groups = 2;
    d.stride = 2;
    d.dilation = 4;
    d.output_padding = 3;
    d.padding = 1;
    CHECK_CLOSE(via_matrix(d), d.expected(), via_matrix_options(d));
}

TEST_CASE("conv_transpose1d_via_matrix: refusals") {
    Rng rng(8303);
    const Tensor3 x = rng.tensor<3>(1, 3, 5);
    const Tensor3 w = rng.tensor<3>(3, 2, 3);
    CHECK_REFUSES(ch::conv_transpose1d_via_matrix(x, w, 2, 0, 2), "conv_transpose1d_via_matrix", "2");
    CHECK_REFUSES(ch::conv_transpose1d_via_matrix(x, rng.tensor<3>(4, 2, 3)), "conv_transpose1d_via_matrix", "4",
                  "3");
    CHECK_REFUSES(ch::conv_transpose1d_via_matrix(x, w, 1, 0, 0, 2), "conv_transpose1d_via_matrix", "2", "3");
    CHECK_REFUSES(ch::conv_transpose1d_via_matrix(x, w, 1, -1), "conv_transpose1d_via_matrix", "-1");
    CHECK_REFUSES(ch::conv_transpose1d_via_matrix(x, w, 0), "conv_transpose1d_via_matrix", "0");
}
