#!/usr/bin/env bash
# Times each lab's whole graded suite (public + hidden cases) on the
# reference, run directly, and their total: the budget is 2 s for all of them.
# Prints the median of RUNS runs per lab. Usage: bench/hidden_suite_time.sh [RUNS]
set -euo pipefail
# shellcheck source=bench/timing.sh
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
cd "$(dirname "$0")/.."
runs="${1:-5}"
labs=$(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' labs/labs.json)
targets=$(for lab in $labs; do echo "//grader/hidden/$lab:reference_suite"; done)
bazel build --noshow_progress $targets >/dev/null 2>&1

total=0
for lab in $labs; do
  t=$(for _ in $(seq "$runs"); do seconds "bazel-bin/grader/hidden/$lab/reference_suite"; done | median)
  printf '%-14s %6.3f s\n' "$lab" "$t"
  total=$(awk -v a="$total" -v b="$t" 'BEGIN {print a + b}')
done
printf '%-14s %6.3f s (budget 2 s)\n' "total" "$total"
