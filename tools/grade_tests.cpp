// The grader: its model in process (judging a run, points, locating files,
// refusing code, the output files), then the real kata-grade on a set of fake
// submissions made from the workbook's own stubs and solutions (chapters 01
// and 02): each must score exactly what it deserves, and a cheat exactly what
// its honest twin (the same code without the cheat) scores.
#include "grade_core.hpp"
#include "process.hpp"
#include "release.hpp"
#include "workbook.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace kata::grade;
using kata::read_text;
using kata::write_text;

namespace {

const fs::path kRoot = KATA_SOURCE_DIR;
const fs::path kGrade = KATA_GRADE_BINARY;
const fs::path kScratch = KATA_SCRATCH_DIR;

Chapter chapter(const std::string& number) {
  for (auto& c : read_chapters(kRoot)) {
    if (c.number == number) return c;
  }
  FAIL("no chapter " << number);
  return {};
}

std::string solution(const std::string& chapter_dir, const std::string& file) {
  return read_text(kRoot / "solutions" / chapter_dir / file);
}

std::string marker_line(const std::string& marker, int cases, int failed) {
  return "\n" + marker + " cases=" + std::to_string(cases) + " failed=" + std::to_string(failed) + "\n";
}

}  // namespace

// ------------------------------------------------------------------ judging

TEST_CASE("judge: a pass needs exit 0 and this run's end-of-run marker with one case and no failure") {
  const std::string marker = "kata-end-0123abcd";
  std::string why;
  CHECK(judge({0, 0, false, "ok" + marker_line(marker, 1, 0)}, marker, "", &why) == Outcome::passed);
  // doctest's own summary, without the marker: the process ended early.
  CHECK(judge({0, 0, false, "[doctest] Status: SUCCESS!\n"}, marker, "", &why) == Outcome::exited_early);
  // Another run's marker (a forged one) is not this run's.
  CHECK(judge({0, 0, false, marker_line("kata-end-ffff", 1, 0)}, marker, "", &why) == Outcome::exited_early);
  CHECK(judge({1, 0, false, marker_line(marker, 1, 1)}, marker, "", &why) == Outcome::failed);
  CHECK(judge({0, 0, false, marker_line(marker, 2, 0)}, marker, "", &why) == Outcome::failed);
  CHECK(judge({0, 0, false, marker_line(marker, 0, 0)}, marker, "", &why) == Outcome::failed);
  // The marker, then a non-zero exit (a crash in a destructor, an exit(1) at exit).
  CHECK(judge({1, 0, false, marker_line(marker, 1, 0)}, marker, "", &why) == Outcome::failed);
  CHECK(judge({-1, 6, false, marker_line(marker, 1, 0)}, marker, "", &why) == Outcome::crashed);
  CHECK(judge({-1, 0, true, marker_line(marker, 1, 0)}, marker, "", &why) == Outcome::timed_out);
  CHECK(judge({0, 0, false, "skipped: no CUDA device" + marker_line(marker, 1, 0)}, marker, "skipped: no CUDA device",
              &why) == Outcome::skipped);
}

TEST_CASE("tidy_output: drops the marker and doctest's banners, keeps the teaching message, cuts long output") {
  const std::string marker = "kata-end-42";
  const std::string out = tidy_output("[doctest] doctest version is 2.4.9\n====\n"
                                      "tests/ch01.cpp:12: ERROR: conv1d is wrong at index 3\n" +
                                          marker_line(marker, 1, 1) + "[doctest] Status: FAILURE!\n",
                                      marker);
  CHECK(out == "tests/ch01.cpp:12: ERROR: conv1d is wrong at index 3");
  CHECK(tidy_output(std::string(10000, 'x'), marker, 100).size() < 200);
  CHECK(tidy_output("\xff\xfe bytes", marker) == "?? bytes");
}

// ------------------------------------------------------------------ points

TEST_CASE("assign_points: a chapter's points shared equally over its cases, only passes score") {
  Grade grade;
  ChapterGrade g;
  g.chapter = chapter("01");
  g.max_points = 12;
  for (Outcome o : {Outcome::passed, Outcome::failed, Outcome::crashed, Outcome::timed_out, Outcome::exited_early,
                    Outcome::skipped, Outcome::not_built, Outcome::not_run}) {
    CaseResult c;
    c.outcome = o;
    g.cases.push_back(c);
  }
  grade.chapters.push_back(g);
  assign_points(grade);
  CHECK(grade.max_score() == doctest::Approx(12));
  CHECK(grade.score() == doctest::Approx(12.0 / 8));
  CHECK(grade.chapters[0].cases[0].max_points == doctest::Approx(1.5));
  CHECK(format_points(1.5) == "1.5");
  CHECK(format_points(10) == "10");
  CHECK(format_points(10.0 / 3) == "3.3333");
}

TEST_CASE("assign_points: shares add up exactly to the chapter, in every file the grader writes") {
  // 10 points over 11 tests, 7 over 3, 110 over ten chapters of 11..17 tests:
  // 4-decimal shares whose sums are the chapters' points, not 110.0002.
  Grade grade;
  grade.student = "exact";
  for (int k = 0; k < 10; ++k) {
    ChapterGrade g;
    g.chapter = chapter("01");
    g.chapter.number = (k < 9 ? "0" : "") + std::to_string(k + 1);
    g.max_points = k == 3 ? 20 : 10;
    for (int t = 0; t < 11 + k % 7; ++t) {
      CaseResult c;
      c.test.chapter = g.chapter.number;
      c.test.name = "ch" + g.chapter.number + "/t" + std::to_string(t);
      c.outcome = t % 3 == 0 ? Outcome::failed : Outcome::passed;
      g.cases.push_back(c);
    }
    grade.chapters.push_back(g);
  }
  assign_points(grade);
  auto units = [](double points) { return std::llround(points * 1e4); };
  long long max = 0, score = 0;
  for (const auto& g : grade.chapters) {
    long long chapter_max = 0, chapter_score = 0;
    for (const auto& c : g.cases) {
      chapter_max += units(c.max_points);
      chapter_score += units(c.points);
    }
    CHECK(chapter_max == units(g.max_points));
    CHECK(chapter_score == units(g.points()));
    max += chapter_max;
    score += chapter_score;
  }
  CHECK(max == 110 * 10000);
  CHECK(score == units(grade.score()));
  CHECK(format_points(grade.max_score()) == "110");

  // results.json: the tests' max_score and score add up to the totals.
  const auto json = nlohmann::json::parse(results_json(grade).dump());
  long long json_max = 0, json_score = 0;
  for (const auto& t : json.at("tests")) {
    json_max += units(t.at("max_score").get<double>());
    json_score += units(t.at("score").get<double>());
  }
  CHECK(json_max == units(json.at("extra_data").at("max_score").get<double>()));
  CHECK(json_max == 110 * 10000);
  CHECK(json_score == units(json.at("score").get<double>()));
  // grades.csv and feedback.md: the same totals, written the same way.
  const auto chapters = [&] {
    std::vector<Chapter> list;
    for (const auto& g : grade.chapters) list.push_back(g.chapter);
    return list;
  }();
  const std::string row = csv_row(grade, chapters);
  CHECK(row.find("," + format_points(grade.score()) + ",110,") != std::string::npos);
  CHECK(feedback_markdown(grade).rfind("# Convolution Kata: " + format_points(grade.score()) + " / 110", 0) == 0);
}

TEST_CASE("read_points and parse_chapter_list: the manifest and the chapter ranges, with clear refusals") {
  const fs::path file = kScratch / "points.json";
  write_text(file, R"({"default": 5, "chapters": {"2": 20}, "_comment": "chapter 2 counts double"})");
  const Points points = read_points(file);
  CHECK(points.of("01") == 5);
  CHECK(points.of("02") == 20);
  CHECK(read_points(kScratch / "absent.json").of("07") == 10);
  write_text(file, R"({"chapter": {"2": 20}})");
  CHECK_THROWS_WITH_AS(read_points(file), doctest::Contains("unknown key \"chapter\""), std::invalid_argument);
  write_text(file, R"({"chapters": {"2": -1}})");
  CHECK_THROWS_AS(read_points(file), std::invalid_argument);

  const auto chapters = read_chapters(kRoot);
  CHECK(parse_chapter_list("1-3", chapters) == std::set<std::string>{"01", "02", "03"});
  CHECK(parse_chapter_list("1,3, 5-6", chapters) == std::set<std::string>{"01", "03", "05", "06"});
  CHECK_THROWS_WITH_AS(parse_chapter_list("1-99", chapters), doctest::Contains("no chapter 12"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_chapter_list("one", chapters), doctest::Contains("--chapters 'one'"), std::invalid_argument);
  CHECK_THROWS_AS(parse_chapter_list("4-2", chapters), std::invalid_argument);
}

// ------------------------------------------------------------------ submissions

TEST_CASE("locate_files: the chapter folder first, then the topic folder, then a lone file, never a link") {
  const fs::path sub = kScratch / "locate";
  fs::remove_all(sub);
  write_text(sub / "deep" / "kata" / "chapters" / "01_conv1d" / "conv1d.cpp", "// one");
  write_text(sub / "copy" / "conv1d.cpp", "// an old copy");
  write_text(sub / "stride.cpp", "// loose");
  write_text(sub / "a" / "padding.cpp", "// a");
  write_text(sub / "b" / "padding.cpp", "// b");
  fs::create_directories(sub / "links" / "04_dilation");
  fs::create_symlink("/etc/hostname", sub / "links" / "04_dilation" / "dilation.cpp");
  const auto located = locate_files(sub, read_chapters(kRoot));
  REQUIRE(located.by_chapter.count("01"));
  CHECK(read_text(located.by_chapter.at("01").front().source) == "// one");
  REQUIRE(located.by_chapter.count("02"));
  CHECK(read_text(located.by_chapter.at("02").front().source) == "// loose");
  CHECK_FALSE(located.by_chapter.count("03"));  // two loose padding.cpp: ambiguous
  CHECK_FALSE(located.by_chapter.count("04"));  // a link is not a file
  bool said = false;
  for (const auto& n : located.notes) said = said || n.find("2 files are called padding.cpp") != std::string::npos;
  CHECK(said);
}

TEST_CASE("forbidden_uses: what could defeat the grader is refused, with file and line, and comments are not uses") {
  const Chapter ch08 = chapter("08");
  auto uses = [&](const std::string& code, const Chapter& c = chapter("01")) { return forbidden_uses("x.cpp", code, c); };
  CHECK(uses("int f() { std::exit(0); }").size() == 1);
  CHECK(uses("int a;\nint f() { return std::getenv(\"KATA_END_MARKER\") != nullptr; }").front().rfind("x.cpp:2:", 0) == 0);
  CHECK(uses("static int x = (std::system(\"true\"), 0);").size() == 1);
  CHECK(uses("#define PASTE(a, b) a##b").size() == 1);
  CHECK(uses("void f() { std::filesystem::remove_all(\"/tmp/x\"); }").size() == 1);
  CHECK(uses("int f() { return ::open(\"/tmp/x\", 0); }").size() == 1);
  CHECK(uses("#include \"../tests/support/check.hpp\"").size() == 1);
  CHECK_FALSE(uses("#include <doctest/doctest.h>").empty());
  CHECK(uses("auto y = ref::conv1d(x, w);").size() == 1);
  CHECK(uses("auto y = convkata::ref::conv_transpose1d(x, w);", ch08).size() == 1);
  CHECK(uses("auto A = ref::conv_matrix1d(L, w, 1, 0, 1, 1);", ch08).empty());
  CHECK(uses("// do not call exit() here\n/* nor getenv */ int f();\nconst char* s = \"exit\";").empty());
  CHECK(uses("#include <vector>\n#include \"conv1d.hpp\"\n#include \"convkata/errors.hpp\"").empty());
  CHECK(uses("namespace r = convkata::ref;").size() == 1);
  CHECK(uses("namespace convkata { namespace ref { int f(); } }").size() == 1);
  // Every model solution passes the check (chapter 11 includes its given cuda_support.cuh).
  for (const auto& c : read_chapters(kRoot)) {
    for (const auto& file : c.files) {
      CAPTURE(file);
      CHECK(forbidden_uses(file, read_text(kRoot / "solutions" / c.dir() / file), c).empty());
      CHECK(forbidden_uses(file, read_text(kRoot / "chapters" / c.dir() / file), c).empty());
    }
  }
}

TEST_CASE("student_name: a safe folder name from a submission's name") {
  CHECK(student_name("alice smith.zip") == "alice_smith");
  CHECK(student_name("bob.tar.gz") == "bob");
  CHECK(student_name("../x") == "x");
  CHECK(student_name(".hidden") == "_.hidden");
}

// ------------------------------------------------------------------ outputs

TEST_CASE("results.json, junit.xml, feedback.md, grades.csv: well-formed, with hidden tests hidden") {
  Grade grade;
  grade.student = "ann <&> \"o'neil\"";
  ChapterGrade g;
  g.chapter = chapter("01");
  g.max_points = 10;
  g.status = "graded";
  CaseResult pass, fail, hidden;
  pass.test.name = "ch01/a <pass>";
  pass.test.chapter = "01";
  pass.outcome = Outcome::passed;
  fail.test.name = "ch01/b & fail";
  fail.test.chapter = "01";
  fail.outcome = Outcome::failed;
  fail.why = "a check failed";
  fail.output = "expected [1, 2] but got [1, 3]\x01";
  hidden.test.name = "ch01/hidden/c";
  hidden.test.chapter = "01";
  hidden.test.hidden = true;
  hidden.outcome = Outcome::crashed;
  hidden.output = "secret details";
  g.cases = {pass, fail, hidden};
  grade.chapters.push_back(g);
  assign_points(grade);

  const auto json = nlohmann::json::parse(results_json(grade).dump());
  // 10 points over 3 tests: 3.3334, 3.3333, 3.3333 (the first passed).
  CHECK(json.at("score").get<double>() == doctest::Approx(3.3334));
  REQUIRE(json.at("tests").size() == 3);
  CHECK(json.at("tests")[0].at("visibility") == "visible");
  CHECK(json.at("tests")[2].at("visibility") == "after_due_date");
  CHECK(json.at("tests")[1].at("status") == "failed");
  CHECK(json.at("tests")[1].at("max_score").get<double>() == doctest::Approx(3.3333));

  const std::string xml = junit_xml(grade);
  CHECK(xml.find("name=\"a &lt;pass&gt;\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"failed: a check failed\">") != std::string::npos);
  CHECK(xml.find("<error") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
  CHECK(xml.find("tests=\"3\" failures=\"1\" errors=\"1\"") != std::string::npos);

  const std::string md = feedback_markdown(grade);
  CHECK(md.find("3.3334 / 10") != std::string::npos);
  CHECK(md.find("expected [1, 2] but got [1, 3]") != std::string::npos);
  CHECK(md.find("secret details") == std::string::npos);
  CHECK(md.find("Hidden tests: 0 of 1 passed") != std::string::npos);

  const auto chapters = std::vector<Chapter>{chapter("01"), chapter("02")};
  CHECK(csv_header(chapters) == "student,ch01,ch02,total,max,notes\n");
  CHECK(csv_row(grade, chapters) == "\"ann <&> \"\"o'neil\"\"\",3.3334,0,3.3334,10,\n");
}

TEST_CASE("release: every chapter releases, and a solution's line pasted into a hint is then a leak") {
  // The stubs and their headers share signature lines with the solutions by
  // necessity (chapter 09's, chapter 11's cuda_support.cuh): not leaks.
  const fs::path dir = kScratch / "release-all";
  fs::remove_all(dir);
  ReleaseOptions options;
  options.root = kRoot;
  options.out = dir;
  REQUIRE_NOTHROW(release(options));
  for (const auto& c : read_chapters(kRoot)) CHECK(fs::exists(dir / "chapters" / c.dir() / c.files.front()));
  CHECK(answer_leaks(kRoot, dir).empty());

  // A line only the solution has, in no code file of the release.
  std::string telling;
  {
    std::istringstream lines(solution("01_conv1d", "conv1d.cpp"));
    const std::string stub = read_text(kRoot / "chapters/01_conv1d/conv1d.cpp");
    for (std::string line; std::getline(lines, line);) {
      const auto first = line.find_first_not_of(' ');
      if (first == std::string::npos) continue;
      line = line.substr(first);
      if (line.size() >= 40 && line.rfind("//", 0) != 0 && line.find("invalid(") == std::string::npos &&
          stub.find(line) == std::string::npos) {
        telling = line;
        break;
      }
    }
  }
  REQUIRE_FALSE(telling.empty());
  const fs::path hints = dir / "chapters/01_conv1d/hints.md";
  write_text(hints, read_text(hints) + "\n    " + telling + "\n");
  const auto leaks = answer_leaks(kRoot, dir);
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].find("chapters/01_conv1d/hints.md: a line of solutions/01_conv1d/conv1d.cpp") == 0);
}

TEST_CASE("release helpers: the last hint of each exercise dropped, the Classroom workflow filled in") {
  const std::string hints = "# Hints\n\n## a\n### Hint 1\none\n### Hint 2\ntwo\n\n## b\n### Hint 1\nonly\n";
  CHECK(without_last_hints(hints) == "# Hints\n\n## a\n### Hint 1\none\n\n## b\n### Hint 1\nonly\n");
  Points points;
  points.chapters["02"] = 20;
  const std::string workflow = classroom_workflow(read_text(kRoot / "grading/github-classroom.yml"),
                                                  {chapter("01"), chapter("02")}, points);
  CHECK(workflow.find("max-score: 10") != std::string::npos);
  CHECK(workflow.find("max-score: 20") != std::string::npos);
  CHECK(workflow.find("command: ./kata check-grade .kata/grade 2\n") != std::string::npos);
  CHECK(workflow.find("runners: ch01,ch02") != std::string::npos);
  CHECK(workflow.find("CH02_RESULTS: \"${{steps.ch02.outputs.result}}\"") != std::string::npos);
  for (const char* key : {"@STEPS@", "@ENV@", "@RUNNERS@"}) CHECK(workflow.find(key) == std::string::npos);
}

// ------------------------------------------------------------------ fake submissions

namespace {

// `code` as the first statement of the function whose definition starts with `signature`.
std::string inject(std::string text, const std::string& signature, const std::string& code) {
  const auto at = text.find(signature);
  REQUIRE_MESSAGE(at != std::string::npos, "no " << signature << " in the solution");
  const auto brace = text.find('{', at);
  text.insert(brace + 1, "\n    " + code + "\n");
  return "#include <cstdio>\n#include <cstdlib>\n" + text;
}

void put(const fs::path& submission, const std::string& chapter_dir, const std::string& file, const std::string& text) {
  write_text(submission / "chapters" / chapter_dir / file, text);
}

kata::process::Result kata_grade(const std::vector<std::string>& arguments, double timeout = 1200) {
  std::vector<std::string> argv = {kGrade.string(), "--root", kRoot.string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  kata::process::Options options;
  options.timeout_seconds = timeout;
  return kata::process::run(argv, options);
}

// grades.csv: student -> {column -> value}.
std::map<std::string, std::map<std::string, std::string>> read_grades(const fs::path& csv) {
  std::istringstream in(read_text(csv));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> columns;
  std::stringstream header(line);
  for (std::string c; std::getline(header, c, ',');) columns.push_back(c);
  std::map<std::string, std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::map<std::string, std::string> row;
    std::string field;
    for (std::size_t k = 0; k < columns.size() && std::getline(fields, field, ','); ++k) row[columns[k]] = field;
    rows[row["student"]] = row;
  }
  return rows;
}

double number(const std::string& text) { return std::stod(text); }

// The files every graded student gets, and their agreement with grades.csv.
void check_outputs(const fs::path& folder, const std::map<std::string, std::string>& row) {
  CAPTURE(folder);
  const auto results = nlohmann::json::parse(read_text(folder / "results.json"));
  CHECK(results.at("score").get<double>() == doctest::Approx(number(row.at("total"))));
  double sum = 0, max = 0;
  for (const auto& t : results.at("tests")) {
    sum += t.at("score").get<double>();
    max += t.at("max_score").get<double>();
    CHECK((t.at("visibility") == "visible" || t.at("visibility") == "after_due_date"));
  }
  // Exactly, to the 4 decimals written (no 110.0002 out of 110).
  CHECK(std::llround(sum * 1e4) == std::llround(number(row.at("total")) * 1e4));
  CHECK(std::llround(max * 1e4) == std::llround(number(row.at("max")) * 1e4));
  const std::string xml = read_text(folder / "junit.xml");
  CHECK(xml.rfind("<?xml", 0) == 0);
  CHECK(xml.find("</testsuites>") != std::string::npos);
  CHECK(read_text(folder / "feedback.md").rfind("# Convolution Kata: " + row.at("total") + " / " + row.at("max"), 0) == 0);
}

}  // namespace

TEST_CASE("release, then grade-class: untouched 0, solved full marks, tampering and breakage cost only their chapter") {
  const fs::path base = kScratch / "class-a";
  fs::remove_all(base);
  const fs::path subs = base / "submissions";

  // The release, graded as it is, scores 0; it configures without solutions/.
  auto released = kata_grade({"release", "--out", (subs / "untouched").string(), "--chapters", "1-2"});
  REQUIRE_MESSAGE(released.succeeded(), released.output);
  CHECK_FALSE(fs::exists(subs / "untouched" / "solutions"));
  CHECK_FALSE(fs::exists(subs / "untouched" / "tests" / "hidden"));
  CHECK_FALSE(fs::exists(subs / "untouched" / "tests" / "mistakes"));
  CHECK_FALSE(fs::exists(subs / "untouched" / "chapters" / "03_padding"));
  CHECK(fs::exists(subs / "untouched" / ".github" / "workflows" / "classroom.yml"));
  kata::process::Options configure;
  configure.timeout_seconds = 300;
  configure.cwd = subs / "untouched";
  const auto configured = kata::process::run({"cmake", "--preset", "learner"}, configure);
  CHECK_MESSAGE(configured.succeeded(), configured.output);
  fs::remove_all(subs / "untouched" / "build");

  // Solved, zipped in nested folders.
  const fs::path nested = base / "zip" / "alice" / "convolution-kata";
  put(nested, "01_conv1d", "conv1d.cpp", solution("01_conv1d", "conv1d.cpp"));
  put(nested, "02_stride", "stride.cpp", solution("02_stride", "stride.cpp"));
  kata::process::Options zip;
  zip.cwd = base / "zip";
  fs::create_directories(subs);
  REQUIRE(kata::process::run({"cmake", "-E", "tar", "cf", (subs / "solved.zip").string(), "--format=zip", "alice"}, zip)
              .succeeded());

  // Chapter 01 solved; chapter 02 a stub whose tests, CMake and runner were "fixed".
  const fs::path tampered = subs / "tampered";
  put(tampered, "01_conv1d", "conv1d.cpp", solution("01_conv1d", "conv1d.cpp"));
  put(tampered, "02_stride", "stride.cpp", read_text(kRoot / "chapters/02_stride/stride.cpp"));
  write_text(tampered / "tests" / "ch02_stride.cpp", "#include <doctest/doctest.h>\nTEST_CASE(\"x\") { CHECK(true); }\n");
  write_text(tampered / "tests" / "support" / "main.cpp", "int main() { return 0; }\n");
  write_text(tampered / "CMakeLists.txt", "this is not CMake\n");

  // Chapter 01 does not compile; chapter 02 solved.
  const fs::path broken = subs / "broken";
  put(broken, "01_conv1d", "conv1d.cpp", solution("01_conv1d", "conv1d.cpp") + "\nthis is not C++;\n");
  put(broken, "02_stride", "stride.cpp", solution("02_stride", "stride.cpp"));

  // Chapter 01 reads the environment (where the marker was) behind a line splice: refused, as
  // the source check reads what the compiler sees; chapter 02 solved.
  const fs::path forbidden = subs / "forbidden";
  put(forbidden, "01_conv1d", "conv1d.cpp",
      inject(solution("01_conv1d", "conv1d.cpp"), "Tensor1 conv1d_single(", "if (std::get\\\nenv(\"KATA_END_MARKER\")) {}"));
  put(forbidden, "02_stride", "stride.cpp", solution("02_stride", "stride.cpp"));

  fs::create_directories(subs / "empty");

  const fs::path out = base / "out";
  const auto graded = kata_grade({"grade-class", subs.string(), "--out", out.string(), "--chapters", "1-2", "--jobs",
                                  "2", "--work", (kScratch / "work").string(), "--build-type", "None"});
  REQUIRE_MESSAGE(graded.succeeded(), graded.output);
  const auto grades = read_grades(out / "grades.csv");
  REQUIRE(grades.size() == 6);
  const std::map<std::string, std::array<std::string, 3>> expected = {
      {"untouched", {"0", "0", "0"}}, {"solved", {"10", "10", "20"}},   {"tampered", {"10", "0", "10"}},
      {"broken", {"0", "10", "10"}},  {"forbidden", {"0", "10", "10"}}, {"empty", {"0", "0", "0"}},
  };
  for (const auto& [student, points] : expected) {
    CAPTURE(student);
    REQUIRE(grades.count(student));
    const auto& row = grades.at(student);
    CHECK(row.at("ch01") == points[0]);
    CHECK(row.at("ch02") == points[1]);
    CHECK(row.at("total") == points[2]);
    CHECK(row.at("max") == "20");
    check_outputs(out / student, row);
  }
  const std::string broken_feedback = read_text(out / "broken" / "feedback.md");
  CHECK(broken_feedback.find("does not compile") != std::string::npos);
  CHECK(broken_feedback.find("chapters/01_conv1d/conv1d.cpp:") != std::string::npos);
  CHECK(read_text(out / "forbidden" / "feedback.md").find("`getenv`") != std::string::npos);
  CHECK(grades.at("empty").at("notes").find("no chapter file") != std::string::npos);
}

TEST_CASE("grade-class: an early exit, a fake summary, a hang, a crash score exactly what the honest code scores") {
  const fs::path base = kScratch / "class-b";
  fs::remove_all(base);
  const fs::path subs = base / "submissions";
  const std::string conv1d = solution("01_conv1d", "conv1d.cpp"), stride = solution("02_stride", "stride.cpp");
  const std::string forever = "for (volatile int spin = 0;; spin = spin + 1) {}";

  // exit(0) before main: chapter 01 loses everything; chapter 02 solved.
  put(subs / "exit-at-start-up", "01_conv1d", "conv1d.cpp",
      "#include <cstdlib>\n" + conv1d + "\nnamespace { const int quit = (std::exit(0), 0); }\n");
  put(subs / "exit-at-start-up", "02_stride", "stride.cpp", stride);

  // conv1d prints doctest's success and exits 0; chapter 02 hangs at start-up.
  put(subs / "exit-in-a-test", "01_conv1d", "conv1d.cpp",
      inject(conv1d, "Tensor3 conv1d(",
             "std::printf(\"[doctest] test cases: 1 | 1 passed | 0 failed |\\n[doctest] Status: SUCCESS!\\n\"); "
             "std::exit(0);"));
  put(subs / "exit-in-a-test", "02_stride", "stride.cpp",
      stride + "\nnamespace { const int hang = [] { " + forever + " return 0; }(); }\n");
  // Its honest twin: conv1d not written yet.
  put(subs / "twin-exit", "01_conv1d", "conv1d.cpp",
      inject(conv1d, "Tensor3 conv1d(", "throw not_implemented(\"01_conv1d\", \"conv1d\");"));

  // parameter_count hangs, output_length aborts; and their honest twin.
  put(subs / "hang-and-abort", "01_conv1d", "conv1d.cpp", inject(conv1d, "Index parameter_count(", forever));
  put(subs / "hang-and-abort", "02_stride", "stride.cpp", inject(stride, "Index output_length(", "std::abort();"));
  put(subs / "twin-hang-and-abort", "01_conv1d", "conv1d.cpp",
      inject(conv1d, "Index parameter_count(", "throw not_implemented(\"01_conv1d\", \"parameter_count\");"));
  put(subs / "twin-hang-and-abort", "02_stride", "stride.cpp",
      inject(stride, "Index output_length(", "throw not_implemented(\"02_stride\", \"output_length\");"));

  // Cheats that reach for the verdict, each in a function whose honest twin
  // throws not_implemented: none may score more than the twin.
  const std::string forge =
      "{ const char* found = nullptr;"
      "  for (char** e = ::environ; e && *e; ++e) if (std::strstr(*e, \"KATA_END\")) found = *e;"
      "  std::printf(\"\\n%s cases=1 failed=0\\n\", found ? found : \"kata-end-0\");"
      "  std::fflush(stdout); std::fclose(stdout); std::fclose(stderr); }";
  put(subs / "cheats-a", "01_conv1d", "conv1d.cpp",
      "#include <cstring>\n#include <unistd.h>\n" +
          inject(inject(conv1d, "Tensor1 conv1d_single(", forge + " _Ex\\\nit(0);"), "Index parameter_count(",
                 "if (std::FILE* f = std::fopen(\"/etc/passwd\", \"r\")) std::fclose(f);"));
  put(subs / "cheats-a", "02_stride", "stride.cpp", inject(stride, "Tensor3 conv1d(", "if (std::system(\"true\") == 0) {}"));
  put(subs / "cheats-b", "01_conv1d", "conv1d.cpp",
      "#include <cstring>\n#include <pthread.h>\n#include <unistd.h>\n" +
          inject(inject(conv1d, "Tensor1 conv1d_single(", "pthread_exit(nullptr);"), "Index parameter_count(",
                 forge + " std::quick_exit(0);"));
  put(subs / "cheats-b", "02_stride", "stride.cpp",
      "#include <csignal>\n" + inject(stride, "Tensor3 conv1d(", "::kill(999999, SIGKILL);"));
  // The test framework's state, reached by name from a function the tests call:
  // the chapter's own program has no doctest to reach, so it does not link.
  put(subs / "cheats-c", "01_conv1d", "conv1d.cpp",
      "namespace doctest { namespace detail { extern int g_cs; } }\n" +
          inject(conv1d, "Index parameter_count(", "doctest::detail::g_cs = 0;"));
  put(subs / "cheats-c", "02_stride", "stride.cpp",
      inject(stride, "Tensor3 conv1d(", "for (;;) { char* p = new char[1 << 26]; p[0] = 1; }"));
  put(subs / "twin-cheats", "01_conv1d", "conv1d.cpp",
      inject(inject(conv1d, "Tensor1 conv1d_single(", "throw not_implemented(\"01_conv1d\", \"conv1d_single\");"),
             "Index parameter_count(", "throw not_implemented(\"01_conv1d\", \"parameter_count\");"));
  put(subs / "twin-cheats", "02_stride", "stride.cpp",
      inject(stride, "Tensor3 conv1d(", "throw not_implemented(\"02_stride\", \"conv1d\");"));
  // From a static initialiser: the forged line and exit 0 before any call;
  // and the test framework's own state, reached by name.
  put(subs / "static-forge", "01_conv1d", "conv1d.cpp",
      "#include <cstring>\n" + conv1d + "\nnamespace { const int forged = [] { " + forge + " std::exit(0); return 0; }(); }\n");
  put(subs / "static-forge", "02_stride", "stride.cpp",
      stride + "\nnamespace doctest { namespace detail { extern int g_cs; } }\n"
               "namespace { const int tampered = [] { doctest::detail::g_cs = 0; return 0; }(); }\n");

  const fs::path out = base / "out";
  // Without the source check, so that only the run-time defences stand.
  const auto graded = kata_grade({"grade-class", subs.string(), "--out", out.string(), "--chapters", "1-2", "--jobs",
                                  "2", "--work", (kScratch / "work").string(), "--build-type", "None", "--no-source-check", "--test-timeout",
                                  "4", "--startup-timeout", "4"});
  REQUIRE_MESSAGE(graded.succeeded(), graded.output);
  const auto grades = read_grades(out / "grades.csv");
  REQUIRE(grades.size() == 10);
  for (const auto& [student, row] : grades) check_outputs(out / student, row);

  CHECK(grades.at("exit-at-start-up").at("ch01") == "0");
  CHECK(grades.at("exit-at-start-up").at("ch02") == "10");
  CHECK(read_text(out / "exit-at-start-up" / "feedback.md").find("did not answer: it exited with status 0") !=
        std::string::npos);

  for (const std::string ch : {"ch01", "ch02"}) {
    CAPTURE(ch);
    const double twin = number(grades.at("twin-cheats").at(ch));
    CHECK(twin > 0);
    CHECK(twin < 10);
    CHECK(grades.at("cheats-a").at(ch) == grades.at("twin-cheats").at(ch));
    CHECK(grades.at("cheats-b").at(ch) == grades.at("twin-cheats").at(ch));
    CHECK(grades.at("static-forge").at(ch) == "0");
  }
  CHECK(grades.at("cheats-c").at("ch02") == grades.at("twin-cheats").at("ch02"));
  CHECK(grades.at("cheats-c").at("ch01") == "0");  // what the shipped stub scores
  CHECK(read_text(out / "cheats-c" / "feedback.md").find("does not compile") != std::string::npos);
  // A forbidden call is named in the feedback.
  const std::string cheats = read_text(out / "cheats-a" / "results.json");
  CHECK(cheats.find("it called `openat`") != std::string::npos);
  CHECK(cheats.find("it called `clone") != std::string::npos);
  CHECK(read_text(out / "cheats-b" / "results.json").find("it called `kill`") != std::string::npos);

  const double honest = number(grades.at("twin-exit").at("ch01"));
  CHECK(honest > 0);
  CHECK(honest < 10);
  CHECK(grades.at("exit-in-a-test").at("ch01") == grades.at("twin-exit").at("ch01"));
  CHECK(grades.at("exit-in-a-test").at("ch02") == "0");

  for (const std::string ch : {"ch01", "ch02"}) {
    CAPTURE(ch);
    const double twin = number(grades.at("twin-hang-and-abort").at(ch));
    CHECK(twin > 0);
    CHECK(twin < 10);
    CHECK(grades.at("hang-and-abort").at(ch) == grades.at("twin-hang-and-abort").at(ch));
  }
  const auto results = nlohmann::json::parse(read_text(out / "hang-and-abort" / "results.json"));
  bool timed_out = false, crashed = false;
  for (const auto& t : results.at("tests")) {
    const std::string output = t.at("output");
    timed_out = timed_out || output.rfind("timed out", 0) == 0;
    crashed = crashed || output.find("it was killed by signal Aborted") != std::string::npos;
  }
  CHECK(timed_out);
  CHECK(crashed);
}

TEST_CASE("gradescope-package: run_autograder in a recreated Gradescope layout writes a valid results.json") {
  const fs::path base = kScratch / "gradescope";
  fs::remove_all(base);
  const fs::path zip = base / "autograder.zip";
  // An instructor's own hidden test, outside the workbook.
  write_text(base / "my-hidden" / "ch02_stride_mine.cpp",
             "#include \"stride.hpp\"\n#include \"kata_test.hpp\"\n"
             "TEST_CASE(\"output_length: an instructor's own case\") {\n"
             "    CHECK(convkata::ch02::output_length(100, 10, 10) == 10);\n}\n");
  const auto packaged = kata_grade({"gradescope-package", "--out", zip.string(), "--chapters", "1-2", "--hidden",
                                    (base / "my-hidden").string()});
  REQUIRE_MESSAGE(packaged.succeeded(), packaged.output);

  // Gradescope's layout: the package in source/, the upload in submission/.
  const fs::path root = base / "autograder";
  for (const char* dir : {"source", "submission", "results"}) fs::create_directories(root / dir);
  kata::process::Options unzip;
  unzip.cwd = root / "source";
  REQUIRE(kata::process::run({"cmake", "-E", "tar", "xf", zip.string()}, unzip).succeeded());
  for (const char* script : {"setup.sh", "run_autograder", "kata"}) {
    CAPTURE(script);
    REQUIRE(fs::exists(root / "source" / script));
    CHECK((fs::status(root / "source" / script).permissions() & fs::perms::owner_exec) != fs::perms::none);
  }
  CHECK_FALSE(fs::exists(root / "source" / "solutions"));
  CHECK(fs::exists(root / "source" / "tests" / "hidden"));
  // A student's upload: chapter 01 solved, chapter 02 as shipped, loose files.
  write_text(root / "submission" / "conv1d.cpp", solution("01_conv1d", "conv1d.cpp"));
  write_text(root / "submission" / "stride.cpp", read_text(kRoot / "chapters/02_stride/stride.cpp"));

  kata::process::Options options;
  options.timeout_seconds = 1200;
  // The grading trees the other cases prepared (same sources, chapters and build type).
  options.env = {{"KATA_AUTOGRADER_ROOT", root.string()},
                 {"KATA_GRADE_WORK", (kScratch / "work").string()},
                 {"KATA_GRADE_BUILD_TYPE", "None"}};
  const auto ran = kata::process::run({(root / "source" / "run_autograder").string()}, options);
  CHECK_MESSAGE(ran.succeeded(), ran.output);
  REQUIRE_MESSAGE(fs::exists(root / "results" / "results.json"), ran.output);
  const auto results = nlohmann::json::parse(read_text(root / "results" / "results.json"));
  CHECK(results.at("score").get<double>() == doctest::Approx(10));
  CHECK(results.at("extra_data").at("max_score").get<double>() == doctest::Approx(20));
  REQUIRE(results.at("tests").size() > 16);
  int mine = 0;
  for (const auto& t : results.at("tests")) {
    for (const char* key : {"name", "score", "max_score", "status", "output", "visibility"}) CHECK(t.contains(key));
    if (t.at("name") == "ch02/hidden/output_length: an instructor's own case") {
      ++mine;
      CHECK(t.at("visibility") == "after_due_date");
      CHECK(t.at("status") == "failed");  // chapter 02 is the stub
    }
  }
  CHECK(mine == 1);
}
