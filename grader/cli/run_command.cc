// `labkit run LAB PROGRAM [ARGS]`: builds one of a lab's small programs
// (labs/NN_step/programs/*.cc) from the student's own lab code and runs it in
// labkit's place, so a student can talk to their code with nc, socat or
// Python. `labkit run --list` lists them.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"
#include "grader/cli/public_run.h"
#include "grader/stage/name_match.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// A program is its source file: labs/06_send_recv/programs/echo_server.cc
// is "echo-server", the target //labs/06_send_recv/programs:echo_server.
// Its first line says what it does; its #includes say whose code it uses.
struct LabProgram {
  std::string name;         // "echo-server"
  std::string package;      // "labs/06_send_recv/programs"
  std::string target_name;  // "echo_server"
  std::string description;  // from "// echo-server: ..."
  std::vector<std::string> labs_used;  // "03_listen", ... (its lab headers)
};

std::vector<LabProgram> ProgramsOf(const std::string& root, const Lab& lab) {
  static const std::regex kLabHeader(R"(#include "labs/(\d\d_\w+)/\w+_lab\.h")");
  std::vector<LabProgram> programs;
  const fs::path folder = fs::path(root) / "labs" / lab.id / "programs";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.path().extension() != ".cc") continue;
    LabProgram program;
    program.target_name = entry.path().stem().string();
    program.name = program.target_name;
    std::replace(program.name.begin(), program.name.end(), '_', '-');
    program.package = "labs/" + lab.id + "/programs";
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);
    const std::string prefix = "// " + program.name + ": ";
    program.description = line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : "";
    for (std::smatch match; std::getline(in, line);) {
      if (std::regex_search(line, match, kLabHeader)) program.labs_used.push_back(match[1]);
    }
    programs.push_back(program);
  }
  std::sort(programs.begin(), programs.end(),
            [](const LabProgram& a, const LabProgram& b) { return a.name < b.name; });
  return programs;
}

// "Echo_Server" and "echo-server" name one program.
std::string Normalized(std::string name) {
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// The one-line error for a program the lab does not have, with a guess.
std::string UnknownProgram(const std::string& root, const std::vector<Lab>& labs, const Lab& lab,
                           const std::vector<LabProgram>& programs, const std::string& query) {
  const std::string wanted = Normalized(query);
  std::string message = "lab " + lab.number + " has no program '" + query + "'";
  for (const LabProgram& program : programs) {
    const bool close = program.name.find(wanted) != std::string::npos ||
                       wanted.find(program.name) != std::string::npos ||
                       stage::EditDistance(wanted, program.name) <= 2 ||
                       wanted.substr(0, 4) == program.name.substr(0, 4);
    if (close) return message + "; did you mean " + program.name + "? (./labkit run --list)";
  }
  for (const Lab& other : labs) {
    for (const LabProgram& program : ProgramsOf(root, other)) {
      if (program.name == wanted) {
        return message + "; " + program.name + " is lab " + other.number + "'s: ./labkit run " +
               other.number + " " + program.name;
      }
    }
  }
  std::string names;
  for (const LabProgram& program : programs) names += (names.empty() ? "" : ", ") + program.name;
  return message + (names.empty() ? "" : "; it has " + names) + " (./labkit run --list)";
}

std::string JoinLabFolders(const std::vector<std::string>& ids) {
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == ids.size() ? " and " : ", ") + std::string("labs/") + ids[i];
  }
  return text;
}

// Builds the program; on failure explains whose code failed and returns the
// exit code, as `check` does (5: the student's code, 4: the kit).
int Build(const std::vector<Lab>& labs, const LabProgram& program) {
  std::cerr << "labkit: building " << program.name << " from your code in "
            << JoinLabFolders(program.labs_used) << "..." << std::endl;
  ProcessOptions options;
  options.capture = true;
  // Bazel's own progress, passed on so that a first build is never silent;
  // a build that is done within a second (the usual one) stays quiet.
  const auto start = std::chrono::steady_clock::now();
  options.on_line = [start](const std::string& line) {
    const bool progress = line.rfind("[", 0) == 0 || line.rfind("Analyzing:", 0) == 0;
    if (progress && line.find("BazelWorkspaceStatusAction") == std::string::npos &&
        line.find("(0 packages loaded, 0 targets configured)") == std::string::npos &&
        std::chrono::steady_clock::now() - start > std::chrono::seconds(1)) {
      std::cerr << "labkit: " << line << std::endl;
    }
  };
  const ProcessResult build = RunProcess(
      {"bazel", "build", "--curses=no", "--show_progress_rate_limit=2",
       "//" + program.package + ":" + program.target_name},
      options);
  if (build.exit_code == 0) return kExitOk;
  const auto& used = program.labs_used;
  for (const Lab& lab : labs) {
    if (std::find(used.begin(), used.end(), lab.id) == used.end()) continue;
    for (const std::string& file : lab.files) {
      if (build.output.find("labs/" + lab.id + "/" + file + ":") != std::string::npos) {
        std::cout << Red("Your code in labs/" + lab.id + "/ does not compile yet.")
                  << " The compiler said:\n" << CompilerErrors(build.output);
        return kExitStudentCodeDoesNotCompile;
      }
    }
  }
  std::cout << Red("The kit itself did not build " + program.name + "; your code is not the cause.")
            << " Bazel said:\n" << CompilerErrors(build.output);
  return kExitBuildFailed;
}

}  // namespace

int ListLabPrograms(const std::string& root) {
  for (const Lab& lab : LoadCatalog(root)) {
    const std::vector<LabProgram> programs = ProgramsOf(root, lab);
    if (programs.empty()) continue;
    std::cout << Bold("Lab " + lab.number) << Dim("  " + lab.title) << "\n";
    for (const LabProgram& program : programs) {
      std::cout << "  ./labkit run " << lab.number << " " << program.name
                << std::string(program.name.size() < 14 ? 14 - program.name.size() : 1, ' ')
                << program.description << "\n";
    }
  }
  std::cout << Dim("Each is built from your own code; add --help after a program's name for its "
                   "options.") << "\n";
  return kExitOk;
}

int RunLabProgram(const std::string& root, const std::vector<std::string>& words) {
  if (words.size() < 2) {
    throw UserError(
        "give a lab and a program, e.g. ./labkit run 06 echo-server (./labkit run --list lists them)");
  }
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab* lab = nullptr;
  try {
    lab = &FindLab(labs, words[0]);
  } catch (const UserError& error) {
    throw UserError(std::string(error.what()) + " (./labkit run --list)");
  }
  const std::vector<LabProgram> programs = ProgramsOf(root, *lab);
  const auto program = std::find_if(programs.begin(), programs.end(), [&](const LabProgram& p) {
    return p.name == Normalized(words[1]);
  });
  if (program == programs.end()) throw UserError(UnknownProgram(root, labs, *lab, programs, words[1]));

  const int built = Build(labs, *program);
  if (built != kExitOk) return built;
  // The program takes labkit's place: the terminal, Ctrl-C and the exit
  // status are its own.
  const std::string binary = root + "/bazel-bin/" + program->package + "/" + program->target_name;
  const std::string shown_name = "./labkit run " + lab->number + " " + program->name;
  std::vector<char*> argv = {const_cast<char*>(shown_name.c_str())};
  for (size_t i = 2; i < words.size(); ++i) argv.push_back(const_cast<char*>(words[i].c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  ::execv(binary.c_str(), argv.data());
  std::cerr << "labkit: cannot start " << binary << ": " << std::strerror(errno) << "\n";
  return kExitBuildFailed;
}

}  // namespace labkit::cli
