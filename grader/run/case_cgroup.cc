#include "grader/run/case_cgroup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "grader/files/whole_file.h"
#include "grader/run/proc_table.h"

namespace labkit::run {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFolder = "labkit";
constexpr int kKillBoundMs = 5000;  // a case's processes die in far less

std::string Errno() { return std::strerror(errno); }

// "" on success, else why not.
std::string WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return path + ": " + Errno();
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  std::string why = ok ? "" : path + ": " + Errno();
  ::close(fd);
  return why;
}

// The number after `key` in a "key value" line of `text`; -1 if absent.
int64_t Field(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string name; lines >> name;) {
    int64_t value = -1;
    if (!(lines >> value)) return -1;
    if (name == key) return value;
  }
  return -1;
}

bool HasWords(const std::string& text, std::initializer_list<const char*> words) {
  std::set<std::string> have;
  std::istringstream in(text);
  for (std::string word; in >> word;) have.insert(word);
  return std::all_of(words.begin(), words.end(), [&](const char* w) { return have.count(w); });
}

// Case cgroups carry the grader's pid namespace too: a pid means nothing
// outside its namespace, and a grader in another one must not look dead.
std::string PidNamespace() {
  struct stat info;
  return ::stat("/proc/self/ns/pid", &info) == 0 ? std::to_string(info.st_ino) : "0";
}

// Where each mounted hierarchy is: fstype "cgroup2", or each v1 controller.
struct Mount {
  std::string root, point;
};
std::map<std::string, Mount> CgroupMounts() {
  std::map<std::string, Mount> mounts;
  std::istringstream lines(files::ReadWholeFileOrEmpty("/proc/self/mountinfo"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, point, word;
    fields >> id >> parent >> device >> root >> point;
    while (fields >> word && word != "-") {
    }
    std::string type, source, options;
    fields >> type >> source >> options;
    if (type == "cgroup2") mounts.emplace("cgroup2", Mount{root, point});
    if (type != "cgroup") continue;
    std::istringstream controllers(options);
    for (std::string option; std::getline(controllers, option, ',');) {
      mounts.emplace(option, Mount{root, point});
    }
  }
  return mounts;
}

// This process's own cgroup in the hierarchy of `controller` ("" for v2).
std::string OwnCgroup(const std::string& controller) {
  std::istringstream lines(files::ReadWholeFileOrEmpty("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string list = "," + line.substr(first + 1, second - first - 1) + ",";
    if ((controller.empty() && list == ",,") ||
        (!controller.empty() && list.find("," + controller + ",") != std::string::npos)) {
      return line.substr(second + 1);
    }
  }
  return "";
}

// The folder of own cgroup `own` in a hierarchy mounted as `mount`.
std::string FolderOf(const Mount& mount, const std::string& own) {
  if (mount.root == "/") return mount.point + own;
  if (own.rfind(mount.root, 0) == 0) return mount.point + own.substr(mount.root.size());
  return "";
}

// "" once `dir/labkit` exists, else why not.
std::string MakeFolder(const std::string& dir) {
  const std::string path = dir + "/" + kFolder;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return "cannot create " + path + ": " + Errno();
  return "";
}

std::vector<pid_t> Members(const std::vector<std::string>& paths) {
  std::set<pid_t> pids;
  for (const std::string& path : paths) {
    std::istringstream in(files::ReadWholeFileOrEmpty(path + "/cgroup.procs"));
    for (pid_t pid; in >> pid;) pids.insert(pid);
  }
  return {pids.begin(), pids.end()};
}

// Kills everything in the cgroup until it is empty, reaps our children
// among them, removes the folders. A pid read from cgroup.procs is killed
// at once; for it to name another process by then, the pid space (pid_max)
// would have to wrap around in between.
void KillAndRemove(int version, const std::vector<std::string>& paths) {
  if (version == 2) WriteFile(paths[0] + "/cgroup.kill", "1");  // kernel 5.14 and later
  std::set<pid_t> ours;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kKillBoundMs);
  for (std::vector<pid_t> left; !(left = Members(paths)).empty();) {
    if (std::chrono::steady_clock::now() > deadline) return;  // left for a later grader
    for (pid_t pid : left) {
      if (ParentOf(pid) == ::getpid()) ours.insert(pid);
      ::kill(pid, SIGKILL);
    }
    ::poll(nullptr, 0, 1);  // dying takes a moment (memory is freed)
  }
  for (pid_t pid : ours) ::waitpid(pid, nullptr, 0);  // gone from the cgroup: a zombie
  for (const std::string& path : paths) {
    // Just emptied, a cgroup can refuse removal (EBUSY) for a moment.
    for (int tries = 0; tries < 100 && ::rmdir(path.c_str()) != 0 && errno == EBUSY; ++tries) {
      ::poll(nullptr, 0, 1);
    }
  }
}

}  // namespace

CaseCgroups CaseCgroups::Probe() {
  CaseCgroups found;
  if (std::getenv("LABKIT_NO_CGROUPS") != nullptr) {
    found.description_ = "LABKIT_NO_CGROUPS is set";
    return found;
  }
  const std::map<std::string, Mount> mounts = CgroupMounts();
  std::string why_not;
  // v2: the controllers go to case cgroups only through folders that hold
  // no process, so the labkit folder sits at the top of the hierarchy.
  if (auto v2 = mounts.find("cgroup2"); v2 != mounts.end()) {
    const std::string top = v2->second.point;
    std::string why;
    if (!HasWords(files::ReadWholeFileOrEmpty(top + "/cgroup.controllers"), {"memory", "pids"})) {
      why = "cgroup v2 has no memory and pids controllers here";
    } else if (why = WriteFile(top + "/cgroup.subtree_control", "+memory +pids"); why.empty()) {
      if (why = MakeFolder(top); why.empty()) {
        why = WriteFile(top + "/" + kFolder + "/cgroup.subtree_control", "+memory +pids");
      }
    }
    if (why.empty()) {
      found.version_ = 2;
      found.bases_ = {top + "/" + kFolder};
      found.description_ = "cgroup v2 (memory + pids)";
      return found;
    }
    why_not = why;
  }
  // v1: inside this process's own cgroups, so that limits set on the
  // grader (a container, a CI job) still hold for its cases.
  std::vector<std::string> bases;
  for (const char* controller : {"memory", "pids"}) {
    auto mount = mounts.find(controller);
    std::string folder = mount == mounts.end() ? "" : FolderOf(mount->second, OwnCgroup(controller));
    std::string why = folder.empty() ? std::string("no cgroup v1 ") + controller + " hierarchy"
                                     : MakeFolder(folder);
    if (!why.empty()) {
      found.description_ = why_not.empty() ? why : why_not + "; " + why;
      return found;
    }
    bases.push_back(folder + "/" + kFolder);
  }
  found.version_ = 1;
  found.bases_ = bases;
  found.description_ = "cgroup v1 (memory + pids)";
  return found;
}

void CaseCgroups::RemoveAbandoned() const {
  const std::string pid_namespace = PidNamespace();
  std::set<std::string> names;
  for (const std::string& base : bases_) {
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(base, error)) {
      const std::string name = entry.path().filename();
      size_t at = name.find('@'), dot = name.find('.');
      if (!entry.is_directory(error) || at == std::string::npos || dot == std::string::npos ||
          name.substr(at + 1, dot - at - 1) != pid_namespace) {
        continue;
      }
      const pid_t owner = std::atoi(name.c_str());
      if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) names.insert(name);
    }
  }
  for (const std::string& name : names) {
    std::vector<std::string> paths;
    for (const std::string& base : bases_) {
      if (fs::exists(base + "/" + name)) paths.push_back(base + "/" + name);
    }
    if (!paths.empty()) KillAndRemove(version_, paths);
  }
}

CaseCgroup::CaseCgroup(const CaseCgroups& where, const std::string& label,
                       const CgroupLimits& limits)
    : version_(where.version_) {
  static std::atomic<int> sequence{0};
  std::string name = std::to_string(::getpid()) + "@" + PidNamespace() + "." +
                     std::to_string(++sequence) + "." + label.substr(0, 100);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '@' && c != '-') c = '_';
  }
  std::string why = where.bases_.empty() ? "no cgroup hierarchy to use" : "";
  for (const std::string& base : where.bases_) {
    if (!why.empty()) break;
    const std::string path = base + "/" + name;
    if (::mkdir(path.c_str(), 0755) != 0) {
      why = "cannot create " + path + ": " + Errno();
      break;
    }
    paths_.push_back(path);
    int procs = ::open((path + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (procs < 0) why = path + "/cgroup.procs: " + Errno();
    procs_.push_back(procs);
  }
  const std::string memory = std::to_string(limits.memory_bytes);
  const std::string tasks = std::to_string(limits.tasks);
  if (why.empty() && version_ == 2) {
    why = WriteFile(paths_[0] + "/memory.max", memory);
    if (why.empty()) why = WriteFile(paths_[0] + "/pids.max", tasks);
    WriteFile(paths_[0] + "/memory.swap.max", "0");  // absent without swap accounting
  } else if (why.empty()) {
    why = WriteFile(paths_[0] + "/memory.limit_in_bytes", memory);
    if (why.empty()) why = WriteFile(paths_[1] + "/pids.max", tasks);
    WriteFile(paths_[0] + "/memory.memsw.limit_in_bytes", memory);  // likewise
  }
  if (!why.empty()) {
    Destroy();
    throw std::runtime_error("cannot set up the case's cgroup: " + why);
  }
}

bool CaseCgroup::Join() const {
  for (int procs : procs_) {
    if (::write(procs, "0", 1) != 1) return false;  // "0": the writing process
  }
  return true;
}

int64_t CaseCgroup::OomKills() const {
  // v1 counts the kills in the cgroup whoever ordered them, the host's own
  // OOM killer included; with a limit this far below the host's memory,
  // the case's limit is taken to be the cause.
  const std::string& cgroup = paths_[0];
  return version_ == 2
             ? Field(files::ReadWholeFileOrEmpty(cgroup + "/memory.events"), "oom")
             : Field(files::ReadWholeFileOrEmpty(cgroup + "/memory.oom_control"), "oom_kill");
}

CgroupUsage CaseCgroup::Usage() const {
  CgroupUsage usage;
  if (paths_.empty()) return usage;
  usage.memory_limit_reached = OomKills() > ooms_before_;
  if (!peak_known_) return usage;
  if (version_ == 2) {
    char buffer[32] = {};
    std::string peak;  // kernel 5.19 and later
    if (peak_fd_ >= 0 && ::pread(peak_fd_, buffer, sizeof buffer - 1, 0) > 0) {
      peak = buffer;
    } else if (peak_fd_ < 0) {
      peak = files::ReadWholeFileOrEmpty(paths_[0] + "/memory.peak");
    }
    usage.peak_memory_bytes = peak.empty() ? -1 : std::atoll(peak.c_str());
  } else {
    // Both watermarks: memsw may reach the limit first, and either can lag
    // behind the kills for a while on a busy machine.
    const auto bytes = [&](const char* file) {
      return std::atoll(files::ReadWholeFileOrEmpty(paths_[0] + file).c_str());
    };
    usage.peak_memory_bytes =
        std::max(bytes("/memory.max_usage_in_bytes"), bytes("/memory.memsw.max_usage_in_bytes"));
  }
  return usage;
}

void CaseCgroup::Restart() {
  if (paths_.empty()) return;
  ooms_before_ = OomKills();
  if (version_ == 2) {
    // Kernel 6.12 and later: writing restarts the peak seen through this file.
    if (peak_fd_ < 0) peak_fd_ = ::open((paths_[0] + "/memory.peak").c_str(), O_RDWR | O_CLOEXEC);
    peak_known_ = peak_fd_ >= 0 && ::write(peak_fd_, "reset\n", 6) == 6;
  } else {
    // Writing 0 sets the watermark to what is in use now.
    peak_known_ = WriteFile(paths_[0] + "/memory.max_usage_in_bytes", "0").empty();
    WriteFile(paths_[0] + "/memory.memsw.max_usage_in_bytes", "0");  // absent without swap accounting
  }
}

void CaseCgroup::Destroy() {
  if (peak_fd_ >= 0) ::close(peak_fd_);
  peak_fd_ = -1;
  for (int procs : procs_) {
    if (procs >= 0) ::close(procs);
  }
  procs_.clear();
  if (!paths_.empty()) KillAndRemove(version_, paths_);
  paths_.clear();
}

}  // namespace labkit::run
