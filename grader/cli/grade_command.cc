// `labkit grade`: grades submissions (or a whole class) and writes reports.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "grader/cli/commands.h"
#include "grader/cli/class_layout.h"
#include "grader/cli/console.h"
#include "grader/cli/public_run.h"
#include "grader/cli/release.h"
#include "grader/files/whole_file.h"
#include "grader/grade/grader.h"
#include "grader/report/gradebook.h"
#include "grader/report/report.h"
#include "grader/report/untrusted_text.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// The files of a Canvas group worth copying: C++ sources and headers.
constexpr const char* kSourceEndings[] = {".cc", ".cpp", ".cxx", ".h", ".hpp"};

// The labs to grade: all, or those named with --lab.
std::vector<Lab> SelectLabs(const std::string& root, const std::vector<std::string>& queries) {
  std::vector<Lab> all = LoadCatalog(root);
  if (queries.empty()) return all;
  std::vector<Lab> chosen;
  for (const std::string& query : queries) {
    const Lab& lab = FindLab(all, query);
    if (std::none_of(chosen.begin(), chosen.end(), [&](const Lab& l) { return l.id == lab.id; })) {
      chosen.push_back(lab);
    }
  }
  return chosen;
}

void WriteFile(const std::string& path, const std::string& text) {
  if (!files::WriteWholeFile(path, text)) throw UserError("cannot write " + path);
}

// A feedback file's name: the submission's key, with nothing a path could
// read as a folder.
std::string FeedbackName(const std::string& key) {
  std::string name = key;
  for (char& c : name) {
    if (c == '/' || c == '\0' || static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  return name.empty() || name[0] == '.' ? "_" + name : name;
}

int Workers(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Gradescope shows the public cases to students at once, the others as the
// instructor chose.
report::GradescopeVisibility Visibility(const std::string& root, const GradeOptions& options) {
  report::GradescopeVisibility visibility;
  visibility.hidden_visibility = options.hidden_visibility;
  for (const Lab& lab : LoadCatalog(root)) {
    for (const std::string& name : PublicCaseNames(root, lab)) {
      visibility.public_cases.insert(lab.id + "/" + name);
    }
  }
  return visibility;
}

void WriteReports(const std::string& root, const judge::GradeResult& result,
                  const GradeOptions& options) {
  if (!options.json.empty()) WriteFile(options.json, report::JsonReport(result).dump(2) + "\n");
  if (!options.gradescope.empty()) {
    nlohmann::json results = report::GradescopeReport(result, Visibility(root, options));
    std::vector<std::string> problems = report::ValidateGradescope(results);
    if (!problems.empty()) {
      throw std::runtime_error("the Gradescope file would be invalid: " + problems.front());
    }
    WriteFile(options.gradescope, results.dump(2) + "\n");
  }
  if (!options.junit.empty()) WriteFile(options.junit, report::JunitReport(result));
  if (!options.markdown.empty()) WriteFile(options.markdown, report::MarkdownReport(result));
}

// A Canvas student's C++ files, copied into a folder of their own under the
// names the student gave them, so the stage reads them like a Gradescope
// upload (other files, a PDF report, are of no use to it). Only regular
// files up to the stage's size limit are copied; the rest are named in the
// returned warnings.
std::vector<std::string> GatherFiles(const ClassSubmission& submission, const std::string& folder) {
  std::vector<std::string> warnings;
  fs::create_directories(folder);
  for (const auto& [name, path] : submission.files) {
    const std::string lower = [&] {
      std::string text = name;
      for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return text;
    }();
    const bool source = std::any_of(std::begin(kSourceEndings), std::end(kSourceEndings), [&](const char* end) {
      const std::string ending = end;
      return lower.size() > ending.size() && lower.compare(lower.size() - ending.size(), ending.size(), ending) == 0;
    });
    if (!source || name.find('/') != std::string::npos) continue;
    const fs::path target = fs::path(folder) / name;
    const int in = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat info{};
    std::string refused, contents;
    if (in < 0 || ::fstat(in, &info) != 0 || !S_ISREG(info.st_mode)) {
      refused = "it is not a regular file";
    } else if (info.st_size > static_cast<off_t>(stage::kMaxSourceBytes)) {
      refused = "it is " + std::to_string(info.st_size) + " bytes, over the " +
                std::to_string(stage::kMaxSourceBytes) + "-byte limit for a lab source file";
    } else if (fs::exists(fs::symlink_status(target))) {
      refused = "another file of the submission has the same name";
    } else {
      char buffer[16384];
      for (ssize_t got; contents.size() <= stage::kMaxSourceBytes &&
                        ((got = ::read(in, buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR));) {
        if (got > 0) contents.append(buffer, static_cast<size_t>(got));
      }
      if (contents.size() > stage::kMaxSourceBytes) refused = "it grew past the size limit while read";
    }
    if (in >= 0) ::close(in);
    if (refused.empty()) WriteFile(target.string(), contents);
    if (!refused.empty()) warnings.push_back("refused " + name + ": " + refused);
  }
  return warnings;
}

// The host's folders a report must not show: the kit's (paths below it are
// shown kit-relative) and the one the submissions came from.
report::HostPaths HostOf(const std::string& root, const std::string& submissions_folder) {
  report::HostPaths host;
  std::error_code ignored;
  for (const fs::path& kit : {fs::absolute(root).lexically_normal(), fs::canonical(root, ignored)}) {
    if (!kit.empty() && kit != "/") host.kit.push_back(kit.string());
  }
  // "solutions" has no parent folder to hide (and fs::absolute("") throws).
  if (submissions_folder.empty()) return host;
  const fs::path from = fs::absolute(submissions_folder).lexically_normal();
  for (const fs::path& folder : {from, fs::canonical(from, ignored)}) {
    if (!folder.empty() && folder != "/") host.hidden.push_back(folder.string());
  }
  return host;
}

// Fails before any grading when the gradebook cannot be written where asked.
void CheckOutFolder(const std::string& out) {
  const fs::path parent = fs::absolute(out).parent_path();
  if (!fs::is_directory(parent)) throw UserError("cannot write " + out + ": there is no folder " + parent.string());
}

int GradeClass(const std::string& root, const GradeOptions& options) {
  if (options.out.empty()) throw UserError("--class needs --out GRADEBOOK.csv");
  CheckOutFolder(options.out);
  report::Shard shard;
  if (!options.shard.empty()) {
    try {
      shard = report::ParseShard(options.shard);
    } catch (const std::invalid_argument& e) {
      throw UserError(e.what());
    }
  }
  std::vector<Lab> labs = SelectLabs(root, options.labs);
  std::vector<std::string> lab_ids;
  for (const Lab& lab : labs) lab_ids.push_back(lab.id);
  // The gradebook and the feedback may be kept in the class's folder.
  const ClassListing listing = ListClass(options.class_dir, {options.out, options.feedback_dir});
  std::optional<report::Gradebook> opened;
  try {
    opened.emplace(report::Gradebook::Open(options.out, lab_ids));
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());  // the file the user named: in use, not a gradebook, unwritable
  }
  report::Gradebook& gradebook = *opened;

  // This shard's part of the class, in name order, less the rows done.
  std::vector<const ClassSubmission*> mine, todo;
  for (size_t i = 0; i < listing.submissions.size(); ++i) {
    if (shard.Holds(i)) mine.push_back(&listing.submissions[i]);
  }
  for (const ClassSubmission* submission : mine) {
    if (options.regrade || !gradebook.Has(submission->key)) todo.push_back(submission);
  }
  const size_t skipped = mine.size() - todo.size();
  std::cout << Bold("Grading " + std::to_string(todo.size()) + " of " + std::to_string(mine.size()) +
                    " submissions in " + options.class_dir)
            << " (" << listing.layout
            << (shard.count > 1 ? "; shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                                      " of " + std::to_string(listing.submissions.size())
                                : "")
            << ")\n";
  if (skipped > 0) {
    std::cout << "Skipping " << skipped << " already in " << options.out
              << " (--regrade grades them again)\n";
  }
  using report::untrusted::Clean, report::untrusted::Kind;
  for (const std::string& note : listing.notes) std::cout << Dim("  " + Clean(note, Kind::kLine)) << "\n";
  if (todo.empty()) {
    std::cout << "Gradebook: " << options.out << "\n";
    return kExitOk;
  }
  std::error_code no_folder;
  if (!options.feedback_dir.empty() && !fs::create_directories(options.feedback_dir, no_folder) &&
      no_folder) {
    throw UserError("cannot make the feedback folder " + options.feedback_dir + ": " +
                    no_folder.message());
  }

  // Canvas's file groups become folders; every submission is then a path.
  // Named like the grader's work folders, so that the next grader removes it
  // if this one is killed.
  std::string gathered = "/tmp/labkit-grade." + std::to_string(::getpid()) + ".canvas.XXXXXX";
  if (::mkdtemp(gathered.data()) == nullptr) throw std::runtime_error("cannot create a work folder in /tmp");
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{gathered};
  std::vector<std::string> paths;
  std::map<std::string, std::pair<const ClassSubmission*, std::vector<std::string>>> by_path;
  for (const ClassSubmission* submission : todo) {
    std::string path = submission->path;
    std::vector<std::string> warnings;
    if (path.empty()) {
      path = gathered + "/" + std::to_string(paths.size());
      warnings = GatherFiles(*submission, path);
    }
    paths.push_back(path);
    by_path[path] = {submission, warnings};
  }

  grade::Grader grader(root, labs, Workers(options.jobs));
  std::cout << Dim(grader.isolation_note()) << "\n";
  const report::HostPaths host = HostOf(root, options.class_dir);
  int done = 0;
  const auto started = std::chrono::steady_clock::now();
  // An unreadable submission still gets its row, at zero, with the reason.
  grader.GradeAll(paths, [&](const std::string& path, judge::GradeResult graded) {
    const auto& [submission, gather_warnings] = by_path.at(path);
    graded.warnings.insert(graded.warnings.begin(), gather_warnings.begin(), gather_warnings.end());
    judge::GradeResult result = report::ForStudent(graded, host);
    result.submission = submission->key;
    gradebook.Append(result, submission->who, options.regrade);
    if (!options.feedback_dir.empty()) {
      WriteFile(options.feedback_dir + "/" + FeedbackName(submission->key) + ".md",
                report::MarkdownReport(result));
    }
    // The folder's name and a staging warning (an archive entry's name) are
    // the student's: escaped, so they cannot redraw this line or the ones above.
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::string left = TimeLeft(elapsed, ++done, static_cast<int>(todo.size()));
    std::cout << "  [" << done << "/" << todo.size() << "] " << Clean(submission->key, Kind::kName) << ": "
              << result.score << "/" << result.max_score << (left.empty() ? "" : Dim("  (" + left + ")"))
              << "\n";
    for (const std::string& warning : result.warnings) {
      std::cout << Dim("      " + Clean(warning, Kind::kLine)) << "\n";
    }
    std::cout << std::flush;
  });
  std::cout << "Gradebook: " << options.out << "\n";
  return kExitOk;
}

// A student copy has no hidden tests: its own labs/ against the public ones.
int GradePublicOnly(const std::string& root, const GradeOptions& options) {
  if (!options.submissions.empty() || !options.class_dir.empty()) {
    throw UserError("this student copy has no hidden tests, so it grades only its own labs/ "
                    "(run ./labkit grade with no submission)");
  }
  std::cout << "labkit: the hidden tests are not in this copy; grading labs/ against the "
               "public tests only.\n";
  int points = 0, max_points = 0;
  bool all_pass = true;
  for (const Lab& lab : SelectLabs(root, options.labs)) {
    const PublicRun run = RunPublicTests(root, lab);
    const bool ran = run.outcome == PublicRun::Outcome::kRan;
    all_pass = all_pass && ran && run.passed() == static_cast<int>(run.cases.size());
    points += run.points();
    max_points += run.max_points();
    std::cout << "  " << lab.number << "  " << lab.title << ": "
              << (ran ? std::to_string(run.points()) + "/" + std::to_string(run.max_points()) +
                            " public points"
                      : Red("does not build; ./labkit check " + lab.number + " says why"))
              << "\n";
  }
  std::cout << "Public total: " << points << "/" << max_points
            << ". Your course's grader runs more cases in the same style.\n";
  return all_pass ? kExitOk : kExitTestsFailed;
}

}  // namespace

int GradeSubmissions(const std::string& root, const GradeOptions& options) {
  if (IsStudentRelease(root)) return GradePublicOnly(root, options);
  if (!options.class_dir.empty()) {
    if (!options.submissions.empty()) {
      throw UserError("give either --class DIR or submissions, not both");
    }
    return GradeClass(root, options);
  }
  if (!options.out.empty() || !options.shard.empty() || options.regrade) {
    throw UserError("--out, --shard and --regrade go with --class DIR");
  }
  std::vector<std::string> submissions = options.submissions;
  if (submissions.empty()) submissions.push_back(root + "/labs");  // the working tree's own labs
  bool files = !options.json.empty() || !options.gradescope.empty() || !options.junit.empty() ||
               !options.markdown.empty();
  if (files && submissions.size() > 1) {
    throw UserError("report files (--json, --gradescope, --junit, --markdown) take one submission");
  }
  // Report paths are checked before grading, not after minutes of it.
  for (const std::string& path : {options.json, options.gradescope, options.junit, options.markdown}) {
    if (path.empty()) continue;
    const fs::path parent = fs::absolute(path).parent_path();
    if (!fs::is_directory(parent)) {
      throw UserError("cannot write " + path + ": there is no folder " + parent.string());
    }
  }
  for (const std::string& submission : submissions) {
    if (!fs::exists(fs::symlink_status(submission))) {
      throw UserError("no such submission: " + submission);
    }
  }
  grade::Grader grader(root, SelectLabs(root, options.labs), Workers(options.jobs));
  bool full = true;
  for (const std::string& submission : submissions) {
    judge::GradeResult graded;
    try {
      graded = grader.Grade(submission);
    } catch (const grade::UnreadableSubmission& e) {
      throw UserError(e.what());  // the user's to fix: one line, exit code 2
    }
    const judge::GradeResult result =
        report::ForStudent(graded, HostOf(root, fs::path(submission).parent_path().string()));
    report::TerminalOptions view;
    view.colour = UseColour();
    view.width = TerminalWidth();
    view.all_failures = options.all_failures;
    std::cout << report::TerminalReport(result, view);
    WriteReports(root, result, options);
    full = full && result.score == result.max_score;
  }
  return full ? kExitOk : kExitTestsFailed;
}

}  // namespace labkit::cli
