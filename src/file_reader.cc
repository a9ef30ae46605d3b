#include "file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "posix_file.h"
#include "utf8.h"

namespace qemuc {
namespace {

FileStatus StatusOf(const struct stat& info) {
  const auto nanoseconds = [](const timespec& time) {
    return int64_t{time.tv_sec} * 1'000'000'000 + time.tv_nsec;
  };
  return {int64_t(info.st_dev),  int64_t(info.st_ino),      int64_t(info.st_size),
          int64_t(info.st_mode), nanoseconds(info.st_mtim), nanoseconds(info.st_ctim)};
}

std::string TooLarge(size_t bytes) {
  return "file is larger than 1 MiB (" + std::to_string(bytes) + " bytes)";
}

}  // namespace

std::optional<FileStatus> StatusOfPath(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return std::nullopt;
  return StatusOf(info);
}

ReadResult DiskFileReader::Read(const std::string& path) const {
  // O_NONBLOCK: opening a FIFO with no writer must not hang; fstat then refuses it.
  const FileDescriptor fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return ReadResult::Error(std::strerror(errno));
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) return ReadResult::Error(std::strerror(errno));
  if (!S_ISREG(info.st_mode)) {
    return ReadResult::Error("not a regular file (" + FileTypeName(info.st_mode) + ")");
  }
  if (static_cast<size_t>(info.st_size) > kMaxProfileBytes) {
    return ReadResult::Error(TooLarge(static_cast<size_t>(info.st_size)));
  }
  // Read straight into a string sized from fstat: a zeroed 64 KiB buffer per file cost more
  // than reading a board of a few hundred bytes. One byte more than the size asks whether the
  // file grew since fstat; it may not grow past the limit. A regular file's read returns less
  // than asked only at its end, so a short read ends the loop: asking again for the 0 that
  // says so was one system call per file more (about a microsecond each on a virtual machine).
  std::string text(static_cast<size_t>(info.st_size) + 1, '\0');
  size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (used > kMaxProfileBytes) return ReadResult::Error(TooLarge(used));
      text.resize(std::min(used * 2, kMaxProfileBytes + 1));
    }
    const ssize_t n = read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReadResult::Error(std::strerror(errno));
    if (n == 0) break;
    const bool short_read = static_cast<size_t>(n) < text.size() - used;
    used += static_cast<size_t>(n);
    // Only at the size fstat gave: files of /proc say 0 bytes and return theirs in pieces.
    if (short_read && used == static_cast<size_t>(info.st_size)) break;
  }
  text.resize(used);
  return ReadResult{std::move(text), "", StatusOf(info)};
}

bool HasYamlExtension(const std::string& path) {
  const auto ends_with = [&](std::string_view suffix) {
    return path.size() > suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml");
}

std::string RefuseNonYamlName(const std::string& path) {
  if (HasYamlExtension(path)) return "";
  return "not a .yaml or .yml file";
}

std::string DiskFileReader::RefuseNonYaml(const std::string& path) const {
  if (std::string why = RefuseNonYamlName(path); !why.empty()) return why;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto known = refusals_.find(path); known != refusals_.end()) return known->second;
  }
  char target[PATH_MAX];
  // A file that does not exist (or a dangling link) is left to Read, which says so; it is asked
  // again next time.
  if (realpath(path.c_str(), target) == nullptr) return "";
  const std::string why = HasYamlExtension(target)
                              ? ""
                              : "it leads to " + std::string(target) + ", not a .yaml or .yml file";
  const std::lock_guard<std::mutex> lock(mutex_);
  refusals_.emplace(path, why);
  return why;
}

ReadResult MemoryFileReader::Read(const std::string& path) const {
  const auto it = files_.find(path);
  if (it == files_.end()) return ReadResult::Error(std::strerror(ENOENT));
  if (it->second.size() > kMaxProfileBytes) {
    return ReadResult::Error(TooLarge(it->second.size()));
  }
  return ReadResult::Text(it->second);
}

const SourceFile* SourceSet::Add(std::string path, std::string display_path, std::string text) {
  return Adopt(
      std::make_unique<SourceFile>(std::move(path), std::move(display_path), std::move(text)));
}

const SourceFile* SourceSet::Adopt(std::unique_ptr<SourceFile> file) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return files_.emplace_back(std::move(file)).get();
}

void ReportUnreadable(SourceSet& sources, const std::string& path, const std::string& display_path,
                      const std::string& error, const SourceRange* named_at,
                      Diagnostics& diagnostics) {
  if (named_at != nullptr) {
    diagnostics.Error(*named_at, "cannot read " + display_path + ": " + error);
  } else {
    const SourceFile* named = sources.Add(path, display_path, "");
    diagnostics.Error({named, 0, 0, 1}, "cannot read profile: " + error);
  }
}

std::unique_ptr<SourceFile> MakeSourceText(const std::string& path, const std::string& display_path,
                                           std::string text, Diagnostics& diagnostics,
                                           bool& is_text) {
  auto file = std::make_unique<SourceFile>(path, display_path, std::move(text));
  is_text = false;
  if (const auto bad = FindInvalidUtf8(file->text())) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(file->text()[*bad]));
    diagnostics.Error(RangeAtOffset(*file, *bad), std::string("invalid UTF-8 (byte ") + byte +
                                                      "); profiles must be UTF-8 text");
  } else if (const size_t nul = file->text().find('\0'); nul != std::string::npos) {
    diagnostics.Error(RangeAtOffset(*file, nul), "NUL byte in file; profiles must be text");
  } else {
    is_text = true;
  }
  return file;
}

const SourceFile* AddSourceText(SourceSet& sources, const std::string& path,
                                const std::string& display_path, std::string text,
                                Diagnostics& diagnostics) {
  bool is_text = false;
  const SourceFile* file =
      sources.Adopt(MakeSourceText(path, display_path, std::move(text), diagnostics, is_text));
  return is_text ? file : nullptr;
}

}  // namespace qemuc
