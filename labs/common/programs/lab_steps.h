// The lab functions the programs call, each with the file and the
// TODO(step N) that writes it, written once for every program's messages
// ("ListenInet failed: ENOSYS ...: finish step 1 in labs/03_listen/...").
// grader/selftest/peers/lab_steps_test.cc checks each against the skeleton.
#pragma once

#include "labs/common/programs/program_support.h"

namespace labkit::programs::steps {

constexpr LabStep kDomainConstant{"DomainConstant", "labs/01_socket/socket_lab.cc", 1};
constexpr LabStep kKindConstant{"KindConstant", "labs/01_socket/socket_lab.cc", 2};
constexpr LabStep kOpenSocket{"OpenSocket", "labs/01_socket/socket_lab.cc", 3};
constexpr LabStep kDescribeSocket{"DescribeSocket", "labs/01_socket/socket_lab.cc", 4};
constexpr LabStep kCloseSocket{"CloseSocket", "labs/01_socket/socket_lab.cc", 5};

constexpr LabStep kBindInet{"BindInet", "labs/02_bind/bind_lab.cc", 1};
constexpr LabStep kBoundPort{"BoundPort", "labs/02_bind/bind_lab.cc", 2};
constexpr LabStep kBindInet6{"BindInet6", "labs/02_bind/bind_lab.cc", 3};
constexpr LabStep kBindUnixPath{"BindUnixPath", "labs/02_bind/bind_lab.cc", 4};
constexpr LabStep kBindUnixAbstract{"BindUnixAbstract", "labs/02_bind/bind_lab.cc", 5};

constexpr LabStep kListenInet{"ListenInet", "labs/03_listen/listen_lab.cc", 1};
constexpr LabStep kListeningPort{"ListeningPort", "labs/03_listen/listen_lab.cc", 2};
constexpr LabStep kListenInet6{"ListenInet6", "labs/03_listen/listen_lab.cc", 3};
constexpr LabStep kListenUnix{"ListenUnix", "labs/03_listen/listen_lab.cc", 4};

constexpr LabStep kAcceptWithPeer{"AcceptWithPeer", "labs/04_accept/accept_lab.cc", 2};
constexpr LabStep kServeClients{"ServeClients", "labs/04_accept/accept_lab.cc", 4};

constexpr LabStep kPeerAddress{"PeerAddress", "labs/05_connect/connect_lab.cc", 2};
constexpr LabStep kConnectUnix{"ConnectUnix", "labs/05_connect/connect_lab.cc", 4};
constexpr LabStep kConnectNumeric{"ConnectNumeric", "labs/05_connect/connect_lab.cc", 5};

constexpr LabStep kSendAll{"SendAll", "labs/06_send_recv/send_recv_lab.cc", 1};
constexpr LabStep kRecvExact{"RecvExact", "labs/06_send_recv/send_recv_lab.cc", 2};
constexpr LabStep kPeek{"Peek", "labs/06_send_recv/send_recv_lab.cc", 4};

constexpr LabStep kOpenUdp{"OpenUdp", "labs/07_datagram/datagram_lab.cc", 2};
constexpr LabStep kEcho{"Echo", "labs/07_datagram/datagram_lab.cc", 5};
constexpr LabStep kOpenUnixDatagram{"OpenUnixDatagram", "labs/07_datagram/datagram_lab.cc", 9};

constexpr LabStep kRunServer{"RunServer", "labs/08_poll_server/poll_server_lab.cc", 6};

// Every step above, for the check.
constexpr LabStep kAll[] = {
    kDomainConstant, kKindConstant, kOpenSocket,    kDescribeSocket, kCloseSocket,
    kBindInet,       kBoundPort,    kBindInet6,     kBindUnixPath,   kBindUnixAbstract,
    kListenInet,     kListeningPort, kListenInet6,  kListenUnix,     kAcceptWithPeer,
    kServeClients,   kPeerAddress,  kConnectUnix,   kConnectNumeric, kSendAll,
    kRecvExact,      kPeek,         kOpenUdp,       kEcho,           kOpenUnixDatagram,
    kRunServer};

}  // namespace labkit::programs::steps
