#!/usr/bin/env bash
# The autograder's Dockerfile and the cluster examples, checked as far as a
# machine without Docker, Slurm or Kubernetes can: every script parses
# (bash -n), and check_examples.py reads the rest.
set -euo pipefail
root="${1:?usage: examples_test.sh KIT_ROOT}"
for script in grader/autograder/setup.sh grader/autograder/run_autograder \
    grader/autograder/cluster/slurm/submit.sh grader/autograder/cluster/slurm/grade_shard.sbatch \
    grader/autograder/cluster/slurm/merge.sbatch; do
  bash -n "$root/$script" || { echo "$script: bash -n fails"; exit 1; }
done
echo "bash -n: the autograder's scripts and the Slurm scripts parse"
# Debian's python3, where python3-yaml is.
exec /usr/bin/python3 "$root/grader/autograder/cluster/check_examples.py" "$root"
