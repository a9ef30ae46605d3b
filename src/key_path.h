// KeyPath: where a value sits in a profile, as messages, --set, notes and provenance name it:
//   qemu.cpus    qemu.drives[blk0].file    cmdline[2]
// A key path is parsed and printed here only; every stage that walks a profile builds one with
// Child and Item.
#ifndef QEMUC_KEY_PATH_H_
#define QEMUC_KEY_PATH_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qemuc {

class KeyPath {
 public:
  // One key, and the item of the list under it when the path goes into one ("drives[blk0]").
  struct Step {
    std::string key;
    std::optional<std::string> item;  // a keyed list's item key, or a position ("0")
    size_t key_offset = 0;            // in the parsed text (Parse only)
    size_t item_offset = 0;
    // No key: an item of the list that the step before holds ("a[0][1]"), which Text prints
    // without a '.', unlike a value under an empty key ("a.", as YAML allows "": x).
    bool in_list = false;

    bool operator==(const Step& other) const {
      return key == other.key && item == other.item && in_list == other.in_list;
    }
  };

  KeyPath() = default;

  // "qemu" -> "qemu.cpus".
  KeyPath Child(std::string_view key) const;
  // "qemu.drives" -> "qemu.drives[blk0]".
  KeyPath Item(std::string_view item) const;

  // "a.b[KEY].c"; what is wrong with it otherwise ("'[' without ']' after 'drives'"). On an
  // error, `read_before_error` (when given) gets the steps before the one that is wrong, so that
  // a caller that checks each step can report a problem that comes first in the text.
  static std::variant<KeyPath, std::string> Parse(std::string_view text,
                                                  KeyPath* read_before_error = nullptr);

  // The same steps as Child and Item, made in place and undone by Restore: a walk down a tree
  // names each value without a copy of the path above it (ScopedStep).
  struct Saved {
    size_t size = 0;
    bool item_set = false;  // the item went onto the last step, which had none
  };
  Saved AppendChild(std::string_view key);
  Saved AppendItem(std::string_view item);
  void Restore(const Saved& saved);

  std::string Text() const;
  bool empty() const { return steps_.empty(); }
  const std::vector<Step>& steps() const { return steps_; }

  bool operator==(const KeyPath& other) const { return steps_ == other.steps_; }
  bool operator!=(const KeyPath& other) const { return !(*this == other); }

 private:
  std::vector<Step> steps_;
};

// A step down `path` for as long as it lives.
class ScopedStep {
 public:
  enum Kind { kChild, kItem };
  ScopedStep(KeyPath& path, Kind kind, std::string_view name)
      : path_(path), saved_(kind == kChild ? path.AppendChild(name) : path.AppendItem(name)) {}
  ~ScopedStep() { path_.Restore(saved_); }
  ScopedStep(const ScopedStep&) = delete;
  ScopedStep& operator=(const ScopedStep&) = delete;

 private:
  KeyPath& path_;
  const KeyPath::Saved saved_;
};

}  // namespace qemuc

#endif  // QEMUC_KEY_PATH_H_
