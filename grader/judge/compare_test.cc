// The normaliser makes two runs of one case line up: descriptors in recorded
// calls and ports become labels in order of first appearance, and nothing
// else changes, so a real difference still shows.
#include "grader/judge/compare.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace labkit::judge {
namespace {

using harness::CaseOutcome;
using harness::Expectation;
using harness::Verdict;
using Lines = std::vector<std::string>;

// A recorded socket call, as the harness writes it beneath its step.
std::string Call(const std::string& call) { return std::string(harness::kCallIndent) + call; }

CaseOutcome Passed(Lines steps) {
  CaseOutcome outcome;
  outcome.verdict = Verdict::kPassed;
  outcome.steps = std::move(steps);
  return outcome;
}

CaseOutcome FailedExpectation(Lines steps, Expectation failed) {
  CaseOutcome outcome;
  outcome.verdict = Verdict::kFailed;
  outcome.reason = "expectation failed: " + failed.what;
  outcome.steps = std::move(steps);
  outcome.failed = std::move(failed);
  return outcome;
}

TEST(NormalizedTranscript, RenumbersDescriptorsOfCallsInOrderOfFirstAppearance) {
  Lines lines = NormalizedTranscript(Passed({
      "1. socket(AF_INET, SOCK_STREAM, 0) -> 7",
      Call("socket(AF_INET, SOCK_STREAM, 0) = fd 7"),
      Call("listen(fd 7, 5) = 0"),
      Call("accept(fd 7) = fd 9"),
      Call("close(fd 9) = 0"),
  }));
  EXPECT_EQ(lines, (Lines{
                       "1. socket(AF_INET, SOCK_STREAM, 0) -> 7",
                       Call("socket(AF_INET, SOCK_STREAM, 0) = fd #1"),
                       Call("listen(fd #1, 5) = 0"),
                       Call("accept(fd #1) = fd #2"),
                       Call("close(fd #2) = 0"),
                   }));
}

TEST(NormalizedTranscript, TwoRunsWithOtherDescriptorNumbersLineUp) {
  Lines first = NormalizedTranscript(Passed({Call("dup(fd 3) = fd 4"), Call("close(fd 3) = 0")}));
  Lines second =
      NormalizedTranscript(Passed({Call("dup(fd 11) = fd 5"), Call("close(fd 11) = 0")}));
  EXPECT_EQ(first, second);
}

TEST(NormalizedTranscript, DescriptorsOutsideRecordedCallsKeepTheirNumbers) {
  // The test's own steps say what the code returned: a leaked descriptor
  // (4 where the reference got 3) must still show.
  Lines lines = NormalizedTranscript(Passed({
      "1. CreateSocket(AF_INET) -> fd 4",
      "2. close fd 4",
  }));
  EXPECT_EQ(lines, (Lines{"1. CreateSocket(AF_INET) -> fd 4", "2. close fd 4"}));
}

TEST(NormalizedTranscript, OnlyTheWordFdIsADescriptor) {
  Lines lines = NormalizedTranscript(Passed({Call("recv(fd 3, 64, sockfd 8) = 12")}));
  // "sockfd 8" is not "fd 8": \b keeps it whole, and 64 and 12 are counts.
  EXPECT_EQ(lines, (Lines{Call("recv(fd #1, 64, sockfd 8) = 12")}));
}

TEST(NormalizedTranscript, RenamesAPortAfterAnAddressColon) {
  Lines lines = NormalizedTranscript(Passed({
      "1. found a free port: 41027",
      "2. BindInet(fd, \"127.0.0.1\", 41027) -> ok: done",
      Call("bind(fd 3, 127.0.0.1:41027) = 0"),
  }));
  EXPECT_EQ(lines, (Lines{
                       "1. found a free port: P1",
                       "2. BindInet(fd, \"127.0.0.1\", P1) -> ok: done",
                       Call("bind(fd #1, 127.0.0.1:P1) = 0"),
                   }));
}

TEST(NormalizedTranscript, RenamesAPortAfterTheWordPort) {
  Lines lines = NormalizedTranscript(Passed({"1. listening on port 50123", "2. Connect(50123)"}));
  EXPECT_EQ(lines, (Lines{"1. listening on port P1", "2. Connect(P1)"}));
}

TEST(NormalizedTranscript, NumbersPortsInOrderOfFirstAppearance) {
  Lines lines = NormalizedTranscript(Passed({
      "1. server on 127.0.0.1:40001, client from 127.0.0.1:39999",
      "2. again 127.0.0.1:39999 then 127.0.0.1:40001",
  }));
  EXPECT_EQ(lines, (Lines{
                       "1. server on 127.0.0.1:P1, client from 127.0.0.1:P2",
                       "2. again 127.0.0.1:P2 then 127.0.0.1:P1",
                   }));
}

TEST(NormalizedTranscript, APortSeenLaterStillRenamesItsEarlierBareMentions) {
  // Ports are collected over every line first: an argument before the line
  // that shows the address is renamed too.
  Lines lines = NormalizedTranscript(Passed({
      "1. ConnectInet(\"127.0.0.1\", 45678) -> ok",
      Call("connect(fd 5, 127.0.0.1:45678) = 0"),
  }));
  EXPECT_EQ(lines, (Lines{
                       "1. ConnectInet(\"127.0.0.1\", P1) -> ok",
                       Call("connect(fd #1, 127.0.0.1:P1) = 0"),
                   }));
}

TEST(NormalizedTranscript, APortGivenOnlyAsAnArgumentAfterItsAddressIsRenamed) {
  // The call's own line is the only place the port appears.
  Lines lines = NormalizedTranscript(Passed({
      "1. BindInet(fd 3, \"127.0.0.1\", 56937) -> ok",
      "2. BindInet(fd 4, \"::1\", 56938) -> EADDRINUSE",
      "3. ConnectTo(\"localhost\", 56937) -> ok",
  }));
  EXPECT_EQ(lines, (Lines{
                       "1. BindInet(fd 3, \"127.0.0.1\", P1) -> ok",
                       "2. BindInet(fd 4, \"::1\", P2) -> EADDRINUSE",
                       "3. ConnectTo(\"localhost\", P1) -> ok",
                   }));
}

TEST(NormalizedTranscript, ACountAfterAQuotedTextIsNotAPort) {
  Lines lines = NormalizedTranscript(Passed({"1. SendAll(fd 3, \"hello\", 20000) -> 20000"}));
  EXPECT_EQ(lines, (Lines{"1. SendAll(fd 3, \"hello\", 20000) -> 20000"}));
}

TEST(NormalizedTranscript, AGroupOfAnIPv6AddressIsNotAPort) {
  Lines lines = NormalizedTranscript(Passed({"1. peer is fe80::1234 and ::4321", "2. count 1234"}));
  EXPECT_EQ(lines, (Lines{"1. peer is fe80::1234 and ::4321", "2. count 1234"}));
}

TEST(NormalizedTranscript, IPv6AddressesInBracketsKeepTheirAddress) {
  Lines lines = NormalizedTranscript(Passed({Call("bind(fd 3, [::1]:33333) = 0")}));
  EXPECT_EQ(lines, (Lines{Call("bind(fd #1, [::1]:P1) = 0")}));
}

TEST(NormalizedTranscript, WellKnownPortsBelow1024AreNotRenamed) {
  Lines lines = NormalizedTranscript(Passed({"1. connect to 127.0.0.1:80", "2. port 1023"}));
  EXPECT_EQ(lines, (Lines{"1. connect to 127.0.0.1:80", "2. port 1023"}));
}

TEST(NormalizedTranscript, Port1024IsTheFirstRenamed) {
  Lines lines = NormalizedTranscript(Passed({"1. bind to 127.0.0.1:1024"}));
  EXPECT_EQ(lines, (Lines{"1. bind to 127.0.0.1:P1"}));
}

TEST(NormalizedTranscript, NumbersThatWereNeverAPortAreKept) {
  // Byte counts, timeouts and backlogs of four or five digits are data:
  // renaming them would hide a wrong count.
  Lines lines = NormalizedTranscript(Passed({
      "1. found a free port: 41027",
      Call("send(fd 3, 4096 bytes) = 4096"),
      "2. waited 2000 ms",
      "3. listen backlog 65535",
  }));
  EXPECT_EQ(lines, (Lines{
                       "1. found a free port: P1",
                       Call("send(fd #1, 4096 bytes) = 4096"),
                       "2. waited 2000 ms",
                       "3. listen backlog 65535",
                   }));
}

TEST(NormalizedTranscript, SixDigitNumbersAndDigitsInsideWordsAreNotPorts) {
  Lines lines = NormalizedTranscript(Passed({"1. id:123456", "2. port 41027", "3. v41027 41027ms"}));
  EXPECT_EQ(lines, (Lines{"1. id:123456", "2. port P1", "3. v41027 41027ms"}));
}

TEST(NormalizedTranscript, PortsAndDescriptorsAreCountedApart) {
  Lines lines = NormalizedTranscript(Passed({Call("accept(fd 3) = fd 4, peer 127.0.0.1:41000")}));
  EXPECT_EQ(lines, (Lines{Call("accept(fd #1) = fd #2, peer 127.0.0.1:P1")}));
}

TEST(NormalizedTranscript, AppendsTheFailedExpectationAndRenamesItsPorts) {
  // The README's example: a missing htons() binds the swapped port.
  Lines lines = NormalizedTranscript(FailedExpectation(
      {"1. found a free port: 41027", Call("bind(fd 3, 127.0.0.1:17312) = 0")},
      {"getsockname(fd)", "127.0.0.1:41027", "127.0.0.1:17312", "convert it with htons()"}));
  EXPECT_EQ(lines, (Lines{
                       "1. found a free port: P1",
                       Call("bind(fd #1, 127.0.0.1:P2) = 0"),
                       ">>> getsockname(fd)",
                       "    expected: 127.0.0.1:P1",
                       "    actual:   127.0.0.1:P2",
                   }));
}

TEST(NormalizedTranscript, AFailureWithoutAnExpectationEndsWithItsReason) {
  CaseOutcome outcome;
  outcome.verdict = Verdict::kTimedOut;
  outcome.reason = "timed out after 2000 ms during step 1. accept";
  outcome.steps = {"1. accept"};
  EXPECT_EQ(NormalizedTranscript(outcome),
            (Lines{"1. accept", ">>> timed out after 2000 ms during step 1. accept"}));
}

TEST(NormalizedTranscript, APassedCaseAddsNoLines) {
  EXPECT_EQ(NormalizedTranscript(Passed({"1. a", "2. b"})), (Lines{"1. a", "2. b"}));
  EXPECT_TRUE(NormalizedTranscript(Passed({})).empty());
}

TEST(NormalizedTranscript, IsIdempotent) {
  CaseOutcome outcome = FailedExpectation(
      {"1. found a free port: 41027", Call("bind(fd 3, 127.0.0.1:17312) = 0"),
       Call("listen(fd 3, 1024) = 0")},
      {"getsockname(fd)", "127.0.0.1:41027", "127.0.0.1:17312", ""});
  Lines once = NormalizedTranscript(outcome);
  CaseOutcome again = Passed(once);
  EXPECT_EQ(NormalizedTranscript(again), once);
}

TEST(FirstDivergence, IsMinusOneForEqualTranscripts) {
  EXPECT_EQ(FirstDivergence({"a", "b"}, {"a", "b"}), -1);
  EXPECT_EQ(FirstDivergence({}, {}), -1);
}

TEST(FirstDivergence, IsTheFirstDifferingLine) {
  EXPECT_EQ(FirstDivergence({"a", "b", "c"}, {"a", "x", "c"}), 1);
  EXPECT_EQ(FirstDivergence({"x"}, {"a"}), 0);
}

TEST(FirstDivergence, IsWhereTheShorterEndsWhenOneIsAPrefix) {
  EXPECT_EQ(FirstDivergence({"a"}, {"a", "b"}), 1);
  EXPECT_EQ(FirstDivergence({"a", "b", "c"}, {"a"}), 1);
}

TEST(JudgeAgainstReference, APassedCaseScoresItsPointsWithoutTranscripts) {
  GradedCase graded = JudgeAgainstReference("Bind.Works", 3, Passed({"1. a"}), {"1. a"});
  EXPECT_EQ(graded.name, "Bind.Works");
  EXPECT_EQ(graded.score, 3);
  EXPECT_EQ(graded.max_score, 3);
  EXPECT_TRUE(graded.passed());
  EXPECT_EQ(graded.reason, "");
  EXPECT_TRUE(graded.transcript.empty());
  EXPECT_TRUE(graded.reference.empty());
  EXPECT_EQ(graded.divergence, -1);
}

TEST(JudgeAgainstReference, AFailedCaseKeepsBothTranscriptsAndMarksWhereTheyPart) {
  CaseOutcome outcome = FailedExpectation(
      {"1. found a free port: 41027", Call("bind(fd 3, 127.0.0.1:17312) = 0")},
      {"getsockname(fd)", "127.0.0.1:41027", "127.0.0.1:17312", "use htons()"});
  Lines reference = {"1. found a free port: P1", Call("bind(fd #1, 127.0.0.1:P1) = 0")};
  GradedCase graded = JudgeAgainstReference("Bind.Port", 4, outcome, reference);
  EXPECT_EQ(graded.score, 0);
  EXPECT_EQ(graded.max_score, 4);
  EXPECT_FALSE(graded.passed());
  EXPECT_EQ(graded.reason, "expectation failed: getsockname(fd)");
  EXPECT_EQ(graded.reference, reference);
  EXPECT_EQ(graded.transcript.size(), 5u);
  EXPECT_EQ(graded.divergence, 1);
  EXPECT_EQ(graded.failure,
            "getsockname(fd)\n  expected: 127.0.0.1:41027\n  actual:   127.0.0.1:17312\n"
            "  hint:     use htons()");
}

TEST(JudgeAgainstReference, TheVerdictBecomesTheStatus) {
  CaseOutcome outcome;
  outcome.verdict = Verdict::kCrashed;
  outcome.reason = "killed by SIGSEGV";
  GradedCase graded = JudgeAgainstReference("Bind.Crash", 2, outcome, {});
  EXPECT_EQ(graded.status, CaseStatus::kCrashed);
  EXPECT_EQ(graded.failure, "");
  EXPECT_EQ(graded.transcript, (Lines{">>> killed by SIGSEGV"}));
  EXPECT_EQ(graded.divergence, 0);
}

TEST(JudgeAgainstReference, EachVerdictKeepsItsNameAsTheCaseStatus) {
  for (Verdict verdict : {Verdict::kPassed, Verdict::kFailed, Verdict::kTimedOut, Verdict::kCrashed,
                          Verdict::kExitedEarly}) {
    CaseOutcome outcome;
    outcome.verdict = verdict;
    EXPECT_STREQ(StatusName(JudgeAgainstReference("A.B", 1, outcome, {}).status),
                 harness::VerdictName(verdict));
  }
}

}  // namespace
}  // namespace labkit::judge
