// Friendly terminal output: colour only when stdout is a terminal.
#pragma once

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <string>

namespace labkit::cli {

inline bool UseColour() {
  static const bool tty = ::isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nullptr;
  return tty;
}
inline std::string Paint(const char* code, const std::string& text) {
  return UseColour() ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}
inline std::string Green(const std::string& t) { return Paint("32", t); }
inline std::string Red(const std::string& t) { return Paint("31", t); }
inline std::string Bold(const std::string& t) { return Paint("1", t); }
inline std::string Dim(const std::string& t) { return Paint("2", t); }

// The terminal's width: TIOCGWINSZ on stdout, else $COLUMNS, else 100.
inline size_t TerminalWidth() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  const char* columns = std::getenv("COLUMNS");
  if (columns != nullptr && std::atoi(columns) > 0) return static_cast<size_t>(std::atoi(columns));
  return 100;
}

// "about 7 min left" for `total` jobs at the pace of the `done` taken in
// `elapsed_seconds`; "" before the first is done and after the last.
inline std::string TimeLeft(double elapsed_seconds, int done, int total) {
  if (done <= 0 || done >= total) return "";
  const double left = elapsed_seconds / done * (total - done);
  if (left < 60) {
    const int seconds = static_cast<int>(std::ceil(left));
    return "about " + std::to_string(std::max(5, (seconds + 4) / 5 * 5)) + " s left";
  }
  return "about " + std::to_string(static_cast<int>(left / 60 + 0.5)) + " min left";
}

}  // namespace labkit::cli
