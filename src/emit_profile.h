// emit_profile: the merged profile as `qemuc resolve` prints it, YAML or JSON, keys in the order
// of the field table. Paths are written resolved (absolute), names filled in, variables already
// expanded, and extends, vars and overlays left out, so that compiling the output from anywhere
// gives the same argv as compiling the profile.
#ifndef QEMUC_EMIT_PROFILE_H_
#define QEMUC_EMIT_PROFILE_H_

#include <string>

#include "node.h"

namespace qemuc {

enum class ProfileFormat { kYaml, kJson };

// `name` is the profile's name (its own, or the default from its file name). With
// `show_origin`, YAML gets a trailing "# file:line:col" comment on each value and JSON an
// "origin" object from dotted paths to places.
std::string EmitProfile(const Node& merged, const std::string& name, ProfileFormat format,
                        bool show_origin);

}  // namespace qemuc

#endif  // QEMUC_EMIT_PROFILE_H_
