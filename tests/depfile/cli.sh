#!/bin/sh
# compile -o FILE --depfile DEPFILE on a real file system (SPEC §8): what the depfile holds, its
# mode, a depfile that cannot be written after the output was, a path that no depfile can hold,
# and a depfile that is a link to the output. The messages are pinned exactly.
# usage: cli.sh QEMUC
set -u
qemuc=$1
case $qemuc in /*) ;; *) qemuc=$PWD/$qemuc ;; esac  # the test changes directory
fail() { echo "FAIL: $*"; exit 1; }
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
dir="$top/my #1 \$boards"
mkdir "$dir" && cd "$dir" || exit 1

# shellcheck disable=SC2016 # a '$' in a file name, for the depfile to escape
printf 'abstract: true\nqemu: {target: x86_64, memory: 64, kernel: /k}\n' > 'base $1.yaml'
# shellcheck disable=SC2016
printf 'extends: base $1.yaml\nqemu: {cpus: 2}\n' > board.yaml
printf 'abstract: true\nqemu: {cpus: 3}\n' > extra.yaml
mkdir out

# Every file read, once, in the order first read; the target as given; mode 0644 whatever the
# umask; an empty rule per dependency.
(umask 077 && "$qemuc" compile --no-host-checks board.yaml -O extra.yaml -O extra.yaml \
  -o ./out/x.sh --depfile out/x.d) || fail "compile --depfile"
e=$(printf '%s' "$top" | sed 's/ /\\ /g; s/\$/$$/g')/my\\\ \\#1\\\ \$\$boards
expected="./out/x.sh: $e/board.yaml
./out/x.sh: $e/base\\ \$\$1.yaml
./out/x.sh: $e/extra.yaml
$e/board.yaml:
$e/base\\ \$\$1.yaml:
$e/extra.yaml:"
[ "$(cat out/x.d)" = "$expected" ] || fail "the depfile holds:
$(cat out/x.d)
expected:
$expected"
[ "$(stat -c %a out/x.d)" = 644 ] || fail "the depfile has mode $(stat -c %a out/x.d)"
echo "ok: the depfile names the target as given and every file read once, mode 0644"

# A second run replaces the depfile: without the overlay, it is no longer named.
"$qemuc" compile --no-host-checks board.yaml -o ./out/x.sh --depfile out/x.d || fail "rerun"
grep -q extra out/x.d && fail "the overlay is still in the depfile: $(cat out/x.d)"
[ "$(wc -l < out/x.d)" = 4 ] || fail "the rewritten depfile holds: $(cat out/x.d)"
echo "ok: a second run replaces the depfile"

# The depfile cannot be written: exit 1, and the message says that the output was.
rm -f out/x.sh
"$qemuc" compile --no-host-checks board.yaml -o out/x.sh --depfile nodir/x.d 2> err
status=$?
[ "$status" = 1 ] || fail "--depfile nodir/x.d: status $status"
[ "$(cat err)" = "qemuc: error: cannot write depfile nodir/x.d: No such file or directory (out/x.sh was written)" ] ||
  fail "--depfile nodir/x.d said: $(cat err)"
[ -f out/x.sh ] || fail "--depfile nodir/x.d: the output was not written"
echo "ok: a depfile that cannot be written is exit 1 after the output"

# A line break in a parent's path: exit 1 before anything is written.
mkdir 'line
break'
printf 'abstract: true\nqemu: {target: x86_64, memory: 64, kernel: /k}\n' > 'line
break/base.yaml'
printf 'extends: "line\\nbreak/base.yaml"\n' > nl.yaml
rm -f out/x.sh out/x.d
"$qemuc" compile --no-host-checks nl.yaml -o out/x.sh --depfile out/x.d 2> err
status=$?
[ "$status" = 1 ] || fail "a line break: status $status: $(cat err)"
[ "$(cat err)" = "qemuc: error: cannot write '$dir/line\\nbreak/base.yaml' in a depfile: make and ninja read a line break as the end of a rule" ] ||
  fail "a line break said: $(cat err)"
if [ -e out/x.sh ] || [ -e out/x.d ]; then fail "a line break: something was written: $(ls out)"; fi
echo "ok: a line break in a path is exit 1 with nothing written"

# A depfile that is a link to the output is the output: refused before anything is written.
echo old > out/x.sh
ln -s x.sh out/link.d
"$qemuc" compile --no-host-checks board.yaml -o out/x.sh --depfile out/link.d 2> err
status=$?
[ "$status" = 1 ] || fail "--depfile LINK-TO-OUTPUT: status $status"
[ "$(cat err)" = "qemuc: error: cannot write depfile out/link.d: it is the -o file" ] ||
  fail "--depfile LINK-TO-OUTPUT said: $(cat err)"
[ "$(cat out/x.sh)" = old ] || fail "--depfile LINK-TO-OUTPUT: the output was written"
echo "ok: a depfile that is a link to the -o file is refused, nothing written"
