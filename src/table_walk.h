// The one walk over a merged profile and the field table together, row by row, for the stages
// that read a merged profile (validation, lowering). Each row is visited whether its key is
// written or not, so that a stage sees missing keys (completeness, defaults) where they belong.
#ifndef QEMUC_TABLE_WALK_H_
#define QEMUC_TABLE_WALK_H_

#include <functional>

#include "key_path.h"
#include "node.h"
#include "schema.h"

namespace qemuc {

class RowVisitor {
 public:
  virtual ~RowVisitor() = default;
  // Before the rows of a mapping: the root, a mapping row, or one item of a keyed list row (its
  // `path` then ends in the item's key). `mapping` is nullptr for a mapping row not written.
  // Returns whether to visit its rows.
  virtual bool BeginMapping(const Field& row, const Node* mapping, const KeyPath& path) = 0;
  virtual void EndMapping(const Field& row, const Node* mapping, const KeyPath& path) = 0;
  // A row of any other type (a keyed list row only when it is not written), with its value or
  // nullptr.
  virtual void Value(const Field& row, const Node* value, const KeyPath& path) = 0;
  // Whether a row whose key is not written is visited at all (BeginMapping or Value with
  // nullptr). A stage that looks only at some missing rows says so here, and the walk then skips
  // building the path of the others: most rows of the table are not written.
  virtual bool VisitsMissing(const Field& /*row*/) const { return true; }
};

// Every row below `table`, depth first in table order, with its path; the rows of a keyed list's
// items are under its empty item: "qemu.drives[].file". For the stages that read the table
// alone (the key reference, the table's own tests).
void ForEachRow(
    const Field& table,
    const std::function<void(const Field& row, const KeyPath& path, const Field& parent)>& visit);

// Visits `root` as the mapping `table` (ProfileSchema() for a profile). The tree must have passed
// the shape check: a value of the wrong kind is skipped.
void WalkRows(const Node& root, const Field& table, RowVisitor& visitor);

}  // namespace qemuc

#endif  // QEMUC_TABLE_WALK_H_
