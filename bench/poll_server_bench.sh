#!/usr/bin/env bash
# Lab 08's reference poll() server against a plain blocking server that
# serves one client at a time, on the same work: CLIENTS clients on
# loopback, each exchanging LINES lines (send one, wait for its answer).
# Both are built optimised (-c opt); prints both times and their ratio.
#
# Usage: bench/poll_server_bench.sh [--clients N] [--lines N]
#   --clients N  clients at once (default 1000)
#   --lines N    lines each client exchanges (default 100)
# Exit codes: 0 done, 1 a run went wrong, 2 bad usage, 4 the build failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

clients=1000 lines=100
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="${2:-}"; shift 2 ;;
    --lines) lines="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "poll_server_bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$clients" =~ ^[1-9][0-9]*$ && "$lines" =~ ^[1-9][0-9]*$ ]] ||
  { echo "poll_server_bench: --clients and --lines take positive numbers" >&2; exit 2; }

target=//grader/hidden/08_poll_server:poll_server_bench
echo "poll_server_bench: building $target (-c opt)..." >&2
# --symlink_prefix=/: leave bazel-bin pointing at the kit's usual build.
bazel build -c opt --symlink_prefix=/ "$target" >&2 || { echo "poll_server_bench: the build failed" >&2; exit 4; }
binary="$(bazel info -c opt bazel-bin 2>/dev/null)/grader/hidden/08_poll_server/poll_server_bench"

run() {  # run MODE: prints the seconds the exchange took
  local out
  out="$("$binary" "$1" "$clients" "$lines")" || { echo "poll_server_bench: the $1 run failed" >&2; exit 1; }
  echo "$out" >&2
  awk '{print $(NF-1)}' <<<"$out"
}
echo "poll_server_bench: $clients clients x $lines lines, reference poll() server..." >&2
poll_s="$(run poll)"
echo "poll_server_bench: the same work, blocking one-client-at-a-time server..." >&2
blocking_s="$(run blocking)"
awk -v p="$poll_s" -v b="$blocking_s" -v c="$clients" -v l="$lines" 'BEGIN {
  printf "poll_server_bench: %d clients x %d lines: poll() %.3f s, blocking %.3f s, blocking/poll %.2fx\n", c, l, p, b, b / p }'
