#include "unified_diff.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

TEST_SUITE("unified_diff") {
  TEST_CASE("equal texts have no diff") {
    CHECK(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y") == "");
  }

  TEST_CASE("a changed line with three lines of context, as diff -u prints it") {
    CHECK(UnifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n", "old", "new") ==
          "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
  }

  TEST_CASE("changes far apart make two hunks; additions, removals, a missing file") {
    const std::string a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    const std::string b = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nl\nm\n";
    CHECK(UnifiedDiff(a, b, "o", "n") ==
          "--- o\n+++ n\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n"
          "@@ -8,5 +8,5 @@\n h\n i\n j\n-k\n l\n+m\n");
    CHECK(UnifiedDiff("", "x\n", "/dev/null", "n") == "--- /dev/null\n+++ n\n@@ -0,0 +1 @@\n+x\n");
  }

  TEST_CASE("a missing final newline is marked") {
    CHECK(UnifiedDiff("a\nb", "a\nb\n", "o", "n") ==
          "--- o\n+++ n\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  }
}

}  // namespace
}  // namespace qemuc
