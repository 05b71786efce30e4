// labkit test: what a fixture grades, made on the spot: the reference with
// a hostile lab 01 (grader/fixtures/hostile_socket_lab.cc.in filled in), and
// archives that try to escape staging or to exhaust it. Internal to labkit
// test.
#pragma once

#include <string>
#include <vector>

#include "grader/cli/catalog.h"

namespace labkit::cli {

// The lab a hostile submission replaces; every other lab is the reference.
inline constexpr const char* kHostileLab = "01_socket";

void ReplaceAll(std::string& text, const std::string& from, const std::string& to);

// The reference in `dir`, with lab 01 replaced by the hostile template, its
// behaviour and top-level code filled in. Returns `dir`.
std::string HostileSubmission(const std::string& root, const std::vector<Lab>& labs,
                              const std::string& behaviour, const std::string& top_level,
                              const std::string& dir);

// A student's repository as a .tar.gz in `dir`: the reference for every lab
// but 01, whose file is a symbolic link to /etc/passwd, plus entries that
// try to escape the staging folder. Returns its path.
std::string EscapingArchive(const std::string& root, const std::vector<Lab>& labs,
                            const std::string& dir);

// A zip bomb in `dir`: the reference as a .tar.gz, then 96 MiB of zeros (a
// core dump, say) that compress to about 100 KB. Returns its path.
std::string BombArchive(const std::string& root, const std::vector<Lab>& labs,
                        const std::string& dir);

}  // namespace labkit::cli
