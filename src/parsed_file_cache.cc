#include "parsed_file_cache.h"

#include "yaml_parser.h"

namespace qemuc {

std::shared_ptr<ParsedFileCache::Parsed> ParsedFileCache::ParsedFor(const std::string& path,
                                                                    bool keep) {
  const std::lock_guard<std::mutex> lock(mutex_);
  Slot& slot = parsed_[path];
  std::shared_ptr<Parsed> parsed = slot.Live();
  if (parsed == nullptr) {
    parsed = std::make_shared<Parsed>();
    slot.released = parsed;
  }
  if (keep) slot.kept = parsed;
  // Released files leave their slots behind: dropped whenever the map has doubled, so that
  // 100,000 profiles do not leave 100,000 names (a constant cost per file, amortised).
  if (parsed_.size() > 2 * slots_after_drop_ + 64) DropReleased();
  return parsed;
}

void ParsedFileCache::DropReleased() {
  for (auto it = parsed_.begin(); it != parsed_.end();) {
    const bool gone = it->second.kept == nullptr && it->second.released.expired();
    it = gone ? parsed_.erase(it) : std::next(it);
  }
  slots_after_drop_ = parsed_.size();
}

void ParsedFileCache::Load(Parsed& parsed, const FileReader& reader, const std::string& path,
                           const std::string& display_path) const {
  ReadResult read = reader.Read(path);
  if (!read.text) {
    parsed.read_error = read.error;
    return;
  }
  if (keep_digests_) parsed.digest = ReadDigest{DigestOf(*read.text), read.status};
  Diagnostics problems;
  bool is_text = false;
  parsed.text = MakeSourceText(path, display_path, std::move(*read.text), problems, is_text);
  if (is_text) {
    parsed.file = parsed.text.get();
    parsed.root = ParseYaml(*parsed.file, problems);
  }
  parsed.problems = problems.all();
}

std::optional<std::vector<ReadDigest>> ParsedFileCache::DigestsOf(
    const std::vector<std::string>& paths) {
  std::vector<ReadDigest> digests;
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& path : paths) {
    const auto slot = parsed_.find(path);
    if (slot == parsed_.end()) return std::nullopt;
    const std::shared_ptr<Parsed> parsed = slot->second.Live();
    if (parsed == nullptr || !parsed->digest) return std::nullopt;
    digests.push_back(*parsed->digest);
  }
  return digests;
}

ParsedFileCache::Entry ParsedFileCache::Get(const FileReader& reader, SourceSet& sources,
                                            const std::string& path,
                                            const std::string& display_path, FileRole role,
                                            const SourceRange* named_at, Diagnostics& diagnostics) {
  const bool keep =
      retention_ == Retention::kKeepAll || named_at != nullptr || role != FileRole::kProfile;
  const std::shared_ptr<Parsed> parsed = ParsedFor(path, keep);
  parsed->loaded.Call([&] { Load(*parsed, reader, path, display_path); });
  diagnostics.Retain(parsed);
  if (!parsed->read_error.empty()) {
    ReportUnreadable(sources, path, display_path, parsed->read_error, named_at, diagnostics);
    return {};
  }
  Checked& checked = parsed->checked[static_cast<size_t>(role)];
  checked.checked.Call([&] {
    if (parsed->root == nullptr) return;
    Diagnostics problems;
    checked.ok = CheckShape(*parsed->root, role, problems);
    checked.problems = problems.all();
  });
  for (const std::vector<Diagnostic>* found : {&parsed->problems, &checked.problems}) {
    for (Diagnostic problem : *found) {
      problem.shared = true;
      diagnostics.Add(problem);
    }
  }
  return {parsed->file, parsed->root, parsed->root != nullptr && checked.ok};
}

}  // namespace qemuc
