#include "set_assignment.h"

#include <algorithm>

#include "spell.h"
#include "text.h"
#include "yaml_parser.h"

namespace qemuc {
namespace {

using Step = Assignment::Step;

bool IsMappingLike(const Field& field) {
  return field.type == FieldType::kMapping || field.type == FieldType::kStringMap;
}

// The field a key names inside `parent` (a mapping, or the items of a keyed list), or why not.
std::variant<const Field*, std::string> ChildOf(const Field& parent, const std::string& key,
                                                const std::string& where) {
  static const Field kVariable("", FieldType::kString, "a variable");
  if (parent.type == FieldType::kStringMap) return &kVariable;
  const Field* child = parent.Find(key);
  if (child == nullptr) {
    const std::string in = where.empty() ? "" : " in " + Quoted(where);
    return "unknown key " + Quoted(key) + in + DidYouMean(key, parent.Names());
  }
  if (where.empty() && !AllowedInOverlay(key, false))
    return Quoted(key) + " cannot be set with --set";
  return child;
}

// Reads "name" or "name[KEY]" at `i` into `step`; returns the offset after it, or an error.
std::variant<size_t, std::string> ReadStep(const std::string& path, size_t i, Step& step) {
  const size_t end = path.find_first_of(".[", i);
  step.key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
  step.key_offset = i;
  if (step.key.empty()) return std::string("an empty key in the path");
  if (end == std::string::npos || path[end] == '.') return end;
  const size_t close = path.find(']', end);
  if (close == std::string::npos) return "'[' without ']' after " + Quoted(step.key);
  step.item = path.substr(end + 1, close - end - 1);
  step.item_offset = end + 1;
  if (step.item->empty()) return "an empty item key in '[]' after " + Quoted(step.key);
  if (close + 1 < path.size() && path[close + 1] != '.') {
    return "expected '.' after " + Quoted(path.substr(end, close - end + 1));
  }
  return close + 1;
}

std::string ParsePath(const std::string& path, Assignment& assignment) {
  const Field* parent = &ProfileSchema();
  std::string where;
  for (size_t i = 0;;) {
    Step step;
    const auto next = ReadStep(path, i, step);
    if (const auto* error = std::get_if<std::string>(&next)) return *error;
    const auto child = ChildOf(*parent, step.key, where);
    if (const auto* error = std::get_if<std::string>(&child)) return *error;
    step.field = std::get<const Field*>(child);
    if (!assignment.path.empty() && assignment.path.back().item && parent->key == step.key) {
      return Quoted(where + "." + step.key) + " cannot be set: the item is identified by it";
    }
    where = JoinKeyPath(where, step.key);
    if (step.item && step.field->type != FieldType::kKeyedList) {
      return Quoted(where) + " is not a keyed list; " + Quoted("[" + *step.item + "]") +
             " cannot follow it";
    }
    if (step.item) where += "[" + *step.item + "]";
    parent = step.field;
    assignment.path.push_back(std::move(step));
    const size_t after = std::get<size_t>(next);
    if (after >= path.size()) return "";
    i = after + 1;
    if (!IsMappingLike(*parent) && !assignment.path.back().item) {
      return Quoted(where) + " has no keys";
    }
  }
}

std::shared_ptr<Node> Mapping(const SourceRange& range) {
  auto node = std::make_shared<Node>();
  node->kind = NodeKind::kMapping;
  node->range = range;
  return node;
}

// KEY of a keyed list: a one-item list whose item holds its key and what `inner` sets in it.
NodePtr KeyedItem(const Step& step, const NodePtr& inner, SourceRange item_range,
                  Diagnostics& diagnostics) {
  if (!inner->is_mapping()) {
    diagnostics.Error(inner->range, "the value of " + Quoted(step.key + "[" + *step.item + "]") +
                                        " must be a mapping, such as {file: /x.img}");
    return nullptr;
  }
  auto key = std::make_shared<Node>();
  key->text = *step.item;
  key->range = item_range;
  key->range.length = static_cast<uint32_t>(step.item->size());
  if (const MappingEntry* own = inner->Find(step.field->key)) {
    diagnostics.Error(own->key_range, "the item " + Quoted(step.key + "[" + *step.item + "]") +
                                          " is identified by its " + Quoted(step.field->key) +
                                          "; it cannot be set here");
    return nullptr;
  }
  auto item = std::make_shared<Node>(*inner);
  item->entries.insert(item->entries.begin(),
                       MappingEntry{std::string(step.field->key), key->range, key});
  auto list = std::make_shared<Node>();
  list->kind = NodeKind::kSequence;
  list->range = item_range;
  list->items.push_back(item);
  return list;
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
  for (auto step = assignment.path.rbegin(); step != assignment.path.rend(); ++step) {
    SourceRange key_range = at(step->key_offset);
    key_range.length = static_cast<uint32_t>(step->key.size());
    if (step->item) inner = KeyedItem(*step, inner, at(step->item_offset), diagnostics);
    if (inner == nullptr) return nullptr;
    auto mapping = Mapping(key_range);
    mapping->entries.push_back(MappingEntry{step->key, key_range, inner});
    inner = mapping;
  }
  return inner;
}

}  // namespace qemuc
