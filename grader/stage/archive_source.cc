// A submission archive (.zip, .tar, .tar.gz, recognised by content). It is
// read once, as a stream; nothing is ever extracted to disk by its own entry
// names: only the bytes of entries at a wanted path are kept in memory, and
// stage.cc writes them under names taken from the rubric. Every byte read
// and every entry counts against the Budget.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "grader/stage/source.h"
#include "grader/stage/stage.h"

namespace labkit::stage::internal {
namespace {

// Finder's zips carry this metadata folder next to the real top-level one.
constexpr char kMacMetadataFolder[] = "__MACOSX";
// A hostile archive may hold millions of ../ entries; the report names a few.
constexpr int kMaxPathWarnings = 20;
// Raw bytes handed to libarchive at a time. Limits are checked between
// reads, so this bounds how far one call can run past them (gzip inflates a
// block at most about 1000-fold).
constexpr size_t kReadBlock = 16 * 1024;

// Formats libarchive is not even asked to read, named in the refusal by
// their first bytes.
using namespace std::string_view_literals;
struct Signature {
  std::string_view magic;
  const char* what;
};
constexpr Signature kRefusedSignatures[] = {
    {"BZh", "a bzip2-compressed file"},
    {"\xFD" "7zXZ\0"sv, "an xz-compressed file"},
    {"\x5D\0\0"sv, "an lzma-compressed file"},
    {"\x28\xB5\x2F\xFD", "a zstd-compressed file"},
    {"\x04\x22\x4D\x18", "an lz4-compressed file"},
    {"\x1F\x9D", "a compress (.Z) file"},
    {"LZIP", "an lzip-compressed file"},
    {"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"},
    {"Rar!\x1A\x07", "a RAR archive"},
    {"07070", "a cpio archive"},
    {"\xC7\x71", "a cpio archive"},
    {"!<arch>\n", "an ar archive"},
    {"MSCF", "a cabinet archive"},
    {"\x1F\x8B", "a gzip-compressed file without a tar archive inside"},
};

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
  ArchiveSource(std::string file, const std::vector<std::string>& wanted, Budget& budget)
      : file_(std::move(file)), budget_(budget) {
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
    file_fd_ = UniqueFd(::open(file_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file_fd_.valid()) {
      throw StageError("cannot open archive " + file_ + ": " + std::strerror(errno));
    }
    archive_.reset(archive_read_new());
    archive* handle = archive_.get();
    // Only the formats the README names; libarchive tries no other.
    archive_read_support_format_tar(handle);
    archive_read_support_format_zip(handle);
    archive_read_support_filter_gzip(handle);
    archive_read_support_filter_none(handle);
    archive_read_set_callback_data(handle, this);
    archive_read_set_read_callback(handle, &ArchiveSource::ReadRaw);
    // The zip reader needs to seek to the central directory, which alone
    // says which entries are links.
    archive_read_set_seek_callback(handle, &ArchiveSource::SeekRaw);
    if (archive_read_open1(handle) != ARCHIVE_OK) {
      // libarchive reports "Unrecognized archive format" as EILSEQ (its
      // private ARCHIVE_ERRNO_FILE_FORMAT); a truncated one gets another errno.
      if (stop_reason_.empty() && archive_errno(handle) == EILSEQ) throw StageError(NotAccepted());
      ThrowBroken();
    }
    // libarchive would unwrap gzip inside gzip.
    if (archive_filter_count(handle) > 2) {
      throw StageError(file_ + " is compressed more than once, not " + kAccepted);
    }
    int unsafe_paths = 0;
    archive_entry* entry = nullptr;
    for (;;) {
      int status = archive_read_next_header(handle, &entry);
      if (status == ARCHIVE_EOF) break;
      if (status < ARCHIVE_WARN) ThrowBroken();
      budget_.CountEntry();
      // A header libarchive skipped (e.g. past 32 special ones in a row): no data to read.
      if (status == ARCHIVE_RETRY) continue;
      if (archive_filter_count(handle) > 1 &&
          (archive_format(handle) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP) {
        throw StageError(file_ + " is a gzip-compressed zip, not " + kAccepted);
      }
      const char* name = archive_entry_pathname(entry);
      if (name == nullptr) name = archive_entry_pathname_utf8(entry);
      if (name != nullptr) TakeEntry(entry, name, unsafe_paths);  // undecodable: never a rubric path
      DrainEntry();
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

  std::vector<std::string> LooseSources() override {
    std::vector<std::string> names;
    const bool wrapped = one_top_ && any_nested_;
    for (const std::string& path : loose_) {
      const size_t slash = path.find('/');
      if (slash == std::string::npos && !wrapped) names.push_back(path);
      if (slash != std::string::npos && wrapped && path.compare(0, slash, first_top_) == 0) {
        names.push_back(path.substr(slash + 1));
      }
    }
    return names;
  }

 private:
  [[noreturn]] void ThrowBroken() {
    if (!stop_reason_.empty()) throw StageError(stop_reason_);
    const char* reason = archive_error_string(archive_.get());
    throw StageError("cannot read archive " + file_ + ": " + (reason ? reason : "unknown error"));
  }

  // The refusal of a file libarchive did not recognise, naming its format
  // when its first bytes do.
  std::string NotAccepted() const {
    char start[8] = {};
    ssize_t got = ::pread(file_fd_.get(), start, sizeof start, 0);
    std::string_view head(start, got > 0 ? static_cast<size_t>(got) : 0);
    for (const Signature& signature : kRefusedSignatures) {
      if (head.substr(0, signature.magic.size()) == signature.magic) {
        return file_ + " is " + signature.what + ", not " + kAccepted;
      }
    }
    return file_ + " is not " + kAccepted;
  }

  // Decompressed bytes so far: what the format read out of the filters
  // (tar), what entries gave (zip inflates inside the format), or how far
  // into the file libarchive read, whichever is largest.
  long long BytesRead() const {
    long long filtered = archive_filter_bytes(archive_.get(), 0);
    return std::max({file_reach_, entry_bytes_, filtered});
  }

  // libarchive's source of raw bytes. It also runs inside libarchive's own
  // loops (skipping, headers), which the entry loop cannot interrupt, so the
  // budget is checked here too; it stops libarchive with an error, as
  // throwing through C is not allowed.
  static la_ssize_t ReadRaw(archive* handle, void* data, const void** block) {
    auto* self = static_cast<ArchiveSource*>(data);
    self->stop_reason_ = self->budget_.Over(self->BytesRead());
    if (!self->stop_reason_.empty()) {
      archive_set_error(handle, ECANCELED, "%s", self->stop_reason_.c_str());
      return -1;
    }
    ssize_t got;
    do {
      got = ::read(self->file_fd_.get(), self->raw_block_, sizeof self->raw_block_);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      archive_set_error(handle, errno, "%s", std::strerror(errno));
      return -1;
    }
    self->file_offset_ += got;
    self->file_reach_ = std::max(self->file_reach_, self->file_offset_);
    *block = self->raw_block_;
    return got;
  }

  static la_int64_t SeekRaw(archive*, void* data, la_int64_t offset, int whence) {
    auto* self = static_cast<ArchiveSource*>(data);
    off_t at = ::lseek(self->file_fd_.get(), offset, whence);
    if (at >= 0) self->file_offset_ = at;
    return at;
  }

  // Refuses, keeps or ignores the entry just read.
  void TakeEntry(archive_entry* entry, const char* name, int& unsafe_paths) {
    EntryPath path = ParseEntryPath(name);
    if (!path.unsafe_reason.empty()) {
      if (++unsafe_paths <= kMaxPathWarnings) {
        opening_warnings.push_back("refused " + std::string(name) + ": " + path.unsafe_reason);
      }
      return;
    }
    if (path.parts.empty()) return;  // "./" itself
    NoteTopLevel(path.parts);
    std::string joined = Join(path.parts);
    if (IsSymlink(entry) && IsWantedFolder(joined)) links_.insert(joined);
    if (IsWanted(joined)) {
      entries_[joined] = ReadEntry(entry, joined);  // the last copy wins, as tar does
    } else if (IsLooseSource(path.parts) && (loose_.count(joined) != 0 || loose_.size() < kMaxLooseSources)) {
      // A lab file named almost right, maybe: kept for stage.cc to match.
      loose_.insert(joined);
      entries_[joined] = ReadEntry(entry, joined);
    }
  }

  // Reads what is left of the current entry, counting it, rather than let
  // the next header skip it in one call no limit could interrupt: skipping
  // in a compressed stream decompresses all the same.
  void DrainEntry() {
    const void* block;
    size_t size;
    la_int64_t offset;
    for (;;) {
      int status = archive_read_data_block(archive_.get(), &block, &size, &offset);
      if (status == ARCHIVE_EOF) return;
      if (status == ARCHIVE_FATAL) ThrowBroken();
      if (status < ARCHIVE_WARN) return;  // undecodable (an encrypted zip entry): the next header skips it
      entry_bytes_ += static_cast<long long>(size);
      budget_.Check(BytesRead());
    }
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

  // A source file at the top, or one folder down (the wrapper, if the
  // archive turns out to have one).
  bool IsLooseSource(const std::vector<std::string>& parts) const {
    return (parts.size() == 1 || (parts.size() == 2 && parts[0] == first_top_)) && IsSourceName(parts.back());
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
      entry_bytes_ += got;
      contents.append(buffer, static_cast<size_t>(got));
    }
    // Zip entries written as a stream may not state their size up front.
    if (contents.size() > kMaxSourceBytes) return Refuse(lookup, OversizedReason(-1));
    lookup.kind = Lookup::Kind::kFound;
    lookup.contents = std::move(contents);
    return lookup;
  }

  std::string file_;
  Budget& budget_;
  UniqueFd file_fd_;
  char raw_block_[kReadBlock];
  long long file_offset_ = 0;  // where the next read of the file starts
  long long file_reach_ = 0;   // how far into the file has been read (zip seeks back and forth)
  long long entry_bytes_ = 0;  // given by entries' data, read or drained
  std::string stop_reason_;    // set when ReadRaw stopped libarchive at a limit
  std::set<std::string> wanted_;          // "labs/<id>/<file>" and "<id>/<file>"
  std::set<std::string> wanted_folders_;  // "labs", "labs/<id>", "<id>"
  ArchivePtr archive_;  // declared after file_fd_: freed before it is closed
  std::map<std::string, Lookup> entries_;  // entries at a wanted path, by normalised path
  std::set<std::string> links_;            // symlink entries at a wanted folder
  std::set<std::string> loose_;            // source files at the top or in the wrapper, by path
  std::string first_top_;                  // first path component of the first entry
  bool one_top_ = true;                    // every entry shares first_top_
  bool any_nested_ = false;                // some entry lies below a top-level folder
};

}  // namespace

std::unique_ptr<Source> OpenArchiveSource(const std::string& file,
                                          const std::vector<std::string>& wanted, Budget& budget) {
  auto source = std::make_unique<ArchiveSource>(file, wanted, budget);
  source->ReadAll();
  return source;
}

}  // namespace labkit::stage::internal
