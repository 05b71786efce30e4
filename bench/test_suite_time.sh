#!/usr/bin/env bash
# Times `./labkit test`: median wall time of cached runs (nothing changed:
# Bazel's results are reused, the grader's fixtures always run again), of
# --fresh runs (every Bazel test executed again), and with --cold one run after
# `bazel clean --expunge` (Bazel server start, GoogleTest and the whole kit
# built from nothing). Usage: bench/test_suite_time.sh [--cold] [RUNS]
set -euo pipefail
# shellcheck source=bench/timing.sh
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
cd "$(dirname "$0")/.."

cold=false
[ "${1:-}" = "--cold" ] && { cold=true; shift; }
runs="${1:-5}"

if $cold; then
  bazel clean --expunge >/dev/null 2>&1
  cold_time=$(seconds ./labkit test)
fi
./labkit test >/dev/null 2>&1  # make sure the cache is warm
cached=$(for _ in $(seq "$runs"); do seconds ./labkit test; done | median)
fresh=$(for _ in $(seq "$runs"); do seconds ./labkit test --fresh; done | median)

$cold && printf 'cold ./labkit test:                %6.2f s\n' "$cold_time"
printf 'warm ./labkit test (cached):       %6.2f s  median of %s\n' "$cached" "$runs"
printf 'warm ./labkit test --fresh:        %6.2f s  median of %s\n' "$fresh" "$runs"
printf 'fresh / cached:                    %6.1fx\n' "$(awk -v a="$fresh" -v b="$cached" 'BEGIN {print a / b}')"
$cold && printf 'cold / fresh:                      %6.1fx\n' "$(awk -v a="$cold_time" -v b="$fresh" 'BEGIN {print a / b}')"
exit 0
