// qemuc run with a fake exec and child (testing::FakeHost): what it would hand QEMU, when it does
// not, and the exit status it makes of QEMU's with qemu.success_status.
#include <doctest/doctest.h>

#include <sstream>

#include "cli.h"
#include "test_support.h"

namespace qemuc {
namespace {

constexpr const char* kQemu = "/usr/bin/qemu-system-x86_64";

struct Run {
  int status = -1;  // -1: the process was replaced
  std::string out;
  std::string err;
  std::vector<std::string> executed;  // the argv exec was given, if it was
};

// A stream buffer that counts flushes, to see what run flushed before the exec.
class FlushCounter : public std::stringbuf {
 public:
  int flushes = 0;

 protected:
  int sync() override {
    ++flushes;
    return 0;
  }
};

// A pipeline with a QEMU in PATH, a kernel, and a profile with a layer of each kind.
struct Machine {
  testing::Pipeline pipeline;
  FlushCounter out_buffer;
  FlushCounter err_buffer;

  Machine() {
    pipeline.host.AddExecutable(kQemu);
    pipeline.host.AddFile("/k");
    pipeline.reader.Add("/p/a.yaml",
                        "qemu: {target: x86_64, memory: 64, kernel: /k}\n"
                        "vars: {size: 64}\n"
                        "cmdline: [quiet, 'mem=${size}']\n"
                        "overlays: {big: {qemu: {cpus: 4}}}\n");
  }

  Run Qemuc(const std::vector<std::string>& args) {
    out_buffer.str("");
    err_buffer.str("");
    std::ostream out(&out_buffer);
    std::ostream err(&err_buffer);
    Console console{out, err, false};
    Run run;
    try {
      run.status = RunCli(args, pipeline.environment, console);
    } catch (const testing::ProcessReplaced& replaced) {
      run.executed = replaced.argv;
    }
    run.out = out_buffer.str();
    run.err = err_buffer.str();
    return run;
  }
};

std::string OneALine(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) text += arg + "\n";
  return text;
}

TEST_SUITE("cli_run") {
  TEST_CASE("run execs exactly the argv that compile --format args prints") {
    Machine machine;
    const std::vector<std::string> inputs = {
        "/p/a.yaml",       "-O", "big", "-D", "size=128",       "--set",
        "qemu.memory=256", "--", "x y", "-f", "it's \"quoted\""};
    std::vector<std::string> compile = {"compile", "-f", "args"};
    compile.insert(compile.end(), inputs.begin(), inputs.end());
    const Run compiled = machine.Qemuc(compile);
    REQUIRE(compiled.status == kExitOk);
    std::vector<std::string> run = {"run"};
    run.insert(run.end(), inputs.begin(), inputs.end());
    const Run ran = machine.Qemuc(run);
    CHECK(ran.status == -1);
    CHECK(ran.out == "");
    CHECK(ran.err == "");
    REQUIRE(ran.executed.size() > 4);
    CHECK(OneALine(ran.executed) == compiled.out);
    // Every layer and the arguments after -- took effect: the test cannot pass on a plain compile.
    CHECK(ran.executed[0] == kQemu);
    CHECK(testing::ArgAfter(ran.executed, "-smp") == "4");
    CHECK(testing::ArgAfter(ran.executed, "-m") == "256");
    CHECK(ran.executed.back() == "quiet mem=128 x y -f it's \"quoted\"");
    CHECK(machine.pipeline.host.executed().size() == 1);
  }

  TEST_CASE("run flushes standard output and error before the exec") {
    Machine machine;
    const Run ran = machine.Qemuc({"run", "/p/a.yaml"});
    REQUIRE(ran.status == -1);
    CHECK(machine.out_buffer.flushes > 0);
    CHECK(machine.err_buffer.flushes > 0);
  }

  TEST_CASE("run --dry-run prints what compile --format args prints and execs nothing") {
    Machine machine;
    const Run compiled = machine.Qemuc({"compile", "-f", "args", "/p/a.yaml", "--", "a b"});
    const Run dry = machine.Qemuc({"run", "--dry-run", "/p/a.yaml", "--", "a b"});
    CHECK(dry.status == kExitOk);
    CHECK(dry.err == "");
    CHECK(dry.out == compiled.out);
    CHECK(dry.out.rfind(std::string(kQemu) + "\n-machine\n", 0) == 0);
    CHECK(machine.pipeline.host.executed().empty());
  }

  TEST_CASE("run --dry-run refuses a newline in an argument, as --format args does") {
    Machine machine;
    const Run dry = machine.Qemuc({"run", "--dry-run", "/p/a.yaml", "--", "a\nb"});
    CHECK(dry.status == kExitProblem);
    CHECK(dry.out == "");
    CHECK(dry.err ==
          "qemuc: error: /p/a.yaml: argument \"quiet mem=64 a\\nb\" contains a newline, which "
          "--format args cannot represent; use --format json\n");
    CHECK(machine.pipeline.host.executed().empty());
    // exec itself passes a newline as it is.
    CHECK(machine.Qemuc({"run", "/p/a.yaml", "--", "a\nb"}).executed.back() == "quiet mem=64 a\nb");
  }

  TEST_CASE("a failed exec is exit 1 naming the binary and the reason") {
    Machine machine;
    machine.pipeline.host.FailExec("Permission denied");
    const Run ran = machine.Qemuc({"run", "/p/a.yaml"});
    CHECK(ran.status == kExitProblem);
    CHECK(ran.out == "");
    CHECK(ran.err == "qemuc: error: cannot run /usr/bin/qemu-system-x86_64: Permission denied\n");
    CHECK(machine.pipeline.host.executed().size() == 1);
  }

  TEST_CASE("with success_status, run starts QEMU as its child and exits 0 for that status") {
    Machine machine;
    machine.pipeline.reader.Add(
        "/p/ci.yaml",
        "qemu: {target: x86_64, memory: 64, kernel: /k, success_status: 85}\n"
        "cmdline: [quiet]\n");
    const Run compiled = machine.Qemuc({"compile", "-f", "args", "/p/ci.yaml", "--", "a b"});
    REQUIRE(compiled.status == kExitOk);
    // QEMU's status -> qemuc's: the success status is 0, any other stays, a signal's too.
    // (Not a structured binding: C++17 does not let doctest's lambdas capture one.)
    for (const auto& statuses :
         std::vector<std::pair<int, int>>{{85, 0}, {0, 0}, {1, 1}, {84, 84}, {143, 143}}) {
      const int qemu = statuses.first;
      const int qemuc = statuses.second;
      machine.pipeline.host.SetRunStatus(qemu);
      const Run ran = machine.Qemuc({"run", "/p/ci.yaml", "--", "a b"});
      CHECK_MESSAGE(ran.status == qemuc, "QEMU's status " << qemu);
      CHECK(ran.out == "");
      CHECK(ran.err == "");
      CHECK(machine.out_buffer.flushes > 0);
      CHECK(machine.err_buffer.flushes > 0);
      REQUIRE(!machine.pipeline.host.ran().empty());
      CHECK(OneALine(machine.pipeline.host.ran().back()) == compiled.out);
    }
    CHECK(machine.pipeline.host.ran().size() == 5);
    CHECK(machine.pipeline.host.executed().empty());  // never in qemuc's place
    // --set reaches it like any key, and without it run execs as before.
    machine.pipeline.host.SetRunStatus(7);
    CHECK(machine.Qemuc({"run", "--set", "qemu.success_status=7", "/p/a.yaml"}).status == kExitOk);
    CHECK(machine.Qemuc({"run", "/p/a.yaml"}).status == -1);
    CHECK(machine.pipeline.host.ran().size() == 6);
    CHECK(machine.pipeline.host.executed().size() == 1);
  }

  TEST_CASE("with success_status, QEMU that cannot start is exit 1 naming it and why") {
    Machine machine;
    machine.pipeline.host.FailExec("Exec format error");
    const Run ran = machine.Qemuc({"run", "--set", "qemu.success_status=1", "/p/a.yaml"});
    CHECK(ran.status == kExitProblem);
    CHECK(ran.out == "");
    CHECK(ran.err == "qemuc: error: cannot run /usr/bin/qemu-system-x86_64: Exec format error\n");
    CHECK(machine.pipeline.host.ran().size() == 1);
  }

  TEST_CASE("run always checks the host, and execs nothing when a check fails") {
    Machine machine;
    machine.pipeline.reader.Add("/p/nokernel.yaml",
                                "qemu: {target: x86_64, memory: 64, kernel: /missing}\n");
    const Run ran = machine.Qemuc({"run", "/p/nokernel.yaml"});
    CHECK(ran.status == kExitProblem);
    CHECK(ran.out == "");
    CHECK(ran.err ==
          "/p/nokernel.yaml:1:44: error: kernel /missing: No such file or directory\n"
          "qemu: {target: x86_64, memory: 64, kernel: /missing}\n"
          "                                           ^~~~~~~~\n");
    CHECK(machine.Qemuc({"run", "--dry-run", "/p/nokernel.yaml"}).status == kExitProblem);
    CHECK(machine.pipeline.host.executed().empty());
  }

  TEST_CASE("run takes one PROFILE and none of compile's output options") {
    Machine machine;
    const auto usage = [&machine](const std::vector<std::string>& args, const std::string& error) {
      const Run ran = machine.Qemuc(args);
      CHECK(ran.status == kExitUsage);
      CHECK(ran.out == "");
      CHECK(ran.err == "qemuc: error: " + error + "\nTry 'qemuc help run'.\n");
    };
    usage({"run"}, "run takes exactly one PROFILE");
    usage({"run", "/p/a.yaml", "/p/a.yaml"}, "run takes exactly one PROFILE");
    usage({"run", "-f", "args", "/p/a.yaml"}, "unrecognised option '-f'");
    usage({"run", "-o", "x", "/p/a.yaml"}, "unrecognised option '-o'");
    usage({"run", "--check", "/p/a.yaml"}, "unrecognised option '--check'");
    usage({"run", "--no-host-checks", "/p/a.yaml"}, "unrecognised option '--no-host-checks'");
    usage({"run", "--dry", "/p/a.yaml"}, "unrecognised option '--dry'");  // no abbreviations
    usage({"run", "--set", "nope", "/p/a.yaml"}, "--set 'nope': expected PATH=VALUE");
    CHECK(machine.pipeline.host.executed().empty());
  }
}

}  // namespace
}  // namespace qemuc
