#include "grader/harness/ipc_sweep.h"

#include <fcntl.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

namespace labkit::harness {
namespace {

// Runs `remove` with the effective user `owner`, then becomes root again.
bool AsOwner(uid_t owner, const std::function<bool()>& remove) {
  const uid_t was = ::geteuid();
  if (owner != was && ::seteuid(owner) != 0) return false;
  const bool removed = remove();
  if (owner != was && ::seteuid(was) != 0) std::abort();  // never go on as the case's user
  ::prctl(PR_SET_DUMPABLE, 0);  // a change of user may have reset it
  return removed;
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream words(line);
  std::vector<std::string> fields;
  for (std::string word; words >> word;) fields.push_back(word);
  return fields;
}

// One /proc/sysvipc list: its header names the columns.
int SweepList(const char* list, const char* id_column, bool (*remove)(int)) {
  std::ifstream in(list);
  std::string line;
  if (!std::getline(in, line)) return 0;
  const std::vector<std::string> header = Fields(line);
  size_t id_at = header.size(), uid_at = header.size();
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == id_column) id_at = i;
    if (header[i] == "uid") uid_at = i;
  }
  int removed = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = Fields(line);
    if (id_at >= fields.size() || uid_at >= fields.size()) continue;
    const int id = std::atoi(fields[id_at].c_str());
    const uid_t owner = static_cast<uid_t>(std::strtoul(fields[uid_at].c_str(), nullptr, 10));
    if (AsOwner(owner, [&] { return remove(id); })) ++removed;
  }
  return removed;
}

}  // namespace

int SweepSystemVObjects() {
  return SweepList("/proc/sysvipc/shm", "shmid",
                   [](int id) { return ::shmctl(id, IPC_RMID, nullptr) == 0; }) +
         SweepList("/proc/sysvipc/sem", "semid",
                   [](int id) { return ::semctl(id, 0, IPC_RMID) == 0; }) +
         SweepList("/proc/sysvipc/msg", "msqid",
                   [](int id) { return ::msgctl(id, IPC_RMID, nullptr) == 0; });
}

int SweepMessageQueues(const std::string& mqueue_dir) {
  // Through a descriptor of the folder: as the queue's owner, the path to
  // it need not be searchable.
  const int folder = ::open(mqueue_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0) return 0;
  int removed = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(mqueue_dir, error)) {
    const std::string name = entry.path().filename().string();
    struct stat info;
    if (::fstatat(folder, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    // The folder is sticky: only a queue's owner may unlink it.
    if (AsOwner(info.st_uid, [&] { return ::unlinkat(folder, name.c_str(), 0) == 0; })) ++removed;
  }
  ::close(folder);
  return removed;
}

}  // namespace labkit::harness
