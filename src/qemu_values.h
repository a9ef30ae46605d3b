// The formats of QEMU option values that profiles spell (SPEC §3): ids, IPv4 addresses and
// prefixes, MAC and PCI addresses, and the characters that interface names and paths refuse.
// Parsers, character classes and the wording shared by messages about them; validate decides
// what is an error.
#ifndef QEMUC_QEMU_VALUES_H_
#define QEMUC_QEMU_VALUES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qemuc {

struct Ipv4 {
  std::optional<uint32_t> address;
  bool leading_zero = false;  // well formed but for an octet like 010
};

// QEMU refuses a prefix outside 4..32 ("Invalid netmask"). In small networks its default host,
// DNS and DHCP addresses (.2, .3 and .15 masked into the host part) collide: validate reports
// that as addresses that must differ, so a /30 with all three set is fine.
constexpr int kMinPrefix = 4;
constexpr int kMaxPrefix = 32;

// The kernel's MAX_ARG_STRLEN less the NUL: the longest argument QEMU can be started with, and
// so the longest value interpolation may make and the longest argument a unit may hold.
constexpr size_t kMaxArgumentBytes = 131071;

// The most RAM a profile may ask for, in MiB: 990 GiB. QEMU 7.2 refuses more in the machines
// qemuc starts under TCG (measured with a reserve=off memory backend): x86_64 q35 with the
// emitted Haswell CPU has 40 physical address bits, and RAM above 4 GiB (size + 2 GiB) plus the
// 32 GiB 64-bit PCI hole must end below 1 TiB ("phys-bits too low (40)" at 991G); aarch64 virt
// with cortex-a53 addresses 1023 GiB; riscv64 virt with rv64 starts with 990 GiB too. Under KVM
// the host's CPU may allow less; QEMU says so.
constexpr int64_t kMaxMemoryMiB = int64_t{990} * 1024;

// "990G (1013760 MiB)": how messages name the maximum.
std::string DescribeMaxMemory();

bool IsLetter(char c);

bool IsDigit(char c);

bool IsLetterOrDigit(char c);

int HexValue(char c);

// Inline: the path rules ask it of every byte of every path value, and a call per byte was a
// third of their cost.
inline bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// Linux isspace(), which dev_valid_name() refuses in an interface name.
bool IsSpace(char c);

// A first character that `first` accepts, then [A-Za-z0-9._-]*: QEMU ids and profile names.
bool IsWord(std::string_view text, bool (*first)(char));

// SPEC §3's rule for `name` (and the file name it defaults to), in one place: it names the VM in
// launch scripts, units, QMP sockets and log identifiers. The schema states it as a pattern;
// emit_schema_test checks that the two agree.
inline constexpr std::string_view kProfileNamePattern = "[A-Za-z0-9][A-Za-z0-9._-]*";
bool IsProfileName(std::string_view name);

// QEMU's -cpu MODEL[,FEATURE...] (qemu.cpu, SPEC §9): a model name (max, host, cortex-a72), then
// features such as +smap, -check or pmu=off. Stated as a pattern for the schema;
// emit_schema_test checks that the two agree.
inline constexpr std::string_view kCpuModelPattern =
    "[A-Za-z0-9][A-Za-z0-9._-]*(?:,[+-]?[A-Za-z0-9._-]+(?:=[A-Za-z0-9._-]+)?)*";
bool IsCpuModel(std::string_view text);
// "max" of "max,pmu=off".
std::string_view CpuModelName(std::string_view text);

// A 9p mount tag (qemu.shares[].tag, SPEC §9). QEMU makes it the id of the share's fsdev, so it
// is a QEMU id, and refuses one over 31 bytes ("mount tag ... is longer than maximum (31 bytes)",
// QEMU 7.2). Stated as a pattern for the schema; emit_schema_test checks that the two agree.
inline constexpr size_t kMaxMountTagBytes = 31;
inline constexpr std::string_view kMountTagPattern = "[A-Za-z][A-Za-z0-9._-]{0,30}";
bool IsMountTag(std::string_view tag);

// The longest path a unix socket can have: sun_path holds 108 bytes with the NUL.
inline constexpr size_t kMaxUnixSocketPathBytes = 107;

// How a message names one character, so that an invisible one shows.
std::string DescribeCharacter(char c);

// Four decimal octets. QEMU's inet_aton() also takes "10.2", hex and octal; octal is the trap
// (010 is 8), so an octet with a leading zero is refused with a hint.
Ipv4 ParseIpv4(std::string_view text);

std::string FormatIpv4(uint32_t address);

std::string LeadingZeroHint(const Ipv4& parsed);

// A prefix length: decimal without leading zeros, at most 32.
std::optional<int> ParsePrefix(std::string_view text);

// Six hex octets separated by ':' (QEMU also takes '-'; one spelling is enough).
std::optional<std::array<uint8_t, 6>> ParseMac(std::string_view text);

// QEMU's PCI "addr" property: SLOT[.FUNCTION] in hex, slot 00..1f, function 0..7. QEMU's strtoul
// would also take "0x5" or " 5"; one spelling is enough. Returns slot << 3 | function.
std::optional<int> ParsePciAddress(std::string_view text);

}  // namespace qemuc

#endif  // QEMUC_QEMU_VALUES_H_
