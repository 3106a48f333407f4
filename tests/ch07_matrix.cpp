// Chapter 07 - conv as a matrix: weight sharing made visible.
#include "matrix.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch07;

namespace {

const std::string kLesson = "chapters/07_matrix/README.md";
const std::string kColumnMajor1d = "vec() in column-major order: x[c, l] at column l*C + c instead of c*L + l";
const std::string kColumnMajor2d =
    "vec() in column-major order: pixel (h, w) at column h + w*H instead of h*W + w (within each channel)";
const std::string kColumnMajorAt = kLesson + "#vec-in-column-major-order";
const std::string kClamped = "taps in the padding moved to the edge of the input instead of dropped";
const std::string kClampedAt = kLesson + "#taps-in-the-padding-moved-to-the-edge";
const std::string kNotSubtracted = "padding not subtracted: window i starts at i*stride instead of i*stride - padding";
const std::string kNotSubtractedAt = kLesson + "#padding-not-subtracted-from-the-window-start";
const std::string kRowsDropped = "padding rows dropped: the matrix of the unpadded input (too few output rows)";
const std::string kRowsDroppedAt = kLesson + "#padding-rows-dropped";
const std::string kOrder = "im2col rows in (kh, kw, c) order instead of (c, kh, kw)";
const std::string kOrderAt = kLesson + "#im2col-rows-in-kh-kw-c-order";
const std::string kTransposed = "im2col transposed: the windows as rows instead of columns";
const std::string kTransposedAt = kLesson + "#im2col-transposed-windows-as-rows";
const std::string kBias = "bias forgotten";
const std::string kBiasAt = kLesson + "#bias-forgotten";

// ------------------------------------------------------------ matrices ---

Tensor2 as_tensor(const Matrix& m) {
    Tensor2 t(m.rows(), m.cols());
    Eigen::Map<Matrix>(t.data(), m.rows(), m.cols()) = m;
    return t;
}

Tensor2 dense(const SparseMatrix& a) { return as_tensor(a.toDense()); }

// A mistaken matrix, made from the right one by moving (and adding up) its columns:
// column j goes to column to(j), or nowhere when to(j) < 0.
Matrix move_columns(const Matrix& a, Index columns, const std::function<Index(Index)>& to) {
    Matrix out = Matrix::Zero(a.rows(), columns);
    for (Index j = 0; j < a.cols(); ++j) {
        if (const Index t = to(j); t >= 0) out.col(t) += a.col(j);
    }
    return out;
}

Matrix move_rows(const Matrix& a, const std::function<Index(Index)>& to) {
    Matrix out = Matrix::Zero(a.rows(), a.cols());
    for (Index i = 0; i < a.rows(); ++i) out.row(to(i)) = a.row(i);
    return out;
}

// A * vec(x): the flat data of a row-major tensor is vec() of the lesson.
Eigen::VectorXf times(const SparseMatrix& a, const float* x, Index size) {
    return a * Eigen::Map<const Eigen::VectorXf>(x, size);
}

template <int R>
convkata::Tensor<R> shaped(const Eigen::VectorXf& v, const std::array<Index, R>& dims) {
    convkata::Tensor<R> t(dims);
    std::copy(v.data(), v.data() + v.size(), t.data());
    return t;
}

Index count_nonzero(const SparseMatrix& a) {
    Index n = 0;
    for (Index row = 0; row < a.outerSize(); ++row)
        for (SparseMatrix::InnerIterator it(a, row); it; ++it) n += it.value() != 0.0f;
    return n;
}

// "H_out = floor((5 + 2*1 - 2*(3-1) - 1) / 1) + 1 = 3"
std::string out_formula(const std::string& name, Index in, Index k, Index s, Index p, Index d) {
    std::ostringstream f;
    f << name << "_out = floor((" << in << " + 2*" << p << " - " << d << "*(" << k << "-1) - 1) / " << s
      << ") + 1 = " << output_size(in, k, s, p, d);
    return f.str();
}

// The mistakes that are a matrix of the right shape.
struct WrongMatrix {
    std::string name;
    std::string lesson;
    Matrix a;
};

std::vector<Mistake> as_mistakes(const std::vector<WrongMatrix>& wrong) {
    std::vector<Mistake> m;
    for (const WrongMatrix& w : wrong) m.push_back(mistake_output(w.name, w.lesson, as_tensor(w.a)));
    return m;
}

// ------------------------------------------------------ conv_matrix1d ---

Tensor3 nonzero_weights(Rng& rng, Index oc, Index c, Index k) {
    Tensor3 w = rng.tensor<3>(oc, c, k);
    for (Index i = 0; i < w.size(); ++i) w.data()[i] += w.data()[i] >= 0 ? 0.5f : -0.5f;  // no tap near zero
    return w;
}

struct Matrix1dCall {
    Index length = 1;
    Tensor3 weight;
    Index stride = 1, padding = 0, dilation = 1;

    Index out_channels() const { return weight.dimension(0); }
    Index channels() const { return weight.dimension(1); }
    Index kernel() const { return weight.dimension(2); }
    Index out() const { return output_size(length, kernel(), stride, padding, dilation); }

    SparseMatrix run() const { return ch::conv_matrix1d(length, weight, stride, padding, dilation); }
    Matrix expected() const { return ref::conv_matrix1d(length, weight, stride, padding, dilation).toDense(); }

    std::string describe() const {
        std::ostringstream d;
        d << "conv_matrix1d(length " << length << ", weight " << shape_string(weight);
        if (stride != 1) d << ", stride=" << stride;
        if (padding != 0) d << ", padding=" << padding;
        if (dilation != 1) d << ", dilation=" << dilation;
        d << ")";
        return d.str();
    }

    std::string shape_formula() const {
        std::ostringstream f;
        f << "A is [OC*L_out, C*L] = [" << out_channels() << "*" << out() << ", " << channels() << "*" << length
          << "]; " << out_formula("L", length, kernel(), stride, padding, dilation);
        return f.str();
    }

    std::vector<WrongMatrix> wrong() const {
        std::vector<WrongMatrix> w;
        const Index C = channels(), L = length;
        const Index columns = C * L;
        if (C > 1 && L > 1) {
            w.push_back({kColumnMajor1d, kColumnMajorAt,
                         move_columns(expected(), columns, [&](Index j) { return (j % L) * C + j / L; })});
        }
        if (padding > 0) {
            // The matrix of the padded input (padding 0), its columns then mapped onto the real input.
            const Index Lp = L + 2 * padding;
            const Matrix padded = ref::conv_matrix1d(Lp, weight, stride, 0, dilation).toDense();
            w.push_back({kClamped, kClampedAt, move_columns(padded, columns, [&](Index j) {
                             return (j / Lp) * L + std::clamp<Index>(j % Lp - padding, 0, L - 1);
                         })});
            w.push_back({kNotSubtracted, kNotSubtractedAt, move_columns(padded, columns, [&](Index j) {
                             return j % Lp < L ? (j / Lp) * L + j % Lp : -1;
                         })});
        }
        return w;
    }

    std::vector<Mistake> shape_mistakes() const {
        std::vector<Mistake> m;
        const Index unpadded = std::max<Index>(0, output_size(length, kernel(), stride, 0, dilation));
        if (unpadded != out()) {
            m.push_back(mistake_shape(kRowsDropped, kRowsDroppedAt, {out_channels() * unpadded, channels() * length}));
        }
        return m;
    }

    CheckOptions options() const {
        CheckOptions o;
        o.what = describe();
        o.shape_formula = shape_formula();
        o.mistakes = as_mistakes(wrong());
        for (Mistake& m : shape_mistakes()) o.mistakes.push_back(std::move(m));
        return o;
    }
};

Matrix1dCall random_matrix1d_call(Rng& rng, bool nonzero = false) {
    Matrix1dCall c;
    const Index OC = rng.integer(1, 3), C = rng.integer(1, 3), K = rng.integer(1, 4);
    c.stride = rng.integer(1, 3);
    c.padding = rng.integer(0, 2);
    c.dilation = rng.integer(1, 3);
    const Index needed = std::max<Index>(1, dilated_kernel_size(K, c.dilation) - 2 * c.padding);
    c.length = rng.integer(needed, std::max<Index>(needed, 12));
    c.weight = nonzero ? nonzero_weights(rng, OC, C, K) : rng.tensor<3>(OC, C, K);
    return c;
}

// A * vec(x) against conv1d, for x [C, L]. A matrix of the wrong shape is
// reported as such (it cannot multiply vec(x)).
void check_product(const Matrix1dCall& c, const Tensor2& x) {
    const SparseMatrix a = c.run();
    const Matrix right = c.expected();
    if (a.rows() != right.rows() || a.cols() != right.cols()) {
        CHECK_CLOSE(dense(a), as_tensor(right), c.options());
        return;
    }
    const Tensor2 expected = ref::conv1d(x, c.weight, {}, c.stride, c.padding, c.dilation);
    const std::array<Index, 2> dims{c.out_channels(), c.out()};
    CheckOptions o;
    o.what = "A * vec(x) for A = " + c.describe() + " and x " + shape_string(x) + ", against conv1d";
    o.shape_formula = c.shape_formula();
    o.magnitude = flat(Tensor2(ref::conv1d(Tensor2(x.abs()), Tensor3(c.weight.abs()), {}, c.stride, c.padding,
                                           c.dilation)));
    for (const WrongMatrix& w : c.wrong()) {
        const SparseMatrix wrong = w.a.sparseView();
        o.mistakes.push_back(mistake_output(w.name, w.lesson, shaped<2>(times(wrong, x.data(), x.size()), dims)));
    }
    CHECK_CLOSE(shaped<2>(times(a, x.data(), x.size()), dims), expected, o);
}

// ------------------------------------------------------ conv_matrix2d ---

struct Matrix2dCall {
    Index height = 1, width = 1;
    Tensor4 weight;
    Size2 stride = 1, padding = 0, dilation = 1;

    Index out_channels() const { return weight.dimension(0); }
    Index channels() const { return weight.dimension(1); }
    Index kernel(int d) const { return weight.dimension(2 + d); }
    Index in(int d) const { return d == 0 ? height : width; }
    Index out(int d) const { return output_size(in(d), kernel(d), stride[d], padding[d], dilation[d]); }

    SparseMatrix run() const { return ch::conv_matrix2d(height, width, weight, stride, padding, dilation); }
    Matrix expected() const {
        return ref::conv_matrix2d(height, width, weight, stride, padding, dilation).toDense();
    }

    std::string describe() const {
        std::ostringstream d;
        d << "conv_matrix2d(height " << height << ", width " << width << ", weight " << shape_string(weight);
        if (!(stride == Size2(1))) d << ", stride=" << stride.to_string();
        if (!(padding == Size2(0))) d << ", padding=" << padding.to_string();
        if (!(dilation == Size2(1))) d << ", dilation=" << dilation.to_string();
        d << ")";
        return d.str();
    }

    std::string shape_formula() const {
        std::ostringstream f;
        f << "A is [OC*H_out*W_out, C*H*W] = [" << out_channels() << "*" << out(0) << "*" << out(1) << ", "
          << channels() << "*" << height << "*" << width << "]; "
          << out_formula("H", height, kernel(0), stride[0], padding[0], dilation[0]) << "; "
          << out_formula("W", width, kernel(1), stride[1], padding[1], dilation[1]);
        return f.str();
    }

    std::vector<WrongMatrix> wrong() const {
        std::vector<WrongMatrix> w;
        const Index H = height, W = width, columns = channels() * H * W;
        if (H > 1 && W > 1) {
            w.push_back({kColumnMajor2d, kColumnMajorAt, move_columns(expected(), columns, [&](Index j) {
                             const Index c = j / (H * W), h = j / W % H, x = j % W;
                             return c * H * W + h + x * H;
                         })});
        }
        if (!(padding == Size2(0))) {
            const Index Hp = H + 2 * padding[0], Wp = W + 2 * padding[1];
            const Matrix padded = ref::conv_matrix2d(Hp, Wp, weight, stride, 0, dilation).toDense();
            w.push_back({kClamped, kClampedAt, move_columns(padded, columns, [&](Index j) {
                             const Index c = j / (Hp * Wp);
                             const Index h = std::clamp<Index>(j / Wp % Hp - padding[0], 0, H - 1);
                             const Index x = std::clamp<Index>(j % Wp - padding[1], 0, W - 1);
                             return (c * H + h) * W + x;
                         })});
            w.push_back({kNotSubtracted, kNotSubtractedAt, move_columns(padded, columns, [&](Index j) {
                             const Index c = j / (Hp * Wp), h = j / Wp % Hp, x = j % Wp;
                             return h < H && x < W ? (c * H + h) * W + x : -1;
                         })});
        }
        return w;
    }

    std::vector<Mistake> shape_mistakes() const {
        std::vector<Mistake> m;
        Index unpadded[2];
        for (int d = 0; d < 2; ++d) {
            unpadded[d] = std::max<Index>(0, output_size(in(d), kernel(d), stride[d], 0, dilation[d]));
        }
        if (unpadded[0] != out(0) || unpadded[1] != out(1)) {
            m.push_back(mistake_shape(kRowsDropped, kRowsDroppedAt,
                                      {out_channels() * unpadded[0] * unpadded[1], channels() * height * width}));
        }
        return m;
    }

    CheckOptions options() const {
        CheckOptions o;
        o.what = describe();
        o.shape_formula = shape_formula();
        o.mistakes = as_mistakes(wrong());
        for (Mistake& m : shape_mistakes()) o.mistakes.push_back(std::move(m));
        return o;
    }
};

Conv2dRanges chapter07_ranges(Index max_batch = 1) {
    Conv2dRanges r;
    r.max_batch = max_batch;
    r.max_size = 7;
    r.max_kernel = 3;
    r.max_dilation = 2;
    r.same_and_valid = false;  // this chapter's functions take amounts of padding
    r.max_groups = 1;
    return r;
}

Matrix2dCall matrix_call(const Conv2dCall& c) {
    return {c.x.dimension(2), c.x.dimension(3), c.weight, c.stride, c.padding.amount(), c.dilation};
}

// A * vec(x) against conv2d, for the first sample of the call (no bias).
void check_product(const Matrix2dCall& m, const Conv2dCall& call) {
    const SparseMatrix a = m.run();
    const Matrix right = m.expected();
    if (a.rows() != right.rows() || a.cols() != right.cols()) {
        CHECK_CLOSE(dense(a), as_tensor(right), m.options());
        return;
    }
    const Tensor3 x = call.x.chip(0, 0);
    Conv2dCall one = call;
    one.x = call.x.slice(Eigen::array<Index, 4>{0, 0, 0, 0},
                         Eigen::array<Index, 4>{1, m.channels(), m.height, m.width});
    one.bias.reset();
    CheckOptions o = one.options();
    o.what = "A * vec(x) for A = " + m.describe() + " and x " + shape_string(x) + ", against conv2d";
    const std::array<Index, 4> dims{1, m.out_channels(), m.out(0), m.out(1)};
    for (const WrongMatrix& w : m.wrong()) {
        const SparseMatrix wrong = w.a.sparseView();
        o.mistakes.push_back(mistake_output(w.name, w.lesson, shaped<4>(times(wrong, x.data(), x.size()), dims)));
    }
    CHECK_CLOSE(shaped<4>(times(a, x.data(), x.size()), dims), one.expected(), o);
}

// ------------------------------------------------------------- im2col ---

struct Im2colCall {
    Tensor3 x;  // [C, H, W]
    Size2 kernel = 1, stride = 1, padding = 0, dilation = 1;

    Index out(int d) const {
        return output_size(x.dimension(1 + d), kernel[d], stride[d], padding[d], dilation[d]);
    }
    Matrix run() const { return ch::im2col(x, kernel, stride, padding, dilation); }
    Matrix expected() const { return ref::im2col(x, kernel, stride, padding, dilation); }

    std::string describe() const {
        std::ostringstream d;
        d << "im2col(x " << shape_string(x) << ", kernel=" << kernel.to_string();
        if (!(stride == Size2(1))) d << ", stride=" << stride.to_string();
        if (!(padding == Size2(0))) d << ", padding=" << padding.to_string();
        if (!(dilation == Size2(1))) d << ", dilation=" << dilation.to_string();
        d << ")";
        return d.str();
    }

    // The wrong row order, as a matrix (the transposed result is a shape, or
    // a transpose when the matrix is square).
    Matrix wrong_order() const {
        const Index C = x.dimension(0), KK = kernel[0] * kernel[1];
        return move_rows(expected(), [&](Index row) { return (row % KK) * C + row / KK; });
    }

    CheckOptions options() const {
        CheckOptions o;
        o.what = describe();
        const Index C = x.dimension(0), rows = C * kernel[0] * kernel[1], columns = out(0) * out(1);
        std::ostringstream f;
        f << "[C*KH*KW, H_out*W_out] = [" << C << "*" << kernel[0] << "*" << kernel[1] << ", " << out(0) << "*"
          << out(1) << "]; " << out_formula("H", x.dimension(1), kernel[0], stride[0], padding[0], dilation[0])
          << "; " << out_formula("W", x.dimension(2), kernel[1], stride[1], padding[1], dilation[1]);
        o.shape_formula = f.str();
        if (C > 1 && kernel[0] * kernel[1] > 1) {
            o.mistakes.push_back(mistake_output(kOrder, kOrderAt, as_tensor(wrong_order())));
        }
        if (rows == columns) {
            o.mistakes.push_back(mistake_output(kTransposed, kTransposedAt, as_tensor(expected().transpose())));
        } else {
            o.mistakes.push_back(mistake_shape(kTransposed, kTransposedAt, {columns, rows}));
        }
        return o;
    }
};

Im2colCall im2col_call(const Conv2dCall& c) {
    return {c.x.chip(0, 0), Size2(c.weight.dimension(2), c.weight.dimension(3)), c.stride, c.padding.amount(),
            c.dilation};
}

// ------------------------------------------------------ conv2d_im2col ---

Tensor4 run(const Conv2dCall& c) {
    return ch::conv2d_im2col(c.x, c.weight, c.bias, c.stride, c.padding.amount(), c.dilation);
}

// The weight a (kh, kw, c) row order in im2col amounts to: the weight's
// memory read as [OC, KH, KW, C].
Tensor4 weight_for_kh_kw_c(const Tensor4& w) {
    const Index OC = w.dimension(0), C = w.dimension(1), KH = w.dimension(2), KW = w.dimension(3);
    return w.reshape(Eigen::array<Index, 4>{OC, KH, KW, C}).shuffle(Eigen::array<int, 4>{0, 3, 1, 2});
}

CheckOptions conv_options(const Conv2dCall& c) {
    CheckOptions o = c.options("conv2d_im2col");
    if (c.bias) {
        Conv2dCall no_bias = c;
        no_bias.bias.reset();
        o.mistakes.push_back(mistake_output(kBias, kBiasAt, no_bias.expected()));
    }
    if (c.weight.dimension(1) > 1 && c.weight.dimension(2) * c.weight.dimension(3) > 1) {
        Conv2dCall reordered = c;
        reordered.weight = weight_for_kh_kw_c(c.weight);
        o.mistakes.push_back(mistake_output(kOrder, kOrderAt, reordered.expected()));
    }
    return o;
}

}  // namespace

// ================================================================ 1-D ===

TEST_CASE("conv_matrix1d: L=5 K=3 by hand - rows are shifted copies of the kernel") {
    const float w0 = 1, w1 = 2, w2 = 3;
    Tensor3 w(1, 1, 3);
    w.setValues({{{w0, w1, w2}}});
    Tensor2 expected(3, 5);  // y[i] = w0*x[i] + w1*x[i+1] + w2*x[i+2]
    expected.setValues({{w0, w1, w2, 0, 0},
                        {0, w0, w1, w2, 0},
                        {0, 0, w0, w1, w2}});
    const Matrix1dCall c{5, w};
    CHECK_CLOSE(dense(c.run()), expected, c.options());
}

TEST_CASE("conv_matrix1d: stride 2 by hand - each copy moves two columns") {
    const float w0 = 1, w1 = 2, w2 = 3;
    Tensor3 w(1, 1, 3);
    w.setValues({{{w0, w1, w2}}});
    Tensor2 expected(3, 7);  // y[i] = w0*x[2i] + w1*x[2i+1] + w2*x[2i+2]
    expected.setValues({{w0, w1, w2, 0, 0, 0, 0},
                        {0, 0, w0, w1, w2, 0, 0},
                        {0, 0, 0, 0, w0, w1, w2}});
    const Matrix1dCall c{7, w, 2};
    CHECK_CLOSE(dense(c.run()), expected, c.options());
}

TEST_CASE("conv_matrix1d: padding 1 by hand - the taps that land in the padding are dropped") {
    const float w0 = 1, w1 = 2, w2 = 3;
    Tensor3 w(1, 1, 3);
    w.setValues({{{w0, w1, w2}}});
    Tensor2 expected(5, 5);  // y[i] = w0*x[i-1] + w1*x[i] + w2*x[i+1], x[-1] = x[5] = 0
    expected.setValues({{w1, w2, 0, 0, 0},
                        {w0, w1, w2, 0, 0},
                        {0, w0, w1, w2, 0},
                        {0, 0, w0, w1, w2},
                        {0, 0, 0, w0, w1}});
    const Matrix1dCall c{5, w, 1, 1};
    CHECK_CLOSE(dense(c.run()), expected, c.options());
}

TEST_CASE("conv_matrix1d: dilation 2 by hand - gaps inside every row") {
    const float w0 = 1, w1 = 2, w2 = 3;
    Tensor3 w(1, 1, 3);
    w.setValues({{{w0, w1, w2}}});
    Tensor2 dilated(2, 6);  // y[i] = w0*x[i] + w1*x[i+2] + w2*x[i+4]
    dilated.setValues({{w0, 0, w1, 0, w2, 0},
                       {0, w0, 0, w1, 0, w2}});
    const Matrix1dCall c{6, w, 1, 0, 2};
    CHECK_CLOSE(dense(c.run()), dilated, c.options());

    // All three: y[i] = w0*x[2i-1] + w1*x[2i+1] + w2*x[2i+3], x[-1] = x[7] = 0
    Tensor2 all(2, 6);
    all.setValues({{0, w1, 0, w2, 0, 0},
                   {0, w0, 0, w1, 0, w2}});
    const Matrix1dCall c2{6, w, 2, 1, 2};
    CHECK_CLOSE(dense(c2.run()), all, c2.options());
}

TEST_CASE("conv_matrix1d: two channels in and out by hand - one block per channel pair") {
    // C = 2, OC = 2, L = 3, K = 2: rows (o, i) = o*2 + i, columns (c, l) = c*3 + l.
    Tensor3 w(2, 2, 2);
    w.setValues({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
    auto W = [&](Index o, Index c, Index k) { return w(o, c, k); };
    Tensor2 expected(4, 6);
    //                      x[0,0]     x[0,1]     x[0,2]     x[1,0]     x[1,1]     x[1,2]
    expected.setValues({{W(0, 0, 0), W(0, 0, 1), 0,          W(0, 1, 0), W(0, 1, 1), 0},            // y[0,0]
                        {0,          W(0, 0, 0), W(0, 0, 1), 0,          W(0, 1, 0), W(0, 1, 1)},   // y[0,1]
                        {W(1, 0, 0), W(1, 0, 1), 0,          W(1, 1, 0), W(1, 1, 1), 0},            // y[1,0]
                        {0,          W(1, 0, 0), W(1, 0, 1), 0,          W(1, 1, 0), W(1, 1, 1)}}); // y[1,1]
    const Matrix1dCall c{3, w};
    CHECK_CLOSE(dense(c.run()), expected, c.options());
}

TEST_CASE("conv_matrix1d: A times vec(x) equals conv1d - random shapes") {
    Rng rng(701);
    for (int trial = 0; trial < 40; ++trial) {
        const Matrix1dCall c = random_matrix1d_call(rng);
        const Tensor2 x = rng.tensor<2>(c.channels(), c.length);
        CAPTURE(trial);
        check_product(c, x);
    }
}

TEST_CASE("conv_matrix1d: equals the reference matrix entry by entry - random shapes") {
    Rng rng(702);
    for (int trial = 0; trial < 40; ++trial) {
        const Matrix1dCall c = random_matrix1d_call(rng);
        CAPTURE(trial);
        CHECK_CLOSE(dense(c.run()), as_tensor(c.expected()), c.options());
    }
}

TEST_CASE("conv_matrix1d: non-zeros are OC*C*K per output minus the taps in the padding") {
    Rng rng(703);
    for (int trial = 0; trial < 30; ++trial) {
        const Matrix1dCall c = random_matrix1d_call(rng, /*nonzero=*/true);
        CAPTURE(trial);
        INFO(c.describe());
        const SparseMatrix a = c.run();
        Index inside = 0;  // taps of all windows that land on the input, not in the padding
        for (Index i = 0; i < c.out(); ++i) {
            for (Index k = 0; k < c.kernel(); ++k) {
                const Index l = i * c.stride + k * c.dilation - c.padding;
                inside += 0 <= l && l < c.length;
            }
        }
        const Index expected = c.out_channels() * c.channels() * inside;
        CHECK(count_nonzero(a) == expected);
        INFO("entries stored: a tap in the padding has no entry, not an entry 0");
        CHECK(a.nonZeros() == expected);
        if (c.padding == 0) CHECK(expected == c.out_channels() * c.channels() * c.kernel() * c.out());
    }
}

TEST_CASE("conv_matrix1d: dense - locally connected - conv - the weights of the same map") {
    // nn.Conv1d(3, 8, 5) on L = 100 (checked with torch's Jacobians): A has 230,400 entries (a dense
    // layer's weights), 11,520 non-zeros (a locally connected layer's) and 120 different numbers
    // (the conv's), each of them in A L_out = 96 times.
    Rng rng(705);
    const Index C = 3, OC = 8, K = 5, L = 100, L_out = L - K + 1;
    const Matrix1dCall c{L, rng.tensor<3>(OC, C, K)};
    const SparseMatrix a = c.run();
    CHECK(a.rows() * a.cols() == OC * L_out * C * L);
    CHECK(a.rows() * a.cols() == 230400);
    CHECK(count_nonzero(a) == OC * L_out * C * K);
    CHECK(count_nonzero(a) == 11520);
    std::map<float, Index> copies;  // how often each number of A appears
    for (Index r = 0; r < a.outerSize(); ++r)
        for (SparseMatrix::InnerIterator it(a, r); it; ++it)
            if (it.value() != 0.0f) ++copies[it.value()];
    CHECK(static_cast<Index>(copies.size()) == OC * C * K);  // 120
    for (Index i = 0; i < c.weight.size(); ++i) {
        const auto found = copies.find(c.weight.data()[i]);
        INFO("weight element ", i, " = ", c.weight.data()[i], " appears once per output position");
        CHECK((found != copies.end() && found->second == L_out));
    }
}

TEST_CASE("conv_matrix1d: refuses sizes below 1 - bad stride padding dilation - a kernel that does not fit") {
    Rng rng(704);
    const Tensor3 w = rng.tensor<3>(2, 3, 3);
    CHECK_REFUSES(ch::conv_matrix1d(0, w), "conv_matrix1d", "0");
    CHECK_REFUSES(ch::conv_matrix1d(8, Tensor3(2, 3, 0)), "conv_matrix1d", "0");
    CHECK_REFUSES(ch::conv_matrix1d(8, Tensor3(0, 3, 3)), "conv_matrix1d", "0");
    CHECK_REFUSES(ch::conv_matrix1d(8, w, 0), "conv_matrix1d", "0");
    CHECK_REFUSES(ch::conv_matrix1d(8, w, 1, -1), "conv_matrix1d", "-1");
    CHECK_REFUSES(ch::conv_matrix1d(8, w, 1, 0, 0), "conv_matrix1d", "0");
    CHECK_REFUSES(ch::conv_matrix1d(2, w), "conv_matrix1d", "3", "2");           // K = 3 > L = 2
    CHECK_REFUSES(ch::conv_matrix1d(4, w, 1, 0, 2), "conv_matrix1d", "5", "4");  // reach 2*(3-1)+1 = 5 > 4
    // ... but a kernel that fits once padded is fine: L_out = (2 + 2 - 3)/1 + 1 = 2.
    CHECK_NOTHROW(ch::conv_matrix1d(2, w, 1, 1));
}

// ================================================================ 2-D ===

TEST_CASE("conv_matrix2d: a 3x3 image and a 2x2 kernel by hand - a 4x9 matrix") {
    const float a = 1, b = 2, c = 3, d = 4;  // the kernel [[a, b], [c, d]]
    Tensor4 w(1, 1, 2, 2);
    w.setValues({{{{a, b}, {c, d}}}});
    // Columns: pixels (h, w) row by row; rows: outputs (oh, ow) row by row.
    // y[oh, ow] = a*x[oh, ow] + b*x[oh, ow+1] + c*x[oh+1, ow] + d*x[oh+1, ow+1]
    Tensor2 expected(4, 9);
    //                  (0,0) (0,1) (0,2) (1,0) (1,1) (1,2) (2,0) (2,1) (2,2)
    expected.setValues({{a,    b,    0,    c,    d,    0,    0,    0,    0},    // y[0, 0]
                        {0,    a,    b,    0,    c,    d,    0,    0,    0},    // y[0, 1]
                        {0,    0,    0,    a,    b,    0,    c,    d,    0},    // y[1, 0]
                        {0,    0,    0,    0,    a,    b,    0,    c,    d}});  // y[1, 1]
    const Matrix2dCall m{3, 3, w};
    CHECK_CLOSE(dense(m.run()), expected, m.options());
}

TEST_CASE("conv_matrix2d: padding 1 by hand - a 2x2 image and a 3x3 kernel") {
    Tensor4 w(1, 1, 3, 3);
    w.setValues({{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}});
    auto k = [&](Index kh, Index kw) { return w(0, 0, kh, kw); };
    // Output (oh, ow) reads pixel (oh + kh - 1, ow + kw - 1): only 4 of the 9 taps land on the image.
    Tensor2 expected(4, 4);
    //                  (0,0)     (0,1)     (1,0)     (1,1)
    expected.setValues({{k(1, 1), k(1, 2), k(2, 1), k(2, 2)},   // y[0, 0]
                        {k(1, 0), k(1, 1), k(2, 0), k(2, 1)},   // y[0, 1]
                        {k(0, 1), k(0, 2), k(1, 1), k(1, 2)},   // y[1, 0]
                        {k(0, 0), k(0, 1), k(1, 0), k(1, 1)}}); // y[1, 1]
    const Matrix2dCall m{2, 2, w, 1, 1};
    CHECK_CLOSE(dense(m.run()), expected, m.options());
}

TEST_CASE("conv_matrix2d: A times vec(x) equals conv2d - random shapes") {
    Rng rng(711);
    for (int trial = 0; trial < 30; ++trial) {
        Conv2dCall call = random_conv2d_call(rng, chapter07_ranges());
        CAPTURE(trial);
        check_product(matrix_call(call), call);
    }
}

TEST_CASE("conv_matrix2d: equals the reference matrix entry by entry - random shapes") {
    Rng rng(712);
    for (int trial = 0; trial < 30; ++trial) {
        const Matrix2dCall m = matrix_call(random_conv2d_call(rng, chapter07_ranges()));
        CAPTURE(trial);
        CHECK_CLOSE(dense(m.run()), as_tensor(m.expected()), m.options());
    }
}

TEST_CASE("conv_matrix2d: non-zeros are OC*C*KH*KW per output minus the taps in the padding") {
    Rng rng(713);
    for (int trial = 0; trial < 30; ++trial) {
        Matrix2dCall m = matrix_call(random_conv2d_call(rng, chapter07_ranges()));
        Tensor4 w = m.weight;
        for (Index i = 0; i < w.size(); ++i) w.data()[i] += w.data()[i] >= 0 ? 0.5f : -0.5f;  // no tap near zero
        m.weight = w;
        CAPTURE(trial);
        INFO(m.describe());
        const SparseMatrix a = m.run();
        // Along each dimension, count the (output, tap) pairs that land on the image; a 2-D
        // tap lands on it when it does along both, so the counts multiply.
        Index inside[2] = {0, 0};
        for (int d = 0; d < 2; ++d)
            for (Index i = 0; i < m.out(d); ++i)
                for (Index k = 0; k < m.kernel(d); ++k) {
                    const Index at = i * m.stride[d] + k * m.dilation[d] - m.padding[d];
                    inside[d] += 0 <= at && at < m.in(d);
                }
        const Index expected = m.out_channels() * m.channels() * inside[0] * inside[1];
        CHECK(count_nonzero(a) == expected);
        INFO("entries stored: a tap in the padding has no entry, not an entry 0");
        CHECK(a.nonZeros() == expected);
    }
}

TEST_CASE("conv_matrix2d: refuses sizes below 1 - bad stride padding dilation - a kernel that does not fit") {
    Rng rng(714);
    const Tensor4 w = rng.tensor<4>(2, 3, 3, 2);
    CHECK_REFUSES(ch::conv_matrix2d(0, 5, w), "conv_matrix2d", "0");
    CHECK_REFUSES(ch::conv_matrix2d(5, 0, w), "conv_matrix2d", "0");
    CHECK_REFUSES(ch::conv_matrix2d(5, 5, Tensor4(2, 3, 3, 0)), "conv_matrix2d", "0");
    CHECK_REFUSES(ch::conv_matrix2d(5, 5, w, {1, 0}), "conv_matrix2d", "0");
    CHECK_REFUSES(ch::conv_matrix2d(5, 5, w, 1, {0, -1}), "conv_matrix2d", "-1");
    CHECK_REFUSES(ch::conv_matrix2d(5, 5, w, 1, 0, {0, 1}), "conv_matrix2d", "0");
    CHECK_REFUSES(ch::conv_matrix2d(5, 1, w), "conv_matrix2d", "2", "1");                // KW = 2 > W = 1
    CHECK_REFUSES(ch::conv_matrix2d(4, 5, w, 1, 0, {2, 1}), "conv_matrix2d", "5", "4");  // reach 5 > H = 4
    CHECK_NOTHROW(ch::conv_matrix2d(1, 1, w, 1, 1));  // fits once padded: 3 <= 1 + 2
}

// ============================================================= im2col ===

TEST_CASE("im2col: a 1x3x3 image and a 2x2 kernel by hand - a 4x4 matrix") {
    Tensor3 x(1, 3, 3);
    x.setValues({{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}});
    // Row (kh, kw), column (oh, ow): the element that tap (kh, kw) meets in window (oh, ow).
    Tensor2 expected(4, 4);
    for (Index kh = 0; kh < 2; ++kh)
        for (Index kw = 0; kw < 2; ++kw)
            for (Index oh = 0; oh < 2; ++oh)
                for (Index ow = 0; ow < 2; ++ow) expected(kh * 2 + kw, oh * 2 + ow) = x(0, oh + kh, ow + kw);
    // Which is (each column a window; symmetric by chance, so the next case uses two channels):
    //   1 2 4 5
    //   2 3 5 6
    //   4 5 7 8
    //   5 6 8 9
    CHECK(expected(0, 3) == 5);
    const Im2colCall c{x, 2};
    CHECK_CLOSE(as_tensor(c.run()), expected, c.options());
}

TEST_CASE("im2col: two channels by hand - rows in (c kh kw) order and columns in (oh ow) order") {
    Tensor3 x(2, 3, 4);  // x[c, h, w] = 1 + 12c + 4h + w
    for (Index c = 0; c < 2; ++c)
        for (Index h = 0; h < 3; ++h)
            for (Index w = 0; w < 4; ++w) x(c, h, w) = static_cast<float>(1 + 12 * c + 4 * h + w);
    const Im2colCall call{x, 2};  // H_out = 2, W_out = 3: 8 rows, 6 columns
    Tensor2 expected(8, 6);
    for (Index c = 0; c < 2; ++c)
        for (Index kh = 0; kh < 2; ++kh)
            for (Index kw = 0; kw < 2; ++kw)
                for (Index oh = 0; oh < 2; ++oh)
                    for (Index ow = 0; ow < 3; ++ow)
                        expected((c * 2 + kh) * 2 + kw, oh * 3 + ow) = x(c, oh + kh, ow + kw);
    const Matrix got = call.run();
    CHECK_CLOSE(as_tensor(got), expected, call.options());
    if (got.rows() == 8 && got.cols() == 6) {
        // Column 0 is window (0, 0): channel 0 first, then channel 1, each read row by row.
        Tensor1 window(8), column(8);
        window.setValues({1, 2, 5, 6, 13, 14, 17, 18});
        for (Index row = 0; row < 8; ++row) column(row) = got(row, 0);
        CheckOptions o;
        o.what = "column 0 of " + call.describe() + ", the window of output (0, 0)";
        CHECK_CLOSE(column, window, o);
    }
}

TEST_CASE("im2col: padding 1 by hand - windows that overhang read zeros") {
    Tensor3 x(1, 3, 3);
    x.setValues({{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}});
    const Im2colCall c{x, 2, 1, 1};  // H_out = W_out = floor((3 + 2 - 2) / 1) + 1 = 4
    Tensor2 expected(4, 16);
    // Tap (kh, kw) of window (oh, ow) reads x[oh + kh - 1, ow + kw - 1], or 0 in the padding.
    expected.setValues({{0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9},
                        {0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0},
                        {0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0},
                        {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0}});
    CHECK_CLOSE(as_tensor(c.run()), expected, c.options());
}

TEST_CASE("im2col: equals the reference - random shapes with stride padding and dilation") {
    Rng rng(721);
    for (int trial = 0; trial < 40; ++trial) {
        const Im2colCall c = im2col_call(random_conv2d_call(rng, chapter07_ranges()));
        CAPTURE(trial);
        CHECK_CLOSE(as_tensor(c.run()), as_tensor(c.expected()), c.options());
    }
}

TEST_CASE("im2col: the weight rows times im2col equal the direct conv2d") {
    Rng rng(722);
    for (int trial = 0; trial < 30; ++trial) {
        Conv2dCall call = random_conv2d_call(rng, chapter07_ranges());
        call.bias.reset();
        const Im2colCall c = im2col_call(call);
        CAPTURE(trial);
        const Matrix columns = c.run();
        const Index OC = call.weight.dimension(0), rows = call.weight.size() / OC;
        if (columns.rows() != rows || columns.cols() != c.out(0) * c.out(1)) {
            CHECK_CLOSE(as_tensor(columns), as_tensor(c.expected()), c.options());
            continue;
        }
        const Eigen::Map<const Matrix> weight(call.weight.data(), OC, rows);
        const Matrix product = weight * columns;  // [OC, H_out*W_out]
        const std::array<Index, 4> dims{1, OC, c.out(0), c.out(1)};
        CheckOptions o = call.options();
        o.what = "weight [OC, C*KH*KW] times " + c.describe() + ", against conv2d";
        if (call.weight.dimension(1) > 1 && c.kernel[0] * c.kernel[1] > 1) {
            const Matrix wrong = weight * c.wrong_order();
            o.mistakes.push_back(mistake_output(kOrder, kOrderAt, shaped<4>(wrong.reshaped<Eigen::RowMajor>(), dims)));
        }
        CHECK_CLOSE(shaped<4>(product.reshaped<Eigen::RowMajor>(), dims), call.expected(), o);
    }
}

TEST_CASE("im2col: refuses sizes below 1 - bad stride padding dilation - a kernel that does not fit") {
    Rng rng(723);
    const Tensor3 x = rng.tensor<3>(2, 3, 3);
    CHECK_REFUSES(ch::im2col(x, {0, 2}), "im2col", "0");
    CHECK_REFUSES(ch::im2col(Tensor3(0, 3, 3), 2), "im2col", "0");
    CHECK_REFUSES(ch::im2col(x, 2, {0, 1}), "im2col", "0");
    CHECK_REFUSES(ch::im2col(x, 2, 1, {-1, 0}), "im2col", "-1");
    CHECK_REFUSES(ch::im2col(x, 2, 1, 0, {1, 0}), "im2col", "0");
    CHECK_REFUSES(ch::im2col(x, {4, 2}), "im2col", "4", "3");     // KH = 4 > H = 3
    CHECK_REFUSES(ch::im2col(x, 2, 1, 0, 3), "im2col", "4", "3");  // reach 3*(2-1)+1 = 4 > 3
    CHECK_NOTHROW(ch::im2col(x, 5, 1, 1));                         // fits once padded: 5 <= 3 + 2
}

// ====================================================== conv2d_im2col ===

TEST_CASE("conv2d_im2col: equals conv2d - random shapes with stride padding dilation and bias") {
    Rng rng(731);
    for (int trial = 0; trial < 40; ++trial) {
        const Conv2dCall c = random_conv2d_call(rng, chapter07_ranges(2));
        CAPTURE(trial);
        CHECK_CLOSE(run(c), c.expected(), conv_options(c));
    }
}

TEST_CASE("conv2d_im2col: PyTorch golden data with one group") {
    Conv2dRanges groups1;
    groups1.max_stride = groups1.max_padding = groups1.max_dilation = 100;  // everything but groups and words
    groups1.same_and_valid = false;
    groups1.max_groups = 1;
    const auto checked = check_golden_conv2d(groups1, [](const Conv2dCall& c) { return run(c); }, conv_options);
    CHECK(checked.size() >= 70);
}

TEST_CASE("conv2d_im2col: equals A times vec(x) with the matrix of your conv_matrix2d") {
    // Two views of one linear map: one GEMM with the weight rows, one sparse matrix-vector product.
    Rng rng(732);
    for (int trial = 0; trial < 20; ++trial) {
        Conv2dCall c = random_conv2d_call(rng, chapter07_ranges());
        c.bias.reset();
        const Matrix2dCall m = matrix_call(c);
        CAPTURE(trial);
        const Tensor4 y = run(c);
        const SparseMatrix a = m.run();
        const Tensor3 x = c.x.chip(0, 0);
        REQUIRE(a.cols() == x.size());
        REQUIRE(a.rows() == y.size());
        CheckOptions o = c.options("conv2d_im2col");
        o.what += " against A * vec(x) for A = " + m.describe();
        CHECK_CLOSE(y, shaped<4>(times(a, x.data(), x.size()), {1, m.out_channels(), m.out(0), m.out(1)}), o);
    }
}

TEST_CASE("conv2d_im2col: refuses mismatched channels - a wrong bias - a kernel that does not fit") {
    Rng rng(733);
    const Tensor4 x = rng.tensor<4>(1, 3, 5, 5);
    const Tensor4 w = rng.tensor<4>(2, 3, 3, 3);
    CHECK_REFUSES(ch::conv2d_im2col(x, rng.tensor<4>(2, 4, 3, 3)), "conv2d_im2col", "3", "4");
    CHECK_REFUSES(ch::conv2d_im2col(x, w, rng.tensor<1>(5)), "conv2d_im2col", "2", "5");
    CHECK_REFUSES(ch::conv2d_im2col(x, rng.tensor<4>(2, 3, 6, 3)), "conv2d_im2col", "6", "5");
    CHECK_REFUSES(ch::conv2d_im2col(x, w, {}, {0, 1}), "conv2d_im2col", "0");
    CHECK_REFUSES(ch::conv2d_im2col(x, w, {}, 1, {-1, 0}), "conv2d_im2col", "-1");
    CHECK_REFUSES(ch::conv2d_im2col(x, w, {}, 1, 0, {1, 0}), "conv2d_im2col", "0");
    CHECK_REFUSES(ch::conv2d_im2col(x, w, {}, 1, 0, 3), "conv2d_im2col", "7", "5");  // reach 3*(3-1)+1 = 7 > 5
    // An empty batch is checked too: there is no sample to find the mistake in later.
    CHECK_REFUSES(ch::conv2d_im2col(Tensor4(0, 3, 5, 5), rng.tensor<4>(2, 4, 3, 3)), "conv2d_im2col", "3", "4");
}
