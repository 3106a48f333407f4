// The learner's `kata` commands without their printing. See cli_core.hpp.

#include "cli_core.hpp"

#include "workbook.hpp"

#include "process.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace kata::cli {

namespace {

// Building a chapter takes about a second; the first build of every chapter,
// Eigen's precompiled header included, takes minutes on two cores.
constexpr double kBuildSeconds = 1800;
constexpr double kTestSeconds = 900;     // a whole ctest run; each test has its own limit
constexpr const char* kTestTimeout = "60";  // seconds per test, as the chapters' TIMEOUT

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

process::Result run_in(const Workbook& workbook, const std::vector<std::string>& argv, double seconds) {
    process::Options options;
    options.cwd = workbook.root;
    options.timeout_seconds = seconds;
    options.max_output = 8 << 20;
    return process::run(argv, options);
}

}  // namespace

// ------------------------------------------------------------------ helpers
// The workbook's readers (workbook.hpp), with a failure as a Refusal: one line, exit 1.
std::string read_text(const fs::path& file) {
    try {
        return kata::read_text(file);
    } catch (const std::runtime_error& e) {
        throw Refusal(e.what());
    }
}

void write_text(const fs::path& file, const std::string& text) {
    try {
        kata::write_text(file, text);
    } catch (const std::runtime_error& e) {
        throw Refusal(e.what());
    }
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// ----------------------------------------------------------------- chapters
std::vector<Chapter> parse_chapters(const std::string& cmakelists) {
    std::vector<Chapter> chapters;
    for (const auto& line : kata::chapter_lines(cmakelists)) {
        Chapter c;
        c.id = line.number;
        c.number = std::stoi(c.id);
        c.topic = line.topic;
        chapters.push_back(c);
    }
    return chapters;
}

std::string lesson_title(const std::string& readme, const std::string& fallback) {
    const auto lines = split_lines(readme);
    if (lines.empty() || !starts_with(lines[0], "#")) return fallback;
    std::string title = trim(lines[0].substr(lines[0].find_first_not_of('#')));
    // "Chapter 03 — padding: ..." and "Chapter 11: Conv3d ..." -> what follows the number.
    static const std::regex prefix(R"(^Chapter\s+\d+\s*)");
    std::smatch m;
    if (std::regex_search(title, m, prefix)) {
        title = title.substr(static_cast<std::size_t>(m.length(0)));
        for (const std::string dash : {"\xe2\x80\x94", "\xe2\x80\x93", ":", "-"}) {  // em dash, en dash
            if (starts_with(title, dash)) {
                title = trim(title.substr(dash.size()));
                break;
            }
        }
    }
    return title.empty() ? fallback : title;
}

Workbook Workbook::open(const fs::path& root) {
    std::error_code error;
    const fs::path canonical = fs::canonical(root, error);
    if (error || !fs::exists(canonical / "CMakeLists.txt"))
        throw Refusal(root.string() + " is not the workbook's folder (no CMakeLists.txt there)");
    Workbook workbook;
    workbook.root = canonical;
    workbook.build = canonical / "build" / "learner";
    workbook.chapters = parse_chapters(read_text(canonical / "CMakeLists.txt"));
    if (workbook.chapters.empty())
        throw Refusal(canonical.string() + "/CMakeLists.txt has no kata_add_chapter line: is this the workbook?");
    return workbook;
}

std::string Workbook::numbers() const {
    bool contiguous = true;
    for (std::size_t i = 1; i < chapters.size(); ++i)
        contiguous = contiguous && chapters[i].number == chapters[i - 1].number + 1;
    if (contiguous && chapters.size() > 2)
        return std::to_string(chapters.front().number) + "-" + std::to_string(chapters.back().number);
    std::string list;
    for (const auto& c : chapters) list += (list.empty() ? "" : ", ") + std::to_string(c.number);
    return list;
}

const Chapter& Workbook::chapter(const std::string& argument) const {
    const bool digits = !argument.empty() &&
                        std::all_of(argument.begin(), argument.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits) {
        throw UsageError((argument.empty() ? std::string("which chapter?")
                                           : "expected a chapter number, got '" + argument + "'") +
                         " (chapters " + numbers() + ")");
    }
    const auto significant = argument.find_first_not_of('0');
    const std::string number = significant == std::string::npos ? "0" : argument.substr(significant);
    for (const auto& c : chapters)
        if (std::to_string(c.number) == number) return c;
    throw UsageError("there is no chapter " + number + " (chapters " + numbers() + ")");
}

const Chapter* Workbook::after(const Chapter& chapter) const {
    for (std::size_t i = 0; i + 1 < chapters.size(); ++i)
        if (chapters[i].number == chapter.number) return &chapters[i + 1];
    return nullptr;
}

std::string Workbook::title(const Chapter& chapter) const {
    std::error_code error;
    const fs::path readme = root / chapter.dir() / "README.md";
    if (!fs::exists(readme, error)) return chapter.topic;
    return lesson_title(read_text(readme), chapter.topic);
}

namespace {

std::vector<std::string> files_with(const Workbook& workbook, const Chapter& chapter,
                                    const std::set<std::string>& extensions) {
    std::vector<std::string> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(workbook.root / chapter.dir(), error)) {
        if (entry.is_regular_file(error) && extensions.count(entry.path().extension().string()))
            files.push_back(chapter.dir() + "/" + entry.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

std::vector<std::string> Workbook::stub_files(const Chapter& chapter) const {
    return files_with(*this, chapter, {".cpp", ".cu"});  // what kata_add_chapter compiles
}

std::vector<std::string> Workbook::code_files(const Chapter& chapter) const {
    return files_with(*this, chapter, {".cpp", ".cu", ".hpp", ".cuh", ".h"});
}

std::vector<std::string> Workbook::targets(const Chapter& chapter) const {
    // The build tree's top CTestTestfile.cmake includes one file per test
    // executable that doctest_discover_tests registered at configure time:
    // exactly the executables of the chapters this build has. (The
    // instructor's hidden tests, chNN_topic_hidden, are the grader's, not
    // the learner's: student releases leave them out.)
    std::error_code error;
    const fs::path testfile = build / "CTestTestfile.cmake";
    if (!fs::exists(testfile, error)) return {};
    const std::regex include_pattern("/(" + std::string("ch") + chapter.id + "_" + chapter.topic +
                                     R"((?:_[A-Za-z0-9_]+)?)_include-[0-9a-f]+\.cmake"\))");
    std::vector<std::string> found;
    for (const auto& line : split_lines(read_text(testfile))) {
        std::smatch m;
        if (std::regex_search(line, m, include_pattern) && !ends_with(m[1], "_hidden")) found.push_back(m[1]);
    }
    return found;
}

std::string Workbook::cache_value(const std::string& name) const {
    std::error_code error;
    const fs::path cache = build / "CMakeCache.txt";
    if (!fs::exists(cache, error)) return "";
    for (const auto& line : split_lines(read_text(cache))) {
        if (!starts_with(line, name + ":")) continue;
        const auto equals = line.find('=');
        if (equals != std::string::npos) return line.substr(equals + 1);
    }
    return "";
}

std::string Workbook::not_built_reason(const Chapter& chapter) const {
    const std::string only = cache_value("KATA_CHAPTERS");
    if (!only.empty()) {
        bool listed = false;
        std::istringstream in(only);
        for (std::string item; std::getline(in, item, ';');) listed = listed || item == chapter.id;
        if (!listed) return "this build has only the chapters KATA_CHAPTERS=" + only;
    }
    if (!files_with(*this, chapter, {".cu"}).empty()) {
        if (cache_value("KATA_CUDA") == "OFF") return "this build was configured with KATA_CUDA=OFF";
        return "no CUDA compiler (nvcc) was found; see build/learner/kata-configure.log";
    }
    return "see build/learner/kata-configure.log";
}

std::string Workbook::relative(std::string text) const {
    const std::string prefix = root.string() + "/";
    for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at))
        text.erase(at, prefix.size());
    return text;
}

// ------------------------------------------------------------------ building
CompilerErrors compiler_errors(const std::string& log, const std::string& chapter_dir) {
    static const std::regex gcc(R"(^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$)");
    static const std::regex nvcc(R"(^(.+?)\((\d+)\): (catastrophic error|fatal error|error|warning): (.*)$)");
    static const std::regex excerpt(R"(^\s+(\d+\s+)?\|)");
    static const std::regex context(
        R"((In (member )?function|In constructor|In destructor|In lambda|In instantiation of|In substitution of|required from|required by|In file included from|^\s+from |: In static member function))");
    static const std::regex learner_place("(" + chapter_dir + R"(/[^:\s]+):(\d+)(?::\d+)?:)");

    CompilerErrors errors;
    std::vector<std::string> preamble;  // "In function ..." / "required from here" lines before an error
    Diagnostic* current = nullptr;      // the error the following excerpt lines belong to
    bool attach = false;                // whether the lines that follow belong to it
    int notes = 0;
    auto in_chapter = [&](const std::string& file) { return starts_with(file, chapter_dir + "/"); };

    for (const auto& line : split_lines(log)) {
        std::smatch m;
        std::string file, severity, message;
        int line_number = 0;
        if (std::regex_match(line, m, gcc)) {
            file = m[1], line_number = std::stoi(m[2]), severity = m[4], message = m[5];
        } else if (std::regex_match(line, m, nvcc)) {
            file = m[1], line_number = std::stoi(m[2]), severity = m[3], message = m[4];
        }
        if (!severity.empty() && file.find(' ') == std::string::npos) {
            if (severity == "note") {
                attach = current && notes < 3 && current->lines.size() < 16;
                if (attach) current->lines.push_back(line), ++notes;
                continue;
            }
            if (severity == "warning") {
                current = nullptr, attach = false, preamble.clear();
                continue;
            }
            Diagnostic d;
            d.file = file, d.line = line_number, d.message = message;
            if (in_chapter(file)) {
                d.learner_location = file + ":" + std::to_string(line_number);
            } else {
                // An error inside a header (Eigen's, the chapter's) reached from the learner's code.
                for (auto it = preamble.rbegin(); it != preamble.rend() && d.learner_location.empty(); ++it) {
                    std::smatch place;
                    if (it->find("required from") != std::string::npos && std::regex_search(*it, place, learner_place))
                        d.learner_location = place[1].str() + ":" + place[2].str();
                }
            }
            for (const auto& p : preamble)
                if (p.find("required from") != std::string::npos && p.find(chapter_dir + "/") != std::string::npos &&
                    d.lines.size() < 2)
                    d.lines.push_back(p);
            d.lines.push_back(line);
            auto& list = d.learner_location.empty() ? errors.elsewhere : errors.in_learner_files;
            list.push_back(d);
            current = &list.back(), attach = true, notes = 0;
            preamble.clear();
            continue;
        }
        if (std::regex_search(line, excerpt) && current) {
            if (attach && current->lines.size() < 16) current->lines.push_back(line);
            continue;
        }
        if (std::regex_search(line, context)) {
            if (preamble.size() > 40) preamble.erase(preamble.begin());
            preamble.push_back(line);
            attach = false;
            continue;
        }
        attach = false;
        if (line.find("undefined reference to") != std::string::npos ||
            line.find("multiple definition of") != std::string::npos) {
            errors.linker.push_back(line);
        } else if ((line.find("error") != std::string::npos || line.find("Error") != std::string::npos) &&
                   !starts_with(line, "FAILED:") && !starts_with(line, "[") && line.find(" -c ") == std::string::npos &&
                   line.find("-o ") == std::string::npos) {
            errors.other.push_back(line);
        }
    }
    return errors;
}

Build build_targets(const Workbook& workbook, const std::vector<std::string>& targets, bool keep_going) {
    std::vector<std::string> argv = {"cmake", "--build", workbook.build.string(), "--target"};
    argv.insert(argv.end(), targets.begin(), targets.end());
    if (keep_going) {
        const std::string generator = workbook.cache_value("CMAKE_GENERATOR");
        if (generator == "Ninja" || generator == "Ninja Multi-Config") {
            argv.insert(argv.end(), {"--", "-k", "0"});
        } else if (generator == "Unix Makefiles") {
            argv.insert(argv.end(), {"--", "-k"});
        }
    }
    const auto result = run_in(workbook, argv, kBuildSeconds);
    Build build;
    build.ok = result.succeeded();
    build.log = workbook.relative(result.output);
    build.description = result.describe(kBuildSeconds);
    return build;
}

std::set<std::string> failed_chapters(const std::string& log) {
    static const std::regex chapter_output(R"((^|[/ \[])ch(\d\d)_)");
    std::set<std::string> failed;
    for (const auto& line : split_lines(log)) {
        const bool ninja = starts_with(line, "FAILED: ");
        const bool make = line.find("] Error ") != std::string::npos && starts_with(line, "make");
        if (!ninja && !make) continue;
        std::smatch m;
        failed.insert(std::regex_search(line, m, chapter_output) ? m[2].str() : "*");
    }
    return failed;
}

// --------------------------------------------------------------------- tests
std::vector<TestResult> parse_ctest(const std::string& text) {
    static const std::regex result_line(R"(^\s*\d+/\d+ Test\s+#(\d+): (.+?) \.+\s*(\*\*\*)?(.+?)\s+[0-9.]+ sec\s*$)");
    static const std::regex end_of_output(R"(^(\s+Start\s+\d+: |\d+% tests passed|The following tests |Label Time Summary:|Total Test time))");
    static const std::regex prefix(R"(^ch(\d\d)/(.*)$)");
    std::vector<TestResult> results;
    TestResult* open = nullptr;  // the failed test whose output is being read
    for (const auto& line : split_lines(text)) {
        std::smatch m;
        if (std::regex_match(line, m, result_line)) {
            TestResult r;
            r.number = std::stoi(m[1]);
            r.name = m[2];
            std::smatch p;
            if (std::regex_match(r.name, p, prefix)) r.chapter_id = p[1], r.name = p[2];
            r.status = trim(m[4]);
            if (starts_with(r.status, "Passed")) {
                r.outcome = Outcome::passed;
            } else if (starts_with(r.status, "Skipped")) {
                r.outcome = Outcome::skipped;
            } else if (starts_with(r.status, "Timeout")) {
                r.outcome = Outcome::timeout;
            } else if (starts_with(r.status, "Exception")) {
                r.outcome = Outcome::crashed;
            } else if (starts_with(r.status, "Not Run") || starts_with(r.status, "Disabled")) {
                r.outcome = Outcome::not_run;
            } else {
                r.outcome = Outcome::failed;
            }
            results.push_back(r);
            open = r.outcome == Outcome::passed || r.outcome == Outcome::skipped ? nullptr : &results.back();
            continue;
        }
        if (std::regex_search(line, end_of_output)) {
            open = nullptr;
            continue;
        }
        if (open) open->output += line + "\n";
    }
    std::stable_sort(results.begin(), results.end(),
                     [](const TestResult& a, const TestResult& b) { return a.number < b.number; });
    return results;
}

std::vector<std::string> doctest_message(const std::string& output) {
    std::vector<std::string> message;
    bool header = false;  // between a "====" line and the blank line that ends the case's header
    for (const auto& line : split_lines(output)) {
        if (starts_with(line, "[doctest]")) continue;
        if (starts_with(line, "=====")) {
            header = true;
            continue;
        }
        if (header) {
            if (trim(line).empty()) header = false;
            continue;
        }
        if (trim(line).empty() && (message.empty() || message.back().empty())) continue;
        message.push_back(line);
    }
    while (!message.empty() && trim(message.back()).empty()) message.pop_back();
    return message;
}

std::string exercise_of(const std::string& test_name) { return trim(test_name.substr(0, test_name.find(':'))); }

std::vector<TestResult> run_tests(const Workbook& workbook, const std::vector<const Chapter*>& chapters,
                                  bool with_output) {
    if (chapters.empty()) return {};
    std::string labels;
    for (const auto* c : chapters) labels += (labels.empty() ? "" : "|") + c->id;
    const unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> argv = {"ctest", "--test-dir", workbook.build.string(), "-L", "^ch(" + labels + ")$",
                                     "-LE", "^hidden$", "-j", std::to_string(jobs), "--timeout", kTestTimeout,
                                     "--no-tests=ignore"};
    if (with_output) argv.push_back("--output-on-failure");
    const auto result = run_in(workbook, argv, kTestSeconds);
    if (!result.started) throw Refusal("cannot run ctest: is CMake installed?");
    if (result.timed_out) throw Refusal("the tests took longer than " + std::to_string(int(kTestSeconds)) + " s");
    return parse_ctest(workbook.relative(result.output));
}

Tally tally(const std::vector<TestResult>& results, const std::string& chapter_id) {
    Tally t;
    for (const auto& r : results) {
        if (r.chapter_id != chapter_id) continue;
        ++t.total;
        if (r.outcome == Outcome::passed) ++t.passed;
        if (r.outcome == Outcome::skipped) ++t.skipped;
    }
    return t;
}

// --------------------------------------------------------------------- hints
std::vector<Exercise> parse_hints(const std::string& markdown) {
    std::vector<Exercise> exercises;
    std::string* hint = nullptr;
    for (const auto& line : split_lines(markdown)) {
        if (starts_with(line, "### ")) {
            hint = exercises.empty() ? nullptr : &exercises.back().hints.emplace_back();
        } else if (starts_with(line, "## ")) {
            exercises.push_back({trim(line.substr(3)), {}});
            hint = nullptr;
        } else if (starts_with(line, "# ")) {
            hint = nullptr;
        } else if (hint) {
            *hint += line + "\n";
        }
    }
    for (auto& e : exercises)
        for (auto& h : e.hints) h = trim(h);
    return exercises;
}

HintState::HintState(fs::path file) : file_(std::move(file)) {
    std::error_code error;
    if (!fs::exists(file_, error)) return;
    for (const auto& line : split_lines(read_text(file_))) {
        const auto tab = line.rfind('\t');
        if (tab == std::string::npos) continue;
        try {
            entries_.emplace_back(line.substr(0, tab), std::stoi(line.substr(tab + 1)));
        } catch (const std::exception&) {
            // A line damaged by hand counts as no hint shown.
        }
    }
}

int HintState::shown(const std::string& key) const {
    int level = 0;
    for (const auto& [k, v] : entries_)
        if (k == key) level = v;
    return level;
}

void HintState::set(const std::string& key, int level) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.first == key; }),
                   entries_.end());
    entries_.emplace_back(key, level);
    std::string text;
    for (const auto& [k, v] : entries_) text += k + "\t" + std::to_string(v) + "\n";
    write_text(file_, text);
}

// ------------------------------------------------------------ shipped stubs
namespace {

fs::path pristine_dir(const Workbook& workbook) { return workbook.root / ".kata" / "pristine"; }

// git is the source only where the root is the top of its own checkout (a
// copy of the workbook inside another repository's folder is not).
bool git_checkout(const Workbook& workbook) {
    const auto result = run_in(workbook, {"git", "rev-parse", "--show-toplevel"}, 30);
    if (!result.succeeded()) return false;
    std::error_code error;
    return fs::equivalent(fs::path(trim(result.output)), workbook.root, error);
}

std::optional<std::string> git_head(const Workbook& workbook, const std::string& relative_path) {
    process::Options options;
    options.cwd = workbook.root;
    options.timeout_seconds = 30;
    options.max_output = 64 << 20;
    const auto result = process::run({"git", "show", "HEAD:" + relative_path}, options);
    if (!result.succeeded()) return std::nullopt;
    return result.output;  // stdout only on success: git writes nothing else then
}

}  // namespace

void keep_pristine(const Workbook& workbook) {
    std::optional<bool> git;  // asked once, only when a chapter has no copy yet
    for (const auto& chapter : workbook.chapters) {
        const fs::path dir = pristine_dir(workbook) / chapter.name();
        std::error_code error;
        if (fs::exists(dir, error)) continue;
        if (!git) git = git_checkout(workbook);
        const fs::path partial = dir.string() + ".partial";
        fs::remove_all(partial, error);
        fs::create_directories(partial);
        for (const auto& file : workbook.stub_files(chapter)) {
            std::optional<std::string> text;
            if (*git) text = git_head(workbook, file);
            if (!text) text = read_text(workbook.root / file);
            write_text(partial / fs::path(file).filename(), *text);
        }
        fs::rename(partial, dir);
    }
}

std::optional<std::string> shipped(const Workbook& workbook, const std::string& relative_path) {
    const fs::path file = relative_path;
    const fs::path copy = pristine_dir(workbook) / file.parent_path().filename() / file.filename();
    std::error_code error;
    if (fs::exists(copy, error)) return read_text(copy);
    if (fs::exists(copy.parent_path(), error)) return std::nullopt;  // a file the learner added
    if (git_checkout(workbook)) return git_head(workbook, relative_path);
    return std::nullopt;
}

bool edited(const Workbook& workbook, const Chapter& chapter) {
    std::error_code error;
    const fs::path copies = pristine_dir(workbook) / chapter.name();
    std::set<std::string> kept;
    for (const auto& entry : fs::directory_iterator(copies, error)) kept.insert(entry.path().filename().string());
    std::size_t seen = 0;
    for (const auto& file : workbook.stub_files(chapter)) {
        const auto original = shipped(workbook, file);
        if (!original || *original != read_text(workbook.root / file)) return true;
        seen += kept.count(fs::path(file).filename().string());
    }
    return !kept.empty() && seen != kept.size();  // a shipped stub was deleted
}

}  // namespace kata::cli
