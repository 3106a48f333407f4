// What every kata command reads of the workbook: text files, and the
// chapters of CMakeLists.txt (its kata_add_chapter lines).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kata {

// The whole file; throws std::runtime_error("cannot read FILE").
std::string read_text(const std::filesystem::path& file);
// Writes through a temporary file, so that a half-written file never
// replaces a whole one; creates the folders. Throws std::runtime_error.
void write_text(const std::filesystem::path& file, const std::string& text);

// One kata_add_chapter(NN topic [USES_REFERENCE]) line.
struct ChapterLine {
  std::string number;            // "03"
  std::string topic;             // "padding"
  bool uses_reference = false;
};
std::optional<ChapterLine> chapter_line(const std::string& line);
// Every chapter line of a CMakeLists.txt, in order.
std::vector<ChapterLine> chapter_lines(const std::string& cmakelists);

}  // namespace kata
