// The rules of a user-mode network (SPEC §3): IPv4 and CIDR syntax, and QEMU's own checks of the
// addresses it gives its side of the network, with QEMU's defaults where a value is not set.
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "qemu_values.h"
#include "rules.h"
#include "text.h"

namespace qemuc {
namespace {

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

std::optional<uint32_t> ParseAddress(const Node& value, const std::string& key, const char* example,
                                     RuleContext& context) {
  const Ipv4 parsed = ParseIpv4(value.text);
  if (!parsed.address) {
    context.Error(value.range, Quoted(key) + " must be an IPv4 address such as " + example +
                                   ", not " + Quoted(value.text) + LeadingZeroHint(parsed));
  }
  return parsed.address;
}

std::optional<Subnet> CheckSubnet(const Node& user, const KeyPath& path, RuleContext& context) {
  const MappingEntry* entry = user.Find("network");
  if (entry == nullptr) {
    if (!context.check_completeness()) return std::nullopt;
    return kDefaultNetwork;
  }
  const Node& value = *entry->value;
  const std::string key = path.Child("network").Text();
  const size_t slash = value.text.find('/');
  const Ipv4 address = ParseIpv4(std::string_view(value.text).substr(0, slash));
  const std::optional<int> prefix =
      slash == std::string::npos ? std::nullopt
                                 : ParsePrefix(std::string_view(value.text).substr(slash + 1));
  if (!address.address || !prefix) {
    context.Error(value.range, Quoted(key) + " must be an IPv4 network in CIDR form such as " +
                                   kDefaultNetwork.Text() + ", not " + Quoted(value.text) +
                                   LeadingZeroHint(address));
    return std::nullopt;
  }
  if (*prefix < kMinPrefix || *prefix > kMaxPrefix) {
    context
        .Error(value.range, Quoted(key) + " must have a prefix length between " +
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

UserAddress CheckUserAddress(const Node& user, const KeyPath& path, const AddressRole& role,
                             const std::optional<Subnet>& network, RuleContext& context) {
  const MappingEntry* entry = user.Find(role.key);
  if (entry == nullptr) {
    if (!network || !context.check_completeness()) return {};
    return {network->address | (role.default_offset & ~network->mask()), nullptr};
  }
  const Node& value = *entry->value;
  const std::string key = path.Child(role.key).Text();
  const std::optional<uint32_t> address = ParseAddress(value, key, role.example, context);
  if (!address || !network || network->Contains(*address)) return {address, &value};
  if (network->node != nullptr) {
    context
        .Error(value.range, Quoted(key) + " must be inside the network " + network->Text() +
                                ", not " + value.text)
        .notes.push_back({"the network is set at", network->node->range});
  } else {
    context
        .Error(value.range, Quoted(key) + " must be inside QEMU's default network " +
                                network->Text() + ", not " + value.text)
        .notes.push_back(
            {Quoted(path.Child("network").Text()) + " is not set, so QEMU uses " + network->Text(),
             {}});
  }
  return {};
}

// QEMU refuses a DNS address equal to the host address, and a DHCP start equal to either. The
// error stands at a value the profile sets: the later of the two in QEMU's order when both are.
void CheckDistinct(const std::array<UserAddress, kAddressRoles.size()>& addresses,
                   const KeyPath& path, const std::optional<Subnet>& network,
                   RuleContext& context) {
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
        context
            .Error(network->node->range,
                   Quoted(path.Child("network").Text()) + " is too small for QEMU's default " +
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
        context.Error(addresses[here].node->range,
                      Quoted(path.Child(kAddressRoles[here].key).Text()) +
                          " must differ from the " + role.what + " " + FormatIpv4(*a.value));
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

}  // namespace

void CheckHostAddress(const Node& value, const Field&, const KeyPath& path, RuleContext& context) {
  ParseAddress(value, path.Text(), "127.0.0.1", context);
}

// SPEC §3: IPv4 and CIDR syntax, DHCP start, DNS and host inside the network. Where a value is
// not set, QEMU's default takes its place (10.0.2.0/24, and .2, .3, .15 in the network), except
// in an abstract profile, which a profile that extends it may complete.
void CheckUserNetwork(const Node& user, const Field&, const KeyPath& path, RuleContext& context) {
  const std::optional<Subnet> network = CheckSubnet(user, path, context);
  std::array<UserAddress, kAddressRoles.size()> addresses;
  for (size_t i = 0; i < kAddressRoles.size(); ++i) {
    addresses[i] = CheckUserAddress(user, path, kAddressRoles[i], network, context);
  }
  CheckDistinct(addresses, path, network, context);
}

}  // namespace qemuc
