#include "emit_profile.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::Pipeline;

std::string Resolved(const std::string& board, ProfileFormat format, bool show_origin) {
  Pipeline pipeline;
  pipeline.reader.Add("/p/base/a.yaml",
                      "abstract: true\nqemu: {target: x86_64, memory: 2G, kernel: ../k}\n");
  pipeline.reader.Add("/p/boards/b.yaml", "extends: ../base/a.yaml\n" + board);
  const std::optional<ResolvedProfile> resolved =
      ResolveProfile({"/p/boards/b.yaml", {}, {}, {}}, pipeline.environment, pipeline.diagnostics);
  REQUIRE_MESSAGE(resolved.has_value(), pipeline.Rendered());
  return EmitProfile(*resolved->merged, "b", format, show_origin);
}

TEST_SUITE("emit_profile") {
  TEST_CASE("YAML in the field table's order, paths resolved, sizes in MiB, the name filled in") {
    CHECK(Resolved(
              "cmdline: [quiet]\nqemu: {cpus: 2, drives: [{id: d, file: d.img}], binary: qemu-x}\n",
              ProfileFormat::kYaml, false) ==
          "name: \"b\"\n"
          "qemu:\n"
          "  binary: \"qemu-x\"\n"
          "  target: \"x86_64\"\n"
          "  cpus: 2\n"
          "  memory: 2048\n"
          "  kernel: \"/p/k\"\n"
          "  drives:\n"
          "    - id: \"d\"\n"
          "      file: \"/p/boards/d.img\"\n"
          "cmdline:\n"
          "  - \"quiet\"\n");
  }

  TEST_CASE("what interpolation leaves as ${ is written $${ again; YAML line breaks are escaped") {
    const std::string yaml =
        Resolved("description: \"$${HOME} a\\u2028b\\x85c\"\n", ProfileFormat::kYaml, false);
    CHECK(yaml.find("description: \"$${HOME} a\\u2028b\\u0085c\"\n") != std::string::npos);
  }

  TEST_CASE("--show-origin: a comment per value in YAML, an origin object in JSON") {
    const std::string yaml = Resolved("qemu: {cpus: 2}\n", ProfileFormat::kYaml, true);
    CHECK(yaml.find("  cpus: 2  # /p/boards/b.yaml:2:14\n") != std::string::npos);
    CHECK(yaml.find("  target: \"x86_64\"  # /p/base/a.yaml:2:16\n") != std::string::npos);
    CHECK(Resolved("qemu: {cpus: 2}\n", ProfileFormat::kJson, true) ==
          "{\n"
          "  \"name\": \"b\",\n"
          "  \"qemu\": {\n"
          "    \"target\": \"x86_64\",\n"
          "    \"cpus\": 2,\n"
          "    \"memory\": 2048,\n"
          "    \"kernel\": \"/p/k\"\n"
          "  },\n"
          "  \"origin\": {\n"
          "    \"qemu.target\": \"/p/base/a.yaml:2:16\",\n"
          "    \"qemu.cpus\": \"/p/boards/b.yaml:2:14\",\n"
          "    \"qemu.memory\": \"/p/base/a.yaml:2:32\",\n"
          "    \"qemu.kernel\": \"/p/base/a.yaml:2:44\"\n"
          "  }\n"
          "}\n");
  }
}

}  // namespace
}  // namespace qemuc
