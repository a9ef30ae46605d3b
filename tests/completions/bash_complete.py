#!/usr/bin/env python3
"""completions/qemuc.bash driven by bash itself, as bash calls it at a TAB.

    bash_complete.py QEMUC COMPLETION_FILE

For each command line below, bash (--norc) sources the completion file, sets COMP_LINE,
COMP_POINT, COMP_WORDS and COMP_CWORD as bash does at a TAB at the line's end, calls _qemuc and
prints COMPREPLY, which must be exactly what is expected. Everything runs twice: with
bash-completion's helpers (/usr/share/bash-completion/bash_completion) and without them, where
the file must work alone. The commands and options expected come from `qemuc --help` and
`qemuc help COMMAND`, so a new option that the completion lacks fails here. The profiles live
in a temporary directory whose names hold spaces; an overlay name holds a $(...) that must
never run. Without bash: exit 77 (SKIP).
"""
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from qemuc_help import commands, options  # noqa: E402

SKIP = 77
BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'

DRIVER = r'''
set +o history
[[ -n $HELPERS ]] && source "$HELPERS"
source "$COMPLETION"
t() {
  COMP_LINE=$1 COMP_POINT=${#1}
  shift
  COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _qemuc qemuc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  ((${#COMPREPLY[@]} == 0)) || printf '%s\x1f' "${COMPREPLY[@]}"
  printf '\x1e'
}
'''

PARENT = '''\
abstract: true
overlays:
  kvm: { qemu: { kvm: true } }
  "x$(touch pwned)": { qemu: { cpus: 2 } }
'''
BOARD = '''\
extends: base dir/parent.yaml
name: board
qemu: { target: x86_64, memory: 1G, kernel: kernel.bin }
overlays:
  debug: { cmdline: [debug=1] }
'''


def comp_words(line):
    """COMP_WORDS as bash splits `line`: at unquoted blanks, and an unquoted '=' (in
    COMP_WORDBREAKS) is a word of its own; quotes and backslashes stay in the words. A line
    ending in a blank has an empty last word."""
    words, word, quote, i = [], '', None, 0
    while i < len(line):
        c = line[i]
        if quote:
            word += c
            if c == quote:
                quote = None
        elif c == '\\':
            word += line[i:i + 2]
            i += 1
        elif c in '"\'':
            quote = c
            word += c
        elif c == ' ':
            if word:
                words.append(word)
            word = ''
        elif c == '=':
            if word:
                words.append(word)
            words.append('=')
            word = ''
        else:
            word += c
        i += 1
    if word or line.endswith(' '):
        words.append(word)
    return words


def cases(qemuc):
    """(line, expected COMPREPLY as a list, or as a set when the order is compgen's)."""
    names = commands(qemuc)
    found = [('qemuc ', names), ('qemuc --', ['--help', '--version']),
             ('qemuc help c', [name for name in names if name.startswith('c')])]
    for command in names:
        pairs = options(qemuc, command)
        found.append((f'qemuc {command} --', set(long for _, long in pairs)))
        found.append((f'qemuc {command} -', set(o for pair in pairs for o in pair if o)))
    found += [
        ('qemuc compile --format ', ['shell', 'json', 'args', 'systemd']),
        ('qemuc compile -f j', ['json']),
        ('qemuc list --format ', ['table', 'json']),
        ('qemuc resolve x.yaml --output-format ', ['yaml', 'json']),
        ('qemuc check --error-format ', ['gcc', 'json']),
        # Overlays: the parent's (through extends) first, then the profile's own.
        ('qemuc compile my\\ board.yaml -O ', ['kvm', 'x$(touch pwned)', 'debug']),
        ('qemuc run "my board.yaml" --overlay k', ['kvm']),
        ('qemuc validate -j 2 \'my board.yaml\' -O x', ['x$(touch pwned)']),
        ('qemuc compile -O ', []),                      # no profile yet
        ('qemuc compile broken.yaml -O ', []),          # silent, status 1
        ('qemuc compile $(touch pwned2) -O ', []),      # the line is never evaluated
        ('qemuc compile my\\ board.yaml -O base\\ dir/', ['base dir/parent.yaml']),
        # Profile files and directories, names with spaces.
        ('qemuc compile ', {'my board.yaml', 'other.yml', 'broken.yaml', 'base dir', 'sub dir'}),
        ('qemuc compile my\\ b', ['my board.yaml']),
        ('qemuc compile "my b', ['my board.yaml']),
        ("qemuc graph 'my b", ['my board.yaml']),
        ('qemuc check -C s', ['sub dir']),
        ('qemuc compile my\\ board.yaml -- ', []),     # kernel arguments
    ]
    return found


SPLIT_CASES = [  # "--option=value": only bash-completion's _init_completion -s joins them again
    ('qemuc compile --format=j', ['json']),
    ('qemuc resolve my\\ board.yaml --overlay=d', ['debug']),
]


def make_profiles(directory):
    (directory / 'base dir').mkdir()
    (directory / 'sub dir').mkdir()
    (directory / 'base dir' / 'parent.yaml').write_text(PARENT)
    (directory / 'my board.yaml').write_text(BOARD)
    (directory / 'other.yml').write_text(BOARD.replace('name: board', 'name: other'))
    (directory / 'broken.yaml').write_text('overlays: { kvm: {} }\nqemu: { cpus: 0 }\n')
    (directory / 'notes.txt').write_text('not a profile\n')


def drive(all_cases, directory, completion, qemuc, helpers):
    script = DRIVER + ''.join(
        't ' + ' '.join(shlex.quote(part) for part in [line] + comp_words(line)) + '\n'
        for line, _ in all_cases)
    env = dict(os.environ, HELPERS=helpers, COMPLETION=completion,
               PATH=str(pathlib.Path(qemuc).parent) + os.pathsep + os.environ['PATH'])
    result = subprocess.run(['bash', '--norc', '--noprofile'], input=script, cwd=directory,
                            capture_output=True, text=True, env=env, timeout=120)
    failures = []
    if result.returncode != 0 or result.stderr:
        failures.append(f'bash: status {result.returncode}, stderr:\n{result.stderr}')
    replies = result.stdout.split('\x1e')[:-1]
    if len(replies) != len(all_cases):
        return failures + [f'{len(replies)} replies for {len(all_cases)} cases:\n{result.stdout}']
    for (line, expected), reply in zip(all_cases, replies):
        got = reply.split('\x1f')[:-1]
        if (set(got) if isinstance(expected, set) else got) != expected:
            shown = sorted(expected) if isinstance(expected, set) else expected
            failures.append(f'{line!r}: expected {shown}, got {got}')
    return failures


def main(qemuc, completion):
    if shutil.which('bash') is None:
        print('SKIP: bash is not installed')
        return SKIP
    qemuc = os.path.abspath(qemuc)
    completion = os.path.abspath(completion)
    modes = [('without bash-completion', '')]
    if os.path.exists(BASH_COMPLETION):
        modes.insert(0, ('with bash-completion', BASH_COMPLETION))
    else:
        print(f'note: {BASH_COMPLETION} is missing (Debian package bash-completion): '
              'the file is driven alone')
    failures = 0
    for mode, helpers in modes:
        with tempfile.TemporaryDirectory(prefix='qemuc-bash-completion.') as temporary:
            directory = pathlib.Path(temporary)
            make_profiles(directory)
            all_cases = cases(qemuc) + (SPLIT_CASES if helpers else [])
            found = drive(all_cases, directory, completion, qemuc, helpers)
            for pwned in ('pwned', 'pwned2'):
                if (directory / pwned).exists():
                    found.append(f'a $(touch {pwned}) ran while completing')
        for failure in found:
            print(f'FAIL ({mode}): {failure}')
        print(f'{mode}: {len(all_cases)} command lines, {len(found)} failures')
        failures += len(found)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
