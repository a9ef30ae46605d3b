#include "glob.h"

#include <doctest/doctest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::TemporaryDirectory;

// Paths that doctest can print when a check fails.
struct Paths : std::vector<std::string> {
  using vector::vector;
};

std::ostream& operator<<(std::ostream& out, const Paths& paths) {
  out << "{";
  for (const std::string& path : paths) out << " \"" << path << "\"";
  return out << " }";
}

// A slow matcher that tries every split, one character at a time: the reference.
bool ReferenceMatch(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern[0] == '*') {
    for (size_t at = 0;; ++at) {
      if (ReferenceMatch(pattern.substr(1), name.substr(at))) return true;
      if (at == name.size()) return false;
    }
  }
  if (name.empty()) return false;
  if (pattern[0] == '?') return ReferenceMatch(pattern.substr(1), name.substr(1));
  return pattern[0] == name[0] && ReferenceMatch(pattern.substr(1), name.substr(1));
}

// Every string over `alphabet` of at most `length` characters.
std::vector<std::string> AllStrings(const std::string& alphabet, size_t length) {
  std::vector<std::string> strings = {""};
  for (size_t i = 0; i < strings.size(); ++i) {
    if (strings[i].size() == length) continue;
    for (char c : alphabet) strings.push_back(strings[i] + c);
  }
  return strings;
}

// The matches, or "error at OFFSET: MESSAGE".
Paths Expand(const DirectoryLister& lister, const std::string& base, const std::string& pattern,
             const GlobLimits& limits = {}) {
  const GlobResult result = ExpandGlob(lister, base, pattern, limits);
  if (result.error)
    return {"error at " + std::to_string(result.error->offset) + ": " + result.error->message};
  return Paths(result.matches.begin(), result.matches.end());
}

std::string SyntaxError(const std::string& pattern) {
  const std::optional<GlobError> error = CheckGlobSyntax(pattern);
  if (!error) return "<ok>";
  return std::to_string(error->offset) + ": " + error->message;
}

double SecondsFor(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A repository of boards: two boards, bases at three depths, and things no glob should return.
MemoryDirectoryLister Repository() {
  MemoryDirectoryLister lister;
  for (const char* file : {"boards/x64.yaml", "boards/arm.yaml", "boards/notes.txt",
                           "base/common.yaml", "base/x86/pc.yaml", "base/x86/q35/kvm.yaml",
                           "qemuc.yaml", "boards/.draft.yaml", ".git/config.yaml"})
    lister.AddFile("/repo/" + std::string(file));
  lister.AddDirectory("/repo/boards/dir.yaml");
  lister.Add("/repo/boards/fifo.yaml", EntryKind::kOther);
  return lister;
}

TEST_SUITE("glob") {
  TEST_CASE("'*' is any run within a segment, '?' one character, the rest literal") {
    CHECK(MatchSegment("*.yaml", "x64.yaml"));
    CHECK(MatchSegment("*.yaml", ".yaml"));
    CHECK_FALSE(MatchSegment("*.yaml", "x64.yml"));
    CHECK(MatchSegment("x?4.yaml", "x64.yaml"));
    CHECK_FALSE(MatchSegment("x?4.yaml", "x4.yaml"));
    CHECK(MatchSegment("a*b*c", "abc"));
    CHECK(MatchSegment("a*b*c", "aXbYbZc"));
    CHECK_FALSE(MatchSegment("a*b*c", "aXbYcZ"));
    CHECK(MatchSegment("*", "anything at all"));
    CHECK(MatchSegment("**", "x"));  // two stars within one segment mean one (ParseGlob refuses it)
    CHECK(MatchSegment("[ab].yaml", "[ab].yaml"));
    CHECK_FALSE(MatchSegment("[ab].yaml", "a.yaml"));
    CHECK(MatchSegment("a\\*.yaml", "a\\x.yaml"));  // a backslash escapes nothing
    CHECK_FALSE(MatchSegment("a\\*.yaml", "a*.yaml"));
    CHECK_FALSE(MatchSegment("x64.yaml", "X64.yaml"));
  }

  TEST_CASE("'?' is one UTF-8 character, or one byte that is not UTF-8") {
    CHECK(MatchSegment("?.yaml", "\xC3\xA9.yaml"));          // é
    CHECK(MatchSegment("?.yaml", "\xF0\x9F\x90\xA7.yaml"));  // a penguin, four bytes
    CHECK_FALSE(MatchSegment("??.yaml", "\xC3\xA9.yaml"));   // not two bytes
    CHECK_FALSE(MatchSegment("?.yaml", "\xC3\xA9\xC3\xA9.yaml"));
    CHECK(MatchSegment("*?\xC3\xA9", "\xC3\xA9\xC3\xA9"));
    CHECK(MatchSegment("?.yaml", "\xFF.yaml"));
    CHECK(MatchSegment("??.yaml", "\xC3\x28.yaml"));  // a broken sequence: two bytes
    CHECK(MatchSegment("*\xC3\xA9?", "x\xC3\xA9\xC3\xA9"));
    CHECK_FALSE(MatchSegment("*?\xA9", "\xC3\xA9"));  // `?` never takes half a character
  }

  TEST_CASE("a literal end after '*' is found only where a character starts") {
    CHECK(MatchSegment("*.yaml", ".yaml"));
    CHECK_FALSE(MatchSegment("*.yaml", "yaml"));
    CHECK_FALSE(MatchSegment("a*ab", "ab"));  // the `a` before the star is not the end's
    CHECK(MatchSegment("a*b", "ab"));
    CHECK(MatchSegment("*\xC3\xA9", "x\xC3\xA9"));
    CHECK_FALSE(MatchSegment("*\xA9", "\xC3\xA9"));  // the second half of é is no character
    CHECK(MatchSegment("*\xA9", "x\xA9"));           // a stray continuation byte is one
    CHECK(MatchSegment("*\xA9.yaml", "\xC3\x28\xA9.yaml"));
  }

  TEST_CASE("every pattern and name over a small alphabet agrees with the slow matcher") {
    const std::vector<std::string> patterns = AllStrings("ab*?", 5);
    const std::vector<std::string> names = AllStrings("ab", 5);
    for (const std::string& pattern : patterns) {
      for (const std::string& name : names) {
        INFO(pattern, " ", name);
        REQUIRE(MatchSegment(pattern, name) == ReferenceMatch(pattern, name));
      }
    }
  }

  TEST_CASE("hostile patterns take linear time, not exponential") {
    const std::string name(100000, 'a');
    bool matched = true;
    CHECK(SecondsFor([&] { matched = MatchSegment("*a*a*a*a*a*a*a*a*a*a*b", name); }) < 0.5);
    CHECK_FALSE(matched);
    CHECK(SecondsFor([&] { matched = MatchSegment("*a*a*a*a*a*a*a*a*a*a*", name); }) < 0.5);
    CHECK(matched);
    std::string stars;
    for (int i = 0; i < 5000; ++i) stars += "*a";
    CHECK(SecondsFor([&] { matched = MatchSegment(stars + "*b", name); }) < 0.5);
    CHECK_FALSE(matched);
    // A long run after a star: O(n * c), here 100,000 x 100.
    CHECK(SecondsFor([&] { matched = MatchSegment("*" + std::string(99, 'a') + "b", name); }) <
          0.5);
    CHECK_FALSE(matched);
  }

  TEST_CASE("syntax errors are reported at their offset in the pattern") {
    CHECK(SyntaxError("") == "0: empty glob");
    CHECK(SyntaxError("boards//*.yaml") == "7: empty path segment ('//') in glob");
    CHECK(SyntaxError("boards/") == "6: a glob cannot end in '/': it matches files");
    CHECK(SyntaxError("/etc/*.yaml") == "0: absolute glob; write it relative to the project file");
    CHECK(SyntaxError("base/a**b.yaml") ==
          "6: '**' must be a whole path segment, as in 'base/**/*.yaml'");
    CHECK(SyntaxError("**x/a.yaml") ==
          "0: '**' must be a whole path segment, as in 'base/**/*.yaml'");
    CHECK(SyntaxError("a/***/b.yaml") ==
          "2: '**' must be a whole path segment, as in 'base/**/*.yaml'");
    CHECK(SyntaxError("boards/*/../x.yaml") == "9: '..' cannot follow a wildcard segment");
    CHECK(SyntaxError("**/./x.yaml") == "3: '.' cannot follow a wildcard segment");
    CHECK(SyntaxError(std::string("a/b\0.yaml", 9)) == "3: a glob cannot contain a NUL byte");
    for (const char* good : {"../shared/*.yaml", "./boards/*.yaml", "boards/../base/*.yaml", "**",
                             "a/**", "**/**/x.yaml", "x.yaml", "[a]\\b/c d,e.yaml", ".*"})
      CHECK_MESSAGE(SyntaxError(good) == "<ok>", good);
  }

  TEST_CASE("matches are regular files, spelled as the pattern spells them, sorted, each once") {
    const MemoryDirectoryLister repository = Repository();
    CHECK(Expand(repository, "/repo", "boards/*.yaml") ==
          Paths{"boards/arm.yaml", "boards/x64.yaml"});
    CHECK(Expand(repository, "/repo", "base/**/*.yaml") ==
          Paths{"base/common.yaml", "base/x86/pc.yaml", "base/x86/q35/kvm.yaml"});
    CHECK(Expand(repository, "/repo", "**/*.yaml") ==
          Paths{"base/common.yaml", "base/x86/pc.yaml", "base/x86/q35/kvm.yaml", "boards/arm.yaml",
                "boards/x64.yaml", "qemuc.yaml"});
    CHECK(Expand(repository, "/repo", "**/*/**/*.yaml") ==
          Paths{"base/common.yaml", "base/x86/pc.yaml", "base/x86/q35/kvm.yaml", "boards/arm.yaml",
                "boards/x64.yaml"});
    CHECK(Expand(repository, "/repo", "base/**") ==
          Paths{"base/common.yaml", "base/x86/pc.yaml", "base/x86/q35/kvm.yaml"});
    CHECK(Expand(repository, "/repo", "*/x86/?35/*") == Paths{"base/x86/q35/kvm.yaml"});
    CHECK(Expand(repository, "/repo/", "./boards/x6?.yaml") == Paths{"./boards/x64.yaml"});
    CHECK(Expand(repository, "/repo/boards", "../base/*.yaml") == Paths{"../base/common.yaml"});
    CHECK(Expand(repository, "/repo", "boards/x64.yaml") == Paths{"boards/x64.yaml"});
    CHECK(Expand(repository, "/repo", "boards/dir.yaml").empty());   // a directory
    CHECK(Expand(repository, "/repo", "boards/fifo.yaml").empty());  // not a regular file
    CHECK(Expand(repository, "/repo", "boards/*.yml").empty());
    CHECK(Expand(repository, "/repo", "missing/**/*.yaml").empty());  // a literal: looked up
    CHECK(Expand(repository, "/nowhere", "*.yaml") ==
          Paths{"error at 0: cannot list '.': No such file or directory"});
  }

  TEST_CASE("wildcards leave names starting with '.' alone unless the segment starts with '.'") {
    const MemoryDirectoryLister repository = Repository();
    CHECK(Expand(repository, "/repo", "boards/?draft.yaml").empty());
    CHECK(Expand(repository, "/repo", "boards/.*.yaml") == Paths{"boards/.draft.yaml"});
    CHECK(Expand(repository, "/repo", "boards/.draft.yaml") == Paths{"boards/.draft.yaml"});
    CHECK(Expand(repository, "/repo", "**/config.yaml").empty());  // not in .git
    CHECK(Expand(repository, "/repo", ".git/*.yaml") == Paths{".git/config.yaml"});
    CHECK(Expand(repository, "/repo", ".*/*.yaml") == Paths{".git/config.yaml"});  // not ./, ../
  }

  TEST_CASE("'.' and '..' from a careless lister are never matched nor entered") {
    struct CarelessLister : DirectoryLister {
      DirectoryListing List(const std::string& directory, size_t) const override {
        if (directory != "/c") return {{}, std::string("unexpected")};
        return {{{".", EntryKind::kDirectory, std::nullopt},
                 {"..", EntryKind::kDirectory, std::nullopt},
                 {".a.yaml", EntryKind::kFile, std::nullopt},
                 {"b.yaml", EntryKind::kFile, std::nullopt}},
                std::nullopt};
      }
      PathKind Examine(const std::string&) const override { return {}; }
    };
    CHECK(Expand(CarelessLister(), "/c", ".*") == Paths{".a.yaml"});
    CHECK(Expand(CarelessLister(), "/c", ".*/*.yaml").empty());
    CHECK(Expand(CarelessLister(), "/c", "**/*.yaml") == Paths{"b.yaml"});
  }

  TEST_CASE("a literal segment is looked up, not listed") {
    MemoryDirectoryLister repository = Repository();
    repository.MakeUnlistable("/repo/boards", "Permission denied");
    CHECK(Expand(repository, "/repo", "boards/x64.yaml") == Paths{"boards/x64.yaml"});
    CHECK(Expand(repository, "/repo", "*/x64.yaml") == Paths{"boards/x64.yaml"});
    CHECK(Expand(repository, "/repo", "boards/*.yaml") ==
          Paths{"error at 7: cannot list 'boards': Permission denied"});
    CHECK(Expand(repository, "/repo", "**/*.yaml") ==
          Paths{"error at 0: cannot list 'boards': Permission denied"});
  }

  TEST_CASE("each limit stops the expansion with its error") {
    const MemoryDirectoryLister repository = Repository();
    GlobLimits limits;
    limits.max_entries = 10;
    CHECK(Expand(repository, "/repo", "**/*.yaml", limits) ==
          Paths{"error at 0: glob visits more than 10 directory entries; make it narrower"});
    limits = GlobLimits{};
    limits.max_matches = 5;
    CHECK(Expand(repository, "/repo", "**/*.yaml", limits) ==
          Paths{"error at 0: glob matches more than 5 files"});
    limits.max_matches = 6;
    CHECK(Expand(repository, "/repo", "**/*.yaml", limits).size() == 6);
    limits = GlobLimits{};
    limits.max_depth = 2;
    CHECK(Expand(repository, "/repo", "base/**/*.yaml", limits) ==
          Paths{"error at 5: '**' goes more than 2 directories deep, into 'base/x86/q35'"});
    CHECK(Expand(repository, "/repo", "base/x86/q35/*.yaml", limits) ==
          Paths{"base/x86/q35/kvm.yaml"});  // only `**` is bounded
  }

  TEST_CASE("the default limits stop a deep tree and a wide one") {
    MemoryDirectoryLister deep;
    std::string path = "/d";
    for (int i = 0; i < 70; ++i) path += "/a";
    deep.AddFile(path + "/x.yaml");
    const Paths too_deep = Expand(deep, "/d", "**/x.yaml");
    REQUIRE(too_deep.size() == 1);
    CHECK(too_deep[0].find("error at 0: '**' goes more than 64 directories deep, into 'a/a/") == 0);
    GlobLimits limits;
    limits.max_depth = 70;
    CHECK(Expand(deep, "/d", "**/x.yaml", limits).size() == 1);
  }

  TEST_CASE("'**' and '*' between them cost no more than the tree they cover") {
    MemoryDirectoryLister chain;  // /d/x.yaml, /d/a/x.yaml, ... 40 directories deep
    std::string path = "/d";
    for (int i = 0; i <= 40; ++i, path += "/a") chain.AddFile(path + "/x.yaml");
    Paths matches;
    // Tried path by path, the ways to place four `*` among 40 directories number 91,390.
    CHECK(SecondsFor([&] { matches = Expand(chain, "/d", "**/*/**/*/**/*/**/*/**/x.yaml"); }) <
          0.5);
    REQUIRE(matches.size() == 37);  // 4 to 40 directories deep
    CHECK(matches.back() ==
          "a/a/a/a/x.yaml");  // the shortest sorts last: "a/a/a/a/a" < "a/a/a/a/x"
  }

  TEST_CASE("several patterns: one result each, in order") {
    const std::vector<GlobResult> results = ExpandGlobs(
        Repository(), "/repo", {"boards/*.yaml", "profiles/*.yaml", "a**", "qemuc.yaml"});
    REQUIRE(results.size() == 4);
    CHECK(results[0].matches == Paths{"boards/arm.yaml", "boards/x64.yaml"});
    CHECK_FALSE(results[1].error);
    CHECK(results[1].matches.empty());  // the caller says "matches nothing" at this pattern
    REQUIRE(results[2].error);
    CHECK(results[2].error->offset == 1);
    CHECK(results[3].matches == Paths{"qemuc.yaml"});
  }

  TEST_CASE("on the disk: links, loops, special files and unusual names") {
    TemporaryDirectory directory;
    const std::string root = directory.path();
    REQUIRE(mkdir((root + "/b").c_str(), 0700) == 0);
    REQUIRE(mkdir((root + "/b/sub").c_str(), 0700) == 0);
    for (const char* name :
         {"b/a.yaml", "b/sub/c.yaml", "b/with space, comma.yaml", "b/\xC3\xA9t\xC3\xA9.yaml",
          "b/star*.yaml", "b/what?.yaml", "b/[x]\\y.yaml", "b/new\nline.yaml", "b/.hidden.yaml"})
      directory.Write(name, "name: x\n");
    REQUIRE(symlink("..", (root + "/b/sub/up").c_str()) == 0);         // a loop
    REQUIRE(symlink(".", (root + "/b/self").c_str()) == 0);            // another
    REQUIRE(symlink("a.yaml", (root + "/b/link.yaml").c_str()) == 0);  // a link to a file
    REQUIRE(symlink("gone.yaml", (root + "/b/dangling.yaml").c_str()) == 0);
    REQUIRE(symlink("loop.yaml", (root + "/b/loop.yaml").c_str()) == 0);
    REQUIRE(mkfifo((root + "/b/fifo.yaml").c_str(), 0600) == 0);
    const DiskDirectoryLister disk;
    const Paths all = {"b/[x]\\y.yaml",
                       "b/a.yaml",
                       "b/link.yaml",
                       "b/new\nline.yaml",
                       "b/star*.yaml",
                       "b/sub/c.yaml",
                       "b/what?.yaml",
                       "b/with space, comma.yaml",
                       "b/\xC3\xA9t\xC3\xA9.yaml"};
    CHECK(Expand(disk, root, "**/*.yaml") == all);
    CHECK(Expand(disk, root + "/b/sub", "../*.yaml") ==
          Paths{"../[x]\\y.yaml", "../a.yaml", "../link.yaml", "../new\nline.yaml", "../star*.yaml",
                "../what?.yaml", "../with space, comma.yaml", "../\xC3\xA9t\xC3\xA9.yaml"});
    CHECK(Expand(disk, root, "b/*/a.yaml") == Paths{"b/self/a.yaml"});  // `*` follows links
    CHECK(Expand(disk, root, "b/*/*/c.yaml") == Paths{"b/self/sub/c.yaml"});
    CHECK(Expand(disk, root, "b/sub/up/a.yaml") == Paths{"b/sub/up/a.yaml"});  // literal: followed
    CHECK(Expand(disk, root, "b/star*.yaml") == Paths{"b/star*.yaml"});
    CHECK(Expand(disk, root, "b/what?.yaml") == Paths{"b/what?.yaml"});
    CHECK(Expand(disk, root, "b/[x]\\y.yaml") == Paths{"b/[x]\\y.yaml"});
    CHECK(Expand(disk, root, "b/with space, comma.yaml") == Paths{"b/with space, comma.yaml"});
    CHECK(Expand(disk, root, "b/?t?.yaml") == Paths{"b/\xC3\xA9t\xC3\xA9.yaml"});
    CHECK(Expand(disk, root, "b/.*") == Paths{"b/.hidden.yaml"});
    for (const char* special : {"b/fifo.yaml", "b/dangling.yaml", "b/loop.yaml", "b/sub"})
      CHECK_MESSAGE(Expand(disk, root, special).empty(), special);
    CHECK(Expand(disk, root + "/missing", "*.yaml") ==
          Paths{"error at 0: cannot list '.': No such file or directory"});
    CHECK(Expand(disk, root, "b/a.yaml/*.yaml").empty());  // a file is no directory
  }

  TEST_CASE("on the disk: each match comes with its file's inode number, or none") {
    TemporaryDirectory directory;
    const std::string root = directory.path();
    REQUIRE(mkdir((root + "/b").c_str(), 0700) == 0);
    directory.Write("b/a.yaml", "");
    directory.Write("target.yaml", "");
    REQUIRE(symlink("../target.yaml", (root + "/b/link.yaml").c_str()) == 0);
    REQUIRE(symlink("b", (root + "/alias").c_str()) == 0);
    const auto inode_of = [&](const std::string& path) {
      struct stat info {};
      REQUIRE(stat((root + "/" + path).c_str(), &info) == 0);
      return info.st_ino;
    };
    const DiskDirectoryLister disk;
    const GlobResult listed = ExpandGlob(disk, root, "alias/*.yaml");  // a linked directory
    REQUIRE(listed.matches == Paths{"alias/a.yaml", "alias/link.yaml"});
    REQUIRE(listed.inodes.size() == 2);
    // A regular file: readdir's number where the file system's is stat's (tmpfs, ext4, ...).
    CHECK((!listed.inodes[0] || *listed.inodes[0] == inode_of("b/a.yaml")));
    struct statfs file_system {};
    REQUIRE(statfs(root.c_str(), &file_system) == 0);
    if (file_system.f_type == TMPFS_MAGIC || file_system.f_type == EXT4_SUPER_MAGIC)
      CHECK(listed.inodes[0] == inode_of("b/a.yaml"));
    // A link was followed by a stat: the number of what it leads to, on any file system.
    CHECK(listed.inodes[1] == inode_of("target.yaml"));
    const GlobResult looked_up = ExpandGlob(disk, root, "alias/link.yaml");  // a literal
    CHECK(looked_up.inodes == std::vector<SeenInode>{inode_of("target.yaml")});
    CHECK(ExpandGlob(Repository(), "/repo", "boards/x64.yaml").inodes ==
          std::vector<SeenInode>{std::nullopt});  // a tree in memory has none
  }

  TEST_CASE("on the disk: an unreadable directory met by '**' is an error naming it") {
    TemporaryDirectory directory;
    const std::string locked = directory.path() + "/locked";
    REQUIRE(mkdir(locked.c_str(), 0700) == 0);
    directory.Write("locked/a.yaml", "");
    REQUIRE(chmod(locked.c_str(), 0) == 0);
    const DiskDirectoryLister disk;
    if (geteuid() != 0) {  // root reads it anyway
      CHECK(Expand(disk, directory.path(), "**/*.yaml") ==
            Paths{"error at 0: cannot list 'locked': Permission denied"});
    }
    CHECK(disk.List(directory.path() + "/none", 10).error ==
          std::string("No such file or directory"));
    CHECK(disk.Examine(directory.path() + "/none/x").kind == EntryKind::kMissing);
    REQUIRE(chmod(locked.c_str(), 0700) == 0);  // so that the directory can be removed
  }

  TEST_CASE("the disk lister stops at its limit and names the kinds") {
    TemporaryDirectory directory;
    for (int i = 0; i < 20; ++i) directory.Write(std::to_string(i) + ".yaml", "");
    const DiskDirectoryLister disk;
    CHECK(disk.List(directory.path(), 5).entries.size() == 5);
    const DirectoryListing listing = disk.List(directory.path(), 100);
    CHECK(listing.entries.size() == 20);
    CHECK(listing.entries[0].kind == EntryKind::kFile);
    REQUIRE(symlink(directory.path().c_str(), (directory.path() + "/link").c_str()) == 0);
    CHECK(disk.Examine(directory.path() + "/link").kind == EntryKind::kLinkToDirectory);
    CHECK(disk.Examine(directory.path()).kind == EntryKind::kDirectory);
    CHECK(disk.Examine(directory.path() + "/0.yaml").kind == EntryKind::kFile);
  }
}

}  // namespace
}  // namespace qemuc
