#!/bin/sh
# Debian's pre-commit runs the hooks of .pre-commit-hooks.yaml, taken from this repository as a
# path repo, in a temporary git repository: qemuc-validate fails on a bad profile and passes on
# a good one; qemuc-generated-fresh fails on a stale launch script and passes on a fresh one.
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

expect() {  # expect pass|fail DESCRIPTION
  if pre-commit run --all-files > "$work/log" 2>&1; then outcome=pass; else outcome=fail; fi
  if [ "$outcome" != "$1" ]; then
    echo "FAIL: $2: pre-commit should $1 but did $outcome"
    cat "$work/log"
    exit 1
  fi
  echo "ok: $2 ($outcome)"
}

expect pass "a good profile and a fresh launch script"
printf 'qemu: {target: x86_64, memory: 256, kernel: /k, cpu: 2}\n' > boards/x64.yaml
git add -A
expect fail "a profile with an unknown key"
grep -q "unknown key 'cpu' in 'qemu'" "$work/log" || { echo "FAIL: the hook did not show qemuc's error"; cat "$work/log"; exit 1; }
printf 'qemu: {target: x86_64, memory: 512, kernel: /k}\n' > boards/x64.yaml
git add -A
expect fail "a valid profile whose launch script is now stale"
grep -q "out/launch.sh is stale" "$work/log" || { echo "FAIL: no stale message"; cat "$work/log"; exit 1; }
qemuc compile --no-host-checks boards/x64.yaml -o out/launch.sh
git add -A
expect pass "the launch script regenerated"
