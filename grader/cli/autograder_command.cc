// `labkit autograder gradescope OUT.zip`: the kit as a Gradescope
// autograder (setup.sh and run_autograder at the zip's root, the kit under
// source/), and the check `labkit test` runs on one: unzipped into a
// temporary AUTOGRADER_ROOT, set up, and run on the reference and on the
// skeleton, each uploaded as bare .cc files.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"
#include "grader/cli/release.h"
#include "grader/files/whole_file.h"
#include "grader/report/report.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// The kit's own files: not its git history, Bazel's output or .labkit/.
bool Skipped(const fs::path& relative) {
  const std::string first = relative.begin()->string();
  return first == ".git" || first == ".labkit" || first.rfind("bazel-", 0) == 0;
}

class ZipWriter {
 public:
  explicit ZipWriter(const std::string& path) : zip_(archive_write_new()) {
    archive_write_set_format_zip(zip_);
    if (archive_write_open_filename(zip_, path.c_str()) != ARCHIVE_OK) {
      throw UserError("cannot write " + path + ": " + archive_error_string(zip_));
    }
  }
  ~ZipWriter() { archive_write_free(zip_); }

  void Add(const std::string& name, const std::string& content, bool executable) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, executable ? 0755 : 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_write_header(zip_, entry);
    archive_write_data(zip_, content.data(), content.size());
    archive_entry_free(entry);
  }

  void Close() {
    if (archive_write_close(zip_) != ARCHIVE_OK) {
      throw std::runtime_error(std::string("writing the zip failed: ") + archive_error_string(zip_));
    }
  }

 private:
  archive* zip_;
};

bool IsExecutable(const fs::path& path) {
  return (fs::status(path).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

// Unzips `zip` into `dir`, keeping modes (the scripts must stay executable).
void Unzip(const std::string& zip, const std::string& dir) {
  archive* in = archive_read_new();
  archive_read_support_format_zip(in);
  if (archive_read_open_filename(in, zip.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw std::runtime_error("cannot read " + zip);
  }
  archive_entry* entry;
  while (archive_read_next_header(in, &entry) == ARCHIVE_OK) {
    const fs::path target = fs::path(dir) / archive_entry_pathname(entry);
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    char buffer[1 << 16];
    for (la_ssize_t n; (n = archive_read_data(in, buffer, sizeof buffer)) > 0;) out.write(buffer, n);
    out.close();
    ::chmod(target.c_str(), archive_entry_perm(entry));
  }
  archive_read_free(in);
}

ProcessResult RunScript(const std::string& script, const std::string& autograder_root) {
  ProcessOptions options;
  options.capture = true;
  options.env = {"AUTOGRADER_ROOT=" + autograder_root};
  options.timeout_seconds = 2400;  // setup builds the whole kit
  return RunProcess({script}, options);
}

}  // namespace

int MakeGradescopeAutograder(const std::string& root, const std::string& out,
                             const std::string& hidden_visibility) {
  const fs::path target = fs::absolute(out).lexically_normal();
  if (target.extension() != ".zip") throw UserError(out + ": the autograder is a .zip file");
  if (fs::exists(target)) throw UserError(out + " already exists");
  if (!fs::is_directory(target.parent_path())) {
    throw UserError("there is no folder " + target.parent_path().string() + " to put " + out + " in");
  }
  if (IsStudentRelease(root)) throw UserError("the autograder needs the instructor's kit, not the student copy");
  ZipWriter zip(target.string());
  const fs::path scripts = fs::path(root) / "grader/autograder";
  zip.Add("setup.sh", files::ReadWholeFileOrEmpty(scripts / "setup.sh"), true);
  zip.Add("run_autograder", files::ReadWholeFileOrEmpty(scripts / "run_autograder"), true);
  zip.Add("source/.hidden-visibility", hidden_visibility + "\n", false);
  int files = 0;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path relative = fs::relative(it->path(), root);
    if (Skipped(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->is_symlink()) continue;
    zip.Add("source/" + relative.string(), files::ReadWholeFileOrEmpty(it->path()), IsExecutable(it->path()));
    ++files;
  }
  zip.Close();
  std::cout << "Wrote " << out << ": setup.sh, run_autograder and the kit (" << files
            << " files) under source/. Hidden cases: " << hidden_visibility
            << ". Upload it as the assignment's autograder (Ubuntu 24.04 base image).\n";
  return kExitOk;
}

FixtureTally CheckGradescopeAutograder(const std::string& root) {
  FixtureTally tally;
  auto report = [&](bool ok, const std::string& what, const std::string& detail = "") {
    std::cout << "  " << (ok ? Green("✓") : Red("✗")) << " gradescope: " << what << "\n";
    if (!ok && !detail.empty()) std::cout << detail << "\n";
    (ok ? tally.passed : tally.failed)++;
  };
  char dir_template[] = "/tmp/labkit-gradescope.XXXXXX";
  const std::string work = ::mkdtemp(dir_template);
  const std::string autograder_root = work + "/autograder";
  MakeGradescopeAutograder(root, work + "/autograder.zip", "after_published");
  Unzip(work + "/autograder.zip", autograder_root);

  const ProcessResult setup = RunScript(autograder_root + "/setup.sh", autograder_root);
  report(setup.exit_code == 0, "setup.sh installs, builds and grades the reference once",
         setup.output.substr(setup.output.size() > 3000 ? setup.output.size() - 3000 : 0));

  // Uploads as Gradescope stores them: the bare .cc files.
  auto grade = [&](const std::string& from, const std::string& what, bool full) {
    const std::string submission = autograder_root + "/submission";
    fs::remove_all(submission);
    fs::create_directories(submission);
    for (const auto& lab : fs::directory_iterator(fs::path(root) / from)) {
      if (!lab.is_directory()) continue;  // labs/BUILD, labs/labs.json
      for (const auto& file : fs::directory_iterator(lab.path())) {
        const std::string name = file.path().filename().string();
        if (name.size() > 3 && name.substr(name.size() - 3) == ".cc" && name != "public_test.cc") {
          fs::copy_file(file.path(), fs::path(submission) / name);
        }
      }
    }
    fs::remove(autograder_root + "/results/results.json");
    const ProcessResult run = RunScript(autograder_root + "/run_autograder", autograder_root);
    const nlohmann::json results =
        nlohmann::json::parse(files::ReadWholeFileOrEmpty(autograder_root + "/results/results.json"), nullptr, false);
    int max_score = 0, visible = 0, later = 0;
    if (results.is_object()) {
      for (const auto& test : results.value("tests", nlohmann::json::array())) {
        max_score += test.value("max_score", 0);
        visible += test.value("visibility", "") == "visible";
        later += test.value("visibility", "") == "after_published";
      }
    }
    const bool valid = results.is_object() && report::ValidateGradescope(results).empty();
    const int score = valid ? results.value("score", -1) : -1;
    report(run.exit_code == 0 && valid && score == (full ? max_score : 0) && max_score > 0 &&
               visible > 0 && later > 0,
           what + ": " + std::to_string(score) + "/" + std::to_string(max_score) + ", " +
               std::to_string(visible) + " tests visible, " + std::to_string(later) +
               " after publishing",
           run.output.substr(0, 3000));
  };
  grade("solutions", "run_autograder on the reference as bare .cc files", true);
  grade("labs", "run_autograder on the untouched skeleton", false);

  ProcessOptions quiet;
  quiet.capture = true;
  quiet.cwd = autograder_root + "/source";
  quiet.timeout_seconds = 300;
  RunProcess({"bazel", "clean", "--expunge"}, quiet);
  fs::remove_all(work);
  return tally;
}

}  // namespace labkit::cli
