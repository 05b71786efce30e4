#!/usr/bin/env bash
# Times the grader (`./labkit bench` runs this). Every graded submission is
# the reference with a uniquely named constant added to each lab file, so
# each grade really compiles and links every lab file, as a new student's
# would (a unique comment alone left the objects, and so Bazel's links, as
# they were).
#
#   warm   median wall time of `./labkit grade SUBMISSION` with a warm Bazel
#          server (the kit itself already built);
#   floor  median time to do the least any grader must: build each
#          student library and run each lab's test binary directly on its
#          library (each case still two processes), no jail, no reference
#          comparison, no reports;
#   cold   one grade after `bazel shutdown` (a new Bazel server), and with
#          --expunge one after `bazel clean --expunge` (GoogleTest and the
#          whole kit built from nothing as well);
#   batch  `./labkit grade --class` over CLASS submissions: seconds each,
#          the time 100 would take at that rate, and the CPU-seconds each
#          took (busy time of every core from /proc/stat, so other load on
#          the machine counts too): the cost of a submission on any number
#          of cores.
#
# Usage: bench/grade_bench.sh [--runs N] [--class N] [--expunge]
set -euo pipefail
# shellcheck source=bench/timing.sh
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

runs=5 class=10 expunge=false
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --class) class="$2"; shift 2 ;;
    --expunge) expunge=true; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "grade_bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/labkit-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
LABS=$(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' labs/labs.json)
mkdir -p "$WORK/submissions"

new_submission() {  # prints the path of a fresh copy of the reference
  local dir lab file
  dir="$(mktemp -d "$WORK/submissions/s.XXXXXX")"  # unique even from a subshell
  for lab in $LABS; do
    mkdir -p "$dir/$lab"
    for file in solutions/"$lab"/*.cc; do
      { cat "$file"; echo "extern \"C\" const int labkit_bench_${dir##*.} = 1;"; } >"$dir/$lab/$(basename "$file")"
    done
  done
  echo "$dir"
}

grade() { ./labkit grade "$1" --json "$WORK/result.json"; }

floor() {  # build every student library, run each lab's tests on its own directly
  local dir="$1" targets=() lab
  for lab in $LABS; do targets+=("@submission//:${lab}_student.so" "//grader/hidden/$lab:graded_tests"); done
  LABKIT_SUBMISSION="$dir" bazel build --noshow_progress "${targets[@]}"
  for lab in $LABS; do
    LABKIT_STUDENT_LIBRARY="$ROOT/bazel-bin/external/submission/${lab}_student.so" \
      "$ROOT/bazel-bin/grader/hidden/$lab/graded_tests" >/dev/null || true
  done
}

echo "grade_bench: $runs runs; $(nproc) cores; $(echo $LABS | wc -w) labs"
grade "$(new_submission)" >/dev/null 2>&1 || true  # warm up: kit built, references cached
floor "$(new_submission)" >/dev/null 2>&1

warm=$(for _ in $(seq "$runs"); do seconds grade "$(new_submission)"; done | median)
floor_time=$(for _ in $(seq "$runs"); do seconds floor "$(new_submission)"; done | median)
ratio=$(awk -v w="$warm" -v f="$floor_time" 'BEGIN {printf "%.2f", w / f}')

bazel shutdown >/dev/null 2>&1
cold=$(seconds grade "$(new_submission)")
if $expunge; then
  bazel clean --expunge >/dev/null 2>&1
  expunged=$(seconds grade "$(new_submission)")
fi

mkdir -p "$WORK/class"
for _ in $(seq "$class"); do mv "$(new_submission)" "$WORK/class/"; done
busy_before=$(busy_cpu_seconds)
batch=$(seconds ./labkit grade --class "$WORK/class" --out "$WORK/gradebook.csv")
busy=$(awk -v a="$busy_before" -v b="$(busy_cpu_seconds)" 'BEGIN {printf "%.2f", b - a}')
rows=$(($(wc -l <"$WORK/gradebook.csv") - 1))
[ "$rows" -eq "$class" ] || { echo "grade_bench: the gradebook has $rows rows, not $class" >&2; exit 1; }

echo "warm grade of a full submission (median of $runs): ${warm} s"
echo "floor: build every student library and run each lab's tests on its own, no jail (median of $runs): ${floor_time} s"
echo "warm / floor: ${ratio}x"
echo "cold grade (new Bazel server): ${cold} s"
$expunge && echo "cold grade after bazel clean --expunge (kit rebuilt too): ${expunged} s"
awk -v t="$batch" -v n="$class" 'BEGIN {
  printf "batch of %d submissions: %.1f s, %.2f s each; 100 would take %.0f s\n", n, t, t / n, 100 * t / n }'
awk -v c="$busy" -v n="$class" -v cores="$(nproc)" 'BEGIN {
  printf "batch CPU: %.2f CPU-s a submission (at best %.2f s each on %d cores)\n", c / n, c / n / cores, cores }'
