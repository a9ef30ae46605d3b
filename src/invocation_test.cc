#include "invocation.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace qemuc {
namespace {

using Args = std::vector<std::string>;

Config Minimal(Target target, bool kvm) {
  Config config;
  config.binary = "/usr/bin/qemu";
  config.target = target;
  config.kvm = kvm;
  config.cpus = 2;
  config.memory_mib = 512;
  config.kernel = "/k/kernel";
  return config;
}

// Everything after the target flags, for a config with no initrd, drive or network.
Args Tail(std::string append = "") {
  return {"-m",
          "512",
          "-smp",
          "2",
          "-nographic",
          "-serial",
          "stdio",
          "-monitor",
          "none",
          "-kernel",
          "/k/kernel",
          "-object",
          "iothread,id=iothread0",
          "-net",
          "none",
          "-append",
          append};
}

Args Concat(Args head, const Args& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

TEST_SUITE("invocation") {
  TEST_CASE("the four target and kvm combinations, in the seed's order and spelling") {
    CHECK(
        CreateInvocation(Minimal(Target::kX86_64, false), {}) ==
        Concat({"/usr/bin/qemu", "-machine", "q35", "-device",
                "isa-debug-exit,iobase=0xf4,iosize=0x04", "-cpu", "Haswell,+smap,-check,-fsgsbase"},
               Tail()));
    CHECK(CreateInvocation(Minimal(Target::kX86_64, true), {}) ==
          Concat({"/usr/bin/qemu", "-machine", "q35", "-device",
                  "isa-debug-exit,iobase=0xf4,iosize=0x04", "-cpu", "host", "-enable-kvm"},
                 Tail()));
    CHECK(CreateInvocation(Minimal(Target::kAArch64, false), {}) ==
          Concat({"/usr/bin/qemu", "-machine", "virt,gic_version=3", "-machine",
                  "virtualization=true", "-cpu", "cortex-a53"},
                 Tail()));
    CHECK(CreateInvocation(Minimal(Target::kAArch64, true), {}) ==
          Concat(
              {"/usr/bin/qemu", "-machine", "virt,gic_version=host", "-cpu", "host", "-enable-kvm"},
              Tail()));
  }

  TEST_CASE("qemu.cpu replaces the target's -cpu value on both targets, under KVM too") {
    for (const bool kvm : {false, true}) {
      Config x86 = Minimal(Target::kX86_64, kvm);
      x86.cpu = "max";
      const Args x86_target = kvm ? Args{"-cpu", "max", "-enable-kvm"} : Args{"-cpu", "max"};
      CHECK(CreateInvocation(x86, {}) ==
            Concat(Concat({"/usr/bin/qemu", "-machine", "q35", "-device",
                           "isa-debug-exit,iobase=0xf4,iosize=0x04"},
                          x86_target),
                   Tail()));
      Config arm = Minimal(Target::kAArch64, kvm);
      arm.cpu = "cortex-a72,pmu=off";  // QEMU's own feature syntax: its comma is not doubled
      const Args arm_machine =
          kvm ? Args{"-machine", "virt,gic_version=host"}
              : Args{"-machine", "virt,gic_version=3", "-machine", "virtualization=true"};
      const Args arm_cpu = kvm ? Args{"-cpu", "cortex-a72,pmu=off", "-enable-kvm"}
                               : Args{"-cpu", "cortex-a72,pmu=off"};
      CHECK(CreateInvocation(arm, {}) ==
            Concat(Concat(Concat({"/usr/bin/qemu"}, arm_machine), arm_cpu), Tail()));
    }
  }

  TEST_CASE("riscv64: the virt machine and rv64 under TCG, with no exit device") {
    CHECK(CreateInvocation(Minimal(Target::kRiscv64, false), {"quiet"}) ==
          Concat({"/usr/bin/qemu", "-machine", "virt", "-cpu", "rv64"}, Tail("quiet")));
    Config config = Minimal(Target::kRiscv64, false);
    config.cpu = "rv64,zba=true,zbb=true";  // QEMU's own feature syntax: its commas are not doubled
    CHECK(CreateInvocation(config, {}) ==
          Concat({"/usr/bin/qemu", "-machine", "virt", "-cpu", "rv64,zba=true,zbb=true"}, Tail()));
  }

  TEST_CASE("no_reboot after -monitor none; rng after the networks, before extra_args") {
    Config config = Minimal(Target::kX86_64, false);
    config.no_reboot = true;
    config.rng = true;
    config.extra_args = {"-vga", "none"};
    Args tail = Tail("quiet");
    tail.insert(tail.begin() + 9, "-no-reboot");  // after "-monitor", "none"
    tail.insert(tail.end() - 2, {"-object", "rng-random,id=rng0,filename=/dev/urandom", "-device",
                                 "virtio-rng-pci,rng=rng0", "-vga", "none"});
    CHECK(
        CreateInvocation(config, {"quiet"}) ==
        Concat({"/usr/bin/qemu", "-machine", "q35", "-device",
                "isa-debug-exit,iobase=0xf4,iosize=0x04", "-cpu", "Haswell,+smap,-check,-fsgsbase"},
               tail));
    // Each alone, and neither by default.
    config.rng = false;
    const Args no_rng = CreateInvocation(config, {});
    CHECK(std::count(no_rng.begin(), no_rng.end(), "-no-reboot") == 1);
    CHECK(std::count(no_rng.begin(), no_rng.end(), "-object") == 1);  // the iothread only
    const Args plain = CreateInvocation(Minimal(Target::kAArch64, false), {});
    CHECK(std::find(plain.begin(), plain.end(), "-no-reboot") == plain.end());
    CHECK(std::find(plain.begin(), plain.end(), "virtio-rng-pci,rng=rng0") == plain.end());
  }

  // The x86_64 head, and the tail after "-monitor", "none" with `firmware` in between.
  Args WithFirmware(const Args& firmware) {
    Args tail = Tail();
    tail.insert(tail.begin() + 9, firmware.begin(), firmware.end());
    return Concat(
        {"/usr/bin/qemu", "-machine", "q35", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
         "-cpu", "Haswell,+smap,-check,-fsgsbase"},
        tail);
  }

  TEST_CASE("firmware after -monitor none (and -no-reboot), before -kernel: each key alone") {
    Config config = Minimal(Target::kX86_64, false);
    config.firmware.bios = "/fw/a b,c.bin";  // a raw file name, as for -kernel
    CHECK(CreateInvocation(config, {}) == WithFirmware({"-bios", "/fw/a b,c.bin"}));
    config.firmware.bios.clear();
    config.firmware.uefi = Uefi{"/fw/CODE,x.fd", "/vm/VARS.fd"};  // in option lists: ',' doubled
    CHECK(CreateInvocation(config, {}) ==
          WithFirmware({"-drive", "if=pflash,unit=0,format=raw,readonly=on,file=/fw/CODE,,x.fd",
                        "-drive", "if=pflash,unit=1,format=raw,file=/vm/VARS.fd"}));
    config.firmware.uefi.reset();
    config.firmware.dtb = "/fw/board,1.dtb";
    CHECK(CreateInvocation(config, {}) == WithFirmware({"-dtb", "/fw/board,1.dtb"}));
    config.firmware.dtb.clear();
    CHECK(CreateInvocation(config, {}) == WithFirmware({}));
  }

  TEST_CASE("all firmware keys together: bios or uefi first, then -dtb, after -no-reboot") {
    Config config = Minimal(Target::kAArch64, false);
    config.no_reboot = true;
    config.firmware = {"", Uefi{"/c.fd", "/v.fd"}, "/b.dtb"};
    const Args argv = CreateInvocation(config, {});
    const Args expected = {"-monitor",
                           "none",
                           "-no-reboot",
                           "-drive",
                           "if=pflash,unit=0,format=raw,readonly=on,file=/c.fd",
                           "-drive",
                           "if=pflash,unit=1,format=raw,file=/v.fd",
                           "-dtb",
                           "/b.dtb",
                           "-kernel",
                           "/k/kernel"};
    const auto monitor = std::find(argv.begin(), argv.end(), "-monitor");
    REQUIRE(argv.end() - monitor >= static_cast<long>(expected.size()));
    CHECK(Args(monitor, monitor + static_cast<long>(expected.size())) == expected);
    config.firmware = {"/fw.bin", std::nullopt, "/b.dtb"};
    const Args with_bios = CreateInvocation(config, {});
    const auto bios = std::find(with_bios.begin(), with_bios.end(), "-no-reboot") + 1;
    CHECK(Args(bios, bios + 5) == Args{"-bios", "/fw.bin", "-dtb", "/b.dtb", "-kernel"});
  }

  TEST_CASE("drives with and without addr, after the iothread object") {
    Config config = Minimal(Target::kAArch64, true);
    config.drives = {{"blk0", "/img/a.img", "", "raw"}, {"blk1", "/img/b.img", "05.0", "raw"}};
    const Args argv = CreateInvocation(config, {});
    const Args expected = {
        "-object", "iothread,id=iothread0",
        "-drive",  "id=blk0,file=/img/a.img,format=raw,if=none,cache=unsafe,aio=threads",
        "-device", "virtio-blk-pci,drive=blk0,iothread=iothread0",
        "-drive",  "id=blk1,file=/img/b.img,format=raw,if=none,cache=unsafe,aio=threads",
        "-device", "virtio-blk-pci,drive=blk1,iothread=iothread0,addr=05.0",
        "-net",    "none"};
    CHECK(Args(argv.begin() + 17, argv.begin() + 17 + static_cast<long>(expected.size())) ==
          expected);
  }

  TEST_CASE("a drive's format in place of raw; readonly and snapshot after aio=threads") {
    Config config = Minimal(Target::kX86_64, false);
    config.drives = {{"d0", "/i/a.qcow2", "", "qcow2"},
                     {"d1", "/i/b.img", "", "raw", true, false},
                     {"d2", "/i/c.img", "", "raw", false, true},
                     {"d3", "/i/d.qcow2", "", "qcow2", true, true}};
    const Args argv = CreateInvocation(config, {});
    const Args expected = {
        "-drive",
        "id=d0,file=/i/a.qcow2,format=qcow2,if=none,cache=unsafe,aio=threads",
        "-device",
        "virtio-blk-pci,drive=d0,iothread=iothread0",
        "-drive",
        "id=d1,file=/i/b.img,format=raw,if=none,cache=unsafe,aio=threads,readonly=on",
        "-device",
        "virtio-blk-pci,drive=d1,iothread=iothread0",
        "-drive",
        "id=d2,file=/i/c.img,format=raw,if=none,cache=unsafe,aio=threads,snapshot=on",
        "-device",
        "virtio-blk-pci,drive=d2,iothread=iothread0",
        "-drive",
        "id=d3,file=/i/d.qcow2,format=qcow2,if=none,cache=unsafe,aio=threads,readonly=on,"
        "snapshot=on",
        "-device",
        "virtio-blk-pci,drive=d3,iothread=iothread0",
        "-net",
        "none"};
    const auto drives = std::find(argv.begin(), argv.end(), "iothread,id=iothread0") + 1;
    CHECK(Args(drives, argv.end() - 2) == expected);
  }

  TEST_CASE(
      "a comma in a drive path is doubled so it cannot inject options (SPEC §5 difference 1)") {
    Config config = Minimal(Target::kX86_64, false);
    config.drives = {{"blk0", "/img/a,snapshot=on", "", "raw"}};
    const Args argv = CreateInvocation(config, {});
    CHECK(
        std::find(argv.begin(), argv.end(),
                  "id=blk0,file=/img/a,,snapshot=on,format=raw,if=none,cache=unsafe,aio=threads") !=
        argv.end());
    CHECK(OptionValue("a,b,,c") == "a,,b,,,,c");
    CHECK(OptionValue("") == "");
  }

  TEST_CASE("user networking with every field and several forwards; a tap network; a mac") {
    Config config = Minimal(Target::kX86_64, false);
    UserNetwork user{
        "10.0.2.0/24",
        "10.0.2.15",
        "10.0.2.3",
        "10.0.2.2",
        {{8022, 22, "tcp", ""}, {5353, 53, "udp", "127.0.0.1"}, {8080, 80, "tcp", ""}}};
    config.networks = {{"net0", user, std::nullopt, "52:54:00:63:5e:7a"},
                       {"net1", std::nullopt, TapNetwork{"qemu0"}, ""}};
    const Args argv = CreateInvocation(config, {});
    const Args expected = {
        "-netdev",
        "user,id=net0,net=10.0.2.0/24,dhcpstart=10.0.2.15,dns=10.0.2.3,host=10.0.2.2,"
        "hostfwd=tcp::8022-:22,hostfwd=udp:127.0.0.1:5353-:53,hostfwd=tcp::8080-:80",
        "-device",
        "virtio-net-pci,netdev=net0,mac=52:54:00:63:5e:7a",
        "-netdev",
        "tap,id=net1,ifname=qemu0,script=no,downscript=no",
        "-device",
        "virtio-net-pci,netdev=net1",
        "-append",
        ""};
    CHECK(Args(argv.end() - static_cast<long>(expected.size()), argv.end()) == expected);
    CHECK(std::find(argv.begin(), argv.end(), "-net") == argv.end());
  }

  TEST_CASE("user networking with only an id adds no suboptions") {
    Config config = Minimal(Target::kX86_64, false);
    config.networks = {{"net0", UserNetwork{}, std::nullopt, ""}};
    const Args argv = CreateInvocation(config, {});
    CHECK(std::find(argv.begin(), argv.end(), "user,id=net0") != argv.end());
  }

  TEST_CASE("kernel arguments become one -append, always present, raw") {
    CHECK(CreateInvocation(Minimal(Target::kX86_64, false), {}).back() == "");
    const Args argv = CreateInvocation(Minimal(Target::kX86_64, false),
                                       {"console=ttyS0", "a,b", "x=\"y z\"", "$HOME"});
    CHECK(argv[argv.size() - 2] == "-append");
    CHECK(argv.back() == "console=ttyS0 a,b x=\"y z\" $HOME");
  }

  TEST_CASE(
      "-initrd only when set (SPEC §5 difference 2); -kernel and -initrd are not comma-escaped") {
    Config config = Minimal(Target::kX86_64, false);
    const Args without = CreateInvocation(config, {});
    CHECK(std::find(without.begin(), without.end(), "-initrd") == without.end());
    config.kernel = "/k/a,b";
    config.initrd = "/k/rd,1";
    const Args argv = CreateInvocation(config, {});
    const auto kernel = std::find(argv.begin(), argv.end(), "-kernel");
    REQUIRE(kernel != argv.end());
    CHECK(*(kernel + 1) == "/k/a,b");
    CHECK(*(kernel + 2) == "-initrd");
    CHECK(*(kernel + 3) == "/k/rd,1");
    CHECK(*(kernel + 4) == "-object");
  }

  TEST_CASE("extra_args go just before -append, as written") {
    Config config = Minimal(Target::kX86_64, false);
    config.extra_args = {"-vga", "none", "-device", "x,y"};
    const Args argv = CreateInvocation(config, {"quiet"});
    const Args expected = {"-net", "none", "-vga", "none", "-device", "x,y", "-append", "quiet"};
    CHECK(Args(argv.end() - static_cast<long>(expected.size()), argv.end()) == expected);
  }

  TEST_CASE("the QMP socket: -qmp after extra_args, before -append, ',' doubled, place reported") {
    Config config = Minimal(Target::kX86_64, false);
    config.extra_args = {"-vga", "none"};
    const QemuArgv without = CreateQemuArgv(config, {});
    CHECK(std::find(without.argv.begin(), without.argv.end(), "-qmp") == without.argv.end());
    CHECK(!without.stop_socket.has_value());
    config.stop_socket = "/run/a,b %t/$c é.qmp";
    const QemuArgv made = CreateQemuArgv(config, {"quiet"});
    Args before_append = Tail();
    before_append.resize(before_append.size() - 2);
    CHECK(made.argv ==
          Concat(Concat({"/usr/bin/qemu", "-machine", "q35", "-device",
                         "isa-debug-exit,iobase=0xf4,iosize=0x04", "-cpu",
                         "Haswell,+smap,-check,-fsgsbase"},
                        before_append),
                 {"-vga", "none", "-qmp", "unix:/run/a,,b %t/$c é.qmp,server=on,wait=off",
                  "-append", "quiet"}));
    REQUIRE(made.stop_socket.has_value());
    CHECK(made.stop_socket->argument == made.argv.size() - 3);
    CHECK(made.argv[made.stop_socket->argument].substr(
              made.stop_socket->offset, made.stop_socket->size) == "/run/a,,b %t/$c é.qmp");
    CHECK(CreateInvocation(config, {"quiet"}) == made.argv);
  }

  TEST_CASE("serial_log: a stdio chardev with the log file in the place of -serial stdio") {
    Config config = Minimal(Target::kAArch64, false);
    config.serial_log = "/var/log/vm a,b/console,log";
    Args tail = Tail();
    tail.erase(tail.begin() + 5, tail.begin() + 7);  // "-serial", "stdio"
    tail.insert(tail.begin() + 5,
                {"-chardev", "stdio,id=serial0,logfile=/var/log/vm a,,b/console,,log,signal=off",
                 "-serial", "chardev:serial0"});
    CHECK(CreateInvocation(config, {}) ==
          Concat({"/usr/bin/qemu", "-machine", "virt,gic_version=3", "-machine",
                  "virtualization=true", "-cpu", "cortex-a53"},
                 tail));
  }

  TEST_CASE("qmp: the profile's socket right after -monitor none, before -no-reboot") {
    Config config = Minimal(Target::kX86_64, false);
    config.qmp = "/run/vm a,b/qmp,sock";
    config.no_reboot = true;
    Args tail = Tail();
    tail.insert(tail.begin() + 9, {"-qmp", "unix:/run/vm a,,b/qmp,,sock,server=on,wait=off",
                                   "-no-reboot"});  // after "-monitor", "none"
    const QemuArgv made = CreateQemuArgv(config, {});
    CHECK(made.argv == Concat({"/usr/bin/qemu", "-machine", "q35", "-device",
                               "isa-debug-exit,iobase=0xf4,iosize=0x04", "-cpu",
                               "Haswell,+smap,-check,-fsgsbase"},
                              tail));
    // The span is the graceful stop's own socket's (stop_socket), which this Config has not.
    CHECK(!made.stop_socket.has_value());
  }

  TEST_CASE("shares: one -virtfs each, in list order, after rng and before extra_args") {
    Config config = Minimal(Target::kX86_64, false);
    config.rng = true;
    config.shares = {{"src", "/home/u/my src,x", true}, {"out.1", "/srv/out", false}};
    config.extra_args = {"-vga", "none"};
    const Args argv = CreateInvocation(config, {"quiet"});
    const Args expected = {
        "-net",    "none",
        "-object", "rng-random,id=rng0,filename=/dev/urandom",
        "-device", "virtio-rng-pci,rng=rng0",
        "-virtfs", "local,path=/home/u/my src,,x,mount_tag=src,security_model=none,readonly=on",
        "-virtfs", "local,path=/srv/out,mount_tag=out.1,security_model=none",
        "-vga",    "none",
        "-append", "quiet"};
    CHECK(Args(argv.end() - static_cast<long>(expected.size()), argv.end()) == expected);
    CHECK(std::count(argv.begin(), argv.end(), "-virtfs") == 2);
  }

  TEST_CASE("every SPEC §9 key together, each in its place, with every other key") {
    Config config = Minimal(Target::kAArch64, false);
    config.initrd = "/k/initrd";
    config.drives = {{"blk0", "/img/a.img", "", "qcow2", true, true}};
    config.firmware.bios = "/fw/u-boot.bin";
    config.firmware.dtb = "/fw/board.dtb";
    config.networks = {{"net0", UserNetwork{}, std::nullopt, ""}};
    config.rng = true;
    config.no_reboot = true;
    config.serial_log = "/log/console.log";
    config.qmp = "/run/vm.qmp";
    config.shares = {{"src", "/src", false}};
    config.extra_args = {"-s"};
    CHECK(CreateInvocation(config, {"quiet"}) ==
          Args{"/usr/bin/qemu",
               "-machine",
               "virt,gic_version=3",
               "-machine",
               "virtualization=true",
               "-cpu",
               "cortex-a53",
               "-m",
               "512",
               "-smp",
               "2",
               "-nographic",
               "-chardev",
               "stdio,id=serial0,logfile=/log/console.log,signal=off",
               "-serial",
               "chardev:serial0",
               "-monitor",
               "none",
               "-qmp",
               "unix:/run/vm.qmp,server=on,wait=off",
               "-no-reboot",
               "-bios",
               "/fw/u-boot.bin",
               "-dtb",
               "/fw/board.dtb",
               "-kernel",
               "/k/kernel",
               "-initrd",
               "/k/initrd",
               "-object",
               "iothread,id=iothread0",
               "-drive",
               "id=blk0,file=/img/a.img,format=qcow2,if=none,cache=unsafe,aio=threads,readonly=on,"
               "snapshot=on",
               "-device",
               "virtio-blk-pci,drive=blk0,iothread=iothread0",
               "-netdev",
               "user,id=net0",
               "-device",
               "virtio-net-pci,netdev=net0",
               "-object",
               "rng-random,id=rng0,filename=/dev/urandom",
               "-device",
               "virtio-rng-pci,rng=rng0",
               "-virtfs",
               "local,path=/src,mount_tag=src,security_model=none",
               "-s",
               "-append",
               "quiet"});
  }

  TEST_CASE("an invocation keeps the Config and kernel arguments its argv was made from") {
    Config config = Minimal(Target::kAArch64, false);
    config.extra_args = {"-vga", "none"};
    UnitSettings unit;
    unit.graceful_stop = true;
    const Invocation invocation =
        MakeInvocation("vm", {"vm.yaml"}, config, {"console=ttyAMA0", "quiet"}, unit);
    CHECK(invocation.name == "vm");
    CHECK(invocation.sources == Args{"vm.yaml"});
    CHECK(invocation.argv == CreateInvocation(config, {"console=ttyAMA0", "quiet"}));
    CHECK(invocation.config.extra_args == Args{"-vga", "none"});
    CHECK(invocation.kernel_args == Args{"console=ttyAMA0", "quiet"});
    CHECK(invocation.unit.graceful_stop);
  }
}

}  // namespace
}  // namespace qemuc
