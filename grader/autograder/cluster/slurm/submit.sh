#!/usr/bin/env bash
# Grades a class on a Slurm cluster: N array tasks, each one shard of the
# class on one node, then one merge job after all of them succeed.
#
#   grader/autograder/cluster/slurm/submit.sh KIT CLASS_DIR OUT_DIR N
#
# KIT, CLASS_DIR and OUT_DIR must be on a filesystem every node sees; KIT is
# the instructor kit (with its hidden tests), its Debian packages installed
# on every node.
set -euo pipefail
if [ $# -ne 4 ] || ! [[ "$4" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 KIT CLASS_DIR OUT_DIR N   (N: the number of shards, 1 or more)" >&2
  exit 2
fi
kit="$(cd "$1" && pwd)" class="$(cd "$2" && pwd)" n="$4"
mkdir -p "$3"
out="$(cd "$3" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LABKIT_KIT="$kit" LABKIT_CLASS="$class" LABKIT_OUT="$out" LABKIT_SHARDS="$n"

array=$(sbatch --parsable --export=ALL --array="1-$n" "$here/grade_shard.sbatch")
array="${array%%;*}"  # --parsable prints "jobid" or "jobid;cluster"
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" "$here/merge.sbatch")
echo "shards: job array $array (tasks 1-$n); merge: job ${merge%%;*} -> $out/gradebook.csv"
