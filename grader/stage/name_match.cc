#include "grader/stage/name_match.h"

#include <algorithm>
#include <cctype>

namespace labkit::stage {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWith(const std::string& text, std::string_view end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The name without its C++ extension; "" when it has none.
std::string SourceStem(std::string_view name) {
  const std::string lower = Lower(name);
  for (std::string_view ext : {".cc", ".cpp", ".cxx"}) {
    if (EndsWith(lower, ext) && lower.size() > ext.size()) return lower.substr(0, lower.size() - ext.size());
  }
  return "";
}

// "name (1)", "name(2)", "name-1", "name_2", "name copy", "name - copy" -> "name".
std::string WithoutCopySuffix(std::string stem) {
  for (std::string_view suffix : {" - copy", " copy"}) {
    if (EndsWith(stem, suffix)) return stem.substr(0, stem.size() - suffix.size());
  }
  size_t end = stem.size();
  if (end > 0 && stem[end - 1] == ')') {
    size_t open = stem.rfind('(');
    if (open != std::string::npos && open + 2 < end &&
        std::all_of(stem.begin() + open + 1, stem.end() - 1, [](unsigned char c) { return std::isdigit(c); })) {
      return stem.substr(0, open);
    }
    return stem;
  }
  size_t digits = end;
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(stem[digits - 1]))) --digits;
  if (digits < end && digits > 1 && (stem[digits - 1] == '-' || stem[digits - 1] == '_')) {
    return stem.substr(0, digits - 1);
  }
  return stem;
}

std::string Squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != '_' && c != '-' && c != ' ' && c != '.') out += c;
  }
  return out;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool LooksLike(std::string_view upload, std::string_view expected) {
  if (upload == expected) return false;
  const std::string stem = SourceStem(upload), wanted = SourceStem(expected);
  if (stem.empty() || wanted.empty() || stem.size() > 4 * wanted.size()) return false;
  const std::string plain = WithoutCopySuffix(stem);
  if (Squeezed(plain) == Squeezed(wanted) || Squeezed(stem) == Squeezed(wanted)) return true;
  return wanted.size() >= 6 && EditDistance(plain, wanted) <= 2;
}

NameMatches MatchNames(const std::vector<std::string>& uploads, const std::vector<std::string>& expected) {
  NameMatches matches;
  matches.graded_as.resize(expected.size());
  for (size_t e = 0; e < expected.size(); ++e) {
    std::vector<std::string> alike;
    for (const std::string& upload : uploads) {
      // An upload named exactly as some lab file is that file, nothing else.
      if (std::find(expected.begin(), expected.end(), upload) != expected.end()) continue;
      if (!LooksLike(upload, expected[e])) continue;
      const size_t also = std::count_if(expected.begin(), expected.end(),
                                        [&](const std::string& other) { return LooksLike(upload, other); });
      if (also > 1) {
        matches.warnings.push_back(upload + " looks like several lab files; it is not graded: rename it");
        continue;
      }
      alike.push_back(upload);
    }
    if (alike.size() == 1) {
      matches.graded_as[e] = alike[0];
      matches.warnings.push_back("did you mean " + expected[e] + "? " + alike[0] + " is graded as " + expected[e]);
    } else if (alike.size() > 1) {
      std::string names;
      for (const std::string& name : alike) names += (names.empty() ? "" : " and ") + name;
      matches.warnings.push_back("did you mean " + expected[e] + "? " + names + " all look like it, so none is "
                                 "graded: keep one, named " + expected[e]);
    }
  }
  return matches;
}

}  // namespace labkit::stage
