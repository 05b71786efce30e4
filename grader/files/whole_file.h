// A whole file read into a string, or written from one, in one call: the
// kit's own small files (link recipes, caches, gradebooks, notes). Each
// caller says what a file that cannot be read means to it.
#pragma once

#include <optional>
#include <string>

namespace labkit::files {

// The file's bytes, unchanged; nullopt if it cannot be opened or read.
std::optional<std::string> ReadWholeFile(const std::string& path);

// For a caller to whom a missing file and an empty one mean the same.
std::string ReadWholeFileOrEmpty(const std::string& path);

// For a file that must be there: throws std::runtime_error ("cannot read
// PATH") if it cannot be read.
std::string ReadWholeFileOrThrow(const std::string& path);

// Makes the file hold exactly `text`; false if it could not.
bool WriteWholeFile(const std::string& path, const std::string& text);

}  // namespace labkit::files
