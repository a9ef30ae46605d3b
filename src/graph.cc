#include "graph.h"

#include <algorithm>

#include "utf8.h"

namespace qemuc {
namespace {

// One line of a label (no newline in it), escaped for a DOT string.
void AppendDotLine(std::string_view line, std::string& out) {
  // Graphviz would act on control characters and refuse bytes that are not UTF-8: they are
  // shown as a terminal shows them, and the backslash of that escape is escaped in turn.
  for (const char c : EscapeForTerminal(line)) {
    if (c == '\\') {
      out += "\\\\";  // a lone backslash starts an escape in labels (\n, \l, \N, ...)
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '&') {
      out += "&amp;";  // else "&lt;" in a file name would be shown as "<"
    } else {
      out += c;
    }
  }
}

// " [a, b]" from the attributes that are set, or "".
std::string Attributes(const std::vector<std::string>& attributes) {
  std::string text;
  for (const std::string& attribute : attributes) {
    if (attribute.empty()) continue;
    text += (text.empty() ? " [" : ", ") + attribute;
  }
  return text.empty() ? text : text + "]";
}

std::string FileAttributes(const GraphFile& file) {
  return Attributes({file.abstract ? "style=dashed" : "", file.broken ? "color=red" : ""});
}

std::string EdgeLine(const std::string& from, const GraphEdge& edge, bool overlay) {
  return "  " + DotQuoted(from) + " -> " + DotQuoted(edge.to) +
         Attributes({overlay ? "style=dashed" : "",
                     edge.label.empty() ? "" : "label=" + DotQuoted(edge.label)}) +
         ";\n";
}

}  // namespace

GraphFile& Graph::File(const std::string& name) {
  return files_[name].file;
}

void Graph::AddExtends(const std::string& child, const std::string& parent, std::string label) {
  File(parent);
  files_[child].extends.push_back({parent, std::move(label)});
}

void Graph::AddOverlay(const std::string& profile, const std::string& overlay, std::string label) {
  File(overlay);
  std::vector<GraphEdge>& overlays = files_[profile].overlays;
  const bool known = std::any_of(overlays.begin(), overlays.end(), [&](const GraphEdge& edge) {
    return edge.to == overlay && edge.label == label;
  });
  if (!known) overlays.push_back({overlay, std::move(label)});
}

std::string DotQuoted(std::string_view text) {
  std::string out = "\"";
  for (size_t start = 0;;) {
    const size_t newline = text.find('\n', start);
    AppendDotLine(text.substr(start, newline - start), out);
    if (newline == std::string_view::npos) break;
    out += "\\n";
    start = newline + 1;
  }
  return out + "\"";
}

std::string RenderDot(const Graph& graph) {
  std::string text =
      "// qemuc graph: an arrow goes from a file to each parent it extends (numbered in merge\n"
      "// order when there are several) and, dashed, to an overlay file an output applies.\n"
      "// Dashed boxes are abstract files (bases, overlay files); red ones have problems.\n"
      "digraph qemuc {\n"
      "  rankdir=BT;\n"
      "  node [shape=box];\n";
  for (const auto& [name, entry] : graph.files()) {
    text += "  " + DotQuoted(name) + FileAttributes(entry.file) + ";\n";
  }
  for (const auto& [name, entry] : graph.files()) {
    for (const GraphEdge& edge : entry.extends) text += EdgeLine(name, edge, false);
    for (const GraphEdge& edge : entry.overlays) text += EdgeLine(name, edge, true);
  }
  return text + "}\n";
}

}  // namespace qemuc
