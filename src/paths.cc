#include "paths.h"

#include <limits.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <string_view>

#include "node.h"

namespace qemuc {

namespace fs = std::filesystem;

namespace {

// The current directory, or "" when it was removed (std::filesystem::current_path then fails
// the same way and an empty directory joins to the path itself).
std::string AskCurrentDirectory() {
  char buffer[PATH_MAX];
  if (getcwd(buffer, sizeof buffer) != nullptr) return buffer;
  std::error_code ignored;  // longer than PATH_MAX: let the library grow its buffer
  return fs::current_path(ignored).string();
}

// The answer of AskCurrentDirectory, kept: qemuc changes its directory only through
// ChangeDirectory, and a getcwd for every profile read was a system call per file (about a
// microsecond on a virtual machine). A removed directory ("") is asked about again.
struct KnownDirectory {
  std::mutex mutex;
  std::string path;
};

KnownDirectory& Known() {
  static KnownDirectory known;
  return known;
}

std::string CurrentDirectory() {
  KnownDirectory& known = Known();
  const std::lock_guard<std::mutex> lock(known.mutex);
  if (known.path.empty()) known.path = AskCurrentDirectory();
  return known.path;
}

// True for an absolute path that lexical normalisation leaves as it is: no empty, "." or ".."
// component and no trailing '/' ("/" itself included).
bool IsNormalAbsolute(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  size_t start = 1;
  for (;;) {
    const size_t slash = path.find('/', start);
    const std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

// These run for every file and every path value of every profile: what std::filesystem does
// with them (a component list allocated per path) was a tenth of `validate`. The common case,
// a normal absolute path or directory, is handled on the string; any other falls back to
// std::filesystem, whose results stay the definition (paths_test compares the two).

std::string AbsolutePath(const std::string& path) {
  return ResolveAgainst(CurrentDirectory(), path);
}

bool ChangeDirectory(const std::string& directory) {
  KnownDirectory& known = Known();
  const std::lock_guard<std::mutex> lock(known.mutex);
  known.path.clear();
  return chdir(directory.c_str()) == 0;
}

std::string NamedFrom(const std::string& directory, const std::string& path) {
  if (IsNormalAbsolute(directory) && IsNormalAbsolute(path) && directory != "/" &&
      path.size() > directory.size() + 1 && path.compare(0, directory.size(), directory) == 0 &&
      path[directory.size()] == '/') {
    return path.substr(directory.size() + 1);
  }
  const std::string relative = fs::path(path).lexically_relative(directory).string();
  if (relative.empty() || relative == ".." || relative.rfind("../", 0) == 0) return path;
  return relative;
}

std::string DirectoryOf(const std::string& file) {
  if (IsNormalAbsolute(file) && file.size() > 1) {
    const size_t slash = file.rfind('/');
    return slash == 0 ? "/" : file.substr(0, slash);
  }
  return fs::path(file).parent_path().string();
}

std::string ResolveAgainst(const std::string& directory, const std::string& path) {
  // std::filesystem keeps a root of three or more slashes ("///" -> "//"): left to it.
  const bool only_slashes = path.find_first_not_of('/') == std::string::npos;
  if (!only_slashes && (path[0] == '/' || IsNormalAbsolute(directory))) {
    // A normal absolute start: each component of the rest is dropped ("", "."), undoes the last
    // (".."; never above "/") or is appended.
    std::string normal = path[0] == '/' || directory == "/" ? "" : directory;
    normal.reserve(normal.size() + path.size() + 1);
    size_t start = 0;
    while (start <= path.size()) {
      size_t slash = path.find('/', start);
      if (slash == std::string::npos) slash = path.size();
      const std::string_view part = std::string_view(path).substr(start, slash - start);
      if (part == "..") {
        const size_t last = normal.rfind('/');
        normal.resize(last == std::string::npos ? 0 : last);
      } else if (!part.empty() && part != ".") {
        normal += '/';
        normal.append(part);
      }
      start = slash + 1;
    }
    if (normal.empty()) normal = "/";
    return normal;
  }
  const fs::path value(path);
  const fs::path joined = value.is_absolute() ? value : fs::path(directory) / value;
  std::string normal = joined.lexically_normal().string();
  // "/a/b/" and "/a/b" name the same file; keep one spelling.
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

std::string ResolvedPath(const Node& value) {
  return ResolveAgainst(DirectoryOf(value.range.file->path()), value.text);
}

bool IsBareName(const std::string& binary) {
  return binary.find('/') == std::string::npos;
}

std::string Stem(const std::string& file) {
  return fs::path(file).stem().string();
}

bool IsProjectFileName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == kProjectFileName;
}

}  // namespace qemuc
