// Kernel objects that outlive the processes that made them and are not
// files: System V shared memory, semaphores and message queues, and POSIX
// message queues. A jail session's IPC namespace outlives its cases, so a
// case could leave one for the next case to find (session.h); the session
// server removes them all between cases.
//
// The server is root in the jail but lacks CAP_SYS_ADMIN and CAP_FOWNER,
// which removing another user's object needs: it becomes each object's
// owner (seteuid, with CAP_SETUID) for the moment of removing it.
#pragma once

#include <string>

namespace labkit::harness {

// Removes every System V IPC object of this IPC namespace, as listed in
// /proc/sysvipc; returns how many it removed.
int SweepSystemVObjects();

// Removes every POSIX message queue in `mqueue_dir`, a mount of this IPC
// namespace's mqueue file system (the jail's /dev/mqueue); returns how
// many it removed.
int SweepMessageQueues(const std::string& mqueue_dir);

}  // namespace labkit::harness
