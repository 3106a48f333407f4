#include "grade_core.hpp"

#include "workbook.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace kata::grade {

namespace {

using kata::read_text;

std::string two_digits(int n) {
  char text[16];
  std::snprintf(text, sizeof text, "%02d", n);
  return text;
}

// The source with comments, string and character literals blanked out
// (newlines kept), so that a forbidden name in a comment is not a use.
std::string code_only(const std::string& source) {
  std::string out = source;
  enum { code, line_comment, block_comment, string, character } state = code;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = source[i];
    const char next = i + 1 < source.size() ? source[i + 1] : '\0';
    switch (state) {
      case code:
        if (c == '/' && next == '/') { state = line_comment; out[i] = ' '; }
        else if (c == '/' && next == '*') { state = block_comment; out[i] = ' '; out[i + 1] = ' '; ++i; }
        else if (c == '"') state = string;
        else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(source[i - 1])))) state = character;
        break;
      case line_comment:
        if (c == '\n') state = code; else out[i] = ' ';
        break;
      case block_comment:
        if (c == '*' && next == '/') { out[i] = ' '; out[i + 1] = ' '; ++i; state = code; }
        else if (c != '\n') out[i] = ' ';
        break;
      case string:
      case character:
        if (c == '\\' && next != '\n') { out[i] = ' '; out[i + 1] = ' '; ++i; }
        else if ((state == string && c == '"') || (state == character && c == '\'')) state = code;
        else if (c != '\n') out[i] = ' ';
        break;
    }
  }
  return out;
}

int line_of(const std::string& text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and return.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "?";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

// Invalid UTF-8 (a test printing raw bytes) would make the JSON unwritable.
std::string valid_utf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (ok) { out.append(text, i, n); i += n; }
    else { out += '?'; ++i; }
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) { if (c == '"') out += '"'; out += c; }
  return out + "\"";
}

std::string case_title(const CaseResult& c) {
  // "ch03/hidden/pad1d: ..." -> "pad1d: ..."
  std::string name = c.test.name;
  const std::string prefix = "ch" + c.test.chapter + "/";
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  if (name.rfind("hidden/", 0) == 0) name = name.substr(7);
  return name;
}

}  // namespace

// ------------------------------------------------------------------ chapters

std::vector<Chapter> read_chapters(const fs::path& root) {
  std::vector<Chapter> chapters;
  for (const auto& line : chapter_lines(read_text(root / "CMakeLists.txt"))) {
    Chapter chapter;
    chapter.number = line.number;
    chapter.topic = line.topic;
    chapter.uses_reference = line.uses_reference;
    const fs::path dir = root / "chapters" / chapter.dir();
    if (!fs::is_directory(dir)) continue;  // a release without this chapter
    for (const auto& entry : fs::directory_iterator(dir)) {
      const auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".cpp" || ext == ".cu")) chapter.files.push_back(entry.path().filename());
    }
    if (chapter.uses_reference) {
      static const std::regex named(R"(\bref::(\w+))");
      for (const auto& file : chapter.files) {
        const std::string stub = read_text(dir / file);
        for (std::sregex_iterator it(stub.begin(), stub.end(), named), end; it != end; ++it)
          chapter.allowed_reference.insert((*it)[1]);
      }
    }
    std::sort(chapter.files.begin(), chapter.files.end());
    chapters.push_back(std::move(chapter));
  }
  std::sort(chapters.begin(), chapters.end(), [](const Chapter& a, const Chapter& b) { return a.number < b.number; });
  return chapters;
}

std::set<std::string> parse_chapter_list(const std::string& text, const std::vector<Chapter>& chapters) {
  std::set<std::string> known, chosen;
  for (const auto& c : chapters) known.insert(c.number);
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("--chapters '" + text + "': " + why);
  };
  static const std::regex item(R"(^\s*([0-9]+)\s*(?:-\s*([0-9]+))?\s*$)");
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    std::smatch m;
    if (!std::regex_match(part, m, item)) fail("expected chapter numbers like 1-4 or 1,3,5-7");
    const int first = std::stoi(m[1]);
    const int last = m[2].matched ? std::stoi(m[2]) : first;
    if (last < first) fail(std::to_string(first) + "-" + std::to_string(last) + " is an empty range");
    for (int n = first; n <= last; ++n) {
      if (!known.count(two_digits(n))) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : " ") + std::to_string(std::stoi(k));
        fail("there is no chapter " + std::to_string(n) + " (chapters: " + list + ")");
      }
      chosen.insert(two_digits(n));
    }
  }
  if (chosen.empty()) fail("no chapter named");
  return chosen;
}

double Points::of(const std::string& number) const {
  auto it = chapters.find(number);
  return it == chapters.end() ? default_points : it->second;
}

Points read_points(const fs::path& file) {
  Points points;
  if (!fs::exists(file)) return points;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(file));
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(file.string() + ": not valid JSON (" + e.what() + ")");
  }
  auto number = [&](const nlohmann::json& v, const std::string& what) {
    if (!v.is_number() || v.get<double>() < 0) throw std::invalid_argument(file.string() + ": " + what + " must be a number >= 0");
    return v.get<double>();
  };
  for (const auto& [key, value] : j.items()) {
    if (key == "default") points.default_points = number(value, "\"default\"");
    else if (key == "chapters") {
      if (!value.is_object()) throw std::invalid_argument(file.string() + ": \"chapters\" must map chapter numbers to points");
      for (const auto& [chapter, p] : value.items()) {
        if (chapter.size() > 2 || chapter.find_first_not_of("0123456789") != std::string::npos || chapter.empty())
          throw std::invalid_argument(file.string() + ": chapter '" + chapter + "' is not a chapter number");
        points.chapters[two_digits(std::stoi(chapter))] = number(p, "chapter " + chapter + "'s points");
      }
    } else if (key.rfind("_", 0) != 0) {  // "_comment" and the like are allowed
      throw std::invalid_argument(file.string() + ": unknown key \"" + key + "\" (expected \"default\" and \"chapters\")");
    }
  }
  return points;
}

// ---------------------------------------------------------------- submission

Located locate_files(const fs::path& submission, const std::vector<Chapter>& chapters) {
  Located located;
  // Every regular file, without following links (a link could point anywhere).
  std::map<std::string, std::vector<fs::path>> by_name;
  std::error_code error;
  for (fs::recursive_directory_iterator it(submission, fs::directory_options::skip_permission_denied, error), end;
       it != end; it.increment(error)) {
    if (error) break;
    const auto& path = it->path();
    if (path.filename() == "__MACOSX" || path.filename() == ".git" || path.filename() == "build") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink() || !it->is_regular_file()) continue;
    by_name[path.filename().string()].push_back(path);
  }
  for (const auto& chapter : chapters) {
    for (const auto& name : chapter.files) {
      auto found = by_name.find(name);
      if (found == by_name.end()) continue;
      // The best kind of match, then the shallowest, then the first by name.
      auto rank = [&](const fs::path& p) {
        const auto parent = p.parent_path();
        if (parent.filename() == chapter.dir() && parent.parent_path().filename() == "chapters") return 0;
        if (parent.filename() == chapter.dir()) return 1;
        return 2;
      };
      std::vector<fs::path> candidates = found->second;
      std::sort(candidates.begin(), candidates.end(), [&](const fs::path& a, const fs::path& b) {
        auto key = [&](const fs::path& p) {
          return std::make_tuple(rank(p), std::distance(p.begin(), p.end()), p.string());
        };
        return key(a) < key(b);
      });
      const fs::path best = candidates.front();
      const int best_rank = rank(best);
      const auto same_rank = std::count_if(candidates.begin(), candidates.end(),
                                           [&](const fs::path& p) { return rank(p) == best_rank; });
      const std::string shown = fs::relative(best, submission).string();
      if (best_rank == 2 && same_rank > 1) {
        located.notes.push_back("chapter " + chapter.number + ": " + std::to_string(same_rank) + " files are called " +
                                name + " and none is in a folder " + chapter.dir() + "/; none was graded");
        continue;
      }
      if (same_rank > 1) {
        located.notes.push_back("chapter " + chapter.number + ": " + std::to_string(same_rank) + " copies of " + name +
                                " were found; graded " + shown);
      }
      std::error_code size_error;
      const auto bytes = fs::file_size(best, size_error);
      if (size_error || bytes > kMaxSubmittedFileBytes) {
        located.notes.push_back("chapter " + chapter.number + ": " + shown + " is larger than 1 MiB; it was not graded");
        continue;
      }
      located.by_chapter[chapter.number].push_back({name, best});
    }
  }
  return located;
}

std::vector<std::string> forbidden_uses(const std::string& file_name, const std::string& source, const Chapter& chapter) {
  struct Rule {
    std::regex pattern;
    std::string why;
  };
  static const std::vector<Rule> rules = [] {
    auto words = [](const std::string& alternatives) { return std::regex("\\b(" + alternatives + ")\\b"); };
    return std::vector<Rule>{
        {words("exit|_exit|_Exit|quick_exit|at_quick_exit|atexit"), "could end a test before its checks have run"},
        {words("getenv|secure_getenv|setenv|unsetenv|putenv|clearenv|environ|__environ"),
         "reads or changes the environment, where the grader keeps its end-of-run marker"},
        {words("system|popen|fork|vfork|execl|execlp|execle|execv|execvp|execvpe|posix_spawnp?|kill|killpg|setsid|"
               "setpgid|ptrace|daemon"),
         "starts or controls other processes"},
        {words("dlopen|dlsym|syscall"), "reaches functions by name at run time"},
        {words("asm|__asm__|__asm"), "uses inline assembly"},
        {words("fopen|freopen|fdopen|ifstream|ofstream|fstream|filebuf|filesystem|unlink|unlinkat|rename|renameat|"
               "truncate|ftruncate|mkdir|rmdir|chmod|chdir|symlink"),
         "reads, writes or changes files"},
        {std::regex("\\b(open|openat|creat)\\s*\\("), "opens files"},
        {words("setjmp|longjmp|sigsetjmp|siglongjmp|signal|sigaction"),
         "jumps out of a test or catches its crash"},
        {words("main"), "defines or calls main"},
        {std::regex("\\b(doctest|DOCTEST_\\w*|TEST_CASE|TEST_SUITE|SUBCASE)\\b"), "belongs to the tests, not to a chapter"},
        {std::regex("##"), "pastes tokens together (which can hide any of the above)"},
        {std::regex("__attribute__\\s*\\(\\(\\s*(constructor|destructor)"), "runs code before or after the tests"},
    };
  }();

  std::vector<std::string> uses;
  const std::string code = code_only(source);
  for (const auto& rule : rules) {
    for (std::sregex_iterator it(code.begin(), code.end(), rule.pattern), end; it != end; ++it) {
      uses.push_back(file_name + ":" + std::to_string(line_of(code, static_cast<std::size_t>(it->position()))) + ": `" +
                     it->str() + "` " + rule.why);
    }
  }

  // Includes: the chapter's own headers, the workbook's vocabulary, the
  // standard library and CUDA; never the tests' support code.
  static const std::regex include(R"(^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]*)[>"])");
  std::istringstream source_lines(source);
  int line_number = 0;
  for (std::string text; std::getline(source_lines, text);) {
    ++line_number;
    std::smatch m;
    if (!std::regex_search(text, m, include)) continue;
    const std::string header = m[2];
    const bool quoted = m[1] == "\"";
    // The chapter's library sees only its own folder, include/ and the
    // system's headers: a path out of it or doctest is the tests' code.
    const bool allowed = header.find("..") == std::string::npos && header.rfind("/", 0) != 0 &&
                         header.find("doctest") == std::string::npos && header.find("kata_test") == std::string::npos &&
                         (header != "reference.hpp" || chapter.uses_reference);
    if (!allowed) {
      uses.push_back(file_name + ":" + std::to_string(line_number) +
                     ": `#include " + std::string(quoted ? "\"" : "<") + header + (quoted ? "\"" : ">") +
                     "` reaches outside the chapter, the workbook's include/ and the standard library");
    }
  }

  // The reference implementation is the tests' oracle: a chapter may call it
  // only where its stub says so (chapter 08's conv_matrix1d).
  static const std::regex reference_namespace(R"(\b(convkata\s*::\s*ref|namespace\s+ref)\b)");
  if (!chapter.uses_reference) {
    for (std::sregex_iterator it(code.begin(), code.end(), reference_namespace), end; it != end; ++it) {
      uses.push_back(file_name + ":" + std::to_string(line_of(code, static_cast<std::size_t>(it->position()))) +
                     ": `" + it->str() + "` names the reference implementation, the tests' oracle");
    }
  }
  static const std::regex reference_use(R"(\bref\s*::\s*(\w+))");
  for (std::sregex_iterator it(code.begin(), code.end(), reference_use), end; it != end; ++it) {
    const std::string function = (*it)[1];
    if (chapter.uses_reference && chapter.allowed_reference.count(function)) continue;
    uses.push_back(file_name + ":" + std::to_string(line_of(code, static_cast<std::size_t>(it->position()))) +
                   ": `ref::" + function + "` calls the reference implementation instead of doing the exercise");
  }
  return uses;
}

// ---------------------------------------------------------------- one test

std::string to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return "passed";
    case Outcome::failed: return "failed";
    case Outcome::crashed: return "crashed";
    case Outcome::timed_out: return "timed out";
    case Outcome::exited_early: return "exited early";
    case Outcome::skipped: return "skipped";
    case Outcome::not_built: return "not built";
    case Outcome::not_run: return "not run";
  }
  return "?";
}

Outcome judge(const Run& run, const std::string& marker, const std::string& skip_pattern, std::string* why) {
  std::string reason;
  Outcome outcome;
  // The marker line the runner prints after the run: "<marker> cases=N failed=M".
  const std::regex end_line("(^|\\n)" + marker + " cases=([0-9]+) failed=([0-9]+)\\n");
  std::smatch m;
  const bool finished = !marker.empty() && std::regex_search(run.output, m, end_line);
  if (run.timed_out) {
    outcome = Outcome::timed_out;
    reason = "timed out";
  } else if (run.signal != 0) {
    outcome = Outcome::crashed;
    reason = "crashed (signal " + std::to_string(run.signal) + ")";
  } else if (!skip_pattern.empty() && std::regex_search(run.output, std::regex(skip_pattern))) {
    outcome = Outcome::skipped;
    reason = "skipped: " + skip_pattern;
  } else if (!finished) {
    outcome = Outcome::exited_early;
    reason = "the test program ended (exit code " + std::to_string(run.exit_code) +
             ") before its checks finished: no end-of-run marker";
  } else if (m[2] != "1") {
    outcome = Outcome::failed;
    reason = "the test program ran " + m[2].str() + " cases instead of this one";
  } else if (m[3] != "0" || run.exit_code != 0) {
    outcome = Outcome::failed;
    reason = "a check failed";
  } else {
    outcome = Outcome::passed;
  }
  if (why) *why = reason;
  return outcome;
}

std::string tidy_output(const std::string& output, const std::string& marker, std::size_t limit) {
  std::istringstream lines(output);
  std::string line, out;
  while (std::getline(lines, line)) {
    if (!marker.empty() && line.rfind(marker, 0) == 0) continue;
    if (line.rfind("[doctest]", 0) == 0) continue;
    if (line.find_first_not_of("=") == std::string::npos && !line.empty()) continue;
    out += line + "\n";
  }
  const auto first = out.find_first_not_of("\n");
  out = first == std::string::npos ? "" : out.substr(first);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  if (out.size() > limit) out = out.substr(0, limit) + "\n... (output cut at " + std::to_string(limit) + " characters)";
  return valid_utf8(out);
}

// ---------------------------------------------------------------- a grade

namespace {
// Points are counted in whole units of 1/10000 (the 4 decimals written
// everywhere), so that sums are exact: a chapter's tests add up to the
// chapter, and the chapters to the grade, in every file.
constexpr double kUnitsPerPoint = 1e4;
long long units(double points) { return std::llround(points * kUnitsPerPoint); }
double from_units(long long n) { return static_cast<double>(n) / kUnitsPerPoint; }
}  // namespace

double ChapterGrade::points() const {
  long long sum = 0;
  for (const auto& c : cases) sum += units(c.points);
  return from_units(sum);
}

int ChapterGrade::passed() const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(), [](const CaseResult& c) { return c.outcome == Outcome::passed; }));
}

double Grade::score() const {
  long long sum = 0;
  for (const auto& c : chapters) sum += units(c.points());
  return from_units(sum);
}

double Grade::max_score() const {
  long long sum = 0;
  for (const auto& c : chapters) sum += units(c.max_points);
  return from_units(sum);
}

void assign_points(Grade& grade) {
  for (auto& chapter : grade.chapters) {
    // n cases share the chapter's units: each gets the quotient, the first
    // `remainder` one unit more, so that the shares add up to the chapter.
    const long long total = units(chapter.max_points), n = static_cast<long long>(chapter.cases.size());
    for (long long k = 0; k < n; ++k) {
      auto& c = chapter.cases[static_cast<std::size_t>(k)];
      c.max_points = from_units(total / n + (k < total % n ? 1 : 0));
      c.points = c.outcome == Outcome::passed ? c.max_points : 0;
    }
  }
}

std::string format_points(double points) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4f", std::round(points * 1e4) / 1e4);
  std::string s = text;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

namespace {
double rounded(double points) { return std::round(points * 1e4) / 1e4; }
}  // namespace

nlohmann::json results_json(const Grade& grade) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& chapter : grade.chapters) {
    for (const auto& c : chapter.cases) {
      std::string output = c.outcome == Outcome::passed ? "" : to_string(c.outcome) + ": " + c.why;
      if (c.outcome == Outcome::not_built && !chapter.compiler_errors.empty()) {
        output += "\n\n" + chapter.compiler_errors;
      }
      if (!c.output.empty()) output += (output.empty() ? "" : "\n\n") + c.output;
      tests.push_back({
          {"name", c.test.name},
          {"number", chapter.chapter.number},
          {"score", rounded(c.points)},
          {"max_score", rounded(c.max_points)},
          {"status", c.outcome == Outcome::passed ? "passed" : "failed"},
          {"output", valid_utf8(output)},
          {"visibility", c.test.hidden ? "after_due_date" : "visible"},
          {"tags", nlohmann::json::array({"ch" + chapter.chapter.number, c.test.hidden ? "hidden" : "visible"})},
      });
    }
  }
  std::ostringstream summary;
  summary << "Convolution Kata: " << format_points(grade.score()) << " / " << format_points(grade.max_score())
          << " points.\n";
  for (const auto& chapter : grade.chapters) {
    summary << "Chapter " << chapter.chapter.number << " (" << chapter.chapter.topic
            << "): " << format_points(chapter.points()) << " / " << format_points(chapter.max_points) << ", "
            << chapter.passed() << "/" << chapter.cases.size() << " tests, " << chapter.status << "\n";
  }
  for (const auto& note : grade.notes) summary << "Note: " << note << "\n";
  nlohmann::json chapters = nlohmann::json::object();
  for (const auto& chapter : grade.chapters) {
    chapters["ch" + chapter.chapter.number] = {{"points", rounded(chapter.points())},
                                              {"max_points", rounded(chapter.max_points)},
                                              {"passed", chapter.passed()},
                                              {"tests", chapter.cases.size()},
                                              {"status", chapter.status}};
  }
  return {
      {"score", rounded(grade.score())},
      {"output", valid_utf8(summary.str())},
      {"visibility", "visible"},
      {"stdout_visibility", "hidden"},
      {"execution_time", static_cast<int>(std::lround(grade.seconds))},
      {"extra_data", {{"max_score", rounded(grade.max_score())}, {"chapters", chapters}}},
      {"tests", tests},
  };
}

std::string junit_xml(const Grade& grade) {
  std::ostringstream xml;
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& chapter : grade.chapters) {
    for (const auto& c : chapter.cases) {
      ++tests;
      switch (c.outcome) {
        case Outcome::passed: break;
        case Outcome::failed: ++failures; break;
        case Outcome::skipped: ++skipped; break;
        default: ++errors;
      }
    }
  }
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml << "<testsuites name=\"Convolution Kata: " << xml_escape(grade.student) << "\" tests=\"" << tests
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
      << grade.seconds << "\">\n";
  for (const auto& chapter : grade.chapters) {
    int f = 0, e = 0, s = 0;
    double seconds = 0;
    for (const auto& c : chapter.cases) {
      seconds += c.seconds;
      if (c.outcome == Outcome::failed) ++f;
      else if (c.outcome == Outcome::skipped) ++s;
      else if (c.outcome != Outcome::passed) ++e;
    }
    xml << "  <testsuite name=\"ch" << chapter.chapter.number << " " << xml_escape(chapter.chapter.topic)
        << "\" tests=\"" << chapter.cases.size() << "\" failures=\"" << f << "\" errors=\"" << e << "\" skipped=\""
        << s << "\" time=\"" << seconds << "\">\n";
    xml << "    <properties>\n      <property name=\"points\" value=\"" << format_points(chapter.points())
        << "\"/>\n      <property name=\"max_points\" value=\"" << format_points(chapter.max_points)
        << "\"/>\n      <property name=\"status\" value=\"" << xml_escape(chapter.status) << "\"/>\n    </properties>\n";
    for (const auto& c : chapter.cases) {
      xml << "    <testcase classname=\"ch" << chapter.chapter.number << (c.test.hidden ? ".hidden" : "")
          << "\" name=\"" << xml_escape(case_title(c)) << "\" time=\"" << c.seconds << "\">";
      const std::string message = xml_escape(to_string(c.outcome) + ": " + c.why);
      const std::string body = xml_escape(c.outcome == Outcome::not_built ? chapter.compiler_errors : c.output);
      switch (c.outcome) {
        case Outcome::passed: break;
        case Outcome::failed: xml << "\n      <failure message=\"" << message << "\">" << body << "</failure>\n    "; break;
        case Outcome::skipped: xml << "\n      <skipped message=\"" << message << "\"/>\n    "; break;
        default: xml << "\n      <error message=\"" << message << "\">" << body << "</error>\n    ";
      }
      xml << "</testcase>\n";
    }
    xml << "  </testsuite>\n";
  }
  xml << "</testsuites>\n";
  return xml.str();
}

std::string feedback_markdown(const Grade& grade) {
  std::ostringstream md;
  md << "# Convolution Kata: " << format_points(grade.score()) << " / " << format_points(grade.max_score())
     << " points\n\n";
  for (const auto& note : grade.notes) md << "- " << note << "\n";
  if (!grade.notes.empty()) md << "\n";
  md << "| chapter | points | tests passed | |\n|---|---|---|---|\n";
  for (const auto& chapter : grade.chapters) {
    md << "| " << chapter.chapter.number << " " << chapter.chapter.topic << " | " << format_points(chapter.points())
       << " / " << format_points(chapter.max_points) << " | " << chapter.passed() << " / " << chapter.cases.size()
       << " | " << chapter.status << " |\n";
  }
  for (const auto& chapter : grade.chapters) {
    md << "\n## Chapter " << chapter.chapter.number << ", " << chapter.chapter.topic << ": "
       << format_points(chapter.points()) << " / " << format_points(chapter.max_points) << " points\n\n";
    std::string status = chapter.status;
    if (!status.empty()) status[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(status[0])));
    md << status << ".\n";
    for (const auto& problem : chapter.problems) md << "- " << problem << "\n";
    if (!chapter.compiler_errors.empty()) {
      md << "\nThe compiler's errors in your code:\n\n```\n" << chapter.compiler_errors << "\n```\n";
    }
    int hidden_failed = 0, hidden_total = 0, shown = 0;
    for (const auto& c : chapter.cases) {
      if (c.test.hidden) {
        ++hidden_total;
        if (c.outcome != Outcome::passed) ++hidden_failed;
        continue;
      }
      if (c.outcome == Outcome::passed || c.outcome == Outcome::not_built || c.outcome == Outcome::not_run) continue;
      if (shown == 0) md << "\nFailing tests:\n";
      ++shown;
      md << "\n### " << case_title(c) << "\n\n" << to_string(c.outcome) << ": " << c.why << "\n";
      if (!c.output.empty()) md << "\n```\n" << c.output << "\n```\n";
    }
    if (hidden_total > 0) {
      md << "\nHidden tests: " << hidden_total - hidden_failed << " of " << hidden_total << " passed"
         << (hidden_failed ? " (their details are shown after the due date)" : "") << ".\n";
    }
  }
  return valid_utf8(md.str());
}

std::string csv_header(const std::vector<Chapter>& chapters) {
  std::string header = "student";
  for (const auto& c : chapters) header += ",ch" + c.number;
  return header + ",total,max,notes\n";
}

std::string csv_row(const Grade& grade, const std::vector<Chapter>& chapters) {
  std::string row = csv_field(grade.student);
  for (const auto& chapter : chapters) {
    auto it = std::find_if(grade.chapters.begin(), grade.chapters.end(),
                           [&](const ChapterGrade& g) { return g.chapter.number == chapter.number; });
    row += "," + (it == grade.chapters.end() ? std::string("0") : format_points(it->points()));
  }
  std::string notes;
  for (const auto& n : grade.notes) notes += (notes.empty() ? "" : "; ") + n;
  return row + "," + format_points(grade.score()) + "," + format_points(grade.max_score()) + "," + csv_field(notes) + "\n";
}

namespace {
// ".tar.gz" of "bob.tar.gz", "" when the name is not an archive's.
std::string archive_extension(const fs::path& path) {
  const std::string name = path.filename().string();
  for (const std::string ext : {".tar.gz", ".tgz", ".zip", ".tar"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return ext;
  }
  return "";
}
}  // namespace

bool is_archive(const fs::path& path) { return !archive_extension(path).empty(); }

std::string student_name(const fs::path& entry) {
  std::string name = entry.filename().string();
  name.resize(name.size() - archive_extension(entry).size());
  for (char& c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  }
  if (name.empty() || name[0] == '.') name = "_" + name;
  return name;
}

}  // namespace kata::grade
