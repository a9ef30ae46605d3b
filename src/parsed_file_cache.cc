#include "parsed_file_cache.h"

#include "yaml_parser.h"

namespace qemuc {

std::shared_ptr<ParsedFileCache::Slot> ParsedFileCache::SlotFor(const std::string& path,
                                                                FileRole role) {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<Slot>& slot = slots_[std::make_pair(path, role)];
  if (slot == nullptr) slot = std::make_shared<Slot>();
  return slot;
}

void ParsedFileCache::Load(Slot& slot, const FileReader& reader, SourceSet& sources,
                           const std::string& path, const std::string& display_path,
                           FileRole role) {
  ReadResult read = reader.Read(path);
  if (!read.text) {
    slot.read_error = read.error;
    return;
  }
  Diagnostics problems;
  Entry& entry = slot.entry;
  entry.file = AddSourceText(sources, path, display_path, std::move(*read.text), problems);
  if (entry.file != nullptr) entry.root = ParseYaml(*entry.file, problems);
  entry.ok = entry.root != nullptr && CheckShape(*entry.root, role, problems);
  slot.problems = problems.all();
}

ParsedFileCache::Entry ParsedFileCache::Get(const FileReader& reader, SourceSet& sources,
                                            const std::string& path,
                                            const std::string& display_path, FileRole role,
                                            const SourceRange* named_at, Diagnostics& diagnostics) {
  const std::shared_ptr<Slot> slot = SlotFor(path, role);
  std::call_once(slot->loaded, [&] { Load(*slot, reader, sources, path, display_path, role); });
  if (!slot->read_error.empty()) {
    ReportUnreadable(sources, path, display_path, slot->read_error, named_at, diagnostics);
    return {};
  }
  for (Diagnostic problem : slot->problems) {
    problem.shared = true;
    diagnostics.Add(problem);
  }
  return slot->entry;
}

}  // namespace qemuc
