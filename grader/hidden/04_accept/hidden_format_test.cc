// Lab 04 hidden tests for FormatPeer at its limits: the longest text of each
// family, and AF_UNIX addresses read by their length, not by where a NUL
// happens to be. Graded together with the public ones.
#include <sys/un.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {
namespace {

// The offset of sun_path: what an AF_UNIX address's length counts first.
constexpr socklen_t kUnixHeader = offsetof(sockaddr_un, sun_path);

// FormatPeer of the code under test on an AF_UNIX address the test fills
// itself: the first `length` bytes of `storage` are the address, and every
// byte after them is `junk`, which must not show.
void ExpectFormatsUnix(Script& s, const std::string& what, sockaddr_storage& storage,
                       socklen_t length, const std::string& expected, std::string_view hint) {
  s.Note("the sockaddr_un: " + what + ", length " + std::to_string(length));
  s.Expect("FormatPeer(" + what + ")", expected,
           s.Call(LABKIT_CALL(FormatPeer, As("sockaddr_un", storage), length)), hint);
}

// A sockaddr_storage holding an AF_UNIX address whose sun_path starts with
// `name`, and whose every byte after the name is `junk`.
sockaddr_storage UnixStorage(const std::string& name, char junk) {
  sockaddr_storage storage;
  std::memset(&storage, junk, sizeof storage);
  auto& un = reinterpret_cast<sockaddr_un&>(storage);
  un.sun_family = AF_UNIX;
  std::memcpy(un.sun_path, name.data(), name.size());
  return storage;
}

TEST(Accept, FormatsTheLongestAddressOfEachFamily) {
  RunCase({.points = 2}, [](Script& s) {
    // 1. Internet addresses whose text is as long as inet_ntop ever writes.
    ExpectFormatsInet(s, "255.255.255.255", 65535, "255.255.255.255:65535",
                      "15 characters and a NUL: INET_ADDRSTRLEN (16) is the room an IPv4 "
                      "address needs");
    const std::string widest = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    ExpectFormatsInet(s, widest, 65535, "[" + widest + "]:65535",
                      "an IPv6 address can take 39 characters: give inet_ntop a buffer of "
                      "INET6_ADDRSTRLEN (46) bytes, and check what it returns");

    // 2. The longest path that still has its NUL: 107 characters, length 110.
    const size_t room = sizeof(sockaddr_un::sun_path);
    std::string path = "/" + std::string(room - 2, 'p');
    sockaddr_storage storage = UnixStorage(path + '\0', 'X');
    ExpectFormatsUnix(s, "a path of 107 characters and its NUL, then 'X' bytes", storage,
                      kUnixHeader + room, "unix:" + path,
                      "a path ends at its NUL: read no further than that");

    // 3. A path of 108 characters fills sun_path: the kernel writes its NUL
    //    just past it and counts it, so the length is 111 (as accept() and
    //    getpeername() report a client bound to such a path).
    path = "/" + std::string(room - 1, 'q');
    storage = UnixStorage(path + '\0', 'X');
    ExpectFormatsUnix(s, "a path of 108 characters, its NUL past sun_path, then 'X' bytes",
                      storage, kUnixHeader + room + 1, "unix:" + path,
                      "a path can fill all 108 bytes of sun_path; its NUL then comes after "
                      "sun_path, inside the sockaddr_storage and the length");

    // 4. The longest abstract name: 107 bytes after the leading NUL.
    const std::string name(room - 1, 'a');
    storage = UnixStorage('\0' + name, 'X');
    ExpectFormatsUnix(s, "an abstract name of 107 bytes, then 'X' bytes", storage,
                      kUnixHeader + room, "unix:@" + name,
                      "an abstract name is every byte the length covers after sun_path[0]");

    // 5. Other families by number, up to the largest sa_family_t holds.
    for (sa_family_t family : {sa_family_t{AF_NETLINK}, sa_family_t{65535}}) {
      storage = {};
      storage.ss_family = family;
      const std::string expected = "family " + std::to_string(family);
      s.Expect("FormatPeer(ss_family " + std::to_string(family) + ")", expected,
               s.Call("FormatPeer(an address of family " + std::to_string(family) + ")",
                      [&] { return FormatPeer(storage, sizeof(sa_family_t)); }),
               "ss_family is a number in host order, 0 to 65535: write it as it is");
    }
  });
}

TEST(Accept, FormatsAUnixAddressByItsLength) {
  RunCase({.points = 1}, [](Script& s) {
    // 1. A short path over the end of a longer one written before: the path
    //    ends at its NUL, which the length counts.
    const std::string path = "/tmp/a.sock";
    sockaddr_storage storage = UnixStorage("/tmp/a-much-longer-name.sock", '\0');
    std::memcpy(reinterpret_cast<sockaddr_un&>(storage).sun_path, path.c_str(), path.size() + 1);
    ExpectFormatsUnix(s, "\"/tmp/a.sock\" and its NUL over an older, longer path", storage,
                      kUnixHeader + static_cast<socklen_t>(path.size() + 1), "unix:" + path,
                      "a path ends at its NUL: neither the NUL nor what lies after it belongs "
                      "to the name");

    // 2. Length 2: only the family was filled in. Old bytes in sun_path (a
    //    buffer used before) are not a name.
    storage = UnixStorage("/tmp/old.sock", '\0');
    ExpectFormatsUnix(s, "family only; sun_path still holds \"/tmp/old.sock\"", storage,
                      sizeof(sa_family_t), "unix:(unnamed)",
                      "decide by the length first: a length of 2 is an unnamed client, "
                      "whatever sun_path holds");

    // 3. The shortest abstract name: one byte after the leading NUL.
    storage = UnixStorage(std::string("\0z", 2), 'X');
    ExpectFormatsUnix(s, "the abstract name \"z\", then 'X' bytes", storage, kUnixHeader + 2,
                      "unix:@z", "an abstract name is the bytes after sun_path[0], up to the length");
  });
}

}  // namespace
}  // namespace labkit::lab04
