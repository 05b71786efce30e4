#!/usr/bin/env bash
# Times `./labkit watch`: from saving the lab's file to the result printed,
# on a warm kit. Saves the file RUNS times (a new comment each time, so each
# save really recompiles) and prints the median.
#
# Usage: bench/watch_latency.sh [--runs N] [LAB]   (default: 5 runs, lab 01)
set -euo pipefail
# shellcheck source=bench/timing.sh
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

runs=5 lab=01
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) lab="$1"; shift ;;
  esac
done
folder=$(ls -d labs/"$lab"*/ | head -1)
file=$(ls "$folder"*.cc | grep -v "_test.cc$" | head -1)  # the student's file
backup=$(mktemp) out=$(mktemp)
cp "$file" "$backup"
./labkit check "$lab" >/dev/null 2>&1 || true  # warm: built once
./labkit watch "$lab" >"$out" 2>&1 &
watcher=$!
trap 'kill $watcher 2>/dev/null; cp "$backup" "$file"; rm -f "$backup" "$out"' EXIT

wait_for_runs() {  # until the watcher has printed its N-th result (bounded: 120 s)
  local deadline=$((SECONDS + 120))
  until [ "$(grep -c '^Checked in' "$out")" -ge "$1" ]; do
    [ $SECONDS -lt $deadline ] || { echo "watch_latency: no result within 120 s" >&2; exit 1; }
    sleep 0.02
  done
}

wait_for_runs 1
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  echo "// watch latency run $i $start" >>"$file"
  wait_for_runs $((i + 1))
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
done >"$out.times"
echo "watch: save to result, each run (s): $(tr '\n' ' ' <"$out.times")"
echo "watch: save to result, median of $runs (s): $(median <"$out.times")"
rm -f "$out.times"
