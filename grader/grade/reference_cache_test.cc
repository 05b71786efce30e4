// The reference transcript cache gives back what was stored only under the
// same key and case count, survives a damaged file, and writes only when it
// changed.
#include "grader/grade/reference_cache.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "grader/testing/scratch.h"
namespace labkit::grade {
namespace {

namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<Transcript> kTwoCases = {{"1. found a free port: P1", "     | bind(fd #1) = 0"},
                                           {"1. socket(AF_INET) -> 3"}};

TEST(ReferenceCache, GivesBackWhatWasSavedUnderTheSameKeyAndCaseCount) {
  const std::string path = scratch::Path("kit/.labkit/reference-transcripts.json");
  ReferenceCache first(path);
  first.Store("02_bind", "k1", kTwoCases);
  first.Save();
  ReferenceCache second(path);
  EXPECT_EQ(second.Find("02_bind", "k1", 2), kTwoCases);
}

TEST(ReferenceCache, MissesOnAnotherKeyAnotherCaseCountOrAnotherLab) {
  ReferenceCache cache(scratch::Path("miss.json"));
  cache.Store("02_bind", "k1", kTwoCases);
  EXPECT_EQ(cache.Find("02_bind", "k2", 2), std::nullopt);  // a binary changed
  EXPECT_EQ(cache.Find("02_bind", "k1", 3), std::nullopt);  // a case was added
  EXPECT_EQ(cache.Find("03_listen", "k1", 2), std::nullopt);
}

TEST(ReferenceCache, StoringAgainReplacesTheLabsEntryAndKeepsTheOthers) {
  const std::string path = scratch::Path("replace.json");
  ReferenceCache cache(path);
  cache.Store("02_bind", "old", kTwoCases);
  cache.Store("03_listen", "k", {{"a"}});
  cache.Store("02_bind", "new", {{"b"}});
  cache.Save();
  ReferenceCache read(path);
  EXPECT_EQ(read.Find("02_bind", "old", 2), std::nullopt);
  EXPECT_EQ(read.Find("02_bind", "new", 1), (std::vector<Transcript>{{"b"}}));
  EXPECT_EQ(read.Find("03_listen", "k", 1), (std::vector<Transcript>{{"a"}}));
}

TEST(ReferenceCache, AMissingOrDamagedFileIsAnEmptyCache) {
  EXPECT_EQ(ReferenceCache(scratch::Path("none.json")).Find("02_bind", "k1", 2), std::nullopt);
  for (const char* text : {"{not json", "[1, 2]", R"({"02_bind": {"key": "k1", "transcripts": [1, 2]}})",
                           R"({"02_bind": "k1"})"}) {
    const std::string path = scratch::Path("damaged.json");
    std::ofstream(path) << text;
    EXPECT_EQ(ReferenceCache(path).Find("02_bind", "k1", 2), std::nullopt) << text;
  }
}

TEST(ReferenceCache, WritesNothingWhenNothingWasStored) {
  const std::string path = scratch::Path("untouched.json");
  std::ofstream(path) << "{not json";
  ReferenceCache cache(path);
  EXPECT_EQ(cache.Find("02_bind", "k1", 2), std::nullopt);
  cache.Save();
  EXPECT_EQ(Read(path), "{not json");
}

TEST(ReferenceCache, SavingLeavesNoHalfWrittenFileBehind) {
  const std::string dir = scratch::Path("atomic");
  ReferenceCache cache(dir + "/cache.json");
  cache.Store("02_bind", "k1", kTwoCases);
  cache.Save();
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"cache.json"});
}

TEST(Fingerprint, IsStableForTheSameBytesAndChangesWithThem) {
  const std::string a = scratch::Path("a.bin"), b = scratch::Path("b.bin"), c = scratch::Path("c.bin");
  std::ofstream(a) << "binary one";
  std::ofstream(b) << "binary one";
  std::ofstream(c) << "binary two";
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  EXPECT_NE(Fingerprint(a), Fingerprint(c));
  const std::string empty = scratch::Path("empty.bin");
  std::ofstream(empty) << "";
  EXPECT_EQ(Fingerprint(scratch::Path("absent.bin")), Fingerprint(empty));  // no bytes either way
  EXPECT_NE(Fingerprint(empty), Fingerprint(a));
}

}  // namespace
}  // namespace labkit::grade
