#include "interpolate.h"

#include <algorithm>
#include <map>

#include "by_node.h"
#include "qemu_values.h"
#include "spell.h"
#include "text.h"
#include "utf8.h"
#include "yaml_parser.h"

namespace qemuc {
namespace {

// One "${name}" in a text. `length` runs through the "}", or to the end when it is missing.
struct Reference {
  size_t offset = 0;
  size_t length = 0;
  bool terminated = false;
  std::string name;
};

// The references in `text`, in order, into `references` (cleared first).
void FindReferences(const std::string& text, std::vector<Reference>& references) {
  references.clear();
  for (size_t i = text.find('$'); i != std::string::npos; i = text.find('$', i)) {
    if (text.compare(i, 3, "$${") == 0) {
      i += 3;
    } else if (text.compare(i, 2, "${") == 0) {
      const size_t close = text.find('}', i + 2);
      Reference reference;
      reference.offset = i;
      reference.terminated = close != std::string::npos;
      reference.length = reference.terminated ? close + 1 - i : text.size() - i;
      if (reference.terminated) reference.name = text.substr(i + 2, close - i - 2);
      i += reference.length;
      references.push_back(std::move(reference));
    } else {
      ++i;
    }
  }
}

// The text of text[begin, end) between two references, "$${" turned into "${", in `literal`.
void Unescape(const std::string& text, size_t begin, size_t end, std::string& literal) {
  literal.clear();
  for (size_t i = begin; i < end;) {
    const size_t escape = std::min(text.find("$${", i), end);
    literal.append(text, i, escape - i);
    if (escape == end) break;
    literal += "${";
    i = escape + 3;
  }
}

// Whether `text` may hold a reference: "${" somewhere ("$${" too, which Expand tells apart).
// A search for '$' alone finds most texts without one faster than a search for "${".
bool HasReference(const std::string& text) {
  const size_t dollar = text.find('$');
  return dollar != std::string::npos && text.find("${", dollar) != std::string::npos;
}

// vars, overlays and extends: keys of the root whose values are not strings of the VM.
bool IsOpaqueKey(std::string_view key) {
  return key == "vars" || key == "overlays" || key == "extends";
}

// The byte of its file where `node`'s range starts.
size_t StartByte(const Node& node) {
  if (node.offset != Node::kNoOffset) return node.offset;
  const SourceFile& file = *node.range.file;
  const std::string_view line = file.Line(node.range.line);
  size_t byte = 0;
  for (uint32_t column = 1; column < node.range.column && byte < line.size(); ++column) {
    do ++byte;
    while (byte < line.size() && IsUtf8Continuation(static_cast<unsigned char>(line[byte])));
  }
  return file.Offset(node.range.line - 1, 0) + byte;
}

// The byte of its file where `node`'s text starts, when the source spells that text as it is
// (plain, or quoted without escapes): only then do offsets into the text map onto the source.
std::optional<size_t> TextStart(const Node& node) {
  const std::string_view text = node.range.file->text();
  size_t byte = std::min(StartByte(node), text.size());
  if (node.style == ScalarStyle::kQuoted) {
    if (byte >= text.size() || (text[byte] != '"' && text[byte] != '\'')) return std::nullopt;
    ++byte;  // else a block scalar
  }
  if (text.substr(byte).compare(0, node.text.size(), node.text) != 0) return std::nullopt;
  return byte;
}

// Places of references in one text: the reference itself when the text maps onto the source,
// else the whole value (escapes, folded lines, block scalars, -D values). Asked only for errors:
// finding whether the text maps onto the source compares it with the source once.
class Places {
 public:
  Places(const std::string& text, const Node* node, const SourceRange& whole)
      : text_(text), node_(node), whole_(whole) {}

  SourceRange At(size_t offset, size_t length) {
    if (!looked_) {
      looked_ = true;
      if (node_ != nullptr && node_->range.file != nullptr) start_ = TextStart(*node_);
    }
    if (!start_) return whole_;
    SourceRange range = RangeAtOffset(*node_->range.file, *start_ + offset);
    range.length =
        static_cast<uint32_t>(CountCodePoints(std::string_view(text_).substr(offset, length)));
    return range;
  }

  const SourceRange& whole() const { return whole_; }

 private:
  const std::string& text_;
  const Node* node_;
  SourceRange whole_;
  bool looked_ = false;
  std::optional<size_t> start_;  // TextStart of the node, when it has one
};

struct Variable {
  std::string name;
  std::string text;  // as written, references unresolved
  SourceRange range;
  const Node* node = nullptr;  // where it is written (for places inside it), if in a profile
  enum class State { kUnresolved, kResolving, kResolved, kFailed } state = State::kUnresolved;
  std::string value;
  size_t level = 0;                   // 1: no references; else one more than its deepest reference
  const Variable* deepest = nullptr;  // the reference that sets `level`
  size_t frame = 0;                   // while resolving: its place on the stack
};

// "a -> b -> c", the middle left out of a long chain so that the message stays short.
std::string ChainText(const std::vector<std::string>& names) {
  constexpr size_t kShown = 3;
  std::string chain;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names.size() > 2 * kShown + 1 && i >= kShown && i < names.size() - kShown) {
      if (i == kShown) chain += " -> ...";
      continue;
    }
    chain += (i > 0 ? " -> " : "") + names[i];
  }
  return chain;
}

class Interpolator {
 public:
  Interpolator(std::map<std::string, Variable> variables, Diagnostics& diagnostics)
      : variables_(std::move(variables)), diagnostics_(diagnostics) {}

  // Every variable, used or not, so that validate reports a broken one before it is used.
  void ResolveAll() {
    for (auto& [name, variable] : variables_) {
      if (stopped_) return;
      if (variable.state == Variable::State::kUnresolved) Resolve(variable);
    }
  }

  // `text` with its references replaced; reports problems at places in `node` (`at`: the whole
  // value). A reference to a variable that failed fails quietly: that was reported where it is.
  std::optional<std::string> Expand(const std::string& text, const Node* node,
                                    const SourceRange& at) {
    // Buffers of the interpolator, reused: most profiles have a reference in several values.
    std::vector<Reference>& references = references_;
    std::vector<const Variable*>& targets = targets_;
    FindReferences(text, references);
    Places places(text, node, at);
    targets.clear();
    bool ok = true;
    for (const Reference& reference : references) {
      const Variable* target = Lookup(reference, places);
      ok = target != nullptr && target->state == Variable::State::kResolved && ok;
      targets.push_back(target);
    }
    if (!ok || stopped_) return std::nullopt;
    return Substitute(text, references, targets, places);
  }

  // Counts `bytes` more of the interpolated profile and its variables.
  bool CountBytes(uint64_t bytes, const SourceRange& at) {
    bytes_ += bytes;
    if (bytes_ <= kMaxInterpolatedBytes) return true;
    ReportTooManyBytes(at);
    return false;
  }

  // A budget ran out: one error, and nothing more is interpolated or reported.
  void Stop(const SourceRange& at, const std::string& message) {
    if (!stopped_) diagnostics_.Error(at, message);
    stopped_ = true;
  }

  bool stopped() const { return stopped_; }

 private:
  struct Frame {
    Variable* variable;
    std::vector<Reference> references;
    Places places;
    std::vector<const Variable*> targets;  // of the references looked at so far
  };

  // Depth first with a stack of its own: a chain of 20,000 variables must not overflow the
  // machine's. Each variable is finished after the ones it refers to, so it is expanded once.
  void Resolve(Variable& start) {
    std::vector<Frame> stack;
    const auto push = [&](Variable& variable) {
      variable.state = Variable::State::kResolving;
      variable.frame = stack.size();
      stack.push_back({&variable, {}, Places(variable.text, variable.node, variable.range), {}});
      FindReferences(variable.text, stack.back().references);
    };
    push(start);
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.targets.size() == frame.references.size()) {
        Finish(frame);
        stack.pop_back();
        continue;
      }
      Variable* target = Lookup(frame.references[frame.targets.size()], frame.places);
      frame.targets.push_back(target);
      if (target == nullptr) continue;
      if (target->state == Variable::State::kResolving) ReportCycle(stack, *target);
      if (target->state == Variable::State::kUnresolved) push(*target);  // `frame` is stale now
    }
  }

  // Expands a variable whose references are all finished.
  void Finish(Frame& frame) {
    Variable& variable = *frame.variable;
    if (variable.state == Variable::State::kFailed) return;  // in a cycle, reported
    variable.state = Variable::State::kFailed;
    variable.level = 1;
    size_t deepest = 0;
    for (size_t i = 0; i < frame.targets.size(); ++i) {
      const Variable* target = frame.targets[i];
      if (target == nullptr || target->state != Variable::State::kResolved) return;
      if (target->level + 1 > variable.level) {
        variable.level = target->level + 1;
        variable.deepest = target;
        deepest = i;
      }
    }
    if (variable.level > kMaxVariableNesting) {
      ReportTooDeep(variable, frame.places.At(frame.references[deepest].offset,
                                              frame.references[deepest].length));
      return;
    }
    if (stopped_) return;
    std::optional<std::string> value =
        Substitute(variable.text, frame.references, frame.targets, frame.places);
    if (!value || !CountBytes(value->size(), variable.range)) return;
    variable.value = std::move(*value);
    variable.state = Variable::State::kResolved;
  }

  // The variable a reference names, or nullptr after reporting why there is none.
  Variable* Lookup(const Reference& reference, Places& places) {
    if (!reference.terminated) {
      diagnostics_.Error(places.At(reference.offset, reference.length),
                         "unterminated variable reference (write $${ for a literal ${)");
      return nullptr;
    }
    if (!IsVariableName(reference.name)) {
      diagnostics_.Error(places.At(reference.offset, reference.length),
                         "malformed variable reference " + Quoted("${" + reference.name + "}"));
      return nullptr;
    }
    const auto it = variables_.find(reference.name);
    if (it != variables_.end()) return &it->second;
    diagnostics_.Error(places.At(reference.offset, reference.length),
                       "undefined variable " + Quoted(reference.name) + Suggestion(reference.name));
    return nullptr;
  }

  // "did you mean" within the speller's budget: each lookup is a pass over every variable, and
  // thousands of undefined names among thousands of variables must stay linear. A name that is
  // undefined in several places gets the same answer each time.
  std::string Suggestion(const std::string& name) {
    if (const auto it = suggestions_.find(name); it != suggestions_.end()) return it->second;
    if (!speller_.has_budget()) return "";
    if (names_.empty()) {
      for (const auto& [known, unused] : variables_) names_.push_back(known);
    }
    return suggestions_[name] = speller_.DidYouMean(name, names_);
  }

  // The text with references replaced by the values of `targets`, all resolved.
  std::optional<std::string> Substitute(const std::string& text,
                                        const std::vector<Reference>& references,
                                        const std::vector<const Variable*>& targets,
                                        Places& places) {
    std::string out;
    size_t size = text.size();
    for (const Variable* target : targets) size += target->value.size();
    out.reserve(std::min<size_t>(size, kMaxArgumentBytes + 1));  // one allocation, mostly
    std::string literal;  // before each reference, and after the last
    size_t at = 0;
    for (size_t i = 0; i <= references.size(); ++i) {
      const Reference* reference = i < references.size() ? &references[i] : nullptr;
      Unescape(text, at, reference != nullptr ? reference->offset : text.size(), literal);
      if (!Append(out, literal, [&] { return places.whole(); })) return std::nullopt;
      if (reference == nullptr) break;
      const auto place = [&] { return places.At(reference->offset, reference->length); };
      if (!Append(out, targets[i]->value, place)) return std::nullopt;
      at = reference->offset + reference->length;
    }
    return out;
  }

  // Appends `bytes` to a value being built, within the limits of one value and of the whole
  // profile. `at` gives the place to report and is asked only on an error: a place inside a
  // value counts characters along its line, which for every reference on a long line would be
  // quadratic.
  template <typename Place>
  bool Append(std::string& out, const std::string& bytes, const Place& at) {
    const size_t size = out.size() + bytes.size();
    if (size > kMaxArgumentBytes) {
      diagnostics_.Error(at(), "interpolation makes the value longer than " +
                                   std::to_string(kMaxArgumentBytes) +
                                   " bytes here, the most one argument can hold");
      return false;
    }
    // A finished value counts toward the profile's budget where it is used; one that crosses the
    // budget while it grows is reported here, at the reference that crosses.
    if (bytes_ + size > kMaxInterpolatedBytes) return CountBytes(size, at());
    out += bytes;
    return true;
  }

  // Apart from CountBytes, which is asked for every node, so that it stays small.
  void ReportTooManyBytes(const SourceRange& at) {
    Stop(at, "the profile and its variables grow to more than " +
                 std::to_string(kMaxInterpolatedBytes) +
                 " bytes of text after interpolation (aliases count once per use)");
  }

  void ReportTooDeep(const Variable& variable, const SourceRange& at) {
    std::vector<std::string> names;
    for (const Variable* link = &variable; link != nullptr; link = link->deepest) {
      names.push_back(link->name);
    }
    diagnostics_.Error(at, "variables nest more than " + std::to_string(kMaxVariableNesting) +
                               " levels deep: " + ChainText(names));
  }

  // "variable cycle: a -> b -> a" at the variable that closes it; each member then fails quietly.
  void ReportCycle(const std::vector<Frame>& stack, const Variable& target) {
    std::vector<std::string> names;
    for (size_t i = target.frame; i < stack.size(); ++i) names.push_back(stack[i].variable->name);
    names.push_back(target.name);
    diagnostics_.Error(stack.back().variable->range, "variable cycle: " + ChainText(names));
    for (size_t i = target.frame; i < stack.size(); ++i) {
      stack[i].variable->state = Variable::State::kFailed;
    }
  }

  std::map<std::string, Variable> variables_;
  std::vector<Reference> references_;     // Expand's
  std::vector<const Variable*> targets_;  // Expand's
  Diagnostics& diagnostics_;
  Speller speller_;
  std::vector<std::string_view> names_;  // for "did you mean", built when first needed
  std::map<std::string, std::string> suggestions_;
  uint64_t bytes_ = 0;
  bool stopped_ = false;
};

std::map<std::string, Variable> CollectVariables(const Node& merged,
                                                 const std::vector<Define>& defines) {
  std::map<std::string, Variable> variables;
  const auto add = [&](const std::string& name, const std::string& text, const SourceRange& range,
                       const Node* node) {
    Variable& variable = variables[name];
    variable.name = name;
    variable.text = text;
    variable.range = range;
    variable.node = node;
  };
  if (const MappingEntry* vars = merged.Find("vars")) {
    for (const MappingEntry& entry : vars->value->entries) {
      add(entry.key, entry.value->text, entry.value->range, entry.value.get());
    }
  }
  for (const Define& define : defines) add(define.name, define.value, define.range, nullptr);
  return variables;
}

// The merged tree with its strings interpolated, counted with aliases expanded: every later
// stage (validate, lower, emit) walks it once per use, so the budgets of the parser hold here.
class TreeInterpolator {
 public:
  explicit TreeInterpolator(Interpolator& interpolator) : interpolator_(interpolator) {}

  NodePtr Interpolate(const NodePtr& root) {
    Walked walked = Walk(root, true, true);
    return walked.changed != nullptr ? std::move(walked.changed) : root;
  }

 private:
  struct Walked {
    NodePtr changed;     // the interpolated copy, or nullptr when the node is unchanged
    uint64_t bytes = 0;  // of keys and scalars, once per use
    uint64_t nodes = 0;
  };

  // Nodes are shared and never changed (node.h): a subtree without references is returned as it
  // is, and a node is copied only when one of its children changed. A subtree shared by aliases
  // is interpolated once; each further use only counts.
  Walked Walk(const NodePtr& node, bool interpolate, bool root) {
    if (interpolator_.stopped()) return {};
    // A scalar without a reference costs less to count again than to remember: most of them.
    if (node->is_scalar() && !HasReference(node->text)) return WalkScalar(node, false);
    // Only a node with another owner than the parent it is reached from can be reached again
    // (an alias; or a layer's node, which the merged tree shares): a node with one owner is
    // reached once per walk of that owner, which is itself remembered or reached once. The
    // trees are not changed while they are walked, so a count of 1 stays 1; other threads can
    // only raise it for a while, and then the node is remembered for nothing.
    const bool shared = !root && node.use_count() > 1;
    ByNode<Walked>& memo = memo_[interpolate ? 1 : 0];
    if (shared) {
      if (const Walked* known = memo.Find(node.get())) {
        Count(known->bytes, known->nodes, node->range);
        return *known;
      }
    }
    Walked walked =
        node->is_scalar() ? WalkScalar(node, interpolate) : WalkCollection(node, interpolate, root);
    // Not there yet: the walk of a subtree cannot reach the subtree itself.
    if (shared) memo.Add(node.get()) = walked;
    return walked;
  }

  Walked WalkScalar(const NodePtr& node, bool interpolate) {
    Walked walked{nullptr, node->text.size(), 1};
    if (interpolate && HasReference(node->text)) {
      std::optional<std::string> text = interpolator_.Expand(node->text, node.get(), node->range);
      if (text) {  // else reported
        auto copy = std::make_shared<Node>(*node);
        copy->text = std::move(*text);
        walked.bytes = copy->text.size();
        walked.changed = std::move(copy);
      }
    }
    Count(walked.bytes, 1, node->range);
    return walked;
  }

  Walked WalkCollection(const NodePtr& node, bool interpolate, bool root) {
    Walked walked{nullptr, 0, 1};
    Count(0, 1, node->range);
    std::shared_ptr<Node> copy;
    const auto copied = [&]() -> Node& {
      if (copy == nullptr) copy = std::make_shared<Node>(*node);
      return *copy;
    };
    const auto add = [&](const Walked& child) {
      walked.bytes += child.bytes;
      walked.nodes += child.nodes;
    };
    for (size_t i = 0; i < node->entries.size(); ++i) {
      const MappingEntry& entry = node->entries[i];
      // vars, overlays and extends are not strings of the VM: counted, not interpolated.
      const bool opaque = root && IsOpaqueKey(entry.key);
      walked.bytes += entry.key.size();
      Count(entry.key.size(), 0, entry.key_range);
      const Walked value = Walk(entry.value, interpolate && !opaque, false);
      add(value);
      if (value.changed != nullptr) copied().entries[i].value = value.changed;
    }
    for (size_t i = 0; i < node->items.size(); ++i) {
      const Walked item = Walk(node->items[i], interpolate, false);
      add(item);
      if (item.changed != nullptr) copied().items[i] = item.changed;
    }
    walked.changed = std::move(copy);
    return walked;
  }

  void Count(uint64_t bytes, uint64_t nodes, const SourceRange& at) {
    nodes_ += nodes;
    if (nodes_ > ParseLimits{}.max_expanded_nodes) ReportTooManyNodes(at);
    interpolator_.CountBytes(bytes, at);
  }

  // Apart from Count, which is asked for every node and key, so that it stays small.
  void ReportTooManyNodes(const SourceRange& at) {
    interpolator_.Stop(at, "the merged profile holds more than " +
                               std::to_string(ParseLimits{}.max_expanded_nodes) +
                               " nodes (aliases count once per use)");
  }

  Interpolator& interpolator_;
  ByNode<Walked> memo_[2];  // by whether the subtree was interpolated
  uint64_t nodes_ = 0;
};

}  // namespace

NodePtr Interpolate(const NodePtr& merged, const std::vector<Define>& defines,
                    Diagnostics& diagnostics) {
  const size_t first = diagnostics.size();
  Interpolator interpolator(CollectVariables(*merged, defines), diagnostics);
  interpolator.ResolveAll();
  NodePtr result = TreeInterpolator(interpolator).Interpolate(merged);
  diagnostics.SortSince(first);
  // Every reference that fails is reported, so no new diagnostic means every one succeeded.
  return diagnostics.size() == first ? result : nullptr;
}

}  // namespace qemuc
