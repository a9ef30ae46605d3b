#!/usr/bin/env python3
"""The Debian package (debian/), built as a user builds it and used from its installed files.

usage: tests/deb/deb_package.py SOURCE_DIR

A copy of SOURCE_DIR (without .git, build*/ and obj-*/ or earlier package builds) in a temporary
directory is built with `dpkg-buildpackage -b -us -uc`, under DEB_BUILD_OPTIONS=nocheck (the
package's own unit and golden tests are those of this suite; QEMUC_DEB_CHECK=1 runs them in the
package build too). Then:
- the build wrote into the copy only what .gitignore ignores (obj-*/, debian/qemuc/, ...), and
  the .deb landed one directory up;
- lintian reports no error (E:) on the .changes;
- the .deb, unpacked with `dpkg -x` into a temporary root, holds the binary, both man pages, the
  three completions, the schema and the examples, and depends on libyaml-cpp (linked
  dynamically);
- from that root: `qemuc --version` says the package's version; `qemuc check` passes on the
  installed examples (their generated outputs are fresh) and `qemuc validate` on their boards;
  the man pages render with `man --warnings -l` without a warning; the bash completion, sourced,
  registers itself and completes a command and the overlays of an installed board; the zsh and
  fish completions parse; the schema is JSON and what `qemuc schema` prints.

Without dpkg-buildpackage, debhelper, lintian or a build dependency: exit 77 (SKIP) with the
reason. The package build compiles qemuc once more: minutes on a small machine.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
# What the build leaves in the source tree besides obj-*/ (debian/rules and .gitignore).
DEBIAN_BUILD_OUTPUTS = ('qemuc', 'tmp', '.debhelper', 'files', 'debhelper-build-stamp')


def skip(reason):
    print(f'SKIP: {reason} (scripts/setup --test installs it)')
    sys.exit(SKIP)


def need_tools():
    for tool, package in [('dpkg-buildpackage', 'dpkg-dev'), ('dh', 'debhelper'),
                          ('lintian', 'lintian'), ('dpkg-checkbuilddeps', 'dpkg-dev')]:
        if shutil.which(tool) is None:
            skip(f'{tool} is missing: apt-get install {package}')


def copy_source(source, copy):
    """The source tree as a fresh checkout has it: no VCS data, no build trees."""
    def ignored(directory, names):
        top = os.path.samefile(directory, source)
        in_debian = os.path.samefile(directory, os.path.join(source, 'debian'))
        return [name for name in names
                if name in ('.git', '__pycache__')
                or (top and (name.startswith('build') or name.startswith('obj-')))
                or (in_debian and (name in DEBIAN_BUILD_OUTPUTS or name.endswith('.substvars')
                                   or name.endswith('.debhelper.log')))]
    shutil.copytree(source, copy, symlinks=True, ignore=ignored)


def all_files(root):
    return {os.path.relpath(os.path.join(directory, name), root)
            for directory, _, names in os.walk(root) for name in names}


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


class Checks:
    def __init__(self):
        self.failures = 0

    def expect(self, ok, what, detail=''):
        if ok:
            print(f'ok: {what}')
        else:
            self.failures += 1
            print(f'FAIL: {what}' + (f'\n{detail}' if detail else ''))


def build_package(copy):
    """Runs dpkg-buildpackage in COPY; returns its environment's DEB_BUILD_OPTIONS."""
    cores = len(os.sched_getaffinity(0))
    options = f'parallel={cores}'
    if os.environ.get('QEMUC_DEB_CHECK') != '1':
        options += ' nocheck'
    env = dict(os.environ, DEB_BUILD_OPTIONS=options,
               DEB_BUILD_PROFILES='nocheck' if 'nocheck' in options else '')
    unmet = run(['dpkg-checkbuilddeps'], cwd=copy, env=env)
    if unmet.returncode != 0:
        skip(unmet.stderr.strip())
    print(f'building: DEB_BUILD_OPTIONS="{options}" dpkg-buildpackage -b -us -uc', flush=True)
    built = run(['dpkg-buildpackage', '-b', '-us', '-uc'], cwd=copy, env=env)
    if built.returncode != 0:
        print(built.stdout[-20000:], built.stderr[-20000:], sep='\n')
        sys.exit(f'FAIL: dpkg-buildpackage exited {built.returncode}')


def check_source_untouched(checks, copy, before):
    """Only what .gitignore ignores is new in the tree (asked of git, from the real .gitignore)."""
    if shutil.which('git') is None:
        print('skipped: git is missing, the source tree after the build is not checked')
        return
    run(['git', 'init', '-q'], cwd=copy, check=True)
    untracked = run(['git', 'ls-files', '-o', '--exclude-standard'], cwd=copy,
                    check=True).stdout.splitlines()
    new = sorted(set(untracked) - before)
    checks.expect(not new, 'the build wrote into the source tree only what .gitignore ignores',
                  '\n'.join(new))


def check_lintian(checks, work):
    changes = glob.glob(os.path.join(work, '*.changes'))
    result = run(['lintian', '--fail-on', 'error', *changes])
    print(result.stdout, end='')
    errors = [line for line in result.stdout.splitlines() if line.startswith('E:')]
    checks.expect(result.returncode == 0 and not errors, 'lintian reports no error',
                  result.stderr)


def check_contents(checks, deb, root):
    expected = ['usr/bin/qemuc', 'usr/share/man/man1/qemuc.1.gz',
                'usr/share/man/man5/qemuc-profile.5.gz',
                'usr/share/bash-completion/completions/qemuc',
                'usr/share/zsh/vendor-completions/_qemuc',
                'usr/share/fish/vendor_completions.d/qemuc.fish',
                'usr/share/qemuc/schema/profile.schema.json',
                'usr/share/doc/qemuc/copyright',
                'usr/share/doc/qemuc/examples/qemuc.yaml',
                'usr/share/doc/qemuc/examples/boards/x64-dev.yaml',
                'usr/share/doc/qemuc/examples/generated/x64-dev.sh']
    missing = [path for path in expected if not os.path.isfile(os.path.join(root, path))]
    checks.expect(not missing, 'the .deb installs the binary, man pages, completions, schema '
                  'and examples', 'missing: ' + ', '.join(missing))
    depends = run(['dpkg-deb', '-f', deb, 'Depends'], check=True).stdout
    checks.expect('libyaml-cpp' in depends, 'qemuc is linked dynamically (Depends: libyaml-cpp)',
                  depends)


def check_qemuc(checks, root, version, env):
    qemuc = os.path.join(root, 'usr/bin/qemuc')
    examples = os.path.join(root, 'usr/share/doc/qemuc/examples')
    out = run([qemuc, '--version'], env=env).stdout
    checks.expect(out.startswith(f'qemuc {version} ('), f'qemuc --version: {out.strip()}')
    result = run([qemuc, 'check', '-C', examples], env=env)
    checks.expect(result.returncode == 0, 'qemuc check -C ROOT/usr/share/doc/qemuc/examples',
                  result.stdout + result.stderr)
    boards = sorted(glob.glob('boards/*.yaml', root_dir=examples))
    result = run([qemuc, 'validate', *boards], cwd=examples, env=env)
    checks.expect(result.returncode == 0 and boards, f'qemuc validate {" ".join(boards)}',
                  result.stdout + result.stderr)
    schema_path = os.path.join(root, 'usr/share/qemuc/schema/profile.schema.json')
    with open(schema_path, encoding='utf-8') as f:
        text = f.read()
    try:
        json.loads(text)
        checks.expect(text == run([qemuc, 'schema'], env=env).stdout,
                      'the installed schema is JSON and what `qemuc schema` prints')
    except json.JSONDecodeError as error:
        checks.expect(False, 'the installed schema is JSON', str(error))


def check_man_pages(checks, root, env):
    if shutil.which('man') is None:
        print('skipped: man is missing (apt-get install man-db), the man pages are not rendered')
        return
    for page in ['man1/qemuc.1.gz', 'man5/qemuc-profile.5.gz']:
        result = run(['man', '--warnings', '-l', os.path.join(root, 'usr/share/man', page)],
                     env=dict(env, MANWIDTH='80', MANROFFSEQ=''))
        checks.expect(result.returncode == 0 and not result.stderr and 'qemuc' in result.stdout,
                      f'man --warnings -l {page}', result.stderr)


BASH_DRIVER = r'''
source "$1"
complete -p qemuc
COMP_WORDS=(qemuc co); COMP_CWORD=1; COMP_LINE="qemuc co"; COMP_POINT=${#COMP_LINE}
_qemuc qemuc co qemuc; echo "command: ${COMPREPLY[*]}"
COMP_WORDS=(qemuc compile boards/x64-dev.yaml -O ''); COMP_CWORD=4
COMP_LINE="qemuc compile boards/x64-dev.yaml -O "; COMP_POINT=${#COMP_LINE}
_qemuc qemuc '' -O; echo "overlays: ${COMPREPLY[*]}"
'''


def check_completions(checks, root, env):
    share = os.path.join(root, 'usr/share')
    examples = os.path.join(share, 'doc/qemuc/examples')
    result = run(['bash', '--norc', '-c', BASH_DRIVER, 'bash',
                  os.path.join(share, 'bash-completion/completions/qemuc')], cwd=examples, env=env)
    want = 'complete -F _qemuc qemuc\ncommand: compile\noverlays: debug kvm scratch\n'
    checks.expect(result.stdout == want and not result.stderr,
                  'the installed bash completion registers itself and completes',
                  f'stdout: {result.stdout!r}\nstderr: {result.stderr!r}')
    for shell, command in [('zsh', ['zsh', '-n']), ('fish', ['fish', '--no-execute'])]:
        if shutil.which(shell) is None:
            print(f'skipped: {shell} is missing, its completion is not parsed')
            continue
        path = os.path.join(share, 'zsh/vendor-completions/_qemuc' if shell == 'zsh'
                            else 'fish/vendor_completions.d/qemuc.fish')
        result = run(command + [path], env=env)
        checks.expect(result.returncode == 0 and not result.stderr,
                      f'the installed {shell} completion parses', result.stderr)


def main():
    source = os.path.abspath(sys.argv[1])
    need_tools()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix='qemuc-deb-') as work:
        copy = os.path.join(work, 'qemuc')
        copy_source(source, copy)
        before = all_files(copy)
        version = run(['dpkg-parsechangelog', '-S', 'Version'], cwd=copy,
                      check=True).stdout.strip()
        build_package(copy)
        check_source_untouched(checks, copy, before)
        debs = glob.glob(os.path.join(work, f'qemuc_{version}_*.deb'))
        checks.expect(len(debs) == 1, f'one qemuc_{version}_ARCH.deb, one directory up',
                      str(os.listdir(work)))
        if len(debs) != 1:
            sys.exit(1)
        check_lintian(checks, work)
        root = os.path.join(work, 'root')
        run(['dpkg', '-x', debs[0], root], check=True)
        check_contents(checks, debs[0], root)
        env = dict(os.environ, LC_ALL='C.UTF-8', XDG_CACHE_HOME=os.path.join(work, 'cache'),
                   PATH=os.path.join(root, 'usr/bin') + os.pathsep + os.environ['PATH'])
        upstream_version = version.split('-')[0]
        check_qemuc(checks, root, upstream_version, env)
        check_man_pages(checks, root, env)
        check_completions(checks, root, env)
    print(f'{checks.failures} failures')
    sys.exit(1 if checks.failures else 0)


if __name__ == '__main__':
    main()
