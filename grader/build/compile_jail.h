// The student's file becomes an object inside a jail. A compiler is an
// interpreter of student input: `#include`, `__has_include` and
// `asm(".incbin")` read any file it can see, and constexpr evaluation can run
// for hours. So g++ runs in bubblewrap with only /usr, the lab's public
// headers, the one student file and an output folder in sight (no /proc, no
// /etc, no network, no kit tree), as an unprivileged user, under a wall
// clock and rlimits, with its messages capped and made kit-relative.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace labkit::build {

struct CompileLimits {
  int seconds = 60;                       // wall clock per file
  uint64_t memory_bytes = 2ull << 30;     // RLIMIT_AS
  uint64_t file_bytes = 64ull << 20;      // RLIMIT_FSIZE: the object, temp files
  int processes = 64;                     // RLIMIT_NPROC of the compile user (as root)
  size_t message_bytes = 8192;            // the first compiler messages kept
};

// The defaults, with the wall clock from LABKIT_COMPILE_SECONDS when it is
// set (the kit's own fixtures use a few seconds).
CompileLimits LimitsFromEnvironment();

struct CompileJob {
  std::string source;    // host path of the student's file
  std::string kit_path;  // its kit-relative path: "labs/01_socket/socket_lab.cc"
  std::string kit_root;  // host path of the kit, where the headers are read
  std::vector<std::string> headers;  // kit-relative headers visible to it
  std::string work_dir;  // an empty folder of the grader's for this compile
  std::string object;    // where the object goes (host path)
  // A precompiled prefix (include_prefix.h) that the file includes as
  // kPrefixHeaderName: the header's host path, its .gch beside it.
  std::string prefix_header;
  // Instead of an object: `source` is a header, precompiled to a .gch at
  // `object`.
  bool precompile = false;
};

struct CompileOutcome {
  bool ok = false;
  // Kit-relative compiler messages, capped; when a limit stopped the
  // compiler, the first line says which ("compilation stopped after 60 s").
  std::string messages;
  bool limit_reached = false;  // a limit stopped the compiler (messages say which)
  // When precompiling: every file the compiler read, as a kit-relative path
  // ("labs/common/sys_result.h") or an absolute one ("/usr/include/...").
  std::vector<std::string> files_read;
};

// How this process compiles student files, decided once: in the jail, or,
// where bubblewrap cannot start (or LABKIT_NO_JAIL is set), with the same
// limits and user but no jail; `note` then says so, for the report.
struct CompileIsolation {
  bool jailed = false;
  std::string note;
};
const CompileIsolation& CompileIsolationHere();

// What a precompiled header depends on besides the files it read: the
// kit's compiler flags (a .gch made with other flags can crash g++ 12).
std::string CompilerFlagsText();

// Compiles `job` with the kit's flags (-std=c++20 -Wall -Wextra -fPIC -c).
// Throws std::runtime_error only when the grader itself cannot work (no
// fork, no folder); a file that does not compile is an outcome.
CompileOutcome CompileInJail(const CompileJob& job, const CompileLimits& limits);

// Creates `dir`/`relative`, each folder readable by the compile user
// whatever the umask.
void MakeReadableDirs(std::filesystem::path dir, const std::filesystem::path& relative = {});

// Copies `from` to `to_root`/`relative`, readable by the compile user.
void CopyReadable(const std::filesystem::path& from, const std::filesystem::path& to_root,
                  const std::filesystem::path& relative);

// Hard-links `from` to `to_root`/`relative` (a file the grader only reads),
// or, across file systems, copies it as CopyReadable does.
void LinkReadable(const std::filesystem::path& from, const std::filesystem::path& to_root,
                  const std::filesystem::path& relative);

// A link reads student input too (objects, with whatever sections `asm`
// put in them), so it runs in the same jail, by the compiler's driver.
struct LinkJob {
  // The driver's arguments, with paths relative to `kit_dir`, and
  // kLinkOutputMark where the library's path goes.
  std::vector<std::string> arguments;
  std::string kit_dir;   // every input; the jail sees it read-only
  std::string work_dir;  // an empty folder of the grader's for this link
  std::string library;   // where the library goes (host path)
};
inline constexpr const char* kLinkOutputMark = "{library}";

// Links `job` as CompileInJail compiles: the messages kit-relative and
// capped, the same limits; ok when the library was made.
CompileOutcome LinkInJail(const LinkJob& job, const CompileLimits& limits);

}  // namespace labkit::build
