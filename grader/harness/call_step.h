// A call as a step: the function, its arguments, and the label a transcript
// shows for it, built from the same arguments, so a test states each call
// once. In the style of Stanford CS144's minnow, where a test's steps are
// typed values whose text comes from their own data.
//
//   s.ExpectOk(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1", port));
//   // step: BindInet(fd, "127.0.0.1", 41027) -> ok: done
//
// An argument shows as itself: text in double quotes, a number in decimal.
// As(text, value) passes `value` and shows `text` instead: a descriptor by
// the name the test gave it, an address in its usual notation, a long
// buffer by its size.
#pragma once

#include <concepts>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace labkit::harness {

// A value shown in a label as `text`.
template <typename T>
struct Shown {
  std::string text;
  T value;
};

template <typename T>
Shown<std::decay_t<T>> As(std::string text, T&& value) {
  return {std::move(text), std::forward<T>(value)};
}

// How an argument shows in a label.
inline std::string ArgText(std::string_view text) { return "\"" + std::string(text) + "\""; }
inline std::string ArgText(const char* text) { return ArgText(std::string_view(text)); }
template <std::integral T>
std::string ArgText(T number) {
  return std::to_string(number);
}
template <typename T>
std::string ArgText(const Shown<T>& shown) {
  return shown.text;
}

template <typename T>
struct IsShown : std::false_type {};
template <typename T>
struct IsShown<Shown<T>> : std::true_type {};

// What a step keeps of an argument: its value, with text as a std::string
// so that a step never points at a temporary.
template <typename Arg>
auto Kept(Arg&& argument) {
  using Plain = std::remove_cvref_t<Arg>;
  if constexpr (IsShown<Plain>::value) {
    return Kept(std::forward<Arg>(argument).value);
  } else if constexpr (std::is_convertible_v<Plain, std::string_view>) {
    return std::string(argument);
  } else {
    return Plain(std::forward<Arg>(argument));
  }
}

// A call of `run` (no arguments: they are bound in) shown as `label`.
template <typename Run>
struct CallStep {
  std::string label;
  Run run;

  // Says why the step is taken: "close(server): the server stops".
  CallStep Because(std::string_view why) && {
    label.append(": ").append(why);
    return std::move(*this);
  }
  // Adds a remark: "BoundPort(fds[0]), a pipe".
  CallStep Remark(std::string_view remark) && {
    label.append(", ").append(remark);
    return std::move(*this);
  }
};

// `name(arguments...)`, run as function(arguments...).
template <typename Function, typename... Args>
auto MakeCall(std::string_view name, Function function, Args&&... args) {
  std::string label(name);
  label += '(';
  std::string_view separator;
  ((label.append(separator).append(ArgText(args)), separator = ", "), ...);
  label += ')';
  auto kept = std::make_tuple(Kept(std::forward<Args>(args))...);
  auto run = [function, kept]() { return std::apply(function, kept); };
  return CallStep<decltype(run)>{std::move(label), std::move(run)};
}

}  // namespace labkit::harness

// A call of the code under test (or any function) as a step, its label
// built from the function's name and the arguments as passed.
#define LABKIT_CALL(function, ...)                                                  \
  ::labkit::harness::MakeCall(                                                      \
      #function,                                                                    \
      [&](const auto&... arguments) -> decltype(auto) { return function(arguments...); } \
          __VA_OPT__(, ) __VA_ARGS__)
