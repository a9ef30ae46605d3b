#include "shape_check.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "key_path.h"
#include "path_steps.h"
#include "qemu_values.h"
#include "schema.h"
#include "spell.h"
#include "text.h"
#include "utf8.h"
#include "variables.h"

namespace qemuc {
namespace {

bool IsDecimal(std::string_view text) {
  const std::string_view digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  return !digits.empty() && std::all_of(digits.begin(), digits.end(), IsDigit);
}

// A decimal (IsDecimal) written with a leading zero: "010" is octal 8 in YAML 1.1.
bool HasLeadingZero(std::string_view decimal) {
  const std::string_view digits = decimal[0] == '-' ? decimal.substr(1) : decimal;
  return digits.size() > 1 && digits[0] == '0';
}

// Plain decimal without leading zeros, within int64.
std::optional<int64_t> ParseDecimal(std::string_view text) {
  if (!IsDecimal(text) || HasLeadingZero(text)) return std::nullopt;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool IsYaml11Boolean(std::string_view text) {
  static const std::vector<std::string_view> kWords = {"yes", "no", "on",   "off",
                                                       "y",   "n",  "true", "false"};
  const std::string lower = Lower(text);
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

class ShapeChecker {
 public:
  // `value_errors` counts the problems that leave the tree meaningful (ValueError).
  ShapeChecker(FileRole role, Diagnostics& diagnostics, size_t& value_errors)
      : role_(role), diagnostics_(diagnostics), value_errors_(value_errors) {}

  void CheckMapping(const Node& node, const Field& mapping, PathSteps& path) {
    for (const MappingEntry& entry : node.entries) {
      const Field* field = mapping.Find(entry.key);
      if (field == nullptr) {
        const std::string where = path.empty() ? "" : " in " + Quoted(path.Text());
        Error(entry.key_range,
              "unknown key " + Quoted(entry.key) + where + DidYouMean(entry.key, mapping.Names()));
        continue;
      }
      if (path.empty() && role_ != FileRole::kProfile &&
          !AllowedInOverlay(entry.key, role_ == FileRole::kOverlayFile)) {
        Error(entry.key_range, Quoted(entry.key) + " cannot be set in an overlay");
        continue;
      }
      const PathSteps::Step step(path, ScopedStep::kChild, entry.key);
      CheckValue(*entry.value, *field, path);
    }
  }

 private:
  void Error(const SourceRange& range, std::string message) {
    diagnostics_.Error(range, std::move(message));
  }

  // A value of the right kind that is out of range or badly written (cpus: 0, memory: 2X,
  // kvm: yes): the tree still merges and validates, so that the problems of the later stages
  // are reported in the same run rather than after this one is fixed.
  Diagnostic& ValueError(const SourceRange& range, std::string message) {
    ++value_errors_;
    return diagnostics_.Error(range, std::move(message));
  }

  // `part`: "" for the value at `path` itself, " item" or " !delete" for an entry of the list
  // there ("'cmdline item' must be a string"). Only the value itself names its key path to the
  // layering stage, which notes the earlier value it would have changed.
  void WrongKind(const Node& node, const PathSteps& path, std::string_view expected,
                 std::string_view part = "") {
    diagnostics_
        .Error(node.range, Quoted(path.Text() + std::string(part)) + " must be " +
                               std::string(expected) + ", not " + DescribeKind(node))
        .key_path = part.empty() ? path.ToKeyPath() : KeyPath();
  }

  void CheckValue(const Node& node, const Field& field, PathSteps& path) {
    if (node.tag == NodeTag::kReset)
      return;  // removes the inherited value; what it holds is ignored
    if (node.tag == NodeTag::kDelete) {
      Error(node.range,
            "'!delete' removes an item of a keyed list or cmdline; it cannot stand for " +
                Quoted(path.Text()));
      return;
    }
    switch (field.type) {
      case FieldType::kString:
        CheckString(node, path);
        break;
      case FieldType::kPath:
        CheckPath(node, path);
        break;
      case FieldType::kBool:
        CheckBool(node, path);
        break;
      case FieldType::kInteger:
        CheckInteger(node, field, path);
        break;
      case FieldType::kMemory:
        CheckMemory(node, path);
        break;
      case FieldType::kEnum:
        CheckEnum(node, field, path);
        break;
      case FieldType::kStringList:
      case FieldType::kArgs:
      case FieldType::kCmdline:
        CheckStringList(node, field, path);
        break;
      case FieldType::kMapping:
        if (!node.is_mapping()) return WrongKind(node, path, "a mapping");
        CheckMapping(node, field, path);
        break;
      case FieldType::kKeyedList:
        CheckKeyedList(node, field, path);
        break;
      case FieldType::kStringMap:
        CheckStringMap(node, path);
        break;
      case FieldType::kExtends:
        CheckExtends(node, path);
        break;
      case FieldType::kOverlays:
        CheckOverlays(node, path);
        break;
    }
  }

  // `part` as for WrongKind.
  bool CheckString(const Node& node, const PathSteps& path, std::string_view part = "") {
    if (!node.is_scalar()) {
      WrongKind(node, path, "a string", part);
      return false;
    }
    if (node.text.find('\0') != std::string::npos) {
      Error(node.range, Quoted(path.Text() + std::string(part)) + " contains a NUL character");
      return false;
    }
    if (FindInvalidUtf8(node.text)) {
      Error(node.range,
            Quoted(path.Text() + std::string(part)) + " is not valid UTF-8 (check its escapes)");
      return false;
    }
    return true;
  }

  void CheckBool(const Node& node, const PathSteps& path) {
    if (!node.is_scalar()) return WrongKind(node, path, "true or false");
    if (ReadBool(node)) return;
    Diagnostic& error =
        ValueError(node.range, Quoted(path.Text()) + " must be true or false, not " +
                                   (node.is_plain() ? Quoted(node.text) : "a quoted string"));
    if (IsYaml11Boolean(node.text)) {
      error.notes.push_back({"booleans are the plain words true and false (YAML 1.2)", {}});
    }
  }

  void CheckInteger(const Node& node, const Field& field, const PathSteps& path) {
    if (!node.is_scalar()) return WrongKind(node, path, "an integer");
    const std::optional<int64_t> value = ReadInteger(node);
    if (!value) {
      std::string why = node.is_plain() ? Quoted(node.text) : "a quoted string";
      if (node.is_plain() && IsDecimal(node.text) && HasLeadingZero(node.text)) {
        why += " (no leading zeros: YAML 1.1 reads 010 as octal)";
      }
      ValueError(node.range, Quoted(path.Text()) + " must be a decimal integer, not " + why);
      return;
    }
    const bool too_small = field.minimum && *value < *field.minimum;
    const bool too_large = field.maximum && *value > *field.maximum;
    if (too_small || too_large) {
      ValueError(node.range,
                 Quoted(path.Text()) + " must be " + Bounds(field) + ", not " + node.text);
    }
  }

  static std::string Bounds(const Field& field) {
    if (field.minimum && field.maximum) {
      return "between " + std::to_string(*field.minimum) + " and " + std::to_string(*field.maximum);
    }
    return field.minimum ? "at least " + std::to_string(*field.minimum)
                         : "at most " + std::to_string(*field.maximum);
  }

  bool CheckPath(const Node& node, const PathSteps& path) {
    if (!CheckString(node, path)) return false;
    // An empty path would resolve to the profile's own directory.
    if (!node.text.empty()) return true;
    Error(node.range, Quoted(path.Text()) + " must not be empty");
    return false;
  }

  void CheckMemory(const Node& node, const PathSteps& path) {
    if (!node.is_scalar()) return WrongKind(node, path, "a size");
    const MemorySize size = ReadMemory(node);
    if (!size.error.empty()) ValueError(node.range, Quoted(path.Text()) + " " + size.error);
  }

  void CheckEnum(const Node& node, const Field& field, const PathSteps& path) {
    if (!CheckString(node, path)) return;
    if (std::find(field.choices.begin(), field.choices.end(), node.text) != field.choices.end())
      return;
    Error(node.range, Quoted(path.Text()) + " must be " + JoinChoices(field.choices) + ", not " +
                          Quoted(node.text) + DidYouMean(node.text, field.choices));
  }

  void CheckStringList(const Node& node, const Field& field, const PathSteps& path) {
    if (!node.is_sequence()) return WrongKind(node, path, "a list");
    for (const NodePtr& item : node.items) {
      if (item->tag == NodeTag::kDelete && field.type == FieldType::kCmdline) {
        CheckString(*item, path, " !delete");
      } else if (item->tag != NodeTag::kNone) {
        Error(item->range, "a tag cannot stand on an item of " + Quoted(path.Text()));
      } else if (CheckString(*item, path, " item") && field.type == FieldType::kCmdline &&
                 HasVariableReference(ItemKey(*item, field))) {
        Error(item->range,
              "a variable cannot stand before '=' in a cmdline entry: entries are "
              "merged by that text before variables are replaced");
      }
    }
  }

  void CheckKeyedList(const Node& node, const Field& list, PathSteps& path) {
    if (!node.is_sequence()) return WrongKind(node, path, "a list");
    // Keys are views of the items' text, which outlives the check: no copy of each key.
    std::map<std::string_view, SourceRange> first_place;
    for (const NodePtr& item : node.items) {
      const std::optional<std::pair<std::string_view, SourceRange>> key =
          CheckItemAndFindKey(*item, list, path);
      if (!key) continue;
      const auto [it, added] = first_place.emplace(key->first, key->second);
      if (!added) {
        diagnostics_
            .Error(key->second, "duplicate " + std::string(list.key) + " " + Quoted(key->first) +
                                    " in " + Quoted(path.Text()))
            .notes.push_back({"first used at", it->second});
      }
    }
  }

  // Checks one item of a keyed list and returns its key and where the key is written.
  std::optional<std::pair<std::string_view, SourceRange>> CheckItemAndFindKey(const Node& item,
                                                                              const Field& list,
                                                                              PathSteps& path) {
    if (item.tag == NodeTag::kDelete) {
      if (!CheckString(item, path, " !delete")) return std::nullopt;
      return std::make_pair(std::string_view(item.text), item.range);
    }
    if (item.tag != NodeTag::kNone) {
      Error(item.range, "a tag cannot stand on an item of " + Quoted(path.Text()));
      return std::nullopt;
    }
    if (!item.is_mapping()) {
      WrongKind(item, path, "a mapping", " item");
      return std::nullopt;
    }
    const MappingEntry* key = item.Find(list.key);
    {
      const PathSteps::Step step(
          path, ScopedStep::kItem,
          key && key->value->is_scalar() ? key->value->text : std::string_view());
      CheckMapping(item, list, path);
    }
    if (key == nullptr) {
      Error(item.range, "an item of " + Quoted(path.Text()) + " needs " + Quoted(list.key) +
                            " (items are merged by it)");
      return std::nullopt;
    }
    if (!key->value->is_scalar()) return std::nullopt;  // reported by CheckMapping
    if (HasVariableReference(key->value->text)) {
      Error(key->value->range, "the key " + Quoted(list.key) + " of an item of " +
                                   Quoted(path.Text()) +
                                   " cannot use a variable: items are merged by it before "
                                   "variables are replaced");
      return std::nullopt;
    }
    if (key->value->tag != NodeTag::kNone) {
      // Items are merged by their key, so it must be the value itself.
      Error(key->value->range, "the key " + Quoted(list.key) + " of an item of " +
                                   Quoted(path.Text()) + " cannot carry a tag");
      return std::nullopt;
    }
    return std::make_pair(std::string_view(key->value->text), key->value->range);
  }

  void CheckStringMap(const Node& node, PathSteps& path) {
    if (!node.is_mapping()) return WrongKind(node, path, "a mapping");
    for (const MappingEntry& entry : node.entries) {
      if (!IsVariableName(entry.key)) {
        Error(entry.key_range, BadVariableNameMessage(entry.key));
      }
      if (entry.value->tag == NodeTag::kReset) continue;
      const PathSteps::Step step(path, ScopedStep::kChild, entry.key);
      CheckString(*entry.value, path);
    }
  }

  void CheckExtends(const Node& node, const PathSteps& path) {
    if (!node.is_scalar() && !node.is_sequence()) {
      return WrongKind(node, path, "a path or a list of paths");
    }
    for (const Node* parent : ScalarOrItems(node)) {
      // CheckPath reports an entry that is not a string or is empty; what is left uses variables.
      if (CheckPath(*parent, path) && !IsParentEntry(*parent)) {
        Error(parent->range,
              "'extends' cannot use variables: parents are read before variables are known");
      }
    }
  }

  void CheckOverlays(const Node& node, PathSteps& path) {
    if (!node.is_mapping()) return WrongKind(node, path, "a mapping of overlay names to settings");
    for (const MappingEntry& entry : node.entries) {
      if (entry.value->tag == NodeTag::kReset) continue;  // removes an inherited overlay
      if (entry.value->tag != NodeTag::kNone) {
        // Applied, an overlay is a layer of its own: a directive on it would stand on the profile.
        Error(entry.value->range,
              "an overlay can only be removed with '!reset', not tagged otherwise");
        continue;
      }
      if (!entry.value->is_mapping()) {
        const PathSteps::Step step(path, ScopedStep::kChild, entry.key);
        WrongKind(*entry.value, path, "a mapping");
        continue;
      }
      PathSteps overlay_path;
      ShapeChecker(FileRole::kOverlay, diagnostics_, value_errors_)
          .CheckMapping(*entry.value, ProfileSchema(), overlay_path);
    }
  }

  FileRole role_;
  Diagnostics& diagnostics_;
  size_t& value_errors_;
};

}  // namespace

bool IsParentEntry(const Node& entry) {
  return entry.is_scalar() && !entry.text.empty() && !HasVariableReference(entry.text);
}

std::optional<bool> ReadBool(const Node& scalar) {
  if (!scalar.is_plain()) return std::nullopt;
  if (scalar.text == "true") return true;
  if (scalar.text == "false") return false;
  return std::nullopt;
}

std::optional<int64_t> ReadInteger(const Node& scalar) {
  if (!scalar.is_plain()) return std::nullopt;
  return ParseDecimal(scalar.text);
}

namespace {

// Digits that ParseDecimal refuses only because they do not fit in int64.
bool IsHugeDecimal(std::string_view text) {
  return IsDecimal(text) && text[0] != '-' && !HasLeadingZero(text) && !ParseDecimal(text);
}

}  // namespace

MemorySize ReadMemory(const Node& scalar) {
  constexpr int64_t kMiB = 1024 * 1024;
  const std::string& text = scalar.text;
  // Every size past the maximum gets this, however many digits it has: no arithmetic overflows.
  const MemorySize too_large = {0, "must be at most " + DescribeMaxMemory() +
                                       ", the most that QEMU's q35 and virt machines address as "
                                       "qemuc starts them; not " +
                                       Quoted(text)};
  if (const std::optional<int64_t> mib = ReadInteger(scalar)) {
    if (*mib < 1) return {0, "must be at least 1 MiB, not " + text};
    return *mib > kMaxMemoryMiB ? too_large : MemorySize{*mib, ""};
  }
  if (scalar.is_plain() && IsHugeDecimal(text)) return too_large;
  const std::string_view units = "KMGT";
  const size_t unit = text.empty() ? std::string::npos : units.find(text.back());
  const std::string_view number =
      unit == std::string::npos ? "" : std::string_view(text).substr(0, text.size() - 1);
  if (IsHugeDecimal(number)) return too_large;
  const std::optional<int64_t> count = ParseDecimal(number);
  if (!count || *count < 0) {
    return {
        0,
        "must be MiB as a plain integer, or a size such as 512M or 2G (K, M, G, T: binary "
        "units), not " +
            (scalar.is_plain() || unit != std::string::npos ? Quoted(text) : "a quoted number")};
  }
  int64_t bytes = *count;
  for (size_t i = 0; i <= unit; ++i) {
    if (bytes > INT64_MAX / 1024) return too_large;
    bytes *= 1024;
  }
  if (bytes % kMiB != 0) return {0, "must be a whole number of MiB, not " + text};
  if (bytes < kMiB) return {0, "must be at least 1 MiB, not " + text};
  return bytes / kMiB > kMaxMemoryMiB ? too_large : MemorySize{bytes / kMiB, ""};
}

bool CheckShape(const Node& root, FileRole role, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  if (root.tag != NodeTag::kNone) {
    // A layer is merged key by key; there is nothing above it to reset or override.
    diagnostics.Error(root.range, "a merge directive cannot stand on a whole profile");
    return false;
  }
  size_t value_errors = 0;
  PathSteps path;
  ShapeChecker(role, diagnostics, value_errors).CheckMapping(root, ProfileSchema(), path);
  return diagnostics.error_count() - value_errors == errors_before;
}

}  // namespace qemuc
