// The keys already read in the mappings being parsed, so that a repeated key is reported with
// the place of its first definition. Most mappings hold a few keys: one row shared by all open
// mappings, searched in order, costs less than a hash map per mapping (a malloc per key). A
// mapping gets a hash index of its own from kIndexFrom keys on, so that a mapping of 30,000
// keys is still read in linear time.
#ifndef QEMUC_SEEN_KEYS_H_
#define QEMUC_SEEN_KEYS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "source.h"

namespace qemuc {

class SeenKeys {
 public:
  static constexpr size_t kIndexFrom = 16;

  // One open mapping. Mappings are opened and closed innermost first (Open, then Close in
  // reverse order), and keys are found and added only in the innermost one.
  struct Frame {
    size_t first = 0;  // without an index: its keys are row_[first, end)
    std::unique_ptr<std::unordered_map<std::string, SourceRange>> index;
  };

  SeenKeys() { row_.reserve(kIndexFrom); }

  Frame Open() const { return Frame{row_.size(), nullptr}; }
  void Close(const Frame& frame) {
    if (frame.index == nullptr) row_.resize(frame.first);
  }

  // Where `key` was first added to this mapping, or nullptr.
  const SourceRange* Find(const Frame& frame, const std::string& key) const {
    if (frame.index != nullptr) {
      const auto found = frame.index->find(key);
      return found != frame.index->end() ? &found->second : nullptr;
    }
    for (size_t i = frame.first; i < row_.size(); ++i) {
      if (row_[i].key == key) return &row_[i].range;
    }
    return nullptr;
  }

  // Adds a key that Find did not find.
  void Add(Frame& frame, const std::string& key, const SourceRange& range) {
    if (frame.index != nullptr) {
      frame.index->emplace(key, range);
      return;
    }
    row_.push_back({key, range});
    if (row_.size() - frame.first < kIndexFrom) return;
    frame.index = std::make_unique<std::unordered_map<std::string, SourceRange>>();
    for (size_t i = frame.first; i < row_.size(); ++i) {
      frame.index->emplace(std::move(row_[i].key), row_[i].range);
    }
    row_.resize(frame.first);
  }

 private:
  struct Key {
    std::string key;
    SourceRange range;
  };
  std::vector<Key> row_;
};

}  // namespace qemuc

#endif  // QEMUC_SEEN_KEYS_H_
