#include "validate.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "paths.h"
#include "qemu_values.h"
#include "schema.h"
#include "systemd_values.h"
#include "text.h"

namespace qemuc {
namespace {

// --- The rules -----------------------------------------------------------------------------------

struct Subnet {
  uint32_t address = 0;
  int prefix = 0;
  const Node* node = nullptr;  // where it is set; nullptr: QEMU's default

  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  bool Contains(uint32_t address_in) const { return (address_in & mask()) == address; }
  std::string Text() const { return FormatIpv4(address) + "/" + std::to_string(prefix); }
};

// The seed's DefaultNetwork, which is also QEMU's: 10.0.2.0/24.
constexpr Subnet kDefaultNetwork{0x0a000200, 24, nullptr};

// The addresses QEMU gives its side of a user network, in the order it checks them, with the
// offset of the default inside the network (masked into the host part, as QEMU does).
struct AddressRole {
  const char* key;
  const char* what;
  uint32_t default_offset;
  const char* example;
};
constexpr std::array<AddressRole, 3> kAddressRoles = {{
    {"host", "host address", 0x0202, "10.0.2.2"},
    {"dns", "DNS address", 0x0203, "10.0.2.3"},
    {"dhcp_start", "DHCP start address", 0x020f, "10.0.2.15"},
}};

struct UserAddress {
  std::optional<uint32_t> value;  // unknown when malformed, outside the network, or not derivable
  const Node* node = nullptr;     // where it is set; nullptr: QEMU's default
};

struct FirstUse {
  std::string text;
  SourceRange range;
};

class Validator {
 public:
  Validator(bool check_completeness, Diagnostics& diagnostics)
      : check_completeness_(check_completeness), diagnostics_(diagnostics) {}

  // `path` names the value in messages ("qemu.drives[blk0]"); `shape` selects its rules
  // ("qemu.drives[]").
  void CheckMapping(const Node& mapping, const Field& field, const std::string& path,
                    const std::string& shape) {
    for (const Field& child : field.fields) {
      const MappingEntry* entry = mapping.Find(child.name);
      const std::string child_path = JoinKeyPath(path, child.name);
      const std::string child_shape = JoinKeyPath(shape, child.name);
      if (entry == nullptr) {
        if (check_completeness_) ReportMissing(child, child_path, mapping.range);
      } else if (child.type == FieldType::kMapping) {
        CheckMapping(*entry->value, child, child_path, child_shape);
      } else if (child.type == FieldType::kKeyedList) {
        CheckItems(*entry->value, child, child_path, child_shape + "[]");
      } else if (entry->value->is_scalar()) {
        CheckScalar(*entry->value, child, child_path, child_shape);
      } else if (child.type == FieldType::kStringList) {
        for (const NodePtr& item : entry->value->items) {
          if (item->is_scalar()) CheckScalar(*item, child, child_path, child_shape + "[]");
        }
      }
    }
    if (shape == "qemu.networks[].user") CheckUserNetwork(mapping, path);
  }

 private:
  Diagnostic& Error(const SourceRange& range, std::string message) {
    return diagnostics_.Error(range, std::move(message));
  }

  // A required key that is missing, reported at the mapping that should hold it. A required
  // mapping that is missing (qemu) misses each of its required keys, which says more.
  void ReportMissing(const Field& field, const std::string& path, const SourceRange& at) {
    if (!field.required) return;
    if (field.type != FieldType::kMapping) {
      Error(at, "missing required key " + Quoted(path));
      return;
    }
    for (const Field& child : field.fields) ReportMissing(child, JoinKeyPath(path, child.name), at);
  }

  void CheckItems(const Node& list, const Field& field, const std::string& path,
                  const std::string& shape) {
    for (const NodePtr& item : list.items) {
      const MappingEntry* key = item->Find(field.key);
      const std::string item_key = key != nullptr ? key->value->text : "";
      if (field.name == "networks") CheckBackend(*item, item_key);
      if (field.name == "forwards") CheckUniqueHostPort(*item);
      CheckMapping(*item, field, path + "[" + item_key + "]", shape);
    }
  }

  void CheckScalar(const Node& value, const Field& field, const std::string& path,
                   const std::string& shape) {
    if (field.type == FieldType::kPath) CheckPath(value, path, shape);
    using Rule = void (Validator::*)(const Node&, const std::string&);
    static const std::map<std::string_view, Rule, std::less<>> kRules = {
        {"name", &Validator::CheckName},
        {"qemu.drives[].id", &Validator::CheckDriveId},
        {"qemu.drives[].addr", &Validator::CheckPciAddress},
        {"qemu.networks[].id", &Validator::CheckNetworkId},
        {"qemu.networks[].mac", &Validator::CheckMac},
        {"qemu.networks[].tap.name", &Validator::CheckTapName},
        {"qemu.networks[].user.forwards[].host_address", &Validator::CheckHostAddress},
        {"systemd.user", &Validator::CheckUserOrGroup},
        {"systemd.group", &Validator::CheckUserOrGroup},
        {"systemd.after[]", &Validator::CheckUnitName},
        {"systemd.wants[]", &Validator::CheckUnitName},
        {"systemd.wanted_by", &Validator::CheckUnitName},
    };
    const auto rule = kRules.find(shape);
    if (rule != kRules.end()) (this->*rule->second)(value, path);
  }

  // SPEC §3: a network is either user-mode or tap, never both, never neither.
  void CheckBackend(const Node& network, const std::string& id) {
    const bool user = network.Find("user") != nullptr;
    const bool tap = network.Find("tap") != nullptr;
    if (user && tap) {
      Error(network.range, "network " + Quoted(id) + " sets both 'user' and 'tap'; choose one");
    } else if (!user && !tap && check_completeness_) {
      Error(network.range, "network " + Quoted(id) + " needs 'user' or 'tap'");
    }
  }

  // SPEC §3: a host port is used once across the whole profile, whichever layers set it; the
  // later use is the error, with a note at the first. As QEMU's slirp opens one socket per
  // protocol and address, tcp and udp may share a port, and so may two distinct host addresses;
  // no address (all interfaces) overlaps every address.
  void CheckUniqueHostPort(const Node& forward) {
    const MappingEntry* entry = forward.Find("host");
    if (entry == nullptr) return;
    const Node& port = *entry->value;
    const MappingEntry* protocol = forward.Find("protocol");
    const MappingEntry* address = forward.Find("host_address");
    const std::string key = (protocol != nullptr ? protocol->value->text : "tcp") + ":" + port.text;
    const std::string where = address != nullptr ? address->value->text : "";
    std::vector<std::pair<std::string, SourceRange>>& uses = host_ports_[key];
    for (const auto& [other, first] : uses) {
      if (other.empty() || where.empty() || other == where) {
        Error(port.range, "duplicate host port " + port.text)
            .notes.push_back({"first used at", first});
        return;
      }
    }
    uses.emplace_back(where, port.range);
  }

  // Drive and netdev ids live in separate QEMU namespaces, and each list is keyed by its id, so
  // after merging every id is unique within its list; what remains is QEMU's id syntax.
  void CheckDriveId(const Node& value, const std::string&) { CheckQemuId(value, "drive id"); }
  void CheckNetworkId(const Node& value, const std::string&) { CheckQemuId(value, "network id"); }
  void CheckQemuId(const Node& value, const char* what) {
    if (IsWord(value.text, IsLetter)) return;
    Error(value.range, std::string(what) + " " + Quoted(value.text) +
                           " must start with a letter and hold only letters, digits, '.', '_' "
                           "and '-' (a QEMU id)");
  }

  void CheckName(const Node& value, const std::string& path) {
    if (IsProfileName(value.text)) return;
    Error(value.range, Quoted(path) +
                           " must start with a letter or digit and hold only letters, digits, "
                           "'.', '_' and '-', not " +
                           Quoted(value.text));
  }

  // SPEC §3: slot[.function], unique. "5", "05" and "05.0" are one address.
  void CheckPciAddress(const Node& value, const std::string& path) {
    const std::optional<int> devfn = ParsePciAddress(value.text);
    if (!devfn) {
      Error(value.range, Quoted(path) +
                             " must be a PCI address slot[.function] in hex, slot 00 to 1f and "
                             "function 0 to 7 (such as 05.0), not " +
                             Quoted(value.text));
      return;
    }
    if (*devfn >> 3 == 0) {
      // q35's mch and virt's gpex-root sit at 00.0 and are single-function: QEMU refuses the
      // whole slot.
      Error(value.range, Quoted(path) + " must not be in slot 00, which holds the PCI host bridge");
      return;
    }
    const auto [first, added] = pci_addresses_.emplace(*devfn, FirstUse{value.text, value.range});
    if (added) return;
    std::string message = "duplicate PCI address " + value.text;
    if (first->second.text != value.text) message += " (the same as " + first->second.text + ")";
    Error(value.range, message).notes.push_back({"first used at", first->second.range});
  }

  void CheckMac(const Node& value, const std::string& path) {
    const std::optional<std::array<uint8_t, 6>> mac = ParseMac(value.text);
    if (!mac) {
      Error(value.range, Quoted(path) +
                             " must be six hexadecimal octets separated by ':', such as "
                             "52:54:00:12:34:56, not " +
                             Quoted(value.text));
    } else if ((*mac)[0] & 1) {
      Error(value.range, Quoted(path) + " must be a unicast address, not the multicast " +
                             value.text + " (its first octet is odd)");
    } else if (std::all_of(mac->begin(), mac->end(), [](uint8_t octet) { return octet == 0; })) {
      Error(value.range,
            Quoted(path) + " must not be 00:00:00:00:00:00, which is no device's address");
    }
  }

  // SPEC §3: 1..15 bytes (IFNAMSIZ less the NUL), none of '/', ':' or whitespace (Linux
  // dev_valid_name) nor ',' (it would end QEMU's ifname= value).
  void CheckTapName(const Node& value, const std::string& path) {
    const std::string& name = value.text;
    const auto bad = std::find_if(name.begin(), name.end(), [](char c) {
      return c == '/' || c == ':' || c == ',' || IsSpace(c) || IsControl(c);
    });
    if (name.empty()) {
      Error(value.range, Quoted(path) + " must not be empty");
    } else if (name.size() > 15) {
      Error(value.range, Quoted(path) + " must be at most 15 bytes (a Linux interface name), not " +
                             std::to_string(name.size()));
    } else if (bad != name.end()) {
      Error(value.range, Quoted(path) + " must not contain " + DescribeCharacter(*bad) +
                             " (a Linux interface name has no '/', ':' or whitespace, and QEMU's "
                             "ifname= no ',')");
    } else if (name == "." || name == "..") {
      Error(value.range, Quoted(path) + " must not be " + Quoted(name) + " (Linux refuses it)");
    }
  }

  // The systemd unit takes these values into settings with no quoting (systemd_values.h): what
  // systemd would read otherwise is refused here, at the value.
  void CheckUserOrGroup(const Node& value, const std::string& path) {
    if (IsSystemdUserOrGroup(value.text)) return;
    Error(value.range, Quoted(path) +
                           " must be a user or group name (a letter or '_', then letters, "
                           "digits, '_' or '-', at most 31 characters) or a numeric id, not " +
                           Quoted(value.text));
  }

  void CheckUnitName(const Node& value, const std::string& path) {
    if (IsSystemdUnitName(value.text)) return;
    Error(value.range, Quoted(path) +
                           " must name a systemd unit (letters, digits, ':', '-', '_', '.', "
                           "'\\' and one '@' with an instance, then a type such as .target or "
                           ".service), not " +
                           Quoted(value.text));
  }

  void CheckHostAddress(const Node& value, const std::string& path) {
    ParseAddress(value, path, "127.0.0.1");
  }

  std::optional<uint32_t> ParseAddress(const Node& value, const std::string& path,
                                       const char* example) {
    const Ipv4 parsed = ParseIpv4(value.text);
    if (!parsed.address) {
      Error(value.range, Quoted(path) + " must be an IPv4 address such as " + example + ", not " +
                             Quoted(value.text) + LeadingZeroHint(parsed));
    }
    return parsed.address;
  }

  // SPEC §3: no newline in any path (we refuse every control character: none belongs in a file
  // name, and they garble every output format), no ',' in initrd (QEMU's multiboot loader
  // splits -initrd at commas). A relative path takes on the directory of the file that wrote it.
  void CheckPath(const Node& value, const std::string& path, const std::string& shape) {
    const bool initrd = shape == "qemu.initrd";
    const auto bad = [initrd](char c) { return IsControl(c) || (initrd && c == ','); };
    const std::string reason =
        initrd ? " (QEMU's multiboot loader splits the initrd at commas)" : "";
    const std::string& text = value.text;
    const auto in_text = std::find_if(text.begin(), text.end(), bad);
    if (in_text != text.end()) {
      const std::string why = *in_text == ',' ? reason : "";
      Error(value.range, Quoted(path) + " must not contain " + DescribeCharacter(*in_text) + why);
      return;
    }
    const bool bare_binary = shape == "qemu.binary" && IsBareName(text);
    if (bare_binary || value.range.file == nullptr) return;  // a bare binary is looked up in PATH
    const std::string resolved = ResolvedPath(value);
    const auto in_directory = std::find_if(resolved.begin(), resolved.end(), bad);
    if (in_directory == resolved.end()) return;
    const std::string why = *in_directory == ',' ? reason : "";
    Error(value.range, Quoted(path) +
                           " is relative, and the directory it resolves against contains " +
                           DescribeCharacter(*in_directory) + why)
        .notes.push_back({"write an absolute path, or move the file that sets it", {}});
  }

  // SPEC §3: IPv4 and CIDR syntax, DHCP start, DNS and host inside the network. Where a value is
  // not set, QEMU's default takes its place (10.0.2.0/24, and .2, .3, .15 in the network), except
  // in an abstract profile, which a profile that extends it may complete.
  void CheckUserNetwork(const Node& user, const std::string& path) {
    const std::optional<Subnet> network = CheckSubnet(user, path);
    std::array<UserAddress, kAddressRoles.size()> addresses;
    for (size_t i = 0; i < kAddressRoles.size(); ++i) {
      addresses[i] = CheckUserAddress(user, path, kAddressRoles[i], network);
    }
    CheckDistinct(addresses, path, network);
  }

  std::optional<Subnet> CheckSubnet(const Node& user, const std::string& path) {
    const MappingEntry* entry = user.Find("network");
    if (entry == nullptr) {
      if (!check_completeness_) return std::nullopt;
      return kDefaultNetwork;
    }
    const Node& value = *entry->value;
    const std::string key = JoinKeyPath(path, "network");
    const size_t slash = value.text.find('/');
    const Ipv4 address = ParseIpv4(std::string_view(value.text).substr(0, slash));
    const std::optional<int> prefix =
        slash == std::string::npos ? std::nullopt
                                   : ParsePrefix(std::string_view(value.text).substr(slash + 1));
    if (!address.address || !prefix) {
      Error(value.range, Quoted(key) + " must be an IPv4 network in CIDR form such as " +
                             kDefaultNetwork.Text() + ", not " + Quoted(value.text) +
                             LeadingZeroHint(address));
      return std::nullopt;
    }
    if (*prefix < kMinPrefix || *prefix > kMaxPrefix) {
      Error(value.range, Quoted(key) + " must have a prefix length between " +
                             std::to_string(kMinPrefix) + " and " + std::to_string(kMaxPrefix) +
                             ", not " + std::to_string(*prefix))
          .notes.push_back({"QEMU refuses any other netmask", {}});
      return std::nullopt;
    }
    // Host bits are allowed: QEMU masks them away (net.s_addr &= mask), and so does Contains.
    Subnet subnet{0, *prefix, &value};
    subnet.address = *address.address & subnet.mask();
    return subnet;
  }

  UserAddress CheckUserAddress(const Node& user, const std::string& path, const AddressRole& role,
                               const std::optional<Subnet>& network) {
    const MappingEntry* entry = user.Find(role.key);
    if (entry == nullptr) {
      if (!network || !check_completeness_) return {};
      return {network->address | (role.default_offset & ~network->mask()), nullptr};
    }
    const Node& value = *entry->value;
    const std::string key = JoinKeyPath(path, role.key);
    const std::optional<uint32_t> address = ParseAddress(value, key, role.example);
    if (!address || !network || network->Contains(*address)) return {address, &value};
    if (network->node != nullptr) {
      Error(value.range,
            Quoted(key) + " must be inside the network " + network->Text() + ", not " + value.text)
          .notes.push_back({"the network is set at", network->node->range});
    } else {
      Error(value.range, Quoted(key) + " must be inside QEMU's default network " + network->Text() +
                             ", not " + value.text)
          .notes.push_back({Quoted(JoinKeyPath(path, "network")) + " is not set, so QEMU uses " +
                                network->Text(),
                            {}});
    }
    return {};
  }

  // QEMU refuses a DNS address equal to the host address, and a DHCP start equal to either. The
  // error stands at a value the profile sets: the later of the two in QEMU's order when both are.
  void CheckDistinct(const std::array<UserAddress, kAddressRoles.size()>& addresses,
                     const std::string& path, const std::optional<Subnet>& network) {
    std::array<bool, kAddressRoles.size()> reported{};
    for (const auto& [later, earlier] :
         {std::pair<size_t, size_t>{1, 0}, std::pair<size_t, size_t>{2, 0},
          std::pair<size_t, size_t>{2, 1}}) {
      const UserAddress& a = addresses[later];
      const UserAddress& b = addresses[earlier];
      if (!a.value || !b.value || *a.value != *b.value) continue;
      if (a.node == nullptr && b.node == nullptr) {
        // Both are QEMU's defaults: the network is too small for them.
        if (network && network->node != nullptr && !reported[later]) {
          reported[later] = true;
          Error(network->node->range,
                Quoted(JoinKeyPath(path, "network")) + " is too small for QEMU's default " +
                    kAddressRoles[earlier].what + " and " + kAddressRoles[later].what +
                    ", which would both be " + FormatIpv4(*a.value))
              .notes.push_back({"set " + Quoted(kAddressRoles[earlier].key) + " and " +
                                    Quoted(kAddressRoles[later].key) + " to distinct addresses",
                                {}});
        }
        continue;
      }
      const size_t here = a.node != nullptr ? later : earlier;
      const size_t other = here == later ? earlier : later;
      if (reported[here]) continue;
      reported[here] = true;
      const AddressRole& role = kAddressRoles[other];
      Diagnostic& error =
          Error(addresses[here].node->range, Quoted(JoinKeyPath(path, kAddressRoles[here].key)) +
                                                 " must differ from the " + role.what + " " +
                                                 FormatIpv4(*a.value));
      if (addresses[other].node != nullptr) {
        error.notes.push_back(
            {"the " + std::string(role.what) + " is set at", addresses[other].node->range});
      } else {
        error.notes.push_back({Quoted(role.key) + " is not set, and QEMU's default " + role.what +
                                   " in " + network->Text() + " is " + FormatIpv4(*a.value),
                               {}});
      }
    }
  }

  bool check_completeness_;
  Diagnostics& diagnostics_;
  std::map<int, FirstUse> pci_addresses_;  // by slot << 3 | function
  std::map<std::string, std::vector<std::pair<std::string, SourceRange>>> host_ports_;
};

}  // namespace

bool ValidateMerged(const Node& merged, bool check_completeness, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  const size_t first = diagnostics.size();
  Validator(check_completeness, diagnostics).CheckMapping(merged, ProfileSchema(), "", "");
  diagnostics.SortSince(first);
  return diagnostics.error_count() == errors_before;
}

}  // namespace qemuc
