#include "yaml_fast_path.h"

#include <yaml-cpp/mark.h>

#include <array>
#include <string>

#include "utf8.h"

namespace qemuc {
namespace {

// Deeper documents go to yaml-cpp, whose own guard and the parse limits report them.
constexpr uint32_t kMaxDepth = 64;

// yaml-cpp drops a simple key whose ':' is more than 1024 characters after its start.
constexpr size_t kMaxKeyLength = 1000;

// A set of characters, asked about every character of a flow scalar: a bit test, where
// string_view::find was a memchr call each time.
class CharSet {
 public:
  constexpr explicit CharSet(std::string_view chars) {
    for (const char c : chars) {
      const auto byte = static_cast<unsigned char>(c);
      bits_[byte >> 6] |= uint64_t{1} << (byte & 63);
    }
  }
  constexpr bool Has(char c) const {
    const auto byte = static_cast<unsigned char>(c);
    return ((bits_[byte >> 6] >> (byte & 63)) & 1) != 0;
  }

 private:
  uint64_t bits_[4] = {};
};

constexpr CharSet kNotPlainStart(",[]{}#&*!|>'\"%@`");  // yaml-cpp's Exp::PlainScalar
constexpr CharSet kNotPlainStartInFlow("?,[]{}#&*!|>'\"%@`");
constexpr CharSet kEndsPlainInFlow(",?[]{}");  // Exp::EndScalarInFlow

bool IsNullString(std::string_view value) {  // yaml-cpp's IsNullString
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

// Printable ASCII, line feeds, and well-formed UTF-8 beyond ASCII, which yaml-cpp reads byte by
// byte as ordinary characters (so its columns count bytes, as ours do). No tab, CR or other
// control character, and no non-ASCII first byte: yaml-cpp guesses the encoding from the first
// bytes (a byte order mark, UTF-16 and UTF-32 patterns).
bool IsReadableText(std::string_view text) {
  bool ascii = true;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      ascii = false;
    } else if ((byte < 0x20 && c != '\n') || byte == 0x7f) {
      return false;
    }
  }
  if (ascii) return true;
  return static_cast<unsigned char>(text[0]) < 0x80 && !FindInvalidUtf8(text);
}

// Reads the subset by lines. The cursor is always on one line; "content line" means a line
// with something other than spaces and a comment on it.
class FastReader {
 public:
  FastReader(std::string_view text, std::vector<YamlEvent>& events)
      : text_(text), events_(events) {}

  bool ReadDocument() {
    if (!IsReadableText(text_) || text_.size() > UINT32_MAX) return false;
    if (!NextContentLine()) return false;  // empty: yaml-cpp's path reports it
    if (AtDocumentMarker()) {
      if (text_.compare(pos_, 3, "---") != 0) return false;
      pos_ += 3;
      if (!EndLine() || !NextContentLine()) return false;
    }
    if (indent_ != 0 || AtBlockEntry()) return false;  // the root is a mapping at column 0
    if (!BlockMapping(1)) return false;
    return at_end_;
  }

 private:
  char At(size_t pos) const { return pos < text_.size() ? text_[pos] : '\n'; }
  char Here() const { return At(pos_); }
  bool BlankOrEnd(size_t pos) const { return At(pos) == ' ' || At(pos) == '\n'; }
  uint32_t Column() const { return static_cast<uint32_t>(pos_ - line_start_); }

  // "---", "..." or "%" at a line's start: a document marker or a directive.
  bool AtDocumentMarker() const {
    if (indent_ != 0) return false;
    if (Here() == '%') return true;
    return (text_.compare(pos_, 3, "---") == 0 || text_.compare(pos_, 3, "...") == 0) &&
           BlankOrEnd(pos_ + 3);
  }

  bool AtBlockEntry() const { return Here() == '-' && BlankOrEnd(pos_ + 1); }

  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  // A comment starts at `pos`: a '#' after a space, or at a line's start.
  bool CommentAt(size_t pos) const {
    return At(pos) == '#' && (pos == 0 || text_[pos - 1] == ' ' || text_[pos - 1] == '\n');
  }

  // At the end of what a line holds: its break, the text's end, or a comment.
  bool AtLineEnd() const { return Here() == '\n' || CommentAt(pos_); }

  // Moves past spaces, a comment and the line break; false if anything else is left.
  bool EndLine() {
    SkipSpaces();
    if (!AtLineEnd()) return false;
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) {
      ++pos_;
      ++line_;
      line_start_ = pos_;
    }
    return true;
  }

  // From a line's start, skips blank and comment lines; then the cursor is on the first
  // character of the next content line, `indent_` its column. Sets at_end_ instead at the end.
  bool NextContentLine() {
    while (pos_ < text_.size()) {
      SkipSpaces();
      if (Here() == '\n' || Here() == '#') {
        EndLine();
        continue;
      }
      indent_ = Column();
      return true;
    }
    at_end_ = true;
    return false;
  }

  // The column of the next line that is not blank, comments included, or -1 at the end. A line
  // more indented than its collection after a scalar continues it (or is an error) in YAML.
  int64_t NextNonBlankIndent() const {
    size_t pos = pos_;
    while (pos < text_.size()) {
      const size_t start = pos;
      while (pos < text_.size() && text_[pos] == ' ') ++pos;
      if (pos == text_.size()) break;
      if (text_[pos] != '\n') return static_cast<int64_t>(pos - start);
      ++pos;
    }
    return -1;
  }

  // A mark: where a node starts.
  struct Place {
    uint32_t line = 0;
    uint32_t column = 0;
    uint32_t offset = 0;
  };
  Place PlaceAt(size_t pos) const {  // `pos` on the cursor's line
    return {line_, static_cast<uint32_t>(pos - line_start_), static_cast<uint32_t>(pos)};
  }

  void Emit(YamlEvent::Kind kind, YamlEvent::Tag tag, Place at, bool flow = false,
            std::string_view value = {}) {
    YamlEvent event;
    event.kind = kind;
    event.tag = tag;
    event.flow = flow;
    event.line = at.line;
    event.column = at.column;
    event.offset = at.offset;
    event.value = value;
    events_.push_back(event);
  }
  void EmitEnd(YamlEvent::Kind kind) { Emit(kind, YamlEvent::Tag::kPlain, PlaceAt(pos_)); }

  // A block mapping whose first key is at the cursor; its keys stand at this column.
  bool BlockMapping(uint32_t depth) {
    if (depth > kMaxDepth) return false;
    const uint32_t column = Column();
    Emit(YamlEvent::Kind::kMapStart, YamlEvent::Tag::kPlain, PlaceAt(pos_));
    while (true) {
      if (AtBlockEntry() || AtDocumentMarker() || !BlockKey()) return false;
      if (!BlockValue(column, /*in_mapping=*/true, depth)) return false;
      if (at_end_ || indent_ < column) break;
      if (indent_ > column) return false;
    }
    EmitEnd(YamlEvent::Kind::kMapEnd);
    return true;
  }

  // A block sequence whose first "-" is at the cursor.
  bool BlockSequence(uint32_t depth) {
    if (depth > kMaxDepth) return false;
    const uint32_t column = Column();
    Emit(YamlEvent::Kind::kSequenceStart, YamlEvent::Tag::kPlain, PlaceAt(pos_));
    while (true) {
      ++pos_;  // the "-"
      if (!BlockValue(column, /*in_mapping=*/false, depth)) return false;
      if (at_end_ || indent_ < column) break;
      if (indent_ > column) return false;
      if (!AtBlockEntry()) break;  // a key after an indentless sequence
    }
    EmitEnd(YamlEvent::Kind::kSequenceEnd);
    return true;
  }

  // Where the ':' of a plain "key:" (a colon and a space or the line's end) starting at the
  // cursor stands, or npos if none does before the line's end or a comment.
  size_t KeyColon() const {
    if (!PlainStart(kNotPlainStart, /*in_flow=*/false)) return std::string_view::npos;
    for (size_t pos = pos_; At(pos) != '\n' && !CommentAt(pos); ++pos) {
      if (At(pos) == ':' && BlankOrEnd(pos + 1)) return pos;
    }
    return std::string_view::npos;
  }

  bool LooksLikeKey() const { return KeyColon() != std::string_view::npos; }

  // "key:" at the cursor: emits the key and moves past the colon.
  bool BlockKey() {
    const size_t start = pos_;
    const size_t end = KeyColon();
    if (end == std::string_view::npos) return false;
    const std::string_view key = text_.substr(start, end - start);
    if (key.back() == ' ' || key.size() > kMaxKeyLength || IsNullString(key)) return false;
    Emit(YamlEvent::Kind::kScalar, YamlEvent::Tag::kPlain, PlaceAt(start), false, key);
    pos_ = end + 1;
    return true;
  }

  // Whether a plain scalar may start at the cursor (yaml-cpp's Exp::PlainScalar and
  // Exp::PlainScalarInFlow).
  bool PlainStart(const CharSet& not_start, bool in_flow) const {
    const char c = Here();
    if (c == ' ' || c == '\n' || not_start.Has(c)) return false;
    if (c == '-' || c == ':' || (c == '?' && !in_flow)) {
      return !(in_flow ? At(pos_ + 1) == ' ' || pos_ + 1 >= text_.size() : BlankOrEnd(pos_ + 1));
    }
    return true;
  }

  // The value after "key:" or "- ", for a collection at column `top`. Ends on the next content
  // line (or at the end).
  bool BlockValue(uint32_t top, bool in_mapping, uint32_t depth) {
    SkipSpaces();
    if (AtLineEnd()) return ValueOnNextLines(top, in_mapping, YamlEvent::Tag::kPlain, {}, depth);
    if (Here() == '!') {
      const Place tag_at = PlaceAt(pos_);
      YamlEvent::Tag tag;
      if (!ReadTag(&tag)) return false;
      SkipSpaces();
      if (AtLineEnd()) return TaggedEmptyOrBlock(top, tag, tag_at, depth);
      if (LooksLikeKey()) return false;
      return InlineValue(top, tag, tag_at, depth);
    }
    if (!in_mapping && LooksLikeKey()) return BlockMapping(depth + 1);  // "- key: value"
    return InlineValue(top, YamlEvent::Tag::kPlain, PlaceAt(pos_), depth);
  }

  // Nothing after "key:" on its line: a block collection more indented follows, or, in a
  // mapping, a sequence at the key's own column.
  bool ValueOnNextLines(uint32_t top, bool in_mapping, YamlEvent::Tag tag, Place tag_at,
                        uint32_t depth) {
    if (!EndLine() || !NextContentLine()) return false;  // a null value
    const bool indentless = in_mapping && indent_ == top && AtBlockEntry();
    if (indent_ <= top && !indentless) return false;
    if (indentless && tag != YamlEvent::Tag::kPlain) return false;
    const size_t events_before = events_.size();
    if (AtBlockEntry()) {
      if (!BlockSequence(depth + 1)) return false;
    } else if (!BlockMapping(depth + 1)) {
      return false;
    }
    RetagStart(events_before, tag, tag_at);
    return true;
  }

  // The collection that starts at events_[index] gets the tag written before it.
  void RetagStart(size_t index, YamlEvent::Tag tag, Place at) {
    if (tag == YamlEvent::Tag::kPlain) return;
    YamlEvent& start = events_[index];
    start.tag = tag;
    start.line = at.line;
    start.column = at.column;
    start.offset = at.offset;
  }

  // "key: !reset" and the line's end: an empty tagged scalar, or the tag of a block collection
  // on the lines below.
  bool TaggedEmptyOrBlock(uint32_t top, YamlEvent::Tag tag, Place tag_at, uint32_t depth) {
    const int64_t next = NextIndentAfterLine();
    if (next > static_cast<int64_t>(top)) {
      return ValueOnNextLines(top, /*in_mapping=*/false, tag, tag_at, depth);
    }
    // An empty scalar. yaml-cpp would read a "-" at a mapping's column as its value.
    Emit(YamlEvent::Kind::kScalar, tag, tag_at);
    if (!EndLine()) return false;
    NextContentLine();
    return !(!at_end_ && indent_ == top && AtBlockEntry());
  }

  // The column of the next content line after the cursor's line, -1 at the end.
  int64_t NextIndentAfterLine() const {
    FastReader probe = *this;
    if (!probe.EndLine() || !probe.NextContentLine()) return -1;
    return probe.indent_;
  }

  // "!override", "!reset" or "!delete" followed by a space or the line's end.
  bool ReadTag(YamlEvent::Tag* tag) {
    static constexpr std::array<std::pair<std::string_view, YamlEvent::Tag>, 3> kTags = {{
        {"!override", YamlEvent::Tag::kOverride},
        {"!reset", YamlEvent::Tag::kReset},
        {"!delete", YamlEvent::Tag::kDelete},
    }};
    for (const auto& [text, value] : kTags) {
      if (text_.compare(pos_, text.size(), text) == 0 && BlankOrEnd(pos_ + text.size())) {
        pos_ += text.size();
        *tag = value;
        return true;
      }
    }
    return false;
  }

  // A scalar or flow collection on the rest of the line, then the next content line.
  bool InlineValue(uint32_t top, YamlEvent::Tag tag, Place at, uint32_t depth) {
    const char c = Here();
    if (c == '[' || c == '{') {
      const size_t events_before = events_.size();
      if (!FlowCollection(depth + 1)) return false;
      RetagStart(events_before, tag, at);
    } else if (c == '"' || c == '\'') {
      if (!QuotedScalar(tag, at) || Here() == ':') return false;
    } else if (!BlockPlainScalar(tag, at)) {
      return false;
    }
    if (!EndLine()) return false;
    // A more indented line (a comment too) would continue a plain scalar.
    if (NextNonBlankIndent() > static_cast<int64_t>(top)) return false;
    NextContentLine();
    return true;
  }

  // A plain scalar's text [start, end): yaml-cpp drops the spaces before what ended it.
  std::string_view WithoutTrailingSpaces(size_t start, size_t end) const {
    while (end > start && text_[end - 1] == ' ') --end;
    return text_.substr(start, end - start);
  }

  bool BlockPlainScalar(YamlEvent::Tag tag, Place at) {
    if (!PlainStart(kNotPlainStart, /*in_flow=*/false)) return false;
    const size_t start = pos_;
    size_t end = start;
    while (At(end) != '\n' && !CommentAt(end)) {
      if (At(end) == ':' && BlankOrEnd(end + 1)) return false;  // "a: b: c"
      ++end;
    }
    pos_ = end;
    const std::string_view value = WithoutTrailingSpaces(start, end);
    if (tag == YamlEvent::Tag::kPlain && IsNullString(value)) return false;
    Emit(YamlEvent::Kind::kScalar, tag, at, false, value);
    return true;
  }

  // '...' without '' in it, or "..." without a backslash, on one line.
  bool QuotedScalar(YamlEvent::Tag tag, Place at) {
    const char quote = Here();
    const size_t start = pos_ + 1;
    size_t end = start;
    while (At(end) != quote) {
      if (At(end) == '\n' || At(end) == '\\') return false;
      ++end;
    }
    if (quote == '\'' && At(end + 1) == '\'') return false;
    pos_ = end + 1;
    if (tag == YamlEvent::Tag::kPlain) tag = YamlEvent::Tag::kNonPlain;
    Emit(YamlEvent::Kind::kScalar, tag, at, false, text_.substr(start, end - start));
    return true;
  }

  // [...] or {...}, closed on the line where it opens.
  bool FlowCollection(uint32_t depth) {
    if (depth > kMaxDepth) return false;
    const bool mapping = Here() == '{';
    const char close = mapping ? '}' : ']';
    Emit(mapping ? YamlEvent::Kind::kMapStart : YamlEvent::Kind::kSequenceStart,
         YamlEvent::Tag::kPlain, PlaceAt(pos_), /*flow=*/true);
    ++pos_;
    SkipSpaces();
    while (Here() != close) {
      if (mapping ? !FlowPair(depth) : !FlowNode(depth)) return false;
      SkipSpaces();
      if (Here() == close) break;
      if (Here() != ',') return false;
      ++pos_;
      SkipSpaces();
      if (Here() == close) return false;  // a trailing comma
    }
    ++pos_;
    EmitEnd(mapping ? YamlEvent::Kind::kMapEnd : YamlEvent::Kind::kSequenceEnd);
    return true;
  }

  // "key: value" in {...}.
  bool FlowPair(uint32_t depth) {
    if (!PlainStart(kNotPlainStartInFlow, /*in_flow=*/true)) return false;
    const size_t start = pos_;
    size_t end = start;
    while (At(end) != ':') {
      if (At(end) == '\n' || kEndsPlainInFlow.Has(At(end)) || CommentAt(end)) return false;
      ++end;
    }
    if (At(end + 1) != ' ' || At(end - 1) == ' ' || end - start > kMaxKeyLength) return false;
    const std::string_view key = text_.substr(start, end - start);
    if (IsNullString(key)) return false;
    Emit(YamlEvent::Kind::kScalar, YamlEvent::Tag::kPlain, PlaceAt(start), false, key);
    pos_ = end + 1;
    SkipSpaces();
    if (Here() == ',' || Here() == '}') return false;  // no value: a null
    return FlowNode(depth);
  }

  // A value in [...] or {...}.
  bool FlowNode(uint32_t depth) {
    const char c = Here();
    if (c == '[' || c == '{') return FlowCollection(depth + 1);
    if (c == '"' || c == '\'') {
      // A quoted key in a flow sequence ("[a: b]" style) or a JSON-style key: not here.
      return QuotedScalar(YamlEvent::Tag::kPlain, PlaceAt(pos_)) && Here() != ':';
    }
    if (!PlainStart(kNotPlainStartInFlow, /*in_flow=*/true)) return false;
    const size_t start = pos_;
    size_t end = start;
    while (!kEndsPlainInFlow.Has(At(end))) {
      if (At(end) == '\n' || CommentAt(end)) return false;
      if (At(end) == ':') return false;  // a pair, or a colon yaml-cpp may read as one
      ++end;
    }
    if (At(end) == '?') return false;
    pos_ = end;
    const std::string_view value = WithoutTrailingSpaces(start, end);
    if (IsNullString(value)) return false;
    Emit(YamlEvent::Kind::kScalar, YamlEvent::Tag::kPlain, PlaceAt(start), false, value);
    return true;
  }

  std::string_view text_;
  std::vector<YamlEvent>& events_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 0;
  uint32_t indent_ = 0;
  bool at_end_ = false;
};

}  // namespace

bool ReadYamlFastPath(std::string_view text, std::vector<YamlEvent>& events) {
  events.clear();
  return FastReader(text, events).ReadDocument();
}

void ReplayYamlEvents(const std::vector<YamlEvent>& events, YAML::EventHandler& handler) {
  std::string value;
  for (const YamlEvent& event : events) {
    YAML::Mark mark;
    mark.pos = static_cast<int>(event.offset);
    mark.line = static_cast<int>(event.line);
    mark.column = static_cast<int>(event.column);
    const std::string& tag = YamlTagText(event.tag);
    const auto style = event.flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block;
    switch (event.kind) {
      case YamlEvent::Kind::kScalar:
        value.assign(event.value);
        handler.OnScalar(mark, tag, YAML::NullAnchor, value);
        break;
      case YamlEvent::Kind::kMapStart:
        handler.OnMapStart(mark, tag, YAML::NullAnchor, style);
        break;
      case YamlEvent::Kind::kMapEnd:
        handler.OnMapEnd();
        break;
      case YamlEvent::Kind::kSequenceStart:
        handler.OnSequenceStart(mark, tag, YAML::NullAnchor, style);
        break;
      case YamlEvent::Kind::kSequenceEnd:
        handler.OnSequenceEnd();
        break;
    }
  }
}

const std::string& YamlTagText(YamlEvent::Tag tag) {
  static const std::array<std::string, 5> kTexts = {"?", "!", "!override", "!reset", "!delete"};
  return kTexts[static_cast<size_t>(tag)];
}

}  // namespace qemuc
