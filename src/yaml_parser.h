// parse: the text of one file -> a Node tree (SPEC §2.1), through yaml-cpp's event interface so
// that the traps of YAML::Node (shared references, lost marks, silent duplicate keys) never arise.
#ifndef QEMUC_YAML_PARSER_H_
#define QEMUC_YAML_PARSER_H_

#include <cstdint>

#include "diagnostic.h"
#include "node.h"
#include "source.h"

namespace qemuc {

struct ParseLimits {
  uint64_t max_expanded_nodes = 100000;  // with aliases expanded (billion laughs)
  uint32_t max_depth = 64;               // nesting levels, the root mapping being level 1
};

// The root mapping of the single document in `file`, or nullptr after reporting why not.
// Rejects: a second document, duplicate keys, "<<", complex or empty keys, unknown tags, null
// values (a "!reset" value is not null), unterminated quotes, and the limits above.
NodePtr ParseYaml(const SourceFile& file, Diagnostics& diagnostics, const ParseLimits& limits = {});

}  // namespace qemuc

#endif  // QEMUC_YAML_PARSER_H_
