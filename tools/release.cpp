#include "release.hpp"

#include "process.hpp"
#include "workbook.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace kata::grade {

namespace {

void copy_into(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::status(from).permissions());
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// The chapter number of "chapters/03_padding/..." or "tests/ch03_padding.cpp", or "".
std::string chapter_of(const std::string& path) {
  static const std::regex chapter_file(R"(^(chapters|solutions)/([0-9][0-9])_)");
  static const std::regex test_file(R"(^tests/ch([0-9][0-9])_)");
  std::smatch m;
  if (std::regex_search(path, m, chapter_file)) return m[2];
  if (std::regex_search(path, m, test_file)) return m[1];
  return "";
}

// Instructor-only: the answers, the mistake catalogue (patches on the
// answers), the hidden tests, the grading set-up and the workbook's own CI.
bool instructor_only(const std::string& path) {
  for (const std::string prefix : {"solutions/", "tests/mistakes/", "tests/hidden/", "grading/", ".ci/", ".github/"}) {
    if (starts_with(path, prefix)) return true;
  }
  return false;
}

void fail_if(bool failed, const std::string& what) {
  if (failed) throw std::runtime_error(what);
}

// `out` may be new or an empty folder, never a file or a folder with something in it.
void make_empty_folder(const fs::path& out, const fs::path& root) {
  const auto absolute = fs::weakly_canonical(out), tree = fs::weakly_canonical(root);
  fail_if(absolute == tree, "--out must not be the workbook itself");
  if (fs::exists(out)) {
    fail_if(!fs::is_directory(out), out.string() + " exists and is not a folder");
    fail_if(!fs::is_empty(out), out.string() + " is not empty: choose a new folder");
  }
  fs::create_directories(out);
}

}  // namespace

std::vector<fs::path> distributable_files(const fs::path& root) {
  std::vector<fs::path> files;
  if (fs::exists(root / ".git")) {
    process::Options options;
    options.timeout_seconds = 60;
    options.max_output = 64 << 20;
    const auto listed = process::run({"git", "-C", root.string(), "ls-files", "-z", "--cached", "--others",
                                      "--exclude-standard"},
                                     options);
    if (listed.succeeded()) {
      std::string name;
      std::istringstream names(listed.output);
      while (std::getline(names, name, '\0')) {
        if (!name.empty() && fs::is_regular_file(root / name)) files.emplace_back(name);
      }
      std::sort(files.begin(), files.end());
      files.erase(std::unique(files.begin(), files.end()), files.end());
      return files;
    }
  }
  for (fs::recursive_directory_iterator it(root), end; it != end; ++it) {
    const auto relative = fs::relative(it->path(), root);
    const std::string first = relative.begin()->string();
    if (first == "build" || first == ".git" || first == ".kata") {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && !it->is_symlink()) files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string without_last_hints(const std::string& hints) {
  // Sections: "## exercise" opens one, "### Hint k" a hint inside it.
  std::vector<std::string> lines;
  std::istringstream in(hints);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<bool> keep(lines.size(), true);
  std::size_t i = 0;
  while (i < lines.size()) {
    if (!starts_with(lines[i], "## ")) { ++i; continue; }
    std::size_t end = i + 1;
    while (end < lines.size() && !starts_with(lines[end], "## ")) ++end;
    std::size_t last = end;
    int count = 0;
    for (std::size_t k = i + 1; k < end; ++k) {
      if (starts_with(lines[k], "### ")) { last = k; ++count; }
    }
    if (count > 1) {  // an exercise with one hint keeps it
      for (std::size_t k = last; k < end; ++k) keep[k] = false;
      // The blank lines before the next exercise stay.
      for (std::size_t k = end; k-- > last && trim(lines[k]).empty();) keep[k] = true;
    }
    i = end;
  }
  std::string out;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (keep[k]) out += lines[k] + "\n";
  }
  return out;
}

std::vector<std::string> answer_leaks(const fs::path& root, const fs::path& dir) {
  std::vector<std::string> leaks;
  // Nothing of the instructor's own folders, whatever it contains.
  for (const std::string only : {"solutions", "tests/mistakes", "tests/hidden", "grading"}) {
    if (fs::exists(dir / only)) leaks.push_back(only + "/: an instructor-only folder");
  }
  const fs::path solutions = root / "solutions";
  if (!fs::is_directory(solutions)) return leaks;

  // Lines the release shares on purpose: its code (the stubs and the
  // headers beside them, the reference, the tests' support, the tools) may
  // say what a solution says, a signature, an error message or a loop header.
  // Only prose can give an answer away by accident: the lessons, the hints
  // and the other Markdown pages.
  auto lines_of = [](const std::string& text) {
    std::set<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.insert(trim(line));
    return lines;
  };
  std::set<std::string> shared;
  std::vector<fs::path> lessons;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) {
    if (!it->is_regular_file() || it->path().extension() == ".json" || it->file_size() > (4u << 20)) continue;
    if (it->path().extension() == ".md") lessons.push_back(it->path());
    else shared.merge(lines_of(read_text(it->path())));
  }

  // Telling lines: long enough, code rather than comment, and in no file of
  // the release's code (so not in the stub either).
  struct Telling {
    std::string line;
    std::string from;
  };
  std::vector<Telling> telling;
  for (const auto& chapter : fs::directory_iterator(solutions)) {
    if (!chapter.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(chapter.path())) {
      if (!file.is_regular_file()) continue;
      for (const auto& line : lines_of(read_text(file.path()))) {
        if (line.size() < 40 || shared.count(line)) continue;
        if (starts_with(line, "//") || starts_with(line, "*") || starts_with(line, "/*")) continue;
        telling.push_back({line, fs::relative(file.path(), root).generic_string()});
      }
    }
  }
  for (const auto& lesson : lessons) {
    const std::string text = read_text(lesson);
    for (const auto& t : telling) {
      if (text.find(t.line) != std::string::npos) {
        leaks.push_back(fs::relative(lesson, dir).generic_string() + ": a line of " + t.from + ": " + t.line);
        break;
      }
    }
  }
  return leaks;
}

std::string classroom_workflow(const std::string& template_text, const std::vector<Chapter>& chapters,
                               const Points& points) {
  std::string steps, env, runners;
  for (const auto& c : chapters) {
    const std::string id = "ch" + c.number;
    steps += "      - name: \"" + id + " " + c.topic + "\"\n"
             "        id: " + id + "\n"
             "        uses: classroom-resources/autograding-command-grader@v1\n"
             "        with:\n"
             "          test-name: \"" + id + " " + c.topic + "\"\n"
             "          command: ./kata check-grade .kata/grade " + std::to_string(std::stoi(c.number)) + "\n"
             "          timeout: 5\n"
             "          max-score: " + format_points(points.of(c.number)) + "\n";
    std::string upper = id;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    env += "          " + upper + "_RESULTS: \"${{steps." + id + ".outputs.result}}\"\n";
    runners += (runners.empty() ? "" : ",") + id;
  }
  std::string text = template_text;
  auto replace = [&](const std::string& key, const std::string& value) {
    const auto at = text.find(key);
    fail_if(at == std::string::npos, "the GitHub Classroom template has no " + key);
    // The whole line of the key is replaced (its indentation is in the value).
    const auto line_start = text.rfind('\n', at) + 1;
    const auto line_end = text.find('\n', at);
    std::string v = value;
    if (!v.empty() && v.back() == '\n') v.pop_back();
    text.replace(line_start, line_end - line_start, v);
  };
  replace("@STEPS@", steps);
  replace("@ENV@", env);
  const auto at = text.find("@RUNNERS@");
  fail_if(at == std::string::npos, "the GitHub Classroom template has no @RUNNERS@");
  text.replace(at, 9, runners);
  return text;
}

std::vector<std::string> release(const ReleaseOptions& options) {
  const auto all = read_chapters(options.root);
  std::set<std::string> chosen = options.chapters;
  if (chosen.empty()) {
    for (const auto& c : all) chosen.insert(c.number);
  }
  make_empty_folder(options.out, options.root);

  std::vector<std::string> said;
  std::size_t copied = 0;
  for (const auto& file : distributable_files(options.root)) {
    const std::string path = file.generic_string();
    if (instructor_only(path)) continue;
    const std::string chapter = chapter_of(path);
    if (!chapter.empty() && !chosen.count(chapter)) continue;
    const fs::path from = options.root / file, to = options.out / file;
    if (path == "CMakeLists.txt") {
      // Only the released chapters are built.
      std::istringstream in(read_text(from));
      std::string out;
      for (std::string line; std::getline(in, line);) {
        const auto chapter = chapter_line(line);
        if (chapter && !chosen.count(chapter->number)) continue;
        out += line + "\n";
      }
      write_text(to, out);
    } else if (path == "README.md") {
      // The chapter table lists only the released chapters.
      std::istringstream in(read_text(from));
      std::string out;
      static const std::regex row(R"(^\| ([0-9][0-9]) \|)");
      for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, row) && !chosen.count(m[1])) continue;
        out += line + "\n";
      }
      write_text(to, out);
    } else if (file.filename() == "hints.md" && starts_with(path, "chapters/")) {
      if (options.hints == HintPolicy::none) continue;
      write_text(to, options.hints == HintPolicy::all ? read_text(from) : without_last_hints(read_text(from)));
    } else {
      copy_into(from, to);
    }
    ++copied;
  }

  std::vector<Chapter> released;
  for (const auto& c : all) {
    if (chosen.count(c.number)) released.push_back(c);
  }
  const fs::path workflow_template = options.root / "grading" / "github-classroom.yml";
  if (fs::exists(workflow_template)) {
    write_text(options.out / ".github" / "workflows" / "classroom.yml",
               classroom_workflow(read_text(workflow_template), released, options.points));
    said.push_back("GitHub Classroom: .github/workflows/classroom.yml, one step per chapter");
  }

  const auto leaks = answer_leaks(options.root, options.out);
  if (!leaks.empty()) {
    std::string what = "the release would give answers away, so it was removed:";
    for (const auto& leak : leaks) what += "\n  " + leak;
    fs::remove_all(options.out);
    throw std::runtime_error(what);
  }
  std::string list;
  for (const auto& c : released) list += (list.empty() ? "" : " ") + c.number;
  said.insert(said.begin(), "Released chapters " + list + " to " + options.out.string() + " (" +
                                std::to_string(copied) + " files; no solutions, hidden tests or mistake catalogue)");
  said.push_back(options.hints == HintPolicy::all    ? "Hints: all of them"
                 : options.hints == HintPolicy::none ? "Hints: none"
                                                     : "Hints: all but each exercise's last (the near-answer); --hints all keeps them");
  return said;
}

std::vector<std::string> gradescope_package(const PackageOptions& options) {
  fail_if(options.out.extension() != ".zip", "--out must name a .zip file, not " + options.out.string());
  const fs::path stage = fs::temp_directory_path() / ("kata-gradescope-" + std::to_string(::getpid()));
  fs::remove_all(stage);
  fs::create_directories(stage);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { std::error_code e; fs::remove_all(dir, e); }
  } cleanup{stage};

  // The grader's tree: everything but the answers and the mistake catalogue;
  // hidden tests included (the autograder is never shown to students).
  std::size_t copied = 0;
  for (const auto& file : distributable_files(options.root)) {
    const std::string path = file.generic_string();
    if (starts_with(path, "solutions/") || starts_with(path, "tests/mistakes/") || starts_with(path, ".ci/")) continue;
    copy_into(options.root / file, stage / file);
    ++copied;
  }
  for (std::size_t i = 0; i < options.hidden.size(); ++i) {
    for (const auto& file : distributable_files(options.hidden[i])) {
      copy_into(options.hidden[i] / file, stage / "grading" / ("hidden-" + std::to_string(i + 1)) / file);
    }
  }
  if (!options.points_file.empty()) copy_into(options.points_file, stage / "grading" / "points.json");

  std::string chapters;
  for (const auto& c : options.chapters) chapters += (chapters.empty() ? "" : ",") + c;
  std::string grade_arguments = chapters.empty() ? "" : " --chapters " + chapters;
  for (std::size_t i = 0; i < options.hidden.size(); ++i) {
    grade_arguments += " --hidden grading/hidden-" + std::to_string(i + 1);
  }

  write_text(stage / "setup.sh",
             "#!/usr/bin/env bash\n"
             "# Gradescope runs this once, when it builds the autograder's image: the\n"
             "# Debian packages, then the grading tree built from the shipped stubs.\n"
             "set -euo pipefail\n"
             "cd \"${KATA_AUTOGRADER_ROOT:-/autograder}/source\"\n"
             "./kata grade --prepare" + grade_arguments + "\n");
  write_text(stage / "run_autograder",
             "#!/usr/bin/env bash\n"
             "# Gradescope runs this for every submission: /autograder/submission in,\n"
             "# /autograder/results/results.json out. If grading itself fails, the\n"
             "# results say so with a score of 0: never a pass by accident.\n"
             "set -uo pipefail\n"
             "root=\"${KATA_AUTOGRADER_ROOT:-/autograder}\"\n"
             "cd \"$root/source\"\n"
             "mkdir -p \"$root/results\"\n"
             "if ! ./kata grade \"$root/submission\" --out \"$root/results\"" + grade_arguments +
                 " > \"$root/results/grading.log\" 2>&1; then\n"
             "  message=$(tail -n 20 \"$root/results/grading.log\" | sed 's/\\\\/\\\\\\\\/g; s/\"/\\\\\"/g' | tr '\\n' ' ')\n"
             "  printf '{\"score\": 0, \"output\": \"The autograder could not grade this submission: %s\", \"tests\": []}\\n' \"$message\" \\\n"
             "    > \"$root/results/results.json\"\n"
             "fi\n"
             "cat \"$root/results/feedback.md\" 2>/dev/null || true\n");
  fs::permissions(stage / "setup.sh", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                          fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(stage / "run_autograder", fs::status(stage / "setup.sh").permissions());

  // Gradescope wants setup.sh and run_autograder at the root of the zip.
  std::vector<std::string> command = {"cmake", "-E", "tar", "cf", fs::absolute(options.out).string(), "--format=zip"};
  for (const auto& entry : fs::directory_iterator(stage)) command.push_back(entry.path().filename().string());
  std::sort(command.begin() + 6, command.end());
  fs::create_directories(fs::absolute(options.out).parent_path());
  fs::remove(options.out);
  process::Options zip;
  zip.cwd = stage;
  zip.timeout_seconds = 600;
  const auto zipped = process::run(command, zip);
  fail_if(!zipped.succeeded(), "cannot write " + options.out.string() + ": " + zipped.output);
  return {"Wrote the Gradescope autograder " + options.out.string() + " (" + std::to_string(copied) +
              " files of the workbook, setup.sh, run_autograder" +
              (options.hidden.empty() ? "" : ", " + std::to_string(options.hidden.size()) + " hidden-test folders") + ")",
          "Upload it as a \"Zip file upload\" autograder on Ubuntu; students submit their chapter files "
          "(or the whole repository, or a zip of it)."};
}

}  // namespace kata::grade
