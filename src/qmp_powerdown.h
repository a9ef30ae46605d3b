// qemuc qmp-powerdown SOCKET PID [--timeout S]: what a generated systemd unit runs to stop its
// VM gracefully (SPEC §6): ask QEMU over QMP to press the power button, then wait for the QEMU
// process to end. systemd sends its kill signal to what is left once this returns.
#ifndef QEMUC_QMP_POWERDOWN_H_
#define QEMUC_QMP_POWERDOWN_H_

#include <string>

namespace qemuc {

// Exit statuses, documented in `qemuc help qmp-powerdown`.
constexpr int kPowerdownDone = 0;     // QEMU acknowledged and the process has ended
constexpr int kPowerdownFailed = 1;   // no socket, no process, or QEMU answered with an error
constexpr int kPowerdownTimeout = 3;  // acknowledged, but the process still runs after S seconds

struct PowerdownResult {
  int status = kPowerdownFailed;
  std::string message;  // why, for stderr
};

PowerdownResult QmpPowerdown(const std::string& socket_path, long pid, double timeout_seconds);

}  // namespace qemuc

#endif  // QEMUC_QMP_POWERDOWN_H_
