#include "validate.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::Pipeline;

constexpr const char* kMinimal = "qemu: {target: x86_64, memory: 512, kernel: k.bin}\n";

TEST_SUITE("validate") {
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
    CHECK(ValidateProfile(ProfileRequest{"/p/base.yaml", {}, {}, {}}, pipeline.environment,
                          diagnostics));
    CHECK(diagnostics.all().empty());
  }
  TEST_CASE("a profile without qemu misses each of its required keys") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml", "name: x\n");
    CHECK_FALSE(pipeline.Compile("/p/a.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/a.yaml:1:1: error: missing required key 'qemu.target'\nname: x\n^\n"
          "/p/a.yaml:1:1: error: missing required key 'qemu.memory'\nname: x\n^\n"
          "/p/a.yaml:1:1: error: missing required key 'qemu.kernel'\nname: x\n^\n");
  }

  TEST_CASE("an abstract profile is checked for everything but completeness") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/base.yaml",
        "abstract: true\nqemu:\n  networks: [{id: a}, {id: b, user: {}, tap: {name: t}}]\n");
    Diagnostics diagnostics;
    CHECK_FALSE(ValidateProfile(ProfileRequest{"/p/base.yaml", {}, {}, {}}, pipeline.environment,
                                diagnostics));
    REQUIRE(diagnostics.all().size() == 1);
    CHECK(diagnostics.all()[0].message == "network 'b' sets both 'user' and 'tap'; choose one");
  }
}

}  // namespace
}  // namespace qemuc
