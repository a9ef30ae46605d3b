#include "interpolate.h"

#include <algorithm>
#include <map>

#include "qemu_values.h"
#include "spell.h"
#include "text.h"
#include "utf8.h"

namespace qemuc {
namespace {

struct Variable {
  std::string text;  // as written, references unresolved
  SourceRange range;
  const Node* node = nullptr;  // where it is written (for places inside it), if in a profile
  enum class State { kUnresolved, kResolving, kResolved, kFailed } state = State::kUnresolved;
  std::string value;
};

// True when the source spells `node`'s text as it is right after its start (plain, or quoted
// without escapes): only then do offsets into the text map onto columns.
bool SpelledAsIs(const Node& node) {
  const std::string_view line = node.range.file->Line(node.range.line);
  size_t byte = 0;
  for (uint32_t column = 1; column < node.range.column && byte < line.size(); ++column) {
    do ++byte;
    while (byte < line.size() && IsUtf8Continuation(static_cast<unsigned char>(line[byte])));
  }
  if (node.style == ScalarStyle::kQuoted) {
    if (byte >= line.size() || (line[byte] != '"' && line[byte] != '\'')) return false;  // a block
    ++byte;
  }
  return line.substr(byte).compare(0, node.text.size(), node.text) == 0;
}

// The place of the reference at `offset` bytes into a scalar's text; the whole value when the
// text does not map onto the source (escapes, folded lines, block scalars).
SourceRange PlaceIn(const Node* node, const SourceRange& fallback, const std::string& text,
                    size_t offset, size_t length) {
  if (node == nullptr || node->range.file == nullptr || !SpelledAsIs(*node)) return fallback;
  SourceRange range = node->range;
  const uint32_t quote = node->style == ScalarStyle::kQuoted ? 1 : 0;
  range.column +=
      quote + static_cast<uint32_t>(CountCodePoints(std::string_view(text).substr(0, offset)));
  range.length =
      static_cast<uint32_t>(CountCodePoints(std::string_view(text).substr(offset, length)));
  return range;
}

class Interpolator {
 public:
  Interpolator(std::map<std::string, Variable> variables, Diagnostics& diagnostics)
      : variables_(std::move(variables)), diagnostics_(diagnostics) {}

  // `text` with its references replaced; reports problems at places in `node`.
  std::optional<std::string> Expand(const std::string& text, const Node* node,
                                    const SourceRange& at) {
    std::string out;
    bool ok = true;
    for (size_t i = 0; i < text.size();) {
      if (text.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 3;
      } else if (text.compare(i, 2, "${") == 0) {
        const size_t close = text.find('}', i + 2);
        const size_t length = close == std::string::npos ? text.size() - i : close + 1 - i;
        const std::optional<std::string> value =
            Reference(text, i, close, PlaceIn(node, at, text, i, length));
        ok = value.has_value() && ok;
        out += value.value_or("");
        i += length;
      } else {
        out += text[i++];
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // Every variable, used or not, so that validate reports a broken one before it is used.
  void ResolveAll() {
    for (auto& [name, variable] : variables_) Resolve(name, variable);
  }

 private:
  std::optional<std::string> Reference(const std::string& text, size_t start, size_t close,
                                       const SourceRange& place) {
    if (close == std::string::npos) {
      diagnostics_.Error(place, "unterminated variable reference (write $${ for a literal ${)");
      return std::nullopt;
    }
    const std::string name = text.substr(start + 2, close - start - 2);
    if (!IsVariableName(name)) {
      diagnostics_.Error(place, "malformed variable reference " + Quoted("${" + name + "}"));
      return std::nullopt;
    }
    const auto it = variables_.find(name);
    if (it == variables_.end()) {
      std::vector<std::string_view> names;
      // Each undefined name is compared with every variable: the speller's budget keeps many
      // of them among many variables linear.
      if (speller_.has_budget()) {
        for (const auto& [known, unused] : variables_) names.push_back(known);
      }
      diagnostics_.Error(place,
                         "undefined variable " + Quoted(name) + speller_.DidYouMean(name, names));
      return std::nullopt;
    }
    return Resolve(name, it->second);
  }

  std::optional<std::string> Resolve(const std::string& name, Variable& variable) {
    switch (variable.state) {
      case Variable::State::kResolved:
        return variable.value;
      case Variable::State::kFailed:
        return std::nullopt;
      case Variable::State::kResolving:
        ReportCycle(name);
        return std::nullopt;
      case Variable::State::kUnresolved:
        break;
    }
    variable.state = Variable::State::kResolving;
    resolving_.push_back(name);
    const std::optional<std::string> value = Expand(variable.text, variable.node, variable.range);
    resolving_.pop_back();
    variable.state = value ? Variable::State::kResolved : Variable::State::kFailed;
    variable.value = value.value_or("");
    return value;
  }

  void ReportCycle(const std::string& name) {
    const auto start = std::find(resolving_.begin(), resolving_.end(), name);
    std::string chain;
    for (auto it = start; it != resolving_.end(); ++it) chain += *it + " -> ";
    const Variable& closing = variables_.at(resolving_.back());
    diagnostics_.Error(closing.range, "variable cycle: " + chain + name);
    // Every variable of the cycle fails; mark them so that each is reported once.
    for (auto it = start; it != resolving_.end(); ++it)
      variables_.at(*it).state = Variable::State::kFailed;
  }

  std::map<std::string, Variable> variables_;
  Diagnostics& diagnostics_;
  Speller speller_;
  std::vector<std::string> resolving_;
};

std::map<std::string, Variable> CollectVariables(const Node& merged,
                                                 const std::vector<Define>& defines) {
  std::map<std::string, Variable> variables;
  if (const MappingEntry* vars = merged.Find("vars")) {
    for (const MappingEntry& entry : vars->value->entries) {
      Variable variable;
      variable.text = entry.value->text;
      variable.range = entry.value->range;
      variable.node = entry.value.get();
      variables[entry.key] = variable;
    }
  }
  for (const Define& define : defines) {
    Variable variable;
    variable.text = define.value;
    variable.range = define.range;
    variables[define.name] = variable;
  }
  return variables;
}

class TreeInterpolator {
 public:
  TreeInterpolator(Interpolator& interpolator) : interpolator_(interpolator) {}

  // Nodes are shared and never changed (node.h): a subtree without references is returned as it
  // is, and a node is copied only when one of its children changed.
  NodePtr Walk(const NodePtr& node, bool root) {
    if (node->is_scalar()) {
      if (node->text.find("${") == std::string::npos) return node;
      const std::optional<std::string> text =
          interpolator_.Expand(node->text, node.get(), node->range);
      if (!text) return node;  // reported
      auto copy = std::make_shared<Node>(*node);
      copy->text = *text;
      return copy;
    }
    std::shared_ptr<Node> copy;
    const auto copied = [&]() -> Node& {
      if (copy == nullptr) copy = std::make_shared<Node>(*node);
      return *copy;
    };
    for (size_t i = 0; i < node->entries.size(); ++i) {
      const MappingEntry& entry = node->entries[i];
      const bool opaque =
          root && (entry.key == "vars" || entry.key == "overlays" || entry.key == "extends");
      if (opaque) continue;
      NodePtr value = Walk(entry.value, false);
      if (value != entry.value) copied().entries[i].value = std::move(value);
    }
    for (size_t i = 0; i < node->items.size(); ++i) {
      NodePtr item = Walk(node->items[i], false);
      if (item != node->items[i]) copied().items[i] = std::move(item);
    }
    if (copy == nullptr) return node;
    return copy;
  }

 private:
  Interpolator& interpolator_;
};

}  // namespace

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

NodePtr Interpolate(const NodePtr& merged, const std::vector<Define>& defines,
                    Diagnostics& diagnostics) {
  const size_t first = diagnostics.size();
  Interpolator interpolator(CollectVariables(*merged, defines), diagnostics);
  TreeInterpolator walker(interpolator);
  interpolator.ResolveAll();
  NodePtr result = walker.Walk(merged, true);
  diagnostics.SortSince(first);
  // Every reference that fails is reported, so no new diagnostic means every one succeeded.
  return diagnostics.size() == first ? result : nullptr;
}

}  // namespace qemuc
