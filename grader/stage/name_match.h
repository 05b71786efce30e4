// Lab files a student named almost right: "Socket_Lab.cc", "socketlab.cc",
// "socket_lab (1).cc" for socket_lab.cc. The stage grades such a file as the
// lab file, with a "did you mean" warning, when the match is unique.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace labkit::stage {

// Whether the uploaded file name `upload` looks like the lab file `expected`
// without being it: a C++ source (.cc, .cpp, .cxx, any case) whose name,
// once lower-cased and stripped of a copy suffix (" (1)", "-1", "_2",
// " copy") and of '_', '-', ' ' and '.', is the expected one's, or is within
// two edits of it (for names of 6 letters or more).
bool LooksLike(std::string_view upload, std::string_view expected);

// Edits (insert, delete, replace one character) between two names.
size_t EditDistance(std::string_view a, std::string_view b);

// Which upload is graded as which lab file: for each expected file, the one
// upload that looks like it and like no other expected file; and the
// warnings: "did you mean" for each match, and the names of uploads that
// look like an expected file they could not be graded as.
struct NameMatches {
  std::vector<std::string> graded_as;  // parallel to `expected`; "" for no match
  std::vector<std::string> warnings;
};
NameMatches MatchNames(const std::vector<std::string>& uploads, const std::vector<std::string>& expected);

}  // namespace labkit::stage
