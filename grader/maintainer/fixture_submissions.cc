#include "grader/maintainer/fixture_submissions.h"

#include <archive.h>
#include <archive_entry.h>

#include "grader/files/whole_file.h"
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

void AddEntry(archive* out, const std::string& path, const std::string& content,
              const std::string& link_target = "") {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, path.c_str());
  archive_entry_set_perm(entry, 0644);
  if (link_target.empty()) {
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
  } else {
    archive_entry_set_filetype(entry, AE_IFLNK);
    archive_entry_set_symlink(entry, link_target.c_str());
  }
  archive_write_header(out, entry);
  if (link_target.empty()) archive_write_data(out, content.data(), content.size());
  archive_entry_free(entry);
}

archive* OpenTarGz(const std::string& path) {
  archive* out = archive_write_new();
  archive_write_add_filter_gzip(out);
  archive_write_set_format_pax_restricted(out);
  archive_write_open_filename(out, path.c_str());
  return out;
}

}  // namespace

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
}

// The reference, with lab 01 replaced by the hostile template filled in.
std::string HostileSubmission(const std::string& root, const std::vector<Lab>& labs,
                              const std::string& behaviour, const std::string& top_level,
                              const std::string& dir) {
  for (const Lab& lab : labs) {
    fs::create_directories(dir + "/" + lab.id);
    for (const std::string& file : lab.files) {
      fs::copy_file(root + "/solutions/" + lab.id + "/" + file, dir + "/" + lab.id + "/" + file);
    }
  }
  std::string source = files::ReadWholeFileOrThrow(root + "/grader/fixtures/hostile_socket_lab.cc.in");
  ReplaceAll(source, "  // BEHAVIOUR", "  " + behaviour);
  ReplaceAll(source, "// TOP LEVEL\n", top_level + "\n");
  std::ofstream(dir + "/01_socket/socket_lab.cc", std::ios::trunc) << source;
  return dir;
}

// A student's repository as a .tar.gz: the reference for every lab but 01,
// whose file is a symbolic link to /etc/passwd, plus entries that try to
// escape the staging folder.
std::string EscapingArchive(const std::string& root, const std::vector<Lab>& labs,
                            const std::string& dir) {
  const std::string path = dir + "/escape.tar.gz";
  archive* out = OpenTarGz(path);
  for (const Lab& lab : labs) {
    for (const std::string& file : lab.files) {
      const std::string name = "student/labs/" + lab.id + "/" + file;
      if (lab.id == kHostileLab) {
        AddEntry(out, name, "", "/etc/passwd");
      } else {
        AddEntry(out, name, files::ReadWholeFileOrThrow(root + "/solutions/" + lab.id + "/" + file));
      }
    }
  }
  // Refused, and its name, ESC, CR and BEL included, becomes a warning: the
  // first one, which a class batch prints on its progress line.
  AddEntry(out, "student/../\x1b[2K\r\x1b[1A  [1/2] ok: 215/215\x07.cc", "escaped\n");
  AddEntry(out, "student/../../labkit-escape.cc", "escaped\n");
  AddEntry(out, "/tmp/labkit-escape.cc", "escaped\n");
  archive_write_close(out);
  archive_write_free(out);
  return path;
}

// A zip bomb: the reference as a .tar.gz, then 96 MiB of zeros (a core dump,
// say) that compress to about 100 KB. Staging must give up on it, fast.
std::string BombArchive(const std::string& root, const std::vector<Lab>& labs,
                        const std::string& dir) {
  const std::string path = dir + "/bomb.tar.gz";
  archive* out = OpenTarGz(path);
  for (const Lab& lab : labs) {
    for (const std::string& file : lab.files) {
      AddEntry(out, "student/labs/" + lab.id + "/" + file,
               files::ReadWholeFileOrThrow(root + "/solutions/" + lab.id + "/" + file));
    }
  }
  const std::string zeros(1 << 20, '\0');
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, "student/core");
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_size(entry, 96 * static_cast<la_int64_t>(zeros.size()));
  archive_write_header(out, entry);
  archive_entry_free(entry);
  for (int i = 0; i < 96; ++i) archive_write_data(out, zeros.data(), zeros.size());
  archive_write_close(out);
  archive_write_free(out);
  return path;
}

}  // namespace labkit::cli
