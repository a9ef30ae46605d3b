// What lowering makes of a merged profile: the core Config, the kernel arguments and the unit's
// settings, with the files the profile names. Its own header, so that the field table can bind
// its rows to these fields without seeing lowering itself.
#ifndef QEMUC_LOWERED_PROFILE_H_
#define QEMUC_LOWERED_PROFILE_H_

#include <string>
#include <vector>

#include "config.h"
#include "source.h"
#include "unit_settings.h"

namespace qemuc {

// What QEMU does with a file: the host checks want a file it writes (UEFI vars) writable.
enum class FileAccess { kRead, kReadWrite };

// A file the compiled profile refers to, kept with the place that named it for host checks.
struct FileUse {
  std::string role;  // "kernel", "initrd", "drive 'blk0'"
  std::string path;  // resolved, absolute
  SourceRange range;
  FileAccess access = FileAccess::kRead;
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

}  // namespace qemuc

#endif  // QEMUC_LOWERED_PROFILE_H_
