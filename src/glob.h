// Glob patterns for the project file's `profiles` (SPEC §8): `*`, `?` and `**` over relative
// paths, expanded through an injected DirectoryLister so that tests run on an in-memory tree.
//
// The rules (README, "Working with a repository of boards"):
// - `*` matches any run of characters within one path segment, `?` exactly one character (one
//   UTF-8 character, or one byte that is not UTF-8); every other character is literal, `[` and `\`
//   included. Matching is byte for byte: no case folding, no Unicode normalisation.
// - `**` is a whole segment only and matches zero or more directories; a trailing `**` means
//   every file below (`base/**` is `base/**/*`).
// - `*`, `?` and `**` never match a name starting with `.` unless the pattern segment itself
//   starts with `.`, and never match `.` or `..`: `**/*.yaml` does not walk into `.git`.
// - `**` does not descend into symbolic links to directories (no loops); `*` and literal
//   segments follow them. Matches are regular files, or links to them.
// - Patterns are relative (to the project file's directory). `.` and `..` may appear, as
//   literal segments before the first wildcard (`../shared/*.yaml`).
#ifndef QEMUC_GLOB_H_
#define QEMUC_GLOB_H_

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qemuc {

// True when one path segment `name` matches `pattern` (`*` and `?`, no `/` in either). The dot
// rule is not applied here. Time O(n * c) for a name of n bytes and the longest literal run c
// between two `*`: never exponential, whatever the pattern.
bool MatchSegment(std::string_view pattern, std::string_view name);

// What a directory entry is. A symbolic link is reported as what it leads to; a dangling link,
// a FIFO, a device or a socket is kOther.
enum class EntryKind { kMissing, kFile, kDirectory, kLinkToDirectory, kOther };

// The inode number of a file as the lister saw it on the way (what stat would say as st_ino),
// or nullopt when it could not tell without another stat. A necessary condition only: build
// and check stat just the profiles whose number is an output's (or unknown), not 10,000 of them.
using SeenInode = std::optional<ino_t>;

struct DirectoryEntry {
  std::string name;
  EntryKind kind;
  SeenInode inode;  // of the file, or of what a link leads to
};

// A directory's entries (without `.` and `..`, in any order), or why it could not be listed.
struct DirectoryListing {
  std::vector<DirectoryEntry> entries;
  std::optional<std::string> error;  // "Permission denied"
};

// What one path is: kMissing when it does not exist (or a parent is not a directory), or why
// it could not be examined.
struct PathKind {
  EntryKind kind = EntryKind::kMissing;
  std::optional<std::string> error;
  SeenInode inode;  // of the file, or of what a link leads to
};

class DirectoryLister {
 public:
  virtual ~DirectoryLister() = default;
  // Stops after `limit` entries, so that a huge directory cannot exhaust memory before the
  // caller's limit on visited entries says so.
  virtual DirectoryListing List(const std::string& directory, size_t limit) const = 0;
  virtual PathKind Examine(const std::string& path) const = 0;
};

// The real file system: opendir/readdir, with lstat where d_type is unknown and stat where an
// entry is a symbolic link. An entry's inode is readdir's d_ino only on file systems known to
// report the st_ino there (ext4, xfs, btrfs, tmpfs, f2fs; not vfat, FUSE or overlayfs), else
// what a stat on the way said, else unknown.
class DiskDirectoryLister : public DirectoryLister {
 public:
  DirectoryListing List(const std::string& directory, size_t limit) const override;
  PathKind Examine(const std::string& path) const override;
};

// A tree in memory for tests. Paths are normalised lexically ("a/./b/../c" is "a/c"); adding a
// path adds its parent directories.
class MemoryDirectoryLister : public DirectoryLister {
 public:
  void AddFile(const std::string& path) { Add(path, EntryKind::kFile); }
  void AddDirectory(const std::string& path) { Add(path, EntryKind::kDirectory); }
  void Add(const std::string& path, EntryKind kind);
  // Listing `directory` fails with `error`; its entries can still be examined one by one.
  void MakeUnlistable(const std::string& directory, std::string error);
  DirectoryListing List(const std::string& directory, size_t limit) const override;
  PathKind Examine(const std::string& path) const override;

 private:
  std::map<std::string, EntryKind> kinds_;
  std::map<std::string, std::string> unlistable_;
};

// Bounds on one expansion; past any of them the expansion stops with an error, not a hang.
struct GlobLimits {
  size_t max_entries = 1'000'000;  // directory entries listed and paths examined
  size_t max_depth = 64;           // directories below the base directory
  size_t max_matches = 100'000;
};

// A pattern's error, at a 0-based byte offset in the pattern: a syntax error at its place, an
// expansion error at the segment being expanded (the `*` whose directory could not be listed).
struct GlobError {
  size_t offset = 0;
  std::string message;
};

// A pattern's matches, relative to the base directory and spelled as the pattern spells them
// ("boards/a.yaml"), sorted by bytes, each once; or its error.
struct GlobResult {
  std::vector<std::string> matches;
  std::optional<GlobError> error;
  std::vector<SeenInode> inodes;  // inodes[i]: of matches[i], as the lister saw it
};

// The syntax error of `pattern`, if any, without looking at the disk.
std::optional<GlobError> CheckGlobSyntax(std::string_view pattern);

// Expands `pattern` below `base_directory` ("" is the current directory).
GlobResult ExpandGlob(const DirectoryLister& lister, const std::string& base_directory,
                      std::string_view pattern, const GlobLimits& limits = {});

// One result per pattern, in order, so that each "matches nothing" is reported at its pattern.
std::vector<GlobResult> ExpandGlobs(const DirectoryLister& lister,
                                    const std::string& base_directory,
                                    const std::vector<std::string>& patterns,
                                    const GlobLimits& limits = {});

}  // namespace qemuc

#endif  // QEMUC_GLOB_H_
