#include "interpolate.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::ArgAfter;
using testing::Pipeline;
using Strings = std::vector<std::string>;

std::string Profile(const std::string& vars, const std::string& cmdline) {
  return "vars: " + vars +
         "\nqemu: {target: x86_64, memory: 64, kernel: \"${dir}/k\"}\ncmdline: " + cmdline + "\n";
}

TEST_SUITE("interpolate") {
  TEST_CASE("vars, variables in variables, -D winning, and $${ for a literal") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", Profile("{dir: \"/out/${arch}\", arch: x86}",
                                             "[\"a=${arch}\", \"b=$${arch}\", \"c=$$\"]"));
    const Strings argv = pipeline.Argv({"/p/b.yaml", {}, {}, {}});
    CHECK(ArgAfter(argv, "-kernel") == "/out/x86/k");
    CHECK(ArgAfter(argv, "-append") == "a=x86 b=${arch} c=$$");
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
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", Profile("{dirr: /o}", "[\"x=${1x}\", \"y=${open\"]"));
    CHECK_FALSE(pipeline.CompileWith({"/p/b.yaml", {}, {}, {}}).has_value());
    CHECK(pipeline.Rendered() ==
          "/p/b.yaml:2:45: error: undefined variable 'dir' (did you mean 'dirr'?)\n"
          "qemu: {target: x86_64, memory: 64, kernel: \"${dir}/k\"}\n"
          "                                            ^~~~~~\n"
          "/p/b.yaml:3:14: error: malformed variable reference '${1x}'\n"
          "cmdline: [\"x=${1x}\", \"y=${open\"]\n             ^~~~~\n"
          "/p/b.yaml:3:25: error: unterminated variable reference (write $${ for a literal ${)\n"
          "cmdline: [\"x=${1x}\", \"y=${open\"]\n                        ^~~~~~\n");
  }

  TEST_CASE("with escapes the caret covers the whole value") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml",
                        "vars: {dir: /o}\n"
                        "qemu: {target: x86_64, memory: 64, kernel: \"${dir}/k\",\n"
                        "  extra_args: [\"\\t\\u00e9/${nope}\", 'it''s ${no}']}\n");
    CHECK_FALSE(pipeline.CompileWith({"/p/b.yaml", {}, {}, {}}).has_value());
    CHECK(pipeline.Rendered() ==
          "/p/b.yaml:3:16: error: undefined variable 'nope'\n"
          "  extra_args: [\"\\t\\u00e9/${nope}\", 'it''s ${no}']}\n               "
          "^~~~~~~~~~~~~~~~~~\n"
          "/p/b.yaml:3:36: error: undefined variable 'no'\n"
          "  extra_args: [\"\\t\\u00e9/${nope}\", 'it''s ${no}']}\n                                "
          "   ^~~~~~~~~~~~~\n");
  }

  TEST_CASE("a cycle is an error at the variable that closes it, even when nothing uses it") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml",
                        "vars: {a: \"${b}\", b: \"x${a}\", dir: /o}\nqemu: {target: x86_64, "
                        "memory: 64, kernel: \"${dir}/k\"}\n");
    CHECK_FALSE(pipeline.CompileWith({"/p/b.yaml", {}, {}, {}}).has_value());
    CHECK(pipeline.Rendered() ==
          "/p/b.yaml:1:22: error: variable cycle: a -> b -> a\n"
          "vars: {a: \"${b}\", b: \"x${a}\", dir: /o}\n                     ^~~~~~~\n");
  }

  TEST_CASE("an error in a -D value points into the argument") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/b.yaml", Profile("{x: y}", "[]"));
    CHECK_FALSE(pipeline.CompileWith({"/p/b.yaml", {}, {}, {"dir=${nope}"}}).has_value());
    CHECK(pipeline.Rendered().rfind("-D:1:5: error: undefined variable 'nope'", 0) == 0);
  }
}

}  // namespace
}  // namespace qemuc
