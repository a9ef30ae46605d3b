// --set PATH=VALUE (SPEC §2.3, layer 4): the path is checked against the field table when the
// command line is read (a bad path is a usage error), the value is read as YAML, and the two
// become one more layer: nested mappings along the path, a one-item list for a keyed item.
//   qemu.cpus=8
//   qemu.drives[blk0].file=/x.img
//   qemu.networks[net0].user.forwards[22].host=2222
#ifndef QEMUC_SET_ASSIGNMENT_H_
#define QEMUC_SET_ASSIGNMENT_H_

#include <string>
#include <variant>
#include <vector>

#include "diagnostic.h"
#include "key_path.h"
#include "node.h"
#include "schema.h"

namespace qemuc {

struct Assignment {
  std::string argument;              // PATH=VALUE as given
  KeyPath path;                      // the offsets of its steps count in the argument
  std::vector<const Field*> fields;  // what each step of the path names
  size_t value_offset = 0;
};

// The assignment, or what is wrong with the path ("unknown key 'cpuss' in 'qemu' (did you mean
// 'cpus'?)").
std::variant<Assignment, std::string> ParseAssignment(const std::string& argument);

// The layer that sets the value. `file` holds the argument, so places point into it. Returns
// nullptr after reporting a value that is not YAML.
NodePtr AssignmentLayer(const Assignment& assignment, const SourceFile& file,
                        Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_SET_ASSIGNMENT_H_
