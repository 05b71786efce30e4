// The student process's half of a graded case (see remote_client.h): a
// small server that receives calls of the lab's functions, runs the
// student's code on them with the call recorder on, and answers with the
// result and the calls it recorded. It is linked into the student's shared
// library, so it is as untrusted as the code it serves: nothing it says
// decides a verdict; the test process checks what it can see itself.
//
// A lab registers its functions once (grader/hidden/NN/server.cc):
//   const bool registered = (Serve("OpenSocket", &OpenSocket), ..., true);
#pragma once

#include <functional>
#include <string>
#include <tuple>

#include "grader/harness/wire.h"

namespace labkit::harness::server {

using Handler = std::function<void(wire::Reader& arguments, wire::Writer& result)>;
void Add(const char* name, Handler handler);

// Registers lab function `function` under `name`.
template <typename R, typename... A>
void Serve(const char* name, R (*function)(A...)) {
  Add(name, [function](wire::Reader& in, wire::Writer& out) {
    using wire::Put;
    std::tuple<wire::Stored<A>...> args{wire::Take<wire::Stored<A>>(in)...};
    Put(out, std::apply(function, args));
  });
}

// For a function argument: calls the test's function `id` back over the
// channel this thread serves, and returns its answer's bytes.
std::string CallBack(int64_t id, const std::string& arguments);

}  // namespace labkit::harness::server

namespace labkit::wire {

template <typename R, typename... A>
std::function<R(A...)> Take(Reader& in, Tag<std::function<R(A...)>>) {
  const int64_t id = Take<int64_t>(in);
  return [id](A... args) -> R {
    Writer call;
    (Put(call, args), ...);
    const std::string answer = harness::server::CallBack(id, call.bytes());
    Reader result(answer);
    return Take<R>(result);
  };
}

}  // namespace labkit::wire

// The entry point the test process's loader looks up (remote_client.cc).
extern "C" int labkit_serve(int control_fd);
