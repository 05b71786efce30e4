// The one sanitiser for text a submission controls: its name, archive entry
// names in staging warnings, the compiler's errors, what its code printed,
// transcript lines, case reasons. Every report view reads the result model
// through it (see Sanitised in report_common.h), and the command line passes
// the few lines it prints about a submission through it, so no byte a student
// chose reaches a terminal, a spreadsheet or a parser as itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace labkit::report::untrusted {

// What a piece of text is: it decides what is kept and how much.
enum class Kind {
  // A submission's name or path, a lab id or title, a case name, a status.
  // One line, and '\' is escaped as "\\" too: two different names never look
  // alike once escaped (the gradebook tells submissions apart by this form).
  kName,
  // One line of prose: a reason, a staging warning, the isolation note, a
  // line of a transcript.
  kLine,
  // Text that is several lines by nature: the compiler's errors, a failed
  // expectation, what the code printed. Newline and tab are kept as they are.
  kBlock,
};

// The most bytes Clean() returns for a kind, not counting the cut marker.
// kName's is above any escaped file name (255 bytes, 4 each at worst).
size_t Limit(Kind kind);

// `text` with every character a reader must not receive as itself written as
// a visible escape, then cut to Limit(kind) bytes. Escaped: C0 controls (ESC
// "\x1b", CR "\r", BEL "\x07", NUL "\x00"; newline and tab too unless the kind
// is kBlock), DEL, C1 controls ("\u{009b}"), bidirectional controls that
// reorder what a terminal shows (U+061C, U+200E-200F, U+202A-202E,
// U+2066-2069), line and paragraph separators, BOM, U+FFFE-FFFF, and each
// byte that is not valid UTF-8 ("\xff"). Everything else is kept. A cut text
// ends in "… (N more bytes)", N counting the input's bytes left out. The
// result is valid UTF-8 and holds only characters XML 1.0 allows.
std::string Clean(std::string_view text, Kind kind);

// The same escaping without a cap, for a view that lays out text it got from
// Clean(): with keep_newlines false a kBlock text becomes one line. Applying
// it to its own result changes nothing.
std::string Printable(std::string_view text, bool keep_newlines);

// `cell` as a spreadsheet must read it: as text, never as a formula. A cell
// that starts with '=', '+', '-', '@', tab or CR (what Excel, LibreOffice and
// Google Sheets evaluate), or with the single quote itself (so the change can
// be undone and two cells never become one), gets a leading "'".
std::string NeutraliseFormula(std::string_view cell);

// One CSV field: NeutraliseFormula(cell), in RFC 4180 double quotes when it
// holds a comma, quote, CR or LF, or a ';' or tab (the separators of some
// locales' spreadsheets), with inner quotes doubled.
std::string CsvField(std::string_view cell);

}  // namespace labkit::report::untrusted
