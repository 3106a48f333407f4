// Grading submissions: a clean copy of the instructor's tree, built once with
// the shipped stubs and kept as a pristine snapshot; for each submission the
// snapshot is restored, only the student's chapter files are copied in, and
// each chapter is built and its tests run on their own, with time limits.
#pragma once

#include "grade_core.hpp"

#include <functional>
#include <memory>

namespace kata::grade {

struct Settings {
  fs::path root;                         // the instructor's tree (with solutions/, tests/hidden/)
  fs::path work;                         // scratch space: one folder per slot
  std::set<std::string> chapters;        // chapters to grade; empty: every chapter this machine builds
  bool chapters_chosen = false;          // chosen by the instructor: a chapter that cannot be built is an error
  std::vector<fs::path> hidden;          // more hidden-test folders (--hidden)
  Points points;
  double build_timeout = 600;            // seconds, per chapter
  double test_timeout = 60;              // seconds, per test (ctest's TIMEOUT when lower)
  double startup_timeout = 20;           // seconds for a test program to list its tests
  double chapter_budget = 900;           // seconds for all of a chapter's tests
  bool source_check = true;              // refuse code that uses what could defeat the grader
  bool gpu_tests = false;              // --gpu-tests: count the GPU tests (in process: trusted work only)
  int test_jobs = 1;                     // tests run at once within one submission
  std::string build_type = "RelWithDebInfo";  // of the grading trees (the tests' own use None: fastest to build)
  std::function<void(const std::string&)> log;  // progress, for the instructor
};

class Workspace {
 public:
  Workspace(const Settings& settings, int slot);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Builds the pristine snapshot unless an up-to-date one exists. Throws
  // std::runtime_error when the instructor's tree does not build.
  void prepare();
  // The chapters and tests that every grade is out of (after prepare()).
  const std::vector<Chapter>& chapters() const;
  const std::vector<std::string>& notes() const;

  // Grades a submission (a folder or a .zip/.tar/.tar.gz archive). Never
  // throws for anything the submission does; the result says what happened.
  Grade grade(const fs::path& submission, const std::string& student);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Writes results.json, junit.xml and feedback.md (and the build logs under
// logs/) into `out`.
void write_outputs(const Grade& grade, const fs::path& out);

// Grades every submission in `dir` (each a folder or an archive) with `jobs`
// workspaces at once, writes OUT/<student>/ and OUT/grades.csv. Returns the
// grades in the order of grades.csv.
std::vector<Grade> grade_class(const Settings& settings, const fs::path& dir, const fs::path& out, int jobs);

}  // namespace kata::grade
