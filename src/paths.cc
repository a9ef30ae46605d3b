#include "paths.h"

#include <filesystem>

#include "node.h"

namespace qemuc {

namespace fs = std::filesystem;

std::string AbsolutePath(const std::string& path) {
  std::error_code ignored;  // current_path fails only when the directory was removed
  return ResolveAgainst(fs::current_path(ignored).string(), path);
}

std::string NamedFrom(const std::string& directory, const std::string& path) {
  const std::string relative = fs::path(path).lexically_relative(directory).string();
  if (relative.empty() || relative == ".." || relative.rfind("../", 0) == 0) return path;
  return relative;
}

std::string DirectoryOf(const std::string& file) {
  return fs::path(file).parent_path().string();
}

std::string ResolveAgainst(const std::string& directory, const std::string& path) {
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
