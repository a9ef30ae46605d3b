// The core configuration: the seed's qemu.Config (reference/seed-config.go) plus the additions of
// SPEC §5 difference 4. Plain values only; every check happened before lowering. The defaults of
// the profile's keys are the field table's (schema.cc), which lowering stores where a key is not
// set: the members here only start out empty.
#ifndef QEMUC_CONFIG_H_
#define QEMUC_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qemuc {

enum class Target { kX86_64, kAArch64, kRiscv64 };

struct Drive {
  std::string id;
  std::string file;
  std::string addr;       // PCI slot[.function]; empty: QEMU picks one
  std::string format;     // QEMU's block driver: raw or qcow2 (SPEC §9)
  bool readonly = false;  // the guest cannot write (SPEC §9)
  bool snapshot = false;  // writes go to a temporary file QEMU drops at exit (SPEC §9)
};

struct Forward {
  int host_port = 0;
  int guest_port = 0;
  std::string protocol;
  std::string host_address;  // empty: all interfaces
};

struct UserNetwork {
  std::string network;
  std::string dhcp_start;
  std::string dns;
  std::string host;
  std::vector<Forward> forwards;
};

struct TapNetwork {
  std::string name;
};

struct Network {
  std::string id;
  std::optional<UserNetwork> user;  // exactly one of user and tap is set
  std::optional<TapNetwork> tap;
  std::string mac;
};

// A host directory the guest mounts over 9p by its tag (SPEC §9).
struct Share {
  std::string tag;   // the mount tag, also QEMU's fsdev id
  std::string path;  // absolute
  bool readonly = false;
};

// UEFI firmware in two pflash devices: the code, read-only, and the variable store it writes.
struct Uefi {
  std::string code;
  std::string vars;
};

// SPEC §9: what the machine starts instead of QEMU's own firmware, and the device tree it gets.
// Empty members (and no uefi): QEMU's defaults. bios and uefi exclude each other.
struct Firmware {
  std::string bios;
  std::optional<Uefi> uefi;
  std::string dtb;  // aarch64 (and riscv64): replaces the tree QEMU makes
};

struct Config {
  std::string binary;  // absolute, or a bare name under --no-host-checks
  Target target = Target::kX86_64;
  std::string cpu;  // -cpu MODEL[,FEATURES]; empty: the target's own (SPEC §5)
  int cpus = 0;
  int64_t memory_mib = 0;
  bool kvm = false;
  std::string kernel;
  std::string initrd;  // empty: no -initrd
  Firmware firmware;
  std::vector<Drive> drives;
  std::vector<Network> networks;
  std::string serial_log;  // a copy of the serial console in this file (SPEC §9); empty: none
  // qemu.qmp: -qmp unix:PATH,server=on,wait=off after -monitor none (SPEC §9); empty: none. A
  // unit's graceful stop talks to this socket when it is set.
  std::string qmp;
  bool rng = false;        // a virtio-rng device fed by the host's /dev/urandom (SPEC §9)
  bool no_reboot = false;  // -no-reboot: a guest reset ends QEMU (SPEC §9)
  // QEMU's exit status that means "the guest passed", 1..255; 0: not set. It adds nothing to the
  // argv: the outputs map it to success (SPEC §9), so CreateQemuArgv does not read it.
  int success_status = 0;
  std::vector<Share> shares;
  std::vector<std::string> extra_args;
  // The QMP socket of a unit's graceful stop where the profile names none (no qmp):
  // -qmp unix:PATH,server=on,wait=off just before -append; empty: none. Only the systemd emitter
  // sets it, for systemd.graceful_stop (SPEC §5 difference 4).
  std::string stop_socket;
};

}  // namespace qemuc

#endif  // QEMUC_CONFIG_H_
