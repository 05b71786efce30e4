// What a student's feedback leaves out of the host (its folders, Bazel's own
// lines, the environment) and how long it may be.
#include <algorithm>
#include <cctype>
#include <string_view>

#include "grader/report/report.h"

namespace labkit::report {
namespace {

constexpr std::string_view kHidden = "\xE2\x80\xA6";  // "…"

bool StartsWith(std::string_view text, std::string_view start) {
  return text.substr(0, start.size()) == start;
}

// Where a path written in running text ends.
bool EndsPath(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == ':' || c == ',' || c == ')' ||
         c == ']' || c == '>' || c == '`' || c == ';';
}

// Replaces every `from` that starts a path (not inside another word or path).
void ReplacePrefix(std::string& text, const std::string& from, std::string_view to) {
  if (from.empty()) return;
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos;) {
    const char before = at == 0 ? ' ' : text[at - 1];
    if (std::isalnum(static_cast<unsigned char>(before)) || before == '/' || before == '.' || before == '_' ||
        before == '-') {
      at += from.size();
      continue;
    }
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

// Bazel's output base, a home folder, a temporary folder: whatever path
// starts with one of these is the host's, not the student's.
void ScrubHostFolders(std::string& text) {
  // Bazel's output tree ends in execroot/<workspace>/: what follows is kit-relative.
  for (size_t at = 0; (at = text.find("/execroot/", at)) != std::string::npos;) {
    size_t start = at;
    while (start > 0 && !EndsPath(text[start - 1])) --start;
    size_t workspace_end = text.find('/', at + 10);
    if (workspace_end == std::string::npos || text[start] != '/') {
      at += 10;
      continue;
    }
    text.erase(start, workspace_end + 1 - start);
    at = start;
  }
  for (std::string_view root : {"/root/", "/home/", "/tmp/", "/proc/", "/autograder/"}) {
    for (size_t at = 0; (at = text.find(root, at)) != std::string::npos;) {
      const char before = at == 0 ? ' ' : text[at - 1];
      if (!EndsPath(before) && before != '=' && before != '(' && before != '[') {
        at += root.size();
        continue;
      }
      // /tmp/<one folder>/rest: the folder's random name goes, the rest
      // (a socket's name in a transcript) stays. Elsewhere the whole path goes.
      size_t end = at + root.size();
      if (root == "/tmp/") {
        end = text.find('/', end);
        size_t stop = at + root.size();
        while (stop < text.size() && !EndsPath(text[stop]) && text[stop] != '/') ++stop;
        if (end == std::string::npos || end > stop) end = stop;
        const std::string shown = "/tmp/" + std::string(kHidden);
        text.replace(at, end - at, shown);
        at += shown.size();
        continue;
      }
      while (end < text.size() && !EndsPath(text[end])) ++end;
      const std::string shown = "<host path>";
      text.replace(at, end - at, shown);
      at += shown.size();
    }
  }
}

// A line Bazel printed about itself, or one of the environment.
bool IsNoise(std::string_view line) {
  const size_t indent = line.find_first_not_of(" \t");
  if (indent == std::string_view::npos) return false;
  const std::string_view body = line.substr(indent);
  for (std::string_view start : {"INFO: ", "DEBUG: ", "WARNING: ", "ERROR: ", "FAILED: ", "Target //",
                                 "Use --sandbox_debug", "Loading:", "Analyzing:", "Starting local Bazel",
                                 "Server terminated", "Elapsed time", "(cd ", "exec env ", "Executing ",
                                 "Computing main repo mapping", "Extracting Bazel installation"}) {
    if (StartsWith(body, start)) return true;
  }
  // Bazel's own files: a failed command's arguments name them, a student's code never does.
  if (body.find("bazel-out/") != std::string_view::npos) return true;
  if (body.size() > 2 && body[0] == '[' && std::isdigit(static_cast<unsigned char>(body[1]))) {
    return body.find(" / ") != std::string_view::npos && body.find(']') != std::string_view::npos;  // [12 / 40]
  }
  // NAME=value, as `env` and Bazel's failed commands print the environment.
  size_t name = 0;
  while (name < body.size() && (std::isupper(static_cast<unsigned char>(body[name])) || body[name] == '_' ||
                                (name > 0 && std::isdigit(static_cast<unsigned char>(body[name]))))) {
    ++name;
  }
  return name > 0 && name < body.size() && body[name] == '=';
}

std::string LinesCut(size_t lines) {
  return std::string(kHidden) + " " + std::to_string(lines) + (lines == 1 ? " more line" : " more lines") + " cut\n";
}

size_t CountLines(std::string_view text) {
  if (text.empty()) return 0;
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() == '\n' ? 0 : 1);
}

std::vector<std::string> ScrubbedLines(const std::vector<std::string>& lines, const HostPaths& host,
                                       bool tool_output) {
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (const std::string& line : lines) out.push_back(ScrubHost(line, host, tool_output));
  return out;
}

}  // namespace

std::string ScrubHost(std::string_view input, const HostPaths& host, bool tool_output) {
  std::string kept;
  for (std::string_view rest = input; !rest.empty();) {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1);
    rest.remove_prefix(line.size());
    if (!tool_output || !IsNoise(line)) kept += line;
  }
  for (const std::string& kit : host.kit) {
    std::string folder = kit;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    ReplacePrefix(kept, folder + "/", "");
  }
  for (const std::string& hidden : host.hidden) {
    std::string folder = hidden;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    ReplacePrefix(kept, folder + "/", std::string(kHidden) + "/");
  }
  ScrubHostFolders(kept);
  return kept;
}

GradeResult ForStudent(const GradeResult& result, const HostPaths& host) {
  GradeResult out = result;
  out.submission = ScrubHost(result.submission, host);
  out.isolation = ScrubHost(result.isolation, host);
  out.warnings = ScrubbedLines(result.warnings, host, true);
  for (GradedLab& lab : out.labs) {
    lab.detail = ScrubHost(lab.detail, host);
    // What a case printed and recorded is the student's own: only paths go.
    for (GradedCase& c : lab.cases) {
      c.reason = ScrubHost(c.reason, host, false);
      c.failure = ScrubHost(c.failure, host, false);
      c.output = ScrubHost(c.output, host, false);
      c.transcript = ScrubbedLines(c.transcript, host, false);
      c.reference = ScrubbedLines(c.reference, host, false);
    }
  }
  return out;
}

std::string FirstLines(const std::string& text, size_t max_lines) {
  size_t at = 0;
  for (size_t line = 0; line < max_lines; ++line) {
    at = text.find('\n', at);
    if (at == std::string::npos) return text;
    ++at;
  }
  if (at >= text.size()) return text;
  return text.substr(0, at) + LinesCut(CountLines(std::string_view(text).substr(at)));
}

std::string CapBytes(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const size_t room = max_bytes > 64 ? max_bytes - 40 : max_bytes / 2;
  size_t cut = text.rfind('\n', room);
  if (cut == std::string::npos) {
    cut = room;  // one long line: cut between characters, not inside one
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "\n" + LinesCut(CountLines(std::string_view(text).substr(cut)));
  }
  return text.substr(0, cut + 1) + LinesCut(CountLines(std::string_view(text).substr(cut + 1)));
}

}  // namespace labkit::report
