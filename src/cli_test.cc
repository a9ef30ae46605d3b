#include "cli.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>

#include "paths.h"
#include "test_support.h"
#include "version.h"

namespace qemuc {
namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run RunWith(testing::Pipeline& pipeline, const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  Console console{out, err, false};
  const int status = RunCli(args, pipeline.environment, console);
  return {status, out.str(), err.str()};
}

Run RunOn(const std::vector<std::string>& args) {
  testing::Pipeline pipeline;
  pipeline.reader.Add("/p/a.yaml",
                      "qemu: {target: x86_64, memory: 64, kernel: /k}\ncmdline: [quiet]\n");
  pipeline.reader.Add("/p/bad.yaml", "qemu: {cpuss: 1}\n");
  return RunWith(pipeline, args);
}

TEST_SUITE("cli") {
  TEST_CASE("compile prints the launch script by default, JSON and args on request") {
    const Run shell = RunOn({"compile", "--no-host-checks", "/p/a.yaml"});
    CHECK(shell.status == kExitOk);
    CHECK(shell.err == "");
    CHECK(shell.out.rfind("#!/bin/sh\n", 0) == 0);
    CHECK(RunOn({"compile", "/p/a.yaml", "--no-host-checks", "-f", "json"})
              .out.find("\"format\": \"qemuc-invocation\"") != std::string::npos);
    const Run args = RunOn({"compile", "/p/a.yaml", "--no-host-checks", "--format=args"});
    CHECK(args.out.rfind("qemu-system-x86_64\n-machine\nq35\n", 0) == 0);
  }

  TEST_CASE("resolve refuses to print bytes that are not UTF-8, in both formats") {
    for (const char* format : {"yaml", "json"}) {
      testing::Pipeline pipeline;
      pipeline.reader.Add("/p/d\xff/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: k}\n");
      const Run run = RunWith(pipeline, {"resolve", "--output-format", format, "/p/d\xff/a.yaml"});
      CHECK(run.status == kExitProblem);
      CHECK(run.out == "");
      CHECK(run.err == "qemuc: error: the resolved profile holds bytes that are not UTF-8, which " +
                           std::string(format) + " cannot represent: " +
                           (format == std::string("yaml") ? "'kernel: \"/p/d\\xff/k\"'"
                                                          : "'\"kernel\": \"/p/d\\xff/k\"'") +
                           "\nnote: the bytes come from a directory name (a relative path "
                           "resolves against the directory of its file); rename the directory, "
                           "or write the path absolute\n");
    }
    // The same profile where every name is UTF-8 resolves.
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/dé/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: k}\n");
    CHECK(RunWith(pipeline, {"resolve", "/p/dé/a.yaml"}).status == kExitOk);
  }

  TEST_CASE("everything after -- is kernel arguments, even what looks like an option") {
    const Run run = RunOn(
        {"compile", "--no-host-checks", "-f", "args", "/p/a.yaml", "--", "-f", "x y", "--help"});
    CHECK(run.status == kExitOk);
    const std::string tail = "\n-append\nquiet -f x y --help\n";
    REQUIRE(run.out.size() > tail.size());
    CHECK(run.out.substr(run.out.size() - tail.size()) == tail);
  }

  TEST_CASE("problems with the input exit 1 with diagnostics on stderr and nothing on stdout") {
    const Run run = RunOn({"compile", "--no-host-checks", "/p/bad.yaml"});
    CHECK(run.status == kExitProblem);
    CHECK(run.out == "");
    CHECK(run.err ==
          "/p/bad.yaml:1:8: error: unknown key 'cpuss' in 'qemu' (did you mean 'cpus'?)\n"
          "qemu: {cpuss: 1}\n       ^~~~~\n");
    CHECK(RunOn({"compile", "/p/a.yaml"}).status ==
          kExitProblem);  // host checks: no binary in PATH
  }

  TEST_CASE("validate checks many files, reports every problem, never looks at the host") {
    const Run run = RunOn({"validate", "/p/bad.yaml", "/p/a.yaml", "/p/none.yaml"});
    CHECK(run.status == kExitProblem);
    CHECK(run.err ==
          "/p/bad.yaml:1:8: error: unknown key 'cpuss' in 'qemu' (did you mean 'cpus'?)\n"
          "qemu: {cpuss: 1}\n       ^~~~~\n"
          "/p/none.yaml: error: cannot read profile: No such file or directory\n");
    CHECK(RunOn({"validate", "/p/a.yaml"}).status == kExitOk);
  }

  TEST_CASE("after --, validate takes file names that look like options") {
    testing::Pipeline pipeline;
    pipeline.reader.Add(AbsolutePath("-odd.yaml"),
                        "name: odd\nqemu: {target: x86_64, memory: 64, kernel: /k}\n");
    CHECK(RunWith(pipeline, {"validate", "--", "-odd.yaml"}).status == kExitOk);
    CHECK(RunWith(pipeline, {"validate", "-odd.yaml"}).err ==
          "qemuc: error: unrecognised option '-odd.yaml'\nTry 'qemuc help validate'.\n");
  }

  TEST_CASE("positionals keep their order among options; Boost never sees them") {
    testing::Pipeline pipeline;
    for (const char* name : {"/p/b1.yaml", "/p/b2.yaml", "/p/b3.yaml", "/p/b4.yaml"}) {
      pipeline.reader.Add(name, "qemu: {cpuss: 1}\n");
    }
    const auto order = [&](const std::vector<std::string>& args) {
      std::istringstream err(RunWith(pipeline, args).err);
      std::string files;
      for (std::string line; std::getline(err, line);) {
        if (line.rfind("/p/", 0) == 0) files += line.substr(3, 2) + " ";
      }
      return files;
    };
    CHECK(order({"validate", "/p/b1.yaml", "-D", "v=/p/b4.yaml", "/p/b2.yaml", "-j1",
                 "--error-format=gcc", "/p/b3.yaml"}) == "b1 b2 b3 ");
    // The hidden option positionals are stored under still takes its place among them.
    CHECK(order({"validate", "/p/b3.yaml", "--input", "/p/b1.yaml", "/p/b2.yaml"}) == "b3 b1 b2 ");
    CHECK(order({"validate", "--input=/p/b2.yaml", "/p/b1.yaml"}) == "b2 b1 ");
    // Boost reads "--=VALUE" as the positional VALUE; after "--", inputs follow the others.
    CHECK(order({"validate", "--=/p/b2.yaml", "/p/b1.yaml", "--", "/p/b4.yaml", "--=x"}) ==
          "b2 b1 b4 ");
  }

  TEST_CASE("usage errors exit 2 and say what to try") {
    const auto usage = [](const std::vector<std::string>& args, const std::string& message) {
      const Run run = RunOn(args);
      CHECK(run.status == kExitUsage);
      CHECK(run.out == "");
      CHECK(run.err == message);
    };
    usage({}, "qemuc: error: no command given\nTry 'qemuc --help'.\n");
    usage({"frobnicate"}, "qemuc: error: unknown command 'frobnicate'\nTry 'qemuc --help'.\n");
    usage({"--nope"}, "qemuc: error: unknown option '--nope'\nTry 'qemuc --help'.\n");
    usage({"compile", "--nope", "/p/a.yaml"},
          "qemuc: error: unrecognised option '--nope'\nTry 'qemuc help compile'.\n");
    // Abbreviations are not accepted: "--form" must not silently mean "--format".
    usage({"compile", "--form", "json", "/p/a.yaml"},
          "qemuc: error: unrecognised option '--form'\nTry 'qemuc help compile'.\n");
    usage({"compile"},
          "qemuc: error: compile takes exactly one PROFILE\nTry 'qemuc help compile'.\n");
    usage({"compile", "/p/a.yaml", "/p/b.yaml"},
          "qemuc: error: compile takes exactly one PROFILE\nTry 'qemuc help compile'.\n");
    usage(
        {"compile", "-f", "xml", "/p/a.yaml"},
        "qemuc: error: unknown format 'xml' (choose shell, json, args or systemd)\nTry 'qemuc help "
        "compile'.\n");
    usage({"compile", "/p/a.yaml", "-f"},
          "qemuc: error: the required argument for option '--format' is missing\nTry 'qemuc help "
          "compile'.\n");
    usage({"resolve", "--output-format", "toml", "/p/a.yaml"},
          "qemuc: error: unknown output format 'toml' (choose yaml or json)\nTry 'qemuc help "
          "resolve'.\n");
    usage({"validate"},
          "qemuc: error: validate needs at least one PROFILE\nTry 'qemuc help validate'.\n");
    usage({"help", "nope"}, "qemuc: error: unknown command 'nope'\nTry 'qemuc --help'.\n");
    usage({"help", "compile", "extra"},
          "qemuc: error: help takes at most one COMMAND\nTry 'qemuc help help'.\n");
    // Options among many positionals are reported as when Boost read every token.
    usage({"validate", "/p/a.yaml", "--bogus", "/p/b.yaml"},
          "qemuc: error: unrecognised option '--bogus'\nTry 'qemuc help validate'.\n");
    usage({"validate", "/p/a.yaml", "-jZ", "/p/b.yaml"},
          "qemuc: error: the argument ('Z') for option '--jobs' is invalid\nTry 'qemuc help "
          "validate'.\n");
    usage({"validate", "/p/a.yaml", "-O", "-D", "x=1"},
          "qemuc: error: the required argument for option '--overlay' is missing\nTry 'qemuc help "
          "validate'.\n");
    usage({"validate", "/p/a.yaml", "-O", "--", "/p/b.yaml"},
          "qemuc: error: the required argument for option '--overlay' is missing\nTry 'qemuc help "
          "validate'.\n");
    usage({"validate", "/p/a.yaml", "--jobs=", "/p/b.yaml"},
          "qemuc: error: the argument for option '--jobs' should follow immediately after the "
          "equal sign\nTry 'qemuc help validate'.\n");
    usage({"validate", "-j", "1", "/p/a.yaml", "-j", "2"},
          "qemuc: error: option '--jobs' cannot be specified more than once\nTry 'qemuc help "
          "validate'.\n");
    usage({"validate", "/p/a.yaml", "--input"},
          "qemuc: error: the required argument for option '--input' is missing\nTry 'qemuc help "
          "validate'.\n");
    usage({"--version", "extra"},
          "qemuc: error: unexpected argument 'extra' after --version\nTry 'qemuc --help'.\n");
  }

  TEST_CASE(
      "--check: quiet when the file is fresh, a diff and status 1 when it is stale or missing") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k}\n");
    // The generated file is on disk: --check follows links and reads it as -o would write it.
    const testing::TemporaryDirectory directory;
    const std::string output = directory.path() + "/out.args";
    const std::vector<std::string> args = {
        "compile", "--no-host-checks", "-f", "args", "/p/a.yaml", "-o", output};
    const Run fresh_output =
        RunWith(pipeline, {"compile", "--no-host-checks", "-f", "args", "/p/a.yaml"});
    directory.Write("out.args", fresh_output.out);
    std::vector<std::string> check = args;
    check.push_back("--check");
    const Run fresh = RunWith(pipeline, check);
    CHECK(fresh.status == kExitOk);
    CHECK(fresh.out == "");
    CHECK(fresh.err == "");

    std::string stale_text = fresh_output.out;
    stale_text.replace(stale_text.find("\n64\n"), 4, "\n32\n");
    directory.Write("out.args", stale_text);
    const Run stale = RunWith(pipeline, check);
    CHECK(stale.status == kExitProblem);
    CHECK(stale.out.find("--- " + output + "\t(current)\n+++ " + output + "\t(generated)\n@@ ") ==
          0);
    CHECK(stale.out.find("\n-32\n+64\n") != std::string::npos);
    CHECK(stale.err == "qemuc: error: " + output +
                           " is stale: run the same command without --check to write it\n");

    testing::Pipeline missing;
    missing.reader.Add("/p/a.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k}\n");
    REQUIRE(std::remove(output.c_str()) == 0);
    const Run absent = RunWith(missing, check);
    CHECK(absent.status == kExitProblem);
    CHECK(absent.out.find("--- /dev/null\n") == 0);
    CHECK(absent.err.find(output + " does not exist") != std::string::npos);

    CHECK(RunWith(missing, {"compile", "/p/a.yaml", "--check"}).err ==
          "qemuc: error: --check needs -o FILE: the generated file to compare\nTry 'qemuc help "
          "compile'.\n");
    // `-o -` is standard output: nothing to compare.
    CHECK(RunWith(missing, {"compile", "/p/a.yaml", "-o", "-", "--check"}).err ==
          "qemuc: error: --check needs -o FILE: the generated file to compare\nTry 'qemuc help "
          "compile'.\n");
    const Run dash = RunWith(missing, {"compile", "--no-host-checks", "/p/a.yaml", "-o", "-"});
    CHECK(dash.status == kExitOk);
    CHECK(dash.out.find("#!/bin/sh\n") == 0);
  }

  TEST_CASE("--error-format json and validate -j") {
    const Run json =
        RunOn({"validate", "--error-format", "json", "-j", "2", "/p/bad.yaml", "/p/a.yaml"});
    CHECK(json.status == kExitProblem);
    CHECK(json.err ==
          "{\"file\":\"/p/"
          "bad.yaml\",\"line\":1,\"column\":8,\"severity\":\"error\",\"message\":\"unknown "
          "key 'cpuss' in 'qemu' (did you mean 'cpus'?)\",\"notes\":[]}\n");
    CHECK(RunOn({"validate", "--error-format", "xml", "/p/a.yaml"}).err ==
          "qemuc: error: unknown error format 'xml' (choose gcc or json)\nTry 'qemuc help "
          "validate'.\n");
    CHECK(RunOn({"validate", "-j", "0", "/p/a.yaml"}).status == kExitUsage);
  }

  TEST_CASE("arguments in the CLI's own errors are quoted short and shown escaped") {
    const Run set = RunOn({"compile", "/p/a.yaml", "--set",
                           "a\x1b]0;owned\x07"
                           "b"});
    CHECK(set.status == kExitUsage);
    CHECK(set.err.rfind("qemuc: error: --set 'a\\x1b]0;owned\\x07b': expected PATH=VALUE\n", 0) ==
          0);
    const Run command = RunOn({"\r\x1b[2J" + std::string(200, 'x')});
    CHECK(command.err.rfind(
              "qemuc: error: unknown command '\\r\\x1b[2J" + std::string(75, 'x') + "...'\n", 0) ==
          0);
    const Run option = RunOn({"compile", "/p/a.yaml", "--\x1b"});
    CHECK(option.err.find('\x1b') == std::string::npos);
    CHECK(option.err.find("\\x1b") != std::string::npos);
  }

  TEST_CASE("at most 20 diagnostics a file, then one line with the rest, in both formats") {
    testing::Pipeline pipeline;
    std::string keys;
    for (int i = 0; i < 25; ++i) keys += ", unknown" + std::to_string(i) + ": 1";
    pipeline.reader.Add("/p/many.yaml", "qemu: {target: x86_64" + keys + "}\n");
    const Run gcc = RunWith(pipeline, {"validate", "/p/many.yaml"});
    CHECK(gcc.status == kExitProblem);
    size_t errors = 0;
    for (size_t at = gcc.err.find(": error: "); at != std::string::npos;
         at = gcc.err.find(": error: ", at + 1)) {
      ++errors;
    }
    CHECK(errors == 20);
    const std::string last = "/p/many.yaml: note: 5 more errors in /p/many.yaml not shown\n";
    REQUIRE(gcc.err.size() > last.size());
    CHECK(gcc.err.substr(gcc.err.size() - last.size()) == last);
    const Run json = RunWith(pipeline, {"validate", "--error-format", "json", "/p/many.yaml"});
    CHECK(json.status == kExitProblem);
    const std::string json_last =
        "{\"file\":\"/p/many.yaml\",\"line\":null,\"column\":null,\"severity\":\"note\","
        "\"message\":\"5 more errors in /p/many.yaml not shown\",\"notes\":[]}\n";
    REQUIRE(json.err.size() > json_last.size());
    CHECK(json.err.substr(json.err.size() - json_last.size()) == json_last);
  }

  TEST_CASE("many options are read in chunks, and none loses its value at a chunk's end") {
    // Options that take the next token land on every position of the 64-token chunks.
    std::vector<std::string> args = {"compile", "--no-host-checks", "-f", "args"};
    for (int i = 0; i < 300; ++i) {
      if (i % 3 == 0) {
        args.insert(args.end(), {"-D", "v" + std::to_string(i) + "=x" + std::to_string(i)});
      } else if (i % 3 == 1) {
        args.push_back("-Dv" + std::to_string(i) + "=y" + std::to_string(i));
      } else {
        args.insert(args.end(), {"--set", "qemu.cpus=" + std::to_string(i)});
      }
      if (i == 150) args.push_back("/p/a.yaml");
    }
    args.insert(args.end(), {"--set", "cmdline=[\"a=${v0}\", \"b=${v298}\", \"c=${v297}\"]"});
    const Run run = RunOn(args);
    CHECK(run.err == "");
    CHECK(run.out.find("\n-smp\n299\n") != std::string::npos);
    CHECK(run.out.find("\n-append\nquiet a=x0 b=y298 c=x297\n") != std::string::npos);
    // A value that looks like an option is still the value of the option before it.
    std::vector<std::string> odd = {"compile", "/p/a.yaml"};
    for (int i = 0; i < 70; ++i) odd.insert(odd.end(), {"-Dv=1"});
    odd.insert(odd.end(), {"-D", "-x"});
    CHECK(RunOn(odd).err.rfind("qemuc: error: -D '-x': expected NAME=VALUE", 0) == 0);
    // Errors found after parsing name the option as before.
    std::vector<std::string> twice = {"compile", "/p/a.yaml"};
    for (int i = 0; i < 70; ++i) twice.push_back("--no-host-checks");
    CHECK(RunOn(twice).err.rfind(
              "qemuc: error: option '--no-host-checks' cannot be specified more than once\n", 0) ==
          0);
  }

  TEST_CASE("colour only on a terminal, and not when NO_COLOR is set") {
    CHECK(UseColour(true, nullptr));
    CHECK(UseColour(true, ""));  // set but empty counts as unset (no-color.org)
    CHECK_FALSE(UseColour(true, "1"));
    CHECK_FALSE(UseColour(false, nullptr));
  }

  TEST_CASE("help and version") {
    const Run help = RunOn({"--help"});
    CHECK(help.status == kExitOk);
    CHECK(help.out.find("usage: qemuc COMMAND") == 0);
    CHECK(help.out.find("  compile        Compile a profile") != std::string::npos);
    const Run compile_help = RunOn({"compile", "--help"});
    CHECK(compile_help.status == kExitOk);
    CHECK(compile_help.out.find("usage: qemuc compile PROFILE [options] [-- KERNEL_ARG...]") == 0);
    CHECK(compile_help.out.find("--no-host-checks") != std::string::npos);
    CHECK(RunOn({"help", "compile"}).out == compile_help.out);
    CHECK(RunOn({"help"}).out == help.out);
    CHECK(RunOn({"--version"}).out ==
          std::string("qemuc ") + kQemucVersion + " (revision " + kQemucRevision + ")\n");
  }
}

}  // namespace
}  // namespace qemuc
