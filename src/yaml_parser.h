// parse: the text of one file -> a Node tree (SPEC §2.1), through yaml-cpp's event interface so
// that the traps of YAML::Node (shared references, lost marks, silent duplicate keys) never arise.
// A profile inside the subset of yaml_fast_path.h is read by that instead, with the same events;
// either way yaml_tree_builder.h makes the tree.
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
  // Bytes of keys and scalars with aliases expanded: 4x the 1 MiB file limit. The node budget
  // alone lets one long anchored string be used 100,000 times.
  uint64_t max_expanded_bytes = 4 * 1024 * 1024;
};

// What the document may be: a profile (a mapping), or one value given on the command line.
enum class DocumentKind { kProfile, kValue };

// The root mapping of the single document in `file`, or nullptr after reporting why not.
// Rejects: a second document, duplicate keys, "<<", complex or empty keys, unknown tags, null
// values (a "!reset" value is not null), unterminated quotes, and the limits above.
NodePtr ParseYaml(const SourceFile& file, Diagnostics& diagnostics, const ParseLimits& limits = {});

// One scalar or flow collection (the VALUE of --set PATH=VALUE). `text` is what is parsed; it
// lines up with file.text() byte for byte (the PATH= part blanked), so places point into the
// whole argument.
NodePtr ParseYamlValue(const SourceFile& file, std::string_view text, Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_YAML_PARSER_H_
