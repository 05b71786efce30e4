// The bytes a lab function's call and result travel as, between the trusted
// test process (remote_client.h) and the student process (call_server.h).
//
// Values are written in order, each integer as 8 bytes; strings carry their
// length first. A struct of a lab's header travels field by field: the lab
// declares `Fields(T&)` returning std::tie of its members, found by ADL.
// Everything read comes from a process that may be hostile, so a Reader
// never reads past its input and throws MalformedMessage instead.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "labs/common/sys_result.h"

namespace labkit::wire {

struct MalformedMessage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Writer {
 public:
  void Bytes(const void* data, size_t size) {
    bytes_.append(static_cast<const char*>(data), size);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view input) : input_(input) {}
  void Bytes(void* out, size_t size) {
    if (size > input_.size()) throw MalformedMessage("a message ended too early");
    std::memcpy(out, input_.data(), size);
    input_.remove_prefix(size);
  }
  std::string_view Take(size_t size) {
    if (size > input_.size()) throw MalformedMessage("a string is longer than its message");
    std::string_view taken = input_.substr(0, size);
    input_.remove_prefix(size);
    return taken;
  }
  bool empty() const { return input_.empty(); }
  std::string_view rest() const { return input_; }

 private:
  std::string_view input_;
};

// How an argument is held while it is decoded: a view needs an owner.
template <typename T>
struct StoredAs {
  using type = std::remove_cvref_t<T>;
};
template <>
struct StoredAs<std::string_view> {
  using type = std::string;
};
template <typename T>
using Stored = typename StoredAs<std::remove_cvref_t<T>>::type;

template <typename T>
concept Scalar = std::is_integral_v<T> || std::is_enum_v<T>;

template <typename T>
concept HasFields = requires(T& value) { Fields(value); };

template <Scalar T>
void Put(Writer& out, T value) {
  int64_t wide = static_cast<int64_t>(value);
  out.Bytes(&wide, sizeof wide);
}
inline void Put(Writer& out, std::string_view text) {
  Put(out, static_cast<uint64_t>(text.size()));
  out.Bytes(text.data(), text.size());
}
inline void Put(Writer& out, const std::string& text) { Put(out, std::string_view(text)); }
inline void Put(Writer& out, const char* text) { Put(out, std::string_view(text)); }
inline void Put(Writer& out, const sockaddr_storage& address) {
  out.Bytes(&address, sizeof address);
}
inline void Put(Writer&, const Done&) {}
template <HasFields T>
void Put(Writer& out, const T& value) {
  std::apply([&](const auto&... field) { (Put(out, field), ...); },
             Fields(const_cast<T&>(value)));
}
inline void Put(Writer& out, const std::vector<std::string>& items) {
  Put(out, static_cast<uint64_t>(items.size()));
  for (const std::string& item : items) Put(out, item);
}
template <typename T>
void Put(Writer& out, const SysResult<T>& result) {
  Put(out, result.ok());
  Put(out, result.error());
  if (result.ok()) Put(out, result.value());
}

// Take<T>(in) reads one T; each kind of value has its own overload below.
template <typename T>
struct Tag {};

template <typename T>
T Take(Reader& in) {
  return Take(in, Tag<T>{});
}

template <Scalar T>
T Take(Reader& in, Tag<T>) {
  int64_t wide;
  in.Bytes(&wide, sizeof wide);
  return static_cast<T>(wide);
}
inline std::string Take(Reader& in, Tag<std::string>) {
  return std::string(in.Take(Take<uint64_t>(in)));
}
inline sockaddr_storage Take(Reader& in, Tag<sockaddr_storage>) {
  sockaddr_storage address;
  in.Bytes(&address, sizeof address);
  return address;
}
inline Done Take(Reader&, Tag<Done>) { return {}; }
template <HasFields T>
T Take(Reader& in, Tag<T>) {
  T value{};
  std::apply([&](auto&... field) { ((field = Take<std::remove_cvref_t<decltype(field)>>(in)), ...); },
             Fields(value));
  return value;
}
// Each item takes at least its length's 8 bytes, so a hostile count still
// ends at the message's end.
inline std::vector<std::string> Take(Reader& in, Tag<std::vector<std::string>>) {
  std::vector<std::string> items(0);
  for (uint64_t n = Take<uint64_t>(in); n > 0; --n) items.push_back(Take<std::string>(in));
  return items;
}
template <typename T>
SysResult<T> Take(Reader& in, Tag<SysResult<T>>) {
  const bool ok = Take<bool>(in);
  const int error = Take<int>(in);
  if (ok) return SysResult<T>::Ok(Take<T>(in));
  return SysResult<T>::Error(error);
}

}  // namespace labkit::wire
