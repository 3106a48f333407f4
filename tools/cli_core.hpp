#pragma once
// The learner's `kata` commands without their printing: the workbook's
// chapters (CMakeLists.txt's kata_add_chapter lines), building a chapter,
// its tests through ctest, the compiler's errors in the learner's own files,
// the hints, and the shipped stubs that `kata reset` restores.
//
// Everything here runs cmake, ctest and git as child processes
// (kata::process::run): kata-cli links no chapter, so it builds and runs
// even when the learner's code does not compile.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace kata::cli {

namespace fs = std::filesystem;

// A command line that cannot be obeyed as written: one line, exit 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A command that cannot be done here (no build tree, no solutions/...): one line, exit 1.
class Refusal : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Chapter {
    int number = 0;     // 3
    std::string id;     // "03"
    std::string topic;  // "padding"

    std::string name() const { return id + "_" + topic; }     // "03_padding"
    std::string dir() const { return "chapters/" + name(); }  // relative to the workbook's root
    std::string label() const { return "ch" + id; }           // ctest's label and test-name prefix
};

// "NN topic" of every kata_add_chapter(NN topic ...) line, in order.
std::vector<Chapter> parse_chapters(const std::string& cmakelists);

// The lesson's first heading without "Chapter NN —": "padding: growing the border".
std::string lesson_title(const std::string& readme, const std::string& fallback);

struct Workbook {
    fs::path root;   // canonical
    fs::path build;  // root/build/learner
    std::vector<Chapter> chapters;

    // Reads ROOT/CMakeLists.txt; throws Refusal when ROOT is not the workbook.
    static Workbook open(const fs::path& root);

    // "3", "03" -> chapter 3; anything else throws UsageError naming the chapters there are.
    const Chapter& chapter(const std::string& argument) const;
    const Chapter* after(const Chapter& chapter) const;  // the next chapter, or nullptr
    std::string numbers() const;                         // "1-11", for messages

    std::string title(const Chapter& chapter) const;
    // The files a learner edits (the chapter's .cpp and .cu files), relative to the root.
    std::vector<std::string> stub_files(const Chapter& chapter) const;
    // Every code file of the chapter (.cpp .cu .hpp .cuh): what `kata watch` watches.
    std::vector<std::string> code_files(const Chapter& chapter) const;

    // The chapter's test executables in the build tree (chNN_topic and, for
    // chapter 11, chNN_topic_device): empty when this build leaves the chapter out.
    std::vector<std::string> targets(const Chapter& chapter) const;
    bool configured(const Chapter& chapter) const { return !targets(chapter).empty(); }
    // Why a chapter is not in this build: KATA_CHAPTERS, or no CUDA compiler.
    std::string not_built_reason(const Chapter& chapter) const;
    std::string cache_value(const std::string& name) const;  // from build/learner/CMakeCache.txt

    // The text with every "ROOT/" taken out, so paths read chapters/03_padding/padding.cpp.
    std::string relative(std::string text) const;
};

// ------------------------------------------------------------------ building
struct Diagnostic {
    std::string file;                // as the compiler printed it, relative to the root
    int line = 0;
    std::string message;             // "'foo' was not declared in this scope"
    std::string learner_location;    // "chapters/03_padding/padding.cpp:12" when it is the learner's
    std::vector<std::string> lines;  // the error, its source excerpt and its first notes
};

struct CompilerErrors {
    std::vector<Diagnostic> in_learner_files;  // in chapters/NN_topic (or instantiated from there)
    std::vector<Diagnostic> elsewhere;         // in tests/, a header, ...
    std::vector<std::string> linker;           // "undefined reference to ..." lines
    std::vector<std::string> other;            // any other line that says "error"
};

// The errors of a build log (already relative) sorted by whose file they are in.
CompilerErrors compiler_errors(const std::string& log, const std::string& chapter_dir);

struct Build {
    bool ok = false;
    std::string log;  // relative paths
    std::string description;  // "exit code 1", "timed out after 600 s"
};

// cmake --build build/learner --target ... (keep_going: every target it can).
Build build_targets(const Workbook& workbook, const std::vector<std::string>& targets, bool keep_going);
// The chapters ("03") a keep-going build failed for, from the outputs it names
// as failed (ninja's "FAILED: CMakeFiles/ch03_padding_impl.dir/...", make's
// "[...ch03_tests.dir...] Error 1"). A failed output that belongs to no chapter
// (the reference, the test support) stops them all: "*".
std::set<std::string> failed_chapters(const std::string& log);

// --------------------------------------------------------------------- tests
enum class Outcome { passed, failed, skipped, not_run, timeout, crashed };

struct TestResult {
    int number = 0;           // ctest's test number: the declaration order
    std::string chapter_id;   // "03"
    std::string name;         // the doctest case, without "ch03/"
    Outcome outcome = Outcome::failed;
    std::string status;       // ctest's word: "Failed", "Exception: SegFault", ...
    std::string output;       // what the test printed (with --output-on-failure), relative
};

// ctest's result lines ("12/19 Test #44: ch03/... ***Failed 0.01 sec") and the
// output printed after a failed one, sorted by test number.
std::vector<TestResult> parse_ctest(const std::string& text);

// doctest's report of one failing case without its banner, separators, the
// case's own header and doctest's summary: the assertion and what it logged.
std::vector<std::string> doctest_message(const std::string& output);

// The exercise a test belongs to: its name up to the first ':' ("pad1d").
std::string exercise_of(const std::string& test_name);

// ctest -L 'REGEX' over the build tree. with_output: --output-on-failure.
std::vector<TestResult> run_tests(const Workbook& workbook, const std::vector<const Chapter*>& chapters,
                                  bool with_output);

struct Tally {
    int passed = 0, skipped = 0, total = 0;
    bool done() const { return total > 0 && passed == total; }
    // Every CPU test passes; the GPU tests were skipped (no CUDA device here).
    bool done_on_cpu() const { return skipped > 0 && passed > 0 && passed + skipped == total; }
    bool passes() const { return done() || done_on_cpu(); }
};
Tally tally(const std::vector<TestResult>& results, const std::string& chapter_id);

// --------------------------------------------------------------------- hints
struct Exercise {
    std::string name;                // the "## name" heading
    std::vector<std::string> hints;  // the "### Hint k" sections, in order
};
std::vector<Exercise> parse_hints(const std::string& markdown);

// .kata/hints: how many hints of each exercise were shown ("ch03 pad1d<TAB>2").
class HintState {
  public:
    explicit HintState(fs::path file);
    int shown(const std::string& key) const;
    void set(const std::string& key, int level);  // written at once

  private:
    fs::path file_;
    std::vector<std::pair<std::string, int>> entries_;
};

// ------------------------------------------------------------ shipped stubs
// .kata/pristine/NN_topic/: the stubs as shipped, kept the first time any
// command runs. In a git checkout whose top is the root they come from HEAD
// (the shipped files even if already edited), otherwise from the files as they
// are (a release without .git is unpacked and run before it is edited).
void keep_pristine(const Workbook& workbook);
// The shipped text of a stub (chapters/NN_topic/file.cpp), or nullopt.
std::optional<std::string> shipped(const Workbook& workbook, const std::string& relative_path);
// Whether any stub of the chapter differs from what was shipped.
bool edited(const Workbook& workbook, const Chapter& chapter);

// ------------------------------------------------------------------- helpers
std::string read_text(const fs::path& file);  // throws Refusal when unreadable
void write_text(const fs::path& file, const std::string& text);
std::vector<std::string> split_lines(const std::string& text);
std::string trim(const std::string& text);

}  // namespace kata::cli
