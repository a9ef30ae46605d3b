// The ${name} syntax of SPEC §2.4, which the shape check, interpolation, the project file and the
// command line (-D) all read. Its own header, below each of them.
#ifndef QEMUC_VARIABLES_H_
#define QEMUC_VARIABLES_H_

#include <string>
#include <string_view>

namespace qemuc {

// True when `text` holds a reference (a "${" that is not the literal "$${").
bool HasVariableReference(std::string_view text);

// True for a variable name: letters, digits and '_', not starting with a digit.
bool IsVariableName(std::string_view name);

// "variable name '1x' must be letters, ...": the error for a key of `vars` or of a project's
// `defines` that IsVariableName refuses.
std::string BadVariableNameMessage(std::string_view name);

}  // namespace qemuc

#endif  // QEMUC_VARIABLES_H_
