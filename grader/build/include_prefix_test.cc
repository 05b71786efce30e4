// Which files may use a lab's precompiled header, and how their text changes.
#include "grader/build/include_prefix.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace labkit::build {
namespace {

const std::vector<std::string> kSkeleton = {"#include \"labs/02_bind/bind_lab.h\"",
                                            "#include <sys/socket.h>", "#include <cstring>"};

constexpr const char* kStudent =
    "// Lab 02 - my answer.\n"
    "#include \"labs/02_bind/bind_lab.h\"\n"
    "\n"
    "#include <sys/socket.h>\n"
    "#include <cstring>   \n"
    "#include <algorithm>\n"
    "\n"
    "int Answer() { return 42; }\n";

TEST(LeadingIncludesTest, ListsTheOpeningIncludesBetweenBlankAndCommentLines) {
  EXPECT_EQ(LeadingIncludes(kStudent),
            (std::vector<std::string>{"#include \"labs/02_bind/bind_lab.h\"",
                                      "#include <sys/socket.h>", "#include <cstring>",
                                      "#include <algorithm>"}));
}

TEST(LeadingIncludesTest, StopsAtTheFirstLineThatIsNotAnIncludeABlankOrALineComment) {
  EXPECT_EQ(LeadingIncludes("#define _GNU_SOURCE\n#include <cstring>\n"),
            std::vector<std::string>{});
  EXPECT_EQ(LeadingIncludes("#include <cstring>\n/* a block */\n#include <string>\n"),
            std::vector<std::string>{"#include <cstring>"});
  // A backslash continues a // comment onto the next line, which then is
  // comment too, not an include.
  EXPECT_EQ(LeadingIncludes("// see \\\n#include <string>\n"), std::vector<std::string>{});
  EXPECT_EQ(LeadingIncludes("#include <cstring> // why\n"), std::vector<std::string>{});
  EXPECT_EQ(LeadingIncludes("  #include <cstring>\n"), std::vector<std::string>{});
  EXPECT_EQ(LeadingIncludes("#include MACRO\n"), std::vector<std::string>{});
  EXPECT_EQ(LeadingIncludes(""), std::vector<std::string>{});
}

TEST(PrefixHeaderTest, IsTheIncludesOnePerLine) {
  EXPECT_EQ(PrefixHeader(kSkeleton),
            "#include \"labs/02_bind/bind_lab.h\"\n#include <sys/socket.h>\n#include <cstring>\n");
}

TEST(WithPrefixHeaderTest, IncludesThePrecompiledHeaderAndKeepsEveryLineNumber) {
  const std::optional<std::string> rewritten = WithPrefixHeader(kStudent, kSkeleton);
  ASSERT_TRUE(rewritten.has_value());
  EXPECT_EQ(*rewritten,
            "// Lab 02 - my answer.\n"
            "#include \"labkit_precompiled.h\"\n"
            "\n"
            "\n"
            "\n"
            "#include <algorithm>\n"
            "\n"
            "int Answer() { return 42; }\n");
  const std::string original = kStudent;
  EXPECT_EQ(std::count(rewritten->begin(), rewritten->end(), '\n'),
            std::count(original.begin(), original.end(), '\n'));
}

TEST(WithPrefixHeaderTest, RefusesAFileThatDoesNotOpenWithTheSameIncludesInOrder) {
  // Reordered: a header may depend on what came before it.
  EXPECT_EQ(WithPrefixHeader("#include <sys/socket.h>\n#include \"labs/02_bind/bind_lab.h\"\n"
                             "#include <cstring>\n",
                             kSkeleton),
            std::nullopt);
  // One of them missing.
  EXPECT_EQ(WithPrefixHeader("#include \"labs/02_bind/bind_lab.h\"\n#include <cstring>\n", kSkeleton),
            std::nullopt);
  // Something before them.
  EXPECT_EQ(WithPrefixHeader("#define NDEBUG\n" + PrefixHeader(kSkeleton), kSkeleton),
            std::nullopt);
  EXPECT_EQ(WithPrefixHeader(kStudent, {}), std::nullopt);
}

TEST(WithPrefixHeaderTest, KeepsAFileThatIsOnlyTheIncludesWithoutAFinalNewline) {
  EXPECT_EQ(WithPrefixHeader("#include <cstring>", {"#include <cstring>"}),
            "#include \"labkit_precompiled.h\"");
}

}  // namespace
}  // namespace labkit::build
