#include "depfile.h"

#include <set>
#include <string_view>

#include "utf8.h"

namespace qemuc {
namespace {

// The characters that depfile.h says are escaped, and how.
std::string_view EscapeFor(char c) {
  switch (c) {
    case ' ':
      return "\\ ";
    case '#':
      return "\\#";
    case ':':
      return "\\:";
    case '$':
      return "$$";
    default:
      return {};
  }
}

bool WrittenAsItIs(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80) return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("+,/_.~(){}%@[]!-\\").find(c) != std::string_view::npos;
}

// Why make or ninja cannot read character `c` back, or "" when they can.
std::string CharacterProblem(char c) {
  const std::string shown = "'" + EscapeForTerminal(std::string(1, c)) + "'";
  if (c == '\n' || c == '\r') return "make and ninja read a line break as the end of a rule";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
    return "ninja reads the control character " + shown + " as the end of a name";
  switch (c) {
    case '*':
      return "make reads '*' as a wildcard and ninja as the end of a name";
    case ';':
      return "make reads ';' as the start of a recipe and ninja as the end of a name";
    case '|':
      return "make reads '|' as the start of order-only prerequisites and ninja as the end of a "
             "name";
    case '?':
      return "make reads '?' as a wildcard and ninja before 1.13 as the end of a name";
    case '\'':
    case '"':
    case '&':
      return "ninja before 1.13 reads " + shown + " as the end of a name";
    case '=':
      return "make reads '=' as a variable assignment";
    default:
      break;
  }
  if (WrittenAsItIs(c) || !EscapeFor(c).empty()) return "";
  return "ninja reads " + shown + " as the end of a name";
}

// make's special targets (GNU make 4.3 and 4.4 manuals, "Special Built-in Target Names"): a
// rule for one of them changes how make works instead of naming a file.
bool IsMakeSpecialTarget(const std::string& path) {
  static const std::string kSpecial =
      " .PHONY .SUFFIXES .DEFAULT .PRECIOUS .INTERMEDIATE .NOTINTERMEDIATE .SECONDARY"
      " .SECONDEXPANSION .DELETE_ON_ERROR .IGNORE .LOW_RESOLUTION_TIME .SILENT"
      " .EXPORT_ALL_VARIABLES .NOTPARALLEL .ONESHELL .POSIX ";
  return path.find(' ') == std::string::npos &&
         kSpecial.find(" " + path + " ") != std::string::npos;
}

// The problems of the path as a whole (depfile.h), or "".
std::string ShapeProblem(const std::string& path, DepfileRole role) {
  if (path.empty()) return "the name is empty";
  if (path.front() == '~') return "make reads a leading '~' as a home directory";
  if (path.back() == ':')
    return "ninja reads a name ending in ':' as a target and keeps the backslash before it";
  if (path.back() == '\\') return "make and ninja disagree on a backslash at the end of a name";
  const size_t open_bracket = path.find('[');
  if (open_bracket != std::string::npos && path.find(']', open_bracket) != std::string::npos)
    return "make reads '[...]' as a wildcard that may match another file";
  const size_t open_parenthesis = path.find('(');
  if (open_parenthesis != std::string::npos && open_parenthesis > 0 && path.back() == ')')
    return "make reads 'NAME(MEMBER)' as a member of an archive";
  if (role == DepfileRole::kTarget && path.find('%') != std::string::npos)
    return "make reads a target with '%' as a pattern rule";
  if (role == DepfileRole::kTarget && IsMakeSpecialTarget(path))
    return "make reads it as a special target";
  return "";
}

std::string Problem(const std::string& path, DepfileRole role) {
  for (size_t i = 0; i < path.size(); ++i) {
    if (const std::string why = CharacterProblem(path[i]); !why.empty()) return why;
    if (path[i] == '\\' && i + 1 < path.size() && !EscapeFor(path[i + 1]).empty()) {
      return "make and ninja disagree on a backslash before '" + std::string(1, path[i + 1]) + "'";
    }
  }
  return ShapeProblem(path, role);
}

std::string Escaped(const std::string& path) {
  std::string text;
  for (const char c : path) {
    const std::string_view escape = EscapeFor(c);
    text += escape.empty() ? std::string_view(&c, 1) : escape;
  }
  return text;
}

// The rules' own problems, before any text is written: a path that cannot be written, a target
// given twice, or a target that is also a dependency. "" when there is none.
std::string RulesError(const std::vector<DepfileRule>& rules) {
  std::set<std::string> targets;
  std::set<std::string> dependencies;
  for (const DepfileRule& rule : rules) {
    if (std::string error = DepfilePathError(rule.target, DepfileRole::kTarget); !error.empty())
      return error;
    if (!targets.insert(rule.target).second)
      return "'" + rule.target + "' is the target of two rules of one depfile";
    for (const std::string& dependency : rule.dependencies) {
      if (std::string error = DepfilePathError(dependency, DepfileRole::kDependency);
          !error.empty())
        return error;
      dependencies.insert(dependency);
    }
  }
  for (const std::string& target : targets) {
    if (dependencies.count(target))
      return "'" + target + "' is both a target and a dependency in one depfile";
  }
  return "";
}

}  // namespace

std::string DepfilePathError(const std::string& path, DepfileRole role) {
  const std::string why = Problem(path, role);
  if (why.empty()) return "";
  return "cannot write '" + path + "' in a depfile: " + why;
}

RenderedDepfile RenderDepfile(const std::vector<DepfileRule>& rules) {
  if (std::string error = RulesError(rules); !error.empty()) return {"", std::move(error)};
  std::string text;
  std::vector<std::string> empty_rules;  // every dependency once, in order of first mention
  std::set<std::string> seen;
  for (const DepfileRule& rule : rules) {
    const std::string target = Escaped(rule.target) + ":";
    std::set<std::string> written;
    for (const std::string& dependency : rule.dependencies) {
      if (!written.insert(dependency).second) continue;
      text += target + " " + Escaped(dependency) + "\n";
      if (seen.insert(dependency).second && dependency.find('%') == std::string::npos)
        empty_rules.push_back(dependency);
    }
    if (written.empty()) text += target + "\n";
  }
  for (const std::string& dependency : empty_rules) text += Escaped(dependency) + ":\n";
  return {text, ""};
}

}  // namespace qemuc
