#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image
# (Ubuntu 24.04 base image: its bazel-bootstrap is 4.2.3, as the kit needs).
# It installs what the kit needs (./labkit does, from the distribution's
# packages), builds the kit, and grades the reference once, so that Bazel's
# cache and the reference transcripts are warm for every submission.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
./labkit list
./labkit grade solutions --json "$ROOT/reference-result.json" >/dev/null ||
  { echo "setup.sh: the reference does not get full marks here" >&2; exit 1; }
