// How values travel between the two processes of a graded case.
#include "grader/harness/wire.h"

#include <gtest/gtest.h>

namespace labkit::wire {
namespace {

struct Pair {
  int number = 0;
  std::string text;
  bool operator==(const Pair&) const = default;
};
auto Fields(Pair& pair) { return std::tie(pair.number, pair.text); }

template <typename T>
T RoundTrip(const T& value) {
  Writer out;
  Put(out, value);
  Reader in(out.bytes());
  T back = Take<T>(in);
  EXPECT_TRUE(in.empty()) << "bytes left over";
  return back;
}

TEST(Wire, CarriesScalarsStringsAndStructs) {
  EXPECT_EQ(-7, RoundTrip(-7));
  EXPECT_EQ('\0', RoundTrip('\0'));
  EXPECT_EQ(uint16_t{65535}, RoundTrip(uint16_t{65535}));
  EXPECT_EQ(std::string("a\0b", 3), RoundTrip(std::string("a\0b", 3)));
  EXPECT_EQ((Pair{3, "three"}), RoundTrip(Pair{3, "three"}));
  EXPECT_EQ((std::vector<std::string>{"x", ""}), RoundTrip(std::vector<std::string>{"x", ""}));
}

TEST(Wire, CarriesResultsWithTheirErrno) {
  SysResult<std::string> ok = RoundTrip(SysResult<std::string>::Ok("data"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ("data", ok.value());
  SysResult<int> failed = RoundTrip(SysResult<int>::Error(ECONNREFUSED));
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(ECONNREFUSED, failed.error());
}

// The student process may send anything: a reader stops at its input's end.
TEST(Wire, RefusesWhatGoesPastTheMessage) {
  Writer out;
  Put(out, uint64_t{1} << 40);  // a string "a terabyte long"
  Reader in(out.bytes());
  EXPECT_THROW(Take<std::string>(in), MalformedMessage);
  Reader short_input(std::string_view("abc"));
  EXPECT_THROW(Take<int>(short_input), MalformedMessage);
  Writer count;
  Put(count, uint64_t{1} << 62);  // a list "that long", then nothing
  Reader list(count.bytes());
  EXPECT_THROW(Take<std::vector<std::string>>(list), MalformedMessage);
}

}  // namespace
}  // namespace labkit::wire
