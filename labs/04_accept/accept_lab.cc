// Lab 04 — your code goes here. See accept_lab.h for the contract and
// handouts/04_accept.md for the walkthrough.
#include "labs/04_accept/accept_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "labs/common/unique_fd.h"

namespace labkit::lab04 {

std::string FormatPeer(const sockaddr_storage& address, socklen_t length) {
  (void)address, (void)length;
  // TODO(step 1): switch on ss_family; inet_ntop and ntohs for the Internet
  // families, sun_path and `length` for AF_UNIX.
  return "";
}

SysResult<Accepted> AcceptWithPeer(int listen_fd) {
  (void)listen_fd;
  // TODO(step 2): accept() into a sockaddr_storage whose length you set
  // first; then FormatPeer.
  return SysResult<Accepted>::Error(ENOSYS);
}

SysResult<int> AcceptAnonymous(int listen_fd) {
  (void)listen_fd;
  // TODO(step 3): accept() with NULL for the address and its length.
  return SysResult<int>::Error(ENOSYS);
}

SysResult<int> ServeClients(int listen_fd, int count, const ClientHandler& handler) {
  (void)listen_fd, (void)count, (void)handler;
  // TODO(step 4): loop: AcceptWithPeer (retry EINTR, ECONNABORTED), run the
  // handler, close the client whatever it returned, count the successes.
  return SysResult<int>::Error(ENOSYS);
}

}  // namespace labkit::lab04
