#include "grader/build/build_stage.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "grader/build/compile_jail.h"
#include "grader/build/include_prefix.h"
#include "grader/build/kit_build_error.h"
#include "grader/build/student_link.h"
#include "grader/files/whole_file.h"
#include "grader/process/spawn.h"

namespace labkit::build {
namespace {

// A submission's lab is built as the student process's library.
constexpr const char* kLibrarySuffix = "_student.so";

namespace fs = std::filesystem;
constexpr int kErrorLinesShown = 20;
// Of Bazel's own output (its errors are read from the event stream).
constexpr size_t kBazelOutputKept = 4 << 20;

struct BazelRun {
  int exit_code = -1;
  std::string output;
  std::vector<nlohmann::json> events;
};

// Runs `bazel build` quietly in `root` with the build event stream on.
BazelRun RunBazel(const std::string& root, const std::vector<std::string>& targets,
                  const std::string& work_dir) {
  std::string events_path = work_dir + "/events.XXXXXX";
  int events_fd = ::mkstemp(events_path.data());
  if (events_fd < 0) throw std::runtime_error("cannot create a temporary file in " + work_dir);
  ::close(events_fd);
  std::vector<std::string> args = {"bazel", "build", "--keep_going", "--noshow_progress",
                                   "--color=no", "--build_event_json_file=" + events_path};
  args.insert(args.end(), targets.begin(), targets.end());
  process::SpawnOptions options;
  options.cwd = root;
  options.out = process::Output::kCapture;
  options.err = process::Output::kWithStdout;
  options.capture_limit = kBazelOutputKept;
  process::SpawnResult bazel = process::Spawn(args, options);
  if (!bazel.started || bazel.exit_code < 0) {
    fs::remove(events_path);
    throw KitBuildError(bazel.error);  // "cannot run bazel: No such file or directory"
  }
  BazelRun run;
  run.exit_code = bazel.exit_code;
  run.output = std::move(bazel.out);
  std::ifstream in(events_path);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_discarded()) run.events.push_back(std::move(event));
  }
  fs::remove(events_path);
  return run;
}

std::string PathFromUri(const std::string& uri) {
  const std::string prefix = "file://";
  return uri.rfind(prefix, 0) == 0 ? uri.substr(prefix.size()) : uri;
}

// The first lines of a tool's output.
std::string FirstErrors(const std::string& text) {
  std::istringstream lines(text);
  std::string shown;
  int count = 0;
  for (std::string line; std::getline(lines, line) && count < kErrorLinesShown; ++count) {
    shown += line + "\n";
  }
  return shown;
}

// Copies a built binary where the case users can read it.
std::string CopyOut(const std::string& from, const std::string& out_dir, const std::string& name) {
  const std::string to = out_dir + "/" + name;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec);
  return to;
}

// The kit-relative paths of the headers a lab's file may include: the
// lab's own and labs/common's (never a test's or the grader's).
std::vector<std::string> PublicHeaders(const std::string& root, const std::string& lab) {
  std::vector<std::string> headers;
  for (const std::string& dir : {"labs/" + lab, std::string("labs/common")}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(root + "/" + dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".h") {
        headers.push_back(dir + "/" + entry.path().filename().string());
      }
    }
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

// Compiles `job` (its text: `text`) with its lab's precompiled prefix when
// the file opens with it. A file that fails that way is compiled again
// plain, so the prefix can make a compile faster, never change its outcome;
// not one that a limit stopped (a minute of constexpr, twice, is no help).
CompileOutcome CompileFile(CompileJob job, const std::string& text, const CompileLimits& limits,
                           PrecompiledPrefixes* prefixes) {
  const fs::path kit_path(job.kit_path);
  const std::string lab = kit_path.parent_path().filename();
  const PrecompiledPrefixes::Prefix* prefix =
      prefixes ? prefixes->For(lab, kit_path.filename(), job.headers) : nullptr;
  std::optional<std::string> rewritten;
  if (prefix != nullptr) rewritten = WithPrefixHeader(text, prefix->includes);
  const std::string work_dir = job.work_dir;
  if (rewritten) {
    CompileJob with_prefix = job;
    with_prefix.source = work_dir + "/prefixed.cc";
    with_prefix.work_dir = work_dir + "/prefixed";
    with_prefix.prefix_header = prefix->header;
    fs::create_directories(work_dir);
    std::ofstream(with_prefix.source, std::ios::binary) << *rewritten;
    CompileOutcome outcome = CompileInJail(with_prefix, limits);
    if (outcome.ok || outcome.limit_reached) return outcome;
  }
  job.work_dir = work_dir + "/plain";
  return CompileInJail(job, limits);
}

// Compiles every staged .cc of `lab_ids` in the jail, a few at a time, into
// `objects_dir`/<lab>/<stem>.pic.o (or takes it from `cache`; with
// `prefixes` where a file allows, see CompileFile), and links each lab whose
// files all compiled into its student library in `out_dir` as soon as its
// last file is done.
std::map<std::string, LabBuild> BuildLabs(const std::string& root, const std::string& staged_dir,
                                          const std::vector<std::string>& lab_ids,
                                          const std::string& objects_dir,
                                          const std::string& out_dir, const StudentLinker& linker,
                                          CompileCache* cache, PrecompiledPrefixes* prefixes) {
  std::vector<std::pair<std::string, CompileJob>> jobs;  // (lab, job)
  std::map<std::string, std::atomic<int>> files_left;
  for (const std::string& lab : lab_ids) {
    fs::create_directories(objects_dir + "/" + lab);
    const std::vector<std::string> headers = PublicHeaders(root, lab);
    std::vector<fs::path> sources;
    for (const fs::directory_entry& entry : fs::directory_iterator(staged_dir + "/" + lab)) {
      if (entry.path().extension() == ".cc") sources.push_back(entry.path());
    }
    std::sort(sources.begin(), sources.end());
    files_left[lab] = static_cast<int>(sources.size());
    for (const fs::path& source : sources) {
      const std::string stem = source.stem();
      jobs.push_back({lab, {source, "labs/" + lab + "/" + source.filename().string(), root,
                            headers, staged_dir + "/jail/" + lab + "-" + stem,
                            objects_dir + "/" + lab + "/" + stem + ".pic.o", "", false}});
    }
  }
  const CompileLimits limits = LimitsFromEnvironment();
  std::vector<CompileOutcome> outcomes(jobs.size());
  std::map<std::string, LabBuild> labs;
  for (const std::string& lab : lab_ids) labs[lab];  // each thread writes its own lab's
  // A lab's files, all compiled: its library.
  auto link = [&](const std::string& lab) {
    std::vector<std::string> objects;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (jobs[i].first != lab) continue;
      if (!outcomes[i].ok) return;
      objects.push_back(jobs[i].second.object);
    }
    LabBuild& build = labs.at(lab);
    const std::string library = out_dir + "/" + lab + kLibrarySuffix;
    const CompileOutcome linked =
        linker.Link(lab, objects, staged_dir + "/link/" + lab, library, limits);
    build.built = linked.ok;
    if (!linked.ok) {
      build.errors = FirstErrors(linked.messages);
      return;
    }
    build.library = library;
    fs::permissions(library, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
  };
  // Largest first, so that no long compile starts last while the other
  // workers sit idle.
  std::vector<size_t> order(jobs.size());
  std::vector<uintmax_t> sizes;
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::error_code unknown;  // then 0: last
    sizes.push_back(fs::file_size(jobs[i].second.source, unknown));
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  std::vector<std::thread> workers;
  const size_t count =
      std::min<size_t>(jobs.size(), std::max(1u, std::thread::hardware_concurrency()));
  for (size_t w = 0; w < count; ++w) {
    workers.emplace_back([&] {
      for (size_t n; (n = next++) < jobs.size();) {
        const size_t i = order[n];
        try {
          const CompileJob& job = jobs[i].second;
          const std::string text = files::ReadWholeFileOrEmpty(job.source);
          if (auto kept = cache ? cache->Find(job.kit_path, text, job.object) : std::nullopt) {
            outcomes[i] = *kept;
          } else {
            outcomes[i] = CompileFile(job, text, limits, prefixes);
            if (cache) cache->Store(job.kit_path, text, outcomes[i], job.object);
          }
          // The last of its lab's files to finish, whichever thread ran the others.
          if (files_left.at(jobs[i].first).fetch_sub(1, std::memory_order_acq_rel) == 1) {
            link(jobs[i].first);
          }
        } catch (...) {
          std::lock_guard<std::mutex> hold(failure_lock);
          failure = std::current_exception();
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
  // A lab that did not compile shows the messages of the files that did not.
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!outcomes[i].ok) labs.at(jobs[i].first).errors += outcomes[i].messages;
  }
  return labs;
}

// Graders of one kit share its Bazel outputs: from one grader's build until
// it has copied its binaries out, another's build must not replace them.
class BuildLock {
 public:
  explicit BuildLock(const std::string& root) {
    std::error_code ignored;
    fs::create_directories(root + "/.labkit", ignored);
    fd_ = ::open((root + "/.labkit/build.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);  // Bazel would make us wait as long anyway
  }
  ~BuildLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  BuildLock(const BuildLock&) = delete;
  BuildLock& operator=(const BuildLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

BuildOutcome BuildSubmission(const std::string& root, const std::string& staged_dir,
                             const std::vector<std::string>& lab_ids,
                             const std::vector<std::string>& kit_labels,
                             const std::string& out_dir, StudentLinker& linker,
                             CompileCache* cache, PrecompiledPrefixes* prefixes) {
  BuildOutcome outcome;
  if (!kit_labels.empty()) {
    BuildLock lock(root);
    BazelRun run = RunBazel(root, kit_labels, out_dir);
    for (const nlohmann::json& event : run.events) {
      const nlohmann::json& id = event["id"];
      if (!id.contains("targetCompleted") || !event.contains("completed")) continue;
      const std::string label = id["targetCompleted"].value("label", "");
      const nlohmann::json& completed = event["completed"];
      if (!completed.value("success", false)) continue;
      const std::string name = label.substr(label.rfind(':') + 1);
      for (const nlohmann::json& file : completed.value("importantOutput", nlohmann::json::array())) {
        const std::string path = PathFromUri(file.value("uri", ""));
        if (fs::path(path).filename() != name) continue;
        std::string copy = label.substr(label.find("//") + 2);
        for (char& c : copy) c = (c == '/' || c == ':') ? '_' : c;
        outcome.kit[label] = CopyOut(path, out_dir, copy);
        // Under the lock: another grader's Bazel run may replace the inputs.
        try {
          linker.LearnFromKit(label, path);
        } catch (const std::runtime_error& e) {
          throw KitBuildError(std::string("cannot read how the kit links a student library: ") +
                              e.what());
        }
      }
    }
    for (const std::string& label : kit_labels) {
      if (outcome.kit.count(label) == 0) {
        throw KitBuildError("the kit's own " + label + " did not build:\n" + FirstErrors(run.output));
      }
    }
  }
  if (!lab_ids.empty()) {
    if (!CompileIsolationHere().jailed) outcome.compile_note = CompileIsolationHere().note;
    const std::string objects_dir = staged_dir + "/objects";
    outcome.labs =
        BuildLabs(root, staged_dir, lab_ids, objects_dir, out_dir, linker, cache, prefixes);
  }
  return outcome;
}

}  // namespace labkit::build
