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

std::string Text(bool value) {
  return value ? "true" : "false";
}

TEST_SUITE("lower") {
  // Defaults live in the table (for the schema and the README) and in the structs lowering fills;
  // until one binds the other (issue 12), this ties them: a new default on either side fails here
  // until the other agrees, and a new row with a default fails until it is listed.
  TEST_CASE("every default the field table states is the value lowering uses") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml",
                        "qemu:\n"
                        "  target: x86_64\n  memory: 64\n  kernel: /k\n"
                        "  networks: [{id: n0, user: {forwards: [{host: 2222, guest: 22}]}}]\n");
    Diagnostics& diagnostics = pipeline.diagnostics;
    const std::optional<ResolvedProfile> resolved =
        ResolveProfile({"/p/a.yaml", {}, {}, {}}, pipeline.environment, diagnostics);
    REQUIRE_MESSAGE(resolved.has_value(), pipeline.Rendered());
    const LoweredProfile lowered = LowerProfile(*resolved->merged, *resolved->stack.profile);
    const std::map<std::string, std::string> used = {
        {"abstract", Text(resolved->abstract != nullptr)},
        {"qemu.cpus", std::to_string(lowered.config.cpus)},
        {"qemu.kvm", Text(lowered.config.kvm)},
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
