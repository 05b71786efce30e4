// A student's file usually opens with the skeleton's own #include lines.
// Those headers (the lab's and the standard library's) are most of what a
// compile costs, so the grader precompiles them once per lab
// (precompiled_prefix.h) and lets a file that opens with exactly those lines,
// in that order, include the precompiled header instead. Nothing else in the
// file may come first, so its meaning cannot change: GCC reads the same
// headers in the same order, and the object is byte for byte the same.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labkit::build {

// The name the precompiled header has beside the file that includes it.
inline constexpr const char* kPrefixHeaderName = "labkit_precompiled.h";

// The #include lines a file opens with, each as written without trailing
// blanks; only blank lines and // comments may come between them. Anything
// else ends the list: code, another directive, a /* comment, a // comment
// that a trailing backslash continues.
std::vector<std::string> LeadingIncludes(std::string_view text);

// A header of the given #include lines, one per line.
std::string PrefixHeader(const std::vector<std::string>& includes);

// If `text` opens with `includes` (LeadingIncludes(text) begins with them),
// the text with the first of those lines replaced by an #include of
// kPrefixHeaderName and the others blanked, so that every line keeps its
// number; otherwise nullopt.
std::optional<std::string> WithPrefixHeader(std::string_view text,
                                            const std::vector<std::string>& includes);

}  // namespace labkit::build
