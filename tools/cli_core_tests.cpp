// kata-cli's readers, in process: ctest's report, doctest's messages, the
// compiler's errors, CMakeLists.txt, the lessons' headings, hints.md and the
// hint state. The samples are what those programs print (ctest 3.25,
// doctest 2.4.9, GCC 12, nvcc, GNU ld), trimmed.

#include "cli_core.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

namespace {

using namespace kata::cli;

const char* kCtest = R"(Test project /work/build/learner
      Start 32: ch03/pad1d: the four modes
      Start 33: ch03/pad1d: left and right
 1/5 Test #33: ch03/pad1d: left and right ......................***Failed    0.01 sec
[doctest] doctest version is "2.4.9"
[doctest] run with "--help" for options
===============================================================================
tests/ch03_padding.cpp:178:
TEST CASE:  pad1d: left and right

tests/ch03_padding.cpp:180: ERROR: CHECK( y == 3 ) is NOT correct!
  values: CHECK( 2 == 3 )

===============================================================================
[doctest] test cases: 1 | 0 passed | 1 failed | 18 skipped
[doctest] assertions: 1 | 0 passed | 1 failed |
[doctest] Status: FAILURE!

      Start 34: ch03/conv1d: x
 2/5 Test #32: ch03/pad1d: the four modes ......   Passed    0.01 sec
 3/5 Test #34: ch03/conv1d: x ...***Exception: SegFault  0.02 sec
 4/5 Test #35: ch11/conv3d_kernel1_naive: matches the CPU reference on random shapes ...***Skipped   0.01 sec
 5/5 Test #36: ch03/conv1d: a name: with colons ...***Timeout  60.01 sec

60% tests passed, 2 tests failed out of 5

Total Test time (real) =  60.10 sec
)";

TEST_CASE("parse_ctest: every result line, in test order, with the output of the failed ones") {
    const auto results = parse_ctest(kCtest);
    REQUIRE(results.size() == 5);
    CHECK(results[0].number == 32);
    CHECK(results[0].chapter_id == "03");
    CHECK(results[0].name == "pad1d: the four modes");
    CHECK(results[0].outcome == Outcome::passed);
    CHECK(results[0].output.empty());
    CHECK(results[1].name == "pad1d: left and right");
    CHECK(results[1].outcome == Outcome::failed);
    CHECK(results[1].output.find("values: CHECK( 2 == 3 )") != std::string::npos);
    CHECK(results[1].output.find("Start 34") == std::string::npos);  // ctest's lines end the output
    CHECK(results[2].outcome == Outcome::crashed);
    CHECK(results[2].status == "Exception: SegFault");
    CHECK(results[3].chapter_id == "11");
    CHECK(results[3].outcome == Outcome::skipped);
    CHECK(results[4].name == "conv1d: a name: with colons");
    CHECK(results[4].outcome == Outcome::timeout);

    const auto t = tally(results, "03");
    CHECK(t.total == 4);
    CHECK(t.passed == 1);
    CHECK_FALSE(t.passes());
    CHECK(tally(results, "11").skipped == 1);
    CHECK_FALSE(tally(results, "11").done_on_cpu());  // nothing passed there
}

TEST_CASE("doctest_message: the assertion and what it logged, without banners and headers") {
    const auto results = parse_ctest(kCtest);
    const auto message = doctest_message(results[1].output);
    REQUIRE(message.size() == 2);
    CHECK(message[0] == "tests/ch03_padding.cpp:180: ERROR: CHECK( y == 3 ) is NOT correct!");
    CHECK(message[1] == "  values: CHECK( 2 == 3 )");
    CHECK(exercise_of("pad1d: left and right") == "pad1d");
    CHECK(exercise_of("conv1d: a name: with colons") == "conv1d");
}

TEST_CASE("compiler_errors: the learner's errors first, including ones reached from their code") {
    const char* log = R"([1/3] Building CXX object CMakeFiles/ch03_padding_impl.dir/chapters/03_padding/padding.cpp.o
FAILED: CMakeFiles/ch03_padding_impl.dir/chapters/03_padding/padding.cpp.o
/usr/bin/c++ -Iinclude -O2 -o CMakeFiles/x.o -c chapters/03_padding/padding.cpp
chapters/03_padding/padding.cpp: In function 'int f()':
chapters/03_padding/padding.cpp:20:9: warning: unused variable 'q' [-Wunused-variable]
   20 |     int q;
      |         ^
chapters/03_padding/padding.cpp:21:5: error: 'foo' was not declared in this scope
   21 |     foo();
      |     ^~~
In file included from /usr/include/c++/12/algorithm:61,
                 from chapters/03_padding/padding.cpp:2:
/usr/include/c++/12/bits/stl_algo.h: In instantiation of 'void std::sort(It, It, Compare)':
chapters/03_padding/padding.cpp:30:14:   required from here
/usr/include/c++/12/bits/predefined_ops.h:158:30: error: expression cannot be used as a function
  158 |         { return bool(_M_comp(*__it1, *__it2)); }
      |                       ~~~~~~~^~~~~~~~~~~~~~~~
/usr/include/c++/12/bits/predefined_ops.h:150:5: note: declared here
tests/ch03_padding.cpp:50:10: error: 'pad2d' is not a member of 'convkata::ch03'
/usr/bin/ld: CMakeFiles/ch03_tests.dir/tests/ch03_padding.cpp.o: in function `f()':
tests/ch03_padding.cpp:12: undefined reference to `convkata::ch03::same_padding(long)'
collect2: error: ld returned 1 exit status
ninja: build stopped: subcommand failed.
)";
    const auto errors = compiler_errors(log, "chapters/03_padding");
    REQUIRE(errors.in_learner_files.size() == 2);
    const auto& first = errors.in_learner_files[0];
    CHECK(first.learner_location == "chapters/03_padding/padding.cpp:21");
    CHECK(first.message == "'foo' was not declared in this scope");
    REQUIRE(first.lines.size() == 3);  // the error and its excerpt, not the warning's
    CHECK(first.lines[1] == "   21 |     foo();");
    const auto& second = errors.in_learner_files[1];
    CHECK(second.learner_location == "chapters/03_padding/padding.cpp:30");  // not the #include on line 2
    CHECK(second.file == "/usr/include/c++/12/bits/predefined_ops.h");
    CHECK(second.lines.front() == "chapters/03_padding/padding.cpp:30:14:   required from here");
    CHECK(second.lines.back() == "/usr/include/c++/12/bits/predefined_ops.h:150:5: note: declared here");
    REQUIRE(errors.elsewhere.size() == 1);
    CHECK(errors.elsewhere[0].file == "tests/ch03_padding.cpp");
    REQUIRE(errors.linker.size() == 1);
    CHECK(errors.linker[0].find("same_padding") != std::string::npos);
    for (const auto& line : errors.other) CHECK(line.find(" -c ") == std::string::npos);  // no command lines

    const auto cuda = compiler_errors("chapters/11_conv3d_gpu/conv3d_gpu.cu(42): error: identifier \"foo\" is undefined\n"
                                      "        foo = 1;\n", "chapters/11_conv3d_gpu");
    REQUIRE(cuda.in_learner_files.size() == 1);
    CHECK(cuda.in_learner_files[0].learner_location == "chapters/11_conv3d_gpu/conv3d_gpu.cu:42");
}

TEST_CASE("failed_chapters: the chapters a keep-going build could not build") {
    CHECK(failed_chapters("[1/4] Building CXX object x.o\n"
                          "FAILED: CMakeFiles/ch03_padding_impl.dir/chapters/03_padding/padding.cpp.o\n"
                          "FAILED: ch11_conv3d_gpu_device\n") == std::set<std::string>{"03", "11"});
    CHECK(failed_chapters("make[2]: *** [CMakeFiles/ch02_tests.dir/build.make:76: "
                          "CMakeFiles/ch02_tests.dir/tests/ch02_stride.cpp.o] Error 1\n") == std::set<std::string>{"02"});
    // The reference or the test support: every chapter needs them.
    CHECK(failed_chapters("FAILED: reference/CMakeFiles/convkata_reference.dir/conv_nd.cpp.o\n").count("*") == 1);
    CHECK(failed_chapters("[2/2] Linking CXX executable ch01_conv1d\n").empty());
}

TEST_CASE("parse_chapters and lesson_title: CMakeLists.txt's chapters and the lessons' headings") {
    const auto chapters = parse_chapters("# kata_add_chapter(NN topic)\nkata_add_chapter(01 conv1d)\n"
                                         "kata_add_chapter(08 transposed USES_REFERENCE)\n"
                                         "if(X)\n  kata_add_chapter(11 conv3d_gpu)\nendif()\n");
    REQUIRE(chapters.size() == 3);
    CHECK(chapters[0].number == 1);
    CHECK(chapters[0].dir() == "chapters/01_conv1d");
    CHECK(chapters[1].topic == "transposed");
    CHECK(chapters[2].label() == "ch11");

    CHECK(lesson_title("# Chapter 03 \xe2\x80\x94 padding: growing the border\n\ntext", "padding") ==
          "padding: growing the border");
    CHECK(lesson_title("# Chapter 11: Conv3d on the GPU\n", "conv3d_gpu") == "Conv3d on the GPU");
    CHECK(lesson_title("# Pooling\n", "pooling") == "Pooling");
    CHECK(lesson_title("no heading\n", "pooling") == "pooling");
}

TEST_CASE("parse_hints and HintState: the sections of hints.md, the levels shown") {
    const auto exercises = parse_hints("# Hints: chapter 03\n\n## pad1d\n### Hint 1\nFirst.\n\n### Hint 2\nSecond\nline.\n\n"
                                       "## same_padding\n### Hint 1\nOnly one.\n");
    REQUIRE(exercises.size() == 2);
    CHECK(exercises[0].name == "pad1d");
    REQUIRE(exercises[0].hints.size() == 2);
    CHECK(exercises[0].hints[0] == "First.");
    CHECK(exercises[0].hints[1] == "Second\nline.");
    CHECK(exercises[1].hints.size() == 1);

    char folder[] = "/tmp/kata-hints-XXXXXX";
    REQUIRE(::mkdtemp(folder) != nullptr);
    const fs::path file = fs::path(folder) / ".kata" / "hints";
    write_text(file, "ch11 conv3d_params\t1\ndamaged line\nch03 pad1d\tx\n");
    {
        HintState state(file);
        CHECK(state.shown("ch11 conv3d_params") == 1);
        CHECK(state.shown("ch03 pad1d") == 0);
        state.set("ch03 pad1d", 2);
    }
    HintState again(file);
    CHECK(again.shown("ch03 pad1d") == 2);
    CHECK(again.shown("ch11 conv3d_params") == 1);
    fs::remove_all(folder);
}

}  // namespace
