#include "parsed_file_cache.h"

#include "yaml_parser.h"

namespace qemuc {

std::shared_ptr<ParsedFileCache::Parsed> ParsedFileCache::ParsedFor(const std::string& path) {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<Parsed>& parsed = parsed_[path];
  if (parsed == nullptr) parsed = std::make_shared<Parsed>();
  return parsed;
}

std::shared_ptr<ParsedFileCache::Checked> ParsedFileCache::CheckedFor(const std::string& path,
                                                                      FileRole role) {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<Checked>& checked = checked_[std::make_pair(path, role)];
  if (checked == nullptr) checked = std::make_shared<Checked>();
  return checked;
}

void ParsedFileCache::Load(Parsed& parsed, const FileReader& reader, SourceSet& sources,
                           const std::string& path, const std::string& display_path) {
  ReadResult read = reader.Read(path);
  if (!read.text) {
    parsed.read_error = read.error;
    return;
  }
  Diagnostics problems;
  parsed.file = AddSourceText(sources, path, display_path, std::move(*read.text), problems);
  if (parsed.file != nullptr) parsed.root = ParseYaml(*parsed.file, problems);
  parsed.problems = problems.all();
}

ParsedFileCache::Entry ParsedFileCache::Get(const FileReader& reader, SourceSet& sources,
                                            const std::string& path,
                                            const std::string& display_path, FileRole role,
                                            const SourceRange* named_at, Diagnostics& diagnostics) {
  const std::shared_ptr<Parsed> parsed = ParsedFor(path);
  std::call_once(parsed->loaded, [&] { Load(*parsed, reader, sources, path, display_path); });
  if (!parsed->read_error.empty()) {
    ReportUnreadable(sources, path, display_path, parsed->read_error, named_at, diagnostics);
    return {};
  }
  const std::shared_ptr<Checked> checked = CheckedFor(path, role);
  std::call_once(checked->checked, [&] {
    if (parsed->root == nullptr) return;
    Diagnostics problems;
    checked->ok = CheckShape(*parsed->root, role, problems);
    checked->problems = problems.all();
  });
  for (const std::vector<Diagnostic>* found : {&parsed->problems, &checked->problems}) {
    for (Diagnostic problem : *found) {
      problem.shared = true;
      diagnostics.Add(problem);
    }
  }
  return {parsed->file, parsed->root, parsed->root != nullptr && checked->ok};
}

}  // namespace qemuc
