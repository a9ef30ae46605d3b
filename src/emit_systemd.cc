#include "emit.h"
#include "qemu_values.h"
#include "systemd_values.h"
#include "utf8.h"

namespace qemuc {
namespace {

constexpr size_t kMaxLogicalLineBytes = 1024 * 1024;  // systemd's LONG_LINE_MAX

// The inside of SystemdArgument's quotes.
std::string EscapedArgument(std::string_view argument) {
  std::string quoted;
  for (size_t i = 0; i < argument.size();) {
    const auto byte = static_cast<unsigned char>(argument[i]);
    if (byte >= 0x80) {
      // A whole UTF-8 sequence is copied as it is; a byte that starts none is written \xHH.
      const size_t length = Utf8SequenceLength(argument, i);
      if (length != 0) {
        quoted.append(argument.substr(i, length));
        i += length;
      } else {
        quoted += EscapeByte(byte);
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
          quoted += EscapeByte(byte);
        } else {
          quoted += argument[i];
        }
    }
    ++i;
  }
  return quoted;
}

}  // namespace

// One ExecStart= argument, double-quoted (notes §2): systemd unquotes and C-unescapes a word,
// then expands specifiers (%) and, at exec time, variables ($); so both are doubled, and every
// control byte or byte that is not UTF-8 is written \xHH. An empty argument stays "".
std::string SystemdArgument(std::string_view argument) {
  return "\"" + EscapedArgument(argument) + "\"";
}

namespace {

constexpr size_t kMaxPathBytes = 4095;     // PATH_MAX less the NUL, as systemd's path_is_valid()
constexpr size_t kMaxFileNameBytes = 255;  // NAME_MAX

bool IsControl(unsigned char byte) {
  return byte < 0x20 || byte == 0x7F;
}

// systemd's path_is_valid(): under PATH_MAX in all, no name over NAME_MAX. Such a path names no
// file that QEMU could open either.
bool PathTooLong(std::string_view path) {
  size_t name = 0;
  for (const char c : path) {
    name = c == '/' ? 0 : name + 1;
    if (name > kMaxFileNameBytes) return true;
  }
  return path.size() > kMaxPathBytes;
}

// Why systemd would not execute exactly `binary` as the first word of ExecStart=/ExecStop=
// (config_parse_exec): it must be absolute, not a directory, a valid path (components of at
// most 255 bytes, under 4096 in all) and "safe" (string_is_safe(): no quotes, backslash or
// control characters); "" when it will.
std::string ExecutableProblem(const std::string& binary) {
  if (binary.empty() || binary[0] != '/') {
    return "the QEMU binary must be an absolute path in a systemd unit, not '" + binary +
           "' (leave out --no-host-checks, or set qemu.binary)";
  }
  for (const char c : binary) {
    if (c == '"' || c == '\'' || c == '\\' || IsControl(static_cast<unsigned char>(c))) {
      return "the QEMU binary path cannot hold quotes, backslashes or control characters in a "
             "systemd unit: " +
             binary;
    }
  }
  if (FindInvalidUtf8(binary)) return "the QEMU binary path is not valid UTF-8: " + binary;
  if (binary.back() == '/' || PathTooLong(binary)) {
    return "systemd cannot execute the QEMU binary path " + binary +
           " (a directory, longer than 4095 bytes, or a name longer than 255)";
  }
  return "";
}

// The executable as the first word of a command line. The word is unquoted, then its
// specifiers expanded: quoting keeps spaces in it, '%' is doubled, and a quote or backslash
// cannot occur (ExecutableProblem). A prefix ("-@:+!") is read from the unquoted word, which
// starts with '/'. systemd executes the path without $-expansion but expands argv[0], a copy of
// it: so for a path with '$', the '@' prefix names the path and argv[0] follows as its own word,
// with '$' doubled like every argument.
std::string ExecutableWords(const std::string& binary) {
  std::string path = "\"";
  for (const char c : binary) path += c == '%' ? "%%" : std::string(1, c);
  path += "\"";
  if (binary.find('$') == std::string::npos) return path;
  return "@" + path + " " + SystemdArgument(binary);
}

// A ReadWritePaths= entry (config_parse_namespace_path_strv): the list is split into words and
// unquoted, where a backslash takes the next byte as it is (no C escapes), then specifiers are
// expanded; '$' is not. So: double-quoted, with \\ \" and %%. A control character cannot be
// written (validation refuses it in every path).
std::string ReadWritePath(std::string_view directory, std::string& error) {
  std::string word = "\"";
  for (const char c : directory) {
    if (IsControl(static_cast<unsigned char>(c))) {
      error = "a writable directory cannot hold control characters in a systemd unit: " +
              std::string(directory);
      return "";
    }
    if (c == '\\' || c == '"') word += '\\';
    word += c == '%' ? "%%" : std::string(1, c);
  }
  if (FindInvalidUtf8(directory)) error = "a writable directory is not valid UTF-8";
  if (PathTooLong(directory))
    error = "a writable directory over 4095 bytes or with a name over 255 is no path systemd takes";
  return word + "\"";
}

// A comment line is skipped as a whole, even a backslash at its end; only a line break would
// end it. Control characters become spaces, bytes that are not UTF-8 \xHH.
std::string CommentText(std::string_view text) {
  std::string comment;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = byte >= 0x80 ? Utf8SequenceLength(text, i) : 1;
    if (length == 0) {
      comment += EscapeByte(byte);
      ++i;
      continue;
    }
    comment += IsControl(byte) ? std::string(" ") : std::string(text.substr(i, length));
    i += length;
  }
  return comment;
}

// Validation refuses what these settings cannot carry, at the value (systemd_values.h); this
// is the last guard, for an Invocation built some other way.
std::string SettingsProblem(const Invocation& invocation) {
  const UnitSettings& unit = invocation.unit;
  if (!IsProfileName(invocation.name)) {
    return "the profile name '" + invocation.name +
           "' cannot name the unit's QMP socket and log identifier (letters, digits, '.', '_' "
           "and '-'); set 'name'";
  }
  for (const std::string& name : {unit.user, unit.group}) {
    if (!name.empty() && !IsSystemdUserOrGroup(name)) return "not a user or group: " + name;
  }
  std::vector<std::string> units = unit.after;
  units.insert(units.end(), unit.wants.begin(), unit.wants.end());
  units.push_back(unit.wanted_by);
  for (const std::string& name : units) {
    if (!IsSystemdUnitName(name)) return "not a systemd unit name: " + name;
  }
  return "";
}

std::string UnitSection(const UnitSettings& unit) {
  std::string text = "[Unit]\nDescription=" + SystemdDescription(unit.description) + "\n";
  std::vector<std::string> after = unit.after;
  std::vector<std::string> wants = unit.wants;
  if (unit.tap) {  // a tap interface is set up by the host's network configuration
    after.push_back("network-online.target");
    wants.push_back("network-online.target");
  }
  for (const std::string& name : after) text += "After=" + name + "\n";
  for (const std::string& name : wants) text += "Wants=" + name + "\n";
  return text;
}

// What QEMU tolerates under TCG and KVM (notes §3). Never MemoryDenyWriteExecute (TCG writes
// code) nor PrivateDevices (it hides /dev/kvm); seccomp is allowed because QEMU calls it.
std::string Hardening(const UnitSettings& unit, std::string& error) {
  std::string text =
      "NoNewPrivileges=yes\n"
      "ProtectSystem=strict\n";
  for (const std::string& directory : unit.writable_directories) {
    text += "ReadWritePaths=" + ReadWritePath(directory, error) + "\n";
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
  return "# Generated by qemuc from profile " + CommentText(invocation.name) + " (" +
         CommentText(sources) + "). Do not edit.\n";
}

// The argv a unit runs, and the QMP socket its graceful stop talks to.
struct UnitArgv {
  std::vector<std::string> argv;
  std::optional<ArgvSpan> systemd_text;  // written as it is: the emitter made it systemd text
  std::string socket_word;               // ExecStop='s word for the socket; empty: none
};

// With graceful_stop, the stop talks to the profile's own QMP socket (qemu.qmp, SPEC §9), which
// is already in the argv, written like any argument. Without one, QEMU listens for QMP on
// qemuc-NAME.qmp in the unit's runtime directory: a path that only systemd can complete (%t), so
// it is made systemd text here, where the name is a checked word, and CreateQemuArgv reports
// where it lies; every other '%' stays escaped.
UnitArgv MakeUnitArgv(const Invocation& invocation) {
  if (!invocation.unit.graceful_stop) return {invocation.argv, std::nullopt, ""};
  const Config& named = invocation.config;
  const std::string& socket = named.qmp.empty() ? named.stop_socket : named.qmp;
  if (!socket.empty()) return {invocation.argv, std::nullopt, SystemdArgument(socket)};
  Config config = invocation.config;
  config.stop_socket = "%t/qemuc-" + invocation.name + ".qmp";
  QemuArgv made = CreateQemuArgv(config, invocation.kernel_args);
  return {std::move(made.argv), made.stop_socket, "\"" + config.stop_socket + "\""};
}

// SystemdArgument, but the bytes of `systemd_text` are copied as they are.
std::string ArgumentWithSystemdText(std::string_view argument, const ArgvSpan& systemd_text) {
  const size_t end = systemd_text.offset + systemd_text.size;
  return "\"" + EscapedArgument(argument.substr(0, systemd_text.offset)) +
         std::string(argument.substr(systemd_text.offset, systemd_text.size)) +
         EscapedArgument(argument.substr(end)) + "\"";
}

// ExecStart=: the executable, then every argument quoted.
Emitted ExecStart(const UnitArgv& unit_argv) {
  const std::vector<std::string>& argv = unit_argv.argv;
  if (const std::string problem = ExecutableProblem(argv.empty() ? "" : argv[0]);
      !problem.empty()) {
    return {"", problem};
  }
  std::string exec = "ExecStart=" + ExecutableWords(argv[0]);
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i].size() > kMaxArgumentBytes) {
      return {"", "argument " + std::to_string(i) + " is " + std::to_string(argv[i].size()) +
                      " bytes; the kernel takes at most " + std::to_string(kMaxArgumentBytes) +
                      " in one argument"};
    }
    const std::optional<ArgvSpan>& text = unit_argv.systemd_text;
    exec += " \\\n  " + (text && text->argument == i ? ArgumentWithSystemdText(argv[i], *text)
                                                     : SystemdArgument(argv[i]));
  }
  if (exec.size() >= kMaxLogicalLineBytes) {
    return {"", "the ExecStart= line would be " + std::to_string(exec.size()) +
                    " bytes; systemd reads at most 1 MiB"};
  }
  return {exec + "\n", ""};
}

}  // namespace

Emitted EmitSystemd(const Invocation& invocation, std::string_view qemuc_path) {
  const UnitSettings& unit = invocation.unit;
  if (const std::string problem = SettingsProblem(invocation); !problem.empty()) {
    return {"", problem};
  }
  const std::string qemuc(qemuc_path);
  if (unit.graceful_stop) {
    if (const std::string problem = ExecutableProblem(qemuc); !problem.empty()) {
      return {"", "cannot run qmp-powerdown from the unit: " + problem};
    }
  }
  const UnitArgv unit_argv = MakeUnitArgv(invocation);
  const Emitted exec = ExecStart(unit_argv);
  if (!exec.error.empty()) return exec;
  std::string text =
      Comment(invocation) + UnitSection(unit) + "\n[Service]\nType=exec\n" + exec.text;
  // SPEC §9: the guest's verdict; systemd then neither fails the unit nor restarts it on-failure.
  if (const int status = invocation.config.success_status; status != 0)
    text += "SuccessExitStatus=" + std::to_string(status) + "\n";
  text += "Restart=" + unit.restart + "\nRestartSec=" + std::to_string(unit.restart_sec) + "\n";
  if (!unit.user.empty()) text += "User=" + unit.user + "\n";
  if (!unit.group.empty()) text += "Group=" + unit.group + "\n";
  if (unit.graceful_stop) {
    // Press the power button over QMP, then wait for QEMU; systemd kills what is left after.
    text += "ExecStop=" + ExecutableWords(qemuc) + " qmp-powerdown " + unit_argv.socket_word +
            " $MAINPID --timeout " + std::to_string(unit.stop_timeout) + "\n";
  }
  text += "TimeoutStopSec=" + std::to_string(unit.stop_timeout) + "\nKillMode=mixed\n";
  text += "SyslogIdentifier=qemuc-" + invocation.name + "\n";
  std::string error;
  if (unit.hardening) text += Hardening(unit, error);
  if (!error.empty()) return {"", error};
  text += "\n[Install]\nWantedBy=" + unit.wanted_by + "\n";
  return {text, ""};
}

}  // namespace qemuc
