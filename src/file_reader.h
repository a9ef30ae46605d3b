// Reading profile files. The pipeline never opens files itself: it asks a FileReader, so tests
// run on an in-memory file system (ninja's DiskInterface pattern).
#ifndef QEMUC_FILE_READER_H_
#define QEMUC_FILE_READER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "source.h"

namespace qemuc {

constexpr size_t kMaxProfileBytes = 1024 * 1024;

// True for a name ending in .yaml or .yml, the only files read as parents and overlays.
bool HasYamlExtension(const std::string& path);

// What stat said of a file: enough to tell later, as git's index does, that it is still the same
// file with the same times (ResultCache's stamps).
struct FileStatus {
  int64_t device = 0;
  int64_t inode = 0;
  int64_t size = 0;
  int64_t mode = 0;
  int64_t modified_ns = 0;
  int64_t changed_ns = 0;
};

// stat() of `path`, or nullopt when it cannot be stat'ed.
std::optional<FileStatus> StatusOfPath(const std::string& path);

// The file's bytes, or why they could not be read ("No such file or directory"); from the disk,
// also what fstat said of the file those bytes were read from.
struct ReadResult {
  std::optional<std::string> text;
  std::string error;
  std::optional<FileStatus> status;

  static ReadResult Text(std::string bytes) { return {std::move(bytes), "", std::nullopt}; }
  static ReadResult Error(std::string why) { return {std::nullopt, std::move(why), std::nullopt}; }
};

class FileReader {
 public:
  virtual ~FileReader() = default;
  // Reads a regular file of at most kMaxProfileBytes. Never blocks on a FIFO or device.
  virtual ReadResult Read(const std::string& path) const = 0;
  // Why `path` must not be read as a parent or overlay file, or "" when it may (SPEC §2.3): its
  // name must end in .yaml or .yml. Checked before reading, so that `extends: /etc/shadow` cannot
  // make qemuc (often root, in public CI logs) echo a line of a file that is not a profile.
  // Pure, so that a reader that wraps another cannot forget to pass the question on.
  virtual std::string RefuseNonYaml(const std::string& path) const = 0;
};

// The name part of RefuseNonYaml, which every reader asks first.
std::string RefuseNonYamlName(const std::string& path);

class DiskFileReader : public FileReader {
 public:
  ReadResult Read(const std::string& path) const override;
  // Also the file a symbolic link leads to: a committed `base.yaml -> /etc/shadow` is refused.
  // The answer for a path is kept for the reader's life (one run): realpath() asks the file
  // system about every directory of the path, for each of thousands of boards naming one base.
  std::string RefuseNonYaml(const std::string& path) const override;

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::string> refusals_;  // path -> RefuseNonYaml
};

class MemoryFileReader : public FileReader {
 public:
  void Add(const std::string& path, std::string text) { files_[path] = std::move(text); }
  ReadResult Read(const std::string& path) const override;
  std::string RefuseNonYaml(const std::string& path) const override {
    return RefuseNonYamlName(path);
  }

 private:
  std::map<std::string, std::string> files_;
};

// Reads through another reader and remembers every path asked for: the inputs of a run, which
// its -o must not replace.
class RecordingFileReader : public FileReader {
 public:
  explicit RecordingFileReader(const FileReader& reader) : reader_(reader) {}
  ReadResult Read(const std::string& path) const override {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      paths_.push_back(path);
    }
    return reader_.Read(path);
  }
  std::string RefuseNonYaml(const std::string& path) const override {
    return reader_.RefuseNonYaml(path);
  }
  std::vector<std::string> paths() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return paths_;
  }

 private:
  const FileReader& reader_;
  mutable std::mutex mutex_;
  mutable std::vector<std::string> paths_;
};

// Owns every loaded SourceFile, so that ranges stay valid for the whole run.
class SourceSet {
 public:
  const SourceFile* Add(std::string path, std::string display_path, std::string text);
  const SourceFile* Adopt(std::unique_ptr<SourceFile> file);

 private:
  std::mutex mutex_;
  std::deque<std::unique_ptr<SourceFile>> files_;
};

// `text` as the file at `path`, its bytes checked (valid UTF-8, no NUL) with a problem reported
// at the offending byte; `is_text` says whether they passed. The file is returned either way:
// the problem points into it.
std::unique_ptr<SourceFile> MakeSourceText(const std::string& path, const std::string& display_path,
                                           std::string text, Diagnostics& diagnostics,
                                           bool& is_text);

// MakeSourceText, the file kept in `sources`. Returns nullptr when the bytes are not text.
const SourceFile* AddSourceText(SourceSet& sources, const std::string& path,
                                const std::string& display_path, std::string text,
                                Diagnostics& diagnostics);

// Reports that the file at `path` could not be read (`error` says why): at `named_at`, the place
// that names it (an entry of `extends`), or at the file itself when nothing does (nullptr: the
// command line).
void ReportUnreadable(SourceSet& sources, const std::string& path, const std::string& display_path,
                      const std::string& error, const SourceRange* named_at,
                      Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_FILE_READER_H_
