#!/usr/bin/env bash
# Flake hunt: grades the reference solutions RUNS times, PARALLEL graders at
# once on this machine, and counts the grades that lost any point. A correct
# submission must get full marks every time, however busy the machine; each
# grade that did not keeps its Markdown feedback for a look.
#
# Usage: bench/flake_check.sh [--runs N] [--parallel P] [--keep DIR]
#   --runs N      grades in all (default 200)
#   --parallel P  graders running at once (default 2)
#   --keep DIR    where the feedback of lost grades goes (default: a temp folder)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

runs=200 parallel=2 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "flake_check: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ && "$parallel" =~ ^[1-9][0-9]*$ ]] ||
  { echo "flake_check: --runs and --parallel take positive numbers" >&2; exit 2; }
keep="${keep:-$(mktemp -d /tmp/labkit-flake.XXXXXX)}"
mkdir -p "$keep"

./labkit grade solutions >/dev/null 2>&1 || { echo "flake_check: the reference does not get full marks at all" >&2; exit 1; }

grader() {  # grader I: grades I, I+P, I+2P, ... ; prints one line per grade
  local i="$1" n status
  for ((n = i; n <= runs; n += parallel)); do
    status=0
    ./labkit grade solutions --markdown "$keep/grade-$n.md" >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then rm -f "$keep/grade-$n.md"; echo "ok $n"; else echo "lost $n exit=$status"; fi
  done
}

start=$(date +%s)
for ((i = 1; i <= parallel; i++)); do grader "$i" & done | while read -r verdict n rest; do
  echo "$verdict $n $rest" >>"$keep/log"
  done_count=$(wc -l <"$keep/log")
  [ $((done_count % 10)) -eq 0 ] && echo "flake_check: $done_count of $runs grades done" >&2
  true
done
wait
lost=$(grep -c '^lost' "$keep/log" || true)
echo "flake_check: $runs grades of the reference, $parallel graders at once, $(( $(date +%s) - start )) s: $lost lost points"
[ "$lost" -eq 0 ] || { grep '^lost' "$keep/log"; echo "feedback of each: $keep/grade-N.md"; exit 1; }
