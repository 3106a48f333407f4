// The grader's model: what a chapter is, which of a submission's files count,
// how a test run is judged, how points are shared out, and the files written
// for instructors and grading engines (results.json, junit.xml, feedback.md,
// grades.csv). No process is started here, so all of it is tested in process.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kata::grade {

namespace fs = std::filesystem;

// One kata_add_chapter(NN topic [USES_REFERENCE]) line of CMakeLists.txt.
struct Chapter {
  std::string number;                 // "03"
  std::string topic;                  // "padding"
  bool uses_reference = false;        // its code may call convkata::ref (chapter 08)
  std::vector<std::string> files;     // the files a student edits: chapters/NN_topic/*.cpp, *.cu
  std::set<std::string> allowed_reference;  // ref:: functions its shipped stub names (USES_REFERENCE)

  std::string dir() const { return number + "_" + topic; }  // "03_padding"
  std::string label() const { return "ch" + number; }       // "ch03"
};

// Every chapter of the tree at `root`, in order.
std::vector<Chapter> read_chapters(const fs::path& root);

// "1-4", "1,3,5-7", "03" -> {"01", "02", ...}; throws std::invalid_argument
// naming the text when it is malformed or names a chapter that `chapters` lacks.
std::set<std::string> parse_chapter_list(const std::string& text, const std::vector<Chapter>& chapters);

// Points per chapter (grading/points.json):
//   {"default": 10, "chapters": {"11": 20}}
// Every chapter is worth "default" points (10 when absent) unless listed.
struct Points {
  double default_points = 10;
  std::map<std::string, double> chapters;
  double of(const std::string& number) const;
};
Points read_points(const fs::path& file);  // a missing file: the defaults; a malformed one throws

// ---------------------------------------------------------------- submission

// Where each chapter's files are in a submission, wherever the student put
// them: ".../chapters/03_padding/padding.cpp" first, then ".../03_padding/padding.cpp",
// then a lone "padding.cpp" anywhere (only when exactly one file has that name).
struct SubmittedFile {
  std::string name;   // "padding.cpp"
  fs::path source;    // in the submission
};
struct Located {
  std::map<std::string, std::vector<SubmittedFile>> by_chapter;  // chapter number -> files found
  std::vector<std::string> notes;                                 // ambiguities, oversize files
};
inline constexpr std::uintmax_t kMaxSubmittedFileBytes = 1 << 20;
Located locate_files(const fs::path& submission, const std::vector<Chapter>& chapters);

// What a chapter's code may not use: what could end a test early, reach the
// grader's marker, run other programs, or call the reference instead of doing
// the exercise. One line per use: "padding.cpp:12: `std::exit` ...".
std::vector<std::string> forbidden_uses(const std::string& file_name, const std::string& source,
                                        const Chapter& chapter);

// ---------------------------------------------------------------- one test

enum class Outcome {
  passed,
  failed,         // ran to the end, a check failed
  crashed,        // killed by a signal (abort, segfault, ...)
  timed_out,
  exited_early,   // the process ended without the end-of-run marker
  skipped,        // the test skipped itself (a GPU case without a device)
  not_built,      // the chapter did not compile (or its build timed out)
  not_run,        // never started: the chapter was not submitted, was rejected, or its program cannot start
};
std::string to_string(Outcome outcome);

// How one test process ended, for `judge`.
struct Run {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  std::string output;
};

// A test passes only when its process exited with 0 AND printed the marker
// line "<marker> cases=1 failed=0" (tests/support/main.cpp). `skip_pattern`
// is the test's SKIP_REGULAR_EXPRESSION, if any. `why` says what happened.
Outcome judge(const Run& run, const std::string& marker, const std::string& skip_pattern, std::string* why);

// The output a student sees for a test: the marker and doctest's banner lines
// removed, at most `limit` characters.
std::string tidy_output(const std::string& output, const std::string& marker, std::size_t limit = 4000);

// ---------------------------------------------------------------- a grade

struct TestCase {
  std::string chapter;   // "03"
  std::string name;      // the ctest name: "ch03/pad1d: ..." or "ch03/hidden/..."
  bool hidden = false;
  bool gpu = false;
  std::vector<std::string> command;   // from ctest: the test program and its arguments
  std::string working_directory;
  std::string skip_pattern;
  double timeout = 60;
};

struct CaseResult {
  TestCase test;
  Outcome outcome = Outcome::not_run;
  std::string why;      // "exit code 1", "timed out after 10 s", ...
  std::string output;   // tidied
  double seconds = 0;
  double points = 0;
  double max_points = 0;
};

struct ChapterGrade {
  Chapter chapter;
  double max_points = 0;
  bool submitted = false;           // some file of the chapter was found
  std::string status;               // one line: "graded", "not submitted", "does not compile", ...
  std::vector<std::string> problems;  // forbidden uses, start-up failures, notes
  std::string compiler_errors;      // the build's errors in the student's files
  std::string build_log;            // the whole build output, for the instructor
  std::vector<CaseResult> cases;

  double points() const;
  int passed() const;
};

struct Grade {
  std::string student;
  std::vector<ChapterGrade> chapters;
  std::vector<std::string> notes;   // about the whole submission
  double seconds = 0;

  double score() const;
  double max_score() const;
};

// Shares each chapter's points over its cases (visible and hidden), equally
// to the last of 4 decimals and adding up exactly to the chapter's points,
// and gives each passed case its share; every other outcome scores 0.
void assign_points(Grade& grade);

// Points as written everywhere: at most 4 decimals, no trailing zeros.
std::string format_points(double points);

// Gradescope's autograder format: score, tests[] with name, score, max_score,
// status, output and visibility ("after_due_date" for hidden tests).
nlohmann::json results_json(const Grade& grade);
// JUnit XML: one <testsuite> per chapter, one <testcase> per test.
std::string junit_xml(const Grade& grade);
// For the student: points per chapter, compiler errors, failing cases with
// their teaching messages (hidden cases counted, not shown).
std::string feedback_markdown(const Grade& grade);
// grades.csv: "student,ch01,...,total,max,notes" and one row per grade.
std::string csv_header(const std::vector<Chapter>& chapters);
std::string csv_row(const Grade& grade, const std::vector<Chapter>& chapters);

// Whether a submission is a .zip, .tar, .tar.gz or .tgz archive.
bool is_archive(const fs::path& path);
// "alice smith.zip" -> "alice_smith": a safe folder name for a student.
std::string student_name(const fs::path& entry);

}  // namespace kata::grade
