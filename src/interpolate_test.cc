#include "interpolate.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::ArgAfter;
using testing::At;
using testing::FlowText;
using testing::Pipeline;
using Strings = std::vector<std::string>;

std::string Profile(const std::string& vars, const std::string& cmdline) {
  return "vars: " + vars +
         "\nqemu: {target: x86_64, memory: 64, kernel: \"${dir}/k\"}\ncmdline: " + cmdline + "\n";
}

// Interpolation alone on `text` read as the merged profile /p/b.yaml, which must fail: what it
// reported, rendered.
std::string Errors(const std::string& text) {
  testing::Stages stages;
  CHECK(stages.Interpolate({"/p/b.yaml", text}) == nullptr);
  return stages.Rendered();
}

TEST_SUITE("interpolate") {
  TEST_CASE("vars, variables in variables, -D winning, and $${ for a literal") {
    const std::string profile =
        Profile("{dir: \"/out/${arch}\", arch: x86}", "[\"a=${arch}\", \"b=$${arch}\", \"c=$$\"]");
    testing::Stages stages;
    const NodePtr interpolated = stages.Interpolate({"/p/b.yaml", profile});
    REQUIRE_MESSAGE(interpolated != nullptr, stages.Rendered());
    CHECK(FlowText(At(*interpolated, "qemu.kernel")) == "\"/out/x86/k\"");
    CHECK(FlowText(At(*interpolated, "cmdline")) == "[\"a=x86\", \"b=${arch}\", \"c=$$\"]");
    CHECK(FlowText(At(*interpolated, "vars")) == "{dir: \"/out/${arch}\", arch: x86}");  // kept
    const NodePtr defined = stages.Interpolate({"/p/d.yaml", profile}, {{"arch", "arm", {}}});
    REQUIRE(defined != nullptr);
    CHECK(FlowText(At(*defined, "qemu.kernel")) == "\"/out/arm/k\"");
    CHECK(stages.Rendered() == "");
  }

  TEST_CASE("$${ escapes around and between references, and one at the very end") {
    testing::Stages stages;
    const NodePtr interpolated = stages.Interpolate(
        {"/p/b.yaml", Profile("{dir: /d, arch: x86}", "[\"p=$${a}${arch}$$${arch}x$${\"]")});
    REQUIRE_MESSAGE(interpolated != nullptr, stages.Rendered());
    CHECK(FlowText(At(*interpolated, "cmdline")) == "[\"p=${a}x86$${arch}x${\"]");
  }

  TEST_CASE("-D through the pipeline: the argv has the defined value") {
    Pipeline defined;
    defined.reader.Add("/p/b.yaml", Profile("{dir: \"/out/${arch}\", arch: x86}", "[]"));
    CHECK(ArgAfter(defined.Argv({"/p/b.yaml", {}, {}, {"arch=arm"}}), "-kernel") == "/out/arm/k");
  }

  TEST_CASE(
      "vars merge across layers; a relative result resolves against the file that wrote the "
      "value") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/base/a.yaml", "abstract: true\nvars: {dir: ../out, unused: x}\n");
    pipeline.reader.Add("/p/boards/b.yaml",
                        "extends: ../base/a.yaml\nvars: {unused: y}\nqemu: {target: x86_64, "
                        "memory: 64, kernel: \"${dir}/k\"}\n");
    CHECK(ArgAfter(pipeline.Argv({"/p/boards/b.yaml", {}, {}, {}}), "-kernel") == "/p/out/k");
  }

  TEST_CASE("an undefined or malformed reference is an error at its use") {
    testing::Stages stages;
    CHECK(stages.Interpolate({"/p/b.yaml", Profile("{dirr: /o}", "[\"x=${1x}\", \"y=${open\"]")}) ==
          nullptr);
    CHECK(stages.Rendered() ==
          "/p/b.yaml:2:45: error: undefined variable 'dir' (did you mean 'dirr'?)\n"
          "qemu: {target: x86_64, memory: 64, kernel: \"${dir}/k\"}\n"
          "                                            ^~~~~~\n"
          "/p/b.yaml:3:14: error: malformed variable reference '${1x}'\n"
          "cmdline: [\"x=${1x}\", \"y=${open\"]\n             ^~~~~\n"
          "/p/b.yaml:3:25: error: unterminated variable reference (write $${ for a literal ${)\n"
          "cmdline: [\"x=${1x}\", \"y=${open\"]\n                        ^~~~~~\n");
  }

  TEST_CASE("with escapes the caret covers the whole value") {
    testing::Stages stages;
    CHECK(stages.Interpolate({"/p/b.yaml",
                              "vars: {dir: /o}\n"
                              "qemu: {target: x86_64, memory: 64, kernel: \"${dir}/k\",\n"
                              "  extra_args: [\"\\t\\u00e9/${nope}\", 'it''s ${no}']}\n"}) ==
          nullptr);
    CHECK(stages.Rendered() ==
          "/p/b.yaml:3:16: error: undefined variable 'nope'\n"
          "  extra_args: [\"\\t\\u00e9/${nope}\", 'it''s ${no}']}\n               "
          "^~~~~~~~~~~~~~~~~~\n"
          "/p/b.yaml:3:36: error: undefined variable 'no'\n"
          "  extra_args: [\"\\t\\u00e9/${nope}\", 'it''s ${no}']}\n                                "
          "   ^~~~~~~~~~~~~\n");
  }

  TEST_CASE("a cycle is an error at the variable that closes it, even when nothing uses it") {
    testing::Stages stages;
    CHECK(stages.Interpolate({"/p/b.yaml",
                              "vars: {a: \"${b}\", b: \"x${a}\", dir: /o}\nqemu: {target: x86_64, "
                              "memory: 64, kernel: \"${dir}/k\"}\n"}) == nullptr);
    CHECK(stages.Rendered() ==
          "/p/b.yaml:1:22: error: variable cycle: a -> b -> a\n"
          "vars: {a: \"${b}\", b: \"x${a}\", dir: /o}\n                     ^~~~~~~\n");
  }

  TEST_CASE("an error in a -D value points into the argument") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", Profile("{x: y}", "[]"));
    CHECK_FALSE(pipeline.CompileWith({"/p/b.yaml", {}, {}, {"dir=${nope}"}}).has_value());
    CHECK(pipeline.Rendered().rfind("-D:1:5: error: undefined variable 'nope'", 0) == 0);
  }

  TEST_CASE("variables nest at most 32 deep: one error where a chain crosses, however long") {
    for (const int count : {32, 33, 20000}) {
      CAPTURE(count);
      std::string vars = "vars:\n";
      for (int i = 0; i < count - 1; ++i) {
        vars += "  v" + std::to_string(i) + ": ${v" + std::to_string(i + 1) + "}\n";
      }
      vars += "  v" + std::to_string(count - 1) + ": end\n";
      testing::Stages stages;
      const NodePtr interpolated = stages.Interpolate(
          {"/p/b.yaml", vars + "qemu: {target: x86_64, memory: 64, kernel: \"/${v0}\"}\n"});
      if (count == 32) {
        REQUIRE_MESSAGE(interpolated != nullptr, stages.Rendered());
        CHECK(FlowText(At(*interpolated, "qemu.kernel")) == "\"/end\"");
        continue;
      }
      CHECK(interpolated == nullptr);
      // The 33 variables that end the chain: the first of them is where it crosses.
      const std::string first = std::to_string(count - 33);
      const std::string line = "  v" + first + ": ${v" + std::to_string(count - 32) + "}";
      CHECK(stages.Rendered() ==
            "/p/b.yaml:" + std::to_string(count - 33 + 2) + ":" + std::to_string(first.size() + 6) +
                ": error: variables nest more than 32 levels deep: v" + first + " -> v" +
                std::to_string(count - 32) + " -> v" + std::to_string(count - 31) + " -> ... -> v" +
                std::to_string(count - 3) + " -> v" + std::to_string(count - 2) + " -> v" +
                std::to_string(count - 1) + "\n" + line + "\n" +
                std::string(first.size() + 5, ' ') + "^" +
                std::string(line.size() - first.size() - 6, '~') + "\n");
    }
  }

  TEST_CASE("a long cycle is one error, its chain shortened") {
    std::string vars = "vars:\n";
    for (int i = 0; i < 5000; ++i) {
      vars += "  v" + std::to_string(i) + ": ${v" + std::to_string((i + 1) % 5000) + "}\n";
    }
    CHECK(Errors(vars + "qemu: {target: x86_64, memory: 64, kernel: /k}\n") ==
          "/p/b.yaml:5001:10: error: variable cycle: v0 -> v1 -> v2 -> ... -> v4998 -> v4999 -> "
          "v0\n  v4999: ${v0}\n         ^~~~~\n");
  }

  TEST_CASE("one value is at most 131071 bytes after interpolation, all of them 4 MiB") {
    // a0 is 2 bytes, a_n twice a_(n-1): a16 would be 131072 bytes, one too many.
    std::string vars = "vars:\n  a0: xx\n";
    for (int i = 1; i <= 40; ++i) {
      const std::string previous = "${a" + std::to_string(i - 1) + "}";
      vars += "  a" + std::to_string(i) + ": " + previous + previous + "\n";
    }
    const std::string vm = "qemu: {target: x86_64, memory: 64, kernel: /k, extra_args: [";
    testing::Stages stages;
    CHECK(stages.Interpolate({"/p/b.yaml", vars + vm + "\"${a40}\"]}\n"}) == nullptr);
    CHECK(stages.Rendered() ==
          "/p/b.yaml:18:14: error: interpolation makes the value longer than 131071 bytes here, "
          "the most one argument can hold\n  a16: ${a15}${a15}\n             ^~~~~~\n");

    // a15 (64 KiB) used by 64 variables and once in the profile: past 4 MiB in all, one error.
    std::string many = vars.substr(0, vars.find("  a16:"));
    for (int i = 0; i < 70; ++i) many += "  b" + std::to_string(i) + ": ${a15}\n";
    testing::Stages budget;
    CHECK(budget.Interpolate({"/p/b.yaml", many + vm + "]}\n"}) == nullptr);
    const std::string errors = budget.Rendered();
    CHECK(errors.find("error: the profile and its variables grow to more than 4194304 bytes of "
                      "text after interpolation (aliases count once per use)\n") !=
          std::string::npos);
    CHECK(errors.find("error:", errors.find("error:") + 1) == std::string::npos);
  }

  TEST_CASE("an interpolated value shared by aliases counts once per use") {
    std::string vars = "vars:\n  a0: xx\n";
    for (int i = 1; i <= 15; ++i) {
      const std::string previous = "${a" + std::to_string(i - 1) + "}";
      vars += "  a" + std::to_string(i) + ": " + previous + previous + "\n";
    }
    std::string aliases;
    for (int i = 0; i < 70; ++i) aliases += ", *x";
    testing::Stages stages;
    CHECK(stages.Interpolate({"/p/b.yaml", vars +
                                               "qemu: {target: x86_64, memory: 64, kernel: /k, "
                                               "extra_args: [&x \"${a15}\"" +
                                               aliases + "]}\n"}) == nullptr);
    CHECK(stages.Rendered().find("error: the profile and its variables grow to more than "
                                 "4194304 bytes") != std::string::npos);
    testing::Stages fits;
    CHECK(fits.Interpolate({"/p/b.yaml", vars + "qemu: {target: x86_64, memory: 64, kernel: /k, "
                                                "extra_args: [&x \"${a15}\", *x, *x]}\n"}) !=
          nullptr);
    CHECK(fits.Rendered() == "");
  }

  TEST_CASE("many references and many undefined names in one value stay linear") {
    std::string refs;
    for (int i = 0; i < 100000; ++i) refs += "${nope}";
    std::string names = "vars:\n";
    for (int i = 0; i < 20000; ++i) names += "  n" + std::to_string(i) + ": x\n";
    testing::Stages stages;
    CHECK(stages.Interpolate(
              {"/p/b.yaml", names +
                                "  nope2: y\nqemu: {target: x86_64, memory: 64, kernel: /k, "
                                "extra_args: [\"" +
                                refs + "\"]}\n"}) == nullptr);
    // One error per use (not rendered here: each would print the 700 kB line).
    REQUIRE(stages.diagnostics.size() == 100000);
    CHECK(stages.diagnostics.at(0).message == "undefined variable 'nope' (did you mean 'nope2'?)");
    CHECK(stages.diagnostics.at(99999).range.column == 62 + 7 * 99999);
  }

  TEST_CASE("places of references in many values on one long line") {
    std::string args;
    for (int i = 0; i < 5000; ++i) args += std::string(i > 0 ? ", " : "") + "\"\u00e9${nope}\"";
    testing::Stages stages;
    CHECK(stages.Interpolate(
              {"/p/b.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k, extra_args: [" + args +
                                "]}\nvars: {x: y}\n"}) == nullptr);
    REQUIRE(stages.diagnostics.size() == 5000);
    // Each value is 10 characters and 2 of separator, the first at column 61; the reference is 2
    // characters in.
    CHECK(stages.diagnostics.at(4999).range.column == 61 + 12 * 4999 + 2);
    CHECK(stages.diagnostics.at(4999).range.length == 7);
  }
}

}  // namespace
}  // namespace qemuc
