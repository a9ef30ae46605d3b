#include "set_assignment.h"

#include <algorithm>

#include "spell.h"
#include "text.h"
#include "yaml_parser.h"

namespace qemuc {
namespace {

using Step = KeyPath::Step;

bool IsMappingLike(const Field& field) {
  return field.type == FieldType::kMapping || field.type == FieldType::kStringMap;
}

// The field a key names inside `parent` (a mapping, or the items of a keyed list), or why not.
std::variant<const Field*, std::string> ChildOf(const Field& parent, const std::string& key,
                                                const KeyPath& where) {
  static const Field kVariable("", FieldType::kString, "a variable");
  if (parent.type == FieldType::kStringMap) return &kVariable;
  const Field* child = parent.Find(key);
  if (child == nullptr) {
    const std::string in = where.empty() ? "" : " in " + Quoted(where.Text());
    return "unknown key " + Quoted(key) + in + DidYouMean(key, parent.Names());
  }
  if (where.empty() && !AllowedInOverlay(key, false))
    return Quoted(key) + " cannot be set with --set";
  return child;
}

// Checks the steps of `path` against the field table, in order, and puts the field each names
// into `fields`; returns what is wrong with the first step that is wrong. `more_follows`: the
// text goes on after the last step, so that step must have keys.
std::string CheckSteps(const KeyPath& path, bool more_follows, std::vector<const Field*>& fields) {
  const Field* parent = &ProfileSchema();
  KeyPath where;
  const std::vector<Step>& steps = path.steps();
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto child = ChildOf(*parent, step.key, where);
    if (const auto* error = std::get_if<std::string>(&child)) return *error;
    const Field* field = std::get<const Field*>(child);
    if (i > 0 && steps[i - 1].item && parent->key == step.key) {
      return Quoted(where.Child(step.key).Text()) + " cannot be set: the item is identified by it";
    }
    where = where.Child(step.key);
    if (step.item && field->type != FieldType::kKeyedList) {
      return Quoted(where.Text()) + " is not a keyed list; " +
             Quoted(KeyPath().Item(*step.item).Text()) + " cannot follow it";
    }
    if (step.item) where = where.Item(*step.item);
    parent = field;
    fields.push_back(field);
    if ((i + 1 < steps.size() || more_follows) && !IsMappingLike(*field) && !step.item) {
      return Quoted(where.Text()) + " has no keys";
    }
  }
  return "";
}

// Reads the path with KeyPath::Parse and checks it; a problem with a step comes before a syntax
// error later in the text ("qemu.cpuss..x": the unknown key 'cpuss' is named, not the empty key).
std::string ParsePath(const std::string& text, Assignment& assignment) {
  KeyPath before_error;
  auto parsed = KeyPath::Parse(text, &before_error);
  if (const auto* syntax_error = std::get_if<std::string>(&parsed)) {
    const std::string earlier = CheckSteps(before_error, true, assignment.fields);
    return earlier.empty() ? *syntax_error : earlier;
  }
  assignment.path = std::get<KeyPath>(std::move(parsed));
  return CheckSteps(assignment.path, false, assignment.fields);
}

std::shared_ptr<Node> Mapping(const SourceRange& range) {
  auto node = std::make_shared<Node>();
  node->kind = NodeKind::kMapping;
  node->range = range;
  return node;
}

// KEY of a keyed list: a one-item list whose item holds its key and what `inner` sets in it.
NodePtr KeyedItem(const Step& step, const Field& list, const NodePtr& inner, SourceRange item_range,
                  Diagnostics& diagnostics) {
  const auto item_name = [&] { return Quoted(KeyPath().Child(step.key).Item(*step.item).Text()); };
  if (!inner->is_mapping()) {
    diagnostics.Error(inner->range,
                      "the value of " + item_name() + " must be a mapping, such as {file: /x.img}");
    return nullptr;
  }
  auto key = std::make_shared<Node>();
  key->text = *step.item;
  key->range = item_range;
  key->range.length = static_cast<uint32_t>(step.item->size());
  if (const MappingEntry* own = inner->Find(list.key)) {
    diagnostics.Error(own->key_range, "the item " + item_name() + " is identified by its " +
                                          Quoted(list.key) + "; it cannot be set here");
    return nullptr;
  }
  auto item = std::make_shared<Node>(*inner);
  item->entries.insert(item->entries.begin(), MappingEntry{std::string(list.key), key->range, key});
  auto one_item = std::make_shared<Node>();
  one_item->kind = NodeKind::kSequence;
  one_item->range = item_range;
  one_item->items.push_back(item);
  return one_item;
}

// "--set qemu.initrd=!reset": yaml-cpp reads a lone tag as a null and drops the tag, so the
// directive is recognised here.
NodePtr ResetValue(const Assignment& assignment, const SourceFile& file) {
  const std::string value = assignment.argument.substr(assignment.value_offset);
  const size_t start = value.find_first_not_of(' ');
  const size_t end = value.find_last_not_of(' ');
  if (start == std::string::npos || value.substr(start, end - start + 1) != "!reset")
    return nullptr;
  auto reset = std::make_shared<Node>();
  reset->tag = NodeTag::kReset;
  reset->range = RangeAtOffset(file, assignment.value_offset + start);
  reset->range.length = 6;
  return reset;
}

}  // namespace

std::variant<Assignment, std::string> ParseAssignment(const std::string& argument) {
  const size_t equals = argument.find('=');
  if (equals == std::string::npos) return std::string("expected PATH=VALUE");
  Assignment assignment;
  assignment.argument = argument;
  assignment.value_offset = equals + 1;
  const std::string path = argument.substr(0, equals);
  if (path.empty()) return std::string("the path before '=' is empty");
  if (std::string error = ParsePath(path, assignment); !error.empty()) return error;
  return assignment;
}

NodePtr AssignmentLayer(const Assignment& assignment, const SourceFile& file,
                        Diagnostics& diagnostics) {
  // The value is parsed in place: the PATH= part is blanked, so columns count from the
  // start of the whole argument.
  const std::string text = std::string(assignment.value_offset, ' ') +
                           assignment.argument.substr(assignment.value_offset);
  NodePtr inner = ResetValue(assignment, file);
  if (inner == nullptr) inner = ParseYamlValue(file, text, diagnostics);
  if (inner == nullptr) return nullptr;
  const auto at = [&](size_t offset) { return RangeAtOffset(file, offset); };
  const std::vector<Step>& steps = assignment.path.steps();
  for (size_t i = steps.size(); i-- > 0;) {
    const Step& step = steps[i];
    SourceRange key_range = at(step.key_offset);
    key_range.length = static_cast<uint32_t>(step.key.size());
    if (step.item) {
      inner = KeyedItem(step, *assignment.fields[i], inner, at(step.item_offset), diagnostics);
    }
    if (inner == nullptr) return nullptr;
    auto mapping = Mapping(key_range);
    mapping->entries.push_back(MappingEntry{step.key, key_range, inner});
    inner = mapping;
  }
  return inner;
}

}  // namespace qemuc
