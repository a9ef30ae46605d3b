#include "yaml_scan.h"

#include <algorithm>

#include "utf8.h"

namespace qemuc {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// True for the bytes that end a tag or anchor token.
bool EndsTagOrAnchor(char c) {
  return IsBlank(c) || c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

// Skips tags, anchors, comments and white space, line breaks included: a tagged value may start
// on the next line.
size_t SkipTagsAnchorsAndComments(std::string_view text, size_t i) {
  while (i < text.size()) {
    if (IsBlank(text[i])) {
      ++i;
    } else if (text[i] == '!' || text[i] == '&') {
      while (i < text.size() && !EndsTagOrAnchor(text[i])) ++i;
    } else if (text[i] == '#' && i > 0 && IsBlank(text[i - 1])) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      break;
    }
  }
  return i;
}

// The offset just past the closing quote of the quoted scalar that opens at `open`, or npos.
size_t FindClosingQuote(std::string_view text, size_t open) {
  const char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;  // the escaped character cannot close the string
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped single quote
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

size_t CharsUntilLineEnd(std::string_view text, size_t from, size_t to) {
  // Searched only up to `to`: a search on to the line end for every scalar made a long line
  // (30,000 flow items) quadratic.
  std::string_view span = text.substr(from, std::min(to, text.size()) - from);
  span = span.substr(0, span.find('\n'));
  if (!span.empty() && span.back() == '\r') span.remove_suffix(1);
  return std::max<size_t>(1, CountCodePoints(span));
}

}  // namespace

ScalarToken ScanScalar(std::string_view text, size_t offset, const std::string& value) {
  ScalarToken token;
  token.value_offset = SkipTagsAnchorsAndComments(text, offset);
  const size_t i = token.value_offset;
  const char first = i < text.size() ? text[i] : '\0';
  if (first == '"' || first == '\'') {
    token.style = ScalarStyle::kQuoted;
    const size_t close = FindClosingQuote(text, i);
    token.terminated = close != std::string_view::npos;
    token.length = CharsUntilLineEnd(text, i, close);
  } else if (first == '|' || first == '>') {
    token.style = ScalarStyle::kQuoted;  // a block scalar is text, never a number or boolean
  } else if (value.empty()) {
    // yaml-cpp reports "key: !tag" with nothing after it as an empty plain scalar; what the scan
    // found is the next token. The tag stands for the missing value.
    token.empty = true;
    const TagToken tag = FindTag(text, offset);
    token.value_offset = tag.begin;
    token.length = tag.length;
  } else {
    token.length = CharsUntilLineEnd(text, i, i + value.size());
  }
  return token;
}

TagToken FindTag(std::string_view text, size_t offset) {
  size_t begin = std::min(offset, text.size());
  while (begin < text.size() && text[begin] != '!') ++begin;
  size_t end = begin;
  while (end < text.size() && !EndsTagOrAnchor(text[end])) ++end;
  // A tag token never holds a line break, so it is all on one line.
  return {begin, end, std::max<size_t>(1, CountCodePoints(text.substr(begin, end - begin)))};
}

}  // namespace qemuc
