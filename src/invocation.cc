#include "invocation.h"

namespace qemuc {
namespace {

using Args = std::vector<std::string>;

// SPEC §9: qemu.cpu replaces the target's model, under KVM too (`-cpu host` aborts under nested
// KVM; `max` works everywhere). It is QEMU's MODEL[,FEATURES] syntax, so its commas stay.
std::string CpuModel(const Config& config, const char* target_model) {
  return config.cpu.empty() ? target_model : config.cpu;
}

void AppendTarget(const Config& config, Args& argv) {
  switch (config.target) {
    case Target::kAArch64:
      if (config.kvm) {
        argv.insert(argv.end(), {"-machine", "virt,gic_version=host", "-cpu",
                                 CpuModel(config, "host"), "-enable-kvm"});
      } else {
        argv.insert(argv.end(), {"-machine", "virt,gic_version=3", "-machine",
                                 "virtualization=true", "-cpu", CpuModel(config, "cortex-a53")});
      }
      return;
    case Target::kRiscv64:
      // TCG only (a rule refuses kvm: true). QEMU's default firmware, OpenSBI, starts the kernel
      // in S-mode; the virt board's own test device ends QEMU, so no exit device is added.
      argv.insert(argv.end(), {"-machine", "virt", "-cpu", CpuModel(config, "rv64")});
      return;
    case Target::kX86_64:
      // isa-debug-exit: a guest write to port 0xf4 ends QEMU with status (value << 1) | 1.
      argv.insert(argv.end(),
                  {"-machine", "q35", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"});
      if (config.kvm) {
        argv.insert(argv.end(), {"-cpu", CpuModel(config, "host"), "-enable-kvm"});
      } else {
        argv.insert(argv.end(), {"-cpu", CpuModel(config, "Haswell,+smap,-check,-fsgsbase")});
      }
      return;
  }
}

void AppendDrive(const Drive& drive, Args& argv) {
  std::string options = "id=" + OptionValue(drive.id) + ",file=" + OptionValue(drive.file) +
                        ",format=" + OptionValue(drive.format) +
                        ",if=none,cache=unsafe,aio=threads";
  // SPEC §9: appended only when set, so that the seed's drives keep their argv.
  if (drive.readonly) options += ",readonly=on";
  if (drive.snapshot) options += ",snapshot=on";
  argv.push_back("-drive");
  argv.push_back(options);
  std::string device = "virtio-blk-pci,drive=" + OptionValue(drive.id) + ",iothread=iothread0";
  if (!drive.addr.empty()) device += ",addr=" + OptionValue(drive.addr);
  argv.push_back("-device");
  argv.push_back(device);
}

// SPEC §9: the firmware, after -monitor none and before -kernel. -bios and -dtb take raw file
// names, as -kernel does; the pflash drives are option lists, with their commas doubled.
void AppendFirmware(const Firmware& firmware, Args& argv) {
  if (!firmware.bios.empty()) argv.insert(argv.end(), {"-bios", firmware.bios});
  if (firmware.uefi) {
    argv.insert(argv.end(),
                {"-drive",
                 "if=pflash,unit=0,format=raw,readonly=on,file=" + OptionValue(firmware.uefi->code),
                 "-drive", "if=pflash,unit=1,format=raw,file=" + OptionValue(firmware.uefi->vars)});
  }
  if (!firmware.dtb.empty()) argv.insert(argv.end(), {"-dtb", firmware.dtb});
}

// SPEC §5 difference 4: protocol and host address are emitted as set; the seed always wrote
// "tcp::HOST-:GUEST", which is what the defaults give.
std::string HostForward(const Forward& forward) {
  return ",hostfwd=" + OptionValue(forward.protocol) + ":" + OptionValue(forward.host_address) +
         ":" + std::to_string(forward.host_port) + "-:" + std::to_string(forward.guest_port);
}

std::string UserNetdev(const Network& network) {
  const UserNetwork& user = *network.user;
  std::string netdev = "user,id=" + OptionValue(network.id);
  if (!user.network.empty()) netdev += ",net=" + OptionValue(user.network);
  if (!user.dhcp_start.empty()) netdev += ",dhcpstart=" + OptionValue(user.dhcp_start);
  if (!user.dns.empty()) netdev += ",dns=" + OptionValue(user.dns);
  if (!user.host.empty()) netdev += ",host=" + OptionValue(user.host);
  for (const Forward& forward : user.forwards) netdev += HostForward(forward);
  return netdev;
}

void AppendNetwork(const Network& network, Args& argv) {
  argv.push_back("-netdev");
  if (network.tap) {
    // As the seed: no configuration scripts; qemuc has no use for them either.
    argv.push_back("tap,id=" + OptionValue(network.id) +
                   ",ifname=" + OptionValue(network.tap->name) + ",script=no,downscript=no");
  } else {
    argv.push_back(UserNetdev(network));
  }
  std::string device = "virtio-net-pci,netdev=" + OptionValue(network.id);
  if (!network.mac.empty()) device += ",mac=" + OptionValue(network.mac);
  argv.push_back("-device");
  argv.push_back(device);
}

std::string JoinWithSpaces(const std::vector<std::string>& words) {
  std::string joined;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += words[i];
  }
  return joined;
}

// QEMU's QMP server on a unix socket: -qmp's value is the prefix, `path` with ',' doubled, then
// the suffix.
constexpr std::string_view kQmpSocketPrefix = "unix:";
constexpr std::string_view kQmpSocketSuffix = ",server=on,wait=off";

std::string QmpSocketOption(const std::string& path) {
  return std::string(kQmpSocketPrefix) + OptionValue(path) + std::string(kQmpSocketSuffix);
}

// SPEC §5 difference 4: the graceful stop's QMP socket, which the seed lacks, goes after
// extra_args, just before -append. Its place in the argv is reported, so that no emitter has to
// look for it.
void AppendQmpSocket(const Config& config, QemuArgv& made) {
  if (config.stop_socket.empty()) return;
  std::string option = QmpSocketOption(config.stop_socket);
  const size_t path_size = option.size() - kQmpSocketPrefix.size() - kQmpSocketSuffix.size();
  made.argv.insert(made.argv.end(), {"-qmp", std::move(option)});
  made.stop_socket = ArgvSpan{made.argv.size() - 1, kQmpSocketPrefix.size(), path_size};
}

// SPEC §9: with serial_log the console is a stdio chardev that also writes the file, in the
// place of the seed's -serial stdio. signal=off: as a serial console, ^C goes to the guest.
void AppendSerial(const Config& config, Args& argv) {
  if (config.serial_log.empty()) {
    argv.insert(argv.end(), {"-serial", "stdio"});
    return;
  }
  argv.insert(
      argv.end(),
      {"-chardev", "stdio,id=serial0,logfile=" + OptionValue(config.serial_log) + ",signal=off",
       "-serial", "chardev:serial0"});
}

// SPEC §9: -virtfs makes the fsdev (its id the tag) and the virtio-9p-pci device together.
void AppendShare(const Share& share, Args& argv) {
  std::string virtfs = "local,path=" + OptionValue(share.path) +
                       ",mount_tag=" + OptionValue(share.tag) + ",security_model=none";
  if (share.readonly) virtfs += ",readonly=on";
  argv.insert(argv.end(), {"-virtfs", virtfs});
}

}  // namespace

std::string OptionValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    escaped += c;
    if (c == ',') escaped += ',';
  }
  return escaped;
}

QemuArgv CreateQemuArgv(const Config& config, const std::vector<std::string>& kernel_args) {
  // SPEC §5 difference 3: the binary was resolved (PATH, then absolute) before lowering.
  QemuArgv made{{config.binary}, std::nullopt};
  Args& argv = made.argv;
  AppendTarget(config, argv);
  argv.insert(argv.end(), {"-m", std::to_string(config.memory_mib), "-smp",
                           std::to_string(config.cpus), "-nographic"});
  AppendSerial(config, argv);
  argv.insert(argv.end(), {"-monitor", "none"});
  // SPEC §9: the profile's own QMP socket, for tools and a unit's graceful stop.
  if (!config.qmp.empty()) argv.insert(argv.end(), {"-qmp", QmpSocketOption(config.qmp)});
  // SPEC §9: in CI a panicking guest that reboots would loop until the job's timeout.
  if (config.no_reboot) argv.push_back("-no-reboot");
  AppendFirmware(config.firmware, argv);
  // -kernel and -initrd take raw file names: QEMU does not split them at commas.
  argv.insert(argv.end(), {"-kernel", config.kernel});
  // SPEC §5 difference 2: the seed always passed -initrd, and QEMU fails on -initrd "".
  if (!config.initrd.empty()) argv.insert(argv.end(), {"-initrd", config.initrd});
  argv.insert(argv.end(), {"-object", "iothread,id=iothread0"});
  for (const Drive& drive : config.drives) AppendDrive(drive, argv);
  for (const Network& network : config.networks) AppendNetwork(network, argv);
  // The seed treats no network at all as a request to disable networking.
  if (config.networks.empty()) argv.insert(argv.end(), {"-net", "none"});
  // SPEC §9: an entropy source, so that a guest does not wait for its own at boot.
  if (config.rng) {
    argv.insert(argv.end(), {"-object", "rng-random,id=rng0,filename=/dev/urandom", "-device",
                             "virtio-rng-pci,rng=rng0"});
  }
  for (const Share& share : config.shares) AppendShare(share, argv);
  // SPEC §5 difference 4: extra_args, which the seed lacks, go just before -append (and -qmp).
  argv.insert(argv.end(), config.extra_args.begin(), config.extra_args.end());
  AppendQmpSocket(config, made);
  // Always present, as in the seed, even when empty; the kernel sees it verbatim.
  argv.insert(argv.end(), {"-append", JoinWithSpaces(kernel_args)});
  return made;
}

Args CreateInvocation(const Config& config, const std::vector<std::string>& kernel_args) {
  return CreateQemuArgv(config, kernel_args).argv;
}

Invocation MakeInvocation(std::string name, std::vector<std::string> sources, Config config,
                          std::vector<std::string> kernel_args, UnitSettings unit) {
  Args argv = CreateInvocation(config, kernel_args);
  return {std::move(name), std::move(sources), std::move(argv),
          std::move(unit), std::move(config),  std::move(kernel_args)};
}

}  // namespace qemuc
