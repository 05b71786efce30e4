#!/bin/bash
# Each exit code of exit_codes.h, reached the cheap way (bad input, or a
# stand-in bazel that fails the way a build does), and each command's --help
# naming the code it just gave. Usage: exit_codes_test.sh LABKIT LABS_JSON
set -uo pipefail

labkit="$PWD/$1"
work="${TEST_TMPDIR:-$(mktemp -d)}/exit_codes"
rm -rf "$work" && mkdir -p "$work/kit/labs" "$work/kit/solutions" "$work/bin" "$work/submission"
cp "$2" "$work/kit/labs/labs.json"
# A kit with its catalogue and nothing else: no build can succeed in it.
# The stand-in bazel prints $FAKE_BAZEL_SAYS and fails, as a failed build does.
cat >"$work/bin/bazel" <<'FAKE'
#!/bin/sh
printf '%s\n' "${FAKE_BAZEL_SAYS:-ERROR: the kit's BUILD is broken}"
exit 1
FAKE
chmod +x "$work/bin/bazel"
cd "$work/kit"
export LABKIT_ROOT="$work/kit" PATH="$work/bin:$PATH" NO_COLOR=1

failures=0
# expect CODE "HELP COMMAND" "WHAT HELP SAYS" ARGS...: `labkit ARGS` exits
# CODE, and `labkit HELP COMMAND --help` says WHAT HELP SAYS.
expect() {
  local want="$1" help_command="$2" said="$3"
  shift 3
  timeout 60 "$labkit" "$@" >"$work/out" 2>&1 </dev/null
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: labkit $* exited $got, not $want; it printed:"
    head -n 20 "$work/out"
    failures=$((failures + 1))
  fi
  # shellcheck disable=SC2086  # the help command is one or two words
  if ! "$labkit" $help_command --help 2>&1 | tr -s ' \n' '  ' | grep -qF "$said"; then
    echo "FAIL: labkit $help_command --help does not say \"$said\""
    failures=$((failures + 1))
  fi
}

compiler_error="labs/01_socket/socket_lab.cc:3:1: error: 'x' does not name a type"

# 0
expect 0 "" "0 ok" --help
expect 0 "gradebook merge" "0 merged" gradebook merge --help
# 2: bad usage or input, whatever the command
expect 2 "" "2 bad usage or input"
expect 2 "" "2 bad usage or input" no-such-command
expect 2 "check" "2 bad usage" check 99
expect 2 "hint" "2 bad usage" hint no-such-lab
expect 2 "watch" "2 bad usage" watch 99
expect 2 "run" "2 bad usage" run 99 echo-server
expect 2 "grade" "2 bad input" grade "$work/no-such-submission"
expect 2 "grade" "2 bad input" grade --shard 3/2 --class "$work/submission" --out "$work/book.csv"
expect 2 "gradebook merge" "2 bad input" gradebook merge "$work/missing.csv" --out "$work/m.csv"
expect 2 "release" "2 bad OUT" release "$work/kit"
expect 2 "autograder gradescope" "2 bad OUT" autograder gradescope "$work/autograder.txt"
expect 2 "mutate" "2 bad usage" mutate --operator no-such-operator
# 4: the kit's own build failed
expect 4 "check" "4 the kit did not build" check 01
expect 4 "hint" "4 the kit did not build" hint 01
expect 4 "grade" "4 the kit did not build" grade "$work/submission"
expect 4 "mutate" "4 the kit did not build" mutate 01
expect 4 "test" "4 the kit did not build" test
# 5: the student's code does not compile
export FAKE_BAZEL_SAYS="$compiler_error"
expect 5 "check" "5 your code does not compile" check 01
expect 5 "hint" "5 your code does not compile" hint 01
# 6: the kit or this machine failed, not the command: this kit has no lab
# files for a release to copy
expect 6 "release" "6 the kit or this machine failed" release "$work/release"
test -e "$work/release" && { echo "FAIL: a failed release left $work/release"; failures=$((failures + 1)); }
# 1: not there yet (no lab builds here, so none is done)
expect 1 "status" "1 a lab not done yet" status

if [ "$failures" -ne 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "every exit code as its --help says"
