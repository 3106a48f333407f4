// kata-cli, the real binary, on a scratch copy of the workbook (a learner
// build of chapters 01 and 02, made by cli_scratch.cmake, the fixture). Each
// case leaves the scratch copy as it found it: a stub it edits is written
// back when the case ends, pass or fail.

#include "cli_core.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

namespace {

namespace fs = std::filesystem;
using kata::cli::read_text;
using kata::cli::split_lines;
using kata::cli::trim;
using kata::cli::write_text;

const fs::path kScratch = KATA_SCRATCH;
const fs::path kStub1 = kScratch / "chapters/01_conv1d/conv1d.cpp";
const fs::path kStub2 = kScratch / "chapters/02_stride/stride.cpp";
const fs::path kSolution1 = kScratch / "solutions/01_conv1d/conv1d.cpp";

struct Run {
    int code = -1;
    std::string output;  // stdout and stderr together
};

Run kata(const std::vector<std::string>& args, double seconds = 120) {
    std::vector<std::string> argv = {KATA_CLI, "--root", kScratch.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    kata::process::Options options;
    options.timeout_seconds = seconds;
    options.unset_env = {"NO_COLOR"};
    const auto result = kata::process::run(argv, options);
    INFO("kata-cli " << doctest::String(args.empty() ? "" : args.front().c_str()) << ": " << result.output);
    REQUIRE_MESSAGE(result.started, "kata-cli could not be run");
    REQUIRE_MESSAGE(!result.timed_out, "kata-cli took longer than " << seconds << " s");
    REQUIRE_MESSAGE(result.signal == 0, "kata-cli was killed by signal " << result.signal);
    return {result.exit_code, result.output};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The line of the board that starts with "  NN  ".
std::string board_line(const std::string& board, const std::string& id) {
    for (const auto& line : split_lines(board))
        if (line.rfind("  " + id + "  ", 0) == 0) return line;
    return "";
}

// A file put back as it was when the guard was made, however the case ends.
class Restore {
  public:
    explicit Restore(fs::path file) : file_(std::move(file)), text_(read_text(file_)) {}
    ~Restore() { write_text(file_, text_); }
    const std::string& original() const { return text_; }

  private:
    fs::path file_;
    std::string text_;
};

// ctest's own count of chapter 01's tests in the scratch build.
int chapter_tests(const std::string& id) {
    const auto result = kata::process::run({"ctest", "--test-dir", (kScratch / "build/learner").string(), "-N", "-L",
                                            "^ch" + id + "$", "-LE", "^hidden$"});
    std::smatch m;
    const std::regex total(R"(Total Tests: (\d+))");
    REQUIRE(std::regex_search(result.output, m, total));
    return std::stoi(m[1]);
}

// The title the board must show: the lesson's heading after "Chapter 01 —".
std::string lesson_title(const std::string& chapter_dir) {
    const std::string heading = split_lines(read_text(kScratch / chapter_dir / "README.md")).front();
    const auto dash = heading.find("\xe2\x80\x94");
    REQUIRE(dash != std::string::npos);
    return trim(heading.substr(dash + 3));
}

int line_of(const std::string& text, const std::string& part) {
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (has(lines[i], part)) return static_cast<int>(i) + 1;
    return 0;
}

TEST_CASE("board: every chapter with its title, 0/N, its status and the next step") {
    const auto r = kata({});
    CHECK(r.code == 0);
    CHECK_FALSE(has(r.output, "\x1b["));  // not a terminal: no colour
    const int n = chapter_tests("01");
    CHECK(n >= 8);
    const auto first = board_line(r.output, "01");
    CHECK(has(first, lesson_title("chapters/01_conv1d")));
    CHECK(has(first, " 0/" + std::to_string(n) + " "));
    CHECK(has(first, "not started"));
    const auto second = board_line(r.output, "02");
    CHECK(has(second, lesson_title("chapters/02_stride")));
    CHECK(has(second, " 0/" + std::to_string(chapter_tests("02")) + " "));
    // Every other chapter of CMakeLists.txt is listed, as not built in this build.
    for (const std::string id : {"03", "04", "05", "06", "07", "08", "09", "10", "11"}) {
        CAPTURE(id);
        CHECK(has(board_line(r.output, id), "not built here: this build has only the chapters KATA_CHAPTERS=01;02"));
    }
    CHECK(has(r.output, "Next: chapter 1, " + lesson_title("chapters/01_conv1d")));
    CHECK(has(r.output, "read   chapters/01_conv1d/README.md"));
    CHECK(has(r.output, "edit   chapters/01_conv1d/conv1d.cpp"));
    CHECK(has(r.output, "run    ./kata test 1"));
}

TEST_CASE("board: a chapter in progress, one done, one that does not compile") {
    Restore stub1(kStub1), stub2(kStub2);
    write_text(kStub1, stub1.original() + "\n// the learner's first line\n");
    auto r = kata({});
    CHECK(r.code == 0);
    CHECK(has(board_line(r.output, "01"), "in progress"));
    CHECK(has(r.output, "Next: chapter 1"));
    CHECK_FALSE(has(r.output, "read   chapters/01_conv1d"));  // started: the lesson was read

    write_text(kStub1, read_text(kSolution1));
    write_text(kStub2, stub2.original() + "\nint broken = ;\n");
    const int broken_line = static_cast<int>(split_lines(stub2.original()).size()) + 2;
    r = kata({});
    CHECK(r.code == 0);
    const int n = chapter_tests("01");
    CHECK(has(board_line(r.output, "01"), " " + std::to_string(n) + "/" + std::to_string(n) + " "));
    CHECK(has(board_line(r.output, "01"), "done"));
    CHECK(has(board_line(r.output, "02"), "does not compile"));
    CHECK(has(r.output, "Next: chapter 2"));
    CHECK(has(r.output, "fix    chapters/02_stride/stride.cpp:" + std::to_string(broken_line)));
}

TEST_CASE("test: each failing case with its doctest message, then passed/total and the next step") {
    const auto r = kata({"test", "1"});
    CHECK(r.code == 1);
    const int n = chapter_tests("01");
    CHECK(has(r.output, "  FAIL  conv1d_single: "));
    CHECK(has(r.output, "is not implemented yet"));  // doctest's message, under its case
    CHECK(has(r.output, "Chapter 1: 0/" + std::to_string(n) + " tests pass."));
    CHECK(has(r.output, "Next: make the first failure above pass in chapters/01_conv1d/conv1d.cpp"));
    // Not ctest's wall of output: no progress lines, no doctest banners, no absolute paths.
    CHECK_FALSE(has(r.output, "Test #"));
    CHECK_FALSE(has(r.output, "Start "));
    CHECK_FALSE(has(r.output, "[doctest]"));
    CHECK_FALSE(has(r.output, kScratch.string() + "/"));
}

TEST_CASE("test: a compile error in the stub is shown first, at its file and line") {
    Restore stub(kStub1);
    const auto lines = split_lines(stub.original());
    std::string edited;
    int at = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!at && has(lines[i], "throw not_implemented")) {
            at = static_cast<int>(i) + 1;
            edited += "    undeclared_name_in_the_stub();\n";
        }
        edited += lines[i] + "\n";
    }
    REQUIRE(at > 0);
    write_text(kStub1, edited);
    const auto r = kata({"test", "1"});
    CHECK(r.code == 1);
    const std::string where = "chapters/01_conv1d/conv1d.cpp:" + std::to_string(at);
    CHECK(line_of(r.output, "Chapter 1 does not compile") <= 3);
    CHECK(has(r.output, "The first error is in your code, at " + where));
    // The first compiler line shown is that error, with the source line under it.
    const auto shown = split_lines(r.output);
    const int first_error = line_of(r.output, "error:");
    REQUIRE(first_error > 0);
    CHECK(has(shown[static_cast<std::size_t>(first_error - 1)], where + ":"));
    CHECK(has(shown[static_cast<std::size_t>(first_error)], "undeclared_name_in_the_stub"));
    CHECK(has(r.output, "undeclared_name_in_the_stub"));
    CHECK(has(r.output, "Next: fix " + where));
    CHECK_FALSE(has(r.output, "FAILED:"));  // ninja's command lines are filtered out
    CHECK_FALSE(has(r.output, " -c "));
}

TEST_CASE("test and solution: a solved chapter passes, and its model solution is shown") {
    Restore stub(kStub1);
    write_text(kStub1, read_text(kSolution1));
    const int n = chapter_tests("01");
    auto r = kata({"test", "1"});
    CHECK(r.code == 0);
    CHECK(has(r.output, "Chapter 1: " + std::to_string(n) + "/" + std::to_string(n) + " tests pass."));
    CHECK(has(r.output, "Next: chapter 2"));
    r = kata({"solution", "1"});
    CHECK(r.code == 0);
    CHECK(has(r.output, "Chapter 1 passes"));
    CHECK(has(r.output, "==> solutions/01_conv1d/conv1d.cpp <=="));
    CHECK(has(r.output, read_text(kSolution1)));
}

TEST_CASE("solution: refused while the chapter fails, shown after a warning with --force, absent in a release") {
    auto r = kata({"solution", "1"});
    CHECK(r.code == 1);
    CHECK(trim(r.output).find('\n') == std::string::npos);  // one line
    CHECK(has(r.output, "kata solution: chapter 1 does not pass yet (0/"));
    CHECK(has(r.output, "--force"));

    r = kata({"solution", "1", "--force"});
    CHECK(r.code == 0);
    CHECK(line_of(r.output, "--force") == 1);  // the warning comes first
    CHECK(has(r.output, read_text(kSolution1)));

    // A student release has no solutions/ at all.
    const fs::path away = kScratch / "solutions-moved-by-the-test";
    fs::rename(kScratch / "solutions", away);
    struct MoveBack {
        fs::path from, to;
        ~MoveBack() { fs::rename(from, to); }
    } move_back{away, kScratch / "solutions"};
    r = kata({"solution", "1", "--force"});
    CHECK(r.code == 1);
    CHECK(has(r.output, "no solutions/"));
    CHECK(trim(r.output).find('\n') == std::string::npos);
}

TEST_CASE("hint: one level more each time up to the last, --level picks one, remembered in .kata/hints") {
    fs::remove(kScratch / ".kata/hints");
    const auto exercises = kata::cli::parse_hints(read_text(kScratch / "chapters/01_conv1d/hints.md"));
    REQUIRE(!exercises.empty());
    // On the stub every case fails, so the first failing exercise is the first one.
    const auto& first = exercises.front();
    const int count = static_cast<int>(first.hints.size());
    REQUIRE(count >= 2);
    for (int level = 1; level <= count + 1; ++level) {
        CAPTURE(level);
        const auto r = kata({"hint", "1"});
        CHECK(r.code == 0);
        const int shown = std::min(level, count);  // after the last, the last again
        CHECK(has(r.output, "Hint " + std::to_string(shown) + " of " + std::to_string(count) + " for " + first.name));
        CHECK(has(r.output, split_lines(first.hints[static_cast<std::size_t>(shown - 1)]).front()));
        CHECK(has(r.output, shown < count ? "Ask again for the next hint" : "That was the last hint"));
    }
    CHECK(has(read_text(kScratch / ".kata/hints"), "ch01 " + first.name + "\t" + std::to_string(count) + "\n"));

    auto r = kata({"hint", "1", "--level", "1"});
    CHECK(has(r.output, "Hint 1 of " + std::to_string(count)));
    r = kata({"hint", "1"});  // on from the level just shown
    CHECK(has(r.output, "Hint 2 of " + std::to_string(count)));
    r = kata({"hint", "1", "--level", "99"});
    CHECK(has(r.output, "Hint " + std::to_string(count) + " of " + std::to_string(count)));
    for (const std::string bad : {"0", "x", "-1"}) {
        CAPTURE(bad);
        r = kata({"hint", "1", "--level=" + bad});
        CHECK(r.code == 2);
        CHECK(trim(r.output).find('\n') == std::string::npos);
    }
}

TEST_CASE("reset: asks first, then puts the shipped stub back and keeps the learner's file in .kata/backup") {
    Restore stub(kStub1);
    const std::string mine = stub.original() + "\n// the learner's work\n";
    write_text(kStub1, mine);

    auto r = kata({"reset", "1"});  // stdin is /dev/null: no "y", nothing happens
    CHECK(r.code == 1);
    CHECK(has(r.output, "Reset chapter 1? [y/N]"));
    CHECK(has(r.output, "Nothing was changed."));
    CHECK(read_text(kStub1) == mine);

    r = kata({"reset", "1", "--yes"});
    CHECK(r.code == 0);
    CHECK(read_text(kStub1) == stub.original());
    std::smatch m;
    const std::regex saved(R"(Your files were saved in (\.kata/backup/01_conv1d-[0-9-]+/))");
    REQUIRE(std::regex_search(r.output, m, saved));
    CHECK(read_text(kScratch / m[1].str() / "conv1d.cpp") == mine);
    CHECK(fs::exists(kScratch / m[1].str() / "conv1d.hpp"));

    r = kata({"reset", "1", "--yes"});
    CHECK(r.code == 0);
    CHECK(has(r.output, "already as shipped"));
}

TEST_CASE("errors: one line and exit 2, never a crash") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"frobnicate"}, "unknown command 'frobnicate'"},
        {{"--frobnicate"}, "--frobnicate"},
        {{"test", "12"}, "kata test: there is no chapter 12"},
        {{"test", "x"}, "kata test: expected a chapter number, got 'x'"},
        {{"test"}, "kata test: which chapter?"},
        {{"test", "1", "2"}, "'2'"},
        {{"hint", "0"}, "kata hint: there is no chapter 0"},
        {{"reset", "99999999999"}, "kata reset: there is no chapter 99999999999"},
        {{"solution"}, "kata solution: which chapter?"},
        {{"watch", "12"}, "kata watch: there is no chapter 12"},
        {{"watch", "1", "--interval", "0"}, "--interval"},
    };
    for (const auto& [args, expected] : cases) {
        CAPTURE(args.front());
        CAPTURE(args.size());
        const auto r = kata(args);
        CHECK(r.code == 2);
        CHECK(has(r.output, expected));
        CHECK(trim(r.output).find('\n') == std::string::npos);
        CHECK_FALSE(has(r.output, "terminate called"));
    }
    // A chapter this build leaves out: refused (exit 1), in one line.
    const auto r = kata({"test", "3"});
    CHECK(r.code == 1);
    CHECK(has(r.output, "kata test: chapter 3 is not built here"));
    CHECK(trim(r.output).find('\n') == std::string::npos);
}

TEST_CASE("help: ./kata --help lists the commands, ./kata test --help its own") {
    auto r = kata({"--help"});
    CHECK(r.code == 0);
    for (const std::string command : {"board", "test", "watch", "hint", "reset", "solution"}) CHECK(has(r.output, "  " + command + " "));
    r = kata({"test", "--help"});
    CHECK(r.code == 0);
    CHECK(has(r.output, "Usage: ./kata test"));
    r = kata({"hint", "--help"});
    CHECK(has(r.output, "--level"));
    r = kata({"help"});
    CHECK(r.code == 0);
    CHECK(has(r.output, "solution"));
}

TEST_CASE("watch: reruns the tests when a file of the chapter is saved, and stops once it passes (no terminal)") {
    Restore stub(kStub1);
    const fs::path log = kScratch / ".kata-watch-output.txt";
    fs::remove(log);
    // The output goes to a file so that the case can see the first run end
    // before it saves; stdin is /dev/null, so no question is asked.
    int code = -1;
    std::thread watcher([&] {
        kata::process::Options options;
        options.timeout_seconds = 120;
        const auto result = kata::process::run(
            {"/bin/sh", "-c", "exec \"$0\" --root \"$1\" watch 1 --interval 0.1 > \"$2\" 2>&1", KATA_CLI,
             kScratch.string(), log.string()},
            options);
        code = result.timed_out ? -2 : result.exit_code;
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code error;
        if (fs::exists(log, error) && has(read_text(log), "Watching chapters/01_conv1d")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    write_text(kStub1, read_text(kSolution1));  // the learner saves a solution
    watcher.join();
    const std::string output = read_text(log);
    fs::remove(log);
    INFO(output);
    const std::string n = std::to_string(chapter_tests("01"));
    CHECK(code == 0);
    CHECK(line_of(output, "Chapter 1: 0/" + n + " tests pass.") > 0);
    CHECK(line_of(output, "Chapter 1: " + n + "/" + n + " tests pass.") > line_of(output, "Watching chapters/01_conv1d"));
    CHECK_FALSE(has(output, "[y/N]"));
}

TEST_CASE("watch --once: the first chapter that does not pass, one run") {
    const auto r = kata({"watch", "--once"});
    CHECK(r.code == 1);
    CHECK(has(r.output, "Chapter 1: "));
    CHECK_FALSE(has(r.output, "Watching"));
}

}  // namespace
