#include <cstdio>

#include "emit.h"
#include "utf8.h"

namespace qemuc {
namespace {

constexpr size_t kMaxArgumentBytes = 131071;          // the kernel's MAX_ARG_STRLEN, less the NUL
constexpr size_t kMaxLogicalLineBytes = 1024 * 1024;  // systemd's LONG_LINE_MAX

std::string Hex(unsigned char byte) {
  char escape[8];
  std::snprintf(escape, sizeof escape, "\\x%02x", byte);
  return escape;
}

// One ExecStart= argument, double-quoted (notes §2): systemd unquotes and C-unescapes a word,
// then expands specifiers (%) and, at exec time, variables ($); so both are doubled, and every
// control byte or byte that is not UTF-8 is written \xHH. An empty argument stays "".
}  // namespace

std::string SystemdArgument(std::string_view argument) {
  std::string quoted = "\"";
  for (size_t i = 0; i < argument.size();) {
    const auto byte = static_cast<unsigned char>(argument[i]);
    if (byte >= 0x80) {
      // A whole UTF-8 sequence is copied as it is; a byte that starts none is written \xHH.
      const size_t length = Utf8SequenceLength(argument, i);
      if (length != 0) {
        quoted.append(argument.substr(i, length));
        i += length;
      } else {
        quoted += Hex(byte);
        ++i;
      }
      continue;
    }
    switch (argument[i]) {
      case '\\':
        quoted += "\\\\";
        break;
      case '"':
        quoted += "\\\"";
        break;
      case '%':
        quoted += "%%";
        break;
      case '$':
        quoted += "$$";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          quoted += Hex(byte);
        } else {
          quoted += argument[i];
        }
    }
    ++i;
  }
  return quoted + "\"";
}

namespace {

// A value that is not a command line (Description=, User=, unit names): specifiers are
// expanded there too, so '%' is doubled; a line break would end the setting.
std::string SettingValue(std::string_view value) {
  std::string text;
  for (const char c : value) {
    if (c == '%') {
      text += "%%";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      text += ' ';
    } else {
      text += c;
    }
  }
  return text;
}

// systemd takes the first word as is: it must be an absolute path without quotes, backslashes,
// control characters or a leading prefix character ("-@:+!" change how it runs).
std::string CheckExecutable(const std::string& binary) {
  if (binary.empty() || binary[0] != '/') {
    return "the QEMU binary must be an absolute path in a systemd unit, not '" + binary +
           "' (leave out --no-host-checks, or set qemu.binary)";
  }
  for (const char c : binary) {
    if (c == '"' || c == '\'' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return "the QEMU binary path cannot hold quotes, backslashes or control characters in a "
             "systemd unit: " +
             binary;
    }
  }
  if (FindInvalidUtf8(binary)) return "the QEMU binary path is not valid UTF-8: " + binary;
  return "";
}

std::string UnitSection(const UnitSettings& unit) {
  std::string text = "[Unit]\nDescription=" + SettingValue(unit.description) + "\n";
  std::vector<std::string> after = unit.after;
  std::vector<std::string> wants = unit.wants;
  if (unit.tap) {  // a tap interface is set up by the host's network configuration
    after.push_back("network-online.target");
    wants.push_back("network-online.target");
  }
  for (const std::string& name : after) text += "After=" + SettingValue(name) + "\n";
  for (const std::string& name : wants) text += "Wants=" + SettingValue(name) + "\n";
  return text;
}

// What QEMU tolerates under TCG and KVM (notes §3). Never MemoryDenyWriteExecute (TCG writes
// code) nor PrivateDevices (it hides /dev/kvm); seccomp is allowed because QEMU calls it.
std::string Hardening(const UnitSettings& unit) {
  std::string text =
      "NoNewPrivileges=yes\n"
      "ProtectSystem=strict\n";
  for (const std::string& directory : unit.writable_directories) {
    text += "ReadWritePaths=" + SystemdArgument(directory) + "\n";
  }
  text +=
      "ProtectHome=yes\n"
      "PrivateTmp=yes\n"
      "DevicePolicy=closed\n";
  if (unit.kvm) text += "DeviceAllow=/dev/kvm rw\n";
  if (unit.tap) text += "DeviceAllow=/dev/net/tun rw\n";
  text +=
      "ProtectKernelTunables=yes\n"
      "ProtectKernelModules=yes\n"
      "ProtectKernelLogs=yes\n"
      "ProtectControlGroups=yes\n"
      "RestrictNamespaces=yes\n"
      "RestrictRealtime=yes\n"
      "RestrictSUIDSGID=yes\n"
      "LockPersonality=yes\n"
      "SystemCallArchitectures=native\n"
      "SystemCallFilter=@system-service seccomp\n"
      "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n"
      "UMask=0077\n";
  return text;
}

std::string Comment(const Invocation& invocation) {
  std::string sources;
  for (const std::string& source : invocation.sources)
    sources += (sources.empty() ? "" : ", ") + source;
  return "# Generated by qemuc from profile " + SettingValue(invocation.name) + " (" +
         SettingValue(sources) + "). Do not edit.\n";
}

}  // namespace

Emitted EmitSystemd(const Invocation& invocation, std::string_view qemuc_path) {
  const UnitSettings& unit = invocation.unit;
  const std::vector<std::string>& argv = invocation.argv;
  const std::string socket = "%t/qemuc-" + invocation.name + ".qmp";  // %t: the runtime directory
  if (unit.graceful_stop) {
    if (const std::string problem = CheckExecutable(std::string(qemuc_path)); !problem.empty()) {
      return {"", "cannot run qmp-powerdown from the unit: " + problem};
    }
  }
  if (const std::string problem = CheckExecutable(argv.empty() ? "" : argv[0]); !problem.empty()) {
    return {"", problem};
  }
  std::string exec = "ExecStart=" + argv[0];
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i].size() > kMaxArgumentBytes) {
      return {"", "argument " + std::to_string(i) + " is " + std::to_string(argv[i].size()) +
                      " bytes; the kernel takes at most 131071 in one argument"};
    }
    // The QMP socket goes just before -append; its %t is live, the only tool-made specifier.
    if (unit.graceful_stop && i + 2 == argv.size()) {
      exec += " \\\n  \"-qmp\" \\\n  \"unix:" + socket + ",server=on,wait=off\"";
    }
    exec += " \\\n  " + SystemdArgument(argv[i]);
  }
  if (exec.size() >= kMaxLogicalLineBytes) {
    return {"", "the ExecStart= line would be " + std::to_string(exec.size()) +
                    " bytes; systemd reads at most 1 MiB"};
  }
  std::string text =
      Comment(invocation) + UnitSection(unit) + "\n[Service]\nType=exec\n" + exec + "\n";
  text += "Restart=" + unit.restart + "\nRestartSec=" + std::to_string(unit.restart_sec) + "\n";
  if (!unit.user.empty()) text += "User=" + SettingValue(unit.user) + "\n";
  if (!unit.group.empty()) text += "Group=" + SettingValue(unit.group) + "\n";
  if (unit.graceful_stop) {
    // Press the power button over QMP, then wait for QEMU; systemd kills what is left after.
    text += "ExecStop=" + std::string(qemuc_path) + " qmp-powerdown " + socket +
            " $MAINPID --timeout " + std::to_string(unit.stop_timeout) + "\n";
  }
  text += "TimeoutStopSec=" + std::to_string(unit.stop_timeout) + "\nKillMode=mixed\n";
  text += "SyslogIdentifier=qemuc-" + SettingValue(invocation.name) + "\n";
  if (unit.hardening) text += Hardening(unit);
  text += "\n[Install]\nWantedBy=" + SettingValue(unit.wanted_by) + "\n";
  return {text, ""};
}

}  // namespace qemuc
