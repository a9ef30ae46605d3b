#!/bin/sh
# Debian's pre-commit runs the hooks of .pre-commit-hooks.yaml, taken from this repository as a
# path repo, in temporary git repositories:
# - qemuc-validate fails on a bad profile and passes on a good one; qemuc-generated-fresh fails on
#   a stale launch script and passes on a fresh one (`pre-commit run`);
# - qemuc-check, installed with `pre-commit install` and run by `git commit` in a repository with
#   a qemuc.yaml, a base, a parent and three boards: it refuses a commit that changes only the
#   base and breaks a board, a commit that leaves the launch script stale or deletes it, and
#   lets good commits through.
# usage: run.sh QEMUC SOURCE_ROOT      exit 77 (skip) when pre-commit or git is missing
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
  echo "SKIP: $source_root is not a git checkout, so pre-commit cannot use it as a hook repository"
  exit 77
fi
if ! git -C "$source_root" cat-file -e "HEAD:.pre-commit-hooks.yaml" 2>/dev/null; then
  echo "SKIP: .pre-commit-hooks.yaml is not committed yet (pre-commit reads hooks from a commit)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/bin"
mkdir "$bin"
ln -s "$(cd "$(dirname "$qemuc")" && pwd)/$(basename "$qemuc")" "$bin/qemuc"
export PATH="$bin:$PATH" PRE_COMMIT_HOME="$work/cache" HOME="$work"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
log="$work/log"

fail() {  # fail MESSAGE: the message and the last log
  echo "FAIL: $1"
  cat "$log"
  exit 1
}

report() {  # report pass|fail OUTCOME DESCRIPTION
  [ "$2" = "$1" ] || fail "$3: should $1 but did $2"
  echo "ok: $3 ($2)"
}

expect() {  # expect pass|fail DESCRIPTION: `pre-commit run --all-files`
  if pre-commit run --all-files > "$log" 2>&1; then outcome=pass; else outcome=fail; fi
  report "$1" "$outcome" "$2"
}

shows() {  # shows TEXT: the last log holds this line fragment
  grep -qF -e "$1" "$log" || fail "the log does not show: $1"
}

# --- qemuc-validate and qemuc-generated-fresh (a repository without qemuc.yaml) ---------------
repo="$work/repo"
mkdir -p "$repo/boards" "$repo/out"
cd "$repo"
git init -q .
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $source_root
    rev: $rev
    hooks:
      - id: qemuc-validate
        files: ^boards/
      # The shipped default checks nothing (a repository holds other YAML, this file included):
      # the passing runs below prove it does not fail on .pre-commit-config.yaml.
      - id: qemuc-validate
        alias: qemuc-validate-default-files
      - id: qemuc-generated-fresh
        args: [boards/x64.yaml, -o, out/launch.sh, --no-host-checks]
YAML
printf 'qemu: {target: x86_64, memory: 256, kernel: /k}\n' > boards/x64.yaml
qemuc compile --no-host-checks boards/x64.yaml -o out/launch.sh
git add -A

expect pass "a good profile and a fresh launch script"
printf 'qemu: {target: x86_64, memory: 256, kernel: /k, cpuss: 2}\n' > boards/x64.yaml
git add -A
expect fail "a profile with an unknown key"
shows "unknown key 'cpuss' in 'qemu'"
printf 'qemu: {target: x86_64, memory: 512, kernel: /k}\n' > boards/x64.yaml
git add -A
expect fail "a valid profile whose launch script is now stale"
shows "out/launch.sh is stale"
qemuc compile --no-host-checks boards/x64.yaml -o out/launch.sh
git add -A
expect pass "the launch script regenerated"

# --- qemuc-check, run by git commit (a repository with qemuc.yaml) ----------------------------
# A space in the path: pre-commit, git and qemuc all see it.
repo="$work/board repo"
mkdir -p "$repo/base" "$repo/boards"
cd "$repo"
git init -q .
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $source_root
    rev: $rev
    hooks:
      - id: qemuc-check
YAML
cat > qemuc.yaml <<'YAML'
profiles: [base/*.yaml, boards/*.yaml]
outputs:
  - file: out/x64-small.sh
    profile: boards/x64-small.yaml
YAML
cat > base/x86_64.yaml <<'YAML'
abstract: true
vars:
  disk: /srv/disk.img
qemu:
  target: x86_64
  memory: 256
  kernel: /k
YAML
cat > base/x86_64-smp.yaml <<'YAML'
abstract: true
extends: x86_64.yaml
qemu:
  cpus: 2
YAML
cat > boards/x64-small.yaml <<'YAML'
extends: ../base/x86_64-smp.yaml
qemu:
  drives:
    - { id: blk0, file: "${disk}" }
YAML
cat > boards/x64-big.yaml <<'YAML'
extends: ../base/x86_64-smp.yaml
qemu:
  memory: 1024
YAML
cat > boards/x64-tiny.yaml <<'YAML'
extends: ../base/x86_64.yaml
description: Straight on the base, no parent
YAML
echo "Boards." > README
qemuc build > "$log" 2>&1 || fail "qemuc build of the new repository"
pre-commit install > "$log" 2>&1 || fail "pre-commit install"

commit() {  # commit pass|fail DESCRIPTION: `git commit` of what is staged, the hook run or not
  if git commit -q -m "$2" > "$log" 2>&1; then outcome=pass; else outcome=fail; fi
  report "$1" "$outcome" "$2"
  case $1 in
    pass) grep -q '^qemuc check\.*Passed$' "$log" || fail "$2: the hook did not run and pass" ;;
    fail) grep -q '^qemuc check\.*Failed$' "$log" || fail "$2: the hook did not fail" ;;
  esac
}

staged_only() {  # staged_only FILE: the commit's staged file list is this one file
  staged=$(git diff --cached --name-only)
  [ "$staged" = "$1" ] || fail "staged: $staged, expected only $1"
}

undo() {  # undo FILE...: index and work tree back to the last commit
  git checkout HEAD -- "$@"
}

git add -A
commit pass "a good first commit: profiles, qemuc.yaml and a fresh launch script"

# The base alone: its variable renamed, a board that uses it breaks. Not staged, so a hook that
# checks only the staged files would let it through.
sed -i 's/^  disk: /  disk_image: /' base/x86_64.yaml
git add base/x86_64.yaml
staged_only base/x86_64.yaml
commit fail "a change to the base alone that breaks a board extending it"
shows "boards/x64-small.yaml:4:26: error: undefined variable 'disk'"
shows "note: for the output out/x64-small.sh at qemuc.yaml:3:11"
undo base/x86_64.yaml

# The base alone, broken itself: the error at the base, the boards it breaks in its notes.
sed -i 's/^  memory: 256/  memory: 256\n  cpu_count: 2/' base/x86_64.yaml
git add base/x86_64.yaml
staged_only base/x86_64.yaml
commit fail "a base with an unknown key"
shows "base/x86_64.yaml:7:3: error: unknown key 'cpu_count' in 'qemu'"
shows "note: base/x86_64-smp.yaml is extended by boards/x64-big.yaml:1:10"
shows "note: base/x86_64-smp.yaml is extended by boards/x64-small.yaml:1:10"
undo base/x86_64.yaml

# A board's cpus changed, its launch script not rebuilt: stale, with the diff.
sed -i 's/^qemu:/qemu:\n  cpus: 4/' boards/x64-small.yaml
git add boards/x64-small.yaml
staged_only boards/x64-small.yaml
commit fail "a board changed, its launch script stale"
shows "qemuc.yaml:3:11: error: out/x64-small.sh is stale: run 'qemuc build' to write it"
shows "--- out/x64-small.sh	(current)"
shows "-  -smp 2 \\"
shows "+  -smp 4 \\"
qemuc build > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "qemuc build"; }
git add out/x64-small.sh
commit pass "the board with its rebuilt launch script"

# Only a deletion is staged: pre-commit's file list is empty, the hook runs all the same.
git rm -q out/x64-small.sh
commit fail "the launch script deleted"
shows "qemuc.yaml:3:11: error: out/x64-small.sh does not exist: run 'qemuc build' to write it"
undo out/x64-small.sh

# A commit that touches no profile runs the hook too, and passes. It checks what is committed:
# pre-commit stashes the broken board that is not staged.
echo "Three boards." >> README
git add README
echo "qemu: {cpus: many}" >> boards/x64-big.yaml
staged_only README
commit pass "a change to the README alone, a broken board not staged"
undo boards/x64-big.yaml
[ -z "$(git status --porcelain)" ] || fail "uncommitted changes left: $(git status --porcelain)"
