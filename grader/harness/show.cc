#include "grader/harness/show.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

namespace labkit::harness {

std::string ErrnoName(int error) {
  if (error == 0) return "no error (0): errno was not captured";
  const char* name = strerrorname_np(error);
  std::string text = name ? name : "errno " + std::to_string(error);
  return text + " (" + std::strerror(error) + ")";
}

std::string FamilyName(int family) {
  switch (family) {
    case AF_UNIX: return "AF_UNIX";
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_UNSPEC: return "AF_UNSPEC";
  }
  return "family " + std::to_string(family);
}

std::string SocketTypeName(int type) {
  // The flags socket() takes in its type are named too, so a call made with
  // SOCK_NONBLOCK reads SOCK_DGRAM|SOCK_NONBLOCK, not "type 2050".
  std::string flags;
  if (type & SOCK_NONBLOCK) flags += "|SOCK_NONBLOCK";
  if (type & SOCK_CLOEXEC) flags += "|SOCK_CLOEXEC";
  switch (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
    case SOCK_STREAM: return "SOCK_STREAM" + flags;
    case SOCK_DGRAM: return "SOCK_DGRAM" + flags;
    case SOCK_SEQPACKET: return "SOCK_SEQPACKET" + flags;
    case SOCK_RAW: return "SOCK_RAW" + flags;
  }
  return "type " + std::to_string(type);
}

namespace {

// One byte as EscapeBytes and EscapeByte show it; `quote` is escaped too.
void AppendEscaped(std::string& out, unsigned char c, char quote) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\\': out += "\\\\"; return;
  }
  if (c == static_cast<unsigned char>(quote)) {
    out += '\\';
    out += quote;
  } else if (c >= 0x20 && c < 0x7f) {
    out += static_cast<char>(c);
  } else {
    char hex[5];
    std::snprintf(hex, sizeof hex, "\\x%02x", c);
    out += hex;
  }
}

}  // namespace

std::string EscapeBytes(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) AppendEscaped(out, c, '"');
  out += "\" (" + std::to_string(bytes.size()) +
         (bytes.size() == 1 ? " byte)" : " bytes)");
  return out;
}

std::string EscapeByte(char byte) {
  std::string out = "'";
  AppendEscaped(out, static_cast<unsigned char>(byte), '\'');
  return out + "'";
}

namespace {

std::string FormatUnix(const sockaddr_un* un, socklen_t length) {
  const socklen_t header = offsetof(sockaddr_un, sun_path);
  if (length <= header) return "unix:(unnamed)";
  const size_t path_length = length - header;
  if (un->sun_path[0] == '\0') {
    return "unix:@" +
           std::string(un->sun_path + 1, path_length - 1) + " (abstract, length " +
           std::to_string(length) + ")";
  }
  return "unix:" + std::string(un->sun_path, strnlen(un->sun_path, path_length));
}

}  // namespace

std::string FormatSockaddr(const sockaddr* address, socklen_t length) {
  if (length < sizeof(sa_family_t)) return "(no address, length " + std::to_string(length) + ")";
  char text[INET6_ADDRSTRLEN] = "";
  switch (address->sa_family) {
    case AF_INET: {
      if (length < sizeof(sockaddr_in)) break;
      auto* in = reinterpret_cast<const sockaddr_in*>(address);
      inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
    }
    case AF_INET6: {
      if (length < sizeof(sockaddr_in6)) break;
      auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    case AF_UNIX:
      return FormatUnix(reinterpret_cast<const sockaddr_un*>(address), length);
  }
  return FamilyName(address->sa_family) + " address of length " + std::to_string(length);
}

}  // namespace labkit::harness
