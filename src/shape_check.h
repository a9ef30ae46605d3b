// check: one file's Node tree against the field table, before any merging (SPEC §2.1-2.2):
// unknown keys, wrong types, strict scalars, misplaced merge directives. Every problem is
// reported at its place; the check goes on after each one.
#ifndef QEMUC_SHAPE_CHECK_H_
#define QEMUC_SHAPE_CHECK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "diagnostic.h"
#include "node.h"

namespace qemuc {

enum class FileRole {
  kProfile,      // a profile or a parent named by extends
  kOverlayFile,  // an overlay file (-O path.yaml): no extends or overlays; abstract: true
  kOverlay,      // an entry of overlays: or a --set value: no extends, overlays or abstract
};

// Returns false when it reported a problem that leaves the tree meaningless to merge (a wrong
// kind, an unknown key, a misplaced directive, a keyed item without its key). A value of the right
// kind that is out of range or badly written (cpus: 0, memory: 2X, kvm: yes) is reported too but
// returns true: the later stages still run and report their problems in the same run, and the
// pipeline stops before lowering because errors were reported.
bool CheckShape(const Node& root, FileRole role, Diagnostics& diagnostics);

// Whether an entry of `extends` names a parent to read: a string, not empty, without variables.
// The shape check reports every other entry; the extends graph does not follow them.
bool IsParentEntry(const Node& entry);

// How a scalar reads as a field's value, shared with lowering so both agree.
std::optional<bool> ReadBool(const Node& scalar);
std::optional<int64_t> ReadInteger(const Node& scalar);

// qemu.memory: plain MiB, or "512M"/"2G" (binary units), a whole number of MiB and at least 1.
struct MemorySize {
  int64_t mib = 0;
  std::string error;  // "must be a whole number of MiB, not 1536K"; empty when fine
};
MemorySize ReadMemory(const Node& scalar);

}  // namespace qemuc

#endif  // QEMUC_SHAPE_CHECK_H_
