#!/bin/sh
# compile --check compares with what -o would write, whatever its size (an output over the 1 MiB
# profile limit included), through the same link rules as -o, never waiting on a FIFO.
# usage: check.sh QEMUC
set -u
qemuc=$1
case $qemuc in /*) ;; *) qemuc=$PWD/$qemuc ;; esac  # the test changes directory
fail() { echo "FAIL: $*"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

# A 0.1 MB profile whose launch script is 2.2 MB: one 100,000-byte variable (under the 131071
# bytes one value may have) used by 22 extra arguments.
{
  printf 'vars:\n  a: '
  head -c 100000 /dev/zero | tr '\0' a
  printf '\nqemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n  extra_args:\n'
  # shellcheck disable=SC2016 # ${a} is for qemuc, not the shell
  printf '    - ${a}\n%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22
} > big.yaml
check() { timeout 5 "$qemuc" compile --no-host-checks big.yaml --check "$@"; }

"$qemuc" compile --no-host-checks big.yaml -o big.sh || fail "cannot write big.sh"
size=$(stat -c %s big.sh)
[ "$size" -gt 2097152 ] || fail "big.sh has only $size bytes"
check -o big.sh > out 2> err || fail "--check on a fresh $size-byte file: $(cat err)"
if [ -s out ] || [ -s err ]; then fail "--check on a fresh file printed something"; fi
echo "ok: --check passes on a fresh $size-byte launch script"

ln -s big.sh link.sh
check -o link.sh > out 2> err || fail "--check through a link: $(cat err)"
chmod 644 big.sh
check -o link.sh 2> err && fail "--check through a link missed the target's mode 0644"
grep -q "link.sh is stale: its mode is 0644, not 0755" err || fail "--check, mode: $(cat err)"
chmod 755 big.sh
echo "ok: --check through a link compares the link's target, its mode included"

# One byte changed: stale, with a diff.
sed 's/^# Generated/# generated/' big.sh > edited.sh && chmod 755 edited.sh
check -o edited.sh > out 2> err && fail "--check missed an edited line"
grep -q '^-# generated' out || fail "no diff for one edited line"
grep -q '^+# Generated' out || fail "no diff for one edited line"
[ "$(cat err)" = "qemuc: error: edited.sh is stale: run the same command without --check to write it" ] ||
  fail "--check, edited: $(cat err)"
echo "ok: --check on an edited large file: a diff and exit 1"

# Grown by more than a MiB: stale without reading it, no flood of diff.
{ cat big.sh; head -c 1100000 /dev/zero; } > grown.sh
check -o grown.sh > out 2> err && fail "--check passed a grown file"
[ ! -s out ] || fail "--check printed a diff of a file a MiB too large"
grown=$(stat -c %s grown.sh)
[ "$(cat err)" = "qemuc: error: grown.sh is stale: it has $grown bytes, the generated text $size (too many more to show a diff); run the same command without --check to write it" ] ||
  fail "--check, grown: $(cat err)"
echo "ok: --check on a file a MiB larger than the output: exit 1 at once, no diff"

# Nothing that is not a regular file is read or waited on.
mkfifo fifo
check -o fifo 2> err; status=$?
[ "$status" = 1 ] || fail "--check on a FIFO: status $status"
[ "$(cat err)" = "qemuc: error: cannot read fifo: not a regular file (a FIFO); -o writes generated files only" ] ||
  fail "--check on a FIFO: $(cat err)"
ln -s gone.sh dangling
check -o dangling 2> err && fail "--check on a dangling link passed"
grep -q "cannot read dangling: a symbolic link to gone.sh, which does not exist" err ||
  fail "--check, dangling: $(cat err)"
check -o . 2> err && fail "--check on a directory passed"
grep -q "cannot read .: not a regular file (a directory)" err || fail "--check, directory: $(cat err)"
echo "ok: --check on a FIFO, a dangling link, a directory: exit 1, no hang"

check -o - 2> err; status=$?
[ "$status" = 2 ] || fail "--check -o -: status $status, not 2"
grep -q -e "--check needs -o FILE" err || fail "--check -o -: $(cat err)"
echo "ok: --check -o - is a usage error"
