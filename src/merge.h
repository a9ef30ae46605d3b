// merge: layers (lowest first) -> one tree without tags, by the rules of SPEC §2.3. Every merged
// value keeps the range of the layer that set it, so later diagnostics point at that file.
#ifndef QEMUC_MERGE_H_
#define QEMUC_MERGE_H_

#include <string>
#include <vector>

#include "diagnostic.h"
#include "node.h"
#include "schema.h"

namespace qemuc {

// Each layer is a profile root that passed the shape check. Returns nullptr after reporting a
// problem (!delete of an item that is not there). A type change never gets here: the field table
// gives each key one kind, and the shape check of the later file refuses another.
NodePtr MergeLayers(const std::vector<NodePtr>& layers, Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_MERGE_H_
