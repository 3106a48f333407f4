// The doctest runner, compiled once and linked into every chapter's tests, so
// that a learner's edit rebuilds only their own file.
//
// For the grader it also writes an end-of-run marker: when KATA_END_MARKER is
// set, the line "<marker> cases=<run> failed=<failed>" is printed after every
// check has run. The grader chooses a fresh random marker for each run and
// counts a case as passed only when that line says so and the process exits
// normally, so a test process that exits early (a stray exit(0) in the code
// under test), crashes or prints doctest's summary by itself never counts as
// a pass. The marker is taken out of the environment before any test runs.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct RunTotals {
  bool finished = false;
  unsigned cases = 0;
  unsigned failed = 0;
};
RunTotals totals;

// A listener that only remembers doctest's totals at the end of the run.
struct EndOfRun : doctest::IReporter {
  explicit EndOfRun(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    totals.finished = true;
    totals.cases = stats.numTestCasesPassingFilters;
    totals.failed = stats.numTestCasesFailed;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

DOCTEST_REGISTER_LISTENER("kata-end-of-run", 1, EndOfRun);

int main(int argc, char** argv) {
  std::string marker;
  if (const char* value = std::getenv("KATA_END_MARKER")) {
    marker = value;
    ::unsetenv("KATA_END_MARKER");
  }
  // A filter that matches no case (a name CMake cut at a ';', say) must not
  // pass as if it had run something.
  bool filtered = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    filtered = filtered || arg.rfind("--test-case=", 0) == 0 || arg.rfind("-tc=", 0) == 0;
  }
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (filtered && totals.finished && totals.cases == 0 && !context.shouldExit()) {
    std::fprintf(stderr, "kata: no test case matches the filter given on the command line\n");
    return 1;
  }
  if (!marker.empty() && totals.finished && !context.shouldExit()) {
    std::fflush(stderr);
    std::printf("\n%s cases=%u failed=%u\n", marker.c_str(), totals.cases, totals.failed);
    std::fflush(stdout);
  }
  return result;
}
