// Interrupting a thread while it is blocked in a system call, on demand and
// without sleeping. A test that checks how code handles EINTR (or a send or
// recv cut short) cannot just send a signal at some moment: it would land
// before or after the call and prove nothing. So another thread watches
// /proc until the thread sleeps in the call, sends it SIGUSR1 with tgkill,
// and waits until the handler ran. The handler was installed without
// SA_RESTART, so the kernel does not restart the call: it returns early.
//
// Only the case's main thread may use the Script: the helpers a watching
// thread calls (SleepsIn, SpinUntil, Interrupt) never touch it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <vector>

#include "grader/harness/script.h"

namespace labkit::harness {

// Installs a SIGUSR1 handler without SA_RESTART, recorded as a step; the
// handler only counts. A blocked call it interrupts fails with EINTR, or
// returns what it moved so far, instead of being restarted by the kernel.
void InstallInterruptHandler(Script& s);

// How many times that handler has run in this process.
int InterruptsHandled();

// The calling thread's id (gettid), to watch it and to tgkill it.
pid_t ThisThread();

// For SleepsIn: any first argument will do.
inline constexpr int kAnyFd = -1;

// Whether thread `tid` of this process sleeps (state S) in one of the system
// calls `calls` (SYS_accept, ...), and, unless fd is kAnyFd, with fd as the
// call's first argument. Read from /proc/self/task/<tid>/{syscall,stat}; the
// syscall file is read again after the state, so a thread that moved on to
// another call meanwhile does not count.
bool SleepsIn(pid_t tid, const std::vector<long>& calls, int fd = kAnyFd);

// The calls a loop may wait in for readiness before the call it is about:
// poll, select, epoll_wait and their p- forms. Waiting there counts as
// blocked too: a signal interrupts those the same way.
const std::vector<long>& ReadinessWaits();

// Spins until `done` holds (true), or `timeout_ms` pass or `give_up` (if
// given) turns true (false). It yields the CPU between looks instead of
// sleeping, so it reacts at once and a slow machine only makes it look more
// often.
bool SpinUntil(const std::function<bool()>& done, int timeout_ms,
               const std::atomic<bool>* give_up = nullptr);

enum class Interruption {
  kDone,             // the thread was blocked, got SIGUSR1 and the handler ran
  kNeverBlocked,     // `blocked` never held within the bound
  kHandlerNeverRan,  // the signal was sent, but the handler did not run in time
};

// From a thread other than `tid`: waits (SpinUntil) until `blocked` holds,
// sends thread `tid` SIGUSR1, then waits until the handler has run once more.
// Each wait is bounded by timeout_ms and `give_up`.
Interruption Interrupt(pid_t tid, const std::function<bool()>& blocked, int timeout_ms,
                       const std::atomic<bool>* give_up = nullptr);

}  // namespace labkit::harness
