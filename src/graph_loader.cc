#include "graph_loader.h"

#include "layers.h"
#include "paths.h"

namespace qemuc {
namespace {

// The node name of a path as the user gave it.
std::string NameOf(const std::string& path) {
  return DisplayPathOf(AbsolutePath(path));
}

}  // namespace

void ProfileGraphLoader::AddProfile(const std::string& path) {
  // Depth-first with a stack of its own: a chain of many files must not deepen the recursion.
  std::vector<std::string> pending{AbsolutePath(path)};
  std::set<std::string> seen;  // the files of this profile, bounded as validate bounds them
  while (!pending.empty() && seen.size() < kMaxProfileFiles) {
    const std::string absolute = std::move(pending.back());
    pending.pop_back();
    if (!seen.insert(absolute).second || !expanded_.insert(absolute).second) continue;
    const Node* root = Load(absolute, FileRole::kProfile);
    if (root == nullptr) continue;
    const std::vector<std::string> parents = AddParents(absolute, *root);
    // The first parent on top: files are visited in merge order.
    pending.insert(pending.end(), parents.rbegin(), parents.rend());
  }
}

void ProfileGraphLoader::AddOverlayFile(const std::string& path) {
  const std::string absolute = AbsolutePath(path);
  if (!environment_.reader.RefuseNonYaml(absolute).empty()) {
    graph_.File(DisplayPathOf(absolute)).broken = true;
    return;
  }
  Load(absolute, FileRole::kOverlayFile);
}

void ProfileGraphLoader::AddOverlayUse(const std::string& profile, const std::string& overlay,
                                       const std::string& label) {
  AddProfile(profile);
  AddOverlayFile(overlay);
  graph_.AddOverlay(NameOf(profile), NameOf(overlay), label);
}

const Node* ProfileGraphLoader::Load(const std::string& absolute, FileRole role) {
  const std::string name = DisplayPathOf(absolute);
  GraphFile& file = graph_.File(name);
  Diagnostics unreported;  // validate reports them, once
  const ParsedFileCache::Entry entry = environment_.cache.Get(
      environment_.reader, environment_.sources, absolute, name, role, nullptr, unreported);
  // A value out of range (cpus: 0) leaves the file usable (entry.ok), but it is a problem all
  // the same: the file is drawn red whenever validate would report something in it.
  file.broken = file.broken || !entry.ok || unreported.error_count() > 0;
  if (entry.root == nullptr) return nullptr;
  const MappingEntry* abstract = entry.root->Find("abstract");
  file.abstract = abstract != nullptr && ReadBool(*abstract->value) == true;
  return entry.root.get();
}

std::vector<std::string> ProfileGraphLoader::AddParents(const std::string& absolute,
                                                        const Node& root) {
  const std::string child = DisplayPathOf(absolute);
  const std::vector<const Node*> entries = ExtendsEntries(root);
  std::vector<std::string> parents;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string parent = ResolveAgainst(DirectoryOf(absolute), entries[i]->text);
    const std::string name = DisplayPathOf(parent);
    graph_.AddExtends(child, name, entries.size() > 1 ? std::to_string(i + 1) : "");
    if (!environment_.reader.RefuseNonYaml(parent).empty()) {
      graph_.File(name).broken = true;  // never read: it could be any file, /etc/shadow
      continue;
    }
    parents.push_back(parent);
  }
  return parents;
}

}  // namespace qemuc
