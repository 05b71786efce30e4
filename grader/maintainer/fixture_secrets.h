// What a hostile fixture plants for a submission to steal, and the check
// that none of it reaches anything a person reads (labkit test).
#pragma once

#include <string>
#include <vector>

#include "grader/judge/grade_result.h"

namespace labkit::cli {

// The first non-blank line of `path`; "" if this process cannot read it.
std::string FirstLine(const std::string& path);

// A root-only (0600) file holding a random line, for a fixture to try to
// read at compile time; removed when this goes out of scope.
class PlantedSecret {
 public:
  explicit PlantedSecret(std::string path);
  ~PlantedSecret();
  PlantedSecret(const PlantedSecret&) = delete;
  PlantedSecret& operator=(const PlantedSecret&) = delete;
  const std::string& line() const { return line_; }

 private:
  std::string path_, line_;
};

// A text no report may show, and where it came from: a problem names the
// source, never the text (it may be a line of /etc/shadow).
struct Forbidden {
  std::string text, source;
};

// One line per forbidden text found in the cases' output or in any report
// view (terminal, JSON, Markdown, JUnit, Gradescope).
std::vector<std::string> Leaks(const std::vector<Forbidden>& forbidden,
                               const judge::GradeResult& result);

}  // namespace labkit::cli
