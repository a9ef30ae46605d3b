// A unified diff of two texts, for `compile --check` to show how a generated file is stale.
#ifndef QEMUC_UNIFIED_DIFF_H_
#define QEMUC_UNIFIED_DIFF_H_

#include <string>

namespace qemuc {

// "--- old_name\n+++ new_name\n@@ -a,b +c,d @@\n..." with three lines of context, or "" when
// the texts are equal. A missing final newline is marked as diff(1) marks it.
std::string UnifiedDiff(const std::string& old_text, const std::string& new_text,
                        const std::string& old_name, const std::string& new_name);

}  // namespace qemuc

#endif  // QEMUC_UNIFIED_DIFF_H_
