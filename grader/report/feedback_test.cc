// A student's feedback: nothing of the host, no Bazel or environment lines,
// and a size cap, in the Markdown report and the Gradescope text.
#include <gtest/gtest.h>

#include <string>

#include "grader/report/report.h"
#include "grader/report/sample_result.h"

namespace labkit::report {
namespace {

const HostPaths kHost = {{"/work/kit"}, {"/srv/class"}};

// A build failure as a broken Bazel run reports it: host paths, Bazel's own
// lines, the environment of the failed command, and a flood of errors.
GradeResult BuildFailureFromTheHost() {
  GradeResult result = testing::SampleResult();
  std::string detail =
      "INFO: Analyzed target @submission//:01_socket_student.so (3 packages loaded).\n"
      "ERROR: /root/.cache/bazel/_bazel_root/4f1/external/submission/BUILD:3:11: Linking "
      "01_socket_student.so failed: (Exit 1): gcc failed: error executing command\n"
      "  (cd /root/.cache/bazel/_bazel_root/4f1/execroot/labkit && \\\n"
      "  exec env - \\\n"
      "    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \\\n"
      "    PWD=/proc/self/cwd \\\n"
      "  /usr/bin/gcc @bazel-out/k8-fastbuild/bin/external/submission/01_socket.params)\n"
      "/root/.cache/bazel/_bazel_root/4f1/execroot/labkit/labs/01_socket/socket_lab.cc:12:3: error: "
      "'sockt' was not declared in this scope\n"
      "/work/kit/labs/01_socket/socket_lab.h:20:5: note: declared here\n"
      "/tmp/labkit-grade.4242.Xy12/stage-3/01_socket/socket_lab.cc:14:1: error: expected ';'\n"
      "Target //grader/hidden/01_socket:graded_tests failed to build\n"
      "Use --sandbox_debug to see verbose messages from the sandbox\n";
  for (int i = 0; i < 5000; ++i) {
    detail += "labs/01_socket/socket_lab.cc:" + std::to_string(100 + i) + ":1: error: expected ';' before '}'\n";
  }
  result.labs[0].status = LabStatus::kBuildFailed;
  result.labs[0].score = 0;
  result.labs[0].detail = detail;
  for (GradedCase& c : result.labs[0].cases) c.status = CaseStatus::kNotRun, c.score = 0;
  result.warnings.push_back("stopped reading /srv/class/bob.zip after 20 s, the grader's limit");
  return result;
}

void ExpectNothingOfTheHost(const std::string& text) {
  for (const char* host : {"/root", ".cache", "/work/kit", "/srv/class", "labkit-grade", "_bazel_root",
                           "PATH=", "PWD=", "exec env", "INFO:", "ERROR:", "Target //", "sandbox_debug",
                           "execroot", "bazel-out"}) {
    EXPECT_EQ(text.find(host), std::string::npos) << host << " in:\n" << text.substr(0, 3000);
  }
}

TEST(Feedback, ScrubsHostPathsBazelLinesAndTheEnvironment) {
  const std::string scrubbed = ScrubHost(BuildFailureFromTheHost().labs[0].detail, kHost);
  ExpectNothingOfTheHost(scrubbed);
  EXPECT_EQ(scrubbed.rfind("labs/01_socket/socket_lab.cc:12:3: error: 'sockt' was not declared", 0), 0u)
      << scrubbed.substr(0, 400);
  EXPECT_NE(scrubbed.find("\nlabs/01_socket/socket_lab.h:20:5: note: declared here\n"), std::string::npos);
  EXPECT_NE(scrubbed.find("\n/tmp/\xE2\x80\xA6/stage-3/01_socket/socket_lab.cc:14:1: error"), std::string::npos);
  // Words that only look like paths stay.
  EXPECT_EQ(ScrubHost("use ./root/ or x/tmp/y, errno=EINVAL", kHost), "use ./root/ or x/tmp/y, errno=EINVAL");
  EXPECT_EQ(ScrubHost("bound /tmp/labkit-case.Ab12/srv.sock", kHost), "bound /tmp/\xE2\x80\xA6/srv.sock");
  EXPECT_EQ(ScrubHost("locked in /run/labkit", kHost), "locked in /run/labkit");  // the kit's own, documented
  EXPECT_EQ(ScrubHost("cd /home/prof/class; ls /proc/self/cwd", kHost), "cd <host path>; ls <host path>");
  // A case's own output keeps its lines, whatever they look like; paths still go.
  EXPECT_EQ(ScrubHost("ERROR: connect failed\nX=1 at /work/kit/labs/a.cc\n", kHost, false),
            "ERROR: connect failed\nX=1 at labs/a.cc\n");
}

TEST(Feedback, ABuildFailureIsShownTrimmedAndEveryViewIsCapped) {
  const GradeResult result = ForStudent(BuildFailureFromTheHost(), kHost);
  const std::string md = MarkdownReport(result);
  ExpectNothingOfTheHost(md);
  EXPECT_LE(md.size(), kFeedbackBytes);
  EXPECT_NE(md.find("\nlabs/01_socket/socket_lab.cc:12:3: error"), std::string::npos);
  EXPECT_NE(md.find("more lines cut"), std::string::npos);
  EXPECT_NE(md.find("stopped reading \xE2\x80\xA6/bob.zip"), std::string::npos) << md;

  const nlohmann::json gradescope = GradescopeReport(result);
  std::string outputs = gradescope["output"];
  for (const auto& test : gradescope["tests"]) outputs += test["output"].get<std::string>();
  ExpectNothingOfTheHost(outputs);
  EXPECT_LE(outputs.size(), kFeedbackBytes + 1024);
  EXPECT_EQ(ValidateGradescope(gradescope), std::vector<std::string>{});
  // The compiler's messages once, in the lab's first test, trimmed.
  const std::string first = gradescope["tests"][0]["output"], second = gradescope["tests"][1]["output"];
  EXPECT_NE(first.find("socket_lab.cc:12:3: error"), std::string::npos) << first;
  EXPECT_NE(first.find("more lines cut"), std::string::npos) << first;
  EXPECT_EQ(second.find("error:"), std::string::npos) << second;
  EXPECT_NE(second.find("Test 1.1 says why"), std::string::npos) << second;
}

TEST(Feedback, EachLabShowsItsFirstFailingCaseInFullAndTheOthersInOneLine) {
  const nlohmann::json tests = GradescopeReport(testing::SampleResult())["tests"];
  const std::string first = tests[3]["output"], other = tests[4]["output"];  // 3.2 fails first, 3.3 next
  EXPECT_NE(first.find("| yours"), std::string::npos) << first;
  EXPECT_EQ(other, "timed out after 2000 ms\n(Only the lab's first failing case, test 3.2, is shown in full.)\n");
  EXPECT_EQ(tests[5]["output"], "an earlier case crashed the suite\n");  // not run: its reason alone
  const std::string md = MarkdownReport(testing::SampleResult());
  EXPECT_NE(md.find("### \xE2\x9C\x97 Listen.Backlog"), std::string::npos);
  EXPECT_EQ(md.find("### \xE2\x9C\x97 Listen.Hangs"), std::string::npos) << md;
  EXPECT_NE(md.find("1 more failing case: see the table above (only the first is shown in full)"),
            std::string::npos)
      << md;
}

TEST(Feedback, CapsCutAtALineEndAndCountWhatIsCut) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(FirstLines(text, 2), "line 0\nline 1\n\xE2\x80\xA6 98 more lines cut\n");
  EXPECT_EQ(FirstLines("a\nb\n", 2), "a\nb\n");
  const std::string capped = CapBytes(text, 100);
  EXPECT_LE(capped.size(), 100u);
  const std::string end = "\nline 7\n\xE2\x80\xA6 92 more lines cut\n";
  EXPECT_EQ(capped.substr(capped.size() - end.size()), end) << capped;
  EXPECT_EQ(CapBytes(text, 10000), text);
}

}  // namespace
}  // namespace labkit::report
