// `labkit watch [LAB]`: checks a lab, then again each time one of its files
// is saved, on a cleared screen, until Ctrl-C.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <set>
#include <stdexcept>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/public_run.h"

namespace labkit::cli {
namespace {

// Editors save in different ways: in place (close after write) or by
// writing a new file and renaming it over the old one.
constexpr uint32_t kSaveEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE;
// An editor's save can be several events; they are taken as one.
constexpr int kSettleMs = 50;

// Waits for a save of one of `files` in the folder `inotify` watches.
void WaitForSave(int inotify, const std::set<std::string>& files) {
  alignas(inotify_event) char buffer[4096];
  bool saved = false;
  while (true) {
    pollfd ready{inotify, POLLIN, 0};
    // Block until the first save; after it, only drain what follows closely.
    int n = ::poll(&ready, 1, saved ? kSettleMs : -1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    ssize_t length = ::read(inotify, buffer, sizeof buffer);
    if (length <= 0) continue;
    for (char* at = buffer; at < buffer + length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(at);
      if (event->len > 0 && files.count(event->name)) saved = true;
      at += sizeof(inotify_event) + event->len;
    }
  }
}

// The lab to watch: the one asked for, or the current one.
const Lab& ChooseLab(const std::string& root, const std::vector<Lab>& labs, const std::string& query) {
  if (!query.empty()) return FindLab(labs, query);
  for (const Lab& lab : labs) {
    const PublicRun run = RunPublicTests(root, lab);
    if (run.outcome != PublicRun::Outcome::kRan ||
        run.passed() != static_cast<int>(run.cases.size())) {
      return lab;
    }
  }
  return labs.back();
}

}  // namespace

int WatchLab(const std::string& root, const std::string& lab_query) {
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab& lab = ChooseLab(root, labs, lab_query);
  const std::string folder = root + "/labs/" + lab.id;
  const std::set<std::string> files(lab.files.begin(), lab.files.end());
  int inotify = ::inotify_init1(IN_CLOEXEC);
  if (inotify < 0 || ::inotify_add_watch(inotify, folder.c_str(), kSaveEvents) < 0) {
    throw std::runtime_error("cannot watch " + folder + ": " + std::strerror(errno));
  }
  while (true) {
    const auto start = std::chrono::steady_clock::now();
    if (UseColour()) std::cout << "\033[2J\033[H";  // a clear screen for each run
    CheckOneLab(root, lab, /*all=*/false);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << Dim("\nChecked in " + std::to_string(seconds).substr(0, 4) + " s. Watching labs/" +
                     lab.id + "/" + lab.files.front() + ": save it to check again; Ctrl-C stops.")
              << std::endl;
    WaitForSave(inotify, files);
  }
}

}  // namespace labkit::cli
