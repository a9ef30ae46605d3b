#include "lower.h"

#include <doctest/doctest.h>

#include <map>

#include "schema.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::ArgAfter;
using testing::Pipeline;

constexpr const char* kMinimal = "qemu: {target: x86_64, memory: 512, kernel: k.bin}\n";

std::vector<std::string> Argv(Pipeline& pipeline, const std::string& path) {
  const std::optional<Invocation> invocation = pipeline.Compile(path);
  REQUIRE_MESSAGE(invocation.has_value(), pipeline.Rendered());
  return invocation->argv;
}

// Every row of the field table with a default written as a value ("5", "on-failure"), by key
// path ("systemd.restart_sec"; items of a list as "[]"). Defaults that describe rather than state
// ("qemu-system-<target>") are left out.
void CollectDefaults(const Field& field, const std::string& path,
                     std::map<std::string, std::string>& defaults) {
  const bool literal = !field.default_value.empty() &&
                       field.default_value.find_first_of(" <") == std::string_view::npos;
  if (literal) defaults[path] = std::string(field.default_value);
  const std::string prefix = field.type == FieldType::kKeyedList ? path + "[]" : path;
  for (const Field& child : field.fields) {
    CollectDefaults(
        child, prefix.empty() ? std::string(child.name) : prefix + "." + std::string(child.name),
        defaults);
  }
}

// A profile at /p/b/dev.yaml that sets every key of qemu:, some with relative paths.
constexpr const char* kEveryKey = R"(name: dev
description: the dev board
qemu:
  binary: ../bin/qemu
  target: aarch64
  cpu: max,pmu=off
  cpus: 3
  memory: 1G
  kvm: true
  rng: true
  no_reboot: true
  kernel: /abs/kernel
  initrd: ./sub/../rd.img
  firmware: {uefi: {code: fw/CODE.fd, vars: "/vm/VARS a,b.fd"}, dtb: ../board.dtb}
  drives: [{id: blk0, file: "disk a,b.img", addr: "05.0"}, {id: blk1, file: /v/c.img, format: qcow2, readonly: true, snapshot: true}]
  networks:
    - id: net0
      mac: "52:54:00:00:00:01"
      user: {network: 10.0.2.0/24, dhcp_start: 10.0.2.15, dns: 10.0.2.3, host: 10.0.2.2,
             forwards: [{host: 8022, guest: 22}, {host: 5353, guest: 53, protocol: udp, host_address: 127.0.0.1}]}
    - {id: net1, tap: {name: qemu0}}
  serial_log: ../log/console.log
  qmp: run/vm.qmp
  shares: [{tag: src, path: "../my src,x", readonly: true}, {tag: out, path: /srv/out/}]
  extra_args: [-vga, none]
cmdline: [console=ttyAMA0, quiet, console=ttyS0]
)";

std::string Text(bool value) {
  return value ? "true" : "false";
}

TEST_SUITE("lower") {
  // Defaults live in the table only; lowering stores them through each row's binding. This reads
  // them back from what lowering made, so a binding that converts a default wrongly fails here,
  // and a new row with a default fails until it is listed.
  TEST_CASE("every default the field table states is the value lowering uses") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml",
                        "qemu:\n"
                        "  target: x86_64\n  memory: 64\n  kernel: /k\n"
                        "  networks: [{id: n0, user: {forwards: [{host: 2222, guest: 22}]}}]\n"
                        "  drives: [{id: d0, file: /d}]\n"
                        "  shares: [{tag: s, path: /s}]\n");
    Diagnostics& diagnostics = pipeline.diagnostics;
    const std::optional<ResolvedProfile> resolved =
        ResolveProfile({"/p/a.yaml", {}, {}, {}}, pipeline.environment, diagnostics);
    REQUIRE_MESSAGE(resolved.has_value(), pipeline.Rendered());
    const LoweredProfile lowered = LowerProfile(*resolved->merged, *resolved->stack.profile);
    const std::map<std::string, std::string> used = {
        {"abstract", Text(resolved->abstract != nullptr)},
        {"qemu.cpus", std::to_string(lowered.config.cpus)},
        {"qemu.kvm", Text(lowered.config.kvm)},
        {"qemu.rng", Text(lowered.config.rng)},
        {"qemu.no_reboot", Text(lowered.config.no_reboot)},
        {"qemu.drives[].format", lowered.config.drives.at(0).format},
        {"qemu.drives[].readonly", Text(lowered.config.drives.at(0).readonly)},
        {"qemu.drives[].snapshot", Text(lowered.config.drives.at(0).snapshot)},
        {"qemu.shares[].readonly", Text(lowered.config.shares.at(0).readonly)},
        {"qemu.networks[].user.forwards[].protocol",
         lowered.config.networks.at(0).user->forwards.at(0).protocol},
        {"systemd.restart", lowered.unit.restart},
        {"systemd.restart_sec", std::to_string(lowered.unit.restart_sec)},
        {"systemd.wanted_by", lowered.unit.wanted_by},
        {"systemd.graceful_stop", Text(lowered.unit.graceful_stop)},
        {"systemd.stop_timeout", std::to_string(lowered.unit.stop_timeout)},
        {"systemd.hardening", Text(lowered.unit.hardening)},
    };
    std::map<std::string, std::string> stated;
    CollectDefaults(ProfileSchema(), "", stated);
    CHECK(stated.size() == used.size());
    for (const auto& default_value : stated) {  // not a structured binding: clang's CAPTURE
      const std::string& path = default_value.first;
      CAPTURE(path);
      REQUIRE(used.count(path) == 1);
      CHECK(used.at(path) == default_value.second);
    }
  }

  TEST_CASE(
      "defaults: one CPU, no KVM, the binary named after the target, the name from the file") {
    testing::Stages stages;
    const LoweredProfile lowered = stages.Lower({"/p/boards/x64-dev.yaml", kMinimal});
    CHECK(lowered.name == "x64-dev");
    CHECK(lowered.description == "");
    CHECK(lowered.config.binary == "qemu-system-x86_64");
    CHECK(lowered.binary_is_bare);
    CHECK(FormatLocation(lowered.binary_range) == "/p/boards/x64-dev.yaml:1:16");
    CHECK(lowered.config.target == Target::kX86_64);
    CHECK(lowered.config.cpu == "");  // invocation puts the target's model
    CHECK(lowered.config.cpus == 1);
    CHECK_FALSE(lowered.config.kvm);
    CHECK(lowered.config.memory_mib == 512);
    CHECK(lowered.config.kernel == "/p/boards/k.bin");
    CHECK(lowered.config.initrd == "");
    CHECK(lowered.config.firmware.bios == "");
    CHECK_FALSE(lowered.config.firmware.uefi.has_value());
    CHECK(lowered.config.firmware.dtb == "");
    CHECK(lowered.config.stop_socket == "");
    CHECK(lowered.config.serial_log == "");
    CHECK(lowered.config.qmp == "");
    CHECK(lowered.config.shares.empty());
    CHECK(lowered.cmdline.empty());
    CHECK(lowered.unit.description == "QEMU VM x64-dev");
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("riscv64: the target, and the binary named after it at the target's place") {
    testing::Stages stages;
    const LoweredProfile lowered = stages.Lower(
        {"/p/boards/rv.yaml", "qemu: {memory: 512, kernel: k.bin, target: riscv64}\n"});
    CHECK(lowered.config.target == Target::kRiscv64);
    CHECK(lowered.config.binary == "qemu-system-riscv64");
    CHECK(lowered.binary_is_bare);
    CHECK(FormatLocation(lowered.binary_range) == "/p/boards/rv.yaml:1:44");
    CHECK(lowered.config.cpu == "");  // invocation puts rv64
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("every key is lowered: paths against the file's directory, in the Config's fields") {
    testing::Stages stages;
    const LoweredProfile lowered = stages.Lower({"/p/b/dev.yaml", kEveryKey});
    const Config& config = lowered.config;
    CHECK(lowered.name == "dev");
    CHECK(lowered.description == "the dev board");
    CHECK(config.binary == "/p/bin/qemu");
    CHECK_FALSE(lowered.binary_is_bare);
    CHECK(config.target == Target::kAArch64);
    CHECK(config.cpu == "max,pmu=off");
    CHECK(config.cpus == 3);
    CHECK(config.memory_mib == 1024);
    CHECK(config.kvm);
    CHECK(config.rng);
    CHECK(config.no_reboot);
    CHECK(config.kernel == "/abs/kernel");
    CHECK(config.initrd == "/p/b/rd.img");
    REQUIRE(config.drives.size() == 2);
    CHECK(config.drives[0].id == "blk0");
    CHECK(config.drives[0].file == "/p/b/disk a,b.img");
    CHECK(config.drives[0].addr == "05.0");
    CHECK(config.drives[1].addr == "");
    CHECK(config.drives[0].format == "raw");  // the default
    CHECK_FALSE(config.drives[0].readonly);
    CHECK_FALSE(config.drives[0].snapshot);
    CHECK(config.drives[1].format == "qcow2");
    CHECK(config.drives[1].readonly);
    CHECK(config.drives[1].snapshot);
    CHECK(config.firmware.bios == "");
    REQUIRE(config.firmware.uefi.has_value());
    CHECK(config.firmware.uefi->code == "/p/b/fw/CODE.fd");
    CHECK(config.firmware.uefi->vars == "/vm/VARS a,b.fd");
    CHECK(config.firmware.dtb == "/p/board.dtb");
    CHECK(config.serial_log == "/p/log/console.log");
    CHECK(config.qmp == "/p/b/run/vm.qmp");
    REQUIRE(config.shares.size() == 2);
    CHECK(config.shares[0].tag == "src");
    CHECK(config.shares[0].path == "/p/my src,x");
    CHECK(config.shares[0].readonly);
    CHECK(config.shares[1].tag == "out");
    CHECK(config.shares[1].path == "/srv/out");
    CHECK_FALSE(config.shares[1].readonly);
    CHECK(config.extra_args == std::vector<std::string>{"-vga", "none"});
    CHECK(lowered.cmdline == std::vector<std::string>{"console=ttyAMA0", "quiet", "console=ttyS0"});
    // What the host checks ask of each: a file, one QEMU writes, a directory, or a directory to
    // make it in.
    const std::map<PathUse, std::string> expect = {{PathUse::kFile, "file"},
                                                   {PathUse::kWritableFile, "writable file"},
                                                   {PathUse::kDirectory, "dir"},
                                                   {PathUse::kInDirectory, "in dir"},
                                                   {PathUse::kSocket, "socket"}};
    std::vector<std::string> files;
    for (const FileUse& file : lowered.files) {
      files.push_back(file.role + " " + file.path + " " + FormatLocation(file.range) + " " +
                      expect.at(file.expect));
    }
    CHECK(files == std::vector<std::string>{
                       "kernel /abs/kernel /p/b/dev.yaml:12:11 file",
                       "initrd /p/b/rd.img /p/b/dev.yaml:13:11 file",
                       "UEFI code /p/b/fw/CODE.fd /p/b/dev.yaml:14:27 file",
                       "UEFI vars /vm/VARS a,b.fd /p/b/dev.yaml:14:45 writable file",
                       "dtb /p/board.dtb /p/b/dev.yaml:14:70 file",
                       "drive 'blk0' /p/b/disk a,b.img /p/b/dev.yaml:15:29 file",
                       "drive 'blk1' /v/c.img /p/b/dev.yaml:15:77 file",
                       "serial log /p/log/console.log /p/b/dev.yaml:22:15 in dir",
                       "QMP socket /p/b/run/vm.qmp /p/b/dev.yaml:23:8 socket",
                       "share 'src' /p/my src,x /p/b/dev.yaml:24:29 dir",
                       "share 'out' /srv/out /p/b/dev.yaml:24:78 dir",
                   });
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("networks are lowered field by field, with the defaults of a forward") {
    testing::Stages stages;
    const Config config = stages.Lower({"/p/b/dev.yaml", kEveryKey}).config;
    REQUIRE(config.networks.size() == 2);
    const Network& user = config.networks[0];
    CHECK(user.mac == "52:54:00:00:00:01");
    REQUIRE(user.user.has_value());
    CHECK_FALSE(user.tap.has_value());
    CHECK(user.user->network == "10.0.2.0/24");
    CHECK(user.user->dhcp_start == "10.0.2.15");
    CHECK(user.user->dns == "10.0.2.3");
    CHECK(user.user->host == "10.0.2.2");
    REQUIRE(user.user->forwards.size() == 2);
    CHECK(user.user->forwards[0].protocol == "tcp");
    CHECK(user.user->forwards[0].host_address == "");
    CHECK(user.user->forwards[1].host_port == 5353);
    CHECK(user.user->forwards[1].guest_port == 53);
    CHECK(user.user->forwards[1].protocol == "udp");
    CHECK(user.user->forwards[1].host_address == "127.0.0.1");
    REQUIRE(config.networks[1].tap.has_value());
    CHECK(config.networks[1].tap->name == "qemu0");
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("the systemd section becomes the unit's settings; KVM, tap and drives add theirs") {
    testing::Stages stages;
    const LoweredProfile lowered = stages.Lower(
        {"/p/a.yaml",
         "qemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n  kvm: true\n"
         "  drives: [{id: a, file: /v/a.img}, {id: b, file: /v/b.img}, {id: c, file: c.img},\n"
         "           {id: r, file: /ro/r.img, readonly: true}, {id: s, file: /s/s.img, snapshot: "
         "true}]\n"
         "  firmware: {uefi: {code: /fw/CODE.fd, vars: /vm/VARS.fd}}\n"
         "  networks: [{id: n0, tap: {name: t0}}]\n"
         "systemd:\n  description: a VM\n  user: qemu\n  group: kvm\n  restart: always\n"
         "  restart_sec: 7\n  after: [a.target]\n  wants: [b.target]\n"
         "  wanted_by: default.target\n  stop_timeout: 30\n  hardening: false\n"
         "  graceful_stop: true\n"});
    const UnitSettings& unit = lowered.unit;
    CHECK(unit.description == "a VM");
    CHECK(unit.user == "qemu");
    CHECK(unit.group == "kvm");
    CHECK(unit.restart == "always");
    CHECK(unit.restart_sec == 7);
    CHECK(unit.after == std::vector<std::string>{"a.target"});
    CHECK(unit.wants == std::vector<std::string>{"b.target"});
    CHECK(unit.wanted_by == "default.target");
    CHECK(unit.stop_timeout == 30);
    CHECK_FALSE(unit.hardening);
    CHECK(unit.graceful_stop);
    CHECK(unit.kvm);
    CHECK(unit.tap);
    // The drives' directories (not those QEMU only reads: read-only and snapshot drives), then
    // that of the UEFI vars, which the firmware writes.
    CHECK(unit.writable_directories == std::vector<std::string>{"/v", "/p", "/vm"});
    // The graceful stop's socket is the systemd emitter's to set (invocation.h).
    CHECK(lowered.config.stop_socket == "");
  }

  TEST_CASE("the unit may write where QEMU makes the serial log and QMP socket, and to shares") {
    testing::Stages stages;
    const LoweredProfile lowered = stages.Lower(
        {"/p/a.yaml",
         "qemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n"
         "  drives: [{id: a, file: /v/a.img}]\n  serial_log: /log/vm/console.log\n"
         "  qmp: /v/vm.qmp\n"
         "  shares: [{tag: ro, path: /src, readonly: true}, {tag: rw, path: /out}]\n"});
    // Each once, in the order of the keys; a read-only share needs nothing.
    CHECK(lowered.unit.writable_directories == std::vector<std::string>{"/v", "/log/vm", "/out"});
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("every key reaches the argv through the pipeline") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b/dev.yaml", R"(name: dev
qemu:
  binary: ../bin/qemu
  target: aarch64
  cpus: 3
  memory: 1G
  kvm: true
  kernel: /abs/kernel
  initrd: ./sub/../rd.img
  firmware: {bios: "fw/bios a,b.bin", dtb: /b.dtb}
  drives: [{id: blk0, file: "disk a,b.img", addr: "05.0", format: qcow2, readonly: true}]
  networks:
    - id: net0
      mac: "52:54:00:00:00:01"
      user: {network: 10.0.2.0/24, dhcp_start: 10.0.2.15, dns: 10.0.2.3, host: 10.0.2.2,
             forwards: [{host: 8022, guest: 22}, {host: 5353, guest: 53, protocol: udp, host_address: 127.0.0.1}]}
    - {id: net1, tap: {name: qemu0}}
  extra_args: [-vga, none]
cmdline: [console=ttyAMA0, quiet]
)");
    const std::vector<std::string> argv = Argv(pipeline, "/p/b/dev.yaml");
    CHECK(argv[0] == "/p/bin/qemu");
    CHECK(ArgAfter(argv, "-machine") == "virt,gic_version=host");
    CHECK(ArgAfter(argv, "-m") == "1024");
    CHECK(ArgAfter(argv, "-smp") == "3");
    CHECK(ArgAfter(argv, "-kernel") == "/abs/kernel");
    CHECK(ArgAfter(argv, "-initrd") == "/p/b/rd.img");
    CHECK(ArgAfter(argv, "-bios") == "/p/b/fw/bios a,b.bin");
    CHECK(ArgAfter(argv, "-dtb") == "/b.dtb");
    CHECK(ArgAfter(argv, "-drive") ==
          "id=blk0,file=/p/b/disk a,,b.img,format=qcow2,if=none,cache=unsafe,aio=threads,"
          "readonly=on");
    CHECK(ArgAfter(argv, "-device") == "virtio-blk-pci,drive=blk0,iothread=iothread0,addr=05.0");
    CHECK(ArgAfter(argv, "-netdev") ==
          "user,id=net0,net=10.0.2.0/"
          "24,dhcpstart=10.0.2.15,dns=10.0.2.3,host=10.0.2.2,hostfwd=tcp::8022-:22,"
          "hostfwd=udp:127.0.0.1:5353-:53");
    CHECK(ArgAfter(argv, "-device", 1) == "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01");
    CHECK(ArgAfter(argv, "-netdev", 1) == "tap,id=net1,ifname=qemu0,script=no,downscript=no");
    CHECK(ArgAfter(argv, "-vga") == "none");
    CHECK(ArgAfter(argv, "-append") == "console=ttyAMA0 quiet");
  }

  TEST_CASE("serial_log, qmp and shares reach the argv through the pipeline, paths resolved") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b/dev.yaml",
                        "qemu: {target: x86_64, memory: 512, kernel: k.bin, serial_log: "
                        "out/con.log, qmp: q.sock, shares: [{tag: t, path: \"../a,b\"}]}\n");
    const std::vector<std::string> argv = Argv(pipeline, "/p/b/dev.yaml");
    CHECK(ArgAfter(argv, "-chardev") == "stdio,id=serial0,logfile=/p/b/out/con.log,signal=off");
    CHECK(ArgAfter(argv, "-serial") == "chardev:serial0");
    CHECK(ArgAfter(argv, "-qmp") == "unix:/p/b/q.sock,server=on,wait=off");
    CHECK(ArgAfter(argv, "-virtfs") == "local,path=/p/a,,b,mount_tag=t,security_model=none");
  }

  TEST_CASE("kernel arguments after -- follow the profile's cmdline") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", std::string(kMinimal) + "cmdline: [console=ttyS0]\n");
    const std::optional<Invocation> invocation =
        pipeline.Compile("/p/a.yaml", false, {"a b", "x=$y"});
    REQUIRE(invocation.has_value());
    CHECK(invocation->argv.back() == "console=ttyS0 a b x=$y");
  }
}

}  // namespace
}  // namespace qemuc
