// Fills a Graph (graph.h) from profile files: each profile, every file its extends reach, and
// the overlay files that outputs apply. Files are read through the run's ParsedFileCache, so a
// file that validate has read is not read again. Problems are not reported here (validate
// reports them); a file that could not be used is drawn as broken, and what can be drawn is.
#ifndef QEMUC_GRAPH_LOADER_H_
#define QEMUC_GRAPH_LOADER_H_

#include <set>
#include <string>
#include <vector>

#include "environment.h"
#include "graph.h"
#include "node.h"
#include "shape_check.h"

namespace qemuc {

// An output of the project applies an overlay file to a profile (paths as for
// ProfileGraphLoader); `label` names the output.
struct OverlayUse {
  std::string profile;
  std::string overlay_file;
  std::string label;
};

// Paths are as the user gives them: absolute, or relative to the current directory. Nodes are
// named as diagnostics name parents (DisplayPathOf in layers.h), whatever the spelling given.
class ProfileGraphLoader {
 public:
  explicit ProfileGraphLoader(Environment& environment) : environment_(environment) {}

  // The profile at `path` and the files its extends graph reaches (as `validate` does: at most
  // kMaxProfileFiles of them; a parent that is not a .yaml/.yml file is drawn, never read).
  void AddProfile(const std::string& path);

  // An overlay file on its own, read to know whether it is abstract.
  void AddOverlayFile(const std::string& path);

  // `profile` applies the overlay file `overlay` for `label` (what uses it, e.g. an output
  // file): both files are added, with a dashed edge between them.
  void AddOverlayUse(const std::string& profile, const std::string& overlay,
                     const std::string& label);

  const Graph& graph() const { return graph_; }

 private:
  // Reads the file at `absolute` as `role` and marks its node; returns its tree or nullptr.
  const Node* Load(const std::string& absolute, FileRole role);
  // Adds the edges of a file's extends entries; returns the parents' absolute paths.
  std::vector<std::string> AddParents(const std::string& absolute, const Node& root);

  Environment& environment_;
  Graph graph_;
  std::set<std::string> expanded_;  // files whose extends edges are drawn (absolute paths)
};

}  // namespace qemuc

#endif  // QEMUC_GRAPH_LOADER_H_
