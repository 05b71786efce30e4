// A step call's label comes from its own arguments, and the call it runs
// gets the same arguments.
#include "grader/harness/call_step.h"

#include <cerrno>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/common/sys_result.h"

namespace labkit::harness {
namespace {

SysResult<std::string> Joined(int fd, std::string_view ip, uint16_t port) {
  return SysResult<std::string>::Ok(std::to_string(fd) + " " + std::string(ip) + " " +
                                    std::to_string(port));
}

SysResult<int> Refused(int) { return SysResult<int>::Error(ECONNREFUSED); }

TEST(CallStep, LabelShowsEachArgumentAndRunPassesItsValue) {
  int fd = 7;
  uint16_t port = 41027;
  auto call = LABKIT_CALL(Joined, As("fd", fd), "127.0.0.1", port);
  EXPECT_EQ(call.label, "Joined(fd, \"127.0.0.1\", 41027)");
  EXPECT_EQ(call.run().value(), "7 127.0.0.1 41027");
}

TEST(CallStep, KeepsTextThatWouldOtherwiseDangle) {
  auto call = [] {
    std::string ip = "::1";
    return LABKIT_CALL(Joined, 3, ip, 0);
  }();
  EXPECT_EQ(call.label, "Joined(3, \"::1\", 0)");
  EXPECT_EQ(call.run().value(), "3 ::1 0");
}

TEST(CallStep, BecauseSaysWhy) {
  auto call = MakeCall("close", [](int) { return 0; }, As("server", 4)).Because("it stops");
  EXPECT_EQ(call.label, "close(server): it stops");
}

TEST(CallStep, ScriptShowsTheLabelAsTheStep) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.Sys(MakeCall("listen", [](int, int) { return 0; }, As("server", 5), 4));
    std::string joined = s.ExpectOk(LABKIT_CALL(Joined, As("fd", 5), "::1", 80));
    s.Expect("joined", std::string("5 ::1 80"), joined);
    s.ExpectError(LABKIT_CALL(Refused, As("client", 6)), ECONNREFUSED);
    s.ExpectOk(LABKIT_CALL(Refused, As("client", 6)), "the server listens");
  });
  ASSERT_TRUE(outcome.failed.has_value()) << outcome.Report();
  ASSERT_EQ(outcome.steps.size(), 5u) << outcome.Report();
  EXPECT_EQ(outcome.steps[0], "1. listen(server, 4) -> 0");
  EXPECT_EQ(outcome.steps[1], "2. Joined(fd, \"::1\", 80) -> ok: \"5 ::1 80\" (8 bytes)");
  EXPECT_EQ(outcome.steps[3],
            "4. Refused(client) -> error ECONNREFUSED (Connection refused)");
  EXPECT_EQ(outcome.failed->what, "Refused(client)");
  EXPECT_EQ(outcome.failed->expected, "success");
  EXPECT_EQ(outcome.failed->hint, "the server listens");
}

TEST(CallStep, SysFailsWithTheErrnoOfTheCall) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.Sys(MakeCall("close", [](int) { errno = EBADF; return -1; }, As("gone", 99)));
  });
  ASSERT_TRUE(outcome.failed.has_value()) << outcome.Report();
  EXPECT_EQ(outcome.failed->what, "close(gone)");
  EXPECT_EQ(outcome.failed->actual, "error EBADF (Bad file descriptor)");
}

}  // namespace
}  // namespace labkit::harness
