#include "binding.h"

#include "paths.h"
#include "shape_check.h"
#include "text.h"

namespace qemuc {
namespace binding_detail {

std::optional<int64_t> IntegerOf(const Node& value) {
  return ReadInteger(value);
}

bool BoolOf(const Node& value) {
  return ReadBool(value).value_or(false);
}

std::string UsePath(const Node& value, const KeyPath& path, const char* role, FileAccess access,
                    LowerContext& context) {
  std::string resolved = ResolvedPath(value);
  std::string use = role;
  // The item that holds the path names it: "drive 'blk0'".
  for (const KeyPath::Step& step : path.steps()) {
    if (step.item) use += " " + Quoted(*step.item);
  }
  context.out.files.push_back({std::move(use), resolved, value.range, access});
  return resolved;
}

}  // namespace binding_detail
}  // namespace qemuc
