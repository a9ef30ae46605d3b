// libFuzzer target: the YAML fast path against yaml-cpp. The input is one file's bytes. Where the
// fast path takes it, its events and marks must be yaml-cpp's and yaml-cpp must read exactly one
// document (tests/yaml_event_compare.h); a difference aborts with both event lists.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "yaml_event_compare.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const qemuc::testing::Comparison comparison = qemuc::testing::CompareWithYamlCpp(text);
  if (comparison.agreement == qemuc::testing::Agreement::kDifferent) {
    std::fprintf(stderr, "qemuc fuzz: the YAML fast path differs from yaml-cpp\n%s",
                 comparison.explanation.c_str());
    std::abort();
  }
  return 0;
}
