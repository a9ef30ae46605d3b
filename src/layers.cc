#include "layers.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

#include "paths.h"
#include "schema.h"
#include "shape_check.h"
#include "spell.h"
#include "text.h"
#include "yaml_parser.h"

namespace qemuc {

// It depends only on the file, not on which profile reached it first: with validate -j,
// threads race to load a shared parent, and the output must not change.
std::string DisplayPathOf(const std::string& absolute) {
  return NamedFrom(AbsolutePath("."), absolute);
}

std::vector<const Node*> ExtendsEntries(const Node& root) {
  const MappingEntry* extends = root.Find("extends");
  if (extends == nullptr || extends->value->tag == NodeTag::kReset) return {};
  std::vector<const Node*> entries = ScalarOrItems(*extends->value);
  // What the shape check refused (a mapping, an empty path) is not followed: it was reported.
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [](const Node* entry) { return !IsParentEntry(*entry); }),
                entries.end());
  return entries;
}

namespace {

// A board, its base and a fragment or two: the files most profiles are made of.
constexpr size_t kUsualFiles = 4;

// Keys that describe a file rather than the VM: a parent's value of a row that is not inherited
// (abstract) is dropped, and `extends` has done its work once the graph is loaded.
NodePtr WithoutFileKeys(const NodePtr& root, bool keep_abstract) {
  // The rows of the profile table that are not inherited, found once: a search of the table for
  // every key of every layer was a third of this.
  static const std::vector<std::string_view> kNotInherited = [] {
    std::vector<std::string_view> names;
    for (const Field& row : ProfileSchema().fields) {
      if (!row.inherited) names.push_back(row.name);
    }
    return names;
  }();
  auto copy = std::make_shared<Node>(*root);
  copy->entries.erase(std::remove_if(copy->entries.begin(), copy->entries.end(),
                                     [&](const MappingEntry& entry) {
                                       if (std::string_view(entry.key) == "extends") return true;
                                       return !keep_abstract &&
                                              std::find(kNotInherited.begin(), kNotInherited.end(),
                                                        entry.key) != kNotInherited.end();
                                     }),
                      copy->entries.end());
  return copy;
}

// Counts `path` among the files of the profile; false after reporting at `at` (nullptr: the
// command line) when it would be one too many.
bool CountFile(LayerStack& stack, const std::string& path, const SourceRange* at,
               Diagnostics& diagnostics) {
  if (stack.files.count(path) > 0) return true;
  if (stack.too_many_files) return false;
  if (stack.files.size() == kMaxProfileFiles) {
    stack.too_many_files = true;
    diagnostics.Error(at != nullptr ? *at : SourceRange{},
                      "too many files: a profile may be made of at most " +
                          std::to_string(kMaxProfileFiles) +
                          " files (the profile, its parents and overlay files)");
    return false;
  }
  stack.files.insert(path);
  return true;
}

// Adds a file to what the profile holds: its text as read (comments included), its nodes and its
// bytes of keys and values. False after reporting at `at` (nullptr: the command line) when the
// profile crosses the parser's budgets for one document: each file is within them, but 256 such
// files would make qemuc read 256 MiB and every later stage hold 256 times as much.
bool CountContents(LayerStack& stack, const ParsedFileCache::Entry& entry, const SourceRange* at,
                   Diagnostics& diagnostics) {
  const ParseLimits limits;
  if (entry.file != nullptr) stack.text_bytes += entry.file->text().size();
  if (entry.root != nullptr) {
    stack.nodes += entry.root->expanded_size;
    stack.bytes += entry.root->expanded_bytes;
  }
  std::string over;
  if (stack.text_bytes > limits.max_expanded_bytes) {
    over = std::to_string(limits.max_expanded_bytes) + " bytes of text";
  } else if (stack.nodes > limits.max_expanded_nodes) {
    over = std::to_string(limits.max_expanded_nodes) + " nodes (aliases count once per use)";
  } else if (stack.bytes > limits.max_expanded_bytes) {
    over = std::to_string(limits.max_expanded_bytes) +
           " bytes of keys and values (aliases count once per use)";
  } else {
    return true;
  }
  diagnostics.Error(at != nullptr ? *at : SourceRange{},
                    "the files of this profile hold more than " + over + " in all");
  stack.too_many_files = true;  // nothing more is read
  return false;
}

// SPEC §8: the project file is never read as a profile, a parent or an overlay file. Returns
// false after saying so, at `named_at` (an extends entry) or at the file.
bool RefuseProjectFile(SourceSet& sources, const std::string& path, const std::string& display,
                       const SourceRange* named_at, Diagnostics& diagnostics) {
  const std::string message = display + " is a project file, not a profile";
  Diagnostic& error = named_at != nullptr
                          ? diagnostics.Error(*named_at, message)
                          : diagnostics.Error({sources.Add(path, display, ""), 0, 0, 1}, message);
  error.notes.push_back(
      {"'qemuc check' and 'qemuc build' read it (they find it from the current "
       "directory, or from -C DIR)",
       {}});
  return false;
}

// Depth-first post-order over the extends graph.
class GraphLoader {
 public:
  // `profile_named_at`: where the profile itself is named (an output's `profile:` in qemuc.yaml),
  // or nullptr for the command line; a profile that cannot be read is reported there.
  GraphLoader(Environment& environment, Diagnostics& diagnostics, LayerStack& stack,
              const SourceRange* profile_named_at)
      : environment_(environment),
        diagnostics_(diagnostics),
        stack_(stack),
        profile_named_at_(profile_named_at) {
    // Room for a usual chain (a board, its base, a fragment) without growing.
    path_.reserve(kUsualFiles);
    links_.reserve(kUsualFiles);
    stack_.layers.reserve(kUsualFiles);
    stack_.sources.reserve(kUsualFiles);
  }

  // What the profile and DisplayPathOf's names of parents start from: asked for once per
  // profile, not once per file (a getcwd() each).
  const std::string& CurrentDirectory() {
    if (current_directory_.empty()) current_directory_ = AbsolutePath(".");
    return current_directory_;
  }

  // Returns false when the file or one of its parents could not be used.
  bool Visit(const std::string& path, const std::string& display, const Node* named_by) {
    if (const auto cycle = std::find(path_.begin(), path_.end(), path); cycle != path_.end()) {
      ReportCycle(cycle, named_by);
      return false;
    }
    if (done_.count(path) > 0) return true;  // a diamond: each file is applied once
    if (!MayRead(path, display, named_by)) return false;
    const SourceRange* named_at = named_by != nullptr ? &named_by->range : profile_named_at_;
    const ParsedFileCache::Entry entry =
        environment_.cache.Get(environment_.reader, environment_.sources, path, display,
                               FileRole::kProfile, named_at, diagnostics_);
    if (named_by != nullptr && entry.file != nullptr) {
      stack_.included.emplace(entry.file, Inclusion{named_by->range, "is extended by"});
    }
    const bool within_budgets = CountContents(stack_, entry, named_at, diagnostics_);
    if (entry.root == nullptr || !within_budgets) return false;
    // A file with problems still has its parents loaded: all problems at once, and an earlier
    // value to name for a value of the wrong kind.
    bool ok = entry.ok;
    path_.push_back(path);
    links_.push_back(nullptr);
    for (const Node* parent : ExtendsEntries(*entry.root)) {
      links_.back() = parent;
      if (path_.size() == kMaxExtendsDepth) {
        ReportTooDeep(*parent);
        ok = false;
        break;
      }
      const std::string parent_path = ResolveAgainst(DirectoryOf(path), parent->text);
      ok = Visit(parent_path, NamedFrom(CurrentDirectory(), parent_path), parent) && ok;
    }
    path_.pop_back();
    links_.pop_back();
    done_.insert(path);
    const bool is_profile = path_.empty();
    stack_.layers.push_back(WithoutFileKeys(entry.root, is_profile));
    stack_.sources.push_back(entry.file->display_path());
    if (is_profile) stack_.profile = entry.file;
    return ok;
  }

 private:
  // The checks before reading a file: a parent's name, and the number of files.
  bool MayRead(const std::string& path, const std::string& display, const Node* named_by) {
    const SourceRange* named_at = named_by != nullptr ? &named_by->range : profile_named_at_;
    if (IsProjectFileName(path)) {
      return RefuseProjectFile(environment_.sources, path, display, named_at, diagnostics_);
    }
    if (named_by == nullptr) return CountFile(stack_, path, nullptr, diagnostics_);
    const std::string why = environment_.reader.RefuseNonYaml(path);
    if (!why.empty()) {
      diagnostics_.Error(named_by->range, "refusing to read " + display + ": " + why)
          .notes.push_back({"a parent must be a .yaml or .yml file", {}});
      return false;
    }
    return CountFile(stack_, path, &named_by->range, diagnostics_);
  }

  // At the entry that would make the chain of files from the profile one too long.
  void ReportTooDeep(const Node& entry) {
    diagnostics_.Error(entry.range, "extends chain too long: this entry makes it " +
                                        std::to_string(kMaxExtendsDepth + 1) + " files from " +
                                        links_.front()->range.file->display_path() + "; at most " +
                                        std::to_string(kMaxExtendsDepth) + " are allowed");
  }

  // "extends cycle: a.yaml -> b.yaml -> a.yaml", at the entry that closes it, with a note for
  // each link.
  void ReportCycle(std::vector<std::string>::const_iterator start, const Node* closing) {
    std::string chain;
    std::vector<Note> notes;
    for (auto it = start; it != path_.end(); ++it) {
      const Node* link = links_[static_cast<size_t>(it - path_.begin())];
      chain += link->range.file->display_path() + " -> ";
      notes.push_back(
          {link->range.file->display_path() + " extends " + link->text + " at", link->range});
    }
    // The cycle closes on the file where it started.
    chain += links_[static_cast<size_t>(start - path_.begin())]->range.file->display_path();
    Diagnostic& error = diagnostics_.Error(closing->range, "extends cycle: " + chain);
    error.notes = std::move(notes);
  }

  Environment& environment_;
  Diagnostics& diagnostics_;
  LayerStack& stack_;
  const SourceRange* profile_named_at_;
  std::vector<std::string> path_;   // files being visited, outermost first
  std::vector<const Node*> links_;  // for each, the extends entry being followed
  std::set<std::string> done_;
  std::string current_directory_;
};

// The value at "qemu.drives[blk0].file" in a layer, or nullptr. Keyed items are found by the key
// field the table names for their list, through an index built once per list: thousands of
// diagnostics about the items of a long list must not each scan it.
class PathFinder {
 public:
  const Node* Find(const Node& root, const KeyPath& path) {
    const Node* node = &root;
    const Field* field = &ProfileSchema();
    for (const KeyPath::Step& step : path.steps()) {
      if (node == nullptr) break;
      const MappingEntry* entry = node->is_mapping() ? node->Find(step.key) : nullptr;
      field = field != nullptr ? field->Find(step.key) : nullptr;
      node = entry != nullptr ? entry->value.get() : nullptr;
      if (step.item && node != nullptr && field != nullptr) {
        node = Item(*node, field->key, *step.item);
      }
    }
    return node;
  }

 private:
  const Node* Item(const Node& list, std::string_view key_field, const std::string& key) {
    auto [index, added] = items_.try_emplace(&list);
    if (added) {
      for (const NodePtr& item : list.items) {
        const MappingEntry* found = item->is_mapping() ? item->Find(key_field) : nullptr;
        if (found != nullptr) index->second.emplace(found->value->text, item.get());
      }
    }
    const auto item = index->second.find(key);
    return item != index->second.end() ? item->second : nullptr;
  }

  std::map<const Node*, std::unordered_map<std::string, const Node*>> items_;
};

bool AddOverlayFile(const std::string& value, LayerStack& stack, Environment& environment,
                    Diagnostics& diagnostics) {
  const std::string path = AbsolutePath(value);
  if (IsProjectFileName(path)) {
    return RefuseProjectFile(environment.sources, path, value, nullptr, diagnostics);
  }
  if (const std::string why = environment.reader.RefuseNonYaml(path); !why.empty()) {
    diagnostics.Error({}, "refusing to read " + value + ": " + why)
        .notes.push_back({"an overlay file (-O) must be a .yaml or .yml file", {}});
    return false;
  }
  if (!CountFile(stack, path, nullptr, diagnostics)) return false;
  const ParsedFileCache::Entry entry =
      environment.cache.Get(environment.reader, environment.sources, path, value,
                            FileRole::kOverlayFile, nullptr, diagnostics);
  if (entry.file != nullptr)
    stack.included.emplace(entry.file, Inclusion{{}, "is applied with -O"});
  const bool within_budgets = CountContents(stack, entry, nullptr, diagnostics);
  if (entry.root == nullptr || !within_budgets) return false;
  if (!entry.ok) {
    stack.layers.push_back(entry.root);  // not merged; there for AddEarlierValueNotes
    return false;
  }
  const MappingEntry* abstract = entry.root->Find("abstract");
  // `abstract: yes` is not a boolean, which the shape check reported: not a second error here.
  if (abstract == nullptr || ReadBool(*abstract->value) == false) {
    diagnostics
        .Error(abstract != nullptr ? abstract->value->range : entry.root->range,
               "an overlay file must say 'abstract: true'")
        .notes.push_back(
            {"it is a partial profile, applied with -O; it cannot be compiled alone", {}});
    return false;
  }
  stack.layers.push_back(WithoutFileKeys(entry.root, false));
  stack.sources.push_back(entry.file->display_path());
  return true;
}

bool AddNamedOverlay(const std::string& name, const Node& merged, LayerStack& stack,
                     Diagnostics& diagnostics) {
  const MappingEntry* overlays = merged.Find("overlays");
  const MappingEntry* overlay = overlays != nullptr ? overlays->value->Find(name) : nullptr;
  if (overlay != nullptr) {
    stack.layers.push_back(overlay->value);
    return true;
  }
  static const std::vector<MappingEntry> kNone;
  const std::vector<MappingEntry>& defined = overlays != nullptr ? overlays->value->entries : kNone;
  // The note names a few: each error carried all of them (5,000 unknown -O among 5,000
  // overlays: 177 MB, 4.8 s). The speller gets them while its budget lasts.
  constexpr size_t kNamesListed = 10;
  std::string listed;
  for (size_t i = 0; i < std::min(defined.size(), kNamesListed); ++i)
    listed += (listed.empty() ? "" : ", ") + Quoted(defined[i].key);
  if (defined.size() > kNamesListed)
    listed += " and " + std::to_string(defined.size() - kNamesListed) + " more";
  std::vector<std::string_view> names;
  if (stack.speller.has_budget()) {
    for (const MappingEntry& entry : defined) names.push_back(entry.key);
  }
  Diagnostic& error = diagnostics.Error({}, "unknown overlay " + Quoted(name) + " for " +
                                                stack.profile->display_path() +
                                                stack.speller.DidYouMean(name, names));
  error.notes.push_back(
      {defined.empty() ? "the profile defines no overlays" : "the profile defines: " + listed, {}});
  return false;
}

}  // namespace

bool IsOverlayFile(const std::string& value) {
  return value.find('/') != std::string::npos || HasYamlExtension(value);
}

bool LoadProfileLayers(const std::string& profile, Environment& environment,
                       Diagnostics& diagnostics, LayerStack& stack,
                       const SourceRange* profile_named_at) {
  GraphLoader loader(environment, diagnostics, stack, profile_named_at);
  return loader.Visit(ResolveAgainst(loader.CurrentDirectory(), profile), profile, nullptr);
}

bool AddOverlayLayer(const std::string& value, const Node& merged, LayerStack& stack,
                     Environment& environment, Diagnostics& diagnostics) {
  if (IsOverlayFile(value)) return AddOverlayFile(value, stack, environment, diagnostics);
  return AddNamedOverlay(value, merged, stack, diagnostics);
}

void AddEarlierValueNotes(const LayerStack& stack, Diagnostics& diagnostics, size_t first) {
  PathFinder finder;
  for (size_t i = first; i < diagnostics.size(); ++i) {
    Diagnostic& diagnostic = diagnostics.at(i);
    if (diagnostic.key_path.empty()) continue;
    const auto later = std::find_if(
        stack.layers.begin(), stack.layers.end(),
        [&](const NodePtr& layer) { return layer->range.file == diagnostic.range.file; });
    for (auto earlier = std::make_reverse_iterator(later); earlier != stack.layers.rend();
         ++earlier) {
      if (const Node* value = finder.Find(**earlier, diagnostic.key_path)) {
        diagnostic.notes.push_back(
            {"the earlier value is " + std::string(DescribeKind(*value)) + " at", value->range});
        break;
      }
    }
  }
}

void AddInclusionNotes(const LayerStack& stack, Diagnostics& diagnostics, size_t first) {
  for (size_t i = first; i < diagnostics.size(); ++i) {
    Diagnostic& diagnostic = diagnostics.at(i);
    // Each file is brought in once, so the walk up ends at the profile or an -O file.
    for (const SourceFile* file = diagnostic.range.file; file != nullptr;) {
      const auto it = stack.included.find(file);
      if (it == stack.included.end()) break;
      const Inclusion& inclusion = it->second;
      diagnostic.notes.push_back({file->display_path() + " " + inclusion.how, inclusion.at});
      file = inclusion.at.file;
    }
  }
}

}  // namespace qemuc
