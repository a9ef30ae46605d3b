#include "host_checks.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::FakeHost;
using testing::Pipeline;
using testing::Stages;

TEST_SUITE("host_checks") {
  TEST_CASE("a bare binary is found in PATH and made absolute; files must exist") {
    FakeHost host;
    host.SetSearchPath("/nowhere::/opt/q/bin:/opt/r/bin/");
    host.AddFile("/opt/q/bin/qemu-system-aarch64");  // not executable: skipped
    host.AddExecutable("/opt/r/bin//qemu-system-aarch64");
    host.AddFile("/p/k");
    host.AddFile("/p/r");
    host.AddFile("/p/disk.img");
    Stages stages;
    const LoweredProfile lowered =
        stages.Lower({"/p/a.yaml",
                      "qemu: {target: aarch64, memory: 64, kernel: k, initrd: r,\n"
                      "       drives: [{id: d0, file: disk.img}]}\n"});
    CHECK(lowered.config.binary == "qemu-system-aarch64");
    CHECK(CheckHost(lowered, host, stages.diagnostics) ==
          std::optional<std::string>("/opt/r/bin/qemu-system-aarch64"));  // normalised
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("the pipeline compiles with the binary the host checks found") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "qemu: {target: aarch64, memory: 64, kernel: k}\n");
    pipeline.host.SetSearchPath("/opt/r/bin");
    pipeline.host.AddExecutable("/opt/r/bin/qemu-system-aarch64");
    pipeline.host.AddFile("/p/k");
    const std::optional<Invocation> invocation = pipeline.Compile("/p/a.yaml", true);
    REQUIRE_MESSAGE(invocation.has_value(), pipeline.Rendered());
    CHECK(invocation->argv[0] == "/opt/r/bin/qemu-system-aarch64");
  }

  TEST_CASE("each missing file is reported at the value that names it, in source order") {
    Stages stages;
    const LoweredProfile lowered =
        stages.Lower({"/p/a.yaml",
                      "qemu:\n  target: x86_64\n  memory: 64\n  kernel: k\n  initrd: r\n"
                      "  drives: [{id: d0, file: disk.img}]\n"});
    CHECK_FALSE(CheckHost(lowered, FakeHost(), stages.diagnostics).has_value());
    CHECK(
        stages.Rendered() ==
        "/p/a.yaml:2:11: error: QEMU binary 'qemu-system-x86_64' not found in PATH\n"
        "  target: x86_64\n          ^~~~~~\n"
        "note: install QEMU or set qemu.binary to its path (compile --no-host-checks skips this "
        "check)\n"
        "/p/a.yaml:4:11: error: kernel /p/k: No such file or directory\n  kernel: k\n          ^\n"
        "/p/a.yaml:5:11: error: initrd /p/r: No such file or directory\n  initrd: r\n          ^\n"
        "/p/a.yaml:6:27: error: drive 'd0' /p/disk.img: No such file or directory\n"
        "  drives: [{id: d0, file: disk.img}]\n                          ^~~~~~~~\n");
  }

  TEST_CASE("firmware files must exist, and the UEFI vars must be writable") {
    FakeHost host;
    host.AddExecutable("/usr/bin/qemu-system-aarch64");
    host.AddFile("/k");
    host.AddFile("/fw/CODE.fd");
    host.AddReadOnlyFile("/fw/VARS.fd");
    host.AddReadOnlyFile("/fw/board.dtb");  // read only: QEMU only reads it
    Stages stages;
    const LoweredProfile lowered = stages.Lower(
        {"/p/a.yaml",
         "qemu:\n  target: aarch64\n  memory: 64\n  kernel: /k\n"
         "  firmware: {uefi: {code: /fw/CODE.fd, vars: /fw/VARS.fd}, dtb: /fw/board.dtb}\n"});
    CHECK_FALSE(CheckHost(lowered, host, stages.diagnostics).has_value());
    CHECK(stages.Rendered() ==
          "/p/a.yaml:5:46: error: UEFI vars /fw/VARS.fd: not writable (Permission denied)\n"
          "  firmware: {uefi: {code: /fw/CODE.fd, vars: /fw/VARS.fd}, dtb: /fw/board.dtb}\n"
          "                                             ^~~~~~~~~~~\n");
    Stages again;
    CHECK(CheckHost(again.Lower({"/p/a.yaml",
                                 "qemu:\n  target: aarch64\n  memory: 64\n  kernel: /k\n"
                                 "  firmware: {bios: /fw/bios.bin, dtb: /fw/none.dtb}\n"}),
                    host, again.diagnostics) == std::nullopt);
    CHECK(again.Rendered() ==
          "/p/a.yaml:5:20: error: bios /fw/bios.bin: No such file or directory\n"
          "  firmware: {bios: /fw/bios.bin, dtb: /fw/none.dtb}\n"
          "                   ^~~~~~~~~~~~\n"
          "/p/a.yaml:5:39: error: dtb /fw/none.dtb: No such file or directory\n"
          "  firmware: {bios: /fw/bios.bin, dtb: /fw/none.dtb}\n"
          "                                      ^~~~~~~~~~~~\n");
  }

  TEST_CASE("a binary path must name an executable file") {
    FakeHost host;
    host.AddFile("/k");
    host.AddFile("/p/q");
    Stages stages;
    const LoweredProfile lowered = stages.Lower(
        {"/p/a.yaml", "qemu: {binary: ./q, target: x86_64, memory: 64, kernel: /k}\n"});
    CHECK_FALSE(CheckHost(lowered, host, stages.diagnostics).has_value());
    CHECK(stages.Rendered() ==
          "/p/a.yaml:1:16: error: QEMU binary /p/q is not executable\n"
          "qemu: {binary: ./q, target: x86_64, memory: 64, kernel: /k}\n"
          "               ^~~\n");
  }

  TEST_CASE("--no-host-checks looks at nothing and emits a bare binary as written") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml",
                        "qemu: {binary: my-qemu, target: x86_64, memory: 64, kernel: k}\n");
    const std::optional<Invocation> invocation = pipeline.Compile("/p/a.yaml", false);
    REQUIRE(invocation.has_value());
    CHECK(invocation->argv[0] == "my-qemu");
  }

  TEST_CASE("the real host: stat and access") {
    const RealHost host;
    CHECK_FALSE(host.FileProblem("/bin/sh").has_value());
    CHECK(host.IsExecutable("/bin/sh"));
    CHECK(host.FileProblem("/") == std::optional<std::string>("is a directory"));
    CHECK(host.FileProblem("/nonexistent/x") ==
          std::optional<std::string>("No such file or directory"));
    // Writable: what FileProblem says first, then access(W_OK). (Root may write any file, so
    // the refusal itself is FakeHost's to test.)
    char name[] = "/tmp/qemuc-host-checks-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK_FALSE(host.WritableFileProblem(name).has_value());
    unlink(name);
    CHECK(host.WritableFileProblem(name) ==
          std::optional<std::string>("No such file or directory"));
    CHECK(host.WritableFileProblem("/") == std::optional<std::string>("is a directory"));
  }
}

}  // namespace
}  // namespace qemuc
