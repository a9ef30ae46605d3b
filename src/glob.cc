#include "glob.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "utf8.h"

namespace qemuc {
namespace {

constexpr size_t kNone = std::string_view::npos;

// The length of the character at text[i]: a UTF-8 sequence, or one byte that is not UTF-8 (file
// names are bytes; `?` must still match exactly one of something).
size_t CharacterLength(std::string_view text, size_t i) {
  const size_t length = Utf8SequenceLength(text, i);
  return length == 0 ? 1 : length;
}

// Where a run `chunk` (literals and `?`, no `*`) placed at name[at] ends, or kNone when it does
// not match there. Deterministic: no choice, so no backtracking.
size_t MatchChunkAt(std::string_view chunk, std::string_view name, size_t at) {
  for (char c : chunk) {
    if (at >= name.size()) return kNone;
    if (c == '?') {
      at += CharacterLength(name, at);
    } else if (c == name[at]) {
      ++at;
    } else {
      return kNone;
    }
  }
  return at;
}

// The end of the leftmost match of `chunk` starting at a character boundary at or after `from`,
// or kNone. With `whole`, the match must also end where the name ends.
size_t FindChunk(std::string_view chunk, std::string_view name, size_t from, bool whole) {
  // A literal run that must end the name has one place to be tried: where it ends the name (the
  // `.yaml` of `*.yaml`). A character starts there, as the walk below would find, unless the run
  // itself starts with a continuation byte; then the walk decides.
  if (whole && !chunk.empty() && chunk.find('?') == kNone &&
      (static_cast<unsigned char>(chunk[0]) & 0xC0) != 0x80) {
    if (chunk.size() > name.size() - from) return kNone;
    return name.substr(name.size() - chunk.size()) == chunk ? name.size() : kNone;
  }
  for (size_t at = from; at <= name.size();
       at += at < name.size() ? CharacterLength(name, at) : 1) {
    const size_t end = MatchChunkAt(chunk, name, at);
    if (end != kNone && (!whole || end == name.size())) return end;
  }
  return kNone;
}

}  // namespace

// The runs between `*`s are placed leftmost, one after the other: a run that matches further
// left leaves more of the name to the runs after it, so the first placement found is as good as
// any (the greedy argument for star-separated patterns). Each start position is tried once per
// run, hence O(n * c) and no exponential backtracking.
bool MatchSegment(std::string_view pattern, std::string_view name) {
  const size_t first_star = pattern.find('*');
  if (first_star == kNone) return MatchChunkAt(pattern, name, 0) == name.size();
  size_t at = MatchChunkAt(pattern.substr(0, first_star), name, 0);
  const size_t last_star = pattern.rfind('*');
  for (size_t begin = first_star + 1; at != kNone && begin <= last_star;) {
    const size_t next_star = pattern.find('*', begin);
    const std::string_view chunk = pattern.substr(begin, next_star - begin);
    if (!chunk.empty()) at = FindChunk(chunk, name, at, false);
    begin = next_star + 1;
  }
  if (at == kNone) return false;
  return FindChunk(pattern.substr(last_star + 1), name, at, true) != kNone;
}

namespace {

enum class SegmentKind { kLiteral, kWildcard, kGlobstar };

struct Segment {
  SegmentKind kind;
  std::string_view text;
  size_t offset;  // of the segment's first byte in the pattern, for errors
};

struct ParsedGlob {
  std::vector<Segment> segments;
  std::optional<GlobError> error;
};

ParsedGlob Failed(size_t offset, std::string message) {
  return {{}, GlobError{offset, std::move(message)}};
}

std::optional<GlobError> CheckSegment(std::string_view text, size_t offset, bool after_wildcard) {
  const size_t stars = text.find("**");
  if (stars != kNone && text != "**")
    return GlobError{offset + stars, "'**' must be a whole path segment, as in 'base/**/*.yaml'"};
  // After a wildcard, `..` would name one file under many spellings (`a/../x`, `b/../x`).
  if (after_wildcard && (text == "." || text == ".."))
    return GlobError{offset, "'" + std::string(text) + "' cannot follow a wildcard segment"};
  return std::nullopt;
}

SegmentKind KindOf(std::string_view text) {
  if (text == "**") return SegmentKind::kGlobstar;
  if (text.find_first_of("*?") != kNone) return SegmentKind::kWildcard;
  return SegmentKind::kLiteral;
}

ParsedGlob ParseGlob(std::string_view pattern) {
  if (pattern.empty()) return Failed(0, "empty glob");
  const size_t nul = pattern.find('\0');
  if (nul != kNone) return Failed(nul, "a glob cannot contain a NUL byte");
  // Refused rather than allowed: a project file is checked in, and an absolute path would make
  // it mean something else on every machine. `..` covers a repository's own neighbours.
  if (pattern[0] == '/') return Failed(0, "absolute glob; write it relative to the project file");
  ParsedGlob parsed;
  bool after_wildcard = false;
  for (size_t begin = 0; begin <= pattern.size();) {
    const size_t slash = std::min(pattern.find('/', begin), pattern.size());
    const std::string_view text = pattern.substr(begin, slash - begin);
    if (text.empty() && slash == pattern.size())
      return Failed(begin - 1, "a glob cannot end in '/': it matches files");
    if (text.empty()) return Failed(begin, "empty path segment ('//') in glob");
    if (std::optional<GlobError> error = CheckSegment(text, begin, after_wildcard))
      return {{}, std::move(error)};
    const SegmentKind kind = KindOf(text);
    const bool repeated_globstar = kind == SegmentKind::kGlobstar && !parsed.segments.empty() &&
                                   parsed.segments.back().kind == SegmentKind::kGlobstar;
    if (!repeated_globstar) parsed.segments.push_back({kind, text, begin});  // `**/**` is `**`
    after_wildcard = after_wildcard || kind != SegmentKind::kLiteral;
    begin = slash + 1;
  }
  if (parsed.segments.back().kind == SegmentKind::kGlobstar)
    parsed.segments.push_back({SegmentKind::kWildcard, "*", parsed.segments.back().offset});
  return parsed;
}

std::string Join(const std::string& directory, const std::string& name) {
  if (directory.empty()) return name;
  std::string path;
  path.reserve(directory.size() + 1 + name.size());  // one allocation per match, not three
  path.append(directory).append(1, '/').append(name);
  return path;
}

// A relative path as messages show it: the base directory itself is ".".
std::string Shown(const std::string& relative) {
  return "'" + (relative.empty() ? std::string(".") : relative) + "'";
}

bool IsDirectory(EntryKind kind) {
  return kind == EntryKind::kDirectory || kind == EntryKind::kLinkToDirectory;
}

// `*`, `?` and `**` leave hidden names alone unless the segment asks for them by its own dot,
// and never take `.` or `..` (a lister should not return them; this one does not trust it).
bool Hidden(const std::string& name, std::string_view segment) {
  if (name.empty() || name == "." || name == "..") return true;
  return name[0] == '.' && segment[0] != '.';
}

// One expansion: a walk over states (directory, index of the segment still to match). Each
// state is visited once, so `**/*/**/x` costs no more than the tree it covers, and the walk is
// a loop over a stack, not a recursion as deep as the pattern is long.
class GlobWalker {
 public:
  GlobWalker(const DirectoryLister& lister, const std::string& base,
             const std::vector<Segment>& segments, const GlobLimits& limits)
      : lister_(lister), base_(base), segments_(segments), limits_(limits) {}

  GlobResult Run() {
    pending_.push_back({"", 0, 0});
    while (!pending_.empty() && !error_) {
      const State state = std::move(pending_.back());
      pending_.pop_back();
      if (visited_.insert({state.directory, state.index}).second) Step(state);
    }
    if (error_) return {{}, error_, {}};
    // std::string orders by unsigned bytes. Each state is visited once, so a path is found once;
    // std::unique only guards that. The matches of one sorted listing come sorted: checked in
    // one pass, not sorted again (of `boards/*.yaml` over 10,000 boards, a fifth of the glob).
    const auto by_path = [](const Match& a, const Match& b) { return a.path < b.path; };
    if (!std::is_sorted(matches_.begin(), matches_.end(), by_path))
      std::sort(matches_.begin(), matches_.end(), by_path);
    const auto same_path = [](const Match& a, const Match& b) { return a.path == b.path; };
    matches_.erase(std::unique(matches_.begin(), matches_.end(), same_path), matches_.end());
    GlobResult result;
    result.matches.reserve(matches_.size());
    result.inodes.reserve(matches_.size());
    for (Match& match : matches_) {
      result.matches.push_back(std::move(match.path));
      result.inodes.push_back(match.inode);
    }
    return result;
  }

 private:
  struct State {
    std::string directory;  // relative to the base, as the pattern spells it; "" is the base
    size_t index;           // the segment to match in it
    size_t depth;           // directories below the base
  };

  struct Match {
    std::string path;
    SeenInode inode;
  };

  void Step(const State& state) {
    const Segment& segment = segments_[state.index];
    if (segment.kind == SegmentKind::kLiteral) return StepLiteral(state, segment);
    const DirectoryListing* listing = List(state.directory, segment);
    if (listing == nullptr) return;
    if (segment.kind == SegmentKind::kGlobstar) return StepGlobstar(state, segment, *listing);
    const bool last = state.index + 1 == segments_.size();
    for (const DirectoryEntry& entry : listing->entries) {
      if (Hidden(entry.name, segment.text) || !MatchSegment(segment.text, entry.name)) continue;
      Reach(state, Join(state.directory, entry.name), entry.kind, entry.inode, last);
    }
  }

  // A literal segment names its entry: looked up, not listed.
  void StepLiteral(const State& state, const Segment& segment) {
    const std::string path = Join(state.directory, std::string(segment.text));
    if (!Count(1)) return;
    const PathKind found = lister_.Examine(DiskPath(path));
    if (found.error)
      return Fail(segment.offset, "cannot examine " + Shown(path) + ": " + *found.error);
    Reach(state, path, found.kind, found.inode, state.index + 1 == segments_.size());
  }

  // Zero directories (the next segment here), or one more (`**` again, one level down).
  void StepGlobstar(const State& state, const Segment& segment, const DirectoryListing& listing) {
    pending_.push_back({state.directory, state.index + 1, state.depth});
    for (const DirectoryEntry& entry : listing.entries) {
      if (entry.kind != EntryKind::kDirectory || Hidden(entry.name, segment.text)) continue;
      const std::string child = Join(state.directory, entry.name);
      if (state.depth + 1 > limits_.max_depth) {
        return Fail(segment.offset, "'**' goes more than " + std::to_string(limits_.max_depth) +
                                        " directories deep, into " + Shown(child));
      }
      pending_.push_back({child, state.index, state.depth + 1});
    }
  }

  // `path` matched the segment at state.index: a match if it was the last, else a directory to go
  // on in.
  void Reach(const State& state, std::string path, EntryKind kind, SeenInode inode, bool last) {
    if (last && kind == EntryKind::kFile) return AddMatch(std::move(path), inode);
    if (!last && IsDirectory(kind)) {
      pending_.push_back({std::move(path), state.index + 1, state.depth + 1});
    }
  }

  void AddMatch(std::string path, SeenInode inode) {
    matches_.push_back({std::move(path), inode});
    if (matches_.size() > limits_.max_matches)
      Fail(0, "glob matches more than " + std::to_string(limits_.max_matches) + " files");
  }

  // The directory's entries sorted by name (so that errors and limits are deterministic), listed
  // once per expansion; nullptr after an error.
  const DirectoryListing* List(const std::string& directory, const Segment& segment) {
    auto cached = listings_.find(directory);
    if (cached != listings_.end()) return &cached->second;
    const size_t room = limits_.max_entries - visited_entries_ + 1;
    DirectoryListing listing = lister_.List(DiskPath(directory), room);
    if (listing.error) {
      Fail(segment.offset, "cannot list " + Shown(directory) + ": " + *listing.error);
      return nullptr;
    }
    if (!Count(listing.entries.size())) return nullptr;
    std::sort(listing.entries.begin(), listing.entries.end(),
              [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
    return &listings_.emplace(directory, std::move(listing)).first->second;
  }

  bool Count(size_t entries) {
    visited_entries_ += entries;
    if (visited_entries_ <= limits_.max_entries) return true;
    Fail(0, "glob visits more than " + std::to_string(limits_.max_entries) +
                " directory entries; make it narrower");
    return false;
  }

  std::string DiskPath(const std::string& relative) const {
    if (base_.empty()) return relative.empty() ? "." : relative;
    if (relative.empty()) return base_;
    return base_.back() == '/' ? base_ + relative : base_ + "/" + relative;
  }

  void Fail(size_t offset, std::string message) {
    if (!error_) error_ = GlobError{offset, std::move(message)};
  }

  const DirectoryLister& lister_;
  const std::string& base_;
  const std::vector<Segment>& segments_;
  const GlobLimits& limits_;
  std::vector<State> pending_;
  std::set<std::pair<std::string, size_t>> visited_;
  std::map<std::string, DirectoryListing> listings_;
  std::vector<Match> matches_;
  size_t visited_entries_ = 0;
  std::optional<GlobError> error_;
};

}  // namespace

std::optional<GlobError> CheckGlobSyntax(std::string_view pattern) {
  return ParseGlob(pattern).error;
}

GlobResult ExpandGlob(const DirectoryLister& lister, const std::string& base_directory,
                      std::string_view pattern, const GlobLimits& limits) {
  const ParsedGlob parsed = ParseGlob(pattern);
  if (parsed.error) return {{}, parsed.error, {}};
  return GlobWalker(lister, base_directory, parsed.segments, limits).Run();
}

std::vector<GlobResult> ExpandGlobs(const DirectoryLister& lister,
                                    const std::string& base_directory,
                                    const std::vector<std::string>& patterns,
                                    const GlobLimits& limits) {
  std::vector<GlobResult> results;
  for (const std::string& pattern : patterns)
    results.push_back(ExpandGlob(lister, base_directory, pattern, limits));
  return results;
}

// The disk.

namespace {

// A dangling link, a FIFO, a device: neither a match nor a directory to enter.
const PathKind kUnusable = {EntryKind::kOther, std::nullopt, std::nullopt};

// What a stat says of an entry: for a link, of what it leads to.
PathKind KindOfStat(const struct stat& info, bool through_link) {
  if (S_ISREG(info.st_mode)) return {EntryKind::kFile, std::nullopt, info.st_ino};
  if (S_ISDIR(info.st_mode)) {
    return {through_link ? EntryKind::kLinkToDirectory : EntryKind::kDirectory, std::nullopt,
            info.st_ino};
  }
  return kUnusable;
}

// What a symbolic link leads to; a dangling link or a loop of links is kOther.
PathKind FollowLink(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return kUnusable;
  return KindOfStat(info, true);
}

// Whether readdir's d_ino is the st_ino a stat of the entry would give, on the file system
// holding the open `directory`. On these it is the inode's own number; vfat makes numbers up for
// files not in memory, a FUSE file system says what its daemon likes, overlayfs remaps them by its
// layers. (A file mounted over an entry is the exception everywhere: d_ino is the covered file's.)
bool ReaddirKnowsInodes(int directory) {
  struct statfs info {};
  if (fstatfs(directory, &info) != 0) return false;
  switch (static_cast<unsigned long>(info.f_type)) {
    case EXT4_SUPER_MAGIC:  // ext2 and ext3 too
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case TMPFS_MAGIC:
    case F2FS_SUPER_MAGIC:
      return true;
    default:
      return false;
  }
}

// A regular file or a directory says what it is in d_type (no path, no stat: most entries of a
// repository of boards); a link or a file system that does not fill d_type costs a stat.
PathKind KindOfEntry(const std::string& directory, const dirent& entry, bool inode_known) {
  const SeenInode inode = inode_known ? SeenInode(entry.d_ino) : std::nullopt;
  switch (entry.d_type) {
    case DT_REG:
      return {EntryKind::kFile, std::nullopt, inode};
    case DT_DIR:
      return {EntryKind::kDirectory, std::nullopt, inode};
    case DT_LNK:
      return FollowLink(directory + "/" + entry.d_name);
    case DT_UNKNOWN:
      break;  // some file systems do not say: ask lstat
    default:
      return kUnusable;
  }
  const std::string path = directory + "/" + entry.d_name;
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) return kUnusable;  // removed meanwhile
  if (S_ISLNK(info.st_mode)) return FollowLink(path);
  return KindOfStat(info, false);
}

struct DirectoryCloser {
  void operator()(DIR* directory) const { closedir(directory); }
};

}  // namespace

DirectoryListing DiskDirectoryLister::List(const std::string& directory, size_t limit) const {
  const std::unique_ptr<DIR, DirectoryCloser> handle(opendir(directory.c_str()));
  if (handle == nullptr) return {{}, std::string(std::strerror(errno))};
  // The directory opened, not its path: through a link or a mount, it is the one listed.
  const bool inode_known = ReaddirKnowsInodes(dirfd(handle.get()));
  DirectoryListing listing;
  while (listing.entries.size() < limit) {
    errno = 0;
    const dirent* entry = readdir(handle.get());
    if (entry == nullptr) {
      if (errno != 0) return {{}, std::string(std::strerror(errno))};
      break;
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    const PathKind kind = KindOfEntry(directory, *entry, inode_known);
    listing.entries.push_back({std::string(name), kind.kind, kind.inode});
  }
  return listing;
}

PathKind DiskDirectoryLister::Examine(const std::string& path) const {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return {EntryKind::kMissing, std::nullopt, {}};
    return {EntryKind::kMissing, std::string(std::strerror(errno)), {}};
  }
  if (S_ISLNK(info.st_mode)) return FollowLink(path);
  return KindOfStat(info, false);
}

// Memory, for tests.

namespace {

// "a/./b/../c" -> "a/c"; "" and "." -> ""; an absolute path keeps its leading "/".
std::string Normalise(const std::string& path) {
  std::vector<std::string> parts;
  for (size_t begin = 0; begin <= path.size();) {
    const size_t slash = std::min(path.find('/', begin), path.size());
    const std::string part = path.substr(begin, slash - begin);
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    begin = slash + 1;
  }
  std::string normal = !path.empty() && path[0] == '/' ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) normal += (i > 0 ? "/" : "") + parts[i];
  return normal;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void MemoryDirectoryLister::Add(const std::string& path, EntryKind kind) {
  std::string normal = Normalise(path);
  kinds_[normal] = kind;
  while (!normal.empty() && normal != "/") {
    normal = ParentOf(normal);
    kinds_.emplace(normal, EntryKind::kDirectory);  // keeps a link already added
  }
}

void MemoryDirectoryLister::MakeUnlistable(const std::string& directory, std::string error) {
  unlistable_[Normalise(directory)] = std::move(error);
}

DirectoryListing MemoryDirectoryLister::List(const std::string& directory, size_t limit) const {
  const std::string normal = Normalise(directory);
  const auto unlistable = unlistable_.find(normal);
  if (unlistable != unlistable_.end()) return {{}, unlistable->second};
  const EntryKind kind = Examine(normal).kind;
  if (kind == EntryKind::kMissing) return {{}, std::string(std::strerror(ENOENT))};
  if (!IsDirectory(kind)) return {{}, std::string(std::strerror(ENOTDIR))};
  const std::string prefix = normal.empty() || normal == "/" ? normal : normal + "/";
  DirectoryListing listing;
  for (auto it = kinds_.lower_bound(prefix); it != kinds_.end() && listing.entries.size() < limit;
       ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    const std::string name = it->first.substr(prefix.size());
    if (!name.empty() && name.find('/') == std::string::npos)
      listing.entries.push_back({name, it->second, std::nullopt});  // numbers are the disk's
  }
  return listing;
}

PathKind MemoryDirectoryLister::Examine(const std::string& path) const {
  const auto found = kinds_.find(Normalise(path));
  if (found == kinds_.end()) return {EntryKind::kMissing, std::nullopt, {}};
  return {found->second, std::nullopt, {}};
}

}  // namespace qemuc
