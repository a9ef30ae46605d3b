// Results of validate and check kept between runs, as ruff, eslint and mypy keep theirs (issue
// 14): a profile that was clean is clean again while every file it read has the same bytes, the
// options are the same and so is qemuc. Only clean results are kept: a profile with any
// diagnostic is checked again, so that every message printed comes from this run.
//
// One file, $XDG_CACHE_HOME/qemuc/results: a header naming the qemuc that wrote it, the lists of
// parents and overlay files the profiles read, one fixed-size entry per profile sorted by key,
// and a SHA-256 of all of it. A file that is short, altered or written by another qemuc is an
// empty cache: never trusted, replaced on the next save.
#ifndef QEMUC_RESULT_CACHE_H_
#define QEMUC_RESULT_CACHE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler.h"
#include "file_reader.h"
#include "output_file.h"
#include "sha256.h"

namespace qemuc {

struct FileDigest {
  std::string path;  // absolute
  Digest digest;
};

// The directory of the cache: $XDG_CACHE_HOME/qemuc, else $HOME/.cache/qemuc; "" when neither
// is set to an absolute path (the XDG base directory rules: a relative one is ignored).
std::string CacheDirectory(const char* xdg_cache_home, const char* home);

// What the cache trusts instead of reading a profile again, as git's index does: a digest of
// its device, inode, size, modification and change times (the change time cannot be set back
// by anyone but the clock). Zero for a file that cannot be stat'ed, or that changed within
// kStampMarginNs before `started_ns`: a change in the same tick as the read would leave the
// times as they were (git's "racy" files), so such a file is read again next time.
// The status may be the fstat of the read itself: a change after it sets a time past
// `started_ns`, which no longer matches next time.
constexpr int64_t kStampMarginNs = 3'000'000'000;
Digest StampOf(const std::optional<FileStatus>& status, int64_t started_ns);
Digest StampOf(const std::string& path, int64_t started_ns);  // stat() of the path now

// The most profiles the file keeps (52 bytes each): past it, those of this run win.
constexpr size_t kMaxCachedResults = 1 << 20;

class ResultCache {
 public:
  // Loads `directory`/results if it was written by a qemuc of `identity`; files are read again
  // through `reader` to see whether they changed.
  ResultCache(std::string directory, const std::string& identity, const FileReader& reader);

  // What identifies a request: qemuc, the profile's absolute path, every option that adds a
  // layer, and the current directory, against which relative -O files resolve.
  Digest KeyOf(const ProfileRequest& request, const std::string& absolute_profile,
               const std::string& current_directory) const;

  // True when the request of `key` was clean and the files it read are unchanged. Safe to call
  // from several threads.
  bool IsClean(const Digest& key, const std::string& profile_path);
  // Records that the request of `key` was clean, having read `files` (the profile first);
  // `profile_status` is what fstat said of the profile when its bytes were read (nullopt: no
  // stamp, it is read again next time).
  void RecordClean(const Digest& key, const std::vector<FileDigest>& files,
                   const std::optional<FileStatus>& profile_status);

  // The time the run started (realtime ns): what was read after it, a stamp may vouch for.
  void set_started(int64_t nanoseconds) { started_ = nanoseconds; }

  // Writes the results of this run, and those of other runs it did not replace, to a new file
  // that replaces the old one; under a lock, so that runs at the same time (pre-commit runs
  // batches of files in parallel) add to each other's results. Returns why it could not, or "".
  std::string Save();

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }
  const std::string& directory() const { return directory_; }

 private:
  struct Entry {
    Digest key;
    Digest profile;   // the profile file's bytes
    Digest stamp;     // its StampOf when those bytes were read, or all zero (none to trust)
    uint32_t others;  // index in others_: the other files it read
  };

  // The entries of the file this cache loaded, read where they lie in its bytes: a vector of them
  // beside the bytes was 5 MiB more at 100,000 profiles while the file was read.
  class LoadedEntries {
   public:
    LoadedEntries() = default;
    // `lists` numbers in others_ the lists the entries name by their number in the file.
    LoadedEntries(std::string file, size_t offset, size_t count, std::vector<uint32_t> lists)
        : file_(std::move(file)), offset_(offset), count_(count), lists_(std::move(lists)) {}
    size_t size() const { return count_; }
    Entry operator[](size_t index) const;
    // The index of the entry of `key`, or size().
    size_t Find(const Digest& key) const;

   private:
    std::string file_;
    size_t offset_ = 0;
    size_t count_ = 0;
    std::vector<uint32_t> lists_;
  };

  ResultCache(std::string directory, const Sha256Digest& identity, const FileReader& reader);
  void Load(std::string bytes);
  uint32_t AddOthers(std::vector<FileDigest> others);  // with mutex_ held
  bool Unchanged(const FileDigest& file, bool is_profile);
  // Whether the profile still has the bytes of `entry`: by its stamp when that is trusted, else
  // by reading it. `stamp` receives a stamp to keep for next time (zero for none).
  bool ProfileUnchanged(const Entry& entry, const std::string& path, Digest& stamp);
  // Whether the file still is the one this cache loaded (it ends in the same digest), so that
  // Save need not read it again.
  bool FileUnchangedSinceLoad() const;
  // The entries of this run, in key order, one per key: the recorded ones over those found clean.
  // With mutex_ held.
  void SortThisRun();
  size_t CountThisRun() const;
  // Calls visit(entry, list) for each entry the file is to hold, in key order, with the number
  // of its list of other files in others_: this run's entries, then those of `latest` (the file
  // as another run may have saved it) that this run did not replace, up to kMaxCachedResults.
  // `latest_lists` numbers latest's lists in others_; `ours_count` is CountThisRun(). With
  // mutex_ held and this run sorted.
  template <typename Visit>
  void ForEachToSave(const ResultCache& latest, const std::vector<uint32_t>& latest_lists,
                     size_t ours_count, const Visit& visit) const;
  // Writes the file, front to back, through a buffer: no copy of the entries, nor of the file.
  void Write(const ResultCache& latest, FileSink& sink);

  std::string directory_;
  Sha256Digest identity_;
  const FileReader& reader_;

  LoadedEntries loaded_;                                        // sorted by key
  std::optional<std::pair<size_t, Sha256Digest>> loaded_file_;  // its size and trailing digest
  std::vector<std::vector<FileDigest>> others_;                 // of loaded_ and of this run
  std::map<std::string, uint32_t> others_index_;

  std::mutex mutex_;
  std::vector<bool> kept_;      // loaded_[i] was found clean in this run, with the same stamp
  std::deque<Entry> this_run_;  // recorded in this run, or found clean with a new stamp: a
                                // deque grows without copying itself (5 MiB at 100,000)
  bool changed_ = false;        // something was recorded: the file is to be written
  std::map<std::string, std::optional<Digest>> shared_files_;  // parents, read once a run
  int64_t started_ = 0;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace qemuc

#endif  // QEMUC_RESULT_CACHE_H_
