// graph: the files that make up profiles and how they refer to each other (SPEC §8, `qemuc
// graph`), as Graphviz DOT. A pure model: graph_loader.h fills it from profile files.
#ifndef QEMUC_GRAPH_H_
#define QEMUC_GRAPH_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace qemuc {

struct GraphFile {
  bool abstract = false;  // `abstract: true`: a base or an overlay file, drawn dashed
  bool broken = false;    // could not be read, parsed or checked: drawn red
};

struct GraphEdge {
  std::string to;     // the parent, or the overlay file
  std::string label;  // empty: none
};

// Files are named as the user would name them (graph_loader.h: relative to the current
// directory); each name is one node. The DOT lists files in byte order of their names and each
// file's edges in the order they were added, so it does not depend on the order of discovery
// beyond that.
class Graph {
 public:
  // The file called `name`, added (neither abstract nor broken) when it is not there yet.
  GraphFile& File(const std::string& name);

  // An `extends` entry of `child` naming `parent`; call in merge order. `label` is the entry's
  // place in that order when `child` has several parents, else empty.
  void AddExtends(const std::string& child, const std::string& parent, std::string label);

  // `profile` applied with the overlay file `overlay` by what `label` names (an output). The
  // same edge with the same label is drawn once.
  void AddOverlay(const std::string& profile, const std::string& overlay, std::string label);

  struct Entry {
    GraphFile file;
    std::vector<GraphEdge> extends;   // in merge order
    std::vector<GraphEdge> overlays;  // in the order added
  };
  const std::map<std::string, Entry>& files() const { return files_; }

 private:
  std::map<std::string, Entry> files_;
};

// `text` as a quoted DOT string that Graphviz shows as exactly `text`: `\` and `"` escaped, `&`
// written `&amp;` (Graphviz reads entities in labels), a newline as `\n` (a line break in the
// label) and other control characters and bytes that are not UTF-8 shown as visible escapes
// (`\t`, `\x01`, `\xff`), as on a terminal. As a node name, the same string is its title in SVG.
std::string DotQuoted(std::string_view text);

// The whole graph: `digraph qemuc { ... }`, parents above the files that extend them.
std::string RenderDot(const Graph& graph);

}  // namespace qemuc

#endif  // QEMUC_GRAPH_H_
