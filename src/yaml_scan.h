// What yaml-cpp's events leave out, read back from the source text at a node's mark: whether a
// scalar was quoted, where its value starts after tags and anchors, how long it is on its line,
// whether its quote is ever closed (yaml-cpp 0.7 lets an unterminated quote swallow the rest of
// a file), and where a tag token stands.
#ifndef QEMUC_YAML_SCAN_H_
#define QEMUC_YAML_SCAN_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "node.h"

namespace qemuc {

struct ScalarToken {
  ScalarStyle style = ScalarStyle::kPlain;
  size_t value_offset = 0;  // after any tag, anchor or comment
  bool terminated = true;   // false: a quote that the file never closes
  bool empty = false;       // no value at all ("key: !override" and a line break): a null
  size_t length = 1;        // characters to underline on the value's first line
};

// `offset` is the byte offset of yaml-cpp's mark for a scalar whose value is `value`.
ScalarToken ScanScalar(std::string_view text, size_t offset, const std::string& value);

// The byte range [begin, end) of the tag token at or after `offset` (an anchor, spaces or a
// line break may stand before it).
struct TagToken {
  size_t begin = 0;
  size_t end = 0;
  size_t length = 1;  // characters to underline (at least 1)
};
TagToken FindTag(std::string_view text, size_t offset);

}  // namespace qemuc

#endif  // QEMUC_YAML_SCAN_H_
