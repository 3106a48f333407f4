#include "workbook.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace kata {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  const std::filesystem::path temporary = file.string() + ".kata-new";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
  }
  std::filesystem::rename(temporary, file);
}

std::optional<ChapterLine> chapter_line(const std::string& line) {
  static const std::regex pattern(R"(^\s*kata_add_chapter\((\d\d)\s+([a-z0-9_]+)(\s+USES_REFERENCE)?\s*\))");
  std::smatch m;
  if (!std::regex_search(line, m, pattern)) return std::nullopt;
  return ChapterLine{m[1], m[2], m[3].matched};
}

std::vector<ChapterLine> chapter_lines(const std::string& cmakelists) {
  std::vector<ChapterLine> chapters;
  std::istringstream lines(cmakelists);
  for (std::string line; std::getline(lines, line);) {
    if (auto chapter = chapter_line(line)) chapters.push_back(*chapter);
  }
  return chapters;
}

}  // namespace kata
