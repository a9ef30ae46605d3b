#include "unified_diff.h"

#include <algorithm>
#include <vector>

namespace qemuc {
namespace {

constexpr size_t kContext = 3;
// Past this many cells the longest common subsequence table is not worth it: the whole text is
// shown as replaced (generated files are far smaller).
constexpr size_t kMaxTableCells = 16 * 1024 * 1024;

struct Line {
  std::string text;
  bool newline = true;  // false for a last line without '\n'
};

std::vector<Line> SplitLines(const std::string& text) {
  std::vector<Line> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back({text.substr(start), false});
      break;
    }
    lines.push_back({text.substr(start, end - start), true});
    start = end + 1;
  }
  return lines;
}

bool operator==(const Line& a, const Line& b) {
  return a.text == b.text && a.newline == b.newline;
}

// One line of the edit script: ' ' kept, '-' removed from old, '+' added in new.
struct Edit {
  char kind;
  size_t old_index;
  size_t new_index;
};

std::vector<Edit> EditScript(const std::vector<Line>& a, const std::vector<Line>& b) {
  std::vector<Edit> edits;
  if ((a.size() + 1) * (b.size() + 1) > kMaxTableCells) {
    for (size_t i = 0; i < a.size(); ++i) edits.push_back({'-', i, 0});
    for (size_t j = 0; j < b.size(); ++j) edits.push_back({'+', a.size(), j});
    return edits;
  }
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<uint32_t>> common(a.size() + 1, std::vector<uint32_t>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      common[i][j] =
          a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      edits.push_back({' ', i++, j++});
    } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      edits.push_back({'-', i++, j});  // removals first, as diff -u prints them
    } else {
      edits.push_back({'+', i, j++});
    }
  }
  return edits;
}

std::string Range(size_t start, size_t count) {
  // diff(1): an empty range names the line before it.
  return std::to_string(count == 0 ? start : start + 1) +
         (count == 1 ? "" : "," + std::to_string(count));
}

std::string Hunk(const std::vector<Edit>& edits, size_t begin, size_t end,
                 const std::vector<Line>& a, const std::vector<Line>& b) {
  size_t old_count = 0, new_count = 0;
  std::string body;
  for (size_t k = begin; k < end; ++k) {
    const Edit& edit = edits[k];
    const Line& line = edit.kind == '+' ? b[edit.new_index] : a[edit.old_index];
    if (edit.kind != '+') ++old_count;
    if (edit.kind != '-') ++new_count;
    body += std::string(1, edit.kind) + line.text + "\n";
    if (!line.newline) body += "\\ No newline at end of file\n";
  }
  return "@@ -" + Range(edits[begin].old_index, old_count) + " +" +
         Range(edits[begin].new_index, new_count) + " @@\n" + body;
}

}  // namespace

std::string UnifiedDiff(const std::string& old_text, const std::string& new_text,
                        const std::string& old_name, const std::string& new_name) {
  if (old_text == new_text) return "";
  const std::vector<Line> a = SplitLines(old_text);
  const std::vector<Line> b = SplitLines(new_text);
  const std::vector<Edit> edits = EditScript(a, b);
  std::string diff = "--- " + old_name + "\n+++ " + new_name + "\n";
  // Group changes whose contexts touch into one hunk.
  for (size_t k = 0; k < edits.size();) {
    if (edits[k].kind == ' ') {
      ++k;
      continue;
    }
    const size_t begin = k >= kContext ? k - kContext : 0;
    size_t end = k;
    size_t kept_run = 0;
    while (end < edits.size() && kept_run <= 2 * kContext) {
      kept_run = edits[end].kind == ' ' ? kept_run + 1 : 0;
      ++end;
    }
    end -= kept_run > kContext ? kept_run - kContext : 0;
    diff += Hunk(edits, begin, end, a, b);
    k = end;
  }
  return diff;
}

}  // namespace qemuc
