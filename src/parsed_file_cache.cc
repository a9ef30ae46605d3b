#include "parsed_file_cache.h"

#include "yaml_parser.h"

namespace qemuc {

ParsedFileCache::Entry ParsedFileCache::Get(const FileReader& reader, SourceSet& sources,
                                            const std::string& path,
                                            const std::string& display_path, FileRole role,
                                            const SourceRange* named_at, Diagnostics& diagnostics) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto key = std::make_pair(path, role);
  if (const auto it = entries_.find(key); it != entries_.end()) return it->second;
  Entry entry;
  entry.file = LoadSource(reader, sources, path, display_path, diagnostics, named_at);
  // Not cached: the next place that names a missing file gets its own error.
  if (entry.file == nullptr) return entry;
  entry.root = ParseYaml(*entry.file, diagnostics);
  entry.ok = entry.root != nullptr && CheckShape(*entry.root, role, diagnostics);
  entries_.emplace(key, entry);
  return entry;
}

}  // namespace qemuc
