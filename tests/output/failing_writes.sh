#!/bin/sh
# compile -o leaves the old file intact and exits 1 when the write fails: into a read-only
# directory, onto /dev/full, and when the disk fills up mid-write. As root, permissions do not
# stop writes, so the read-only and full cases use small tmpfs mounts in a private mount
# namespace (unshare -m): the machine's own mounts are never touched.
# usage: failing_writes.sh QEMUC PROFILE     exit 77 (skip) when mount namespaces are not allowed
set -u
qemuc=$1
profile=$2
fail() { echo "FAIL: $*"; exit 1; }

# Onto /dev/full: refused before any write, the device stays a device.
out=$("$qemuc" compile --no-host-checks -o /dev/full "$profile" 2>&1) && fail "-o /dev/full succeeded"
case $out in *"/dev/full: not a regular file"*) ;; *) fail "-o /dev/full said: $out" ;; esac
[ -c /dev/full ] || fail "/dev/full is no longer a character device"
echo "ok: -o /dev/full is refused and /dev/full is untouched"

# --check: a launch script that lost its mode 0755 is stale even with the right text.
scratch=$(mktemp -d)
"$qemuc" compile --no-host-checks -o "$scratch/launch.sh" "$profile" || fail "could not write $scratch/launch.sh"
"$qemuc" compile --no-host-checks -o "$scratch/launch.sh" --check "$profile" || fail "--check: a fresh file is stale"
chmod 644 "$scratch/launch.sh"
out=$("$qemuc" compile --no-host-checks -o "$scratch/launch.sh" --check "$profile" 2>&1) && fail "--check missed mode 0644"
case $out in *"its mode is 0644, not 0755"*) ;; *) fail "--check on mode 0644 said: $out" ;; esac
rm -r "$scratch"
echo "ok: --check finds a launch script without mode 0755 stale"

if ! unshare -m true 2>/dev/null; then
  echo "SKIP: the read-only and full-disk cases need unshare -m (a private mount namespace)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rmdir "$dir" 2>/dev/null' EXIT
# The rest runs in its own mount namespace; its mounts vanish with it.
unshare -m sh -eu -s "$qemuc" "$profile" "$dir" <<'INNER' || exit 1
qemuc=$1 profile=$2 dir=$3
fail() { echo "FAIL: $*"; exit 1; }

mount -t tmpfs -o size=1m tmpfs "$dir"
echo "old launcher" > "$dir/launch.sh"
mount -o remount,ro "$dir"
if "$qemuc" compile --no-host-checks -o "$dir/launch.sh" "$profile" 2>"$dir.err"; then fail "wrote into a read-only directory"; fi
grep -q "cannot write $dir/launch.sh: Read-only file system" "$dir.err" || fail "read-only: $(cat "$dir.err")"
[ "$(cat "$dir/launch.sh")" = "old launcher" ] || fail "the old file changed on a read-only mount"
echo "ok: a read-only directory: exit 1, the old file intact"
umount "$dir"

# A disk that fills up: the temporary file cannot be written whole.
mount -t tmpfs -o size=4k tmpfs "$dir"
echo "old launcher" > "$dir/launch.sh"
head -c 3000 /dev/zero > "$dir/filler" 2>/dev/null || true
if "$qemuc" compile --no-host-checks -o "$dir/launch.sh" "$profile" 2>"$dir.err"; then fail "wrote onto a full disk"; fi
grep -q "cannot write $dir/launch.sh: No space left on device" "$dir.err" || fail "full disk: $(cat "$dir.err")"
[ "$(cat "$dir/launch.sh")" = "old launcher" ] || fail "the old file changed when the disk was full"
leftovers=$(ls -A "$dir" | grep -v -x -e launch.sh -e filler || true)
[ -z "$leftovers" ] || fail "a temporary file was left behind: $leftovers"
echo "ok: a full disk: exit 1, the old file intact, no temporary file left"
umount "$dir"
rm -f "$dir.err"
INNER
