#!/bin/sh
# A signal during `compile -o` removes the temporary file, leaves the old file intact and ends
# qemuc by that signal (status 128 + N). signal_at_fsync sends it when qemuc enters fsync(2):
# the temporary file is written and not yet renamed, every time, with no sleep to tune.
# usage: signals.sh QEMUC SIGNAL_AT_FSYNC PROFILE     exit 77 (skip) when ptrace is not allowed
set -u
qemuc=$1
case $qemuc in /*) ;; *) qemuc=$PWD/$qemuc ;; esac  # the test changes directory
signal_at_fsync=$2
profile=$3
fail() { echo "FAIL: $*"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The numbers are those of every Linux architecture qemuc builds for.
for pair in HUP:1 INT:2 TERM:15; do
  signal=${pair%:*} number=${pair#*:}
  echo "old launcher" > "$dir/launch.sh"
  "$signal_at_fsync" "$number" "$qemuc" compile --no-host-checks -o "$dir/launch.sh" "$profile"
  status=$?
  if [ "$status" = 77 ]; then echo "SKIP: ptrace is not allowed here"; exit 77; fi
  [ "$status" = $((128 + number)) ] || fail "SIG$signal: status $status, not $((128 + number))"
  leftovers=$(find "$dir" -mindepth 1 ! -name launch.sh)
  [ -z "$leftovers" ] || fail "SIG$signal left a temporary file: $leftovers"
  [ "$(cat "$dir/launch.sh")" = "old launcher" ] || fail "SIG$signal: the old file changed"
  echo "ok: SIG$signal during the write: ended by it, no temporary file, the old file intact"
done

