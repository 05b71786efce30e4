// The sample grade every report test feeds its view: a lab that passed, a
// lab with a failing case (transcripts that diverge, hostile output), a lab
// that did not build and a lab that is missing.
#pragma once

#include <string>
#include <utility>

#include "grader/report/report.h"

namespace labkit::report::testing {

// What the code under test printed: a NUL, a CDATA end, pipes and backticks,
// an ANSI escape that would clear a terminal, markup, an invalid UTF-8 byte.
inline std::string HostileOutput() {
  return std::string("hello\0world\n", 12) + "]]> | `` ``` | \x1b[2J\x1b[31mred\x1b[0m\n" +
         "<script>alert('x' & \"y\")</script>\n\xff\xfe end\n";
}

// A 20 KB line, as a runaway printf would produce.
inline std::string LongLine() { return std::string(20 * 1024, 'A') + "Z"; }

// Builders that name each field, so a test reads like the model.
inline judge::GradedCase Case(std::string name, int score, int max_score, judge::CaseStatus status,
                              std::string reason = "") {
  judge::GradedCase c;
  c.name = std::move(name);
  c.score = score;
  c.max_score = max_score;
  c.status = status;
  c.reason = std::move(reason);
  return c;
}

inline judge::GradedLab Lab(std::string id, std::string title, int score, int max_score,
                            judge::LabStatus status, std::string detail = "") {
  judge::GradedLab lab;
  lab.id = std::move(id);
  lab.title = std::move(title);
  lab.score = score;
  lab.max_score = max_score;
  lab.status = status;
  lab.detail = std::move(detail);
  return lab;
}

inline judge::GradeResult SampleResult() {
  judge::GradeResult result;
  result.submission = "alice";
  result.isolation = "bubblewrap";
  result.warnings = {"refused entry ../../etc/passwd", "ignored file \x1b[31mred.txt"};

  judge::GradedLab socket = Lab("01_socket", "Create a socket", 5, 5, LabStatus::kOk);
  socket.cases.push_back(Case("Socket.CreatesTcp", 2, 2, CaseStatus::kPassed));
  socket.cases.back().transcript = socket.cases.back().reference = {
      "1. socket(AF_INET, SOCK_STREAM) -> ok: fd"};
  socket.cases.push_back(Case("Socket.CreatesUdp", 3, 3, CaseStatus::kPassed));

  judge::GradedLab listen = Lab("03_listen", "Listen", 2, 10, LabStatus::kOk);
  listen.cases.push_back(Case("Listen.ReusesTheAddress", 2, 2, CaseStatus::kPassed));
  listen.cases.back().transcript = listen.cases.back().reference = {"1. PASSING-TRANSCRIPT-LINE"};

  judge::GradedCase backlog = Case("Listen.Backlog", 0, 3, CaseStatus::kFailed, "listen() was not called | pipe");
  backlog.transcript = {"1. socket(AF_INET, SOCK_STREAM) -> ok: fd", "2. bind(127.0.0.1:PORT) -> ok",
                        "   setsockopt(fd, SO_REUSEADDR) -> ok \x1b[2J", "3. " + LongLine()};
  backlog.reference = {"1. socket(AF_INET, SOCK_STREAM) -> ok: fd", "2. bind(127.0.0.1:PORT) -> ok",
                       "   listen(fd, 16) -> ok", "3. connect(127.0.0.1:PORT) -> ok"};
  backlog.divergence = 2;
  backlog.failure = "connect succeeds\n  expected: ok\n  actual:   error ECONNREFUSED\n  hint: call listen()";
  backlog.output = HostileOutput();
  listen.cases.push_back(backlog);

  judge::GradedCase hangs = Case("Listen.Hangs", 0, 3, CaseStatus::kTimedOut, "timed out after 2000 ms");
  hangs.transcript = {"1. socket(AF_INET, SOCK_STREAM) -> ok: fd"};
  hangs.reference = {"1. socket(AF_INET, SOCK_STREAM) -> ok: fd", "2. accept() -> ok"};
  hangs.divergence = 1;
  listen.cases.push_back(hangs);
  listen.cases.push_back(Case("Listen.Skipped", 0, 2, CaseStatus::kNotRun, "an earlier case crashed the suite"));

  judge::GradedLab accept = Lab("04_accept", "Accept", 0, 5, LabStatus::kBuildFailed,
                                "accept.cc:12:5: error: 'acept' was not declared in this scope\n"
                                "   12 |     acept(fd);\n      |     ^~~~~");

  judge::GradedLab connect =
      Lab("05_connect", "Connect", 0, 5, LabStatus::kMissing, "no folder 05_connect in the submission");
  connect.cases.push_back(Case("Connect.Reaches", 0, 2, CaseStatus::kNotRun));
  connect.cases.push_back(Case("Connect.Refused", 0, 3, CaseStatus::kNotRun));

  result.labs = {socket, listen, accept, connect};
  result.score = 7;
  result.max_score = 25;
  return result;
}

}  // namespace labkit::report::testing
