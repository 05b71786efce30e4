#!/usr/bin/env bash
# Times each lab's whole graded suite (public + hidden cases) on the
# reference, run directly, and their total: the budget is 2 s for all seven.
# Prints the median of RUNS runs per lab. Usage: bench/hidden_suite_time.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
labs=$(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' labs/labs.json)
targets=$(for lab in $labs; do echo "//grader/hidden/$lab:reference_suite"; done)
bazel build --noshow_progress $targets >/dev/null 2>&1

seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "hidden_suite_time: $* failed" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

total=0
for lab in $labs; do
  t=$(for _ in $(seq "$runs"); do seconds "bazel-bin/grader/hidden/$lab/reference_suite"; done | median)
  printf '%-14s %6.3f s\n' "$lab" "$t"
  total=$(awk -v a="$total" -v b="$t" 'BEGIN {print a + b}')
done
printf '%-14s %6.3f s (budget 2 s)\n' "total" "$total"
