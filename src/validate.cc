#include "validate.h"

#include <vector>

#include "rules.h"
#include "schema.h"
#include "table_walk.h"
#include "text.h"

namespace qemuc {
namespace {

// Runs the rules of every row (Field::Check) and, for a profile that must be complete, reports
// the required keys that are missing, at the mapping that should hold them.
class Validator : public RowVisitor {
 public:
  Validator(bool check_completeness, Diagnostics& diagnostics)
      : context_(check_completeness, diagnostics) {
    holders_.reserve(8);  // as deep as a profile's mappings go, without growing
  }

  // A missing row matters only when it is required of a complete profile; so say BeginMapping
  // and Value below, which do nothing for the others.
  bool VisitsMissing(const Field& row) const override {
    return context_.check_completeness() && row.required;
  }

  bool BeginMapping(const Field& row, const Node* mapping, const KeyPath& path) override {
    // A required mapping that is missing (qemu) misses each of its required keys, which says more.
    if (mapping == nullptr) return context_.check_completeness() && row.required;
    if (row.type == FieldType::kKeyedList && row.rule != nullptr)
      row.rule(*mapping, row, path, context_);
    holders_.push_back(mapping);
    return true;
  }

  void EndMapping(const Field& row, const Node* mapping, const KeyPath& path) override {
    if (mapping == nullptr) return;
    holders_.pop_back();
    if (row.type == FieldType::kMapping && row.rule != nullptr)
      row.rule(*mapping, row, path, context_);
  }

  void Value(const Field& row, const Node* value, const KeyPath& path) override {
    if (value == nullptr) {
      if (context_.check_completeness() && row.required) {
        context_.Error(holders_.back()->range, "missing required key " + Quoted(path.Text()));
      }
      return;
    }
    if (row.rule == nullptr) return;
    if (value->is_scalar()) {
      row.rule(*value, row, path, context_);
    } else if (row.type == FieldType::kStringList) {
      for (const NodePtr& item : value->items) {
        if (item->is_scalar()) row.rule(*item, row, path, context_);
      }
    }
  }

 private:
  RuleContext context_;
  std::vector<const Node*> holders_;  // the mappings being visited, innermost last
};

}  // namespace

bool ValidateMerged(const Node& merged, bool check_completeness, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  const size_t first = diagnostics.size();
  Validator validator(check_completeness, diagnostics);
  WalkRows(merged, ProfileSchema(), validator);
  diagnostics.SortSince(first);
  return diagnostics.error_count() == errors_before;
}

}  // namespace qemuc
