// The views tools read: the JSON report and Gradescope's results.json.
#include <gtest/gtest.h>

#include "grader/report/report.h"
#include "grader/report/sample_result.h"

namespace labkit::report {
namespace {

using nlohmann::json;
using testing::SampleResult;

TEST(JsonReport, HasTheTotalsAndEachLabsAndCasesFields) {
  json report = JsonReport(SampleResult());
  EXPECT_EQ(report["submission"], "alice");
  EXPECT_EQ(report["score"], 7);
  EXPECT_EQ(report["max_score"], 25);
  EXPECT_EQ(report["isolation"], "bubblewrap");
  ASSERT_EQ(report["warnings"].size(), 2u);
  ASSERT_EQ(report["labs"].size(), 4u);
  const json& listen = report["labs"][1];
  EXPECT_EQ(listen["id"], "03_listen");
  EXPECT_EQ(listen["title"], "Listen");
  EXPECT_EQ(listen["score"], 2);
  EXPECT_EQ(listen["max_score"], 10);
  EXPECT_EQ(listen["status"], "ok");
  ASSERT_EQ(listen["cases"].size(), 4u);
  const json& backlog = listen["cases"][1];
  EXPECT_EQ(backlog["name"], "Listen.Backlog");
  EXPECT_EQ(backlog["score"], 0);
  EXPECT_EQ(backlog["max_score"], 3);
  EXPECT_EQ(backlog["status"], "failed");
  EXPECT_EQ(backlog["passed"], false);
  EXPECT_EQ(backlog["reason"], "listen() was not called | pipe");
  EXPECT_EQ(backlog["divergence"], 2);
  EXPECT_EQ(report["labs"][2]["status"], "build_failed");
  EXPECT_EQ(report["labs"][2]["detail"].get<std::string>().rfind("accept.cc:12:5", 0), 0u);
  EXPECT_EQ(report["labs"][3]["status"], "missing");
  EXPECT_EQ(report["labs"][3]["cases"][0]["status"], "not_run");
}

TEST(JsonReport, KeepsTranscriptsAndOutputEscapedAndAlwaysDumps) {
  GradeResult result = SampleResult();
  json report = JsonReport(result);
  const json& backlog = report["labs"][1]["cases"][1];
  EXPECT_EQ(backlog["reference"].get<std::vector<std::string>>(), result.labs[1].cases[1].reference);
  EXPECT_EQ(backlog["failure"], result.labs[1].cases[1].failure);
  // Every line is there; ESC is shown escaped and the 20 KB line is capped.
  std::vector<std::string> transcript = backlog["transcript"];
  ASSERT_EQ(transcript.size(), 4u);
  EXPECT_EQ(transcript[2], "   setsockopt(fd, SO_REUSEADDR) -> ok \\x1b[2J");
  EXPECT_EQ(transcript[3].rfind("3. AAA", 0), 0u);
  EXPECT_NE(transcript[3].find("more bytes)"), std::string::npos);
  // NUL, ESC and the invalid bytes are visible escapes, so that no tool that
  // prints a string sends them on, and dump() cannot throw.
  EXPECT_EQ(backlog["output"],
            "hello\\x00world\n]]> | `` ``` | \\x1b[2J\\x1b[31mred\\x1b[0m\n"
            "<script>alert('x' & \"y\")</script>\n\\xff\\xfe end\n");
  std::string dumped;
  ASSERT_NO_THROW(dumped = report.dump(2));
  EXPECT_EQ(json::parse(dumped), report);
}

TEST(GradescopeReport, HasTheTopLevelFieldsAndValidates) {
  json results = GradescopeReport(SampleResult());
  EXPECT_EQ(results["score"], 7);
  EXPECT_EQ(results["visibility"], "visible");
  EXPECT_EQ(results["stdout_visibility"], "hidden");
  EXPECT_TRUE(results["output"].get<std::string>().rfind("Score: 7/25\n", 0) == 0);
  EXPECT_EQ(ValidateGradescope(results), std::vector<std::string>{});
  // What is written to results.json reads back as the same valid file.
  EXPECT_EQ(ValidateGradescope(json::parse(results.dump())), std::vector<std::string>{});
}

TEST(GradescopeReport, HasOneNumberedTestPerCase) {
  json tests = GradescopeReport(SampleResult())["tests"];
  // 2 + 4 cases, one test for the lab with none, 2 cases of the missing lab.
  ASSERT_EQ(tests.size(), 9u);
  EXPECT_EQ(tests[0]["name"], "01_socket / Socket.CreatesTcp");
  EXPECT_EQ(tests[0]["number"], "1.1");
  EXPECT_EQ(tests[0]["status"], "passed");
  EXPECT_EQ(tests[0]["score"], 2);
  EXPECT_EQ(tests[0]["output"], "");
  EXPECT_EQ(tests[3]["name"], "03_listen / Listen.Backlog");
  EXPECT_EQ(tests[3]["number"], "3.2");
  EXPECT_EQ(tests[3]["score"], 0);
  EXPECT_EQ(tests[3]["max_score"], 3);
  EXPECT_EQ(tests[3]["status"], "failed");
  EXPECT_EQ(tests[3]["visibility"], "visible");
  EXPECT_EQ(tests[5]["number"], "3.4");
  EXPECT_EQ(tests[5]["status"], "failed");  // not run counts as not passed
}

TEST(GradescopeReport, ShowsPublicCasesAndHidesTheOthersAsAsked) {
  GradescopeVisibility visibility;
  visibility.hidden_visibility = "after_published";
  visibility.public_cases = {"01_socket/Socket.CreatesTcp", "03_listen/Listen.Backlog"};
  json results = GradescopeReport(SampleResult(), visibility);
  json tests = results["tests"];
  EXPECT_EQ(tests[0]["visibility"], "visible");          // public
  EXPECT_EQ(tests[1]["visibility"], "after_published");  // hidden
  EXPECT_EQ(tests[3]["visibility"], "visible");          // public
  EXPECT_EQ(tests[5]["visibility"], "after_published");
  EXPECT_EQ(ValidateGradescope(results), std::vector<std::string>{});
}

TEST(GradescopeReport, ListsUnbuiltAndMissingLabsAtZero) {
  json tests = GradescopeReport(SampleResult())["tests"];
  // The lab that did not build has no cases: one test carries its points.
  EXPECT_EQ(tests[6]["name"], "04_accept");
  EXPECT_EQ(tests[6]["number"], "4");
  EXPECT_EQ(tests[6]["score"], 0);
  EXPECT_EQ(tests[6]["max_score"], 5);
  EXPECT_EQ(tests[6]["status"], "failed");
  EXPECT_NE(tests[6]["output"].get<std::string>().find("error: 'acept' was not declared"), std::string::npos);
  // The missing lab lists its cases at 0, saying why.
  EXPECT_EQ(tests[7]["name"], "05_connect / Connect.Reaches");
  EXPECT_EQ(tests[7]["number"], "5.1");
  EXPECT_EQ(tests[7]["score"], 0);
  EXPECT_EQ(tests[8]["max_score"], 3);
  EXPECT_NE(tests[8]["output"].get<std::string>().find("missing"), std::string::npos);
}

TEST(GradescopeReport, AFailuresOutputIsItsReasonThenTheSideBySide) {
  std::string output = GradescopeReport(SampleResult())["tests"][3]["output"];
  EXPECT_EQ(output.rfind("listen() was not called | pipe\n", 0), 0u);
  EXPECT_NE(output.find("| yours"), std::string::npos);
  EXPECT_NE(output.find(">> first difference at step 2 (line 3)"), std::string::npos);
  EXPECT_NE(output.find("expected: ok"), std::string::npos);
  EXPECT_NE(output.find("hello\\x00world"), std::string::npos);
  // Plain text: no NUL (Gradescope's database refuses it), no terminal codes.
  EXPECT_EQ(output.find('\0'), std::string::npos);
  EXPECT_EQ(output.find('\x1b'), std::string::npos);
}

bool Mentions(const std::vector<std::string>& problems, const std::string& part) {
  for (const std::string& problem : problems) {
    if (problem.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(ValidateGradescope, NamesEachProblemOfABrokenFile) {
  EXPECT_EQ(ValidateGradescope(json::array()), std::vector<std::string>{"results: not a JSON object"});

  json results = GradescopeReport(SampleResult());
  results.erase("score");
  results["tests"][0].erase("score");
  results["visibility"] = "public";
  results["tests"][1]["score"] = "2";
  results["tests"][2]["score"] = 5;  // max_score is 2
  results["tests"][3]["status"] = "skipped";
  results["tests"][4]["number"] = 3.3;
  results["tests"][5]["output_format"] = "pdf";
  results["tests"][6]["tags"] = {"ok", 1};
  results["tests"][7] = "not a test";
  std::vector<std::string> problems = ValidateGradescope(results);
  EXPECT_TRUE(Mentions(problems, "score: missing, and not every test has a score"));
  EXPECT_TRUE(Mentions(problems, "visibility: unknown value \"public\""));
  EXPECT_TRUE(Mentions(problems, "tests[1].score: must be a number, not string"));
  EXPECT_TRUE(Mentions(problems, "tests[2].score: 5 is above max_score 2"));
  EXPECT_TRUE(Mentions(problems, "tests[3].status: unknown value \"skipped\""));
  EXPECT_TRUE(Mentions(problems, "tests[4].number: must be a string, not number"));
  EXPECT_TRUE(Mentions(problems, "tests[5].output_format: unknown value \"pdf\""));
  EXPECT_TRUE(Mentions(problems, "tests[6].tags: every tag must be a string"));
  EXPECT_TRUE(Mentions(problems, "tests[7]: not a JSON object"));
  EXPECT_EQ(problems.size(), 9u);
}

TEST(ValidateGradescope, AcceptsATotalOnlyOrScoresOnlyOnTests) {
  EXPECT_EQ(ValidateGradescope(json{{"score", 1.5}}), std::vector<std::string>{});
  EXPECT_EQ(ValidateGradescope(json{{"tests", {{{"score", 1}}}}}), std::vector<std::string>{});
  EXPECT_EQ(ValidateGradescope(json::object()),
            std::vector<std::string>{"score: missing, and not every test has a score"});
  EXPECT_EQ(ValidateGradescope(json{{"score", true}}),
            std::vector<std::string>{"score: must be a number, not boolean"});
}

}  // namespace
}  // namespace labkit::report
