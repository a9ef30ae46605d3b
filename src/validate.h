// validate: rules on the merged profile (SPEC §3), every problem at the place that set the value.
// Completeness (the required keys of the field table, a backend for every network) is checked
// only for profiles that are not abstract.
#ifndef QEMUC_VALIDATE_H_
#define QEMUC_VALIDATE_H_

#include "diagnostic.h"
#include "node.h"

namespace qemuc {

// Returns false when it reported any problem.
bool ValidateMerged(const Node& merged, bool check_completeness, Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_VALIDATE_H_
