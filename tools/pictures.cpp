// kata-pictures: the lessons' pictures, computed by the reference
// implementations rather than drawn by hand.
//
//   kata-pictures list                     the names
//   kata-pictures NAME                     print one picture
//   kata-pictures sparsity-pgm FILE.pgm    a larger conv matrix's non-zeros as an image
//   kata-pictures edges-pgm PREFIX         an image and its vertical edges, PREFIX-input.pgm and PREFIX-edges.pgm
//   kata-pictures --check-lessons ROOT     every `<!-- picture: NAME -->` block of ROOT/chapters/*/README.md
//                                          must be exactly what NAME prints (exit 1 if not)
//   kata-pictures --update-lessons ROOT    rewrite those blocks
#include "reference.hpp"

#include "convkata/shape.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace convkata;

namespace {

using Picture = std::function<std::string()>;

// A number as it should look in a grid: integers without ".0".
std::string cell(float v) {
    std::ostringstream out;
    if (v == std::round(v)) {
        out << static_cast<long long>(std::round(v));
    } else {
        out << std::setprecision(2) << v;
    }
    return out.str();
}

// Rows of cells, each column right-aligned to its widest cell.
std::string grid(const std::vector<std::vector<std::string>>& rows, const std::string& indent = "") {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t j = 0; j < r.size(); ++j) {
            if (width.size() <= j) width.push_back(1);
            width[j] = std::max(width[j], r[j].size());
        }
    std::ostringstream out;
    for (const auto& r : rows) {
        std::string line = indent;
        for (std::size_t j = 0; j < r.size(); ++j) {
            line += (j ? " " : "") + std::string(width[j] - r[j].size(), ' ') + r[j];
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
    return out.str();
}

// Blocks of text side by side, separated by `gap` spaces.
std::string side_by_side(const std::vector<std::string>& blocks, std::size_t gap = 4) {
    std::vector<std::vector<std::string>> lines;
    std::vector<std::size_t> widths;
    std::size_t height = 0;
    for (const std::string& b : blocks) {
        std::vector<std::string> ls;
        std::istringstream in(b);
        for (std::string l; std::getline(in, l);) ls.push_back(l);
        std::size_t w = 0;
        for (const auto& l : ls) w = std::max(w, l.size());
        lines.push_back(ls);
        widths.push_back(w);
        height = std::max(height, ls.size());
    }
    std::ostringstream out;
    for (std::size_t i = 0; i < height; ++i) {
        std::string line;
        for (std::size_t b = 0; b < blocks.size(); ++b) {
            std::string piece = i < lines[b].size() ? lines[b][i] : "";
            if (b + 1 < blocks.size()) piece += std::string(widths[b] - piece.size() + gap, ' ');
            line += piece;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
    return out.str();
}

Tensor4 ones4(Index a, Index b, Index c, Index d) {
    Tensor4 t(a, b, c, d);
    t.setConstant(1.0f);
    return t;
}

// ------------------------------------------------------------ chapter 05 ---

// Which cells of the padded input the window of output (oh, ow) covers, found
// by asking the reference: a conv2d whose input is 1 in one cell only.
std::string window_panel(Index size, Index kernel, Index stride, Index padding, Index dilation, Index oh, Index ow) {
    const Index padded = size + 2 * padding;
    std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(padded),
                                               std::vector<std::string>(static_cast<std::size_t>(padded)));
    const Tensor4 weight = ones4(1, 1, kernel, kernel);
    for (Index i = 0; i < padded; ++i) {
        for (Index j = 0; j < padded; ++j) {
            const bool real = i >= padding && i < padding + size && j >= padding && j < padding + size;
            bool in_window = false;
            if (real) {
                Tensor4 probe(1, 1, size, size);
                probe.setZero();
                probe(0, 0, i - padding, j - padding) = 1.0f;
                in_window = ref::conv2d(probe, weight, {}, stride, padding, dilation)(0, 0, oh, ow) != 0.0f;
            } else {
                // A padding cell: in the window when the window's taps land on it.
                for (Index a = 0; a < kernel; ++a)
                    for (Index b = 0; b < kernel; ++b)
                        in_window = in_window || (oh * stride + a * dilation == i && ow * stride + b * dilation == j);
            }
            // A tap on the padding reads a zero: drawn apart from the taps that read the input.
            rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] =
                in_window ? (real ? "#" : "o") : (real ? "x" : ".");
        }
    }
    return "output (" + std::to_string(oh) + "," + std::to_string(ow) + ")\n" + grid(rows);
}

std::string window2d() {
    std::ostringstream out;
    const Index out1 = output_size(5, 3, 2, 1, 1);
    out << "5x5 input, padding 1, kernel 3x3, stride 2 -> " << out1 << "x" << out1 << " output\n"
        << "H_out = W_out = floor((5 + 2*1 - 1*(3-1) - 1) / 2) + 1 = " << out1 << "\n\n"
        << side_by_side({window_panel(5, 3, 2, 1, 1, 0, 0), window_panel(5, 3, 2, 1, 1, 0, 1),
                         window_panel(5, 3, 2, 1, 1, 1, 1)})
        << "\n";
    const Index out2 = output_size(7, 3, 1, 0, 2);
    out << "7x7 input, no padding, kernel 3x3, dilation 2 -> " << out2 << "x" << out2 << " output\n"
        << "H_out = W_out = floor((7 - 2*(3-1) - 1) / 1) + 1 = " << out2 << "\n\n"
        << side_by_side({window_panel(7, 3, 1, 0, 2, 0, 0), window_panel(7, 3, 1, 0, 2, 1, 2)}) << "\n"
        << ". zero padding   x input   the window's taps: # on the input, o on the padding (they add 0)\n";
    return out.str();
}

Tensor4 bright_square(Index size, Index from, Index to) {
    Tensor4 image(1, 1, size, size);
    image.setZero();
    for (Index i = from; i < to; ++i)
        for (Index j = from; j < to; ++j) image(0, 0, i, j) = 1.0f;
    return image;
}

Tensor4 vertical_edge_kernel() {
    Tensor4 k(1, 1, 3, 3);
    k.setValues({{{{1, 0, -1}, {2, 0, -2}, {1, 0, -1}}}});
    return k;
}

std::string matrix_of(const Tensor4& t) {
    std::vector<std::vector<std::string>> rows;
    for (Index i = 0; i < t.dimension(2); ++i) {
        rows.emplace_back();
        for (Index j = 0; j < t.dimension(3); ++j) rows.back().push_back(cell(t(0, 0, i, j)));
    }
    return grid(rows);
}

// Signed values as shades: strong negative '=', weak '-', zero '.', weak '+', strong '#'.
std::string shades_of(const Tensor4& t) {
    float peak = 0.0f;
    for (Index i = 0; i < t.size(); ++i) peak = std::max(peak, std::fabs(t.data()[i]));
    std::vector<std::vector<std::string>> rows;
    for (Index i = 0; i < t.dimension(2); ++i) {
        rows.emplace_back();
        for (Index j = 0; j < t.dimension(3); ++j) {
            const float v = peak == 0.0f ? 0.0f : t(0, 0, i, j) / peak;
            rows.back().push_back(v > 0.5f ? "#" : v > 0.0f ? "+" : v < -0.5f ? "=" : v < 0.0f ? "-" : ".");
        }
    }
    return grid(rows);
}

std::string edges() {
    const Tensor4 image = bright_square(8, 2, 6);
    const Tensor4 kernel = vertical_edge_kernel();
    const Tensor4 out = ref::conv2d(image, kernel);
    std::ostringstream o;
    o << "an 8x8 image: a bright 4x4 square (1) on a dark background (0)\n"
      << "kernel (vertical edges, Sobel):  [[1, 0, -1], [2, 0, -2], [1, 0, -1]]\n\n"
      << side_by_side({"image\n" + matrix_of(image), "kernel\n" + matrix_of(kernel)}) << "\n"
      << side_by_side({"conv2d(image, kernel): 6x6\n" + matrix_of(out), "as shades\n" + shades_of(out)}) << "\n"
      << "# strong positive   + positive   . zero   - negative   = strong negative\n"
      << "The left edge of the square lights up negative, the right edge positive:\n"
      << "each output is (left column - right column) of its window, weighted 1-2-1.\n";
    return o.str();
}

void write_pgm(const std::string& path, const Matrix& m, bool signed_values) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw std::runtime_error("cannot write " + path);
    float peak = 0.0f;
    for (Index i = 0; i < m.size(); ++i) peak = std::max(peak, std::fabs(m.data()[i]));
    out << "P5\n" << m.cols() << " " << m.rows() << "\n255\n";
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j) {
            const float v = peak == 0.0f ? 0.0f : m(i, j) / peak;
            const float level = signed_values ? 0.5f + 0.5f * v : v;
            out.put(static_cast<char>(static_cast<unsigned char>(std::lround(255.0f * level))));
        }
}

void edges_pgm(const std::string& prefix) {
    const Index size = 64;
    Tensor4 image(1, 1, size, size);
    for (Index i = 0; i < size; ++i)
        for (Index j = 0; j < size; ++j) {
            const double r = std::hypot(i - 31.5, j - 31.5);
            image(0, 0, i, j) = r < 20 ? 1.0f : 0.0f;
        }
    const Tensor4 out = ref::conv2d(image, vertical_edge_kernel(), {}, 1, 1);
    write_pgm(prefix + "-input.pgm", Eigen::Map<const Matrix>(image.data(), size, size), false);
    write_pgm(prefix + "-edges.pgm", Eigen::Map<const Matrix>(out.data(), size, size), true);
    std::cout << "wrote " << prefix << "-input.pgm and " << prefix << "-edges.pgm (64x64; in edges, grey is 0)\n";
}

// ------------------------------------------------------------ chapter 06 ---

// Rows of cells, each column left-aligned, columns `gap` spaces apart.
std::string table(const std::vector<std::vector<std::string>>& rows, std::size_t gap = 4) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t j = 0; j < r.size(); ++j) {
            if (width.size() <= j) width.push_back(0);
            width[j] = std::max(width[j], r[j].size());
        }
    std::ostringstream out;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t j = 0; j < r.size(); ++j) line += r[j] + std::string(width[j] - r[j].size() + gap, ' ');
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
    return out.str();
}

// Whether output channel `o` reads input channel `c`: the reference run on a
// one-hot input channel with all-ones weights.
bool reads(Index channels, Index out_channels, Index groups, Index o, Index c) {
    const Tensor4 weight = ones4(out_channels, channels / groups, 1, 1);
    Tensor4 x(1, channels, 1, 1);
    x.setZero();
    x(0, c, 0, 0) = 1.0f;
    return ref::conv2d(x, weight, {}, 1, 0, 1, groups)(0, o, 0, 0) != 0.0f;
}

std::string groups_picture() {
    const Index C = 4, OC = 8;
    const std::vector<Index> all_groups = {1, 2, 4};
    std::vector<std::vector<std::string>> rows;
    rows.push_back({""});
    rows.push_back({"input channel"});
    for (Index g : all_groups) {
        rows[0].push_back("groups = " + std::to_string(g) + (g == C ? " = C (depthwise)" : ""));
        std::string header;
        for (Index c = 0; c < C; ++c) header += (c ? " " : "") + std::to_string(c);
        rows[1].push_back(header);
    }
    for (Index o = 0; o < OC; ++o) {
        rows.push_back({"output " + std::to_string(o)});
        for (Index g : all_groups) {
            std::string line;
            for (Index c = 0; c < C; ++c) line += std::string(c ? " " : "") + (reads(C, OC, g, o, c) ? "#" : ".");
            rows.back().push_back(line);
        }
    }
    rows.push_back({"weight"});
    rows.push_back({"kernels"});
    for (Index g : all_groups) {
        rows[rows.size() - 2].push_back("[" + std::to_string(OC) + ", " + std::to_string(C / g) + ", KH, KW]");
        rows.back().push_back(std::to_string(OC * C / g));
    }
    return table(rows);
}

// ------------------------------------------------------------ chapter 07 ---

std::string dense_rows(const SparseMatrix& a) {
    std::vector<std::vector<std::string>> rows;
    const Matrix dense = Matrix(a);
    for (Index i = 0; i < dense.rows(); ++i) {
        rows.emplace_back();
        for (Index j = 0; j < dense.cols(); ++j) rows.back().push_back(dense(i, j) == 0.0f ? "." : cell(dense(i, j)));
    }
    return grid(rows);
}

std::string sparsity1d() {
    Tensor3 w(1, 1, 3);
    w.setValues({{{1, 2, 3}}});
    const SparseMatrix a = ref::conv_matrix1d(8, w);
    std::ostringstream o;
    o << "conv1d of a length-8 signal with the kernel [1 2 3] as a matrix: y = A x\n"
      << "A is " << a.rows() << " x " << a.cols() << " (outputs x inputs), " << a.nonZeros() << " non-zeros of "
      << a.rows() * a.cols() << "\n\n"
      << dense_rows(a) << "\n"
      << "Every row is the kernel, shifted one column further: weight sharing.\n";
    Tensor3 w2(1, 1, 3);
    w2.setValues({{{1, 2, 3}}});
    const SparseMatrix b = ref::conv_matrix1d(8, w2, 2, 1);
    o << "\nThe same kernel with stride 2 and padding 1: " << b.rows() << " x " << b.cols() << "\n\n"
      << dense_rows(b) << "\n"
      << "Stride skips rows; the taps that fall into the padding are simply missing.\n";
    return o.str();
}

std::string sparsity2d() {
    Tensor4 w(1, 1, 3, 3);
    w.setValues({{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}});
    const SparseMatrix a = ref::conv_matrix2d(4, 4, w);
    std::ostringstream o;
    o << "conv2d of a 4x4 image with a 3x3 kernel [[1 2 3] [4 5 6] [7 8 9]] as a matrix:\n"
      << "A is " << a.rows() << " x " << a.cols() << " (2x2 outputs x 4x4 inputs, both read row by row)\n\n"
      << dense_rows(a) << "\n"
      << "Each row holds the kernel's three rows, four columns apart (the image width):\n"
      << a.nonZeros() << " non-zeros of " << a.rows() * a.cols() << ".\n";
    return o.str();
}

std::string im2col_picture() {
    Tensor3 x(1, 3, 3);
    x.setValues({{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}});
    const Matrix cols = ref::im2col(x, 2);
    std::vector<std::vector<std::string>> img, rows;
    for (Index i = 0; i < 3; ++i) {
        img.emplace_back();
        for (Index j = 0; j < 3; ++j) img.back().push_back(cell(x(0, i, j)));
    }
    const char* taps[] = {"(kh=0,kw=0)", "(kh=0,kw=1)", "(kh=1,kw=0)", "(kh=1,kw=1)"};
    rows.push_back({"output position:", "(0,0)", "(0,1)", "(1,0)", "(1,1)"});
    for (Index r = 0; r < cols.rows(); ++r) {
        rows.push_back({std::string("row ") + taps[r]});
        for (Index c = 0; c < cols.cols(); ++c) rows.back().push_back(cell(cols(r, c)));
    }
    return side_by_side({"x (1x3x3)\n" + grid(img),
                         "im2col(x, kernel 2x2): one column per output position\n" + grid(rows)}) +
           "\nA conv2d is now one matrix product: weight [OC, C*KH*KW] times these columns.\n";
}

void sparsity_pgm(const std::string& path) {
    Tensor4 w(1, 1, 3, 3);
    w.setConstant(1.0f);
    const SparseMatrix a = ref::conv_matrix2d(16, 16, w);
    Matrix dense = Matrix(a);
    dense = (dense.array() != 0.0f).cast<float>();
    write_pgm(path, dense, false);
    std::cout << "wrote " << path << ": the " << a.rows() << " x " << a.cols()
              << " matrix of a 3x3 conv2d on a 16x16 image (white = non-zero)\n";
}

// ------------------------------------------------------------ chapter 08 ---

std::string checkerboard() {
    const Tensor4 out = ref::conv_transpose2d(ones4(1, 1, 4, 4), ones4(1, 1, 3, 3), {}, 2);
    std::ostringstream o;
    o << "conv_transpose2d of a 4x4 input of ones with a 3x3 kernel of ones, stride 2:\n"
      << "how many kernel copies land on each output pixel (" << out.dimension(2) << "x" << out.dimension(3)
      << " = (4-1)*2 + 3)\n\n"
      << matrix_of(out) << "\n"
      << "The kernel (3) does not divide evenly by the stride (2): the copies overlap on\n"
      << "every other row and column, and the overlaps (2, 4) form a checkerboard.\n";
    return o.str();
}

std::string scatter1d() {
    Tensor3 w(1, 1, 3);
    w.setValues({{{1, 1, 1}}});
    Tensor3 x(1, 1, 2);
    x.setValues({{{1, 2}}});
    const Tensor3 total = ref::conv_transpose1d(x, w, {}, 2);
    std::vector<std::vector<std::string>> rows;
    for (Index i = 0; i < 2; ++i) {
        Tensor3 one(1, 1, 2);
        one.setZero();
        one(0, 0, i) = x(0, 0, i);
        const Tensor3 part = ref::conv_transpose1d(one, w, {}, 2);
        rows.push_back({"x[" + std::to_string(i) + "] = " + cell(x(0, 0, i)) + " scatters " + cell(x(0, 0, i)) +
                        "*[1 1 1] at " + std::to_string(2 * i) + ":"});
        for (Index j = 0; j < part.dimension(2); ++j)
            rows.back().push_back(part(0, 0, j) == 0.0f ? "." : cell(part(0, 0, j)));
    }
    rows.push_back({"the output is the sum:"});
    for (Index j = 0; j < total.dimension(2); ++j) rows.back().push_back(cell(total(0, 0, j)));
    std::ostringstream o;
    o << "conv_transpose1d(x = [1 2], kernel = [1 1 1], stride = 2): length (2-1)*2 + 3 = "
      << total.dimension(2) << "\n\n";
    // Left-align the labels, right-align the numbers.
    std::size_t label = 0;
    for (const auto& r : rows) label = std::max(label, r[0].size());
    for (auto& r : rows) r[0] += std::string(label - r[0].size(), ' ');
    o << grid(rows);
    return o.str();
}

const std::map<std::string, Picture>& pictures() {
    static const std::map<std::string, Picture> all = {
        {"window2d", window2d},   {"edges", edges},         {"groups", groups_picture},
        {"sparsity1d", sparsity1d}, {"sparsity2d", sparsity2d}, {"im2col", im2col_picture},
        {"checkerboard", checkerboard}, {"scatter1d", scatter1d},
    };
    return all;
}

// ------------------------------------------------------------ lessons ---

// Finds `<!-- picture: NAME -->` + a fenced block in a lesson; checks or
// rewrites the block. Returns the number of blocks that differ.
int sync_lesson(const std::filesystem::path& lesson, bool update) {
    std::ifstream in(lesson);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    const std::string marker = "<!-- picture: ";
    std::vector<std::string> out;
    int differing = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out.push_back(lines[i]);
        if (lines[i].rfind(marker, 0) != 0) continue;
        const std::string name = lines[i].substr(marker.size(), lines[i].find(" -->") - marker.size());
        const auto picture = pictures().find(name);
        if (picture == pictures().end()) {
            std::cerr << lesson.string() << ":" << i + 1 << ": unknown picture '" << name << "'\n";
            ++differing;
            continue;
        }
        if (i + 1 >= lines.size() || lines[i + 1].rfind("```", 0) != 0) {
            std::cerr << lesson.string() << ":" << i + 1 << ": the picture '" << name
                      << "' must be followed by a fenced block\n";
            ++differing;
            continue;
        }
        std::size_t end = i + 2;
        std::string current;
        while (end < lines.size() && lines[end].rfind("```", 0) != 0) current += lines[end++] + "\n";
        const std::string wanted = picture->second();
        if (current != wanted) {
            ++differing;
            if (!update) {
                std::cerr << lesson.string() << ":" << i + 2 << ": the picture '" << name
                          << "' differs from what `kata-pictures " << name << "` prints. It prints:\n"
                          << wanted;
            }
        }
        out.push_back(lines[i + 1]);  // ``` (with its language, if any)
        std::istringstream w(wanted);
        for (std::string l; std::getline(w, l);) out.push_back(l);
        i = end - 1;  // the closing ``` is copied by the loop
    }
    if (update && differing > 0) {
        std::ofstream rewrite(lesson);
        for (const std::string& l : out) rewrite << l << "\n";
        std::cout << "updated " << differing << " picture(s) in " << lesson.string() << "\n";
    }
    return differing;
}

int sync_lessons(const std::filesystem::path& root, bool update) {
    int differing = 0, lessons = 0;
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(root / "chapters")) {
        if (std::filesystem::exists(entry.path() / "README.md")) paths.push_back(entry.path() / "README.md");
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
        differing += sync_lesson(p, update);
        ++lessons;
    }
    if (!update) {
        if (differing == 0) {
            std::cout << "every picture in the " << lessons << " lessons matches kata-pictures\n";
        } else {
            std::cout << differing << " picture(s) in the " << lessons
                      << " lessons differ from kata-pictures: run kata-pictures --update-lessons ROOT\n";
        }
    }
    return update ? 0 : (differing == 0 ? 0 : 1);
}

int usage(std::ostream& out, int code) {
    out << "usage: kata-pictures list | NAME | sparsity-pgm FILE.pgm | edges-pgm PREFIX\n"
           "       kata-pictures --check-lessons ROOT | --update-lessons ROOT\n";
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) return usage(std::cerr, 2);
        const std::string command = argv[1];
        if (command == "list") {
            for (const auto& [name, _] : pictures()) std::cout << name << "\n";
            std::cout << "sparsity-pgm FILE.pgm\nedges-pgm PREFIX\n";
            return 0;
        }
        if (command == "--help" || command == "-h") return usage(std::cout, 0);
        if ((command == "--check-lessons" || command == "--update-lessons") && argc == 3) {
            return sync_lessons(argv[2], command == "--update-lessons");
        }
        if (command == "sparsity-pgm" && argc == 3) {
            sparsity_pgm(argv[2]);
            return 0;
        }
        if (command == "edges-pgm" && argc == 3) {
            edges_pgm(argv[2]);
            return 0;
        }
        const auto picture = pictures().find(command);
        if (picture == pictures().end() || argc != 2) {
            std::cerr << "kata-pictures: unknown picture '" << command << "'\n";
            return usage(std::cerr, 2);
        }
        std::cout << picture->second();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "kata-pictures: " << e.what() << "\n";
        return 1;
    }
}
