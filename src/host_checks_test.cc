#include "host_checks.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

  TEST_CASE("a share is a directory; the serial log's and QMP socket's directories are there") {
    FakeHost host;
    host.AddExecutable("/usr/bin/qemu-system-x86_64");
    host.AddFile("/k");
    host.AddFile("/p/file");
    host.AddDirectory("/p/src");
    host.AddDirectory("/p/log");
    host.AddDirectory("/p");
    const std::string head = "qemu:\n  target: x86_64\n  memory: 64\n  kernel: /k\n";
    Stages good;
    const LoweredProfile ok =
        good.Lower({"/p/a.yaml", head + "  serial_log: log/console.log\n  qmp: vm.qmp\n"
                                        "  shares: [{tag: s, path: src}]\n"});
    CHECK(CheckHost(ok, host, good.diagnostics).has_value());
    CHECK(good.Rendered() == "");
    Stages bad;
    const LoweredProfile lowered = bad.Lower(
        {"/p/a.yaml", head + "  serial_log: nolog/console.log\n  qmp: file/vm.qmp\n"
                             "  shares: [{tag: f, path: file}, {tag: m, path: missing}]\n"});
    CHECK_FALSE(CheckHost(lowered, host, bad.diagnostics).has_value());
    Stages directory;
    const LoweredProfile on_directory =
        directory.Lower({"/p/a.yaml", head + "  serial_log: src\n  qmp: /p/log\n"});
    CHECK_FALSE(CheckHost(on_directory, host, directory.diagnostics).has_value());
    CHECK(directory.Rendered() ==
          "/p/a.yaml:5:15: error: serial log /p/src: is a directory\n"
          "  serial_log: src\n"
          "              ^~~\n"
          "/p/a.yaml:6:8: error: QMP socket /p/log: is a directory\n"
          "  qmp: /p/log\n"
          "       ^~~~~~\n");
    CHECK(bad.Rendered() ==
          "/p/a.yaml:5:15: error: serial log /p/nolog/console.log: its directory /p/nolog: No "
          "such file or directory\n"
          "  serial_log: nolog/console.log\n"
          "              ^~~~~~~~~~~~~~~~~\n"
          "/p/a.yaml:6:8: error: QMP socket /p/file/vm.qmp: its directory /p/file: is not a "
          "directory\n"
          "  qmp: file/vm.qmp\n"
          "       ^~~~~~~~~~~\n"
          "/p/a.yaml:7:27: error: share 'f' /p/file: is not a directory\n"
          "  shares: [{tag: f, path: file}, {tag: m, path: missing}]\n"
          "                          ^~~~\n"
          "/p/a.yaml:7:49: error: share 'm' /p/missing: No such file or directory\n"
          "  shares: [{tag: f, path: file}, {tag: m, path: missing}]\n"
          "                                                ^~~~~~~\n");
  }

  TEST_CASE("a QMP socket over a file is an error: QEMU would delete the file") {
    FakeHost host;
    host.AddExecutable("/usr/bin/qemu-system-x86_64");
    host.AddFile("/p/kernel");
    host.AddDirectory("/p");
    Stages stages;
    const LoweredProfile lowered = stages.Lower(
        {"/p/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: kernel, qmp: kernel}\n"});
    CHECK_FALSE(CheckHost(lowered, host, stages.diagnostics).has_value());
    CHECK(stages.Rendered() ==
          "/p/a.yaml:1:57: error: QMP socket /p/kernel: is there and is not a socket; QEMU would "
          "delete it to make its socket\n"
          "qemu: {target: x86_64, memory: 64, kernel: kernel, qmp: kernel}\n"
          "                                                        ^~~~~~\n");
  }

  TEST_CASE("the real host: a socket's path may hold nothing or a socket, not a file or a link") {
    const RealHost host;
    char pattern[] = "/tmp/qemuc-socket-test-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    const std::string directory = pattern;
    const std::string socket_path = directory + "/vm.qmp";
    const std::string file_path = directory + "/file";
    const std::string link_path = directory + "/link";
    CHECK_FALSE(host.SocketProblem(socket_path).has_value());  // nothing there yet
    const int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    close(listener);
    CHECK_FALSE(host.SocketProblem(socket_path).has_value());  // a stale socket QEMU replaces
    FILE* file = std::fopen(file_path.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fclose(file);
    REQUIRE(symlink(socket_path.c_str(), link_path.c_str()) == 0);
    CHECK(host.SocketProblem(file_path).has_value());
    CHECK(host.SocketProblem(link_path).has_value());  // QEMU would delete the link
    for (const std::string& path : {socket_path, file_path, link_path}) unlink(path.c_str());
    rmdir(directory.c_str());
  }

  TEST_CASE("the real host: a directory is one, a file and a missing path are not") {
    const RealHost host;
    CHECK_FALSE(host.DirectoryProblem("/").has_value());
    CHECK(host.DirectoryProblem("/proc/self/status") ==
          std::optional<std::string>("is not a directory"));
    CHECK(host.DirectoryProblem("/nonexistent-qemuc-test/x") ==
          std::optional<std::string>("No such file or directory"));
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

  TEST_CASE("the real host runs a child: its exit status as a shell gives it, or why not") {
    const RealHost host;
    struct sigaction before {};
    sigaction(SIGTERM, nullptr, &before);
    CHECK(host.RunProcess({"/bin/sh", "-c", "exit 85"}).status == 85);
    CHECK(host.RunProcess({"/bin/sh", "-c", "exit 0"}).status == 0);
    // Killed by a signal: 128 + its number. A signal to the child is not passed back to us.
    const ProcessEnd killed = host.RunProcess({"/bin/sh", "-c", "kill -s TERM $$"});
    CHECK(killed.status == 128 + SIGTERM);
    CHECK(killed.error == "");
    // The child's argv is exactly the one given; its parent is this process.
    CHECK(
        host.RunProcess({"/bin/sh", "-c",
                         "[ \"$0 $1\" = 'a b c' ] && [ $PPID = " + std::to_string(getpid()) + " ]",
                         "a b", "c"})
            .status == 0);
    // SIGTERM, SIGINT and SIGHUP to this process are passed on: the child sends one to its
    // parent (us) and ends when it comes back. (Were it not passed on, it would end this test.)
    // A signal this test was started ignoring (nohup) is not passed on, and the child cannot trap
    // it.
    // (Not a structured binding: C++17 does not let doctest's lambdas capture one.)
    for (const auto& number_and_name : std::vector<std::pair<int, const char*>>{
             {SIGTERM, "TERM"}, {SIGINT, "INT"}, {SIGHUP, "HUP"}}) {
      const int number = number_and_name.first;
      const char* const signal = number_and_name.second;
      struct sigaction action {};
      sigaction(number, nullptr, &action);
      if (action.sa_handler == SIG_IGN) continue;
      // Traps run between commands: a loop of short sleeps (5 s at most) leaves no child behind.
      const std::string script = std::string("trap 'exit 7' ") + signal + "; kill -s " + signal +
                                 " $PPID; i=0; while [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); "
                                 "done; exit 1";
      CHECK_MESSAGE(host.RunProcess({"/bin/sh", "-c", script}).status == 7, signal);
    }
    const ProcessEnd missing = host.RunProcess({"/nonexistent/qemu"});
    CHECK(missing.error == "No such file or directory");
    // The handlers RunProcess set while the child ran are gone again.
    struct sigaction after {};
    sigaction(SIGTERM, nullptr, &after);
    const bool restored = after.sa_handler == before.sa_handler;
    CHECK(restored);
  }
}

}  // namespace
}  // namespace qemuc
