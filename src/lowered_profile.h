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

// What the host checks ask of a path the profile names.
enum class PathUse {
  kFile,          // QEMU opens it: a regular file or a block device
  kWritableFile,  // QEMU also writes it (UEFI vars): a file it may write
  kDirectory,     // a directory (a share)
  kInDirectory,   // QEMU makes it (a log): its directory is there, it is none
  kSocket,        // QEMU binds a socket there: as kInDirectory, and what is there is a socket,
                  // since QEMU deletes whatever the path names first
};

// A file the compiled profile refers to, kept with the place that named it for host checks.
struct FileUse {
  std::string role;  // "kernel", "initrd", "drive 'blk0'"
  std::string path;  // resolved, absolute
  SourceRange range;
  PathUse expect = PathUse::kFile;
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
