// SysResult as the labs use it: a success carries its value, a failure its
// errno, and ok() tells them apart.
#include "labs/common/sys_result.h"

#include <cerrno>
#include <string>

#include "gtest/gtest.h"
#include "labs/common/unique_fd.h"

namespace labkit {
namespace {

TEST(SysResult, ASuccessCarriesItsValueAndNoError) {
  const SysResult<std::string> result = SysResult<std::string>::Ok("ipv4:127.0.0.1:80");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.value(), "ipv4:127.0.0.1:80");
  EXPECT_EQ(result.error(), 0);
}

TEST(SysResult, AFailureCarriesItsErrnoAndTheDefaultValue) {
  const SysResult<int> result = SysResult<int>::Error(EADDRINUSE);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error(), EADDRINUSE);
  EXPECT_EQ(result.value(), 0);
}

TEST(SysResult, FromErrnoTakesTheCurrentErrno) {
  errno = ECONNREFUSED;
  const Status result = Status::FromErrno();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ECONNREFUSED);
}

// Ok() with no argument: success with nothing to return.
TEST(SysResult, AStatusSucceedsWithDone) {
  const Status result = Status::Ok();
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.value(), Done{});
}

// A descriptor moves into the result and out of it, closed exactly once.
TEST(SysResult, HoldsAMoveOnlyValue) {
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  ::close(pipe_ends[1]);
  SysResult<UniqueFd> result = SysResult<UniqueFd>::Ok(UniqueFd(pipe_ends[0]));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().get(), pipe_ends[0]);
  const SysResult<UniqueFd> failed = SysResult<UniqueFd>::Error(EMFILE);
  EXPECT_FALSE(failed.value().valid());
}

}  // namespace
}  // namespace labkit
