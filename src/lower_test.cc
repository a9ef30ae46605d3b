#include "lower.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::Pipeline;

constexpr const char* kMinimal = "qemu: {target: x86_64, memory: 512, kernel: k.bin}\n";

std::vector<std::string> Argv(Pipeline& pipeline, const std::string& path) {
  const std::optional<Invocation> invocation = pipeline.Compile(path);
  REQUIRE_MESSAGE(invocation.has_value(), pipeline.Rendered());
  return invocation->argv;
}

std::string ArgAfter(const std::vector<std::string>& argv, const std::string& option,
                     size_t nth = 0) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option && nth-- == 0) return argv[i + 1];
  }
  return "<missing>";
}

TEST_SUITE("lower") {
  TEST_CASE(
      "defaults: one CPU, no KVM, the binary named after the target, the name from the file") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/boards/x64-dev.yaml", kMinimal);
    const std::optional<Invocation> invocation = pipeline.Compile("/p/boards/x64-dev.yaml");
    REQUIRE(invocation.has_value());
    CHECK(invocation->name == "x64-dev");
    CHECK(invocation->sources == std::vector<std::string>{"/p/boards/x64-dev.yaml"});
    CHECK(invocation->argv[0] == "qemu-system-x86_64");
    CHECK(ArgAfter(invocation->argv, "-smp") == "1");
    CHECK(ArgAfter(invocation->argv, "-cpu") == "Haswell,+smap,-check,-fsgsbase");
    CHECK(ArgAfter(invocation->argv, "-m") == "512");
  }

  TEST_CASE("every key reaches the argv") {
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
  drives: [{id: blk0, file: "disk a,b.img", addr: "05.0"}]
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
    CHECK(ArgAfter(argv, "-drive") ==
          "id=blk0,file=/p/b/disk a,,b.img,format=raw,if=none,cache=unsafe,aio=threads");
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

  TEST_CASE("kernel arguments after -- follow the profile's cmdline") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", std::string(kMinimal) + "cmdline: [console=ttyS0]\n");
    const std::optional<Invocation> invocation =
        pipeline.Compile("/p/a.yaml", false, {"a b", "x=$y"});
    REQUIRE(invocation.has_value());
    CHECK(invocation->argv.back() == "console=ttyS0 a b x=$y");
  }

  TEST_CASE("required keys are reported at the mapping that lacks them") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "qemu:\n  cpus: 2\n");
    CHECK_FALSE(pipeline.Compile("/p/a.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/a.yaml:2:3: error: missing required key 'qemu.target'\n  cpus: 2\n  ^\n"
          "/p/a.yaml:2:3: error: missing required key 'qemu.memory'\n  cpus: 2\n  ^\n"
          "/p/a.yaml:2:3: error: missing required key 'qemu.kernel'\n  cpus: 2\n  ^\n");
  }

  TEST_CASE("a network needs exactly one of user and tap; list items need their required keys") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/a.yaml",
        std::string(kMinimal) +
            "qemu:\n  networks:\n    - {id: n0}\n    - {id: n1, user: {}, tap: {name: t}}\n"
            "  drives: [{id: d}]\n");
    CHECK_FALSE(pipeline.Compile("/p/a.yaml").has_value());
    // The second "qemu" key is a duplicate: fix the profile and try again.
    Pipeline fixed;
    fixed.reader.Add(
        "/p/a.yaml",
        "qemu:\n  target: x86_64\n  memory: 1\n  kernel: k\n  networks:\n    - {id: n0}\n"
        "    - {id: n1, user: {}, tap: {name: t}}\n    - {id: n2, tap: {}}\n"
        "    - {id: n3, user: {forwards: [{guest: 22}]}}\n  drives: [{id: d}]\n");
    CHECK_FALSE(fixed.Compile("/p/a.yaml").has_value());
    CHECK(fixed.Rendered() ==
          "/p/a.yaml:6:7: error: network 'n0' needs 'user' or 'tap'\n    - {id: n0}\n      ^\n"
          "/p/a.yaml:7:7: error: network 'n1' sets both 'user' and 'tap'; choose one\n"
          "    - {id: n1, user: {}, tap: {name: t}}\n      ^\n"
          "/p/a.yaml:8:21: error: missing required key 'qemu.networks[n2].tap.name'\n    - {id: "
          "n2, tap: {}}\n"
          "                    ^\n"
          "/p/a.yaml:9:34: error: missing required key 'qemu.networks[n3].user.forwards[22].host'\n"
          "    - {id: n3, user: {forwards: [{guest: 22}]}}\n                                 ^\n"
          "/p/a.yaml:10:12: error: missing required key 'qemu.drives[d].file'\n  drives: [{id: "
          "d}]\n           ^\n");
  }

  TEST_CASE("an abstract profile cannot be compiled but validates") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml", "abstract: true\nqemu: {cpus: 2}\n");
    CHECK_FALSE(pipeline.Compile("/p/base.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/base.yaml:1:11: error: this profile is abstract (a base or overlay) and cannot be "
          "compiled\n"
          "abstract: true\n          ^~~~\nnote: compile a profile that extends it\n");
    Diagnostics diagnostics;
    CHECK(ValidateProfile("/p/base.yaml", pipeline.environment, diagnostics));
    CHECK(diagnostics.all().empty());
  }
}

}  // namespace
}  // namespace qemuc
