#!/usr/bin/env python3
"""completions/_qemuc (zsh) and completions/qemuc.fish, read by their shells.

    shells.py zsh QEMUC FILE    zsh -n reads FILE; FILE names every command of `qemuc --help`
                                and every option of `qemuc help COMMAND`; and zsh's own
                                completion, on a pseudo-terminal (zsh_capture.zsh), completes
                                with it as fish does below
    shells.py fish QEMUC FILE   fish --no-execute reads FILE, and fish's own `complete -C`
                                completes with it: commands, each command's long options
                                (exactly those of `qemuc help COMMAND`), --format values,
                                -O's overlays (a parent's too, through extends) and profile
                                files with spaces in their names

Without the shell: exit 77 (SKIP) with the reason.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from qemuc_help import commands, long_options  # noqa: E402

SKIP = 77


def check_zsh(qemuc, path):
    failures = check_zsh_text(qemuc, path)
    if failures:
        return failures
    cases = [('qemuc comp', {'compile'}), ('qemuc help c', {'compile', 'check'}),
             ('qemuc compile --format ', {'shell', 'json', 'args', 'systemd'}),
             ('qemuc list -f ', {'table', 'json'}),
             ('qemuc resolve --output-format ', {'yaml', 'json'}),
             ('qemuc compile --', long_options(qemuc, 'compile')),
             ('qemuc compile my\\ board.yaml -O ', {'kvm', 'debug'}),
             ('qemuc compile ', {'my\\ board.yaml', 'base\\ dir'}),
             ('qemuc compile my\\ b', {'my\\ board.yaml'})]
    capture = pathlib.Path(__file__).with_name('zsh_capture.zsh')
    env = dict(os.environ, PATH=str(pathlib.Path(qemuc).parent) + os.pathsep + os.environ['PATH'])
    with tempfile.TemporaryDirectory(prefix='qemuc-zsh-completion.') as temporary:
        directory = pathlib.Path(temporary) / 'profiles'
        directory.mkdir()
        make_profiles(directory)
        fpath = pathlib.Path(temporary) / 'fpath'  # not among the files completed
        fpath.mkdir()
        shutil.copy(path, fpath / '_qemuc')
        for line, expected in cases:
            result = subprocess.run(['zsh', '-f', str(capture), str(fpath), line], cwd=directory,
                                    capture_output=True, text=True, env=env, timeout=60)
            if result.returncode == SKIP:
                print('note: zsh has no zsh/zpty module: zsh completes nothing here')
                break
            got = {match for group in re.findall(r'<<(.*?)>>', result.stdout)
                   for match in group.split('\x1f')}
            if result.returncode or got != expected:
                failures.append(f'{line!r}: expected {sorted(expected)}, got {sorted(got)} '
                                f'(status {result.returncode}, {result.stderr.strip()})')
    print(f'zsh: {len(cases)} command lines')
    return failures


def check_zsh_text(qemuc, path):
    result = subprocess.run(['zsh', '-n', path], capture_output=True, text=True)
    failures = [f'zsh -n: status {result.returncode}: {result.stderr}'] if (
        result.returncode or result.stderr) else []
    text = pathlib.Path(path).read_text()
    for command in commands(qemuc):
        if f"'{command}:" not in text:
            failures.append(f'the command {command} is not offered')
        for option in long_options(qemuc, command):
            if not re.search(rf'(?<![\w-]){re.escape(option)}(?![\w-])', text):
                failures.append(f'qemuc {command} {option} is not in {path}')
    return failures


PROFILES = {
    'base dir/parent.yaml': 'abstract: true\noverlays:\n  kvm: { qemu: { kvm: true } }\n',
    'my board.yaml': ('extends: base dir/parent.yaml\nname: board\n'
                      'qemu: { target: x86_64, memory: 1G, kernel: kernel.bin }\n'
                      'overlays:\n  debug: { cmdline: [debug=1] }\n'),
    'notes.txt': 'not a profile\n',
}


def make_profiles(directory):
    for name, text in PROFILES.items():
        (directory / name).parent.mkdir(exist_ok=True)
        (directory / name).write_text(text)


def fish_complete(path, qemuc, directory, line):
    script = f'source {fish_quote(path)}\ncomplete -C {fish_quote(line)}\n'
    env = dict(os.environ, PATH=str(pathlib.Path(qemuc).parent) + os.pathsep + os.environ['PATH'])
    result = subprocess.run(['fish', '--no-config', '-c', script], capture_output=True, text=True,
                            cwd=directory, env=env, timeout=60)
    if result.returncode or result.stderr:
        raise RuntimeError(f'fish: status {result.returncode}: {result.stderr}')
    return [entry.split('\t', 1)[0] for entry in result.stdout.splitlines()]


def fish_quote(text):
    return "'" + text.replace('\\', '\\\\').replace("'", "\\'") + "'"


def check_fish(qemuc, path):
    result = subprocess.run(['fish', '--no-execute', path], capture_output=True, text=True)
    if result.returncode or result.stderr:
        return [f'fish --no-execute: status {result.returncode}: {result.stderr}']
    names = commands(qemuc)
    cases = [('qemuc ', set(names)), ('qemuc comp', {'compile'}),
             ('qemuc compile --format ', {'shell', 'json', 'args', 'systemd'}),
             ('qemuc list --format ', {'table', 'json'}),
             ('qemuc compile --error-format ', {'gcc', 'json'}),
             ("qemuc compile 'my board.yaml' -O ", {'kvm', 'debug'}),
             ('qemuc compile ', {'my board.yaml', 'base dir/'}),
             ('qemuc compile my\\ b', {'my board.yaml'}),
             ("qemuc compile 'my b", {'my board.yaml'})]
    cases += [(f'qemuc {command} --', long_options(qemuc, command)) for command in names]
    failures = []
    with tempfile.TemporaryDirectory(prefix='qemuc-fish-completion.') as temporary:
        directory = pathlib.Path(temporary)
        make_profiles(directory)
        for line, expected in cases:
            got = fish_complete(path, qemuc, directory, line)
            if set(got) != expected or len(got) != len(expected):
                failures.append(f'{line!r}: expected {sorted(expected)}, got {got}')
    print(f'fish: {len(cases)} command lines')
    return failures


def main(shell, qemuc, path):
    if shutil.which(shell) is None:
        print(f'SKIP: {shell} is not installed (scripts/setup --test installs it)')
        return SKIP
    qemuc = os.path.abspath(qemuc)
    path = os.path.abspath(path)
    failures = check_zsh(qemuc, path) if shell == 'zsh' else check_fish(qemuc, path)
    for failure in failures:
        print(f'FAIL ({shell}): {failure}')
    print(f'{shell}: {len(failures)} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
