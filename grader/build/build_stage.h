// Build stage: each staged lab file is compiled to an object in the compile
// jail (compile_jail.h), all labs in parallel, and each lab, once its files
// are compiled, is linked in the same jail into its student library (the
// student's objects and the lab's call server, loaded by the student process
// of each graded case) as the kit linked its reference (student_link.h). A
// file that does not compile, or goes over a limit, costs its lab only, as
// does a link error. Bazel builds only the kit's own side, once per grader;
// its outcomes are read from Bazel's build event stream, never inferred from
// files a previous build may have left behind.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "grader/build/compile_cache.h"
#include "grader/build/precompiled_prefix.h"
#include "grader/build/student_link.h"

namespace labkit::build {

struct LabBuild {
  bool built = false;
  std::string library;  // a private copy of the student's library, readable by the case users
  std::string errors;   // when !built: why (a limit), then the first messages
};

struct BuildOutcome {
  std::map<std::string, LabBuild> labs;    // by lab id
  std::map<std::string, std::string> kit;  // kit label -> private copy
  std::string compile_note;  // set when student files compiled without the jail
};

// Builds the kit's own `kit_labels` (test binaries, reference libraries, the
// case launcher) with Bazel, when there are any, and has `linker` learn the
// links of the reference libraries among them. Then compiles the .cc files
// of `staged_dir`/<id> for each id in `lab_ids` in the jail, and links
// <id>_student.so for each lab that compiled with `linker`. Every binary
// goes into `out_dir`. Throws KitBuildError (kit_build_error.h) if Bazel
// cannot run or a kit target does not build, std::runtime_error if the
// grader cannot compile at all.
// With `cache`, a file compiled before (the same text at the same path) is
// not compiled again; with `prefixes`, a file that opens with its lab
// skeleton's #include lines reads them precompiled.
BuildOutcome BuildSubmission(const std::string& root, const std::string& staged_dir,
                             const std::vector<std::string>& lab_ids,
                             const std::vector<std::string>& kit_labels,
                             const std::string& out_dir, StudentLinker& linker,
                             CompileCache* cache = nullptr,
                             PrecompiledPrefixes* prefixes = nullptr);

}  // namespace labkit::build
