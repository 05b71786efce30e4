#!/usr/bin/env bash
# Rebuilds classic_bugs.tar.gz, the bundled sample submission that the
# README's first command grades: a student's repository, packed as they
# would upload it, whose labs are the reference with a few classic bugs
# (the mutants named below) and one lab never started. Byte-for-byte
# reproducible: run it again after changing a reference or a mutant.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/grader/samples/classic_bugs.tar.gz"

# lab folder -> mutant applied (empty: the reference as it is)
declare -A BUGS=(
  [01_socket]=""
  [02_bind]="missing_htons"
  [03_listen]="no_reuseaddr"
  [04_accept]="client_fd_leaked"
  [05_connect]=""
  [06_send_recv]="recv_once"
  [07_datagram]="truncation_undetected"
  [08_poll_server]="partial_write_dropped"
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
REPO="$WORK/student-repo"
for lab in "${!BUGS[@]}"; do
  mkdir -p "$REPO/labs/$lab"
  for file in "$ROOT/solutions/$lab"/*.cc; do
    cp "$file" "$REPO/labs/$lab/"
  done
  mutant="${BUGS[$lab]}"
  if [[ -n "$mutant" ]]; then
    (cd "$REPO/labs/$lab" &&
      patch --quiet --no-backup-if-mismatch <"$ROOT/grader/hidden/$lab/mutants/$mutant.patch")
  fi
done
# Lab 05 was never started: the untouched skeleton.
cp "$ROOT/labs/05_connect/connect_lab.cc" "$REPO/labs/05_connect/"
printf 'My socket labs. Lab 05 is still to do.\n' >"$REPO/README.md"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$WORK" -cf - student-repo |
  gzip -n -9 >"$OUT"
echo "wrote $OUT"
