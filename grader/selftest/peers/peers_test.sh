#!/usr/bin/env bash
# The labs' programs, built from the reference, against peers no one here
# wrote: socat, nc (netcat-openbsd) and Python's socket module, over IPv4,
# IPv6 and AF_UNIX. Ports come from --port 0 (the program prints the one it
# got); paths live in TEST_TMPDIR. No wait sleeps: a program is ready when it
# has printed its first line, and every step has a time limit.
set -uo pipefail

PROGRAMS="$PWD/grader/selftest/peers"
# TEST_TMPDIR is too long for sun_path (108 bytes): the AF_UNIX paths are
# relative to it, as the test works there.
WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/peers.XXXXXX")" && cd "$WORK" || exit 1
T=.
LIMIT=20  # seconds for any one peer; each normally takes milliseconds
FAILURES=0
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done' EXIT

fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok:   $*"; }
# same NAME EXPECTED_FILE ACTUAL_FILE: byte for byte.
same() {
  if cmp -s "$2" "$3"; then pass "$1 ($(stat -c %s "$2") bytes)"; else
    fail "$1: expected $(stat -c %s "$2") bytes, got $(stat -c %s "$3"): $(head -c 120 "$3" | od -c | head -3)"; fi
}

for tool in socat nc python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (./labkit installs it)"; exit 1; }
done

# start NAME ARGS...: runs a program and reads its first line (bounded) into
# READY; its later output stays readable on descriptor OUT.
start() {
  local name="$1"; shift
  local fifo="$T/$name.$RANDOM.out"
  mkfifo "$fifo"
  "$PROGRAMS/$name" "$@" >"$fifo" 2>"$fifo.err" &
  PIDS+=($!)
  exec {OUT}<"$fifo"
  if ! IFS= read -r -t "$LIMIT" -u "$OUT" READY; then
    echo "FAIL: $name $* printed no first line: $(cat "$fifo.err")"
    exit 1
  fi
  ERRORS="$fifo.err"
}
port_of() { sed -E 's/^[a-z ]+(127\.0\.0\.1|\[::\]|\[::1\]):([0-9]+).*/\2/' <<<"$1"; }

head -c 1048576 /dev/urandom >"$T/big"  # far more than one segment
printf 'hello, peer\n' >"$T/small"

echo "== lab 06 echo-server: nc, socat and python3 as clients"
start echo_server_06 --port 0 --unix "$T/echo.sock"
PORT="$(port_of "$READY")"
[[ "$READY" == "listening on 127.0.0.1:$PORT and [::1]:$PORT and unix:$T/echo.sock" ]] ||
  fail "echo-server's first line: $READY"
timeout "$LIMIT" nc -N 127.0.0.1 "$PORT" <"$T/small" >"$T/nc4"; same "nc -N over IPv4" "$T/small" "$T/nc4"
timeout "$LIMIT" nc -N ::1 "$PORT" <"$T/small" >"$T/nc6"; same "nc -N over IPv6" "$T/small" "$T/nc6"
timeout "$LIMIT" nc -N -U "$T/echo.sock" <"$T/small" >"$T/ncu"; same "nc -N -U over AF_UNIX" "$T/small" "$T/ncu"
# socat half-closes at the end of stdin and waits (-t) for the echo's end.
timeout "$LIMIT" socat -t "$LIMIT" - "TCP4:127.0.0.1:$PORT" <"$T/big" >"$T/socat4"; same "socat, 1 MiB over IPv4" "$T/big" "$T/socat4"
timeout "$LIMIT" socat -t "$LIMIT" - "TCP6:[::1]:$PORT" <"$T/big" >"$T/socat6"; same "socat, 1 MiB over IPv6" "$T/big" "$T/socat6"
timeout "$LIMIT" socat -t "$LIMIT" - "UNIX-CONNECT:$T/echo.sock" <"$T/big" >"$T/socatu"; same "socat, 1 MiB over AF_UNIX" "$T/big" "$T/socatu"
for target in "AF_INET 127.0.0.1 $PORT" "AF_INET6 ::1 $PORT" "AF_UNIX $T/echo.sock"; do
  # Python writes from a thread while it reads, as the echo comes back at once.
  timeout "$LIMIT" python3 - $target "$T/big" >"$T/py" <<'PY'
import socket, sys, threading
family, where, payload = sys.argv[1], sys.argv[2:-1], open(sys.argv[-1], "rb").read()
s = socket.socket(getattr(socket, family), socket.SOCK_STREAM)
s.settimeout(15)
s.connect(where[0] if family == "AF_UNIX" else (where[0], int(where[1])))
def send():
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
threading.Thread(target=send, daemon=True).start()
received = bytearray()
while chunk := s.recv(65536):
    received += chunk
sys.stdout.buffer.write(received)
PY
  same "python3 $target, 1 MiB" "$T/big" "$T/py"
done

echo "== lab 05 client: python3 servers over IPv4, IPv6 and AF_UNIX"
python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read()[::-1])' "$T/big" >"$T/reversed"
for target in "AF_INET 127.0.0.1" "AF_INET6 ::1" "AF_UNIX $T/py-server.sock"; do
  # The server reads to the end of the stream, then answers with the bytes reversed.
  fifo="$T/server.$RANDOM"; mkfifo "$fifo"
  timeout "$LIMIT" python3 - $target >"$fifo" <<'PY' &
import socket, sys
family, where = getattr(socket, sys.argv[1]), sys.argv[2]
server = socket.socket(family, socket.SOCK_STREAM)
server.settimeout(15)
server.bind(where if family == socket.AF_UNIX else (where, 0))
server.listen()
print(where if family == socket.AF_UNIX else server.getsockname()[1], flush=True)
connection, _ = server.accept()
connection.settimeout(15)
received = bytearray()
while chunk := connection.recv(65536):
    received += chunk
connection.sendall(received[::-1])
connection.close()
PY
  PIDS+=($!)
  exec {SERVER}<"$fifo"
  IFS= read -r -t "$LIMIT" -u "$SERVER" address || { fail "the python3 $target server did not start"; continue; }
  if [[ "$target" == AF_UNIX* ]]; then args=(--unix "$address"); else args=("${target#* }" "$address"); fi
  timeout "$LIMIT" "$PROGRAMS/client_05" "${args[@]}" <"$T/big" >"$T/client" 2>"$T/client.err"
  same "client to a python3 $target server, 1 MiB each way" "$T/reversed" "$T/client"
  grep -q "^connected to " "$T/client.err" || fail "client did not name its server: $(cat "$T/client.err")"
done

echo "== lab 07 udp-echo: nc -u, socat and python3 datagrams"
start udp_echo_07 --port 0 --unix "$T/udp.sock"
PORT="$(port_of "$READY")"
[[ "$READY" == "listening on 127.0.0.1:$PORT and [::1]:$PORT and unix:$T/udp.sock" ]] ||
  fail "udp-echo's first line: $READY"
# nc -u stops -w 3 seconds after its last datagram, socat -t 3: time enough
# for the echo on a loaded machine.
timeout "$LIMIT" nc -u -w 3 127.0.0.1 "$PORT" <"$T/small" >"$T/u4"; same "nc -u over IPv4" "$T/small" "$T/u4"
timeout "$LIMIT" nc -u -w 3 ::1 "$PORT" <"$T/small" >"$T/u6"; same "nc -u over IPv6" "$T/small" "$T/u6"
timeout "$LIMIT" nc -uU -w 3 -s "$T/nc-client.sock" "$T/udp.sock" <"$T/small" >"$T/uu"; same "nc -uU over AF_UNIX" "$T/small" "$T/uu"
timeout "$LIMIT" socat -t 3 - "UDP4:127.0.0.1:$PORT" <"$T/small" >"$T/su4"; same "socat UDP4" "$T/small" "$T/su4"
timeout "$LIMIT" socat -t 3 - "UDP6:[::1]:$PORT" <"$T/small" >"$T/su6"; same "socat UDP6" "$T/small" "$T/su6"
timeout "$LIMIT" socat -t 3 - "UNIX-SENDTO:$T/udp.sock,bind=$T/socat-client.sock" <"$T/small" >"$T/suu"; same "socat UNIX-SENDTO" "$T/small" "$T/suu"
timeout "$LIMIT" python3 - "$PORT" "$T/udp.sock" "$T/py-client.sock" <<'PY' || fail "python3 datagrams"
import socket, sys
port, server_path, client_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def check(family, server, bind_to, payloads):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(10)
    if bind_to: s.bind(bind_to)
    for payload in payloads:
        s.sendto(payload, server)
        echoed, sender = s.recvfrom(70000)
        assert echoed == payload, f"{family!r}: sent {len(payload)} bytes, got {len(echoed)}"
    print(f"ok:   python3 {family.name}: datagrams of {sorted(map(len, payloads))} bytes came back whole")
check(socket.AF_INET, ("127.0.0.1", port), None, [b"", b"one", bytes(range(256)) * 255, b"x" * 65507])
check(socket.AF_INET6, ("::1", port), None, [b"", b"two", b"y" * 65527])
check(socket.AF_UNIX, server_path, client_path, [b"", b"three", b"z" * 65535])
# An unbound AF_UNIX sender cannot be answered; the server carries on.
unbound = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
unbound.sendto(b"nobody to answer", server_path)
check(socket.AF_UNIX, server_path, client_path + "2", [b"still serving"])
PY
grep -q "Echo failed: ENOTCONN" "$ERRORS" || fail "udp-echo did not report the unbound sender: $(cat "$ERRORS")"

echo "== lab 04 accept-server: each client hears its own address"
start accept_server_04 --ip :: --port 0
PORT="$(port_of "$READY")"
answer="$(timeout "$LIMIT" nc 127.0.0.1 "$PORT" </dev/null)"
[[ "$answer" =~ ^you\ are\ \[::ffff:127\.0\.0\.1\]:[0-9]+$ ]] && pass "nc over IPv4 to [::]: $answer" || fail "nc to a dual-stack accept-server heard '$answer'"
IFS= read -r -t "$LIMIT" -u "$OUT" line; [[ "$line" == "client 1: ${answer#you are }" ]] || fail "accept-server printed '$line'"
timeout "$LIMIT" python3 - "$PORT" <<'PY' || fail "python3 IPv6 client of accept-server"
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=10)
host, port = s.getsockname()[:2]
answer = s.makefile().readline().strip()
assert answer == f"you are [{host}]:{port}", answer
print("ok:   python3 over IPv6:", answer)
PY
start accept_server_04 --unix "$T/accept.sock"
answer="$(timeout "$LIMIT" socat -u "UNIX-CONNECT:$T/accept.sock" -)"
[[ "$answer" == "you are unix:(unnamed)" ]] && pass "socat over AF_UNIX: $answer" || fail "socat heard '$answer'"

echo "== lab 03 listener: the AF_UNIX backlog, seen from python3"
start listener_03 --unix "$T/listen.sock" --backlog 2
timeout "$LIMIT" python3 - "$T/listen.sock" <<'PY' || fail "python3 against listener's backlog"
import socket, sys
results = []
for _ in range(5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(sys.argv[1]); results.append("connected")
    except BlockingIOError:
        results.append("EAGAIN")
assert results == ["connected"] * 3 + ["EAGAIN"] * 2, results
print("ok:   backlog 2 takes 3 connections, then EAGAIN")
PY
start listener_03 --ip ::1 --port 0 --backlog 4
PORT="$(port_of "$READY")"
timeout "$LIMIT" nc -z ::1 "$PORT" && pass "nc -z connects to a listener that never accepts" || fail "nc -z to listener"

echo "== lab 08 line-server: nc and python3 at once, then Ctrl-C through the stop pipe"
start line_server_08 --port 0 --unix "$T/line.sock"
PORT="$(port_of "$READY")"
[[ "$READY" == "listening on 127.0.0.1:$PORT and unix:$T/line.sock" ]] || fail "line-server's first line: $READY"
LINE_PID="${PIDS[-1]}"
answer="$(printf 'hello\n' | timeout "$LIMIT" nc -N 127.0.0.1 "$PORT")"
[[ "$answer" == "5 olleh" ]] && pass "nc over IPv4: $answer" || fail "nc to line-server heard '$answer'"
timeout "$LIMIT" python3 - "$T/line.sock" "$PORT" <<'PY' && pass "python3: a line split over two sends, while another client waits" || fail "python3 clients of line-server"
import socket, sys
idle = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
idle.sendall(b"half a li")  # an unfinished line must not stall the others
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"ab")
s.sendall(b"cd\n")
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    chunk = s.recv(100)
    if not chunk: break
    got += chunk
sys.exit(0 if got == b"4 dcba\n" else 1)
PY
kill -INT "$LINE_PID"
wait "$LINE_PID" && pass "Ctrl-C stops line-server (exit 0)" || fail "line-server after Ctrl-C exited $?"
grep -q "^stopped: 3 clients, 2 lines answered" "$ERRORS" && pass "it reports 3 clients, 2 lines" || fail "line-server's last words: $(cat "$ERRORS")"

echo "== lab 02 bind: the address is taken, but nobody listens"
start bind_02 --port 0
PORT="$(port_of "$READY")"
timeout "$LIMIT" nc -z 127.0.0.1 "$PORT" 2>/dev/null && fail "nc -z connected to a socket that never listened" || pass "nc -z is refused"
timeout "$LIMIT" python3 -c 'import socket, sys
s = socket.socket()
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError as e: sys.exit(0 if e.errno == 98 else 1)
sys.exit(1)' "$PORT" && pass "python3's bind to the same port: EADDRINUSE" || fail "python3 could bind port $PORT again"

echo "== lab 01 sockets: what the kernel made, and a socket Python made"
"$PROGRAMS/sockets_01" >"$T/sockets" 2>&1 || fail "sockets: $(cat "$T/sockets")"
[[ "$(grep -c ', blocking$' "$T/sockets")" == 6 ]] && pass "sockets opened and described 6" || fail "sockets said: $(cat "$T/sockets")"
described="$(timeout "$LIMIT" python3 -c 'import socket, subprocess, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
subprocess.run([sys.argv[1], "--fd", str(s.fileno())], pass_fds=[s.fileno()], check=True)' "$PROGRAMS/sockets_01")"
[[ "$described" == *"AF_INET6, SOCK_DGRAM, protocol IPPROTO_UDP, blocking" ]] && pass "python3's socket: $described" || fail "sockets --fd said '$described'"

echo "== bad numbers: a usage error (exit 2) that names the option, never a silent 0"
# refused PROGRAM OPTION VALUE: the program exits 2 and says what --OPTION takes.
refused() {
  local said status
  said="$(timeout "$LIMIT" "$PROGRAMS/$1" "--$2" "$3" 2>&1)"; status=$?
  if [[ $status == 2 && "$said" == "--$2 takes a whole number from "*", not '$3'"* ]]; then
    pass "$1 --$2 '$3': exit 2, ${said%%$'\n'*}"
  else
    fail "$1 --$2 '$3': exit $status, said: ${said:0:200}"
  fi
}
refused sockets_01 fd abc
refused sockets_01 fd -1
refused listener_03 backlog 4x
refused listener_03 port 65536
refused accept_server_04 count 0
refused accept_server_04 count ""

echo
if ((FAILURES > 0)); then echo "$FAILURES check(s) failed"; exit 1; fi
echo "every check passed"
