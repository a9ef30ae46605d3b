#include "merge.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::Pipeline;

std::string ArgAfter(const std::vector<std::string>& argv, const std::string& option) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) return argv[i + 1];
  }
  return "<missing>";
}

TEST_SUITE("merge") {
  TEST_CASE("in a single file, !reset removes a value and !override is the value itself") {
    Pipeline pipeline;
    pipeline.reader.Add("/p/a.yaml",
                        "qemu: {target: x86_64, memory: 512, kernel: k, initrd: !reset r, "
                        "cpus: !override 2}\n");
    const std::optional<Invocation> invocation = pipeline.Compile("/p/a.yaml");
    REQUIRE_MESSAGE(invocation.has_value(), pipeline.Rendered());
    const std::vector<std::string>& argv = invocation->argv;
    CHECK(ArgAfter(argv, "-initrd") == "<missing>");
    CHECK(ArgAfter(argv, "-smp") == "2");
  }

  TEST_CASE("in a single file, !delete has nothing inherited to delete") {
    Pipeline pipeline;
    pipeline.reader.Add(
        "/p/a.yaml",
        "qemu: {target: x86_64, memory: 512, kernel: k.bin}\ncmdline: [!delete quiet]\n");
    CHECK_FALSE(pipeline.Compile("/p/a.yaml").has_value());
    CHECK(pipeline.Rendered() ==
          "/p/a.yaml:2:19: error: '!delete quiet': 'cmdline' has no inherited item 'quiet'\n"
          "cmdline: [!delete quiet]\n                  ^~~~~\n");
  }
}

}  // namespace
}  // namespace qemuc
