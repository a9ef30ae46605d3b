// Every profile file read and parsed at most once per run, and shape-checked at most once per
// role, so that `validate` of many boards (and `check`, which also applies some of them as
// overlay files) reads a shared base once. Safe to use from several threads (validate -j):
// each file is loaded by the first thread that asks for it, the others wait for it.
#ifndef QEMUC_PARSED_FILE_CACHE_H_
#define QEMUC_PARSED_FILE_CACHE_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "diagnostic.h"
#include "file_reader.h"
#include "node.h"
#include "parallel.h"
#include "sha256.h"
#include "shape_check.h"

namespace qemuc {

// What the cache keeps of a profile named on the command line (one of `validate`'s thousands),
// once the caller's diagnostics no longer hold it: all of it (a compile, resolve, graph), or none
// of it (validate and check, whose memory stays bounded however many profiles they check).
// Parents and overlay files are always kept: most profiles share them.
enum class Retention { kKeepAll, kReleaseProfiles };

// What is kept of a file read for the result cache: its digest, and what fstat said of it.
struct ReadDigest {
  Digest digest;
  std::optional<FileStatus> status;
};

constexpr size_t kFileRoles = static_cast<size_t>(FileRole::kOverlay) + 1;

class ParsedFileCache {
 public:
  explicit ParsedFileCache(Retention retention = Retention::kKeepAll) : retention_(retention) {}

  struct Entry {
    const SourceFile* file = nullptr;
    NodePtr root;     // nullptr: the file could not be read or parsed
    bool ok = false;  // false: problems were reported (root may still be there, for notes)
  };

  // `path` is absolute. `named_at` is the place that names the file (an extends entry), or
  // nullptr for the command line; a file that cannot be read is reported there. The problems
  // found inside the file are reported to every caller, so that each profile's report is whole
  // whichever thread loaded the file first; the CLI prints a repeated diagnostic once.
  // `diagnostics` retain the file: the entry stays valid as long as they live.
  Entry Get(const FileReader& reader, SourceSet& sources, const std::string& path,
            const std::string& display_path, FileRole role, const SourceRange* named_at,
            Diagnostics& diagnostics);

  void set_retention(Retention retention) { retention_ = retention; }

  // Digests of the bytes of every file read from now on, for the result cache: those that were
  // checked, not those on disk a moment later.
  void set_keep_digests(bool keep) { keep_digests_ = keep; }
  // The digest of each file (absolute paths) read since set_keep_digests(true), in order;
  // nullopt when one was not read so (or is no longer held).
  std::optional<std::vector<ReadDigest>> DigestsOf(const std::vector<std::string>& paths);

 private:
  // The shape check of a parsed file in one role (a profile, an overlay file).
  struct Checked {
    OnceFlag checked;
    bool ok = false;
    std::vector<Diagnostic> problems;
  };
  // A file's text and tree: read and parsed once, whatever roles it is asked for in.
  struct Parsed {
    OnceFlag loaded;
    std::unique_ptr<SourceFile> text;  // what `file`, `root` and `problems` point into
    const SourceFile* file = nullptr;  // nullptr: not read, or its bytes are not text
    NodePtr root;                      // nullptr: not read, or not parsed
    std::string read_error;            // not empty: the file could not be read
    std::optional<ReadDigest> digest;  // of its bytes, when asked for
    std::vector<Diagnostic> problems;  // found while checking its bytes and parsing it
    Checked checked[kFileRoles];       // by FileRole
  };
  // A file's entry: held by the cache, or only by the diagnostics that retain it.
  struct Slot {
    std::shared_ptr<Parsed> kept;
    std::weak_ptr<Parsed> released;

    // The entry, whoever holds it; nullptr once a released one is gone.
    std::shared_ptr<Parsed> Live() const { return kept != nullptr ? kept : released.lock(); }
  };

  std::shared_ptr<Parsed> ParsedFor(const std::string& path, bool keep);
  void DropReleased();  // with mutex_ held
  void Load(Parsed& parsed, const FileReader& reader, const std::string& path,
            const std::string& display_path) const;

  Retention retention_;
  bool keep_digests_ = false;
  std::mutex mutex_;
  // By path. Hashed: every thread asks for several files per profile, and a search tree of
  // 10,000 paths walked and rebalanced by two threads cost validate -j 2 4% of its time.
  std::unordered_map<std::string, Slot> parsed_;
  size_t slots_after_drop_ = 0;  // the size of parsed_ after DropReleased last ran
};

}  // namespace qemuc

#endif  // QEMUC_PARSED_FILE_CACHE_H_
