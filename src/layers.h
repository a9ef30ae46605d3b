// resolve: which files and values make up a profile, lowest layer first (SPEC §2.3):
//   1. the extends graph: each parent before the file that extends it, the parents of one file
//      in the order listed, every file once (depth-first post-order); a cycle is an error;
//   2. the profile itself;
//   3. overlays in command-line order: a file (a value with '/' or ending in .yaml/.yml) or an
//      entry of the merged `overlays:`;
//   4. --set assignments (set_assignment.h) in order.
#ifndef QEMUC_LAYERS_H_
#define QEMUC_LAYERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "environment.h"
#include "node.h"
#include "spell.h"

namespace qemuc {

// How a file came into a profile, for the notes that follow a diagnostic about it.
struct Inclusion {
  SourceRange at;   // the extends entry; no file: given on the command line
  std::string how;  // "is extended by", "is applied with -O"
};

// SPEC §2.3 and README "Security and limits": real chains are 2-4 files deep; the bound keeps
// the recursion over the graph shallow. The file count bounds what one profile can make qemuc
// read (256 x 1 MiB).
constexpr size_t kMaxExtendsDepth = 32;   // files on one chain, the profile included
constexpr size_t kMaxProfileFiles = 256;  // the profile, its parents and its overlay files

struct LayerStack {
  const SourceFile* profile = nullptr;
  std::vector<NodePtr> layers;       // lowest first; each passed the shape check
  std::vector<std::string> sources;  // the files, as the user would name them, lowest first
  std::map<const SourceFile*, Inclusion> included;
  Speller speller;  // "did you mean" for unknown -O names, within one budget per profile
  std::set<std::string> files;  // every file asked for (absolute), for kMaxProfileFiles
  bool too_many_files = false;  // reported once; the files after it are not read
  uint64_t nodes = 0;           // of all files read, aliases expanded: bounded like one file's
  uint64_t bytes = 0;
  uint64_t text_bytes = 0;  // of all files read, comments and blank lines included
};

// How diagnostics and `qemuc graph` name a file reached through extends: relative to the current
// directory when it is below it, else absolute (`absolute` is an absolute path).
std::string DisplayPathOf(const std::string& absolute);

// The entries of a file's `extends` that name a parent to read, in merge order (a string, or the
// strings of a list; what the shape check refused is left out).
std::vector<const Node*> ExtendsEntries(const Node& root);

// Layers 1 and 2: the extends graph of `profile` (a path as the user gave it) and the profile.
// Returns false after reporting a problem; `stack` still says how each file came in, for notes.
// A profile that cannot be read is reported at `profile_named_at` (an output's `profile:` in
// qemuc.yaml), or at the file when nothing names it (nullptr: the command line).
bool LoadProfileLayers(const std::string& profile, Environment& environment,
                       Diagnostics& diagnostics, LayerStack& stack,
                       const SourceRange* profile_named_at = nullptr);

// True for a -O value that names a file (it has a '/' or ends in .yaml/.yml), not an entry of
// the profile's `overlays:`.
bool IsOverlayFile(const std::string& value);

// Layer 3: appends the overlay named by `value` (-O VALUE). `merged` is what the layers so far
// merge to, where named overlays are looked up.
bool AddOverlayLayer(const std::string& value, const Node& merged, LayerStack& stack,
                     Environment& environment, Diagnostics& diagnostics);

// For every diagnostic since `first` about a value of the wrong kind in a layer, a note at the
// value of the same key in an earlier layer, the one it would have changed: the field table
// gives every key one kind, so a type change is refused in the later file, naming the earlier.
void AddEarlierValueNotes(const LayerStack& stack, Diagnostics& diagnostics, size_t first);

// "note: base/x86_64.yaml is extended by boards/x64-dev.yaml:1:10", up to the profile, for every
// diagnostic reported since `first` about a file of `stack`.
void AddInclusionNotes(const LayerStack& stack, Diagnostics& diagnostics, size_t first);

}  // namespace qemuc

#endif  // QEMUC_LAYERS_H_
