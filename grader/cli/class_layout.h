// A class folder as an LMS exports it, read into submissions and who made
// each one:
//  - Gradescope's "Export Submissions": a folder per submission
//    (submission_123456/) and submission_metadata.yml naming each folder's
//    submitters (name, sid, email);
//  - Canvas's bulk download: every student's files side by side, each named
//    lastfirst_userid_submissionid_file (lastfirst_LATE_userid_..., and a
//    repeated file name gets -1, -2), grouped here into one submission per
//    student;
//  - anything else: each folder or archive is one submission, its student id
//    its name (without .zip, .tar, .tar.gz or .tgz).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "grader/report/gradebook.h"

namespace labkit::cli {

struct ClassSubmission {
  std::string key;   // its name in the gradebook (the submission column)
  std::string path;  // the folder or archive to grade; empty for a Canvas file group
  // A Canvas file group: (the file's own name, without Canvas's prefix; its path).
  std::vector<std::pair<std::string, std::string>> files;
  report::Submitter who;
};

struct ClassListing {
  std::vector<ClassSubmission> submissions;  // sorted by key
  std::string layout;                        // "Gradescope export", "Canvas download" or "folder"
  std::vector<std::string> notes;            // what the listing could not place, one line each
};

// Reads `dir` (names and submission_metadata.yml only; no submission is
// opened). The paths in `not_submissions` (the gradebook, the feedback
// folder) are left out if they are in it. Throws UserError when `dir` is not
// a folder, holds only a folder with the export in it, or the metadata file
// cannot be read as Gradescope writes it.
ClassListing ListClass(const std::string& dir, const std::vector<std::string>& not_submissions = {});

// Canvas's name of one file: lastfirst_userid_submissionid_file or
// lastfirst_LATE_userid_submissionid_file; nullopt for any other name.
struct CanvasName {
  std::string lastfirst, user_id;
  bool late = false;
  std::string file;  // what the student named it, "-1"/"-2" included
};
std::optional<CanvasName> ParseCanvasName(const std::string& name);

// The submitters of each submission folder in Gradescope's
// submission_metadata.yml (the part of YAML it uses: a mapping of folder
// names, each with a ":submitters:" list of ":name:", ":sid:", ":email:").
// Throws std::runtime_error with the line number when the text is not that.
std::map<std::string, std::vector<report::Submitter>> ParseGradescopeMetadata(const std::string& yaml);

}  // namespace labkit::cli
