// kata-cli: the learner's `kata` commands. The launcher (./kata) installs
// what is missing, configures build/learner, builds this program and hands
// it the command line:
//
//   kata-cli --root ROOT                  the progress board
//   kata-cli --root ROOT test N           rebuild chapter N, run its tests
//   kata-cli --root ROOT watch [N]        the same on every save
//   kata-cli --root ROOT hint N           the next hint for the first failing exercise
//   kata-cli --root ROOT reset N          the shipped stub back (after a backup)
//   kata-cli --root ROOT solution N       the model solution, once the chapter passes
//
// Exit codes: 0 done / passing, 1 something fails or is refused, 2 a command
// line that cannot be obeyed. Every error is one line on stderr.

#include "cli_core.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <unistd.h>

namespace kata::cli {
namespace {

// ------------------------------------------------------------------- output
// Colour only for a person at a terminal who has not asked for none (no-color.org).
struct Style {
    bool colour = false;
    std::string on(const char* code) const { return colour ? code : ""; }
    std::string bold() const { return on("\x1b[1m"); }
    std::string dim() const { return on("\x1b[2m"); }
    std::string red() const { return on("\x1b[31m"); }
    std::string green() const { return on("\x1b[32m"); }
    std::string yellow() const { return on("\x1b[33m"); }
    std::string reset() const { return on("\x1b[0m"); }
};
Style style;

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }
bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

std::string joined(const std::vector<std::string>& items, const std::string& separator = " ") {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
    return text;
}

std::string chapter_heading(const Workbook& workbook, const Chapter& chapter) {
    return "chapter " + std::to_string(chapter.number) + ", " + workbook.title(chapter);
}

// ---------------------------------------------------------- a chapter's state
enum class Status { not_built_here, does_not_compile, not_started, in_progress, done, done_on_cpu };

struct ChapterState {
    Status status = Status::not_started;
    Build build;                       // when it was built for this state
    std::vector<TestResult> results;   // its tests, when it compiles
    Tally tally;
};

std::string status_words(Status s) {
    switch (s) {
        case Status::not_built_here: return "not built here";
        case Status::does_not_compile: return "does not compile";
        case Status::not_started: return "not started";
        case Status::in_progress: return "in progress";
        case Status::done: return "done";
        case Status::done_on_cpu: return "done on the CPU (GPU tests skipped)";
    }
    return "";
}

std::string status_colour(Status s) {
    switch (s) {
        case Status::does_not_compile: return style.red();
        case Status::in_progress: return style.yellow();
        case Status::done:
        case Status::done_on_cpu: return style.green();
        default: return style.dim();
    }
}

Status status_from(const Workbook& workbook, const Chapter& chapter, const Tally& t) {
    if (t.done()) return Status::done;
    if (t.done_on_cpu()) return Status::done_on_cpu;
    if (t.passed > 0 || edited(workbook, chapter)) return Status::in_progress;
    return Status::not_started;
}

// Builds one chapter and runs its tests.
ChapterState check_chapter(const Workbook& workbook, const Chapter& chapter, bool with_output) {
    ChapterState state;
    const auto targets = workbook.targets(chapter);
    if (targets.empty()) {
        state.status = Status::not_built_here;
        return state;
    }
    state.build = build_targets(workbook, targets, false);
    write_text(workbook.build / ("kata-ch" + chapter.id + "-build.log"), state.build.log);
    if (!state.build.ok) {
        state.status = Status::does_not_compile;
        return state;
    }
    state.results = run_tests(workbook, {&chapter}, with_output);
    state.tally = tally(state.results, chapter.id);
    state.status = status_from(workbook, chapter, state.tally);
    return state;
}

std::string first_error_location(const Build& build, const Chapter& chapter) {
    const auto errors = compiler_errors(build.log, chapter.dir());
    if (!errors.in_learner_files.empty()) return errors.in_learner_files.front().learner_location;
    return "";
}

// ------------------------------------------------------------ what to do next
enum class Loop { test, watch };

// "./kata test 3" or, while watching, "save".
std::string rerun(const Chapter& chapter, Loop loop) {
    return loop == Loop::watch ? "save it to run the tests again"
                               : "run ./kata test " + std::to_string(chapter.number) + " again";
}

void print_compile_errors(const Workbook& workbook, const Chapter& chapter, const Build& build, Loop loop) {
    const auto errors = compiler_errors(build.log, chapter.dir());
    const std::string log = "build/learner/kata-ch" + chapter.id + "-build.log";
    std::cout << style.red() << style.bold() << "Chapter " << chapter.number << " does not compile." << style.reset();
    std::string fix;
    if (!errors.in_learner_files.empty()) {
        const auto& first = errors.in_learner_files.front();
        fix = first.learner_location;
        std::cout << " The first error is in your code, at " << style.bold() << fix << style.reset() << ":\n\n";
        for (std::size_t i = 0; i < errors.in_learner_files.size() && i < 3; ++i) {
            for (const auto& line : errors.in_learner_files[i].lines) std::cout << "  " << line << "\n";
            std::cout << "\n";
        }
        if (errors.in_learner_files.size() > 3)
            std::cout << "  (" << errors.in_learner_files.size() - 3 << " more errors in your code: the first one often causes the others)\n\n";
    } else if (!errors.elsewhere.empty()) {
        const auto& first = errors.elsewhere.front();
        fix = first.file + ":" + std::to_string(first.line);
        std::cout << " The compiler stops in " << style.bold() << fix << style.reset()
                  << " (not your stub: did a declaration in " << chapter.dir() << " change?):\n\n";
        for (std::size_t i = 0; i < errors.elsewhere.size() && i < 2; ++i) {
            for (const auto& line : errors.elsewhere[i].lines) std::cout << "  " << line << "\n";
            std::cout << "\n";
        }
    } else if (!errors.linker.empty()) {
        std::cout << " It compiles, but the linker misses a function the tests call (renamed, deleted, or "
                     "its signature changed?):\n\n";
        for (std::size_t i = 0; i < errors.linker.size() && i < 6; ++i) std::cout << "  " << errors.linker[i] << "\n";
        std::cout << "\n";
    } else {
        std::cout << " The build (" << build.description << ") says:\n\n";
        const auto lines = errors.other.empty() ? split_lines(build.log) : errors.other;
        const std::size_t from = errors.other.empty() && lines.size() > 30 ? lines.size() - 30 : 0;
        for (std::size_t i = from; i < lines.size() && i < from + 30; ++i) std::cout << "  " << lines[i] << "\n";
        std::cout << "\n";
    }
    std::cout << "The whole compiler output is in " << log << ".\n";
    std::cout << style.bold() << "Next:" << style.reset() << " fix "
              << (fix.empty() ? joined(workbook.stub_files(chapter)) : fix) << " and " << rerun(chapter, loop) << ".\n";
}

// A doctest line without its "tests/ch03_padding.cpp:163: ERROR: " prefix.
std::string without_location(const std::string& line) {
    static const std::regex location(R"(^\S+:\d+: (ERROR|FATAL ERROR|WARNING): )");
    return std::regex_replace(line, location, "", std::regex_constants::format_first_only);
}

// One failing case: its name, then doctest's report indented under it.
void print_failure(const TestResult& r, bool in_full, std::string& previous_first_line) {
    std::cout << "  " << style.red() << "FAIL" << style.reset() << "  " << r.name << "\n";
    auto message = doctest_message(r.output);
    if (r.outcome == Outcome::timeout) message.insert(message.begin(), "timed out (an endless loop?)");
    if (r.outcome == Outcome::not_run) message.insert(message.begin(), "not run: " + r.status);
    if (message.empty()) message.push_back(r.status);
    const std::string first = without_location(message.front());
    if (!in_full) {
        // Later failures: their first line only, and not when it repeats the one before.
        if (first != previous_first_line) std::cout << "        " << style.dim() << first << style.reset() << "\n";
        previous_first_line = first;
        return;
    }
    const std::size_t limit = 24;
    for (std::size_t i = 0; i < message.size() && i < limit; ++i) std::cout << "        " << message[i] << "\n";
    if (message.size() > limit) std::cout << "        " << style.dim() << "(" << message.size() - limit << " more lines)" << style.reset() << "\n";
    previous_first_line = first;
}

// `kata test N` and each round of `kata watch`. Returns the exit code.
int test_chapter(const Workbook& workbook, const Chapter& chapter, Loop loop) {
    const auto targets = workbook.targets(chapter);
    if (targets.empty()) throw Refusal("chapter " + std::to_string(chapter.number) + " is not built here: " + workbook.not_built_reason(chapter));
    std::cout << style.bold() << "Chapter " << chapter.number << ": " << workbook.title(chapter) << style.reset() << "\n\n";
    const auto state = check_chapter(workbook, chapter, true);
    if (state.status == Status::does_not_compile) {
        print_compile_errors(workbook, chapter, state.build, loop);
        return 1;
    }
    const auto& t = state.tally;
    int failures = 0;
    std::string previous;
    for (const auto& r : state.results) {
        if (r.chapter_id != chapter.id) continue;
        if (r.outcome == Outcome::passed) {
            std::cout << "  " << style.green() << "pass" << style.reset() << "  " << r.name << "\n";
        } else if (r.outcome == Outcome::skipped) {
            std::cout << "  " << style.yellow() << "skip" << style.reset() << "  " << r.name << "  (no CUDA device here)\n";
        } else {
            print_failure(r, failures < 3, previous);
            ++failures;
        }
    }
    std::cout << "\n";
    const std::string score = std::to_string(t.passed) + "/" + std::to_string(t.total);
    if (t.total == 0) {
        std::cout << "Chapter " << chapter.number << " has no tests in this build: rebuild it (./kata) and look at "
                  << "build/learner/kata-ch" << chapter.id << "-build.log.\n";
        return 1;
    }
    if (t.passes()) {
        std::cout << style.green() << style.bold() << "Chapter " << chapter.number << ": " << score << " tests pass."
                  << style.reset();
        if (t.done_on_cpu())
            std::cout << " The " << t.skipped << " GPU tests were skipped (no CUDA device here): run them on a machine with a GPU.";
        std::cout << "\n";
        if (loop == Loop::test) {
            const Chapter* next = workbook.after(chapter);
            if (next) {
                std::cout << style.bold() << "Next:" << style.reset() << " " << chapter_heading(workbook, *next) << ": read "
                          << next->dir() << "/README.md, then ./kata test " << next->number << ".\n";
            } else {
                std::cout << style.bold() << "Next:" << style.reset() << " that was the last chapter. ./kata shows the board.\n";
            }
        }
        return 0;
    }
    std::cout << "Chapter " << chapter.number << ": " << style.bold() << score << style.reset() << " tests pass.\n";
    std::cout << style.bold() << "Next:" << style.reset() << " make the first failure above pass in "
              << joined(workbook.stub_files(chapter)) << ", then " << rerun(chapter, loop)
              << " (stuck? ./kata hint " << chapter.number << ").\n";
    return 1;
}

// -------------------------------------------------------------------- board
int board(const Workbook& workbook) {
    std::vector<const Chapter*> configured;
    std::vector<std::string> targets;
    bool first_build = false;
    for (const auto& c : workbook.chapters) {
        const auto t = workbook.targets(c);
        if (t.empty()) continue;
        configured.push_back(&c);
        targets.insert(targets.end(), t.begin(), t.end());
        std::error_code error;
        first_build = first_build || !fs::exists(workbook.build / t.front(), error);
    }
    std::map<std::string, ChapterState> states;
    Build build;
    if (!configured.empty()) {
        if (first_build) std::cout << style.dim() << "Building your chapters for the first time: a few minutes..." << style.reset() << "\n";
        build = build_targets(workbook, targets, true);
        write_text(workbook.build / "kata-build.log", build.log);
    }
    std::vector<const Chapter*> compiled, broken;
    const auto failed = build.ok ? std::set<std::string>{} : failed_chapters(build.log);
    for (const auto* c : configured) {
        // A build stopped by a time limit, or failing without a "FAILED:" line, built nothing for sure.
        const bool ok = build.ok || (!failed.empty() && !failed.count("*") && !failed.count(c->id));
        (ok ? compiled : broken).push_back(c);
    }
    const auto results = run_tests(workbook, compiled, false);
    for (const auto* c : compiled) {
        auto& s = states[c->id];
        s.tally = tally(results, c->id);
        s.status = status_from(workbook, *c, s.tally);
    }
    for (const auto* c : broken) {
        auto& s = states[c->id];
        s.status = Status::does_not_compile;
        s.build = build;
    }

    std::size_t width = 0;
    for (const auto& c : workbook.chapters) width = std::max(width, workbook.title(c).size());
    std::cout << "\n" << style.bold() << "Convolution Kata" << style.reset() << "\n\n";
    const Chapter* next = nullptr;
    for (const auto& c : workbook.chapters) {
        const std::string title = workbook.title(c);
        const std::string padded = title + std::string(width - std::min(width, title.size()), ' ');
        const auto found = states.find(c.id);
        if (found == states.end()) {
            std::cout << "  " << style.dim() << c.id << "  " << padded << "           not built here: "
                      << workbook.not_built_reason(c) << style.reset() << "\n";
            continue;
        }
        const auto& s = found->second;
        char counts[32];
        if (s.status == Status::does_not_compile) {
            std::snprintf(counts, sizeof counts, "%5s    ", "-");
        } else {
            std::snprintf(counts, sizeof counts, "%3d/%-3d  ", s.tally.passed, s.tally.total);
        }
        std::cout << "  " << status_colour(s.status) << c.id << "  " << padded << "  " << counts
                  << status_words(s.status) << style.reset() << "\n";
        if (!next && s.status != Status::done && s.status != Status::done_on_cpu) next = &c;
    }
    std::cout << "\n";
    if (!next) {
        if (compiled.empty() && broken.empty()) {
            std::cout << "No chapter is built here: see build/learner/kata-configure.log.\n";
            return 1;
        }
        std::cout << style.green() << style.bold() << "Every chapter passes." << style.reset() << " Well done.\n";
        return 0;
    }
    const auto& s = states[next->id];
    const std::string n = std::to_string(next->number);
    std::cout << style.bold() << "Next:" << style.reset() << " " << chapter_heading(workbook, *next) << "\n";
    if (s.status == Status::does_not_compile) {
        const std::string where = first_error_location(s.build, *next);
        std::cout << "  fix    " << (where.empty() ? joined(workbook.stub_files(*next)) : where)
                  << "   (it does not compile: ./kata test " << n << " shows the errors)\n";
        return 0;
    }
    if (s.status == Status::not_started) std::cout << "  read   " << next->dir() << "/README.md\n";
    std::cout << "  edit   " << joined(workbook.stub_files(*next)) << "\n";
    std::cout << "  run    ./kata test " << n << "   (./kata watch " << n << " reruns it on every save; stuck? ./kata hint "
              << n << ")\n";
    return 0;
}

// -------------------------------------------------------------------- watch
volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) { interrupted = 1; }

void catch_interrupts() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a read waiting for an answer returns at once
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

// One line from stdin, or nullopt at its end or on Ctrl-C.
std::optional<std::string> read_answer() {
    std::string line;
    for (;;) {
        char ch = 0;
        const ssize_t n = ::read(STDIN_FILENO, &ch, 1);
        if (interrupted) return std::nullopt;
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return line.empty() ? std::nullopt : std::optional<std::string>(line);
        if (ch == '\n') return line;
        line += ch;
    }
}

bool yes(const std::optional<std::string>& answer) {
    if (!answer) return false;
    const std::string a = trim(*answer);
    return a == "y" || a == "Y" || a == "yes" || a == "Yes" || a == "YES";
}

// What `watch` compares: each code file's modification time and size. Polling
// works where change notifications do not (network and WSL file systems).
using Snapshot = std::map<std::string, std::pair<fs::file_time_type, std::uintmax_t>>;

Snapshot snapshot(const Workbook& workbook, const Chapter& chapter) {
    Snapshot s;
    for (const auto& file : workbook.code_files(chapter)) {
        std::error_code error;
        const auto time = fs::last_write_time(workbook.root / file, error);
        const auto size = fs::file_size(workbook.root / file, error);
        s[file] = {time, error ? 0 : size};
    }
    return s;
}

// Sleeps in small steps so that Ctrl-C is answered at once.
void pause_for(double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!interrupted && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(
            50, std::max<long>(1, std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count()))));
}

const Chapter* first_not_passing(const Workbook& workbook) {
    for (const auto& c : workbook.chapters) {
        if (!workbook.configured(c)) continue;
        const auto s = check_chapter(workbook, c, false);
        if (s.status != Status::done && s.status != Status::done_on_cpu) return &c;
    }
    return nullptr;
}

const Chapter* next_configured(const Workbook& workbook, const Chapter& chapter) {
    for (const Chapter* c = workbook.after(chapter); c; c = workbook.after(*c))
        if (workbook.configured(*c)) return c;
    return nullptr;
}

int watch(const Workbook& workbook, const std::string& argument, double interval, bool once) {
    catch_interrupts();
    const Chapter* chapter = nullptr;
    if (argument.empty()) {
        chapter = first_not_passing(workbook);
        if (!chapter) {
            std::cout << style.green() << "Every chapter built here passes." << style.reset() << " Nothing to watch.\n";
            return 0;
        }
    } else {
        chapter = &workbook.chapter(argument);
        if (!workbook.configured(*chapter))
            throw Refusal("chapter " + std::to_string(chapter->number) + " is not built here: " + workbook.not_built_reason(*chapter));
    }
    const bool interactive = stdin_is_terminal();
    for (;;) {
        auto before = snapshot(workbook, *chapter);
        if (stdout_is_terminal()) std::cout << "\x1b[2J\x1b[H";  // a fresh screen for each run, as on a save
        const int code = test_chapter(workbook, *chapter, Loop::watch);
        std::cout.flush();
        if (interrupted) break;
        if (once) return code;
        if (code == 0) {
            const Chapter* next = next_configured(workbook, *chapter);
            if (!interactive) return 0;  // a script or a test: stop once the chapter passes
            if (!next) {
                std::cout << "That was the last chapter built here. Well done.\n";
                return 0;
            }
            std::cout << "\nChapter " << chapter->number << " passes. Go on to chapter " << next->number << "? [y/N] " << std::flush;
            const auto answer = read_answer();
            if (interrupted) break;
            if (yes(answer)) {
                chapter = next;
                continue;
            }
            if (!answer) return 0;  // stdin closed
        }
        std::cout << "\n" << style.dim() << "Watching " << chapter->dir() << " (" << workbook.code_files(*chapter).size()
                  << " files): save one to run the tests again. Ctrl-C to stop." << style.reset() << "\n"
                  << std::flush;
        while (!interrupted) {
            pause_for(interval);
            const auto now = snapshot(workbook, *chapter);
            if (now == before) continue;
            // An editor may write a file in several steps: wait until it stays the same.
            do {
                before = snapshot(workbook, *chapter);
                pause_for(std::min(interval, 0.2));
            } while (!interrupted && snapshot(workbook, *chapter) != before);
            break;
        }
        if (interrupted) break;
    }
    std::cout << "\nStopped watching.\n";
    return 0;
}

// --------------------------------------------------------------------- hint
int hint(const Workbook& workbook, const Chapter& chapter, const std::string& level_text) {
    const std::string hints_file = chapter.dir() + "/hints.md";
    std::error_code error;
    if (!fs::exists(workbook.root / hints_file, error)) throw Refusal("chapter " + std::to_string(chapter.number) + " has no hints (" + hints_file + ")");
    const auto exercises = parse_hints(read_text(workbook.root / hints_file));
    if (exercises.empty()) throw Refusal(hints_file + " has no \"## exercise\" section");

    std::optional<int> asked;
    if (!level_text.empty()) {
        const bool digits = level_text.size() <= 4 && level_text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoi(level_text) < 1) throw UsageError("--level needs a hint number (1, 2, ...), not '" + level_text + "'");
        asked = std::stoi(level_text);
    }

    // The exercise: the first one whose test fails; the first of the chapter while it does not compile.
    std::string exercise, note;
    const auto state = check_chapter(workbook, chapter, false);
    const std::string n = std::to_string(chapter.number);
    if (state.status == Status::not_built_here) {
        exercise = exercises.front().name;
        note = "(Chapter " + n + " is not built here: " + workbook.not_built_reason(chapter) +
               ". Here is a hint for its first exercise.)";
    } else if (state.status == Status::does_not_compile || state.tally.total == 0) {
        exercise = exercises.front().name;
        note = "(Chapter " + n + " does not compile yet; here is a hint for its first exercise.)";
    } else {
        for (const auto& r : state.results)
            if (exercise.empty() && r.chapter_id == chapter.id && r.outcome != Outcome::passed && r.outcome != Outcome::skipped)
                exercise = exercise_of(r.name);
        for (const auto& r : state.results)  // the GPU exercises, untested without a device
            if (exercise.empty() && r.chapter_id == chapter.id && r.outcome == Outcome::skipped) {
                exercise = exercise_of(r.name);
                note = "(The CPU tests pass; the GPU tests were skipped here: a hint for the first of them.)";
            }
        if (exercise.empty()) {
            std::cout << style.green() << "Chapter " << chapter.number << " passes: no hint needed." << style.reset() << "\n";
            return 0;
        }
    }
    const auto found = std::find_if(exercises.begin(), exercises.end(), [&](const Exercise& e) { return e.name == exercise; });
    if (found == exercises.end() || found->hints.empty()) throw Refusal("no hints for '" + exercise + "' in " + hints_file);
    const int count = static_cast<int>(found->hints.size());

    HintState hints(workbook.root / ".kata" / "hints");
    const std::string key = chapter.label() + " " + exercise;
    const int level = asked ? std::min(*asked, count) : std::min(hints.shown(key) + 1, count);
    hints.set(key, level);

    if (!note.empty()) std::cout << style.yellow() << note << style.reset() << "\n";
    std::cout << style.bold() << "Hint " << level << " of " << count << " for " << exercise << style.reset() << " (chapter "
              << chapter.number << ")\n\n"
              << found->hints[static_cast<std::size_t>(level - 1)] << "\n";
    if (level < count) {
        std::cout << "\n" << style.dim() << "Ask again for the next hint: ./kata hint " << chapter.number << style.reset() << "\n";
    } else {
        std::cout << "\n" << style.dim() << "That was the last hint for " << exercise << ": it is close to the answer."
                  << style.reset() << "\n";
    }
    return 0;
}

// -------------------------------------------------------------------- reset
std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local);
    return text;
}

int reset(const Workbook& workbook, const Chapter& chapter, bool assume_yes) {
    // The shipped list: the copies kept in .kata/pristine (or git's), whatever is in the folder now.
    const fs::path copies = workbook.root / ".kata" / "pristine" / chapter.name();
    std::vector<std::string> shipped_files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(copies, error))
        shipped_files.push_back(chapter.dir() + "/" + entry.path().filename().string());
    std::sort(shipped_files.begin(), shipped_files.end());
    if (shipped_files.empty()) shipped_files = workbook.stub_files(chapter);

    std::vector<std::pair<std::string, std::string>> to_restore;  // file, shipped text
    for (const auto& file : shipped_files) {
        const auto original = shipped(workbook, file);
        if (!original)
            throw Refusal("no shipped copy of " + file + " (neither .kata/pristine/ nor git has one)");
        std::error_code missing;
        if (!fs::exists(workbook.root / file, missing) || read_text(workbook.root / file) != *original)
            to_restore.emplace_back(file, *original);
    }
    std::vector<std::string> added;  // the learner's own extra files: kept
    for (const auto& file : workbook.stub_files(chapter))
        if (std::find(shipped_files.begin(), shipped_files.end(), file) == shipped_files.end()) added.push_back(file);

    if (to_restore.empty()) {
        std::cout << "Chapter " << chapter.number << " is already as shipped: nothing to reset.\n";
        return 0;
    }
    std::vector<std::string> names;
    for (const auto& [file, text] : to_restore) names.push_back(file);
    if (!assume_yes) {
        std::cout << "This puts " << joined(names, ", ") << " back as shipped; your version is copied to .kata/backup/ first.\n"
                  << "Reset chapter " << chapter.number << "? [y/N] " << std::flush;
        if (!yes(read_answer())) {
            std::cout << "\nNothing was changed.\n";
            return 1;
        }
    }

    // The backup first: every code file of the chapter as it is now.
    const std::string stamp = timestamp();
    fs::path backup = workbook.root / ".kata" / "backup" / (chapter.name() + "-" + stamp);
    for (int k = 2; fs::exists(backup, error); ++k)
        backup = workbook.root / ".kata" / "backup" / (chapter.name() + "-" + stamp + "-" + std::to_string(k));
    fs::create_directories(backup);
    for (const auto& file : workbook.code_files(chapter))
        fs::copy_file(workbook.root / file, backup / fs::path(file).filename(), fs::copy_options::overwrite_existing);

    for (const auto& [file, text] : to_restore) write_text(workbook.root / file, text);
    const std::string where = workbook.relative((backup / "").string());
    std::cout << "Chapter " << chapter.number << " is back to its shipped stub (" << joined(names, ", ") << ").\n"
              << "Your files were saved in " << style.bold() << where << style.reset() << ".\n";
    if (!added.empty())
        std::cout << "Left as they are (not part of the shipped chapter): " << joined(added, ", ") << "\n";
    return 0;
}

// ----------------------------------------------------------------- solution
int solution(const Workbook& workbook, const Chapter& chapter, bool force) {
    std::error_code error;
    if (!fs::exists(workbook.root / "solutions", error))
        throw Refusal("this copy of the workbook has no solutions/ (a student release): ask your instructor");
    const fs::path dir = workbook.root / "solutions" / chapter.name();
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, error))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Refusal("there is no model solution for chapter " + std::to_string(chapter.number) + " in solutions/" + chapter.name());

    const std::string n = std::to_string(chapter.number);
    if (force) {
        std::cerr << style.yellow() << "kata solution: --force: the model solution of chapter " << n
                  << " before your tests pass. Reading it first teaches less than ./kata hint " << n << "." << style.reset() << "\n";
    } else {
        const auto state = check_chapter(workbook, chapter, false);
        if (state.status == Status::not_built_here)
            throw Refusal("chapter " + n + " is not built here, so its tests cannot say it passes: add --force to see the solution anyway");
        if (state.status == Status::does_not_compile)
            throw Refusal("chapter " + n + " does not compile yet: make its tests pass first (./kata test " + n + "), or add --force");
        if (!state.tally.passes())
            throw Refusal("chapter " + n + " does not pass yet (" + std::to_string(state.tally.passed) + "/" +
                          std::to_string(state.tally.total) + " tests): finish it first (./kata hint " + n +
                          " if stuck), or add --force to see the model solution anyway");
        std::cout << style.green() << "Chapter " << n << " passes:" << style.reset() << " here is the model solution to compare with yours.\n";
    }
    for (const auto& file : files) {
        std::cout << "\n" << style.bold() << "==> " << workbook.relative(file.string()) << " <==" << style.reset() << "\n"
                  << read_text(file);
    }
    return 0;
}

// ----------------------------------------------------------- the command line
std::string lowercase_first(std::string text) {
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

// The launcher adds its own commands (picture, try, verify) after this help.
const char* kFooter = "One command's options: ./kata COMMAND --help\n";

int run(int argc, char** argv) {
    style.colour = stdout_is_terminal() && std::getenv("NO_COLOR") == nullptr;

    CLI::App app{"Convolution Kata: learn convolutions the way PyTorch computes them, test first.\n"
                 "With no command: build your chapters and show the progress board.",
                 "./kata"};
    std::string root = ".";
    app.add_option("--root", root, "the workbook's folder (the launcher passes it)")->group("");
    app.fallthrough();
    app.require_subcommand(0, 1);

    std::string chapter_argument, level_text;
    double interval = 0.5;
    bool once = false, assume_yes = false, force = false;
    app.add_subcommand("board", "every chapter, its tests passed/total, and what to do next (the default)");
    auto* test_command = app.add_subcommand("test", "rebuild chapter N and run its tests");
    test_command->add_option("N", chapter_argument, "the chapter")->type_name("");
    auto* watch_command = app.add_subcommand("watch", "run chapter N's tests again each time one of its files is saved");
    watch_command->add_option("N", chapter_argument, "the chapter (default: the first that does not pass)")->type_name("");
    watch_command->add_option("--interval", interval, "seconds between two looks at the files")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.01, 60.0))
        ->capture_default_str();
    watch_command->add_flag("--once", once, "run the tests once and stop");
    auto* hint_command = app.add_subcommand("hint", "the next hint for the first failing exercise of chapter N");
    hint_command->add_option("N", chapter_argument, "the chapter")->type_name("");
    hint_command->add_option("--level", level_text, "hint K (1 is the gentlest; the last is close to the answer)")->type_name("K");
    auto* reset_command = app.add_subcommand("reset", "put chapter N's stub back as shipped (your files are backed up first)");
    reset_command->add_option("N", chapter_argument, "the chapter")->type_name("");
    reset_command->add_flag("-y,--yes", assume_yes, "do not ask for confirmation");
    auto* solution_command = app.add_subcommand("solution", "the model solution of chapter N, once its tests pass");
    solution_command->add_option("N", chapter_argument, "the chapter")->type_name("");
    solution_command->add_flag("--force", force, "show it even though the chapter does not pass yet");
    auto* help_command = app.add_subcommand("help", "this text");
    for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) sub->allow_extras(false)->group("Commands");
    app.get_formatter()->label("SUBCOMMAND", "COMMAND");
    app.allow_extras();  // an unknown word is "unknown command", below, not CLI11's wording
    app.footer(kFooter);  // (set last: subcommands would inherit it)

    const auto command_name = [&]() -> std::string {
        const auto parsed = app.get_subcommands();
        return parsed.empty() ? "kata" : "kata " + parsed.front()->get_name();
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << command_name() << ": " << lowercase_first(e.what()) << " (./" << command_name() << " --help)\n";
        return 2;
    }
    const auto extras = app.remaining();
    if (!extras.empty()) {
        if (app.get_subcommands().empty() && !extras.front().empty() && extras.front()[0] != '-')
            throw UsageError("unknown command '" + extras.front() + "' (./kata --help lists the commands)");
        throw UsageError(command_name() + ": unexpected argument '" + extras.front() + "' (./" + command_name() + " --help)");
    }
    if (help_command->parsed()) {  // the whole program's help, not the "help" command's
        std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
        return 0;
    }

    const auto workbook = Workbook::open(root);
    keep_pristine(workbook);
    try {
        if (test_command->parsed()) return test_chapter(workbook, workbook.chapter(chapter_argument), Loop::test);
        if (watch_command->parsed()) return watch(workbook, chapter_argument, interval, once);
        if (hint_command->parsed()) return hint(workbook, workbook.chapter(chapter_argument), level_text);
        if (reset_command->parsed()) return reset(workbook, workbook.chapter(chapter_argument), assume_yes);
        if (solution_command->parsed()) return solution(workbook, workbook.chapter(chapter_argument), force);
        return board(workbook);  // `board`, or no command at all
    } catch (const UsageError& e) {
        throw UsageError(command_name() + ": " + e.what());
    } catch (const Refusal& e) {
        throw Refusal(command_name() + ": " + e.what());
    }
}

}  // namespace
}  // namespace kata::cli

int main(int argc, char** argv) {
    // Every failure is one line and an exit code, never an uncaught exception.
    try {
        return kata::cli::run(argc, argv);
    } catch (const kata::cli::UsageError& e) {
        std::cerr << (std::string(e.what()).rfind("kata", 0) == 0 ? "" : "kata: ") << e.what() << "\n";
        return 2;
    } catch (const kata::cli::Refusal& e) {
        std::cerr << (std::string(e.what()).rfind("kata", 0) == 0 ? "" : "kata: ") << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "kata: " << e.what() << "\n";
        return 1;
    } catch (...) {
        std::cerr << "kata: an unexpected error\n";
        return 1;
    }
}
