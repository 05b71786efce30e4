// Scratch space for the kit's unit tests: under Bazel's TEST_TMPDIR (the
// test's own folder), else /tmp.
#pragma once

#include <string>

namespace labkit::scratch {

// TEST_TMPDIR/name, with whatever an earlier run left there removed.
std::string Path(const std::string& name);

// Path(name), made an empty folder.
std::string Dir(const std::string& name);

}  // namespace labkit::scratch
