// Chapter 11 - Conv3d on the GPU: everything that needs no GPU.
// The index arithmetic, the launch geometry and the per-voxel sum are the
// code the kernels run; here they run on the CPU. So do the kernels: this
// program is linked against conv3d_gpu.cu compiled for the CPU, where
// convkata/cuda_on_cpu.hpp runs each block's threads in turn and stops a
// kernel that skips a barrier or writes past a buffer. The same kernels on a
// GPU: ch11_conv3d_gpu_device.cpp.
#include "ch11_kernel_checks.hpp"
#include "conv3d_gpu.hpp"
#include "kata_test.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace convkata;
using namespace kata;
namespace ch = convkata::ch11;

namespace {

const std::string kLesson = "chapters/11_conv3d_gpu/README.md";
const std::string kStridesAt = "see " + kLesson + "#dhw-strides-mixed-up";
const std::string kRoundedAt = "see " + kLesson + "#grid-rounded-down";
const std::string kGuardAt = "see " + kLesson + "#missing-bounds-check";
const std::string kHaloAt = "see " + kLesson + "#shared-tile-without-the-halo";

// Three different sizes per tensor, so that a stride taken from the wrong
// dimension gives a different number.
ch::Conv3dParams uneven_params() {
    ch::Conv3dParams p;
    p.batch = 2;
    p.in_channels = 3;
    p.out_channels = 4;
    p.in = {5, 6, 7};
    p.kernel = {2, 3, 4};
    p.out = {3, 4, 5};
    return p;
}

Size3 golden_size3(const GoldenCase& c, const std::string& key) {
    const std::vector<Index> v = c.integers(key);
    return v.size() == 1 ? Size3(v[0]) : Size3(v[0], v[1], v[2]);
}

}  // namespace

TEST_CASE("conv3d_params: output size per dimension with stride padding and dilation") {
    Rng rng(1101);
    const Tensor5 x = rng.tensor<5>(2, 3, 10, 9, 8);
    const Tensor5 w = rng.tensor<5>(4, 3, 3, 2, 5);
    const ch::Conv3dParams p = ch::conv3d_params(x, w, rng.tensor<1>(4), {2, 1, 3}, {1, 0, 2}, {1, 2, 1});
    CHECK(p.batch == 2);
    CHECK(p.in_channels == 3);
    CHECK(p.out_channels == 4);
    CHECK(p.in == ch::Dims3{10, 9, 8});
    CHECK(p.kernel == ch::Dims3{3, 2, 5});
    CHECK(p.stride == ch::Dims3{2, 1, 3});
    CHECK(p.padding == ch::Dims3{1, 0, 2});
    CHECK(p.dilation == ch::Dims3{1, 2, 1});
    CHECK(p.has_bias);
    // out = floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1
    CHECK(p.out.d == (10 + 2 * 1 - 1 * (3 - 1) - 1) / 2 + 1);  // 5
    CHECK(p.out.h == (9 + 2 * 0 - 2 * (2 - 1) - 1) / 1 + 1);   // 7
    CHECK(p.out.w == (8 + 2 * 2 - 1 * (5 - 1) - 1) / 3 + 1);   // 3
    CHECK(p.output_count() == 2 * 4 * 5 * 7 * 3);
    CHECK(p.taps() == 3 * 3 * 2 * 5);
}

TEST_CASE("conv3d_params: refuses what F.conv3d refuses") {
    Rng rng(1102);
    const Tensor5 x = rng.tensor<5>(1, 3, 6, 6, 6);
    CHECK_REFUSES(ch::conv3d_params(x, rng.tensor<5>(2, 4, 3, 3, 3)), "conv3d", "3", "4");
    CHECK_REFUSES(ch::conv3d_params(x, rng.tensor<5>(2, 3, 3, 3, 3), rng.tensor<1>(3)), "conv3d", "bias", "2");
    CHECK_REFUSES(ch::conv3d_params(x, rng.tensor<5>(2, 3, 7, 3, 3)), "conv3d", "7");
    CHECK_REFUSES(ch::conv3d_params(x, rng.tensor<5>(2, 3, 3, 3, 3), {}, {1, 0, 1}), "conv3d", "stride");
    CHECK_REFUSES(ch::conv3d_params(x, rng.tensor<5>(2, 3, 3, 3, 3), {}, 1, -1), "conv3d", "padding");
    CHECK_REFUSES(ch::conv3d_params(x, rng.tensor<5>(2, 3, 3, 3, 3), {}, 1, 0, 0), "conv3d", "dilation");
}

TEST_CASE("output_index: W moves fastest then H then D then OC then N") {
    const ch::Conv3dParams p = uneven_params();  // output [2, 4, 3, 4, 5]
    INFO(kStridesAt);
    CHECK(ch::output_index(0, 0, 0, 0, 0, p) == 0);
    CHECK(ch::output_index(0, 0, 0, 0, 1, p) == 1);
    CHECK(ch::output_index(0, 0, 0, 1, 0, p) == 5);              // one row of W
    CHECK(ch::output_index(0, 0, 1, 0, 0, p) == 4 * 5);          // one H x W plane
    CHECK(ch::output_index(0, 1, 0, 0, 0, p) == 3 * 4 * 5);      // one D x H x W volume
    CHECK(ch::output_index(1, 0, 0, 0, 0, p) == 4 * 3 * 4 * 5);  // one sample
    CHECK(ch::output_index(1, 2, 1, 3, 4, p) == (((1 * 4 + 2) * 3 + 1) * 4 + 3) * 5 + 4);
    CHECK(ch::output_index(1, 3, 2, 3, 4, p) == p.output_count() - 1);
}

TEST_CASE("input_index: the input and weight strides") {
    const ch::Conv3dParams p = uneven_params();  // input [2, 3, 5, 6, 7], weight [4, 3, 2, 3, 4]
    INFO(kStridesAt);
    CHECK(ch::input_index(0, 0, 0, 0, 1, p) == 1);
    CHECK(ch::input_index(0, 0, 0, 1, 0, p) == 7);
    CHECK(ch::input_index(0, 0, 1, 0, 0, p) == 6 * 7);
    CHECK(ch::input_index(0, 1, 0, 0, 0, p) == 5 * 6 * 7);
    CHECK(ch::input_index(1, 2, 4, 5, 6, p) == 2 * 3 * 5 * 6 * 7 - 1);
    CHECK(ch::weight_index(0, 0, 0, 0, 1, p) == 1);
    CHECK(ch::weight_index(0, 0, 0, 1, 0, p) == 4);
    CHECK(ch::weight_index(0, 0, 1, 0, 0, p) == 3 * 4);
    CHECK(ch::weight_index(0, 1, 0, 0, 0, p) == 2 * 3 * 4);
    CHECK(ch::weight_index(3, 2, 1, 2, 3, p) == 4 * 3 * 2 * 3 * 4 - 1);
}

TEST_CASE("unravel_output: round trip with output_index on random shapes") {
    Rng rng(1103);
    for (int trial = 0; trial < 30; ++trial) {
        CAPTURE(trial);
        ch::Conv3dParams p;
        p.batch = rng.integer(1, 3);
        p.out_channels = rng.integer(1, 4);
        p.out = {rng.integer(1, 6), rng.integer(1, 6), rng.integer(1, 6)};
        INFO(kStridesAt);
        bool ok = true;
        for (ShapeIndex flat = 0; flat < p.output_count() && ok; ++flat) {
            const ch::Voxel v = ch::unravel_output(flat, p);
            ok = v.n < p.batch && v.oc < p.out_channels && v.d < p.out.d && v.h < p.out.h && v.w < p.out.w &&
                 v.n >= 0 && v.oc >= 0 && v.d >= 0 && v.h >= 0 && v.w >= 0 &&
                 ch::output_index(v.n, v.oc, v.d, v.h, v.w, p) == flat;
            if (!ok) {
                CAPTURE(flat);
                CAPTURE(v.n);
                CAPTURE(v.oc);
                CAPTURE(v.d);
                CAPTURE(v.h);
                CAPTURE(v.w);
                CHECK(ok);
            }
        }
        CHECK(ok);
    }
}

TEST_CASE("launch_config: every output is covered exactly once") {
    for (ShapeIndex block : {1, 32, 128, 256}) {
        for (ShapeIndex total : {1, 5, 31, 32, 33, 255, 256, 257, 1000, 4097}) {
            CAPTURE(block);
            CAPTURE(total);
            const ch::LaunchConfig config = ch::launch_config(total, block);
            // Enumerate the grid here too, not only through grid_coverage.
            std::vector<int> hits(static_cast<std::size_t>(total), 0);
            ShapeIndex unguarded = 0;
            for (ShapeIndex b = 0; b < config.grid; ++b) {
                for (ShapeIndex t = 0; t < config.block; ++t) {
                    const ShapeIndex flat = ch::thread_output(b, t, config.block, total);
                    if (flat >= total) ++unguarded;
                    if (flat >= 0 && flat < total) ++hits[static_cast<std::size_t>(flat)];
                }
            }
            {
                INFO(kRoundedAt);
                CHECK(config.block == block);
                CHECK(config.grid == (total + block - 1) / block);  // ceil(total / block)
                CHECK(std::count(hits.begin(), hits.end(), 1) == total);
            }
            INFO(kGuardAt);
            CHECK(unguarded == 0);
        }
    }
    CHECK_REFUSES(ch::launch_config(10, 0), "launch_config", "0");
}

TEST_CASE("thread_output: threads past the end do nothing") {
    INFO(kGuardAt);
    // 10 outputs in blocks of 4: the last block has 2 threads with nothing to do.
    CHECK(ch::thread_output(0, 0, 4, 10) == 0);
    CHECK(ch::thread_output(1, 3, 4, 10) == 1 * 4 + 3);
    CHECK(ch::thread_output(2, 1, 4, 10) == 2 * 4 + 1);
    CHECK(ch::thread_output(2, 2, 4, 10) == -1);
    CHECK(ch::thread_output(2, 3, 4, 10) == -1);
    CHECK(ch::thread_output(0, 7, 8, 8) == 7);
    CHECK(ch::thread_output(1, 0, 8, 8) == -1);
}

TEST_CASE("launch_config: the lesson's example, 480 outputs in blocks of 256") {
    // "CUDA in one page": y [2, 4, 3, 4, 5] with kernel 1's launch.
    const ch::Conv3dParams p = uneven_params();
    REQUIRE(p.output_count() == 2 * 4 * 3 * 4 * 5);  // 480
    const ch::LaunchConfig config = ch::launch_config(480, 256);
    {
        INFO(kRoundedAt);
        CHECK(config.grid == 2);  // ceil(480 / 256)
        CHECK(config.block == 256);
    }
    INFO(kGuardAt);
    CHECK(ch::thread_output(0, 255, 256, 480) == 255);
    CHECK(ch::thread_output(1, 0, 256, 480) == 256);
    CHECK(ch::thread_output(1, 223, 256, 480) == 479);
    CHECK(ch::thread_output(1, 143, 256, 480) == 1 * 256 + 143);  // 399
    CHECK(ch::unravel_output(399, p) == ch::Voxel{1, 2, 1, 3, 4});
    int past_end = 0;
    for (ShapeIndex thread = 0; thread < 256; ++thread) past_end += ch::thread_output(1, thread, 256, 480) == -1;
    CHECK(past_end == 32);  // threads 224..255 of block 1
    CHECK(ch::thread_output(1, 224, 256, 480) == -1);
    CHECK(ch::thread_output(1, 255, 256, 480) == -1);
}

TEST_CASE("grid_coverage: counts the threads of every output") {
    // Enough blocks: every output once, and nothing written past the end.
    for (ShapeIndex total : {1, 9, 63, 64, 65, 1000}) {
        CAPTURE(total);
        const ch::Coverage good = ch::grid_coverage(ch::launch_config(total, 64), total);
        REQUIRE(good.hits.size() == static_cast<std::size_t>(total));
        CHECK(std::count(good.hits.begin(), good.hits.end(), 1) == total);
        INFO(kGuardAt);
        CHECK(good.past_end == 0);
    }
    // One block too few: the last output has no thread.
    const ch::Coverage short_grid = ch::grid_coverage(ch::LaunchConfig{2, 4}, 9);
    REQUIRE(short_grid.hits.size() == 9);
    CHECK(short_grid.hits[7] == 1);
    CHECK(short_grid.hits[8] == 0);
    // Two grids' worth of blocks: still one thread per output.
    const ch::Coverage long_grid = ch::grid_coverage(ch::LaunchConfig{6, 4}, 9);
    REQUIRE(long_grid.hits.size() == 9);
    CHECK(std::count(long_grid.hits.begin(), long_grid.hits.end(), 1) == 9);
    CHECK(long_grid.past_end == 0);
}

TEST_CASE("slab_size: the tile plus its halo") {
    INFO(kHaloAt);
    // 8 outputs, kernel 3, stride 1: inputs 0..9 (the last output reads 7, 8, 9).
    CHECK(ch::slab_size(8, 3, 1, 1) == (8 - 1) * 1 + 3);
    // Stride 2: the last output starts at 14 and reads 14..16.
    CHECK(ch::slab_size(8, 3, 2, 1) == (8 - 1) * 2 + 3);
    // Dilation 2: a window spans 2*(3-1)+1 = 5 inputs.
    CHECK(ch::slab_size(4, 3, 1, 2) == (4 - 1) * 1 + 5);
    CHECK(ch::slab_size(1, 100, 50, 1) == 100);
    // Every input a tile's windows read lies inside the slab, and the last one is its last row.
    for (ShapeIndex tile : {1, 3, 16})
        for (ShapeIndex kernel : {1, 2, 5})
            for (ShapeIndex stride : {1, 2, 3})
                for (ShapeIndex dilation : {1, 3}) {
                    CAPTURE(tile);
                    CAPTURE(kernel);
                    CAPTURE(stride);
                    CAPTURE(dilation);
                    const ShapeIndex last = (tile - 1) * stride + (kernel - 1) * dilation;
                    CHECK(ch::slab_size(tile, kernel, stride, dilation) == last + 1);
                }
}

TEST_CASE("conv3d_voxel: one voxel by hand with padding and bias") {
    Rng rng(1104);
    const Tensor5 x = rng.small_integers<5>(1, 2, 3, 3, 3);
    const Tensor5 w = rng.small_integers<5>(2, 2, 2, 2, 2);
    const Tensor1 b = rng.small_integers<1>(2);
    // Padding 1: output (d, h, w) = (0, 0, 0) sees only input (0, 0, 0), through tap (1, 1, 1).
    const ch::Conv3dParams p = ch::conv3d_params(x, w, b, 1, 1, 1);  // output [1, 2, 4, 4, 4]
    const ShapeIndex corner = ch::output_index(0, 1, 0, 0, 0, p);
    CHECK(ch::conv3d_voxel(x.data(), w.data(), b.data(), p, corner) ==
          doctest::Approx(b(1) + x(0, 0, 0, 0, 0) * w(1, 0, 1, 1, 1) + x(0, 1, 0, 0, 0) * w(1, 1, 1, 1, 1)));
    // Output (1, 1, 1) sees input (0..1, 0..1, 0..1): all eight taps, both channels, no bias.
    const ShapeIndex inner = ch::output_index(0, 0, 1, 1, 1, p);
    float expected = 0.0f;
    for (int c = 0; c < 2; ++c)
        for (int kd = 0; kd < 2; ++kd)
            for (int kh = 0; kh < 2; ++kh)
                for (int kw = 0; kw < 2; ++kw) expected += x(0, c, kd, kh, kw) * w(0, c, kd, kh, kw);
    CHECK(ch::conv3d_voxel(x.data(), w.data(), nullptr, p, inner) == doctest::Approx(expected));
}

TEST_CASE("conv3d_cpu_by_voxels: matches the reference on random shapes") {
    Rng rng(1105);
    for (int trial = 0; trial < 40; ++trial) {
        CAPTURE(trial);
        const Conv3dCall c = random_conv3d_call(rng, trial, 3, 7, 3, 3);
        CHECK_CLOSE(ch::conv3d_cpu_by_voxels(c.x, c.w, c.b, c.stride, c.padding, c.dilation),
                    ref::conv3d(c.x, c.w, c.b, c.stride, c.padding, c.dilation),
                    CheckOptions{c.describe("conv3d_cpu_by_voxels"), "", {}, {}});
    }
}

TEST_CASE("conv3d_cpu_by_voxels: PyTorch golden cases") {
    int checked = 0;
    for (const GoldenCase& g : load_golden("conv3d")) {
        if (g.refused() || g.integer("groups") != 1 || g.is_string("padding")) continue;
        CAPTURE(g.describe());
        const std::optional<GoldenTensor> gb = g.optional_tensor("bias");
        const Conv3dCall c{g.tensor("input").tensor<5>(), g.tensor("weight").tensor<5>(),
                           gb ? OptionalBias(gb->tensor<1>()) : std::nullopt, golden_size3(g, "stride"),
                           golden_size3(g, "padding"), golden_size3(g, "dilation")};
        CHECK_CLOSE(ch::conv3d_cpu_by_voxels(c.x, c.w, c.b, c.stride, c.padding, c.dilation), g.output().tensor<5>(),
                    CheckOptions{c.describe("conv3d_cpu_by_voxels"), "", {}, {}});
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("conv3d_cpu_by_voxels: a 1x1x1 kernel only mixes channels") {
    Rng rng(1106);
    const Tensor5 x = rng.tensor<5>(2, 3, 4, 2, 3);
    const Tensor5 w = rng.tensor<5>(5, 3, 1, 1, 1);
    const Tensor5 y = ch::conv3d_cpu_by_voxels(x, w);
    REQUIRE(y.dimension(1) == 5);
    Tensor5 expected(2, 5, 4, 2, 3);
    for (Index n = 0; n < 2; ++n)
        for (Index oc = 0; oc < 5; ++oc)
            for (Index d = 0; d < 4; ++d)
                for (Index h = 0; h < 2; ++h)
                    for (Index v = 0; v < 3; ++v)
                        expected(n, oc, d, h, v) = w(oc, 0, 0, 0, 0) * x(n, 0, d, h, v) +
                                                   w(oc, 1, 0, 0, 0) * x(n, 1, d, h, v) +
                                                   w(oc, 2, 0, 0, 0) * x(n, 2, d, h, v);
    CHECK_CLOSE(y, expected, CheckOptions{"1x1x1 conv3d", "", {}, {}});
}

TEST_CASE("unravel_index: matches numpy") {
    // np.unravel_index(1621, (6, 7, 8, 9)) == (3, 1, 4, 1)
    CHECK(ch::unravel_index(1621, {6, 7, 8, 9}) == std::vector<Index>{3, 1, 4, 1});
    CHECK(ch::unravel_index(0, {3, 4}) == std::vector<Index>{0, 0});
    CHECK(ch::unravel_index(11, {3, 4}) == std::vector<Index>{2, 3});
    CHECK(ch::unravel_index(59, {2, 3, 10}) == std::vector<Index>{1, 2, 9});
    CHECK(ch::unravel_index(4000, {2, 5, 10, 9, 11}) == std::vector<Index>{0, 4, 0, 3, 7});
    CHECK_REFUSES(ch::unravel_index(12, {3, 4}), "unravel_index", "12", "12");
}

TEST_CASE("unravel_index: the arg-max voxel of a channel-mixing scene") {
    // 4 input channels mixed into 2 types x 3 orientations = 6 channels over
    // a 5 x 6 x 7 volume; one strong input voxel makes one answer obvious.
    Rng rng(1107);
    Tensor5 x = rng.tensor<5>(1, 4, 5, 6, 7);
    x(0, 2, 3, 1, 5) = 50.0f;
    Tensor5 w = rng.tensor<5>(6, 4, 1, 1, 1);
    w(1 * 3 + 2, 2, 0, 0, 0) = 3.0f;  // type 1, orientation 2 loves input channel 2
    const Tensor5 y = ch::conv3d_cpu_by_voxels(x, w);
    const Index best = std::max_element(y.data(), y.data() + y.size()) - y.data();
    // y [1, 6, 5, 6, 7] seen as (types, orientations, X, Y, Z): the same memory.
    CHECK(ch::unravel_index(best, {2, 3, 5, 6, 7}) == std::vector<Index>{1, 2, 3, 1, 5});
}

TEST_CASE("smallest_kernel_size_for: the kernels that reach the lesson's targets") {
    CHECK(ch::smallest_kernel_size_for(30, 16) == Size3(15));  // 30 - 15 + 1 = 16
    CHECK(ch::smallest_kernel_size_for(64, 4) == Size3(61));   // 64 - 61 + 1 = 4
    CHECK(ch::smallest_kernel_size_for({64, 30, 100}, {4, 16, 30}, {1, 1, 3}) == Size3(61, 15, 11));
    CHECK(output_size(100, 11, 3) == 30);  // the smallest of 11, 12, 13
    CHECK(ch::smallest_kernel_size_for(10, 10, 1, 1) == Size3(3));    // padding 1 keeps the size
    CHECK(ch::smallest_kernel_size_for(20, 5, 1, 0, 3) == Size3(6));  // 3*(6-1)+1 = 16 = 20 - 5 + 1
    CHECK_REFUSES(ch::smallest_kernel_size_for(10, 20), "smallest_kernel_size_for", "10", "20");
}

TEST_CASE("smallest_kernel_size_for: the first of chapter 04's list in every dimension") {
    // ref::kernel_size_for is chapter 04's contract: every K that maps in to
    // out, smallest first, empty when none does.
    REQUIRE(ch::smallest_kernel_size_for(30, 16) == Size3(15));  // one message, not sixty, while it is unwritten
    Rng rng(1108);
    int found = 0, refused = 0;
    for (int trial = 0; trial < 60; ++trial) {
        // Every other trial asks for sizes some kernel reaches; the others for any size.
        const bool reachable = trial % 2 == 0;
        Size3 in = 1, out = 1, stride = 1, padding = 0, dilation = 1;
        for (int k = 0; k < 3; ++k) {
            in[k] = rng.integer(1, 40);
            stride[k] = rng.integer(1, 4);
            padding[k] = rng.integer(0, 3);
            dilation[k] = rng.integer(1, 3);
            const Index largest = (in[k] + 2 * padding[k] - 1) / dilation[k] + 1;  // the last K whose extent fits
            out[k] = reachable ? output_size(in[k], rng.integer(1, largest), stride[k], padding[k], dilation[k])
                               : rng.integer(1, in[k] + 2 * padding[k]);
        }
        Size3 expected = 1;
        bool none = false;
        for (int k = 0; k < 3; ++k) {
            const std::vector<Index> all = ref::kernel_size_for(in[k], out[k], stride[k], padding[k], dilation[k]);
            if (all.empty()) none = true;
            else expected[k] = all.front();
        }
        CAPTURE(trial);
        INFO("in " << in.to_string() << ", out " << out.to_string() << ", stride " << stride.to_string()
                   << ", padding " << padding.to_string() << ", dilation " << dilation.to_string());
        if (none) {
            CHECK_REFUSES(ch::smallest_kernel_size_for(in, out, stride, padding, dilation), "smallest_kernel_size_for");
            ++refused;
        } else {
            CHECK(ch::smallest_kernel_size_for(in, out, stride, padding, dilation) == expected);
            ++found;
        }
    }
    // The sweep reaches both answers.
    CHECK(found >= 30);
    CHECK(refused > 10);
}

// ------------------------------------------- the kernels, on the CPU ---
// Small shapes: the CPU runs every thread of every block in turn.

TEST_CASE("conv3d_kernel1_naive: on the CPU - matches the reference on random shapes") {
    check_kernel_sweep(ch::naive, 2111, 4, 12, 9);
}

TEST_CASE("conv3d_kernel2_shared: on the CPU - matches the reference on random shapes") {
    check_kernel_sweep(ch::shared_weights, 2112, 4, 12, 9);
}

TEST_CASE("conv3d_kernel2_shared: on the CPU - more weights than one shared chunk") {
    check_kernel2_many_taps(2113, 14);
}

TEST_CASE("conv3d_kernel3_tile: on the CPU - matches the reference on random shapes") {
    check_kernel_sweep(ch::shared_tile, 2114, 5, 12, 9);
}

TEST_CASE("conv3d_kernel3_tile: on the CPU - tiles cut by the edge and a halo from dilation") {
    // 19 x 21 outputs: tiles of 16 leave a 3 x 5 corner; the slab must hold the dilated halo.
    Rng rng(2115);
    const Tensor5 x = rng.tensor<5>(1, 2, 3, 23, 27);
    const Tensor5 w = rng.tensor<5>(2, 2, 1, 3, 4);
    check_kernel(ch::shared_tile, x, w, {}, 1, {0, 0, 1}, {1, 2, 3}, "conv3d kernel 3, 19 x 21 outputs, dilation (1, 2, 3)",
                 kHaloAt);
}

TEST_CASE("conv3d_kernel4_split: on the CPU - matches the reference on random shapes") {
    check_kernel_sweep(ch::split_reduction, 2116, 5, 8, 7);
}

TEST_CASE("conv3d_kernel4_split: on the CPU - a big kernel with few outputs") {
    check_kernel4_big_kernel(2117);
}

TEST_CASE("launch_conv3d: refuses a kernel version other than 1 to 4") {
    Rng rng(2118);
    const Tensor5 x = rng.tensor<5>(1, 1, 3, 3, 3);
    const Tensor5 w = rng.tensor<5>(1, 1, 2, 2, 2);
    CHECK_REFUSES(ch::conv3d_gpu(0, x, w), "conv3d_gpu", "0");
    CHECK_REFUSES(ch::conv3d_gpu(5, x, w), "conv3d_gpu", "5");
}
