"""Network namespaces of the tests' own, for tap networking without touching the machine's
interfaces.

A namespace is made by `unshare --net` for a `sleep` process that holds it; commands enter it with
`nsenter`. The holder is started through harness.Processes, so the namespace goes away with it:
at the end of the test's `with` block, on SIGTERM, or through the parent-death signal when the
test is killed outright. Nothing is named in /run/netns, so nothing can be left there.
"""

import os
import shutil
import subprocess
import time

import harness

# How the machine says a namespace or a tap is not for this user, or not there at all.
NOT_ALLOWED = ("not permitted", "Permission denied", "No such file or directory")


class NetworkNamespace:
    """A new network namespace holding tap interfaces `taps`, up, until `processes` ends."""

    def __init__(self, processes, taps):
        for tool, package in (("unshare", "util-linux"), ("nsenter", "util-linux"), ("ip", "iproute2")):
            if shutil.which(tool) is None:
                harness.skip("`%s` is not installed (scripts/setup --test installs %s)" % (tool, package))
        if taps and not os.access("/dev/net/tun", os.R_OK | os.W_OK):
            harness.skip("QEMU could not open /dev/net/tun as this user (mode %o)"
                         % (os.stat("/dev/net/tun").st_mode & 0o777) if os.path.exists("/dev/net/tun")
                         else "this machine has no /dev/net/tun")
        self.as_root = os.geteuid() == 0
        # Without root, a user namespace of our own gives the capabilities a tap needs (nsenter
        # then enters it too, keeping our uid, which is root in there).
        holder = ["unshare", "--net"] + ([] if self.as_root else ["--map-root-user"]) + ["sleep", "3600"]
        self.holder = processes.start(holder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_held()
        for tap in taps:
            self.run(["ip", "tuntap", "add", "dev", tap, "mode", "tap"], "create tap %s" % tap, skip_on_refusal=True)
            self.run(["ip", "link", "set", tap, "up"], "bring tap %s up" % tap, skip_on_refusal=True)

    def _wait_until_held(self):
        deadline = time.monotonic() + 10
        while self._command_name() != "sleep":  # unshare has made the namespace and exec'd sleep
            if self.holder.poll() is not None:
                message = self.holder.stderr.read().decode(errors="replace").strip()
                harness.skip("cannot create a network namespace here: " + message)
            if time.monotonic() > deadline:
                raise harness.Failure("unshare --net did not start its holder within 10 s")
            time.sleep(0.01)

    def _command_name(self):
        try:
            with open("/proc/%d/comm" % self.holder.pid) as f:
                return f.read().strip()
        except OSError:
            return ""

    def wrap(self, argv):
        """argv, run inside the namespace (nsenter execs it: the process keeps its pid)."""
        enter = ["nsenter", "--target", str(self.holder.pid), "--net"]
        return enter + ([] if self.as_root else ["--user", "--preserve-credentials"]) + list(argv)

    def run(self, argv, what, skip_on_refusal=False):
        """Runs argv in the namespace; returns its stdout. A failure is a Failure, or with
        skip_on_refusal (while setting up) a refusal skips: the machine does not allow it."""
        result = subprocess.run(self.wrap(argv), capture_output=True, text=True, timeout=10)
        if result.returncode != 0:
            if skip_on_refusal and any(reason in result.stderr for reason in NOT_ALLOWED):
                harness.skip("cannot %s in a network namespace here: %s" % (what, result.stderr.strip()))
            raise harness.Failure("%s: %s" % (" ".join(argv), result.stderr.strip()))
        return result.stdout

    def link_flags(self, interface):
        """The flags `ip link` shows for an interface of the namespace, e.g. {"UP", "LOWER_UP"}."""
        shown = self.run(["ip", "-o", "link", "show", interface], "look at " + interface)
        return set(shown.split("<", 1)[1].split(">", 1)[0].split(","))
