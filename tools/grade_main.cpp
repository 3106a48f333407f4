// kata-grade: the instructor's commands (./kata release, grade, grade-class,
// gradescope-package). Every problem is one line on stderr and a non-zero
// exit; a submission's problems are in its grade, never an exit code.
#include "grade_run.hpp"
#include "release.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

using namespace kata::grade;

namespace {

struct Common {
  std::string chapters;
  std::vector<std::string> hidden;
  std::string points;
  std::string work;
  double build_timeout = 600, test_timeout = 60, startup_timeout = 20, chapter_budget = 900;
  bool no_source_check = false, gpu_tests = false;
  std::string build_type = "RelWithDebInfo";
  bool build_type_given = false;
};

void add_common(CLI::App* command, Common& c) {
  command->add_option("--chapters", c.chapters, "Chapters to grade, e.g. 1-4 or 1,3,5-7 (default: every chapter this machine builds)");
  command->add_option("--hidden", c.hidden, "A folder of more hidden tests (chNN_topic*.cpp); may be repeated")
      ->check(CLI::ExistingDirectory);
  command->add_option("--points", c.points, "Points per chapter, as JSON (default: grading/points.json, else 10 each)")
      ->check(CLI::ExistingFile);
  command->add_option("--work", c.work, "Scratch folder for the grading trees (default: build/grade)");
  command->add_option("--build-timeout", c.build_timeout, "Seconds to build one chapter")->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--test-timeout", c.test_timeout, "Seconds for one test")->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--startup-timeout", c.startup_timeout, "Seconds for a test program to start and list its tests")->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--chapter-budget", c.chapter_budget, "Seconds for all the tests of one chapter")->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_flag("--no-source-check", c.no_source_check,
                    "Run code that calls exit, getenv, system, the reference... (by default such a chapter scores 0)");
  command->add_flag("--gpu-tests,--require-gpu", c.gpu_tests,
                    "Count chapter 11's GPU tests, which run the submitted code in their own process: for work you "
                    "trust (without a CUDA device they score 0)");
  command->add_option("--build-type", c.build_type, "CMAKE_BUILD_TYPE of the grading trees")
      ->capture_default_str()
      ->each([&c](const std::string&) { c.build_type_given = true; });
}

Settings settings_from(const fs::path& root, const Common& c) {
  Settings s;
  s.root = root;
  // --work, else $KATA_GRADE_WORK (an autograder's image keeps it), else build/grade.
  const char* env_work = std::getenv("KATA_GRADE_WORK");
  s.work = !c.work.empty() ? fs::absolute(c.work)
           : env_work && *env_work ? fs::absolute(env_work)
                                   : root / "build" / "grade";
  const auto chapters = read_chapters(root);
  if (!c.chapters.empty()) {
    s.chapters = parse_chapter_list(c.chapters, chapters);
    s.chapters_chosen = true;
  }
  for (const auto& h : c.hidden) s.hidden.push_back(fs::absolute(h));
  s.points = read_points(c.points.empty() ? root / "grading" / "points.json" : fs::path(c.points));
  s.build_timeout = c.build_timeout;
  s.test_timeout = c.test_timeout;
  s.startup_timeout = c.startup_timeout;
  s.chapter_budget = c.chapter_budget;
  s.source_check = !c.no_source_check;
  s.gpu_tests = c.gpu_tests;
  // --build-type, else $KATA_GRADE_BUILD_TYPE, else RelWithDebInfo.
  const char* env_type = std::getenv("KATA_GRADE_BUILD_TYPE");
  s.build_type = c.build_type_given || !env_type || !*env_type ? c.build_type : std::string(env_type);
  s.log = [](const std::string& message) { std::cerr << message << "\n"; };
  return s;
}

void print_summary(const Grade& grade) {
  std::cout << grade.student << ": " << format_points(grade.score()) << " / " << format_points(grade.max_score())
            << " points\n";
  for (const auto& c : grade.chapters) {
    std::cout << "  ch" << c.chapter.number << " " << c.chapter.topic << ": " << format_points(c.points()) << " / "
              << format_points(c.max_points) << " (" << c.passed() << "/" << c.cases.size() << " tests) " << c.status
              << "\n";
  }
  for (const auto& n : grade.notes) std::cout << "  note: " << n << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Convolution Kata for instructors: release the workbook, grade submissions, package an autograder."};
  app.require_subcommand(1);
  std::string root = ".";
  app.add_option("--root", root, "The workbook (default: the current folder)")->check(CLI::ExistingDirectory);

  // release
  auto* release_command = app.add_subcommand("release", "Write a student repository: no solutions, no hidden tests");
  std::string release_out, release_chapters, hints = "no-last";
  release_command->add_option("--out", release_out, "The folder to write (new or empty)")->required();
  release_command->add_option("--chapters", release_chapters, "Chapters to release, e.g. 1-4 (default: all)");
  release_command->add_option("--hints", hints, "all, no-last (default: each exercise's near-answer left out) or none")
      ->check(CLI::IsMember({"all", "no-last", "none"}));

  // grade
  auto* grade_command = app.add_subcommand("grade", "Grade one submission (a folder, or a .zip/.tar/.tar.gz archive)");
  std::string submission, grade_out;
  bool prepare_only = false, require_full = false;
  int test_jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Common grade_common;
  grade_command->add_option("submission", submission, "The student's work");
  grade_command->add_option("--out", grade_out, "Where results.json, junit.xml and feedback.md go");
  grade_command->add_flag("--prepare", prepare_only, "Only build the grading tree (for an autograder's set-up)");
  grade_command->add_flag("--require-full", require_full, "Exit 1 unless every point was earned (for CI steps)");
  grade_command->add_option("--jobs", test_jobs, "Tests run at once")->capture_default_str()->check(CLI::PositiveNumber);
  add_common(grade_command, grade_common);

  // grade-class
  auto* class_command = app.add_subcommand("grade-class", "Grade every submission (folder or archive) in a folder");
  std::string class_dir, class_out;
  int jobs = 1;
  Common class_common;
  class_command->add_option("submissions", class_dir, "One folder or archive per student")->required()
      ->check(CLI::ExistingDirectory);
  class_command->add_option("--out", class_out, "Where grades.csv and a folder per student go")->required();
  class_command->add_option("--jobs", jobs, "Submissions graded at once, each in its own build tree")->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_common(class_command, class_common);

  // gradescope-package
  auto* package_command = app.add_subcommand("gradescope-package", "Write a Gradescope autograder zip");
  std::string package_out, package_chapters, package_points;
  std::vector<std::string> package_hidden;
  package_command->add_option("--out", package_out, "The .zip to write")->required();
  package_command->add_option("--chapters", package_chapters, "Chapters to grade (default: every chapter the grader builds)");
  package_command->add_option("--hidden", package_hidden, "A folder of more hidden tests; may be repeated")
      ->check(CLI::ExistingDirectory);
  package_command->add_option("--points", package_points, "Points per chapter, as JSON")->check(CLI::ExistingFile);

  // check-grade
  auto* check_command = app.add_subcommand(
      "check-grade", "Exit 0 when a chapter earned every point in a grade's results.json (for CI steps)");
  std::string check_dir;
  int check_chapter = 0;
  check_command->add_option("grade", check_dir, "The folder kata grade wrote (--out)")->required()
      ->check(CLI::ExistingDirectory);
  check_command->add_option("chapter", check_chapter, "The chapter number")->required()->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    const fs::path workbook = fs::canonical(root);
    if (!fs::exists(workbook / "CMakeLists.txt") || !fs::is_directory(workbook / "chapters")) {
      std::cerr << "kata: " << workbook.string() << " is not the workbook (no CMakeLists.txt and chapters/)\n";
      return 2;
    }
    if (*release_command) {
      ReleaseOptions options;
      options.root = workbook;
      options.out = fs::absolute(release_out);
      if (!release_chapters.empty()) options.chapters = parse_chapter_list(release_chapters, read_chapters(workbook));
      options.hints = hints == "all" ? HintPolicy::all : hints == "none" ? HintPolicy::none : HintPolicy::all_but_last;
      options.points = read_points(workbook / "grading" / "points.json");
      for (const auto& line : release(options)) std::cout << line << "\n";
      std::cout << "Next: cd " << release_out << " && ./kata   (it builds, and every test fails until the work is done)\n";
      return 0;
    }
    if (*grade_command) {
      Settings settings = settings_from(workbook, grade_common);
      settings.test_jobs = test_jobs;
      Workspace workspace(settings, 0);
      workspace.prepare();
      if (prepare_only) {
        std::cout << "The grading tree is ready (" << workspace.chapters().size() << " chapters).\n";
        for (const auto& n : workspace.notes()) std::cout << "note: " << n << "\n";
        return 0;
      }
      if (submission.empty() || grade_out.empty()) {
        std::cerr << "kata grade: give a SUBMISSION and --out DIR (or --prepare)\n";
        return 2;
      }
      const fs::path path = fs::absolute(submission);
      const Grade grade = workspace.grade(path, student_name(path == fs::absolute(".") ? workbook : path));
      write_outputs(grade, fs::absolute(grade_out));
      print_summary(grade);
      std::cout << "Wrote " << grade_out << "/results.json, junit.xml and feedback.md\n";
      if (require_full && grade.score() + 1e-9 < grade.max_score()) return 1;
      return 0;
    }
    if (*class_command) {
      const Settings settings = settings_from(workbook, class_common);
      const auto grades = grade_class(settings, fs::absolute(class_dir), fs::absolute(class_out), jobs);
      for (const auto& g : grades) {
        std::cout << g.student << ": " << format_points(g.score()) << " / " << format_points(g.max_score()) << "\n";
      }
      std::cout << "Wrote " << class_out << "/grades.csv and a folder per student\n";
      return 0;
    }
    if (*check_command) {
      std::ifstream in(fs::path(check_dir) / "results.json");
      if (!in) {
        std::cerr << "kata: no results.json in " << check_dir << " (run ./kata grade first)\n";
        return 2;
      }
      const auto results = nlohmann::json::parse(in);
      char key[16];
      std::snprintf(key, sizeof key, "ch%02d", check_chapter);
      const auto& chapters = results.at("extra_data").at("chapters");
      if (!chapters.contains(key)) {
        std::cerr << "kata: chapter " << check_chapter << " was not graded in " << check_dir << "\n";
        return 2;
      }
      const auto& c = chapters.at(key);
      const double points = c.at("points"), max = c.at("max_points");
      std::cout << "Chapter " << check_chapter << ": " << format_points(points) << " / " << format_points(max)
                << " points, " << c.at("passed").get<int>() << "/" << c.at("tests").get<int>() << " tests ("
                << c.at("status").get<std::string>() << ")\n";
      return points + 1e-9 >= max && max > 0 ? 0 : 1;
    }
    if (*package_command) {
      PackageOptions options;
      options.root = workbook;
      options.out = fs::absolute(package_out);
      if (!package_chapters.empty()) options.chapters = parse_chapter_list(package_chapters, read_chapters(workbook));
      for (const auto& h : package_hidden) options.hidden.push_back(fs::absolute(h));
      if (!package_points.empty()) options.points_file = fs::absolute(package_points);
      for (const auto& line : gradescope_package(options)) std::cout << line << "\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "kata: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
