#include "grader/mutate/mutator.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace labkit::mutate {
namespace {

// One changed line: the mutant is the source with lines[line] = text.
struct Change {
  int line;
  std::string text;
};

// The source as lines, each with a mask: the same line with the contents of
// string and char literals and any // comment blanked out, so operators
// search code only and edit the original at the same positions.
struct Lines {
  std::vector<std::string> text, mask;
  std::vector<bool> code;  // false for preprocessor, comment and blank lines
};

bool IsIdent(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::string Mask(const std::string& line) {
  std::string mask = line;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (quote != 0) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        mask[i] = mask[i + 1] = ' ';
        ++i;
      } else if (line[i] == quote) {
        quote = 0;
      } else {
        mask[i] = ' ';
      }
    } else if (line[i] == '"' || line[i] == '\'') {
      quote = line[i];
    } else if (line.compare(i, 2, "//") == 0) {
      for (size_t j = i; j < mask.size(); ++j) mask[j] = ' ';
      break;
    }
  }
  return mask;
}

Lines Split(const std::string& source) {
  Lines lines;
  std::istringstream in(source);
  std::string line;
  bool in_block_comment = false;
  while (std::getline(in, line)) {
    const std::string trimmed = Trim(line);
    bool code = !trimmed.empty() && trimmed[0] != '#' && trimmed.rfind("//", 0) != 0 &&
                !in_block_comment && trimmed.rfind("/*", 0) != 0;
    if (trimmed.rfind("/*", 0) == 0) in_block_comment = true;
    if (in_block_comment && trimmed.find("*/") != std::string::npos) in_block_comment = false;
    lines.text.push_back(line);
    lines.mask.push_back(code ? Mask(line) : std::string(line.size(), ' '));
    lines.code.push_back(code);
  }
  return lines;
}

// An unindented line that opens a function definition.
bool IsSignature(const std::string& line) {
  if (line.empty() || !IsIdent(line[0]) || line.find('(') == std::string::npos) return false;
  for (const char* keyword : {"namespace", "struct ", "using ", "template", "class ", "enum "}) {
    if (line.rfind(keyword, 0) == 0) return false;
  }
  return true;
}

// The position just past the bracket that closes the one at `open`, on the
// same line, or npos.
size_t Closing(const std::string& mask, size_t open) {
  int depth = 0;
  for (size_t i = open; i < mask.size(); ++i) {
    if (mask[i] == '(' || mask[i] == '[' || mask[i] == '{') ++depth;
    if (mask[i] == ')' || mask[i] == ']' || mask[i] == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string::npos;
}

std::string Replace(const std::string& line, size_t begin, size_t end, const std::string& with) {
  return line.substr(0, begin) + with + line.substr(end);
}

using Operator = std::function<void(const Lines&, int, std::vector<Change>&)>;

// a < b  ->  a <= b,  a == b  ->  a != b, ...
void FlipComparison(const Lines& lines, int n, std::vector<Change>& out) {
  static const std::map<std::string, std::string> kFlips = {
      {"<", "<="}, {"<=", "<"}, {">", ">="}, {">=", ">"}, {"==", "!="}, {"!=", "=="}};
  const std::string& mask = lines.mask[n];
  for (size_t i = 1; i + 1 < mask.size(); ++i) {
    if (mask[i - 1] != ' ') continue;
    size_t end = mask.find(' ', i);
    if (end == std::string::npos) continue;
    auto flip = kFlips.find(mask.substr(i, end - i));
    if (flip != kFlips.end()) out.push_back({n, Replace(lines.text[n], i, end, flip->second)});
  }
}

// if (!ok)  ->  if (ok)
void DropNegation(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string& mask = lines.mask[n];
  for (size_t i = 1; i + 1 < mask.size(); ++i) {
    if (mask[i] == '!' && mask[i + 1] != '=' && (mask[i - 1] == '(' || mask[i - 1] == ' ')) {
      out.push_back({n, Replace(lines.text[n], i, i + 1, "")});
    }
  }
}

// 108  ->  107 and 109
void ShiftConstant(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string& mask = lines.mask[n];
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(mask[i])) || (i > 0 && (IsIdent(mask[i - 1]) || mask[i - 1] == '.'))) {
      continue;
    }
    size_t end = i;
    while (end < mask.size() && std::isdigit(static_cast<unsigned char>(mask[end]))) ++end;
    if (end < mask.size() && (IsIdent(mask[end]) || mask[end] == '.')) {
      i = end;
      continue;
    }
    const long value = std::stol(mask.substr(i, end - i));
    for (long shifted : {value - 1, value + 1}) {
      out.push_back({n, Replace(lines.text[n], i, end, std::to_string(shifted))});
    }
    i = end;
  }
}

// sizeof address  ->  (sizeof address - 1);  s.size()  ->  s.size() + 1
void ShiftLength(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string& mask = lines.mask[n];
  const std::string& text = lines.text[n];
  for (size_t i = mask.find("sizeof"); i != std::string::npos; i = mask.find("sizeof", i + 1)) {
    if (i > 0 && IsIdent(mask[i - 1])) continue;
    size_t end = i + 6;
    while (end < mask.size() && mask[end] == ' ') ++end;
    if (end < mask.size() && mask[end] == '(') {
      end = Closing(mask, end);
    } else {
      while (end < mask.size() && (IsIdent(mask[end]) || mask[end] == '.')) ++end;
    }
    if (end == std::string::npos) continue;
    const std::string operand = text.substr(i, end - i);
    for (const char* delta : {" - 1)", " + 1)"}) {
      out.push_back({n, Replace(text, i, end, "(" + operand + delta)});
    }
  }
  for (const char* call : {".size()", ".length()"}) {
    for (size_t i = mask.find(call); i != std::string::npos; i = mask.find(call, i + 1)) {
      const size_t end = i + std::string(call).size();
      for (const char* delta : {" - 1", " + 1"}) {
        out.push_back({n, Replace(text, end, end, delta)});
      }
    }
  }
}

// SOCK_STREAM | SOCK_NONBLOCK  ->  SOCK_STREAM, and  ->  SOCK_NONBLOCK
void DropFlag(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string& mask = lines.mask[n];
  auto operand_char = [](char c) { return IsIdent(c) || c == ':' || c == '.'; };
  for (size_t i = mask.find(" | "); i != std::string::npos; i = mask.find(" | ", i + 1)) {
    size_t right = i + 3;
    while (right < mask.size() && operand_char(mask[right])) ++right;
    if (right < mask.size() && mask[right] == '(') right = Closing(mask, right);
    size_t left = i;
    while (left > 0 && operand_char(mask[left - 1])) --left;
    if (right == std::string::npos || right == i + 3 || left == i) continue;
    out.push_back({n, Replace(lines.text[n], i, right, "")});
    out.push_back({n, Replace(lines.text[n], left, i + 3, "")});
  }
}

// htons(port)  ->  port
void DropByteOrder(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string& mask = lines.mask[n];
  for (const char* name : {"htons(", "ntohs(", "htonl(", "ntohl("}) {
    for (size_t i = mask.find(name); i != std::string::npos; i = mask.find(name, i + 1)) {
      if (i > 0 && IsIdent(mask[i - 1])) continue;
      size_t begin = i >= 2 && mask.compare(i - 2, 2, "::") == 0 ? i - 2 : i;
      size_t end = Closing(mask, i + 5);
      if (end == std::string::npos) continue;
      const std::string argument = lines.text[n].substr(i + 6, end - 1 - (i + 6));
      out.push_back({n, Replace(lines.text[n], begin, end, argument)});
    }
  }
}

// f(a, b, c)  ->  f(b, a, c) and f(a, c, b)
void SwapArguments(const Lines& lines, int n, std::vector<Change>& out) {
  static const std::set<std::string> kNotCalls = {"if", "while", "for", "switch", "return",
                                                  "sizeof", "catch", "alignof", "decltype"};
  if (IsSignature(lines.text[n])) return;
  const std::string& mask = lines.mask[n];
  for (size_t open = mask.find('('); open != std::string::npos; open = mask.find('(', open + 1)) {
    size_t name = open;
    while (name > 0 && IsIdent(mask[name - 1])) --name;
    if (name == open || kNotCalls.count(mask.substr(name, open - name))) continue;
    const size_t close = Closing(mask, open);
    if (close == std::string::npos) continue;
    std::vector<std::pair<size_t, size_t>> args;  // [begin, end) of each argument
    int depth = 0;
    size_t begin = open + 1;
    for (size_t i = open + 1; i < close - 1; ++i) {
      if (mask[i] == '(' || mask[i] == '[' || mask[i] == '{') ++depth;
      if (mask[i] == ')' || mask[i] == ']' || mask[i] == '}') --depth;
      if (mask[i] == ',' && depth == 0) args.push_back({begin, i}), begin = i + 1;
    }
    args.push_back({begin, close - 1});
    for (size_t a = 0; a + 1 < args.size(); ++a) {
      const std::string& text = lines.text[n];
      std::string first = Trim(text.substr(args[a].first, args[a].second - args[a].first));
      std::string second = Trim(text.substr(args[a + 1].first, args[a + 1].second - args[a + 1].first));
      if (first.empty() || second.empty() || first == second) continue;
      std::string swapped = text.substr(0, args[a].first) + (a == 0 ? "" : " ") + second + ", " +
                            first + text.substr(args[a + 1].second);
      out.push_back({n, swapped});
    }
  }
}

// return Status::FromErrno();  ->  return Status::Ok();
void ErrorAsSuccess(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string& mask = lines.mask[n];
  for (const char* call : {"::FromErrno(", "::Error("}) {
    for (size_t i = mask.find(call); i != std::string::npos; i = mask.find(call, i + 1)) {
      const size_t open = i + std::string(call).size() - 1;
      const size_t end = Closing(mask, open);
      if (end != std::string::npos) out.push_back({n, Replace(lines.text[n], i, end, "::Ok()")});
    }
  }
}

// A line that declares a variable: deleting it could only fail to compile.
bool IsDeclaration(const std::string& trimmed) {
  static const std::regex kDeclaration(
      R"(^(?:const |struct |static |auto )*[A-Za-z_][\w:<>,]*[\s\*&]+[A-Za-z_]\w*\s*(?:[\[{=;(]|$))");
  for (const char* keyword : {"return ", "delete ", "throw ", "else ", "case ", "goto "}) {
    if (trimmed.rfind(keyword, 0) == 0) return false;
  }
  return std::regex_search(trimmed, kDeclaration);
}

// Deletes one whole one-line statement: a call, an assignment, an error check.
void DeleteStatement(const Lines& lines, int n, std::vector<Change>& out) {
  const std::string trimmed = Trim(lines.mask[n]);
  if (IsSignature(lines.text[n]) || trimmed.empty() || trimmed.back() != ';' ||
      IsDeclaration(trimmed)) {
    return;
  }
  int depth = 0;
  for (char c : trimmed) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
  if (depth != 0) return;
  auto neighbour = [&](int from, int step) {
    for (int i = from + step; i >= 0 && i < static_cast<int>(lines.text.size()); i += step) {
      if (lines.code[i]) return Trim(lines.mask[i]);
    }
    return std::string();
  };
  const std::string before = neighbour(n, -1);
  if (before.empty() || std::string(";{}:").find(before.back()) == std::string::npos) return;
  // The last return of a function: without it the function falls off its end.
  if (trimmed.rfind("return ", 0) == 0 && neighbour(n, +1) == "}") return;
  out.push_back({n, ""});
}

// Returns success before the function does anything.
void ReturnEarly(const Lines& lines, int n, std::vector<Change>& out) {
  static const std::regex kSignature(R"(^(?:static |inline )*(.*?)\s*\b\w+\()");
  std::smatch match;
  if (!IsSignature(lines.text[n]) || !std::regex_search(lines.text[n], match, kSignature)) return;
  const std::string type = match[1].str();
  std::string success = "return {};";
  if (type.rfind("SysResult<", 0) == 0 || type == "Status") success = "return " + type + "::Ok();";
  if (type == "void") success = "return;";
  if (type == "bool") success = "return true;";
  for (int i = n; i < static_cast<int>(lines.text.size()) && i < n + 4; ++i) {
    const std::string trimmed = Trim(lines.mask[i]);
    if (!trimmed.empty() && trimmed.back() == ';') return;  // a declaration
    if (!trimmed.empty() && trimmed.back() == '{') {
      out.push_back({i, lines.text[i] + " " + success});
      return;
    }
  }
}

const std::vector<std::pair<std::string, Operator>>& Operators() {
  static const std::vector<std::pair<std::string, Operator>> kOperators = {
      {"flip-comparison", FlipComparison}, {"drop-negation", DropNegation},
      {"shift-constant", ShiftConstant},   {"shift-length", ShiftLength},
      {"drop-flag", DropFlag},             {"drop-byte-order", DropByteOrder},
      {"swap-arguments", SwapArguments},   {"error-as-success", ErrorAsSuccess},
      {"delete-statement", DeleteStatement}, {"return-early", ReturnEarly},
  };
  return kOperators;
}

std::string ShortHash(const std::string& text) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", hash);
  return hex;
}

}  // namespace

const std::vector<std::string>& OperatorNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& [name, op] : Operators()) names.push_back(name);
    return names;
  }();
  return kNames;
}

std::vector<Mutant> Mutate(const std::string& source, const std::string& only) {
  const Lines lines = Split(source);
  std::vector<Mutant> mutants;
  std::set<std::string> seen_sources;
  std::map<std::string, int> seen_ids;
  for (const auto& [name, op] : Operators()) {
    if (!only.empty() && name != only) continue;
    for (int n = 0; n < static_cast<int>(lines.text.size()); ++n) {
      if (!lines.code[n]) continue;
      std::vector<Change> changes;
      op(lines, n, changes);
      for (const Change& change : changes) {
        if (change.text == lines.text[change.line]) continue;
        std::string mutated;
        for (int i = 0; i < static_cast<int>(lines.text.size()); ++i) {
          mutated += (i == change.line ? change.text : lines.text[i]) + "\n";
        }
        if (!seen_sources.insert(mutated).second) continue;
        Mutant mutant;
        mutant.op = name;
        mutant.line = change.line + 1;
        mutant.before = Trim(lines.text[change.line]);
        mutant.after = Trim(change.text);
        mutant.source = mutated;
        // The same change of the same line text twice gets a second id.
        const std::string key = name + "\n" + mutant.before + "\n" + mutant.after;
        mutant.id = name + ":" + ShortHash(key + "\n" + std::to_string(seen_ids[key]++));
        mutants.push_back(std::move(mutant));
      }
    }
  }
  return mutants;
}

}  // namespace labkit::mutate
