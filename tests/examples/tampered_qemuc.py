#!/usr/bin/env python3
"""A qemuc whose `resolve` lies: it runs the real qemuc ($QEMUC_REAL) and, for resolve only, adds
`--set qemu.cpus=3`. roundtrip.py --expect-mismatch runs with it to show the comparison can fail."""
import os
import sys

args = [os.environ["QEMUC_REAL"]] + sys.argv[1:]
if sys.argv[1:2] == ["resolve"]:
    args += ["--set", "qemu.cpus=3"]
os.execv(args[0], args)
