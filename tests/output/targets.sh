#!/bin/sh
# compile -o never replaces a symbolic link, a device, a FIFO, a directory or a file the same run
# read (SPEC §4): a link to a regular file is written through, anything else is exit 1 with
# nothing written. /dev/stdout is tested through a link of our own to /proc/self/fd/1 (the same
# link the system's is) and, when mount namespaces are allowed, as the real name over a private
# tmpfs on /dev: a regression can never replace the machine's /dev/stdout.
# usage: targets.sh QEMUC      exit 77 (skip) only for the /dev/stdout-by-name case
set -u
qemuc=$1
case $qemuc in /*) ;; *) qemuc=$PWD/$qemuc ;; esac  # the test changes directory
fail() { echo "FAIL: $*"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

printf 'qemu: {target: x86_64, memory: 64, kernel: /k}\n' > base.yaml
printf 'extends: base.yaml\ncmdline: [quiet]\n' > board.yaml
printf 'abstract: true\nqemu: {cpus: 2}\n' > extra.yaml
compile() { "$qemuc" compile --no-host-checks -O extra.yaml board.yaml "$@"; }
compile > expected.sh || fail "cannot compile board.yaml"

# refused FILE MESSAGE: -o FILE exits 1 in at most 5 s with exactly MESSAGE on stderr.
refused() {
  timeout 5 "$qemuc" compile --no-host-checks -O extra.yaml board.yaml -o "$1" > out 2> err
  status=$?
  [ "$status" = 1 ] || fail "-o $1: status $status, not 1: $(cat err)"
  [ "$(cat err)" = "qemuc: error: cannot write $1: $2" ] || fail "-o $1 said: $(cat err)"
  [ ! -s out ] || fail "-o $1 wrote to stdout"
}
is_link() { [ -L "$1" ] || fail "$1 is no longer a symbolic link"; }

# A link to a regular file: the target gets the script, mode 0755; the link stays a link.
mkdir real
echo old > real/launch.sh
chmod 600 real/launch.sh
ln -s real/launch.sh link.sh
compile -o link.sh || fail "-o link.sh"
is_link link.sh
cmp -s real/launch.sh expected.sh || fail "the link's target does not hold the script"
[ "$(stat -c %a real/launch.sh)" = 755 ] || fail "the target's mode is $(stat -c %a real/launch.sh)"
[ -z "$(find real -mindepth 1 ! -name launch.sh)" ] || fail "left in real/: $(ls -A real)"
echo "ok: a link to a regular file is written through, mode 0755, the link kept"

# /dev/stdout's own link, with standard output a pipe: nothing to write through, a clean error.
ln -s /proc/self/fd/1 stdout
{ compile -o stdout 2> err; echo $? > status; } | cat > piped
[ "$(cat status)" = 1 ] || fail "-o stdout into a pipe: status $(cat status)"
grep -q "^qemuc: error: cannot write stdout: a symbolic link to /proc/self/fd/pipe:\[[0-9]*\], which does not exist; -o writes through a link only to an existing file$" err ||
  fail "-o stdout into a pipe said: $(cat err)"
[ ! -s piped ] || fail "-o stdout into a pipe wrote to the pipe"
is_link stdout
echo "ok: -o LINK-TO-/proc/self/fd/1 into a pipe: exit 1, the link kept"

# ... with standard output a file (`-o /dev/stdout > run.sh`): run.sh gets the script.
compile -o stdout > run.sh || fail "-o stdout > run.sh"
cmp -s run.sh expected.sh || fail "-o stdout > run.sh: run.sh does not hold the script"
[ "$(stat -c %a run.sh)" = 755 ] || fail "run.sh has mode $(stat -c %a run.sh)"
is_link stdout
echo "ok: -o LINK-TO-/proc/self/fd/1 > run.sh writes run.sh, the link kept"

compile -o - > dash.sh || fail "-o -"
cmp -s dash.sh expected.sh || fail "-o - did not write the script to stdout"
[ ! -e ./- ] || fail "-o - created a file named -"
echo "ok: -o - is standard output"

# Links to what is not a regular file, and the things themselves.
ln -s missing.sh dangling
refused dangling "a symbolic link to missing.sh, which does not exist; -o writes through a link only to an existing file"
[ ! -e missing.sh ] || fail "a dangling link's target was created"
ln -s real to-directory
refused to-directory "a symbolic link to real, which is a directory; -o writes generated files only"
ln -s /dev/null to-device
refused to-device "a symbolic link to /dev/null, which is a device; -o writes generated files only"
[ -c /dev/null ] || fail "/dev/null is no longer a device"
mkfifo fifo
refused fifo "not a regular file (a FIFO); -o writes generated files only"
ln -s fifo to-fifo
refused to-fifo "a symbolic link to fifo, which is a FIFO; -o writes generated files only"
[ -p fifo ] || fail "the FIFO was replaced"
for link in dangling to-directory to-device to-fifo; do is_link $link; done
echo "ok: dangling links, links to a directory, a device or a FIFO, and a FIFO: exit 1, untouched"

# Every file the run read, however it is spelled: profile, parent, overlay file, hard link, link.
ln board.yaml hard.yaml
ln -s base.yaml soft.yaml
cp board.yaml board.before
cp base.yaml base.before
cp extra.yaml extra.before
refused board.yaml "it is an input of this run ($dir/board.yaml)"
refused base.yaml "it is an input of this run ($dir/base.yaml)"
refused extra.yaml "it is an input of this run ($dir/extra.yaml)"
refused ./real/../base.yaml "it is an input of this run ($dir/base.yaml)"
refused hard.yaml "it is an input of this run ($dir/board.yaml)"
refused soft.yaml "it is an input of this run ($dir/base.yaml)"
for input in board base extra; do
  cmp -s $input.yaml $input.before || fail "$input.yaml changed"
done
is_link soft.yaml
echo "ok: -o onto the profile, a parent, an overlay file, a hard link or a link to one: exit 1"

leftovers=$(find . -name '.qemuc-*')
[ -z "$leftovers" ] || fail "temporary files left: $leftovers"

# The system's /dev/stdout by name, in a private mount namespace over a tmpfs /dev of its own.
if ! unshare -m true 2>/dev/null; then
  echo "SKIP: -o /dev/stdout by name needs unshare -m (a private mount namespace)"
  exit 77
fi
unshare -m sh -eu -s "$qemuc" "$dir" <<'INNER' || exit 1
qemuc=$1 dir=$2
fail() { echo "FAIL: $*"; exit 1; }
cd "$dir"
mount --make-rprivate /
mount -t tmpfs tmpfs /dev
ln -s /proc/self/fd/1 /dev/stdout
"$qemuc" compile --no-host-checks -O extra.yaml board.yaml -o /dev/stdout > byname.sh
cmp -s byname.sh expected.sh || fail "-o /dev/stdout > byname.sh did not write the script"
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a link"
if "$qemuc" compile --no-host-checks -O extra.yaml board.yaml -o /dev/stdout 2> err | cat > piped; then :; fi
grep -q "cannot write /dev/stdout: a symbolic link to /proc/self/fd/pipe:" err || fail "into a pipe: $(cat err)"
[ ! -s piped ] && [ -L /dev/stdout ] || fail "-o /dev/stdout into a pipe wrote or replaced it"
echo "ok: -o /dev/stdout: writes the file stdout is, or fails into a pipe; /dev/stdout stays a link"
INNER
