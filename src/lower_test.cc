#include "lower.h"

#include <doctest/doctest.h>

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
}

}  // namespace
}  // namespace qemuc
