// The sanitiser on its own: what it escapes, what it keeps, where it cuts,
// and how it makes a spreadsheet cell inert.
#include "grader/report/untrusted_text.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace labkit::report::untrusted {
namespace {

using namespace std::string_literals;

// What a one-line kind and kBlock both leave of every byte value.
std::string EveryByte() {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  return bytes;
}

TEST(Clean, EscapesControlsAnsiNulAndInvalidBytesButKeepsUtf8) {
  std::string shown = Clean("a\0b\x1b[2J\x7f\r\x07\xff \xC2\x9B \xE2\x80\xAE é…"s, Kind::kLine);
  EXPECT_EQ(shown, "a\\x00b\\x1b[2J\\x7f\\r\\x07\\xff \\u{009b} \\u{202e} é…");
}

TEST(Clean, KeepsNewlinesAndTabsOnlyInBlocks) {
  EXPECT_EQ(Clean("a\tb\nc\r\n", Kind::kBlock), "a\tb\nc\\r\n");
  EXPECT_EQ(Clean("a\tb\nc", Kind::kLine), "a\\tb\\nc");
  EXPECT_EQ(Clean("a\tb\nc", Kind::kName), "a\\tb\\nc");
}

TEST(Clean, EscapesEveryBidirectionalControl) {
  const char32_t controls[] = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
                               0x202E, 0x2066, 0x2067, 0x2068, 0x2069};
  for (char32_t cp : controls) {
    std::string utf8;
    if (cp < 0x800) {
      utf8 = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    } else {
      utf8 = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
              static_cast<char>(0x80 | (cp & 0x3F))};
    }
    char expected[16];
    std::snprintf(expected, sizeof expected, "\\u{%04x}", static_cast<unsigned>(cp));
    EXPECT_EQ(Clean("178/215" + utf8 + "x", Kind::kLine), "178/215" + std::string(expected) + "x");
  }
}

TEST(Clean, RejectsOverlongAndSurrogateSequences) {
  // "\xC0\xAF" is an overlong '/', "\xED\xA0\x80" a UTF-16 surrogate.
  EXPECT_EQ(Clean("\xC0\xAF\xED\xA0\x80", Kind::kLine), "\\xc0\\xaf\\xed\\xa0\\x80");
}

TEST(Clean, EscapesBackslashesInNamesSoTwoNamesNeverLookAlike) {
  EXPECT_EQ(Clean("a\\x1b", Kind::kName), "a\\\\x1b");
  EXPECT_NE(Clean("a\\x1b", Kind::kName), Clean("a\x1b", Kind::kName));
  // Transcripts show bytes escaped by the harness: those stay as they are.
  EXPECT_EQ(Clean("\"a\\n\" (2 bytes)", Kind::kLine), "\"a\\n\" (2 bytes)");
}

TEST(Clean, LeavesNoRawControlOrInvalidByteWhateverTheInput) {
  for (Kind kind : {Kind::kName, Kind::kLine, Kind::kBlock}) {
    std::string shown = Clean(EveryByte(), kind);
    for (char c : shown) {
      unsigned char u = static_cast<unsigned char>(c);
      bool allowed = u >= 0x20 && u != 0x7F && u < 0x80;  // only ASCII: every other byte was lone
      if (kind == Kind::kBlock) allowed = allowed || c == '\n' || c == '\t';
      EXPECT_TRUE(allowed) << "byte " << int{u} << " in " << shown;
    }
  }
}

TEST(Clean, IsWhatPrintableLeavesAloneSoViewsCanEscapeAgainSafely) {
  std::string hostile = EveryByte() + "\xE2\x80\xAE\xE2\x81\xA6 é\n\\";
  EXPECT_EQ(Printable(Clean(hostile, Kind::kLine), false), Clean(hostile, Kind::kLine));
  EXPECT_EQ(Printable(Clean(hostile, Kind::kBlock), true), Clean(hostile, Kind::kBlock));
  EXPECT_EQ(Printable(Clean(hostile, Kind::kBlock), false), Clean(hostile, Kind::kLine));
}

TEST(Clean, CapsEachKindAndSaysHowMuchWasLeftOut) {
  for (Kind kind : {Kind::kName, Kind::kLine, Kind::kBlock}) {
    std::string text(Limit(kind) + 100, 'a');
    EXPECT_EQ(Clean(text, kind), std::string(Limit(kind), 'a') + "… (100 more bytes)");
    EXPECT_EQ(Clean(std::string(Limit(kind), 'a'), kind), std::string(Limit(kind), 'a'));
  }
  EXPECT_LT(Limit(Kind::kName), Limit(Kind::kLine));
  EXPECT_LT(Limit(Kind::kLine), Limit(Kind::kBlock));
  EXPECT_GE(Limit(Kind::kName), 255u * 4);  // a whole escaped file name
}

TEST(Clean, NeverCutsAnEscapeOrACharacterInTwo) {
  // 4 bytes of escape per ESC: the cut falls between two escapes, and N
  // counts the input's bytes, not the escapes'.
  size_t limit = Limit(Kind::kLine);
  std::string shown = Clean(std::string(limit, '\x1b'), Kind::kLine);
  std::string kept;
  for (size_t i = 0; i < limit / 4; ++i) kept += "\\x1b";
  EXPECT_EQ(shown, kept + "… (" + std::to_string(limit - limit / 4) + " more bytes)");
  // A 3-byte character that would straddle the limit is left out whole.
  std::string cut = Clean(std::string(limit - 1, 'a') + "…", Kind::kLine);
  EXPECT_EQ(cut, std::string(limit - 1, 'a') + "… (3 more bytes)");
}

TEST(NeutraliseFormula, PrefixesWhatASpreadsheetWouldEvaluate) {
  for (std::string cell : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted"}) {
    EXPECT_EQ(NeutraliseFormula(cell), "'" + cell) << cell;
  }
  for (std::string cell : {"", "alice", "12", "a=1", " =1"}) {
    EXPECT_EQ(NeutraliseFormula(cell), cell) << cell;
  }
}

TEST(CsvField, NeutralisesThenQuotesPerRfc4180) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"click\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"");
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("-5"), "'-5");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  // ';' separates cells in some locales: quoted, "=..." after it is no cell start.
  EXPECT_EQ(CsvField("x;=1+1"), "\"x;=1+1\"");
}

}  // namespace
}  // namespace labkit::report::untrusted
