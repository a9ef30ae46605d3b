// The profile format as one declarative field table (SPEC §2.2). Each row says a key's kind,
// default, range, format and description, the rule that validates it (rules.h) and where lowering
// puts it (binding.h). The table drives the shape check, merging, --set, validation, lowering,
// `resolve`, `qemuc schema` and the README's key table, so that they cannot drift (clang-format's
// mapOptional pattern). Adding a profile key: one row here, one Config field, one line in
// invocation, one test.
#ifndef QEMUC_SCHEMA_H_
#define QEMUC_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qemuc {

class Binding;
class KeyPath;
class RuleContext;
struct Node;

enum class FieldType {
  kString,      // any scalar, taken as text
  kPath,        // a string naming a file, resolved against the directory of the file that wrote it
  kBool,        // plain true or false
  kInteger,     // plain decimal
  kMemory,      // plain decimal MiB, or a string with a K/M/G/T suffix
  kEnum,        // one of `choices`
  kStringList,  // a list of strings; merging appends what is new
  kArgs,        // a list of raw arguments; merging appends as written
  kCmdline,     // a list of kernel arguments, keyed by the text before '='
  kMapping,     // the keys of `fields`
  kKeyedList,   // a list of mappings with the keys of `fields`, identified by the field `key`
  kStringMap,   // any names to strings (vars)
  kExtends,     // one path, or a list of paths
  kOverlays,    // overlay names to partial profiles
};

struct Field {
  // A rule of SPEC §3 (rules.h): run on a value, on each string of a string list, on each item
  // of a keyed list (before its rows) or on a mapping (after its rows).
  using Rule = void (*)(const Node& value, const Field& row, const KeyPath& path,
                        RuleContext& context);

  Field(std::string_view field_name, FieldType field_type, std::string_view field_description)
      : name(field_name), type(field_type), description(field_description) {}

  // Builders, so that the table reads as one line per key.
  Field& Children(std::vector<Field> children) {
    fields = std::move(children);
    return *this;
  }
  Field& KeyedBy(std::string_view item_key) {
    key = item_key;
    return *this;
  }
  Field& OneOf(std::vector<std::string_view> values) {
    choices = std::move(values);
    return *this;
  }
  // A literal value, as it would be written: lowering stores it where the key is not set.
  Field& Default(std::string_view value) {
    default_value = value;
    return *this;
  }
  // A default that is worked out later ("qemu-system-<target>" by lowering, the target's CPU
  // model by invocation), stated in words.
  Field& DerivedDefault(std::string_view words) {
    default_value = words;
    default_derived = true;
    return *this;
  }
  Field& Check(Rule value_rule) {
    rule = value_rule;
    return *this;
  }
  Field& Bind(std::shared_ptr<const Binding> place) {
    binding = std::move(place);
    return *this;
  }
  // A key that describes its own file, not the VM (abstract): a parent's value is not inherited.
  Field& NotInherited() {
    inherited = false;
    return *this;
  }
  // A kPath that may also be a bare name (no '/'), looked up in PATH: qemu.binary.
  Field& BareNameAllowed() {
    bare_name_allowed = true;
    return *this;
  }
  // A key of the profile language itself (extends, abstract, vars, overlays): layering,
  // interpolation or the compiler consume it, so it has no place in the lowered profile.
  Field& ConsumedBeforeLowering() {
    consumed_before_lowering = true;
    return *this;
  }
  Field& Required() {
    required = true;
    return *this;
  }
  Field& Min(int64_t value) {
    minimum = value;
    return *this;
  }
  Field& Max(int64_t value) {
    maximum = value;
    return *this;
  }
  // A format of SPEC §3 for `qemuc schema`, as a regular expression without anchors. qemuc
  // checks most formats on the merged profile, after interpolation, so the schema lets a value
  // holding a ${name} reference through.
  Field& Pattern(std::string regex) {
    pattern = std::move(regex);
    return *this;
  }
  // A format that holds for the text as written: an item key (never interpolated), or a
  // character that interpolation cannot take away.
  Field& PatternAsWritten(std::string regex) {
    pattern = std::move(regex);
    pattern_as_written = true;
    return *this;
  }

  std::string_view name;
  FieldType type;
  std::string_view description;
  std::vector<Field> fields;               // kMapping, kKeyedList
  std::string_view key;                    // kKeyedList: the field that identifies an item
  std::vector<std::string_view> choices;   // kEnum
  std::string_view default_value;          // as documented; empty when there is none
  bool default_derived = false;            // default_value is words, not a value
  bool required = false;                   // a complete profile (or list item) must set it
  std::optional<int64_t> minimum;          // kInteger
  std::optional<int64_t> maximum;          // kInteger
  std::string pattern;                     // kString, kPath; empty when there is none
  bool pattern_as_written = false;         // else a ${name} reference passes it
  Rule rule = nullptr;                     // beyond kind, range and pattern
  std::shared_ptr<const Binding> binding;  // where lowering stores the value
  bool consumed_before_lowering = false;
  bool bare_name_allowed = false;  // kPath
  bool inherited = true;

  const Field* Find(std::string_view child) const;
  // The names of `fields`, for "did you mean".
  std::vector<std::string_view> Names() const;
};

// The key that identifies an item of a keyed list or cmdline (SPEC §2.3), as merging matches
// items: the text of a !delete item, a cmdline entry's text before '=', else the value of the
// list's key field ("" when missing).
std::string ItemKey(const Node& item, const Field& list);

// The root mapping of a profile file.
const Field& ProfileSchema();

// Keys of the root that an overlay may not set: it is applied to a profile, not extended, and
// only an overlay file says `abstract: true` (it is not a profile of its own).
bool AllowedInOverlay(std::string_view root_key, bool overlay_file);

}  // namespace qemuc

#endif  // QEMUC_SCHEMA_H_
