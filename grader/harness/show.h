// Turns values into the text a transcript shows: bytes escaped with their
// length, errno by name, socket addresses in their usual notation.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "labs/common/sys_result.h"

namespace labkit::harness {

// "EADDRINUSE (Address already in use)"; "no error (0)" for 0.
std::string ErrnoName(int error);
// AF_INET -> "AF_INET"; unknown values as numbers.
std::string FamilyName(int family);
std::string SocketTypeName(int type);
// `"a\n\x00" (3 bytes)`: printable ASCII as is, everything else escaped.
std::string EscapeBytes(std::string_view bytes);
// One byte the same way, in single quotes and without a length: 'c', '\n',
// '\x00'. What a SysResult<char> shows, rather than the byte's number.
std::string EscapeByte(char byte);
// "127.0.0.1:8080", "[::1]:8080", "unix:/tmp/x", "unix:@abstract",
// "unix:(unnamed)"; also says when the length does not match the family.
std::string FormatSockaddr(const sockaddr* address, socklen_t length);

// A value shown as its name rather than as bytes: Expect("domain",
// Family(AF_INET6), Family(actual)) prints AF_INET6, not 10.
struct Named {
  std::string text;
  bool operator==(const Named&) const = default;
};
inline Named Family(int family) { return {FamilyName(family)}; }
inline Named SocketType(int type) { return {SocketTypeName(type)}; }
inline Named Errno(int error) { return {ErrnoName(error)}; }

inline std::string Show(const Named& n) { return n.text; }
inline std::string Show(const std::string& s) { return EscapeBytes(s); }
inline std::string Show(const char* s) { return EscapeBytes(s); }
inline std::string Show(bool b) { return b ? "true" : "false"; }
inline std::string Show(char c) { return EscapeByte(c); }
inline std::string Show(int v) { return std::to_string(v); }
inline std::string Show(long v) { return std::to_string(v); }
inline std::string Show(long long v) { return std::to_string(v); }
inline std::string Show(unsigned v) { return std::to_string(v); }
// Also size_t, which is unsigned long (or unsigned) on the targets we build for.
inline std::string Show(unsigned long v) { return std::to_string(v); }
inline std::string Show(unsigned long long v) { return std::to_string(v); }
inline std::string Show(uint16_t v) { return std::to_string(v); }
inline std::string Show(Done) { return "done"; }

template <typename T>
std::string Show(const SysResult<T>& result) {
  if (result.ok()) return "ok: " + Show(result.value());
  return "error " + ErrnoName(result.error());
}

}  // namespace labkit::harness
