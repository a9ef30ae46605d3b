"""What `qemuc --help` and `qemuc help COMMAND` list: the one reading of them that the tests of
the man pages, the shell completions and the help examples hold those to."""

import re
import subprocess


def output(qemuc, *args):
    return subprocess.run([qemuc, *args], capture_output=True, text=True, check=True).stdout


def commands(qemuc):
    """The commands `qemuc --help` lists, in order (hidden ones are not listed)."""
    listing = output(qemuc, '--help').split('commands:\n', 1)[1].split('\n\n', 1)[0]
    return [line.split()[0] for line in listing.splitlines()]


def options(qemuc, command):
    """(short, long) for each option of `qemuc help COMMAND`, in order: ('-f', '--format'),
    ('', '--check')."""
    text = output(qemuc, 'help', command).split('options:\n', 1)[1]
    return re.findall(r'^  (?:(-\w) \[ )?(--[\w-]+)', text, re.M)


def long_options(qemuc, command):
    return {long for _, long in options(qemuc, command)}
