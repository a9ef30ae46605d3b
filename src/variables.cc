#include "variables.h"

#include <algorithm>

#include "qemu_values.h"
#include "text.h"

namespace qemuc {

bool HasVariableReference(std::string_view text) {
  for (size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
    if (at == 0 || text[at - 1] != '$') return true;
  }
  return false;
}

bool IsVariableName(std::string_view name) {
  if (name.empty() || IsDigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsLetterOrDigit(c) || c == '_'; });
}

std::string BadVariableNameMessage(std::string_view name) {
  return "variable name " + Quoted(name) +
         " must be letters, digits and '_', not starting with a digit";
}

}  // namespace qemuc
