#!/bin/sh
# The repository's own .pre-commit-config.yaml, installed with `pre-commit install` in a clone of
# this repository at HEAD, with the qemuc under test where the config expects it (build/qemuc):
# `git commit` passes as the tree is; a change to examples/base/x86_64.yaml that changes outputs
# is refused, naming each stale output; after `build/qemuc build -C examples` it passes.
# usage: own_config.sh QEMUC SOURCE_ROOT      exit 77 (skip) when pre-commit or git is missing
set -eu
qemuc=$1
source_root=$2
for tool in pre-commit git; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed (scripts/setup --test installs it)"
    exit 77
  fi
done
if ! rev=$(git -C "$source_root" rev-parse HEAD 2>/dev/null); then
  echo "SKIP: $source_root is not a git checkout, so there is no commit to clone"
  exit 77
fi
if ! git -C "$source_root" cat-file -e "HEAD:.pre-commit-config.yaml" 2>/dev/null; then
  echo "SKIP: .pre-commit-config.yaml is not committed yet (pre-commit reads the committed one)"
  exit 77
fi

qemuc="$(cd "$(dirname "$qemuc")" && pwd)/$(basename "$qemuc")"  # before the cd below
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" HOME="$work"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
log="$work/log"

fail() {  # fail MESSAGE: the message and the last log
  echo "FAIL: $1"
  cat "$log"
  exit 1
}

shows() {  # shows TEXT: the last log holds this line fragment
  grep -qF -e "$1" "$log" || fail "the log does not show: $1"
}

commit() {  # commit pass|fail DESCRIPTION: `git commit` of what is staged
  if git commit -q -m "$2" > "$log" 2>&1; then outcome=pass; else outcome=fail; fi
  [ "$outcome" = "$1" ] || fail "$2: should $1 but did $outcome"
  case $1 in
    pass) grep -q '^qemuc check (examples/)\.*Passed$' "$log" || fail "$2: the hook did not pass" ;;
    fail) grep -q '^qemuc check (examples/)\.*Failed$' "$log" || fail "$2: the hook did not fail" ;;
  esac
  echo "ok: $2 ($outcome)"
}

clone="$work/clone"
git clone -q --no-checkout "$source_root" "$clone"
cd "$clone"
git checkout -q --detach "$rev"
# build/ is ignored (.gitignore), so the link is never committed.
mkdir build
ln -s "$qemuc" build/qemuc
pre-commit install > "$log" 2>&1 || fail "pre-commit install"

echo "A line." >> README.md
git add README.md
commit pass "the repository as it is committed"

# More memory for every x86_64 board: all three outputs built on the base change.
sed 's/^  memory: 2G$/  memory: 3G/' examples/base/x86_64.yaml > "$work/edit"
cmp -s "$work/edit" examples/base/x86_64.yaml && fail "examples/base/x86_64.yaml has no 'memory: 2G'"
cat "$work/edit" > examples/base/x86_64.yaml
git add examples/base/x86_64.yaml
commit fail "examples/base/x86_64.yaml changed, the outputs not rebuilt"
for output in x64-dev.sh x64-dev-kvm.service x64-test.json x64-kernel-test.sh; do
  shows "error: generated/$output is stale: run 'qemuc build' to write it"
done
shows "--- generated/x64-dev.sh	(current)"
shows "+  -m 3072 \\"
if grep -q "arm64-ci.args is stale" "$log"; then fail "the aarch64 output is reported stale"; fi
shows "checked 11 profiles and 6 outputs: 4 errors, 4 stale, 2 fresh, 0 failed"

build/qemuc build -C examples > "$log" 2>&1 || fail "build/qemuc build -C examples"
git add examples/generated
commit pass "the base with its rebuilt outputs"
