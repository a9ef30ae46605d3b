#include "spell.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace qemuc {
namespace {

TEST_SUITE("spell") {
  TEST_CASE("edit distance") {
    CHECK(EditDistance("", "") == 0);
    CHECK(EditDistance("cpu", "cpus") == 1);
    CHECK(EditDistance("kitten", "sitting") == 3);
    CHECK(EditDistance("abc", "") == 3);
  }

  TEST_CASE("a limited distance is exact up to the limit, then limit + 1") {
    CHECK(EditDistance("kitten", "sitting", 3) == 3);
    CHECK(EditDistance("kitten", "sitting", 2) == 3);
    CHECK(EditDistance("kitten", "sitting", 1) == 2);
    CHECK(EditDistance("abcdef", "badcfe", 3) == 4);  // four edits: past the limit
    CHECK(EditDistance("abcdef", "badcfe") == 4);
    CHECK(EditDistance("", "abcd", 3) == 4);
    CHECK(EditDistance("xabc", "abcx", 3) == 2);
    // Against the full table, for every pair of short words over a two-letter alphabet.
    std::vector<std::string> words = {""};
    for (size_t i = 0; i < words.size() && words.size() < 127; ++i) {
      if (words[i].size() < 6) {
        words.push_back(words[i] + "a");
        words.push_back(words[i] + "b");
      }
    }
    for (const std::string& a : words) {
      for (const std::string& b : words) {
        const size_t full = EditDistance(a, b);
        for (size_t limit = 0; limit <= 4; ++limit) {
          REQUIRE(EditDistance(a, b, limit) == std::min(full, limit + 1));
        }
      }
    }
  }

  TEST_CASE("a speller suggests as DidYouMean does until its budget is spent") {
    const std::vector<std::string_view> keys = {"alpha", "beta"};
    Speller speller(100);
    CHECK(speller.DidYouMean("alpah", keys) == " (did you mean 'alpha'?)");  // costs 2 x 36
    CHECK(speller.has_budget());
    CHECK(speller.DidYouMean("bet", keys) == "");  // 2 x 22 more than the 28 left
    CHECK_FALSE(speller.has_budget());
    CHECK(speller.DidYouMean("a", keys) == "");
  }

  TEST_CASE("a 100,000-character name is checked in linear time") {
    // It took 49 s when every candidate was compared in full.
    const std::string name(100000, 'c');
    const std::string close = name + "d";
    const std::string far(50000, 'c');
    const auto start = std::chrono::steady_clock::now();
    CHECK(DidYouMean(close, {name, far}) == " (did you mean '" + name.substr(0, 80) + "...'?)");
    CHECK(DidYouMean(name + "xyzw", {name}) == "");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
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
