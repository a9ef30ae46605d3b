// ByNode: a value per tree node, found again by the node's address (the merge's index of the
// collections it made, interpolation's memo of shared subtrees).
#ifndef QEMUC_BY_NODE_H_
#define QEMUC_BY_NODE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "node.h"

namespace qemuc {

// Values made one per node and found again by the node's address, as an unordered_map would,
// without a heap node per value: the values stay in place in a deque (callers hold references
// while more are added), and an open-addressing table of (node, value) pairs finds them.
template <typename T>
class ByNode {
 public:
  // A new value for `node`, which has none yet.
  T& Add(const Node* node) {
    if (2 * (values_.size() + 1) > slots_.size()) Grow();
    T& value = values_.emplace_back();
    Place(node, &value);
    return value;
  }

  T* Find(const Node* node) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = SlotOf(node);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].first == node) return slots_[i].second;
      if (slots_[i].first == nullptr) return nullptr;
    }
  }

  std::deque<T>& values() { return values_; }

 private:
  size_t SlotOf(const Node* node) const {
    const auto address = reinterpret_cast<uintptr_t>(node);
    return static_cast<size_t>((address >> 4) * 0x9E3779B97F4A7C15u) & (slots_.size() - 1);
  }

  void Place(const Node* node, T* value) {
    size_t i = SlotOf(node);
    while (slots_[i].first != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {node, value};
  }

  // Twice the slots (a power of two, at least 64), at most half of them used.
  void Grow() {
    std::vector<std::pair<const Node*, T*>> old(std::max<size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    for (const auto& [node, value] : old) {
      if (node != nullptr) Place(node, value);
    }
  }

  std::deque<T> values_;
  std::vector<std::pair<const Node*, T*>> slots_;
};

}  // namespace qemuc

#endif  // QEMUC_BY_NODE_H_
