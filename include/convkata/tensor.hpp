// The workbook's tensor vocabulary: Eigen tensors in PyTorch's layout.
//
// Row-major, so that the last index moves fastest, exactly like a contiguous
// torch.Tensor: a [N, C, L] tensor stores x(n, c, 0), x(n, c, 1), ... next to
// each other, and the flat data of a PyTorch tensor can be copied in as is.
#pragma once

#include <Eigen/SparseCore>
#include <unsupported/Eigen/CXX11/Tensor>

#include <array>
#include <optional>
#include <string>

namespace convkata {

using Index = Eigen::Index;

template <int Rank>
using Tensor = Eigen::Tensor<float, Rank, Eigen::RowMajor>;

using Tensor1 = Tensor<1>;  // [L]          one signal, or a kernel, or a bias
using Tensor2 = Tensor<2>;  // [C, L]       one sample with channels
using Tensor3 = Tensor<3>;  // [N, C, L]    a batch of 1-D samples, or a 1-D weight [OC, C, K]
using Tensor4 = Tensor<4>;  // [N, C, H, W]
using Tensor5 = Tensor<5>;  // [N, C, D, H, W]

// Integer tensors in the same layout: max pooling's argmax indices.
template <int Rank>
using IndexTensor = Eigen::Tensor<Index, Rank, Eigen::RowMajor>;

// A dense matrix in the same row-major order: the GEMM view of a convolution
// (im2col columns, weights as rows) and F.unfold's output for one sample.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A convolution as a matrix (chapter 07): mostly zeros, stored sparse.
using SparseMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor>;

// Bias is optional everywhere, as in PyTorch (bias=None).
using OptionalBias = std::optional<Tensor1>;

// "[2, 3, 10]": how PyTorch prints a size in its messages.
template <typename Dims>
std::string shape_string(const Dims& dims) {
    std::string s = "[";
    for (std::size_t i = 0; i < static_cast<std::size_t>(dims.size()); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(dims[i]);
    }
    return s + "]";
}

template <int Rank>
std::string shape_string(const Tensor<Rank>& t) {
    return shape_string(t.dimensions());
}

}  // namespace convkata
