#!/usr/bin/env bash
# Rebuilds classic_bugs.tar.gz, the bundled sample submission that the
# README's first command grades: a student's repository, packed as they
# would upload it, whose labs are the reference with a few classic bugs
# (the mutants named below) and one lab never started. Byte-for-byte
# reproducible: run it again after changing a reference or a mutant.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/grader/samples/classic_bugs.tar.gz"

# Every lab of labs/labs.json is in the sample: the reference as it is,
# unless named here with the mutant it gets, or as the lab never started.
declare -A BUGS=(
  [02_bind]="missing_htons"
  [03_listen]="no_reuseaddr"
  [04_accept]="client_fd_leaked"
  [06_send_recv]="recv_once"
  [07_datagram]="truncation_undetected"
  [08_poll_server]="partial_write_dropped"
)
NOT_STARTED="05_connect"
mapfile -t LABS < <(python3 -c 'import json, sys; print("\n".join(l["id"] for l in json.load(open(sys.argv[1]))["labs"]))' \
  "$ROOT/labs/labs.json")
for lab in "${!BUGS[@]}" "$NOT_STARTED"; do
  [[ " ${LABS[*]} " == *" $lab "* ]] || { echo "make_classic_bugs.sh: $lab is not a lab of labs/labs.json" >&2; exit 2; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
REPO="$WORK/student-repo"
for lab in "${LABS[@]}"; do
  mkdir -p "$REPO/labs/$lab"
  for file in "$ROOT/solutions/$lab"/*.cc; do
    cp "$file" "$REPO/labs/$lab/"
  done
  mutant="${BUGS[$lab]:-}"
  if [[ -n "$mutant" ]]; then
    (cd "$REPO/labs/$lab" &&
      patch --quiet --no-backup-if-mismatch <"$ROOT/grader/hidden/$lab/mutants/$mutant.patch")
  fi
done
# One lab was never started: its files are the untouched skeleton's.
for file in "$REPO/labs/$NOT_STARTED"/*.cc; do
  cp "$ROOT/labs/$NOT_STARTED/$(basename "$file")" "$file"
done
printf 'My socket labs. Lab %s is still to do.\n' "${NOT_STARTED%%_*}" >"$REPO/README.md"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$WORK" -cf - student-repo |
  gzip -n -9 >"$OUT"
echo "wrote $OUT"
