#include "paths.h"

#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <vector>

#include "test_support.h"

namespace qemuc {
namespace {

namespace fs = std::filesystem;
using testing::TemporaryDirectory;

// What paths.cc computed with std::filesystem before it handled the common case on the string:
// still the definition of every result.
std::string ReferenceResolveAgainst(const std::string& directory, const std::string& path) {
  const fs::path value(path);
  const fs::path joined = value.is_absolute() ? value : fs::path(directory) / value;
  std::string normal = joined.lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

std::string ReferenceNamedFrom(const std::string& directory, const std::string& path) {
  const std::string relative = fs::path(path).lexically_relative(directory).string();
  if (relative.empty() || relative == ".." || relative.rfind("../", 0) == 0) return path;
  return relative;
}

// Every string of '/', '.', 'a' and 'b' up to `length` characters, "" included.
std::vector<std::string> AllPaths(size_t length) {
  std::vector<std::string> all{""};
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].size() == length) continue;
    for (const char c : {'/', '.', 'a', 'b'}) all.push_back(all[i] + c);
  }
  return all;
}

TEST_SUITE("paths") {
  TEST_CASE("paths resolve, name and split as std::filesystem does, for every short path") {
    const std::vector<std::string> paths = AllPaths(5);
    const std::vector<std::string> directories = AllPaths(4);
    size_t differences = 0;
    for (const std::string& directory : directories) {
      for (const std::string& path : paths) {
        if (ResolveAgainst(directory, path) != ReferenceResolveAgainst(directory, path) ||
            NamedFrom(directory, path) != ReferenceNamedFrom(directory, path)) {
          if (++differences < 10) MESSAGE("directory '" << directory << "' path '" << path << "'");
        }
      }
    }
    for (const std::string& path : paths) {
      if (DirectoryOf(path) != fs::path(path).parent_path().string()) {
        if (++differences < 10) MESSAGE("directory of '" << path << "'");
      }
    }
    CHECK(differences == 0);
  }

  TEST_CASE("paths of real boards") {
    CHECK(ResolveAgainst("/repo/boards", "../base/x86_64.yaml") == "/repo/base/x86_64.yaml");
    CHECK(ResolveAgainst("/repo/boards", "./out//disk.img/") == "/repo/boards/out/disk.img");
    CHECK(ResolveAgainst("/", "../../a") == "/a");
    CHECK(ResolveAgainst("/repo", "/abs/./x/../y") == "/abs/y");
    CHECK(ResolveAgainst("/repo", "..") == "/");
    CHECK(ResolveAgainst("/r/", "a") == "/r/a");
    CHECK(ResolveAgainst("relative/dir", "../x") == "relative/x");
    CHECK(DirectoryOf("/repo/boards/a.yaml") == "/repo/boards");
    CHECK(DirectoryOf("/a.yaml") == "/");
    CHECK(NamedFrom("/repo", "/repo/boards/a b.yaml") == "boards/a b.yaml");
    CHECK(NamedFrom("/repo", "/repository/a.yaml") == "/repository/a.yaml");
    CHECK(NamedFrom("/repo", "/repo") == ".");
    CHECK(NamedFrom("/", "/etc/x.yaml") == "etc/x.yaml");
  }

  TEST_CASE("AbsolutePath follows ChangeDirectory, though it keeps getcwd's answer") {
    const std::string started = AbsolutePath(".");
    TemporaryDirectory directory;
    const std::string real = std::filesystem::canonical(directory.path()).string();
    REQUIRE(ChangeDirectory(real));
    CHECK(AbsolutePath("a b.yaml") == real + "/a b.yaml");
    CHECK(AbsolutePath(".") == real);
    CHECK_FALSE(ChangeDirectory(real + "/missing"));
    CHECK(errno == ENOENT);
    CHECK(AbsolutePath(".") == real);  // a failed change leaves it where it was
    REQUIRE(ChangeDirectory(started));
    CHECK(AbsolutePath("x.yaml") == started + "/x.yaml");
  }
}

}  // namespace
}  // namespace qemuc
