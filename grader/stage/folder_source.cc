// A submission folder. Every step below the folder is checked with lstat
// semantics (fstatat + AT_SYMLINK_NOFOLLOW) and opened with O_NOFOLLOW
// relative to its parent's descriptor, so a link swapped in between the
// check and the open is still never followed. Only the top folder is ever
// listed, and only its first 1000 names, when a lab file is found nowhere:
// the work is bounded by the rubric's candidate paths, not by the submission.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "grader/stage/source.h"
#include "grader/stage/stage.h"

namespace labkit::stage::internal {
namespace {

std::vector<std::string> SplitPath(const std::string& relative) {
  std::vector<std::string> parts;
  std::stringstream stream(relative);
  for (std::string part; std::getline(stream, part, '/');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

Lookup Refuse(Lookup lookup, const std::string& refused, const std::string& reason) {
  lookup.kind = Lookup::Kind::kRefused;
  lookup.refused = refused;
  lookup.reason = reason;
  return lookup;
}

std::string ErrnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Reads `name` in the open folder `dir`, already lstat'ed as `info`.
Lookup ReadRegularFile(int dir, const std::string& name, const struct stat& info, Lookup lookup) {
  const std::string& path = lookup.name;
  if (S_ISDIR(info.st_mode)) return Refuse(lookup, path, "it is a folder, not a file");
  if (!S_ISREG(info.st_mode)) {
    return Refuse(lookup, path, "it is a device, fifo or socket, not a regular file");
  }
  if (info.st_size > static_cast<off_t>(kMaxSourceBytes)) {
    return Refuse(lookup, path, OversizedReason(info.st_size));
  }
  // O_NONBLOCK: a fifo swapped in after the lstat must not hang the grader.
  UniqueFd file(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!file.valid()) {
    return Refuse(lookup, path, errno == ELOOP ? kLinkReason : ErrnoText("it cannot be opened"));
  }
  struct stat opened;
  if (::fstat(file.get(), &opened) != 0 || !S_ISREG(opened.st_mode)) {
    return Refuse(lookup, path, "it changed into something other than a regular file");
  }
  std::string contents;
  char buffer[16384];
  while (contents.size() <= kMaxSourceBytes) {
    ssize_t got = ::read(file.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Refuse(lookup, path, ErrnoText("it cannot be read"));
    if (got == 0) break;
    contents.append(buffer, static_cast<size_t>(got));
  }
  // The file may have grown since the lstat.
  if (contents.size() > kMaxSourceBytes) return Refuse(lookup, path, OversizedReason(-1));
  lookup.kind = Lookup::Kind::kFound;
  lookup.contents = std::move(contents);
  return lookup;
}

class FolderSource : public Source {
 public:
  FolderSource(UniqueFd root, Budget& budget) : root_(std::move(root)), budget_(budget) {}

  Lookup Find(const std::string& relative) override {
    Lookup lookup;
    lookup.name = relative;
    std::vector<std::string> parts = SplitPath(relative);
    int dir = root_.get();
    UniqueFd held;  // the folder being walked, below the root
    std::string walked;
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string& part = parts[i];
      walked += (i == 0 ? "" : "/") + part;
      budget_.CountEntry();
      struct stat info;
      if (::fstatat(dir, part.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return lookup;
        return Refuse(lookup, walked, ErrnoText("it cannot be examined"));
      }
      if (S_ISLNK(info.st_mode)) return Refuse(lookup, walked, kLinkReason);
      if (i + 1 == parts.size()) return ReadRegularFile(dir, part, info, lookup);
      if (!S_ISDIR(info.st_mode)) return lookup;  // e.g. a file named "labs": not this layout
      UniqueFd next(::openat(dir, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next.valid()) {
        return Refuse(lookup, walked, errno == ELOOP ? kLinkReason : ErrnoText("it cannot be opened"));
      }
      held = std::move(next);
      dir = held.get();
    }
    return lookup;
  }

  // Only the top folder's names, and only so many: a folder of a million
  // files costs no more than a thousand.
  std::vector<std::string> LooseSources() override {
    std::vector<std::string> names;
    const int copy = ::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return names;
    DIR* dir = ::fdopendir(copy);
    if (dir == nullptr) {
      ::close(copy);
      return names;
    }
    ::rewinddir(dir);
    size_t read = 0;
    while (dirent* entry = ::readdir(dir)) {
      if (++read > kMaxLooseListing || names.size() >= kMaxLooseSources) break;
      const std::string name = entry->d_name;
      // A link is listed too: Find() refuses it, and the report says so.
      if (entry->d_type != DT_DIR && IsSourceName(name)) names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  UniqueFd root_;
  Budget& budget_;
};

}  // namespace

std::unique_ptr<Source> OpenFolderSource(const std::string& folder, Budget& budget) {
  // The submission path itself comes from whoever runs the grader, so it may
  // be a link; only what lies below it is the student's.
  UniqueFd root(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) throw StageError("cannot open folder " + folder + ": " + std::strerror(errno));
  return std::make_unique<FolderSource>(std::move(root), budget);
}

}  // namespace labkit::stage::internal
