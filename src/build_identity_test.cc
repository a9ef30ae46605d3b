#include "build_identity.h"

#include <doctest/doctest.h>

#include <regex>

#include "version.h"

namespace qemuc {
namespace {

TEST_SUITE("build_identity") {
  TEST_CASE("the identity is the version and the program's own GNU build ID") {
    // Debian's GCC links with --build-id (sha1, 20 bytes): the stand-in (size, mtime, inode)
    // would also tell builds apart, but less surely, and must not be what runs here.
    const std::string identity = BuildIdentity();
    CHECK(
        std::regex_match(identity, std::regex(std::string(kQemucVersion) + " build [0-9a-f]{40}")));
    CHECK(BuildIdentity() == identity);
  }
}

}  // namespace
}  // namespace qemuc
