#include "rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "paths.h"
#include "qemu_values.h"
#include "schema.h"
#include "shape_check.h"
#include "systemd_values.h"
#include "text.h"

namespace qemuc {
namespace {

// Drive, netdev and fsdev (share tag) ids live in separate QEMU namespaces, and each list is keyed
// by its id, so after merging every id is unique within its list; what remains is QEMU's id
// syntax.
void CheckQemuId(const Node& value, const char* what, RuleContext& context) {
  if (IsWord(value.text, IsLetter)) return;
  context.Error(value.range, std::string(what) + " " + Quoted(value.text) +
                                 " must start with a letter and hold only letters, digits, '.', "
                                 "'_' and '-' (a QEMU id)");
}

struct PathRule {
  bool bare_name_allowed = false;  // the row's: a bare name is looked up in PATH
  // A character QEMU reads as syntax in this path's option, and why ('\0': none).
  char refused = '\0';
  const char* refused_why = "";
};

// qemu.initrd: QEMU's multiboot loader splits it at commas.
constexpr PathRule kInitrdRule{false, ',', "QEMU's multiboot loader splits the initrd at commas"};
// qemu.qmp: `-qmp unix:PATH,...` reads PATH as a key=value pair when it holds a '=' before its
// first ',' (QEMU 7.2: "Invalid parameter '/run/a'" for /run/a=b/q.sock); doubling is for ','.
constexpr PathRule kQmpRule{false, '=', "QEMU's -qmp unix: would read the path as key=value"};

// SPEC §3: no newline in any path (we refuse every control character: none belongs in a file
// name, and they garble every output format). A relative path takes on the directory of the
// file that wrote it, which must pass too. Returns whether the path passed.
bool CheckPath(const Node& value, const KeyPath& path, PathRule rule, RuleContext& context) {
  const auto bad = [rule](char c) {
    return IsControl(c) || (rule.refused != '\0' && c == rule.refused);
  };
  const auto why = [rule](char c) {
    return c == rule.refused ? " (" + std::string(rule.refused_why) + ")" : std::string();
  };
  const std::string& text = value.text;
  const auto in_text = std::find_if(text.begin(), text.end(), bad);
  if (in_text != text.end()) {
    context.Error(value.range, Quoted(path.Text()) + " must not contain " +
                                   DescribeCharacter(*in_text) + why(*in_text));
    return false;
  }
  const bool bare_name = rule.bare_name_allowed && IsBareName(text);
  if (bare_name || value.range.file == nullptr) return true;
  // The resolved path is made of the text (checked above), '/' and characters of the file's
  // directory, so a file path without a refused character needs no resolving: building it was
  // most of the cost of this rule.
  const std::string& file = value.range.file->path();
  if (std::none_of(file.begin(), file.end(), bad)) return true;
  const std::string resolved = ResolvedPath(value);
  const auto in_directory = std::find_if(resolved.begin(), resolved.end(), bad);
  if (in_directory == resolved.end()) return true;
  context
      .Error(value.range, Quoted(path.Text()) +
                              " is relative, and the directory it resolves against contains " +
                              DescribeCharacter(*in_directory) + why(*in_directory))
      .notes.push_back({"write an absolute path, or move the file that sets it", {}});
  return false;
}

}  // namespace

void CheckProfileName(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  if (IsProfileName(value.text)) return;
  context.Error(value.range, Quoted(path.Text()) +
                                 " must start with a letter or digit and hold only letters, "
                                 "digits, '.', '_' and '-', not " +
                                 Quoted(value.text));
}

void CheckFilePath(const Node& value, const Field& row, const KeyPath& path, RuleContext& context) {
  CheckPath(value, path, PathRule{row.bare_name_allowed}, context);
}

// A unix socket's path fits in sun_path, once resolved, and holds no '=': QEMU would refuse
// either only when it starts.
void CheckQmpSocketPath(const Node& value, const Field&, const KeyPath& path,
                        RuleContext& context) {
  if (!CheckPath(value, path, kQmpRule, context)) return;
  const std::string resolved = value.range.file != nullptr ? ResolvedPath(value) : value.text;
  if (resolved.size() <= kMaxUnixSocketPathBytes) return;
  Diagnostic& error = context.Error(
      value.range, Quoted(path.Text()) + " is " + std::to_string(resolved.size()) +
                       " bytes as an absolute path; a unix socket's path holds at most " +
                       std::to_string(kMaxUnixSocketPathBytes));
  if (resolved != value.text) error.notes.push_back({"the absolute path: " + resolved, {}});
}

void CheckInitrdPath(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  CheckPath(value, path, kInitrdRule, context);
}

void CheckCpuModel(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  if (IsCpuModel(value.text)) return;
  context.Error(value.range, Quoted(path.Text()) +
                                 " must be a QEMU CPU model such as max or host, optionally with "
                                 "features (Haswell,+smap,-check or max,pmu=off), not " +
                                 Quoted(value.text));
}

namespace {

// qemuc starts riscv64 guests under TCG only: SPEC §9 gives the target no KVM argv.
bool IsRiscv64(const Node& qemu) {
  const MappingEntry* target = qemu.Find("target");
  return target != nullptr && target->value->text == "riscv64";
}

// The error is at kvm, wherever it was set: the profile that turns KVM on is the one to change.
void CheckKvmTarget(const Node& qemu, const KeyPath& path, RuleContext& context) {
  const MappingEntry* kvm = qemu.Find("kvm");
  if (kvm == nullptr || ReadBool(*kvm->value) != true || !IsRiscv64(qemu)) return;
  context.Error(kvm->value->range, Quoted(path.Child("kvm").Text()) +
                                       " must be false: qemuc runs target riscv64 under TCG only");
}

// QEMU runs the host CPU model under KVM only ("CPU model 'host' requires KVM or HVF"). On
// riscv64, which has no KVM, the advice to turn KVM on would only lead to CheckKvmTarget's error.
void CheckHostCpu(const Node& qemu, const KeyPath& path, RuleContext& context) {
  const MappingEntry* cpu = qemu.Find("cpu");
  if (cpu == nullptr || CpuModelName(cpu->value->text) != "host") return;
  const std::string message =
      Quoted(path.Child("cpu").Text()) + " is host, which QEMU runs only under KVM";
  if (IsRiscv64(qemu)) {
    context.Error(
        cpu->value->range,
        message + ", and qemuc runs target riscv64 under TCG only; use rv64 or another model");
    return;
  }
  // A kvm that is not a boolean (kvm: yes) has its own error; this one would only follow from it.
  const MappingEntry* kvm = qemu.Find("kvm");
  if (kvm != nullptr && ReadBool(*kvm->value) != false) return;
  context.Error(cpu->value->range,
                message + "; set " + Quoted(path.Child("kvm").Text()) + " to true, or use max");
}

// SPEC §9: only the aarch64 and riscv64 virt boards take a device tree; q35 ignores -dtb without
// a word (tried: QEMU 7.2).
void CheckDtbTarget(const Node& qemu, const KeyPath& path, RuleContext& context) {
  const MappingEntry* firmware = qemu.Find("firmware");
  const MappingEntry* dtb = firmware != nullptr ? firmware->value->Find("dtb") : nullptr;
  const MappingEntry* target = qemu.Find("target");
  if (dtb == nullptr || target == nullptr || target->value->text != "x86_64") return;
  context
      .Error(
          dtb->value->range,
          Quoted(path.Child("firmware").Child("dtb").Text()) +
              " is a device tree, which the x86_64 target does not take (aarch64 and riscv64 do)")
      .notes.push_back({"the target is set here", target->value->range});
}

}  // namespace

// Not in an abstract profile: a board that extends it may set the target, the CPU, KVM or the
// firmware.
void CheckQemu(const Node& qemu, const Field&, const KeyPath& path, RuleContext& context) {
  if (!context.check_completeness()) return;
  CheckKvmTarget(qemu, path, context);
  CheckHostCpu(qemu, path, context);
  CheckDtbTarget(qemu, path, context);
}

// SPEC §9: a machine starts one firmware. The key that came later in the merged mapping (a later
// layer's, or the later line) is the error, with a note at the other.
void CheckFirmware(const Node& firmware, const Field&, const KeyPath& path, RuleContext& context) {
  const MappingEntry* first = nullptr;
  for (const MappingEntry& entry : firmware.entries) {
    if (entry.key != "bios" && entry.key != "uefi") continue;
    if (first == nullptr) {
      first = &entry;
      continue;
    }
    const std::string key = Quoted(path.Child(entry.key).Text());
    const std::string other = Quoted(path.Child(first->key).Text());
    Diagnostic& error = context.Error(
        entry.key_range, key + " and " + other + " exclude each other: QEMU starts one firmware");
    error.notes.push_back({other + " is set here", first->key_range});
    if (first->key_range.file != entry.key_range.file) {
      error.notes.push_back(
          {"a layer replaces an inherited firmware by resetting it: '" + first->key + ": !reset'",
           {}});
    }
  }
}

void CheckDriveId(const Node& value, const Field&, const KeyPath&, RuleContext& context) {
  CheckQemuId(value, "drive id", context);
}

// QEMU makes the tag the fsdev's id: a QEMU id, and at most 31 bytes as a 9p mount tag.
void CheckShareTag(const Node& value, const Field&, const KeyPath&, RuleContext& context) {
  if (IsMountTag(value.text)) return;
  if (!IsWord(value.text, IsLetter)) {
    CheckQemuId(value, "share tag", context);
  } else {
    context.Error(value.range, "share tag " + Quoted(value.text) + " is " +
                                   std::to_string(value.text.size()) +
                                   " bytes; QEMU takes a 9p mount tag of at most " +
                                   std::to_string(kMaxMountTagBytes));
  }
}

void CheckNetworkId(const Node& value, const Field&, const KeyPath&, RuleContext& context) {
  CheckQemuId(value, "network id", context);
}

// SPEC §3: slot[.function], unique. "5", "05" and "05.0" are one address.
void CheckPciAddress(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  const std::optional<int> devfn = ParsePciAddress(value.text);
  if (!devfn) {
    context.Error(value.range, Quoted(path.Text()) +
                                   " must be a PCI address slot[.function] in hex, slot 00 to 1f "
                                   "and function 0 to 7 (such as 05.0), not " +
                                   Quoted(value.text));
    return;
  }
  if (*devfn >> 3 == 0) {
    // q35's mch and virt's gpex-root sit at 00.0 and are single-function: QEMU refuses the
    // whole slot.
    context.Error(value.range,
                  Quoted(path.Text()) + " must not be in slot 00, which holds the PCI host bridge");
    return;
  }
  const auto [first, added] =
      context.pci_addresses.emplace(*devfn, RuleContext::FirstUse{value.text, value.range});
  if (added) return;
  std::string message = "duplicate PCI address " + value.text;
  if (first->second.text != value.text) message += " (the same as " + first->second.text + ")";
  context.Error(value.range, message).notes.push_back({"first used at", first->second.range});
}

void CheckMac(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  const std::optional<std::array<uint8_t, 6>> mac = ParseMac(value.text);
  // The key's text only for a message: building it for every valid address was most of the rule.
  const auto key = [&path] { return Quoted(path.Text()); };
  if (!mac) {
    context.Error(value.range, key() +
                                   " must be six hexadecimal octets separated by ':', such as "
                                   "52:54:00:12:34:56, not " +
                                   Quoted(value.text));
  } else if ((*mac)[0] & 1) {
    context.Error(value.range, key() + " must be a unicast address, not the multicast " +
                                   value.text + " (its first octet is odd)");
  } else if (std::all_of(mac->begin(), mac->end(), [](uint8_t octet) { return octet == 0; })) {
    context.Error(value.range,
                  key() + " must not be 00:00:00:00:00:00, which is no device's address");
  }
}

// SPEC §3: 1..15 bytes (IFNAMSIZ less the NUL), none of '/', ':' or whitespace (Linux
// dev_valid_name) nor ',' (it would end QEMU's ifname= value).
void CheckTapName(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  const std::string& name = value.text;
  const auto key = [&path] { return Quoted(path.Text()); };  // for a message only
  const auto bad = std::find_if(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || c == ',' || IsSpace(c) || IsControl(c);
  });
  if (name.empty()) {
    context.Error(value.range, key() + " must not be empty");
  } else if (name.size() > 15) {
    context.Error(value.range, key() + " must be at most 15 bytes (a Linux interface name), not " +
                                   std::to_string(name.size()));
  } else if (bad != name.end()) {
    context.Error(value.range, key() + " must not contain " + DescribeCharacter(*bad) +
                                   " (a Linux interface name has no '/', ':' or whitespace, and "
                                   "QEMU's ifname= no ',')");
  } else if (name == "." || name == "..") {
    context.Error(value.range, key() + " must not be " + Quoted(name) + " (Linux refuses it)");
  }
}

// The systemd unit takes these values into settings with no quoting (systemd_values.h): what
// systemd would read otherwise is refused here, at the value.
void CheckUserOrGroup(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  if (IsSystemdUserOrGroup(value.text)) return;
  context.Error(value.range, Quoted(path.Text()) +
                                 " must be a user or group name (a letter or '_', then letters, "
                                 "digits, '_' or '-', at most 31 characters) or a numeric id, "
                                 "not " +
                                 Quoted(value.text));
}

void CheckUnitName(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  if (IsSystemdUnitName(value.text)) return;
  context.Error(value.range, Quoted(path.Text()) +
                                 " must name a systemd unit (letters, digits, ':', '-', '_', '.', "
                                 "'\\' and one '@' with an instance, then a type such as .target "
                                 "or .service), not " +
                                 Quoted(value.text));
}

// SPEC §3: a network is either user-mode or tap, never both, never neither.
void CheckNetworkBackend(const Node& network, const Field&, const KeyPath& path,
                         RuleContext& context) {
  const std::string id = path.steps().empty() ? "" : path.steps().back().item.value_or("");
  const bool user = network.Find("user") != nullptr;
  const bool tap = network.Find("tap") != nullptr;
  if (user && tap) {
    context.Error(network.range,
                  "network " + Quoted(id) + " sets both 'user' and 'tap'; choose one");
  } else if (!user && !tap && context.check_completeness()) {
    context.Error(network.range, "network " + Quoted(id) + " needs 'user' or 'tap'");
  }
}

// SPEC §3: a host port is used once across the whole profile, whichever layers set it; the
// later use is the error, with a note at the first. As QEMU's slirp opens one socket per
// protocol and address, tcp and udp may share a port, and so may two distinct host addresses;
// no address (all interfaces) overlaps every address.
void CheckUniqueHostPort(const Node& forward, const Field& row, const KeyPath&,
                         RuleContext& context) {
  const MappingEntry* entry = forward.Find("host");
  if (entry == nullptr) return;
  const Node& port = *entry->value;
  const MappingEntry* protocol = forward.Find("protocol");
  const MappingEntry* address = forward.Find("host_address");
  // Where the forward does not say, its protocol is its row's default.
  const std::string key = std::string(protocol != nullptr ? std::string_view(protocol->value->text)
                                                          : row.Find("protocol")->default_value) +
                          ":" + port.text;
  const std::string where = address != nullptr ? address->value->text : "";
  std::vector<std::pair<std::string, SourceRange>>& uses = context.host_ports[key];
  for (const auto& [other, first] : uses) {
    if (other.empty() || where.empty() || other == where) {
      context.Error(port.range, "duplicate host port " + port.text)
          .notes.push_back({"first used at", first});
      return;
    }
  }
  uses.emplace_back(where, port.range);
}

}  // namespace qemuc
