// A submission archive (.zip, .tar, .tar.gz, recognised by content). It is
// read once, as a stream; nothing is ever extracted to disk by its own entry
// names: only the bytes of entries at a wanted path are kept in memory, and
// stage.cc writes them under names taken from the rubric.
#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <map>
#include <set>
#include <sstream>

#include "grader/stage/source.h"
#include "grader/stage/stage.h"

namespace labkit::stage::internal {
namespace {

// Finder's zips carry this metadata folder next to the real top-level one.
constexpr char kMacMetadataFolder[] = "__MACOSX";
// A hostile archive may hold millions of ../ entries; the report names a few.
constexpr int kMaxPathWarnings = 20;

struct ArchiveFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

struct EntryPath {
  std::vector<std::string> parts;  // without "" and "." components
  std::string unsafe_reason;       // set for absolute paths and paths with ".."
};

EntryPath ParseEntryPath(const std::string& raw) {
  EntryPath path;
  if (!raw.empty() && raw[0] == '/') {
    path.unsafe_reason = "its path is absolute; nothing is extracted outside the staging folder";
    return path;
  }
  std::stringstream stream(raw);
  for (std::string part; std::getline(stream, part, '/');) {
    if (part == "..") {
      path.unsafe_reason =
          "its path has a \"..\" component; nothing is extracted outside the staging folder";
      return path;
    }
    if (!part.empty() && part != ".") path.parts.push_back(part);
  }
  return path;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string joined;
  for (const std::string& part : parts) joined += (joined.empty() ? "" : "/") + part;
  return joined;
}

bool IsSymlink(archive_entry* entry) {
  return archive_entry_filetype(entry) == AE_IFLNK || archive_entry_symlink(entry) != nullptr;
}

Lookup Refuse(Lookup lookup, const std::string& reason) {
  lookup.kind = Lookup::Kind::kRefused;
  lookup.refused = lookup.name;
  lookup.reason = reason;
  return lookup;
}

class ArchiveSource : public Source {
 public:
  ArchiveSource(std::string file, const std::vector<std::string>& wanted) : file_(std::move(file)) {
    for (const std::string& path : wanted) {
      wanted_.insert(path);
      // Every folder on the way: a link there would redirect the file.
      for (size_t slash = path.find('/'); slash != std::string::npos;
           slash = path.find('/', slash + 1)) {
        wanted_folders_.insert(path.substr(0, slash));
      }
    }
  }

  void ReadAll() {
    archive_.reset(archive_read_new());
    archive* handle = archive_.get();
    archive_read_support_format_tar(handle);
    archive_read_support_format_zip(handle);
    archive_read_support_filter_gzip(handle);
    archive_read_support_filter_bzip2(handle);
    archive_read_support_filter_xz(handle);
    if (archive_read_open_filename(handle, file_.c_str(), 64 * 1024) != ARCHIVE_OK) {
      // libarchive reports "Unrecognized archive format" as EILSEQ (its
      // private ARCHIVE_ERRNO_FILE_FORMAT); a truncated one gets another errno.
      if (archive_errno(handle) == EILSEQ) {
        throw StageError(file_ + " is not a folder, .zip, .tar or .tar.gz archive");
      }
      ThrowBroken();
    }
    int unsafe_paths = 0;
    archive_entry* entry = nullptr;
    for (;;) {
      int status = archive_read_next_header(handle, &entry);
      if (status == ARCHIVE_EOF) break;
      if (status < ARCHIVE_WARN) ThrowBroken();
      const char* name = archive_entry_pathname(entry);
      if (name == nullptr) name = archive_entry_pathname_utf8(entry);
      if (name == nullptr) continue;  // undecodable name: it cannot be a rubric path
      EntryPath path = ParseEntryPath(name);
      if (!path.unsafe_reason.empty()) {
        if (++unsafe_paths <= kMaxPathWarnings) {
          opening_warnings.push_back("refused " + std::string(name) + ": " + path.unsafe_reason);
        }
        continue;
      }
      if (path.parts.empty()) continue;  // "./" itself
      NoteTopLevel(path.parts);
      std::string joined = Join(path.parts);
      if (IsSymlink(entry) && IsWantedFolder(joined)) links_.insert(joined);
      if (IsWanted(joined)) entries_[joined] = ReadEntry(entry, joined);  // the last copy wins, as tar does
    }
    if (unsafe_paths > kMaxPathWarnings) {
      opening_warnings.push_back("refused " + std::to_string(unsafe_paths - kMaxPathWarnings) +
                                 " more entries with \"..\" or absolute paths");
    }
  }

  Lookup Find(const std::string& relative) override {
    std::vector<std::string> roots = {""};
    if (one_top_ && any_nested_) roots.push_back(first_top_ + "/");
    for (const std::string& root : roots) {
      std::string path = root + relative;
      for (size_t slash = path.find('/'); slash != std::string::npos;
           slash = path.find('/', slash + 1)) {
        std::string folder = path.substr(0, slash);
        if (links_.count(folder) != 0) {
          Lookup lookup;
          lookup.name = path;
          lookup = Refuse(lookup, kLinkReason);
          lookup.refused = folder;
          return lookup;
        }
      }
      auto found = entries_.find(path);
      if (found != entries_.end()) return found->second;
    }
    Lookup absent;
    absent.name = relative;
    return absent;
  }

 private:
  [[noreturn]] void ThrowBroken() {
    const char* reason = archive_error_string(archive_.get());
    throw StageError("cannot read archive " + file_ + ": " + (reason ? reason : "unknown error"));
  }

  // The archive is wrapped in one folder when every entry lies below it.
  void NoteTopLevel(const std::vector<std::string>& parts) {
    if (parts[0] == kMacMetadataFolder) return;
    if (first_top_.empty()) first_top_ = parts[0];
    if (parts[0] != first_top_) one_top_ = false;
    if (parts.size() > 1) any_nested_ = true;
  }

  // Only paths under the first top-level folder can be wrapped ones, which
  // bounds what is kept to a few copies of each rubric file.
  std::string Unwrapped(const std::string& path) const {
    std::string prefix = first_top_ + "/";
    return path.compare(0, prefix.size(), prefix) == 0 ? path.substr(prefix.size()) : "";
  }

  bool IsWanted(const std::string& path) const {
    return wanted_.count(path) != 0 || wanted_.count(Unwrapped(path)) != 0;
  }

  bool IsWantedFolder(const std::string& path) const {
    return path == first_top_ || wanted_folders_.count(path) != 0 ||
           wanted_folders_.count(Unwrapped(path)) != 0;
  }

  Lookup ReadEntry(archive_entry* entry, const std::string& path) {
    Lookup lookup;
    lookup.name = path;
    // A tar hard link is typed 0, not AE_IFREG: check it first.
    if (archive_entry_hardlink(entry) != nullptr) {
      return Refuse(lookup, "it is a hard link; the grader never follows links");
    }
    if (IsSymlink(entry)) return Refuse(lookup, kLinkReason);
    if (archive_entry_filetype(entry) == AE_IFDIR) return Refuse(lookup, "it is a folder, not a file");
    if (archive_entry_filetype(entry) != AE_IFREG) {
      return Refuse(lookup, "it is a device, fifo or socket, not a regular file");
    }
    if (archive_entry_size_is_set(entry) &&
        archive_entry_size(entry) > static_cast<la_int64_t>(kMaxSourceBytes)) {
      return Refuse(lookup, OversizedReason(archive_entry_size(entry)));
    }
    std::string contents;
    char buffer[16384];
    while (contents.size() <= kMaxSourceBytes) {
      la_ssize_t got = archive_read_data(archive_.get(), buffer, sizeof buffer);
      if (got < 0) ThrowBroken();
      if (got == 0) break;
      contents.append(buffer, static_cast<size_t>(got));
    }
    // Zip entries written as a stream may not state their size up front.
    if (contents.size() > kMaxSourceBytes) return Refuse(lookup, OversizedReason(-1));
    lookup.kind = Lookup::Kind::kFound;
    lookup.contents = std::move(contents);
    return lookup;
  }

  std::string file_;
  std::set<std::string> wanted_;          // "labs/<id>/<file>" and "<id>/<file>"
  std::set<std::string> wanted_folders_;  // "labs", "labs/<id>", "<id>"
  ArchivePtr archive_;
  std::map<std::string, Lookup> entries_;  // entries at a wanted path, by normalised path
  std::set<std::string> links_;            // symlink entries at a wanted folder
  std::string first_top_;                  // first path component of the first entry
  bool one_top_ = true;                    // every entry shares first_top_
  bool any_nested_ = false;                // some entry lies below a top-level folder
};

}  // namespace

std::unique_ptr<Source> OpenArchiveSource(const std::string& file,
                                          const std::vector<std::string>& wanted) {
  auto source = std::make_unique<ArchiveSource>(file, wanted);
  source->ReadAll();
  return source;
}

}  // namespace labkit::stage::internal
