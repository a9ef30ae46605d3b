// Where a walk down a tree is (the merge, the shape check): the keys on the way down, as views
// of keys that the tree holds. Only a message spells them out as a KeyPath: making one for every
// entry walked, with a copy of each key, was a tenth of the merge.
#ifndef QEMUC_PATH_STEPS_H_
#define QEMUC_PATH_STEPS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "key_path.h"

namespace qemuc {

class PathSteps {
 public:
  // One step down for as long as it lives; `name` must outlive it (a key of a layer's node).
  // Deep enough for a profile without growing.
  PathSteps() { steps_.reserve(8); }

  class Step {
   public:
    Step(PathSteps& path, ScopedStep::Kind kind, std::string_view name) : path_(path) {
      path_.steps_.push_back({kind, name});
    }
    ~Step() { path_.steps_.pop_back(); }
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;

   private:
    PathSteps& path_;
  };

  bool empty() const { return steps_.empty(); }

  KeyPath ToKeyPath() const {
    KeyPath path;
    for (const auto& [kind, name] : steps_) {
      if (kind == ScopedStep::kChild) {
        path.AppendChild(name);
      } else {
        path.AppendItem(name);
      }
    }
    return path;
  }

  std::string Text() const { return ToKeyPath().Text(); }

 private:
  std::vector<std::pair<ScopedStep::Kind, std::string_view>> steps_;
};

}  // namespace qemuc

#endif  // QEMUC_PATH_STEPS_H_
