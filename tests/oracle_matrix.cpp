// The reference's matrix views of a convolution checked against its direct
// computation: the conv matrix A, im2col/col2im, and the transposed
// convolution as A^T and as the adjoint.
#include "kata_test.hpp"

using namespace convkata;
using kata::Rng;

namespace {

// vec(): the row-major flat data of a tensor, as an Eigen vector.
template <int R>
Eigen::VectorXf vec(const Tensor<R>& t) {
    return Eigen::Map<const Eigen::VectorXf>(t.data(), t.size());
}

template <int R>
double dot(const Tensor<R>& a, const Tensor<R>& b) {
    return vec(a).template cast<double>().dot(vec(b).template cast<double>());
}

double sum_abs_products(const Eigen::VectorXf& a, const Eigen::VectorXf& b) {
    return a.cwiseAbs().cast<double>().dot(b.cwiseAbs().cast<double>());
}

// <conv(z), x> == <z, conv_transpose(x)>, to the tolerance policy of check.hpp.
void check_adjoint(double conv_side, double transpose_side, double magnitude) {
    INFO("<conv(z), x> = ", conv_side, "  <z, conv_transpose(x)> = ", transpose_side);
    CHECK(std::fabs(conv_side - transpose_side) <= kata::kRelativeTolerance * magnitude + kata::kAbsoluteTolerance);
}

}  // namespace

TEST_CASE("conv_matrix1d times vec(x) is conv1d - with stride padding dilation and groups") {
    Rng rng(7101);
    for (int trial = 0; trial < 40; ++trial) {
        kata::Conv1dRanges ranges;
        ranges.max_batch = 1;
        ranges.max_channels = 4;
        ranges.max_out_channels = 4;
        ranges.max_stride = 3;
        ranges.max_padding = 2;
        ranges.max_dilation = 3;
        ranges.max_groups = 2;
        kata::Conv1dCall c = kata::random_conv1d_call(rng, ranges);
        c.bias.reset();
        CAPTURE(trial);
        const Index padding = c.padding.is_amount() ? c.padding.amount() : 0;
        c.padding = padding;
        const SparseMatrix a =
            ref::conv_matrix1d(c.x.dimension(2), c.weight, c.stride, padding, c.dilation, c.groups);
        const Tensor3 y = c.expected();
        const Eigen::VectorXf ay = a * vec(c.x);
        REQUIRE(ay.size() == y.size());
        Tensor3 from_matrix(y.dimensions());
        Eigen::Map<Eigen::VectorXf>(from_matrix.data(), from_matrix.size()) = ay;
        CHECK_CLOSE(from_matrix, y, c.options());
    }
}

TEST_CASE("conv_matrix2d times vec(x) is conv2d - and its non-zeros are the taps inside the image") {
    Rng rng(7102);
    for (int trial = 0; trial < 30; ++trial) {
        kata::Conv2dRanges ranges;
        ranges.max_batch = 1;
        ranges.same_and_valid = false;
        ranges.max_groups = 2;
        ranges.max_channels = 4;
        ranges.max_out_channels = 4;
        kata::Conv2dCall c = kata::random_conv2d_call(rng, ranges);
        c.bias.reset();
        CAPTURE(trial);
        const SparseMatrix a = ref::conv_matrix2d(c.x.dimension(2), c.x.dimension(3), c.weight, c.stride,
                                                  c.padding.amount(), c.dilation, c.groups);
        const Tensor4 y = c.expected();
        Tensor4 from_matrix(y.dimensions());
        Eigen::Map<Eigen::VectorXf>(from_matrix.data(), from_matrix.size()) = a * vec(c.x);
        CHECK_CLOSE(from_matrix, y, c.options());
        // With all-ones weights, conv of all-ones counts the taps inside the image.
        Tensor4 ones_w(c.weight.dimensions()), ones_x(c.x.dimensions());
        ones_w.setConstant(1.0f);
        ones_x.setConstant(1.0f);
        const Tensor4 taps = ref::conv2d(ones_x, ones_w, {}, c.stride, c.padding, c.dilation, c.groups);
        Index inside = 0;
        for (Index i = 0; i < taps.size(); ++i) inside += static_cast<Index>(taps.data()[i]);
        Index nonzero_weights = 0;
        for (Index i = 0; i < c.weight.size(); ++i) nonzero_weights += c.weight.data()[i] != 0.0f;
        if (nonzero_weights == c.weight.size()) CHECK(a.nonZeros() == inside);
    }
}

TEST_CASE("im2col reads windows in (c kh kw) rows and (oh ow) columns - col2im is its adjoint") {
    Tensor3 x(2, 3, 3);
    for (Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(i + 1);
    const Matrix cols = ref::im2col(x, 2);
    REQUIRE(cols.rows() == 2 * 2 * 2);
    REQUIRE(cols.cols() == 2 * 2);
    for (Index c = 0; c < 2; ++c)
        for (Index kh = 0; kh < 2; ++kh)
            for (Index kw = 0; kw < 2; ++kw)
                for (Index oh = 0; oh < 2; ++oh)
                    for (Index ow = 0; ow < 2; ++ow)
                        CHECK(cols(c * 4 + kh * 2 + kw, oh * 2 + ow) == x(c, oh + kh, ow + kw));

    Rng rng(7103);
    for (int trial = 0; trial < 30; ++trial) {
        const Size2 kernel(rng.integer(1, 3), rng.integer(1, 3));
        const Size2 stride(rng.integer(1, 3), rng.integer(1, 3));
        const Size2 padding(rng.integer(0, 2), rng.integer(0, 2));
        const Size2 dilation(rng.integer(1, 2), rng.integer(1, 2));
        const Index h = rng.integer(dilated_kernel_size(kernel[0], dilation[0]), 8);
        const Index w = rng.integer(dilated_kernel_size(kernel[1], dilation[1]), 8);
        const Tensor3 image = rng.tensor<3>(rng.integer(1, 3), h, w);
        const Matrix columns = ref::im2col(image, kernel, stride, padding, dilation);
        const Matrix other = Matrix::Random(columns.rows(), columns.cols());
        const Tensor3 folded = ref::col2im(other, image.dimension(0), Size2(h, w), kernel, stride, padding, dilation);
        // <im2col(x), Y> == <x, col2im(Y)>
        const double lhs = columns.cast<double>().cwiseProduct(other.cast<double>()).sum();
        const double rhs = dot(image, folded);
        CAPTURE(trial);
        CHECK(lhs == doctest::Approx(rhs).epsilon(1e-5));
    }
}

TEST_CASE("conv_transpose1d is A transposed - and the adjoint of conv1d") {
    Rng rng(7104);
    for (int trial = 0; trial < 40; ++trial) {
        const Index groups = rng.integer(1, 2);
        const Index c_in = groups * rng.integer(1, 2), oc_per_group = rng.integer(1, 3);
        const Index k = rng.integer(1, 4), s = rng.integer(1, 3), p = rng.integer(0, 2), d = rng.integer(1, 2);
        const Index length = rng.integer(1, 6);
        const Index out = transposed_output_size(length, k, s, p, 0, d);
        if (out < 1) continue;
        const Tensor3 x = rng.tensor<3>(1, c_in, length);
        const Tensor3 w = rng.tensor<3>(c_in, oc_per_group, k);  // [C, OC/groups, K]
        const Tensor3 y = ref::conv_transpose1d(x, w, {}, s, p, 0, groups, d);
        // The convolution it transposes maps [OC, out] to [C, length] with the same weight.
        const SparseMatrix a = ref::conv_matrix1d(out, w, s, p, d, groups);
        REQUIRE(a.rows() == x.size());
        const Eigen::VectorXf aty = a.transpose() * vec(x);
        CAPTURE(trial);
        REQUIRE(aty.size() == y.size());
        for (Index i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(aty(i)).epsilon(1e-4));
        // <conv(z), x> == <z, conv_transpose(x)>
        const Tensor3 z = rng.tensor<3>(1, oc_per_group * groups, out);
        const Tensor3 conv = ref::conv1d(z, w, {}, s, p, d, groups);
        REQUIRE(conv.dimensions() == x.dimensions());
        check_adjoint(dot(conv, x), dot(z, y), sum_abs_products(vec(conv), vec(x)));
    }
}

TEST_CASE("conv_transpose2d is the adjoint of conv2d") {
    Rng rng(7105);
    for (int trial = 0; trial < 30; ++trial) {
        const Index groups = rng.integer(1, 2);
        const Index c_in = groups * rng.integer(1, 2), oc_per_group = rng.integer(1, 2);
        const Size2 k(rng.integer(1, 3), rng.integer(1, 3)), s(rng.integer(1, 2), rng.integer(1, 3));
        const Size2 p(rng.integer(0, 1), rng.integer(0, 1)), d(rng.integer(1, 2), 1);
        const Index h = rng.integer(2, 5), w_ = rng.integer(2, 5);
        const Index out_h = transposed_output_size(h, k[0], s[0], p[0], 0, d[0]);
        const Index out_w = transposed_output_size(w_, k[1], s[1], p[1], 0, d[1]);
        if (out_h < 1 || out_w < 1) continue;
        const Tensor4 x = rng.tensor<4>(1, c_in, h, w_);
        const Tensor4 w = rng.tensor<4>(c_in, oc_per_group, k[0], k[1]);
        const Tensor4 y = ref::conv_transpose2d(x, w, {}, s, p, 0, groups, d);
        const Tensor4 z = rng.tensor<4>(1, oc_per_group * groups, out_h, out_w);
        const Tensor4 conv = ref::conv2d(z, w, {}, s, Padding2(p), d, groups);
        CAPTURE(trial);
        REQUIRE(conv.dimensions() == x.dimensions());
        check_adjoint(dot(conv, x), dot(z, y), sum_abs_products(vec(conv), vec(x)));
    }
}
