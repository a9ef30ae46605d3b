#!/usr/bin/env python3
"""`qemu.serial_log`, `qemu.qmp` and `qemu.shares` under real QEMU, on every target that boots
(SPEC §9). Their paths hold spaces and commas (a comma is doubled inside QEMU's option values).

usage: console_qmp_shares.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

- serial_log: the profile boots the test kernel; its lines (the marker and the command line) are
  on stdout, and the same lines are in the log file.
- qmp: the launch script, run with -S passed through its "$@", holds the guest; on the profile's
  socket QMP `query-status` answers `prelaunch`, and the argv has that one -qmp. The systemd unit
  with graceful_stop passes `systemd-analyze verify` and its ExecStop= runs
  `qemuc qmp-powerdown` on that socket (read back by tests/systemd/unit_decoder.py, as systemd
  reads it), with no %t socket of its own; run against the held QEMU, qmp-powerdown presses the
  power button through that socket (a second QMP monitor sees QEMU's POWERDOWN event). The held
  test kernels ignore the button, so QEMU runs on and qmp-powerdown ends with its timeout
  status 3 (a guest that handles it powers off, tests/systemd/qmp_powerdown.py).
- shares: held (-S), QEMU has one virtio-9p PCI device (0x1af4:0x1009) per share whose
  mount_tag and fsdev are the tag, in list order. Read-only cannot be seen: QEMU 7.2 shows no
  fsdev property over QMP; the argv's readonly=on (pinned by the unit tests) is accepted.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import fixtures
import harness
import qemu_argv
import test_kernels

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "systemd"))
import unit_decoder  # noqa: E402

CMDLINE = ["console=ttyS0", "log=a,b c"]
VIRTIO_VENDOR = 0x1af4
VIRTIO_9P = 0x1009  # transitional virtio-9p
POWERDOWN_TIMEOUT = 3  # qemuc qmp-powerdown: acknowledged, but QEMU still runs (qmp_powerdown.h)
SHARES = [("src", "src dir, 1", True), ("out.1", "out,dir", False)]


def write_profile(directory, name, target, kernel, lines, cmdline=CMDLINE):
    path = os.path.join(directory, "%s-%s.yaml" % (name, target))
    fixtures.write_profile(path, kernel, qemu_lines=lines, cmdline=cmdline, target=target)
    return path


def made_directory(directory, *names):
    path = os.path.join(directory, *names)
    os.makedirs(path, exist_ok=True)
    return path


def check_serial_log(report, qemuc, directory, target, kernel, processes):
    log = os.path.join(made_directory(directory, "log dir, %s" % target), "console, 1.log")
    profile = write_profile(directory, "log", target, kernel,
                            ["  serial_log: " + fixtures.yaml_string(log)])
    argv = harness.compile_argv(qemuc, [profile])
    status, stdout, stderr = processes.run(argv)
    expected = test_kernels.expected_cmdline(target, kernel, CMDLINE)
    test_kernels.check_boot(report, "%s, serial_log" % target, target, status, stdout, stderr, expected)
    with open(log, "rb") as f:
        logged = f.read()
    first, last, _ = test_kernels.KERNEL_LINES[target]
    report.check(first in logged and last in logged, "%s: the kernel's lines are in the log file" % target,
                 "log: %r" % logged[-1500:])
    if first in logged:
        report.check(test_kernels.printed_cmdline(logged, target) == expected,
                     "%s: the log has the command line, byte for byte" % target, "log: %r" % logged[-1500:])


def qmp_profile(qemuc, directory, target, kernel, graceful):
    socket_path = os.path.join(made_directory(directory, "qmp dir, %s" % target), "vm,1.qmp")
    lines = ["  qmp: " + fixtures.yaml_string(socket_path)]
    if graceful:
        lines += ["systemd:", "  graceful_stop: true"]
    return write_profile(directory, "qmp" + ("-stop" if graceful else ""), target, kernel, lines), socket_path


def check_qmp_script(report, qemuc, directory, target, kernel, processes):
    """The launch script holds the guest with -S from its "$@"; QMP answers on the profile's socket."""
    profile, socket_path = qmp_profile(qemuc, directory, target, kernel, False)
    argv = harness.compile_argv(qemuc, [profile])
    report.check(qemu_argv.qmp_sockets_of(argv) == [socket_path],
                 "%s: the argv has one -qmp, on the profile's socket" % target, "argv: %r" % argv)
    script = os.path.join(directory, "qmp-%s.sh" % target)
    harness.run_qemuc(qemuc, ["compile", "-o", script, profile])
    qemu = processes.start(["sh", script, "-S"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with harness.Qmp(socket_path, qemu) as qmp:
        status = qmp.command("query-status")["status"]
        report.check(status == "prelaunch", "%s: the script's QEMU, held by -S from \"$@\", answers "
                     "query-status on the profile's socket: prelaunch" % target, status)
        qmp.command("quit")
    qemu.wait(10)


def decoded_unit(report, qemuc, directory, profile, target):
    unit = os.path.join(directory, "qemuc-qmp-stop-%s.service" % target)
    harness.run_qemuc(qemuc, ["compile", "-f", "systemd", "-o", unit, profile])
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        report.skip_part("%s: systemd-analyze verify" % target, "systemd-analyze is not installed")
    else:
        verify = subprocess.run([analyze, "verify", unit], capture_output=True)
        report.check(verify.returncode == 0 and not verify.stderr,
                     "%s: systemd-analyze verify accepts the unit, nothing on stderr" % target,
                     "status %d: %s" % (verify.returncode, verify.stderr.decode(errors="replace")))
    with open(unit, "rb") as f:
        return unit_decoder.decode_unit(f.read(), {b"t": b"/run/user/0"}, {b"MAINPID": b"4242"})


def check_graceful_stop(report, qemuc, directory, target, kernel, processes):
    """The unit stops through the profile's socket, and qmp-powerdown reaches QEMU there."""
    profile, socket_path = qmp_profile(qemuc, directory, target, kernel, True)
    decoded = decoded_unit(report, qemuc, directory, profile, target)
    (_, start_argv), = [(path, argv) for path, argv, _ in decoded["ExecStart"]]
    (_, stop_argv), = [(path, argv) for path, argv, _ in decoded["ExecStop"]]
    sockets = qemu_argv.qmp_sockets_of([a.decode() for a in start_argv])
    report.check(sockets == [socket_path], "%s: the unit's QEMU has one -qmp, the profile's" % target,
                 "sockets: %r" % sockets)
    report.check(stop_argv[1:4] == [b"qmp-powerdown", socket_path.encode(), b"4242"],
                 "%s: ExecStop= runs qmp-powerdown on the profile's socket and $MAINPID" % target,
                 "ExecStop argv: %r" % stop_argv)
    # Held, with a second monitor of the test's own that sees the events.
    observer = os.path.join(directory, "observer-%s.qmp" % target)
    argv = harness.compile_argv(qemuc, [profile]) + ["-S"] + harness.qmp_argv(observer)
    qemu = processes.start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with harness.Qmp(observer, qemu) as qmp:
        # The ExecStop= command line, with QEMU's PID for $MAINPID and a short timeout.
        command = [qemuc] + [a.decode() for a in stop_argv[1:3]] + [str(qemu.pid), "--timeout", "0.5"]
        stop = subprocess.run(command, capture_output=True, timeout=30)
        report.check(stop.returncode == POWERDOWN_TIMEOUT,
                     "%s: qmp-powerdown is answered on the profile's socket (status 3: the held "
                     "kernel ignores the button)" % target,
                     "status %d: %s" % (stop.returncode, stop.stderr.decode(errors="replace")))
        qmp.command("query-status")  # reads the events QEMU sent before its answer
        report.check(any(e["event"] == "POWERDOWN" for e in qmp.events),
                     "%s: QEMU's power button was pressed (POWERDOWN event)" % target,
                     "events: %r" % qmp.events)
        qmp.command("quit")
    qemu.wait(10)


def nine_p_devices(qmp):
    """[(mount_tag, fsdev)] of the virtio-9p PCI devices, in the order QEMU made them."""
    found = 0
    for bus in qmp.command("query-pci"):
        found += sum(1 for d in bus["devices"]
                     if (d["id"]["vendor"], d["id"]["device"]) == (VIRTIO_VENDOR, VIRTIO_9P))
    devices = []
    for child in qmp.command("qom-list", path="/machine/peripheral-anon"):
        if child["type"] == "child<virtio-9p-pci>":
            path = "/machine/peripheral-anon/" + child["name"]
            devices.append((int(child["name"].split("[")[1].rstrip("]")),
                            qmp.command("qom-get", path=path, property="mount_tag"),
                            qmp.command("qom-get", path=path, property="fsdev")))
    return found, [(tag, fsdev) for _, tag, fsdev in sorted(devices)]


def check_shares(report, qemuc, directory, target, kernel, processes):
    lines = ["  shares:"]
    for tag, name, readonly in SHARES:
        path = made_directory(directory, "shares %s" % target, name)
        lines.append("    - {tag: %s, path: %s, readonly: %s}"
                     % (tag, fixtures.yaml_string(path), "true" if readonly else "false"))
    argv = harness.compile_argv(qemuc, [write_profile(directory, "shares", target, kernel, lines)])
    shares = qemu_argv.shares_of(argv)
    report.check({tag: readonly for tag, (_, readonly) in shares.items()} ==
                 {tag: readonly for tag, _, readonly in SHARES},
                 "%s: one -virtfs per share, readonly=on where set" % target, "argv: %r" % argv)
    socket_path = os.path.join(directory, "shares-%s.qmp" % target)
    qemu = harness.start_held(processes, argv, socket_path)
    with harness.Qmp(socket_path, qemu) as qmp:
        found, devices = nine_p_devices(qmp)
        want = [(tag, tag) for tag, _, _ in SHARES]
        report.check(found == len(SHARES) and devices == want,
                     "%s: QEMU has a virtio-9p PCI device per share, mount_tag and fsdev the tag, "
                     "in order" % target, "PCI: %d, devices: %r" % (found, devices))
        qmp.command("quit")
    qemu.wait(10)
    report.skip_part("%s: readonly seen by QEMU" % target,
                     "QEMU 7.2 shows no fsdev property over QMP; it accepted readonly=on")


def test(args, report):
    qemuc = os.path.abspath(args[0])
    kernels = fixtures.Kernels(*args[1:])
    bootable = kernels.bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-cqs-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in bootable:
            for what, check in (("serial_log", check_serial_log), ("qmp", check_qmp_script),
                                ("graceful stop with qmp", check_graceful_stop),
                                ("shares", check_shares)):
                with report.section("%s: %s" % (target, what)):
                    check(report, qemuc, directory, target, kernel, processes)


if __name__ == "__main__":
    harness.main(test)
