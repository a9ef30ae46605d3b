// qemuc qmp-powerdown SOCKET PID [--timeout S]: what a generated systemd unit runs to stop its
// VM gracefully (SPEC §6): ask QEMU over QMP to press the power button, then wait for the QEMU
// process to end. systemd sends its kill signal to what is left once this returns.
#ifndef QEMUC_QMP_POWERDOWN_H_
#define QEMUC_QMP_POWERDOWN_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qemuc {

// Exit statuses, documented in `qemuc help qmp-powerdown`.
constexpr int kPowerdownDone = 0;     // QEMU acknowledged and the process has ended
constexpr int kPowerdownFailed = 1;   // no socket, no process, or QEMU answered with an error
constexpr int kPowerdownTimeout = 3;  // acknowledged, but the process still runs after S seconds

// What the command line accepts (checked there as usage errors). A day bounds --timeout, as
// systemd.stop_timeout is bounded, and keeps every wait in milliseconds within poll()'s int;
// PIDs go up to Linux's PID_MAX_LIMIT.
constexpr double kMaxPowerdownTimeoutSeconds = 86400;
constexpr long kMaxPid = 4194304;
// QMP replies and events are small; a longer line is not QEMU speaking.
constexpr size_t kMaxQmpLineBytes = 64 * 1024;

struct PowerdownResult {
  int status = kPowerdownFailed;
  std::string message;  // why, for stderr
};

// A PID of Linux written in decimal (a larger one would be cut to pid_t), or nothing.
std::optional<long> ParsePowerdownPid(std::string_view text);
// Finite, more than 0 and at most a day: the milliseconds it makes fit every clock and poll().
bool PowerdownTimeoutInRange(double seconds);
// As a person writes it: "1", "0.5", "inf", "1e+300".
std::string FormatSeconds(double seconds);

// One deadline, `timeout_seconds` from the call, bounds the whole run: connecting, each reply
// (whatever and however much the peer sends) and the wait for `pid` to end. `pid` in
// 1..kMaxPid, `timeout_seconds` in (0, kMaxPowerdownTimeoutSeconds].
PowerdownResult QmpPowerdown(const std::string& socket_path, long pid, double timeout_seconds);

}  // namespace qemuc

#endif  // QEMUC_QMP_POWERDOWN_H_
