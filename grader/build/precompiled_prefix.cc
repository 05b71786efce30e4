#include "grader/build/precompiled_prefix.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <sstream>
#include <thread>

#include "grader/build/compile_jail.h"
#include "grader/build/include_prefix.h"
#include "grader/files/whole_file.h"

namespace labkit::build {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFilesName = "files";  // what the .gch was made from
constexpr const char* kDigestName = "digest";
const std::string kGchName = std::string(kPrefixHeaderName) + ".gch";

// Unlike any file's text, so that a missing file never matches.
std::string ReadText(const fs::path& path) {
  return files::ReadWholeFile(path).value_or("\x01missing");
}

// What stat() says of a file: it changes whenever the file is written or
// replaced (a package upgrade, an edit, a checkout).
std::string StatText(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return "\x01missing";
  return std::to_string(info.st_dev) + " " + std::to_string(info.st_ino) + " " +
         std::to_string(info.st_size) + " " + std::to_string(info.st_mtim.tv_sec) + "." +
         std::to_string(info.st_mtim.tv_nsec) + " " + std::to_string(info.st_ctim.tv_sec) + "." +
         std::to_string(info.st_ctim.tv_nsec);
}

// Not a defence against anyone (these are the kit's and the system's own
// files): a change detector, from each file's stat() rather than its
// bytes, which would mean reading g++ and a few hundred headers at each
// grader's start. g++ checks its own build of a .gch itself.
std::string Digest(const std::string& header_text, const std::vector<std::string>& files) {
  size_t digest = std::hash<std::string>{}(CompilerFlagsText() + "\n" + header_text);
  for (const std::string& file : files) {
    const size_t part = std::hash<std::string>{}(file + "\n" + StatText(file));
    digest ^= part + 0x9e3779b97f4a7c15ull + (digest << 6) + (digest >> 2);
  }
  return std::to_string(digest);
}

// The host paths of the files a .gch was made from: those it read (the
// prefix header itself aside) and the compiler.
std::vector<std::string> HostFiles(const std::string& root, const std::vector<std::string>& read) {
  std::vector<std::string> files = {"/usr/bin/g++"};
  for (const std::string& file : read) {
    if (fs::path(file).filename() == kPrefixHeaderName) continue;
    files.push_back(file.front() == '/' ? file : root + "/" + file);
  }
  return files;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A folder beside the kept ones for a moment, named so that, if this
// grader is killed meanwhile, the next removes it (grade/work_dir.h).
fs::path Passing(const fs::path& kept, const char* prefix) {
  std::ostringstream name;
  name << prefix << ::getpid() << "." << std::this_thread::get_id() << "." << kept.filename().string();
  return kept.parent_path() / name.str();
}

// A link where both are on one file system, a copy where not.
void LinkOrCopy(const fs::path& from, const fs::path& to, std::error_code& error) {
  fs::create_hard_link(from, to, error);
  if (error) fs::copy_file(from, to, error = {});
}

// Puts `from` (a complete folder) where `to` was, in two renames, so that
// another grader sees the old folder or the new one, never half of one.
void Replace(const fs::path& from, const fs::path& to) {
  std::error_code ignored;
  const fs::path old = Passing(to, kLeavingPrefix);
  fs::rename(to, old, ignored);
  fs::rename(from, to, ignored);
  fs::remove_all(old, ignored);
  fs::remove_all(from, ignored);  // if another grader's came first
}

}  // namespace

PrecompiledPrefixes::PrecompiledPrefixes(std::string root, std::string work_dir)
    : root_(std::move(root)), work_dir_(std::move(work_dir)) {}

const PrecompiledPrefixes::Prefix* PrecompiledPrefixes::For(
    const std::string& lab, const std::string& file, const std::vector<std::string>& headers) {
  Entry* entry;
  {
    std::lock_guard<std::mutex> hold(lock_);
    std::unique_ptr<Entry>& slot = entries_[lab + "/" + file];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  std::call_once(entry->once, [&] { entry->prefix = Make(lab, file, headers); });
  return entry->prefix.get();
}

std::unique_ptr<PrecompiledPrefixes::Prefix> PrecompiledPrefixes::Make(
    const std::string& lab, const std::string& file, const std::vector<std::string>& headers) {
  if (!CompileIsolationHere().jailed) return nullptr;
  auto prefix = std::make_unique<Prefix>();
  prefix->includes = LeadingIncludes(ReadText(root_ + "/labs/" + lab + "/" + file));
  if (prefix->includes.empty()) return nullptr;
  const std::string header_text = PrefixHeader(prefix->includes);
  const std::string name = lab + "-" + fs::path(file).stem().string();
  const fs::path kept = fs::path(root_) / ".labkit" / "precompiled" / name;
  const fs::path mine = fs::path(work_dir_) / "precompiled" / name;
  std::error_code error;
  fs::create_directories(mine, error);
  if (error) return nullptr;
  prefix->header = (mine / kPrefixHeaderName).string();

  // Kept by an earlier grader, and still what these files make?
  const std::vector<std::string> kept_files = Lines(ReadText(kept / kFilesName));
  if (ReadText(kept / kPrefixHeaderName) == header_text &&
      ReadText(kept / kDigestName) == Digest(header_text, kept_files)) {
    fs::copy_file(kept / kPrefixHeaderName, prefix->header, error);
    if (!error) LinkOrCopy(kept / kGchName, prefix->header + ".gch", error);
    if (!error) return prefix;
    fs::remove(prefix->header, error);
  }

  // Compile it, in the jail like any student file.
  if (!files::WriteWholeFile(mine / "source.h", header_text)) return nullptr;
  CompileJob job{(mine / "source.h").string(), "labs/" + lab + "/" + kPrefixHeaderName, root_,
                 headers, (mine / "jail").string(), prefix->header + ".gch", "", true};
  const CompileOutcome outcome = CompileInJail(job, LimitsFromEnvironment());
  fs::remove_all(mine / "jail", error);
  fs::rename(mine / "source.h", prefix->header, error);
  if (!outcome.ok || error) return nullptr;
  // Readable by the compile user whatever the umask.
  fs::permissions(prefix->header + ".gch", fs::perms(0644), error);
  ++built_;

  // Keep it for the next grader; a failure here costs only that.
  const std::vector<std::string> files = HostFiles(root_, outcome.files_read);
  const fs::path fresh = Passing(kept, kArrivingPrefix);
  fs::create_directories(fresh, error);
  std::string list;
  for (const std::string& path : files) list += path + "\n";
  if (!error && files::WriteWholeFile(fresh / kPrefixHeaderName, header_text) &&
      files::WriteWholeFile(fresh / kFilesName, list) &&
      files::WriteWholeFile(fresh / kDigestName, Digest(header_text, files))) {
    fs::copy_file(prefix->header + ".gch", fresh / kGchName, error);
    if (!error) Replace(fresh, kept);
  }
  fs::remove_all(fresh, error);
  return prefix;
}

}  // namespace labkit::build
