// The instructor's packaging: a student release of the workbook (no answers
// in it), and a Gradescope autograder built around `kata grade`.
#pragma once

#include "grade_core.hpp"

namespace kata::grade {

enum class HintPolicy { all, all_but_last, none };

struct ReleaseOptions {
  fs::path root;                      // the instructor's tree
  fs::path out;                       // the student repository to write (must not exist, or be empty)
  std::set<std::string> chapters;     // empty: every chapter
  HintPolicy hints = HintPolicy::all_but_last;  // the last hint of an exercise is the near-answer
  Points points;                      // for the GitHub Classroom workflow
};

// Writes the release; returns one line per thing worth telling the instructor.
// Throws std::runtime_error if an answer would leak into it.
std::vector<std::string> release(const ReleaseOptions& options);

// The files of the tree an instructor would hand on: git's tracked files when
// the tree is a git checkout, else every file but build trees.
std::vector<fs::path> distributable_files(const fs::path& root);

// Lines of the model solutions (long enough to be telling, in no code file of
// the release, so not in the stubs) that appear in its Markdown (lessons,
// hints, the README): "chapters/03_padding/README.md: a line of
// solutions/03_padding/padding.cpp".
std::vector<std::string> answer_leaks(const fs::path& root, const fs::path& dir);

// The last "### Hint" of every "## exercise" of a hints.md, removed.
std::string without_last_hints(const std::string& hints);

// .github/workflows/classroom.yml for the chapters released: one step per
// chapter, worth its points, each running `kata grade` on the repository.
std::string classroom_workflow(const std::string& template_text, const std::vector<Chapter>& chapters,
                               const Points& points);

struct PackageOptions {
  fs::path root;
  fs::path out;                       // FILE.zip
  std::set<std::string> chapters;     // empty: every chapter the grading machine builds
  std::vector<fs::path> hidden;       // more hidden-test folders
  fs::path points_file;               // empty: grading/points.json
};
// Writes the Gradescope autograder zip (setup.sh, run_autograder, the tree).
std::vector<std::string> gradescope_package(const PackageOptions& options);

}  // namespace kata::grade
