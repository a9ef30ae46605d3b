#!/usr/bin/env python3
"""The man pages, read by man-db and groff as a user's `man` reads them.

    man_pages.py render PAGE...
        each PAGE renders with `man --warnings -l` and `groff -ww -z -man` without a warning.
    man_pages.py options QEMUC QEMUC_1
        every command of `QEMUC --help` has an entry in QEMUC_1's COMMANDS, and every option of
        `QEMUC help COMMAND` is named in that entry (or, when the entry points there, under
        LAYER OPTIONS); so the page cannot fall behind a new option.
    man_pages.py keys KEY_REFERENCE QEMUC_PROFILE_5
        every key path that `KEY_REFERENCE --paths` prints is an entry of the page's KEYS.

Without man or groff: exit 77 (SKIP) with the reason. With no PAGE (meson found no scdoc, so
no page was built): exit 77 too.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import qemuc_help  # noqa: E402
from qemuc_help import commands  # noqa: E402

SKIP = 77
ENV = dict(os.environ, LC_ALL='C.UTF-8', MANWIDTH='80', MANROFFSEQ='')


def need(*tools):
    for tool in tools:
        if shutil.which(tool) is None:
            print(f'SKIP: {tool} is not installed (scripts/setup --test installs it)')
            sys.exit(SKIP)


def rendered(page, width='1000'):
    """The page as man shows it, plain text; wide, unhyphenated and unjustified, so that an
    option is never cut at a line's end."""
    need('man', 'groff')
    result = subprocess.run(['man', '--nh', '--nj', '-l', page], capture_output=True, text=True,
                            env=dict(ENV, MANWIDTH=width, MAN_KEEP_FORMATTING=''), check=True)
    return result.stdout


def render(pages):
    need('man', 'groff')
    if not pages:
        print('SKIP: no man page was built (meson found no scdoc: apt-get install scdoc)')
        return SKIP
    failures = 0
    for page in pages:
        checks = [['man', '--warnings', '-l', page], ['groff', '-ww', '-z', '-man', page]]
        for command in checks:
            result = subprocess.run(command, capture_output=True, text=True, env=ENV)
            if result.returncode != 0 or result.stderr:
                print(f'FAIL: {" ".join(command)} (status {result.returncode}):\n{result.stderr}')
                failures += 1
        text = rendered(page, '80')
        if not text.strip():
            print(f'FAIL: {page} renders to nothing')
            failures += 1
    print(f'{len(pages)} pages, {failures} failures')
    return 1 if failures else 0


def options(qemuc, command):
    """The options of `qemuc help COMMAND`: "-f", "--format", ... in order."""
    return [name for pair in qemuc_help.options(qemuc, command) for name in pair if name]


def section(text, title):
    """The lines of a top-level section (a title at column 0) of rendered text."""
    match = re.search(rf'^{title}\n(.*?)(?=^\S)', text + '\nEND\n', re.M | re.S)
    return match.group(1) if match else ''


def command_entries(commands_section):
    """Each command's entry: from its line at the entry indent to the next such line."""
    entries = {}
    name = None
    for line in commands_section.splitlines():
        match = re.match(r'^ {7}([\w-]+)\b', line)
        if match:
            name = match.group(1)
            entries.setdefault(name, '')
        if name:
            entries[name] += line + '\n'
    return entries


def undocumented(text, listed):
    """(command, option) pairs of `listed` ({command: [options]}) that `text` does not name."""
    commands_section = section(text, 'COMMANDS')
    layers = section(text, 'LAYER OPTIONS')
    entries = command_entries(commands_section)
    missing = []
    for command, command_options in listed.items():
        entry = entries.get(command)
        if entry is None:
            missing.append((command, '(no entry in COMMANDS)'))
            continue
        where = entry + (layers if 'LAYER OPTIONS' in entry else '')
        for option in command_options:
            if option in ('-h', '--help'):
                where_help = where + commands_section
                if not re.search(rf'(?<![\w-]){option}(?![\w-])', where_help):
                    missing.append((command, option))
            elif not re.search(rf'(?<![\w-]){re.escape(option)}(?![\w-])', where):
                missing.append((command, option))
    return missing


def check_options(qemuc, page):
    text = rendered(page)
    listed = {command: options(qemuc, command) for command in commands(qemuc)}
    if 'complete-overlays' in listed:
        print('FAIL: the hidden complete-overlays is listed by qemuc --help')
        return 1
    # The check must be able to fail: an option taken out of the text is found missing.
    doctored = text.replace('--no-host-checks', '--no-host-check-s')
    if ('compile', '--no-host-checks') not in undocumented(doctored, listed):
        print('FAIL: the check does not see an option missing from the page')
        return 1
    missing = undocumented(text, listed)
    for command, option in missing:
        print(f'FAIL: qemuc {command}: {option} is not documented in {page}')
    count = sum(len(found) for found in listed.values())
    print(f'{len(listed)} commands, {count} options, {len(missing)} undocumented')
    return 1 if missing else 0


def check_keys(key_reference, page):
    text = section(rendered(page), 'KEYS')
    paths = subprocess.run([key_reference, '--paths'], capture_output=True, text=True,
                           check=True).stdout.split()
    entries = set(re.findall(r'^ {7}(\S+)$', text, re.M))
    missing = [path for path in paths if path not in entries]
    for path in missing:
        print(f'FAIL: the key {path} has no entry in KEYS of {page}')
    if not paths:
        print('FAIL: no key paths')
        return 1
    print(f'{len(paths)} keys, {len(missing)} missing')
    return 1 if missing else 0


def main(argv):
    mode, args = argv[1], argv[2:]
    if mode == 'render':
        return render(args)
    need('man', 'groff')
    if len(args) < 2:
        print('SKIP: no man page was built (meson found no scdoc: apt-get install scdoc)')
        return SKIP
    if mode == 'options':
        return check_options(args[0], args[1])
    if mode == 'keys':
        return check_keys(args[0], args[1])
    print(f'unknown mode {mode}', file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
