#include "spell.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

TEST_SUITE("spell") {
  TEST_CASE("edit distance") {
    CHECK(EditDistance("", "") == 0);
    CHECK(EditDistance("cpu", "cpus") == 1);
    CHECK(EditDistance("kitten", "sitting") == 3);
    CHECK(EditDistance("abc", "") == 3);
  }

  TEST_CASE("suggestions within 3 edits, never a whole rewrite") {
    const std::vector<std::string_view> keys = {"binary", "target", "cpus", "memory", "kvm", "id"};
    CHECK(DidYouMean("cpu", keys) == " (did you mean 'cpus'?)");
    CHECK(DidYouMean("memroy", keys) == " (did you mean 'memory'?)");
    CHECK(DidYouMean("zzzzzzzz", keys) == "");
    CHECK(DidYouMean("ab", keys) == "");  // 'id' is 2 edits away, as long as the word itself
    CHECK(ClosestMatch("kvn", keys) == "kvm");
  }
}

}  // namespace
}  // namespace qemuc
