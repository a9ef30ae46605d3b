// lower: the merged profile tree -> the core Config, with every path resolved against the
// directory of the file that wrote it. Runs only on a tree that passed validation: it reports
// nothing.
#ifndef QEMUC_LOWER_H_
#define QEMUC_LOWER_H_

#include <string>
#include <vector>

#include "config.h"
#include "node.h"
#include "unit_settings.h"

namespace qemuc {

// A file the compiled profile refers to, kept with the place that named it for host checks.
struct FileUse {
  std::string role;  // "kernel", "initrd", "drive 'blk0'"
  std::string path;  // resolved, absolute
  SourceRange range;
};

struct LoweredProfile {
  std::string name;
  std::string description;
  Config config;
  std::vector<std::string> cmdline;  // the profile's kernel arguments, in order
  bool binary_is_bare = false;       // no '/': looked up in PATH by the host checks
  SourceRange binary_range;          // qemu.binary, or qemu.target when the binary is the default
  std::vector<FileUse> files;
  UnitSettings unit;  // the systemd section, for --format systemd
};

// The profile's `name`, or by default its file name without extension.
std::string ProfileName(const Node& merged, const SourceFile& profile_file);

// `profile_file` is the profile itself: its stem is the default name.
LoweredProfile LowerProfile(const Node& merged, const SourceFile& profile_file);

}  // namespace qemuc

#endif  // QEMUC_LOWER_H_
