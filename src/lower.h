// lower: the merged profile tree -> the core Config, with every path resolved against the
// directory of the file that wrote it. Runs only on a tree that passed validation: it reports
// nothing.
#ifndef QEMUC_LOWER_H_
#define QEMUC_LOWER_H_

#include <string>

#include "lowered_profile.h"
#include "node.h"

namespace qemuc {

// The profile's `name`, or by default its file name without extension.
std::string ProfileName(const Node& merged, const SourceFile& profile_file);

// `profile_file` is the profile itself: its stem is the default name.
LoweredProfile LowerProfile(const Node& merged, const SourceFile& profile_file);

// The systemd settings of a profile without a `systemd:` section: the field table's defaults.
UnitSettings DefaultUnitSettings();

}  // namespace qemuc

#endif  // QEMUC_LOWER_H_
