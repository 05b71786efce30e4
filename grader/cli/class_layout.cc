#include "grader/cli/class_layout.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "grader/cli/catalog.h"
#include "grader/files/whole_file.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kGradescopeMetadata[] = "submission_metadata.yml";
// The metadata of a class of thousands is a few MB.
constexpr std::uintmax_t kMaxMetadataBytes = 64 << 20;

bool AllDigits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.push_back("");
  return parts;
}

// A name without the archive extension the grader reads.
std::string WithoutArchiveExtension(const std::string& name) {
  for (const std::string ext : {".tar.gz", ".tgz", ".zip", ".tar"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      return name.substr(0, name.size() - ext.size());
    }
  }
  return name;
}

// ---- The YAML Gradescope writes ---------------------------------------------------

size_t IndentOf(const std::string& line) { return line.find_first_not_of(' '); }

// A scalar as YAML writes it: 'single' ('' is a quote), "double" (with
// backslash escapes), or plain (up to a " #" comment).
std::string Scalar(std::string text, size_t line_number) {
  const auto trim = [](std::string s) {
    const size_t begin = s.find_first_not_of(" \t"), end = s.find_last_not_of(" \t\r");
    return begin == std::string::npos ? std::string() : s.substr(begin, end + 1 - begin);
  };
  text = trim(text);
  if (text.empty()) return "";
  const char quote = text[0];
  if (quote == '\'' || quote == '"') {
    std::string out;
    for (size_t i = 1; i < text.size(); ++i) {
      if (text[i] == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          out += '\'';
          ++i;
          continue;
        }
        return out;
      }
      if (quote == '"' && text[i] == '\\' && i + 1 < text.size()) {
        ++i;
        out += text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i];
        continue;
      }
      out += text[i];
    }
    throw std::runtime_error("line " + std::to_string(line_number) + ": a quoted value is not closed");
  }
  if (const size_t comment = text.find(" #"); comment != std::string::npos) text = trim(text.substr(0, comment));
  return text;
}

// "key: value" -> (key, value); the key may be quoted. nullopt without ": ".
std::optional<std::pair<std::string, std::string>> KeyValue(const std::string& text, size_t line_number) {
  size_t colon = std::string::npos;
  if (!text.empty() && (text[0] == '\'' || text[0] == '"')) {
    const size_t close = text.find(text[0], 1);
    if (close != std::string::npos) colon = text.find(':', close);
  } else {
    for (size_t at = text.find(':'); at != std::string::npos; at = text.find(':', at + 1)) {
      if (at + 1 == text.size() || text[at + 1] == ' ') {
        colon = at;
        break;
      }
    }
  }
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(Scalar(text.substr(0, colon), line_number), Scalar(text.substr(colon + 1), line_number));
}

}  // namespace

std::map<std::string, std::vector<report::Submitter>> ParseGradescopeMetadata(const std::string& yaml) {
  std::map<std::string, std::vector<report::Submitter>> folders;
  std::string folder;                      // the submission being read
  size_t child_indent = std::string::npos;  // its keys' indent
  size_t list_indent = std::string::npos;   // the ":submitters:" key's indent, while in its list
  size_t item_indent = std::string::npos;   // the current submitter's keys' indent
  std::istringstream lines(yaml);
  size_t number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t indent = IndentOf(line);
    if (indent == std::string::npos || line[indent] == '#' || line == "---") continue;
    if (line.find('\t') < indent) throw std::runtime_error("line " + std::to_string(number) + ": a tab in the indentation");
    std::string content = line.substr(indent);
    if (indent == 0) {  // a submission folder
      auto pair = KeyValue(content, number);
      if (!pair || !pair->second.empty()) {
        throw std::runtime_error("line " + std::to_string(number) + ": expected a submission folder name, then ':'");
      }
      folder = pair->first;
      folders[folder];
      child_indent = list_indent = item_indent = std::string::npos;
      continue;
    }
    if (folder.empty()) throw std::runtime_error("line " + std::to_string(number) + ": indented before any submission");
    if (child_indent == std::string::npos) child_indent = indent;
    if (list_indent != std::string::npos) {
      const bool item = content.rfind("- ", 0) == 0 || content == "-";
      if (item && indent >= list_indent) {  // a new submitter
        folders[folder].emplace_back();
        item_indent = indent + 2;
        content = content.size() > 2 ? content.substr(2) : "";
        const size_t more = IndentOf(content);
        if (more == std::string::npos) continue;
        item_indent += more;
        content = content.substr(more);
      } else if (indent <= list_indent) {
        list_indent = item_indent = std::string::npos;  // the list ended
      } else if (indent != item_indent) {
        continue;  // deeper: nothing the gradebook needs
      }
      if (item_indent != std::string::npos) {
        auto pair = KeyValue(content, number);
        if (!pair) throw std::runtime_error("line " + std::to_string(number) + ": expected ':key: value'");
        report::Submitter& who = folders[folder].back();
        if (pair->first == ":sid") who.student = pair->second;
        if (pair->first == ":name") who.name = pair->second;
        continue;
      }
    }
    if (indent == child_indent) {
      auto pair = KeyValue(content, number);
      if (pair && pair->first == ":submitters" && pair->second.empty()) list_indent = indent;
    }
  }
  return folders;
}

std::optional<CanvasName> ParseCanvasName(const std::string& name) {
  // lastfirst_[LATE_]userid_submissionid_file; the file may hold '_' itself.
  std::vector<std::string> parts = Split(name, '_');
  CanvasName canvas;
  size_t at = 0;
  if (parts.size() < 4 || parts[0].empty()) return std::nullopt;
  canvas.lastfirst = parts[at++];
  if (parts[at] == "LATE") {
    canvas.late = true;
    ++at;
  }
  if (parts.size() < at + 3 || !AllDigits(parts[at]) || !AllDigits(parts[at + 1])) return std::nullopt;
  canvas.user_id = parts[at];
  at += 2;
  for (size_t i = at; i < parts.size(); ++i) canvas.file += (i == at ? "" : "_") + parts[i];
  if (canvas.file.empty() || canvas.file == "." || canvas.file == "..") return std::nullopt;
  return canvas;
}

ClassListing ListClass(const std::string& dir, const std::vector<std::string>& not_submissions) {
  if (!fs::is_directory(dir)) throw UserError(dir + " is not a folder of submissions");
  ClassListing listing;
  listing.layout = "folder";
  std::map<std::string, std::vector<report::Submitter>> gradescope;
  const fs::path metadata = fs::path(dir) / kGradescopeMetadata;
  if (fs::is_regular_file(metadata)) {
    if (fs::file_size(metadata) > kMaxMetadataBytes) throw UserError(metadata.string() + " is too large to be Gradescope's");
    try {
      gradescope = ParseGradescopeMetadata(files::ReadWholeFileOrEmpty(metadata.string()));
    } catch (const std::runtime_error& e) {
      throw UserError(metadata.string() + " is not Gradescope's metadata as expected: " + e.what());
    }
    listing.layout = "Gradescope export";
  }
  std::map<std::string, ClassSubmission> canvas;  // by lastfirst_userid
  std::vector<fs::path> folders;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    std::error_code error;
    if (entry.path().filename().string()[0] != '.' && entry.is_directory(error)) folders.push_back(entry.path());
  }
  // Gradescope's zip holds one folder around the export: that folder is the class.
  if (gradescope.empty() && folders.size() == 1 && fs::is_regular_file(folders[0] / kGradescopeMetadata)) {
    throw UserError(dir + " holds a Gradescope export in " + folders[0].filename().string() +
                    "/: give --class " + folders[0].string());
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name == kGradescopeMetadata) continue;
    const bool ours = std::any_of(not_submissions.begin(), not_submissions.end(), [&](const std::string& path) {
      return !path.empty() && fs::absolute(path).lexically_normal() == fs::absolute(entry.path()).lexically_normal();
    });
    if (ours) continue;
    std::error_code error;
    const bool is_file = entry.is_regular_file(error);
    std::optional<CanvasName> parsed = is_file ? ParseCanvasName(name) : std::nullopt;
    if (parsed) {
      ClassSubmission& group = canvas[parsed->lastfirst + "_" + parsed->user_id];
      group.key = parsed->lastfirst + "_" + parsed->user_id;
      group.who = {parsed->user_id, parsed->lastfirst};
      group.files.emplace_back(parsed->file, entry.path().string());
      continue;
    }
    ClassSubmission submission;
    submission.key = name;
    submission.path = entry.path().string();
    auto known = gradescope.find(name);
    if (known != gradescope.end()) {
      for (const report::Submitter& who : known->second) {
        submission.who.student += (submission.who.student.empty() ? "" : ";") + who.student;
        submission.who.name += (submission.who.name.empty() ? "" : "; ") + who.name;
      }
    } else {
      if (!gradescope.empty()) listing.notes.push_back(name + " is not in " + kGradescopeMetadata + ": its student id is its name");
      submission.who.student = WithoutArchiveExtension(name);
    }
    listing.submissions.push_back(std::move(submission));
  }
  for (auto& [key, group] : canvas) {
    std::sort(group.files.begin(), group.files.end());
    // One archive alone is graded as it is; files are graded as a folder of them.
    const std::string& only = group.files.front().first;
    if (group.files.size() == 1 && WithoutArchiveExtension(only) != only) {
      group.path = group.files.front().second;
      group.files.clear();
    }
    listing.submissions.push_back(std::move(group));
  }
  if (!canvas.empty()) listing.layout = listing.layout == "folder" ? "Canvas download" : listing.layout + " and Canvas download";
  std::sort(listing.submissions.begin(), listing.submissions.end(),
            [](const ClassSubmission& a, const ClassSubmission& b) { return a.key < b.key; });
  return listing;
}

}  // namespace labkit::cli
