#include "grade_run.hpp"

#include "process.hpp"
#include "workbook.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace kata::grade {

namespace {

using process::Options;

// What of the instructor's tree a grading copy takes: what its build reads
// (CMake files, headers, the reference, the tests with the hidden ones, the
// stubs; KATA_TOOLS is off there), not the answers, the mistake catalogue,
// the tools or build trees. The same sources give the same snapshot, in a
// clone or in an autograder package.
bool left_out(const fs::path& relative) {
  static const std::set<std::string> kept = {"cmake", "include", "reference", "tests", "chapters"};
  const std::string text = relative.generic_string();
  if (text == "tests/mistakes" || text.rfind("tests/mistakes/", 0) == 0) return true;
  if (text == "CMakeLists.txt") return false;
  return !kept.count(relative.begin()->string());
}

// Every file of the tree a grading copy takes (of a hidden-test folder: all
// of them), relative, in order.
std::vector<fs::path> tree_files(const fs::path& root, bool everything = false) {
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(root), end; it != end; ++it) {
    const fs::path relative = fs::relative(it->path(), root);
    if (!everything && left_out(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && !it->is_symlink()) files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// FNV-1a over names and contents: the snapshot is rebuilt when any changes.
std::uint64_t fingerprint(std::uint64_t hash, const std::string& bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string random_marker() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  char text[48];
  std::snprintf(text, sizeof text, "kata-end-%016llx%08llx", static_cast<unsigned long long>(engine()),
                static_cast<unsigned long long>(engine() & 0xffffffffu));
  return text;
}

process::Result run(const std::vector<std::string>& argv, double timeout, const fs::path& cwd = {}) {
  Options options;
  options.timeout_seconds = timeout;
  options.cwd = cwd;
  return process::run(argv, options);
}

void remove_tree(const fs::path& path) {
  std::error_code ignored;
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
  fs::remove_all(path, ignored);
  if (fs::exists(path)) {  // a student's read-only folder, say
    run({"chmod", "-R", "u+rwx", path.string()}, 60);
    fs::remove_all(path);
  }
}

// The compiler's complaints about the student's files, with the grading
// tree's paths made relative: what feedback.md shows.
std::string compiler_errors(const std::string& log, const fs::path& src, const Chapter& chapter) {
  std::string prefix = (src / "").string();
  std::istringstream lines(log);
  std::string line, out;
  int kept = 0;
  bool in_message = false;
  const std::string own = "chapters/" + chapter.dir() + "/";
  while (std::getline(lines, line) && kept < 80) {
    for (std::size_t at; (at = line.find(prefix)) != std::string::npos;) line.erase(at, prefix.size());
    const bool located = line.find(own) != std::string::npos;
    const bool message = line.find("error") != std::string::npos || line.find("note:") != std::string::npos;
    if (located && message) in_message = true;
    else if (line.rfind("FAILED:", 0) == 0 || line.rfind("[", 0) == 0 || line.rfind("ninja:", 0) == 0) in_message = false;
    else if (!line.empty() && line[0] != ' ' && !located && line.find("In function") == std::string::npos) in_message = false;
    if (in_message) { out += line + "\n"; ++kept; }
  }
  if (out.empty()) {  // a link error, say: every line that says error
    std::istringstream again(log);
    while (std::getline(again, line) && kept < 40) {
      for (std::size_t at; (at = line.find(prefix)) != std::string::npos;) line.erase(at, prefix.size());
      if (line.find("error") != std::string::npos || line.find("undefined reference") != std::string::npos) {
        out += line + "\n";
        ++kept;
      }
    }
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return tidy_output(out, "", 6000);
}

// The source check on what the compiler will see: the student's own lines
// after the preprocessor (splices joined, macros expanded, digraphs read),
// each at its line number, plus the files they include. std::nullopt when
// the file does not preprocess (the build then reports why).
struct Preprocessed {
  std::string own;                     // the file's own lines, expanded
  std::vector<std::string> included;   // every file it pulls in, directly or not
};
std::optional<Preprocessed> preprocess(const fs::path& file, const fs::path& src, const Chapter& chapter,
                                       const fs::path& output) {
  std::vector<std::string> argv = {"g++", "-std=c++20", "-E", "-I" + (src / "include").string(),
                                   "-I" + (src / "chapters" / chapter.dir()).string(), "-I/usr/include/eigen3"};
  if (chapter.uses_reference) argv.push_back("-I" + (src / "reference").string());
  if (file.extension() == ".cu") {
    argv.insert(argv.end(), {"-x", "c++", "-DKATA_CUDA_ON_CPU=1"});
  }
  argv.insert(argv.end(), {file.string(), "-o", output.string()});
  Options options;
  options.timeout_seconds = 120;
  const auto result = process::run(argv, options);
  if (!result.succeeded() || !fs::exists(output)) return std::nullopt;
  Preprocessed out;
  std::vector<std::string> lines;
  static const std::regex marker(R"re(^# (\d+) "((?:[^"\\]|\\.)*)")re");
  std::istringstream text(read_text(output));
  fs::remove(output);
  bool own = false;
  std::size_t at = 0;
  std::set<std::string> seen;
  for (std::string line; std::getline(text, line);) {
    std::smatch m;
    if (line.rfind("# ", 0) == 0 && std::regex_search(line, m, marker)) {
      const std::string name = m[2];
      own = name == file.string();
      at = std::stoul(m[1]);
      if (!own && !name.empty() && name[0] != '<' && seen.insert(name).second) out.included.push_back(name);
      continue;
    }
    if (own && at > 0) {
      if (lines.size() < at) lines.resize(at);
      lines[at - 1] += (lines[at - 1].empty() ? "" : " ") + line;
    }
    ++at;
  }
  for (const auto& line : lines) out.own += line + "\n";
  return out;
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

// ------------------------------------------------------------------ workspace

struct Workspace::State {
  Settings settings;
  int slot = 0;
  fs::path dir;        // work/slot-K: src/ and build/ of the submission being graded
  fs::path pristine;   // work/slot-K.pristine: the same, as built from the stubs
  std::vector<Chapter> chapters;
  std::vector<TestCase> tests;
  std::vector<std::string> notes;
  bool prepared = false;

  fs::path src() const { return dir / "src"; }
  fs::path build() const { return dir / "build"; }
  void log(const std::string& message) const {
    if (settings.log) settings.log(message);
  }

  std::string stamp() const;
  void make_pristine();
  void read_tests();
  void restore() const;
};

Workspace::Workspace(const Settings& settings, int slot) : state_(std::make_unique<State>()) {
  state_->settings = settings;
  state_->slot = slot;
  state_->dir = settings.work / ("slot-" + std::to_string(slot));
  state_->pristine = settings.work / ("slot-" + std::to_string(slot) + ".pristine");
}

Workspace::~Workspace() = default;

const std::vector<Chapter>& Workspace::chapters() const { return state_->chapters; }
const std::vector<std::string>& Workspace::notes() const { return state_->notes; }

std::string Workspace::State::stamp() const {
  std::uint64_t hash = 1469598103934665603ull;
  auto add_tree = [&](const fs::path& root, bool everything) {
    for (const auto& file : tree_files(root, everything)) {
      hash = fingerprint(hash, file.generic_string() + '\0');
      hash = fingerprint(hash, read_text(root / file) + '\0');
    }
  };
  add_tree(settings.root, false);
  for (const auto& hidden : settings.hidden) add_tree(hidden, true);
  std::string chapters_text;
  for (const auto& c : settings.chapters) chapters_text += c + ";";
  hash = fingerprint(hash, chapters_text + "|" + settings.build_type + "|boundary");
  char text[32];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

void Workspace::State::restore() const {
  remove_tree(dir);
  const auto copied = run({"cp", "-a", pristine.string(), dir.string()}, 600);
  if (!copied.succeeded()) throw std::runtime_error("cannot copy " + pristine.string() + ": " + copied.output);
}

void Workspace::State::make_pristine() {
  log("Preparing a clean grading tree in " + dir.string() + " (once; it is reused until the workbook changes)");
  remove_tree(dir);
  remove_tree(pristine);
  fs::create_directories(src());
  for (const auto& file : tree_files(settings.root)) {
    fs::create_directories((src() / file).parent_path());
    fs::copy_file(settings.root / file, src() / file);
  }
  std::string hidden_dirs = (src() / "tests" / "hidden").string();
  for (std::size_t i = 0; i < settings.hidden.size(); ++i) {
    const fs::path to = src() / "tests" / ("hidden-" + std::to_string(i + 1));
    fs::create_directories(to);
    for (const auto& file : tree_files(settings.hidden[i], true)) {
      fs::create_directories((to / file).parent_path());
      fs::copy_file(settings.hidden[i] / file, to / file);
    }
    hidden_dirs += ";" + to.string();
  }
  std::string chapters_text;
  for (const auto& c : settings.chapters) chapters_text += (chapters_text.empty() ? "" : ";") + c;

  // The learner track without the tools (the grader needs only the chapters'
  // test programs), and without nvcc unless chapter 11 may be graded (its
  // CPU tests need none; only its GPU tests do).
  const bool cuda = settings.chapters.empty() || settings.chapters.count("11");
  const auto configured = run({"cmake", "-S", src().string(), "-B", build().string(), "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=" + settings.build_type, "-DKATA_TRACK=learner",
                               "-DKATA_MISTAKES=OFF", "-DKATA_TOOLS=OFF", "-DKATA_BOUNDARY=ON",
                               std::string("-DKATA_CUDA=") + (cuda ? "ON" : "OFF"),
                               "-DKATA_CHAPTERS=" + chapters_text, "-DKATA_HIDDEN_TESTS=" + hidden_dirs},
                              600);
  write_text(dir / "configure.log", configured.output);
  if (!configured.succeeded()) {
    throw std::runtime_error("configuring the grading tree failed (" + configured.describe(600) + "):\n" +
                             configured.output);
  }
  // Every chapter's test programs (not the tools, not the oracle).
  const auto targets_listed = run({"ninja", "-C", build().string(), "-t", "targets", "all"}, 60);
  static const std::regex program(R"(^(ch[0-9][0-9]_\w+): (CXX|CUDA)_EXECUTABLE_LINKER)");
  std::vector<std::string> targets;
  std::istringstream lines(targets_listed.output);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, program)) targets.push_back(m[1]);
  }
  if (targets.empty()) throw std::runtime_error("the grading tree has no chapter test programs (see " +
                                                (dir / "configure.log").string() + ")");
  std::vector<std::string> build_command = {"cmake", "--build", build().string(), "--target"};
  build_command.insert(build_command.end(), targets.begin(), targets.end());
  log("Building " + plural(targets.size(), "test program", "test programs") + " from the shipped stubs");
  const auto built = run(build_command, 3600);
  write_text(dir / "build.log", built.output);
  if (!built.succeeded()) {
    throw std::runtime_error("the workbook's own stubs do not build in the grading tree (" + built.describe(3600) +
                             "); see " + (dir / "build.log").string());
  }
  // The instructor's list of tests, as ctest sees it; then discovery off, so
  // that building a student's code never runs it (see kata_discover_tests).
  const auto listed = run({"ctest", "--test-dir", build().string(), "--show-only=json-v1"}, 300);
  if (!listed.succeeded() || listed.output.find('{') == std::string::npos) {
    throw std::runtime_error("ctest cannot list the grading tree's tests: " + listed.output);
  }
  write_text(dir / "tests.json", listed.output.substr(listed.output.find('{')));
  const auto reconfigured = run({"cmake", "-DKATA_DISCOVER_TESTS=OFF", build().string()}, 600);
  const auto rebuilt = reconfigured.succeeded() ? run(build_command, 3600) : reconfigured;
  if (!rebuilt.succeeded()) throw std::runtime_error("rebuilding the grading tree failed: " + rebuilt.output);
  write_text(dir / "stamp", stamp());
  const auto snapshot = run({"cp", "-a", dir.string(), pristine.string()}, 600);
  if (!snapshot.succeeded()) throw std::runtime_error("cannot snapshot the grading tree: " + snapshot.output);
}

// The tests every grade is out of: ctest's own list, from the tree built with
// the shipped stubs (so a submission cannot change it).
void Workspace::State::read_tests() {
  const auto json = nlohmann::json::parse(read_text(pristine / "tests.json"));
  const std::string from = (pristine / "").string(), to = (dir / "").string();
  auto moved = [&](std::string path) {  // the snapshot's paths, as restored in dir
    if (path.rfind(from, 0) == 0) path = to + path.substr(from.size());
    return path;
  };
  static const std::regex chapter_label("^ch([0-9][0-9])$");
  tests.clear();
  for (const auto& t : json.at("tests")) {
    TestCase test;
    test.name = t.at("name");
    std::vector<std::string> labels;
    for (const auto& p : t.value("properties", nlohmann::json::array())) {
      const std::string name = p.at("name");
      if (name == "LABELS") labels = p.at("value").get<std::vector<std::string>>();
      else if (name == "TIMEOUT") test.timeout = p.at("value").get<double>();
      else if (name == "WORKING_DIRECTORY") test.working_directory = moved(p.at("value"));
      else if (name == "SKIP_REGULAR_EXPRESSION") {
        auto v = p.at("value");
        test.skip_pattern = v.is_array() ? (v.empty() ? "" : v[0].get<std::string>()) : v.get<std::string>();
      }
    }
    for (const auto& label : labels) {
      std::smatch m;
      if (std::regex_match(label, m, chapter_label)) test.chapter = m[1];
      if (label == "hidden") test.hidden = true;
      if (label == "gpu") test.gpu = true;
    }
    if (test.chapter.empty() || !t.contains("command")) continue;
    for (const auto& arg : t.at("command")) test.command.push_back(moved(arg.get<std::string>()));
    if (test.name.size() > 10 && test.name.compare(test.name.size() - 10, 10, "_NOT_BUILT") == 0) {
      throw std::runtime_error("the grading tree's test program for " + test.name + " was not built");
    }
    tests.push_back(std::move(test));
  }

  // The chapters: those asked for, or every one this machine builds.
  std::vector<Chapter> all = read_chapters(settings.root);
  chapters.clear();
  for (const auto& chapter : all) {
    if (!settings.chapters.empty() && !settings.chapters.count(chapter.number)) continue;
    const bool has_tests = std::any_of(tests.begin(), tests.end(), [&](const TestCase& t) { return t.chapter == chapter.number; });
    if (!has_tests) {
      if (settings.chapters_chosen) {
        throw std::runtime_error("chapter " + chapter.number + " cannot be graded on this machine: it was not built; see " +
                                 (pristine / "configure.log").string());
      }
      notes.push_back("chapter " + chapter.number + " is not part of this grade: this machine does not build it");
      continue;
    }
    chapters.push_back(chapter);
  }
  // GPU tests call the chapter's CUDA code in their own process (the CUDA
  // runtime cannot run under the boundary's confinement), where submitted code
  // could forge a pass: they count only when the instructor trusts the work.
  if (!settings.gpu_tests) {
    const auto gpu = std::count_if(tests.begin(), tests.end(), [](const TestCase& t) { return t.gpu; });
    if (gpu > 0) {
      tests.erase(std::remove_if(tests.begin(), tests.end(), [](const TestCase& t) { return t.gpu; }), tests.end());
      const bool device = run({"nvidia-smi", "-L"}, 30).succeeded();
      notes.push_back(plural(static_cast<std::size_t>(gpu), "GPU test is", "GPU tests are") +
                      " not part of this grade: they run the submitted code in their own process" +
                      (device ? "" : ", and this machine has no CUDA device") +
                      " (--gpu-tests counts them, for work you trust" + (device ? ")" : "; here they score 0)"));
    }
  }
}

void Workspace::prepare() {
  auto& s = *state_;
  fs::create_directories(s.settings.work);
  const std::string want = s.stamp();
  const fs::path stamp_file = s.pristine / "stamp";
  if (!fs::exists(stamp_file) || read_text(stamp_file) != want) s.make_pristine();
  s.notes.clear();
  s.read_tests();
  s.prepared = true;
}

// ------------------------------------------------------------------ grading

namespace {

struct Unpacked {
  fs::path root;
  std::string problem;  // why it could not be unpacked
};

// A .zip or .tar(.gz) into `into`, with CMake's own archive support; an entry
// that would land outside `into` (an absolute path, "..") refuses the archive.
Unpacked unpack(const fs::path& archive, const fs::path& into) {
  Unpacked result{into, ""};
  const fs::path absolute = fs::absolute(archive);
  const auto listed = run({"cmake", "-E", "tar", "tf", absolute.string()}, 120);
  if (!listed.succeeded()) {
    result.problem = "the archive " + archive.filename().string() + " cannot be read";
    return result;
  }
  std::istringstream entries(listed.output);
  for (std::string entry; std::getline(entries, entry);) {
    const fs::path p(entry);
    const bool escapes = p.is_absolute() || std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
    if (escapes) {
      result.problem = "the archive " + archive.filename().string() + " has an entry outside its own folder (" + entry + ")";
      return result;
    }
  }
  fs::create_directories(into);
  const auto extracted = run({"cmake", "-E", "tar", "xf", absolute.string()}, 300, into);
  if (!extracted.succeeded()) result.problem = "the archive " + archive.filename().string() + " cannot be unpacked";
  return result;
}

}  // namespace

Grade Workspace::grade(const fs::path& submission, const std::string& student) {
  auto& s = *state_;
  const auto started = std::chrono::steady_clock::now();
  Grade grade;
  grade.student = student;
  grade.notes = s.notes;
  // The grade is out of the instructor's tests, whatever happens below.
  for (const auto& chapter : s.chapters) {
    ChapterGrade g;
    g.chapter = chapter;
    g.max_points = s.settings.points.of(chapter.number);
    g.status = "not submitted";
    for (const auto& test : s.tests) {
      if (test.chapter != chapter.number) continue;
      CaseResult c;
      c.test = test;
      c.why = "no file of chapter " + chapter.number + " (" + [&] {
        std::string names;
        for (const auto& f : chapter.files) names += (names.empty() ? "" : ", ") + f;
        return names;
      }() + ") was found in the submission";
      g.cases.push_back(std::move(c));
    }
    grade.chapters.push_back(std::move(g));
  }
  auto finish = [&]() {
    assign_points(grade);
    grade.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return grade;
  };

  try {
    s.restore();
    fs::path root = submission;
    if (fs::is_regular_file(submission)) {
      if (!is_archive(submission)) {
        grade.notes.push_back("the submission " + submission.filename().string() +
                              " is neither a folder nor a .zip/.tar/.tar.gz archive");
        return finish();
      }
      const auto unpacked = unpack(submission, s.dir / "submission");
      if (!unpacked.problem.empty()) {
        grade.notes.push_back(unpacked.problem);
        return finish();
      }
      root = unpacked.root;
    } else if (!fs::is_directory(submission)) {
      grade.notes.push_back("the submission " + submission.string() + " does not exist");
      return finish();
    }
    const Located located = locate_files(root, s.chapters);
    for (const auto& note : located.notes) grade.notes.push_back(note);
    if (located.by_chapter.empty()) grade.notes.push_back("no chapter file was found in the submission");

    for (auto& g : grade.chapters) {
      const auto found = located.by_chapter.find(g.chapter.number);
      if (found == located.by_chapter.end()) continue;
      g.submitted = true;
      s.log(student + ": chapter " + g.chapter.number);

      // The student's files over the stubs (a fresh copy: newer than every object).
      std::vector<std::string> uses;
      for (const auto& file : found->second) {
        const fs::path to = s.src() / "chapters" / g.chapter.dir() / file.name;
        fs::remove(to);
        fs::copy_file(file.source, to);
        if (s.settings.source_check) {
          // On the text as written (its #include lines), then on what the
          // compiler sees, so that no splice or macro hides a name.
          std::set<std::string> found;
          auto add = [&](std::vector<std::string> more) {
            for (auto& use : more) {
              if (found.insert(use).second) uses.push_back(std::move(use));
            }
          };
          add(forbidden_uses(file.name, read_text(to), g.chapter));
          if (const auto expanded = preprocess(to, s.src(), g.chapter, s.dir / "source-check.ii")) {
            add(forbidden_uses(file.name, expanded->own, g.chapter));
            const std::string tests = (s.src() / "tests" / "").string();
            for (const auto& header : expanded->included) {
              if (header.rfind(tests, 0) == 0 || header.find("doctest") != std::string::npos) {
                add({file.name + ": includes " + header.substr(header.rfind(tests, 0) == 0 ? s.src().string().size() + 1 : 0) +
                     ", the tests' code"});
              }
            }
          }
        }
      }
      if (!uses.empty()) {
        g.status = "not graded: the code uses what the grader does not allow";
        g.problems = uses;
        for (auto& c : g.cases) c.why = "the chapter's code was not run: " + uses.front();
        continue;
      }

      // Build only the chapter's own program (tests/boundary/): the test
      // programs were built from the instructor's sources alone and stay
      // as they are, which is checked after the build. A test program
      // without the boundary (the GPU tests) is rebuilt with the code.
      std::vector<std::string> programs;
      for (const auto& c : g.cases) {
        if (std::find(programs.begin(), programs.end(), c.test.command.front()) == programs.end())
          programs.push_back(c.test.command.front());
      }
      const std::string base = g.chapter.label() + "_" + g.chapter.topic;
      std::vector<std::string> build_command = {"cmake", "--build", s.build().string(), "--target"};
      std::vector<fs::path> outputs;
      std::map<std::string, std::string> trusted;  // test program -> its bytes before the build
      for (const auto& program : programs) {
        const std::string name = fs::path(program).filename().string();
        if (name == base || name == base + "_hidden") {
          trusted[program] = read_text(program);
          const fs::path server = fs::path(program).parent_path() / (base + "_server");
          if (std::find(outputs.begin(), outputs.end(), server) == outputs.end()) {
            fs::remove(server);
            outputs.push_back(server);
            build_command.push_back(server.filename().string());
          }
        } else {
          fs::remove(program);
          outputs.push_back(program);
          build_command.push_back(name);
        }
      }
      const auto built = run(build_command, s.settings.build_timeout);
      g.build_log = built.output;
      const bool all_built = std::all_of(outputs.begin(), outputs.end(), [](const fs::path& p) { return fs::exists(p); });
      if (!built.succeeded() || !all_built) {
        g.status = built.timed_out ? "not graded: its build did not finish within " + format_points(s.settings.build_timeout) + " s"
                                   : "does not compile";
        g.compiler_errors = built.timed_out ? "" : compiler_errors(built.output, s.src(), g.chapter);
        for (auto& c : g.cases) {
          c.outcome = Outcome::not_built;
          c.why = built.timed_out ? "the chapter's build timed out" : "the chapter does not compile";
        }
        continue;
      }
      for (const auto& [program, bytes] : trusted) {
        if (read_text(program) != bytes) {
          throw std::runtime_error("building chapter " + g.chapter.number + " changed the test program " + program +
                                   ": the grading tree is not as prepared");
        }
      }

      // Each program must start and list its tests before any test runs.
      std::set<std::string> broken;
      for (const auto& program : programs) {
        const auto listed = run({program, "--list-test-cases", "--no-version"}, s.settings.startup_timeout);
        const bool ok = listed.succeeded() &&
                        listed.output.find("[doctest] unskipped test cases passing the current filters:") != std::string::npos;
        if (!ok) {
          broken.insert(program);
          const std::string what = listed.timed_out ? "hangs at start-up (no answer within " +
                                                          format_points(s.settings.startup_timeout) + " s)"
                                   : listed.signal ? "crashes at start-up (" + listed.describe() + ")"
                                                   : "exits at start-up before listing its tests (" + listed.describe() + ")";
          g.problems.push_back("the test program " + fs::path(program).filename().string() + " " + what);
        }
      }

      // The tests, each in its own process, a few at a time.
      const auto chapter_started = std::chrono::steady_clock::now();
      std::atomic<std::size_t> next{0};
      auto worker = [&]() {
        for (std::size_t i; (i = next++) < g.cases.size();) {
          CaseResult& c = g.cases[i];
          if (broken.count(c.test.command.front())) {
            c.outcome = Outcome::not_run;
            c.why = "its test program does not start";
            continue;
          }
          const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - chapter_started).count();
          if (spent > s.settings.chapter_budget) {
            c.outcome = Outcome::not_run;
            c.why = "the chapter's time budget (" + format_points(s.settings.chapter_budget) + " s) was spent";
            continue;
          }
          const std::string marker = random_marker();
          Options options;
          options.timeout_seconds = std::min(c.test.timeout > 0 ? c.test.timeout : s.settings.test_timeout,
                                             s.settings.test_timeout);
          options.cwd = c.test.working_directory;
          // The chapter's process (tests/boundary/) gets the test's time as
          // CPU time and a memory limit; its own limits, not the test's.
          options.env = {{"KATA_END_MARKER", marker},
                         {"KATA_BOUNDARY_CPU_SECONDS", std::to_string(static_cast<long>(std::ceil(options.timeout_seconds)))},
                         {"KATA_BOUNDARY_MEMORY_MB", "2048"}};
          options.max_output = 256 * 1024;
          const auto result = process::run(c.test.command, options);
          Run r{result.exit_code, result.signal, result.timed_out, result.output};
          c.outcome = judge(r, marker, c.test.skip_pattern, &c.why);
          if (c.outcome == Outcome::timed_out) c.why = "timed out after " + format_points(options.timeout_seconds) + " s";
          c.output = c.outcome == Outcome::passed ? "" : tidy_output(result.output, marker);
          c.seconds = result.seconds;
        }
      };
      std::vector<std::thread> threads;
      for (int t = 1; t < std::max(1, s.settings.test_jobs); ++t) threads.emplace_back(worker);
      worker();
      for (auto& t : threads) t.join();

      std::map<Outcome, int> counts;
      for (const auto& c : g.cases) ++counts[c.outcome];
      const int passed = counts[Outcome::passed], total = static_cast<int>(g.cases.size());
      g.status = passed == total ? "all " + std::to_string(total) + " tests pass"
                                 : std::to_string(passed) + " of " + std::to_string(total) + " tests pass";
      std::string details;
      for (const auto& [outcome, n] : counts) {
        if (outcome == Outcome::passed || outcome == Outcome::failed || n == 0) continue;
        details += (details.empty() ? "" : ", ") + std::to_string(n) + " " + to_string(outcome);
      }
      if (!broken.empty()) g.status = "its test program does not start";
      else if (!details.empty()) g.status += " (" + details + ")";
    }
  } catch (const std::exception& e) {
    grade.notes.push_back(std::string("grading stopped early: ") + e.what());
  }
  return finish();
}

// ------------------------------------------------------------------ outputs

void write_outputs(const Grade& grade, const fs::path& out) {
  fs::create_directories(out);
  write_text(out / "results.json", results_json(grade).dump(2) + "\n");
  write_text(out / "junit.xml", junit_xml(grade));
  write_text(out / "feedback.md", feedback_markdown(grade));
  for (const auto& g : grade.chapters) {
    if (!g.build_log.empty()) write_text(out / "logs" / ("build-ch" + g.chapter.number + ".log"), g.build_log);
  }
}

// ------------------------------------------------------------------ a class

std::vector<Grade> grade_class(const Settings& settings, const fs::path& dir, const fs::path& out, int jobs) {
  // The submissions: folders and archives, by name.
  std::vector<std::pair<std::string, fs::path>> submissions;
  std::set<std::string> names;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name == "__MACOSX") continue;
    if (entry.is_directory() || (entry.is_regular_file() && is_archive(entry.path()))) entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& entry : entries) {
    std::string name = student_name(entry);
    for (int k = 2; names.count(name); ++k) name = student_name(entry) + "-" + std::to_string(k);
    names.insert(name);
    submissions.emplace_back(name, entry);
  }
  if (submissions.empty()) throw std::invalid_argument("grade-class: " + dir.string() + " has no submission folders or archives");

  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(submissions.size())));
  std::vector<std::unique_ptr<Workspace>> workspaces;
  Settings quiet = settings;
  std::mutex print;
  const bool bar = ::isatty(STDERR_FILENO);
  std::size_t done = 0;
  std::vector<Grade> grades(submissions.size());
  auto progress = [&](const std::string& last) {
    std::lock_guard lock(print);
    const std::size_t width = 30, filled = width * done / submissions.size();
    if (bar) {
      std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '-') << "] " << done << "/"
                << submissions.size() << "  " << last << "\x1b[K" << std::flush;
      if (done == submissions.size()) std::cerr << "\n";
    } else {
      std::cerr << "[" << done << "/" << submissions.size() << "] " << last << "\n";
    }
  };
  quiet.log = [&](const std::string& message) {
    if (message.rfind("Preparing", 0) == 0 || message.rfind("Building", 0) == 0) {
      std::lock_guard lock(print);
      std::cerr << message << "\n";
    }
  };
  quiet.test_jobs = 1;
  for (int k = 0; k < jobs; ++k) workspaces.push_back(std::make_unique<Workspace>(quiet, k));
  {  // the pristine trees, all at once
    std::vector<std::thread> threads;
    std::vector<std::string> failures(workspaces.size());
    for (std::size_t k = 0; k < workspaces.size(); ++k) {
      threads.emplace_back([&, k] {
        try { workspaces[k]->prepare(); } catch (const std::exception& e) { failures[k] = e.what(); }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& f : failures) if (!f.empty()) throw std::runtime_error(f);
  }
  progress("graded: none yet");
  std::atomic<std::size_t> next{0};
  auto worker = [&](Workspace& workspace) {
    for (std::size_t i; (i = next++) < submissions.size();) {
      const auto& [name, path] = submissions[i];
      Grade grade;
      try {
        grade = workspace.grade(path, name);
        write_outputs(grade, out / name);
      } catch (const std::exception& e) {
        grade.student = name;
        grade.notes.push_back(std::string("grading failed: ") + e.what());
      }
      grades[i] = grade;
      {
        std::lock_guard lock(print);
        ++done;
      }
      progress(name + " " + format_points(grade.score()) + "/" + format_points(grade.max_score()));
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t k = 1; k < workspaces.size(); ++k) threads.emplace_back(worker, std::ref(*workspaces[k]));
  worker(*workspaces[0]);
  for (auto& t : threads) t.join();

  std::string csv = csv_header(workspaces[0]->chapters());
  for (const auto& g : grades) csv += csv_row(g, workspaces[0]->chapters());
  write_text(out / "grades.csv", csv);
  return grades;
}

}  // namespace kata::grade
