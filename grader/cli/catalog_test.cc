// The lab catalogue: every way a user names a lab finds it, and a wrong
// name gets one line that lists the labs.
#include "grader/cli/catalog.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace labkit::cli {
namespace {

std::string MakeKit(const std::string& catalogue) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string root = std::string(tmp ? tmp : "/tmp") + "/kit";
  std::filesystem::create_directories(root + "/labs");
  std::ofstream(root + "/labs/labs.json") << catalogue;
  return root;
}

const char* const kTwoLabs = R"({"labs": [
  {"id": "01_socket", "title": "socket", "files": ["socket_lab.cc"], "handout": "h1.md"},
  {"id": "02_bind", "title": "bind", "files": ["bind_lab.cc"], "handout": "h2.md"}]})";

TEST(Catalog, FindsALabByNumberNameOrFolder) {
  std::vector<Lab> labs = LoadCatalog(MakeKit(kTwoLabs));
  ASSERT_EQ(labs.size(), 2u);
  for (const char* query : {"2", "02", "bind", "02_bind"}) {
    EXPECT_EQ(FindLab(labs, query).id, "02_bind") << query;
  }
  EXPECT_EQ(FindLab(labs, "01").files.front(), "socket_lab.cc");
}

TEST(Catalog, AnUnknownLabListsTheLabs) {
  std::vector<Lab> labs = LoadCatalog(MakeKit(kTwoLabs));
  try {
    FindLab(labs, "listen");
    FAIL() << "an unknown lab was found";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "there is no lab 'listen'; the labs are 01 (01_socket), 02 (02_bind)");
  }
  EXPECT_THROW(FindLab(labs, ""), UserError);
  EXPECT_THROW(FindLab(labs, "99999999999999999999"), UserError);
}

TEST(Catalog, ABrokenCatalogueIsAUserError) {
  EXPECT_THROW(LoadCatalog(MakeKit("{\"labs\": [")), UserError);
  EXPECT_THROW(LoadCatalog("/nonexistent"), UserError);
}

}  // namespace
}  // namespace labkit::cli
