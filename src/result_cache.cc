#include "result_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "output_file.h"
#include "posix_file.h"
#include "sha256.h"

namespace qemuc {
namespace {

constexpr std::string_view kMagic = "QEMUC-RESULTS-2\n";
constexpr const char* kFileName = "/results";
constexpr const char* kLockName = "/results.lock";
constexpr size_t kMaxFileBytes = 64 << 20;  // far more than kMaxCachedResults entries need
constexpr size_t kEntryBytes = 16 + 16 + 16 + 4;

// Little-endian fields, written and read back with bounds checks: the file may be anything.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual void Bytes(const void* data, size_t size) = 0;
  void Number(uint64_t value, size_t bytes) {
    char raw[8];
    for (size_t i = 0; i < bytes; ++i) raw[i] = static_cast<char>(value >> (8 * i));
    Bytes(raw, bytes);
  }
};

class StringWriter : public Writer {
 public:
  void Bytes(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
  std::string out;
};

// Into a file, with a SHA-256 of everything written for its trailer.
class SinkWriter : public Writer {
 public:
  explicit SinkWriter(FileSink& sink) : sink_(sink) {}
  void Bytes(const void* data, size_t size) override {
    const std::string_view bytes(static_cast<const char*>(data), size);
    digest_.Update(bytes);
    sink_.Write(bytes);
  }
  void Trailer() {
    const Sha256Digest trailer = digest_.Finish();
    sink_.Write({reinterpret_cast<const char*>(trailer.data()), trailer.size()});
  }

 private:
  FileSink& sink_;
  Sha256 digest_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Bytes(void* data, size_t size) {
    if (in_.size() - at_ < size) return ok_ = false;
    std::memcpy(data, in_.data() + at_, size);
    at_ += size;
    return true;
  }
  uint64_t Number(size_t bytes) {
    uint8_t raw[8] = {};
    if (!Bytes(raw, bytes)) return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i) value |= uint64_t{raw[i]} << (8 * i);
    return value;
  }
  std::string String(size_t size) {
    if (in_.size() - at_ < size) {
      ok_ = false;
      return "";
    }
    at_ += size;
    return std::string(in_.substr(at_ - size, size));
  }
  // A count of items of at least `item_bytes` each: more than the bytes left could hold is a
  // corrupt file, not an allocation of 2**32 items.
  size_t Count(size_t bytes, size_t item_bytes) {
    const uint64_t count = Number(bytes);
    if (count > (in_.size() - at_) / item_bytes) {
      ok_ = false;
      return 0;
    }
    return static_cast<size_t>(count);
  }
  bool ok() const { return ok_; }
  bool done() const { return at_ == in_.size(); }
  size_t at() const { return at_; }
  size_t left() const { return in_.size() - at_; }

 private:
  std::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

// The number of the list of other files an entry of the file names: its last 4 bytes.
uint32_t ListOf(const char* entry) {
  uint32_t list = 0;
  for (size_t i = 0; i < 4; ++i) list |= uint32_t{static_cast<uint8_t>(entry[48 + i])} << (8 * i);
  return list;
}

std::string OthersKey(const std::vector<FileDigest>& others) {
  std::string key;
  for (const FileDigest& file : others) {
    key += file.path;
    key += '\0';
    key.append(reinterpret_cast<const char*>(file.digest.data()), file.digest.size());
  }
  return key;
}

bool KeyLess(const Digest& a, const Digest& b) {
  return a < b;
}

// mkdir -p, qemuc's own directory private to the user (the XDG rules' 0700) when qemuc makes
// it; one made by someone else is left as it is.
std::string CreateCacheDirectory(const std::string& directory) {
  if (std::string error = CreateParentDirectories(directory); !error.empty()) return error;
  if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) return std::strerror(errno);
  return "";
}

// The size of the regular file at `path` and its last 32 bytes (the trailer: a SHA-256 of the
// rest), if it has them. A link is not followed: whatever it is, the file is read again.
std::optional<std::pair<size_t, Sha256Digest>> TrailerOf(const std::string& path) {
  const FileDescriptor file(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat status {};
  if (file.get() < 0 || fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode) ||
      status.st_size < 32) {
    return std::nullopt;
  }
  Sha256Digest trailer;
  if (pread(file.get(), trailer.data(), trailer.size(), status.st_size - 32) != 32) {
    return std::nullopt;
  }
  return std::make_pair(static_cast<size_t>(status.st_size), trailer);
}

}  // namespace

Digest StampOf(const std::optional<FileStatus>& status, int64_t started_ns) {
  if (!status) return {};
  if (std::max(status->modified_ns, status->changed_ns) >= started_ns - kStampMarginNs) return {};
  StringWriter fields;
  for (const int64_t field : {status->device, status->inode, status->size, status->mode,
                              status->modified_ns, status->changed_ns}) {
    fields.Number(static_cast<uint64_t>(field), 8);
  }
  return DigestOf(fields.out);
}

Digest StampOf(const std::string& path, int64_t started_ns) {
  return StampOf(StatusOfPath(path), started_ns);
}

std::string CacheDirectory(const char* xdg_cache_home, const char* home) {
  if (xdg_cache_home != nullptr && xdg_cache_home[0] == '/') {
    return std::string(xdg_cache_home) + "/qemuc";
  }
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.cache/qemuc";
  return "";
}

ResultCache::ResultCache(std::string directory, const std::string& identity,
                         const FileReader& reader)
    : ResultCache(std::move(directory), Sha256Of(identity), reader) {}

ResultCache::ResultCache(std::string directory, const Sha256Digest& identity,
                         const FileReader& reader)
    : directory_(std::move(directory)), identity_(identity), reader_(reader) {
  if (directory_.empty()) return;
  ExistingOutput file = ReadExistingOutput(directory_ + kFileName, kMaxFileBytes);
  if (file.state != ExistingOutput::State::kRead) return;
  if (file.text.size() >= 32) {
    Sha256Digest trailer;
    std::memcpy(trailer.data(), file.text.data() + file.text.size() - 32, 32);
    loaded_file_.emplace(file.text.size(), trailer);
  }
  Load(std::move(file.text));
}

ResultCache::Entry ResultCache::LoadedEntries::operator[](size_t index) const {
  const char* at = file_.data() + offset_ + index * kEntryBytes;
  Entry entry;
  std::memcpy(entry.key.data(), at, 16);
  std::memcpy(entry.profile.data(), at + 16, 16);
  std::memcpy(entry.stamp.data(), at + 32, 16);
  entry.others = lists_[ListOf(at)];
  return entry;
}

size_t ResultCache::LoadedEntries::Find(const Digest& key) const {
  size_t low = 0;
  size_t high = count_;
  while (low < high) {  // the first entry whose key is not less than `key`
    const size_t middle = low + (high - low) / 2;
    if (std::memcmp(file_.data() + offset_ + middle * kEntryBytes, key.data(), 16) < 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  if (low == count_ ||
      std::memcmp(file_.data() + offset_ + low * kEntryBytes, key.data(), 16) != 0) {
    return count_;
  }
  return low;
}

void ResultCache::Load(std::string bytes) {
  // The trailer first: a file cut short or altered anywhere is not read at all.
  if (bytes.size() < kMagic.size() + 2 * 32 + 8) return;
  const std::string_view body(bytes.data(), bytes.size() - 32);
  if (std::memcmp(Sha256Of(body).data(), bytes.data() + body.size(), 32) != 0) return;
  Reader in(body);
  std::string magic = in.String(kMagic.size());
  Sha256Digest identity;
  in.Bytes(identity.data(), identity.size());
  if (magic != kMagic || identity != identity_) return;  // another qemuc's: not ours to trust
  std::vector<std::vector<FileDigest>> others(in.Count(4, 2));
  for (std::vector<FileDigest>& list : others) {
    list.resize(in.Count(2, 2 + 16));
    for (FileDigest& file : list) {
      file.path = in.String(in.Number(2));
      in.Bytes(file.digest.data(), file.digest.size());
    }
    if (!in.ok()) return;
  }
  const size_t count = in.Count(4, kEntryBytes);
  const size_t offset = in.at();
  if (!in.ok() || in.left() != count * kEntryBytes) return;
  // Each entry names a list the file holds, and the keys are sorted (as Digest compares them).
  for (size_t i = 0; i < count; ++i) {
    const char* entry = body.data() + offset + i * kEntryBytes;
    if (ListOf(entry) >= others.size()) return;
    if (i > 0 && std::memcmp(entry - kEntryBytes, entry, 16) > 0) return;
  }
  // Lists the file holds twice become one: each entry is pointed at the list it named.
  std::vector<uint32_t> renumbered;
  for (std::vector<FileDigest>& list : others) renumbered.push_back(AddOthers(std::move(list)));
  loaded_ = LoadedEntries(std::move(bytes), offset, count, std::move(renumbered));
  kept_.assign(loaded_.size(), false);
}

Digest ResultCache::KeyOf(const ProfileRequest& request, const std::string& absolute_profile,
                          const std::string& current_directory) const {
  Sha256 key;
  key.Update({reinterpret_cast<const char*>(identity_.data()), identity_.size()});
  key.Field(absolute_profile).Field(current_directory);
  for (const auto* list : {&request.overlays, &request.defines}) {
    key.Field(std::to_string(list->size()));
    for (const std::string& value : *list) key.Field(value);
  }
  key.Field(std::to_string(request.sets.size()));
  for (const Assignment& set : request.sets) key.Field(set.argument);
  return Truncated(key.Finish());
}

bool ResultCache::Unchanged(const FileDigest& file, bool is_profile) {
  const auto digest_now = [&]() -> std::optional<Digest> {
    // A parent is refused for its name or where its link leads, which the bytes do not show.
    if (!is_profile && !reader_.RefuseNonYaml(file.path).empty()) return std::nullopt;
    const ReadResult read = reader_.Read(file.path);
    if (!read.text) return std::nullopt;
    return DigestOf(*read.text);
  };
  if (is_profile) return digest_now() == file.digest;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto known = shared_files_.find(file.path); known != shared_files_.end()) {
      return known->second == file.digest;
    }
  }
  const std::optional<Digest> now = digest_now();
  const std::lock_guard<std::mutex> lock(mutex_);
  shared_files_.emplace(file.path, now);
  return now == file.digest;
}

bool ResultCache::ProfileUnchanged(const Entry& entry, const std::string& path, Digest& stamp) {
  stamp = StampOf(path, started_);
  if (stamp != Digest{} && stamp == entry.stamp) return true;
  // Read and hashed: a file just edited (or touched, or copied back) keeps no stamp yet.
  return Unchanged({path, entry.profile}, true);
}

bool ResultCache::IsClean(const Digest& key, const std::string& profile_path) {
  const size_t index = loaded_.Find(key);
  const std::optional<Entry> entry =
      index < loaded_.size() ? std::optional<Entry>(loaded_[index]) : std::nullopt;
  Digest stamp{};
  bool clean = entry && ProfileUnchanged(*entry, profile_path, stamp);
  if (clean) {
    std::vector<FileDigest> others;
    {
      // RecordClean may be adding a list (and moving the others) on another thread.
      const std::lock_guard<std::mutex> lock(mutex_);
      others = others_[entry->others];
    }
    for (const FileDigest& other : others) {
      if (!Unchanged(other, false)) {
        clean = false;
        break;
      }
    }
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  ++(clean ? hits_ : misses_);
  if (!clean) return false;
  if (entry->stamp != stamp) {  // a stamp to trust from now on (or none any more): saved
    this_run_.push_back({entry->key, entry->profile, stamp, entry->others});
    changed_ = true;
  } else {
    kept_[index] = true;  // not copied: 52 bytes each
  }
  return true;
}

uint32_t ResultCache::AddOthers(std::vector<FileDigest> others) {
  const auto [found, added] =
      others_index_.emplace(OthersKey(others), static_cast<uint32_t>(others_.size()));
  if (added) others_.push_back(std::move(others));
  return found->second;
}

void ResultCache::RecordClean(const Digest& key, const std::vector<FileDigest>& files,
                              const std::optional<FileStatus>& profile_status) {
  if (files.empty() || files.size() > UINT16_MAX) return;
  for (const FileDigest& file : files) {
    if (file.path.size() > UINT16_MAX) return;  // not representable: checked again next time
  }
  const Digest stamp = StampOf(profile_status, started_);
  const std::lock_guard<std::mutex> lock(mutex_);
  const uint32_t others = AddOthers({files.begin() + 1, files.end()});
  this_run_.push_back({key, files[0].digest, stamp, others});
  changed_ = true;
}

bool ResultCache::FileUnchangedSinceLoad() const {
  return loaded_file_ && TrailerOf(directory_ + kFileName) == loaded_file_;
}

void ResultCache::SortThisRun() {
  const auto by_key = [](const Entry& a, const Entry& b) { return KeyLess(a.key, b.key); };
  const auto same_key = [](const Entry& a, const Entry& b) { return a.key == b.key; };
  // Which of two results of one key wins does not matter: threads record in any order anyway.
  std::sort(this_run_.begin(), this_run_.end(), by_key);
  this_run_.erase(std::unique(this_run_.begin(), this_run_.end(), same_key), this_run_.end());
}

size_t ResultCache::CountThisRun() const {
  size_t count = this_run_.size();
  for (size_t i = 0; i < loaded_.size(); ++i) count += kept_[i];
  for (const Entry& entry : this_run_) {
    const size_t index = loaded_.Find(entry.key);
    if (index < loaded_.size() && kept_[index]) --count;
  }
  return count;
}

template <typename Visit>
void ResultCache::ForEachToSave(const ResultCache& latest,
                                const std::vector<uint32_t>& latest_lists, size_t ours_count,
                                const Visit& visit) const {
  const auto next_kept = [&](size_t i) {
    while (i < loaded_.size() && !kept_[i]) ++i;
    return i;
  };
  size_t kept = next_kept(0);
  size_t recorded = 0;
  size_t theirs = 0;
  size_t our_room = kMaxCachedResults;
  size_t their_room = kMaxCachedResults - std::min(ours_count, kMaxCachedResults);
  const LoadedEntries& their_entries = latest.loaded_;
  for (;;) {
    // This run's next entry: a recorded one over one of the same key found clean.
    std::optional<Entry> ours;
    if (recorded < this_run_.size() &&
        (kept == loaded_.size() || !KeyLess(loaded_[kept].key, this_run_[recorded].key))) {
      ours = this_run_[recorded];
    } else if (kept < loaded_.size()) {
      ours = loaded_[kept];
    }
    std::optional<Entry> other;
    if (theirs < their_entries.size()) other = their_entries[theirs];
    if (!ours && !other) return;
    if (!ours || (other && KeyLess(other->key, ours->key))) {
      if (their_room > 0) {
        visit(*other, latest_lists[other->others]);
        --their_room;
      }
      ++theirs;
      continue;
    }
    if (our_room > 0) {
      visit(*ours, ours->others);
      --our_room;
    }
    while (theirs < their_entries.size() && their_entries[theirs].key == ours->key) ++theirs;
    if (kept < loaded_.size() && loaded_[kept].key == ours->key) kept = next_kept(kept + 1);
    if (recorded < this_run_.size() && this_run_[recorded].key == ours->key) ++recorded;
  }
}

void ResultCache::Write(const ResultCache& latest, FileSink& sink) {
  std::vector<uint32_t> latest_lists;
  for (const std::vector<FileDigest>& list : latest.others_) {
    latest_lists.push_back(&latest == this ? static_cast<uint32_t>(latest_lists.size())
                                           : AddOthers(list));
  }
  // Only the lists the entries use, numbered in order of first use.
  std::vector<uint32_t> renumbered(others_.size(), UINT32_MAX);
  std::vector<uint32_t> lists;
  size_t entries = 0;
  // Counted once for both walks: a binary search per entry of this run.
  const size_t ours_count = CountThisRun();
  ForEachToSave(latest, latest_lists, ours_count, [&](const Entry&, uint32_t list) {
    if (renumbered[list] == UINT32_MAX) {
      renumbered[list] = static_cast<uint32_t>(lists.size());
      lists.push_back(list);
    }
    ++entries;
  });
  SinkWriter out(sink);
  out.Bytes(kMagic.data(), kMagic.size());
  out.Bytes(identity_.data(), identity_.size());
  out.Number(lists.size(), 4);
  for (const uint32_t list : lists) {
    out.Number(others_[list].size(), 2);
    for (const FileDigest& file : others_[list]) {
      out.Number(file.path.size(), 2);
      out.Bytes(file.path.data(), file.path.size());
      out.Bytes(file.digest.data(), file.digest.size());
    }
  }
  out.Number(entries, 4);
  ForEachToSave(latest, latest_lists, ours_count, [&](const Entry& entry, uint32_t list) {
    out.Bytes(entry.key.data(), entry.key.size());
    out.Bytes(entry.profile.data(), entry.profile.size());
    out.Bytes(entry.stamp.data(), entry.stamp.size());
    out.Number(renumbered[list], 4);
  });
  out.Trailer();
}

std::string ResultCache::Save() {
  if (directory_.empty() || !changed_) return "";
  if (std::string error = CreateCacheDirectory(directory_); !error.empty()) return error;
  const FileDescriptor lock(
      open((directory_ + kLockName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (lock.get() < 0 || flock(lock.get(), LOCK_EX) != 0) return std::strerror(errno);
  // What other runs saved since this one loaded, with this run's results over it; read again
  // only when another run replaced it.
  std::unique_ptr<const ResultCache> reread;
  if (!FileUnchangedSinceLoad()) reread.reset(new ResultCache(directory_, identity_, reader_));
  const ResultCache& latest = reread != nullptr ? *reread : *this;
  const std::lock_guard<std::mutex> hold(mutex_);
  SortThisRun();
  // Replaced, never written through: a cache directory may be shared (XDG_CACHE_HOME=/tmp/cache),
  // and a planted `results -> /etc/shadow` must not make a run as root write there.
  return ReplaceFile(directory_ + kFileName, 0600, [&](FileSink& sink) { Write(latest, sink); });
}

}  // namespace qemuc
