#include "grader/stage/test_fixtures.h"

#include <archive.h>
#include <archive_entry.h>

#include "grader/files/whole_file.h"
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace labkit::stage::testing {

namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& contents) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) throw std::runtime_error("test fixture cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  return files::ReadWholeFile(path).value_or("<unreadable " + path + ">");
}

std::vector<std::string> ListTree(const std::string& root) {
  std::vector<std::string> paths;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    std::string relative = fs::relative(entry.path(), root).string();
    paths.push_back(entry.is_directory() && !entry.is_symlink() ? relative + "/" : relative);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string BinaryBytes(size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

void WriteArchive(const std::string& path, ArchiveFormat format,
                  const std::vector<ArchiveEntry>& entries) {
  archive* writer = archive_write_new();
  switch (format) {
    case ArchiveFormat::kZip:
    case ArchiveFormat::kZipGz:
      archive_write_set_format_zip(writer);
      break;
    case ArchiveFormat::kSevenZip:
      archive_write_set_format_7zip(writer);
      break;
    case ArchiveFormat::kCpio:
      archive_write_set_format_cpio_newc(writer);
      break;
    default:
      archive_write_set_format_pax_restricted(writer);
  }
  switch (format) {
    case ArchiveFormat::kTarGz:
    case ArchiveFormat::kZipGz:
      archive_write_add_filter_gzip(writer);
      break;
    case ArchiveFormat::kTarGzGz:  // filters apply in the order added
      archive_write_add_filter_gzip(writer);
      archive_write_add_filter_gzip(writer);
      break;
    case ArchiveFormat::kTarBz2:
      archive_write_add_filter_bzip2(writer);
      break;
    case ArchiveFormat::kTarXz:
      archive_write_add_filter_xz(writer);
      break;
    case ArchiveFormat::kTarZstd:
      archive_write_add_filter_zstd(writer);
      break;
    default:
      break;
  }
  if (archive_write_open_filename(writer, path.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error("test fixture cannot open " + path + ": " + archive_error_string(writer));
  }
  for (const ArchiveEntry& spec : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, spec.path.c_str());
    archive_entry_set_perm(entry, 0644);
    switch (spec.type) {
      case ArchiveEntry::Type::kFile:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(spec.contents.size()));
        break;
      case ArchiveEntry::Type::kFolder:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case ArchiveEntry::Type::kSymlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, spec.contents.c_str());
        break;
      case ArchiveEntry::Type::kHardLink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, spec.contents.c_str());
        break;
    }
    if (archive_write_header(writer, entry) < ARCHIVE_WARN) {
      throw std::runtime_error("test fixture cannot add " + spec.path + ": " + archive_error_string(writer));
    }
    if (spec.type == ArchiveEntry::Type::kFile && !spec.contents.empty()) {
      archive_write_data(writer, spec.contents.data(), spec.contents.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

std::string Compress(const std::string& bytes, int filter) {
  std::string out;
  auto append = [](archive*, void* data, const void* buffer, size_t size) -> la_ssize_t {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), size);
    return static_cast<la_ssize_t>(size);
  };
  archive* writer = archive_write_new();
  archive_write_set_format_raw(writer);
  archive_write_add_filter(writer, filter);
  archive_write_set_bytes_in_last_block(writer, 1);  // no padding after the stream
  archive_write_open2(writer, &out, nullptr, append, nullptr, nullptr);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_pathname(entry, "raw");
  if (archive_write_header(writer, entry) != ARCHIVE_OK ||
      archive_write_data(writer, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()) ||
      archive_write_close(writer) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("test fixture cannot compress: ") + archive_error_string(writer));
  }
  archive_entry_free(entry);
  archive_write_free(writer);
  return out;
}

std::string TarHeader(const std::string& name, long long size, char type) {
  std::string header(512, '\0');
  name.copy(header.data(), 99);
  std::snprintf(&header[100], 8, "%07o", 0644);  // mode
  std::snprintf(&header[108], 8, "%07o", 0);     // uid
  std::snprintf(&header[116], 8, "%07o", 0);     // gid
  header[124] = static_cast<char>(0x80);         // base-256 size, big-endian
  for (int i = 0; i < 8; ++i) header[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
  std::snprintf(&header[136], 12, "%011o", 0);   // mtime
  header[156] = type;
  header.replace(257, 8, std::string("ustar\0" "00", 8));
  header.replace(148, 8, 8, ' ');  // the checksum counts its own field as spaces
  unsigned sum = 0;
  for (char byte : header) sum += static_cast<unsigned char>(byte);
  std::snprintf(&header[148], 8, "%06o", sum);  // six digits, NUL, then the space left
  return header;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string all;
  for (const std::string& line : lines) all += "\n  " + line;
  return all.empty() ? " (none)" : all;
}

int CountContaining(const std::vector<std::string>& lines, const std::string& text) {
  return static_cast<int>(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.find(text) != std::string::npos;
  }));
}

void StageTest::SetUp() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/stage.XXXXXX";
  ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
  root_ = pattern;
  out_ = root_ + "/work/out";
  fs::create_directories(out_);
  fs::create_directories(root_ + "/submission");
}

void StageTest::EmptyOut() const {
  fs::remove_all(out_);
  fs::create_directories(out_);
}

std::string StageTest::StageErrorOf(const std::string& submission, const StageLimits& limits) const {
  try {
    Stage(submission, limits);
  } catch (const StageError& error) {
    return error.what();
  }
  ADD_FAILURE() << "staging " << submission << " did not throw StageError";
  return "";
}

const StagedLab& StageTest::Lab(const StageResult& result, const std::string& id) const {
  for (const StagedLab& lab : result.labs) {
    if (lab.id == id) return lab;
  }
  ADD_FAILURE() << "no lab " << id << " in the result";
  static const StagedLab kNone;
  return kNone;
}

}  // namespace labkit::stage::testing
