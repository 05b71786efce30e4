#include "grader/report/untrusted_text.h"

#include <algorithm>
#include <cstdio>

namespace labkit::report::untrusted {
namespace {

constexpr size_t kNameLimit = 1024;
constexpr size_t kLineLimit = 2048;
constexpr size_t kBlockLimit = 32 * 1024;  // the harness keeps 16 KiB of output; most of it shows

// Decodes the UTF-8 sequence at text[i]. Returns its length and sets `cp`,
// or returns 0 if the bytes there are not a valid, shortest-form sequence of
// a scalar value (surrogates and values above U+10FFFF are invalid).
size_t Decode(std::string_view text, size_t i, char32_t& cp) {
  unsigned char b = static_cast<unsigned char>(text[i]);
  size_t length;
  char32_t min;
  if (b < 0x80) {
    cp = b;
    return 1;
  } else if ((b & 0xE0) == 0xC0) {
    length = 2, min = 0x80, cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    length = 3, min = 0x800, cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

// Code points that are valid but must not reach a reader as themselves: C1
// controls (0x9B is CSI to some terminals), bidirectional controls (they
// reorder what is shown, so "178/215" can be made to read otherwise), line
// separators, the BOM, and the two noncharacters XML 1.0 forbids.
bool Unsafe(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

std::string Hex(const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

struct Rules {
  bool keep_newlines = false;
  bool escape_backslash = false;
  size_t limit = std::string::npos;
};

// Escapes `text` piece by piece (a code point or an invalid byte), stopping
// before the piece that would take the result past `rules.limit`: a cut never
// splits a character or an escape.
std::string Escape(std::string_view text, const Rules& rules) {
  std::string out;
  out.reserve(std::min(text.size(), rules.limit));
  std::string piece;
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    size_t length = Decode(text, i, cp);
    if (length == 0) {
      piece = Hex("\\x%02x", static_cast<unsigned char>(text[i]));
      length = 1;
    } else if (cp == '\n' || cp == '\t') {
      piece = rules.keep_newlines ? std::string(1, static_cast<char>(cp)) : cp == '\n' ? "\\n" : "\\t";
    } else if (cp == '\r') {
      piece = "\\r";
    } else if (cp < 0x20 || cp == 0x7F) {
      piece = Hex("\\x%02x", static_cast<unsigned>(cp));
    } else if (Unsafe(cp)) {
      piece = Hex("\\u{%04x}", static_cast<unsigned>(cp));
    } else if (cp == '\\' && rules.escape_backslash) {
      piece = "\\\\";
    } else {
      piece.assign(text.substr(i, length));
    }
    if (out.size() + piece.size() > rules.limit) {
      return out + "\xE2\x80\xA6 (" + std::to_string(text.size() - i) + " more bytes)";
    }
    out += piece;
    i += length;
  }
  return out;
}

}  // namespace

size_t Limit(Kind kind) {
  switch (kind) {
    case Kind::kName: return kNameLimit;
    case Kind::kLine: return kLineLimit;
    case Kind::kBlock: return kBlockLimit;
  }
  return kLineLimit;
}

std::string Clean(std::string_view text, Kind kind) {
  return Escape(text, {kind == Kind::kBlock, kind == Kind::kName, Limit(kind)});
}

std::string Printable(std::string_view text, bool keep_newlines) {
  return Escape(text, {keep_newlines, false, std::string::npos});
}

std::string NeutraliseFormula(std::string_view cell) {
  if (!cell.empty() && std::string_view("=+-@\t\r'").find(cell.front()) != std::string_view::npos) {
    return "'" + std::string(cell);
  }
  return std::string(cell);
}

std::string CsvField(std::string_view cell) {
  std::string text = NeutraliseFormula(cell);
  if (text.find_first_of(",\"\r\n;\t") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace labkit::report::untrusted
