#include "grader/build/include_prefix.h"

namespace labkit::build {
namespace {

enum class LineKind { kInclude, kSkippable, kOther };

std::string_view TrimEnd(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

// Strict on purpose: `#include <name>` or `#include "name"` and nothing more
// (no spaces inside the directive, no trailing comment), so that no line
// can mean more than it seems to.
bool IsPlainInclude(std::string_view line) {
  constexpr std::string_view kDirective = "#include ";
  if (line.substr(0, kDirective.size()) != kDirective) return false;
  const std::string_view name = line.substr(kDirective.size());
  if (name.size() < 3) return false;
  const char close = name.front() == '<' ? '>' : name.front() == '"' ? '"' : '\0';
  if (close == '\0' || name.back() != close) return false;
  const std::string_view inside = name.substr(1, name.size() - 2);
  return inside.find_first_of("<>\"\\") == std::string_view::npos;
}

LineKind Classify(std::string_view line) {
  line = TrimEnd(line);
  if (IsPlainInclude(line)) return LineKind::kInclude;
  const size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return LineKind::kSkippable;
  const std::string_view rest = line.substr(start);
  if (rest.substr(0, 2) == "//" && rest.back() != '\\') return LineKind::kSkippable;
  return LineKind::kOther;
}

// Calls `line(text, kind)` for each line of the file's opening, up to the
// first line that is neither an include nor skippable; returns the offset
// where that line starts.
template <typename Visit>
size_t VisitOpening(std::string_view text, Visit visit) {
  size_t offset = 0;
  while (offset < text.size()) {
    size_t end = text.find('\n', offset);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(offset, end - offset);
    const LineKind kind = Classify(line);
    if (kind == LineKind::kOther) break;
    visit(line, kind);
    offset = end == text.size() ? end : end + 1;
  }
  return offset;
}

}  // namespace

std::vector<std::string> LeadingIncludes(std::string_view text) {
  std::vector<std::string> includes;
  VisitOpening(text, [&](std::string_view line, LineKind kind) {
    if (kind == LineKind::kInclude) includes.emplace_back(TrimEnd(line));
  });
  return includes;
}

std::string PrefixHeader(const std::vector<std::string>& includes) {
  std::string header;
  for (const std::string& line : includes) header += line + "\n";
  return header;
}

std::optional<std::string> WithPrefixHeader(std::string_view text,
                                            const std::vector<std::string>& includes) {
  if (includes.empty()) return std::nullopt;
  std::string rewritten;
  size_t matched = 0;
  bool mismatch = false;
  const size_t opening = VisitOpening(text, [&](std::string_view line, LineKind kind) {
    if (kind != LineKind::kInclude || matched == includes.size() || mismatch) {
      rewritten += std::string(line) + "\n";
      return;
    }
    if (TrimEnd(line) != includes[matched]) {
      mismatch = true;
      return;
    }
    rewritten += matched++ == 0 ? std::string("#include \"") + kPrefixHeaderName + "\"\n" : "\n";
  });
  if (mismatch || matched != includes.size()) return std::nullopt;
  // The opening's last line may have had no newline of its own.
  if (opening == text.size() && !text.empty() && text.back() != '\n') rewritten.pop_back();
  rewritten += text.substr(opening);
  return rewritten;
}

}  // namespace labkit::build
