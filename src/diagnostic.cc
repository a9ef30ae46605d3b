#include "diagnostic.h"

#include <algorithm>
#include <tuple>

#include "json_writer.h"
#include "utf8.h"

namespace qemuc {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[1;31m";
constexpr const char* kGreen = "\033[1;32m";
constexpr const char* kMagenta = "\033[1;35m";
constexpr const char* kCyan = "\033[1;36m";
constexpr const char* kReset = "\033[0m";

class Painter {
 public:
  explicit Painter(bool colour) : colour_(colour) {}
  std::string operator()(const char* style, const std::string& text) const {
    return colour_ ? style + text + kReset : text;
  }

 private:
  bool colour_;
};

// A message or note is cut after this many characters, whatever a stage put in it: values are
// quoted at most 80 characters, but a message may name several (a cycle of 32 files).
constexpr size_t kMaxMessageCharacters = 4000;

std::string BoundedMessage(const std::string& message) {
  const std::string_view shown = PrefixOfCharacters(message, kMaxMessageCharacters);
  return shown.size() < message.size() ? std::string(shown) + "..." : message;
}

// A source line is shown at most this many characters wide, "..." included, cut around the
// caret: one error on a 26 kB line must not print the whole line.
constexpr size_t kSnippetWidth = 120;
constexpr size_t kContextBeforeCaret = 40;
constexpr std::string_view kEllipsis = "...";

// The byte where the character with this 0-based index starts (characters as columns count
// them: a byte that does not continue a UTF-8 sequence starts one), or the line's end.
size_t ByteOfCharacter(std::string_view line, size_t index) {
  if (index == 0) return 0;
  size_t seen = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (IsUtf8Continuation(static_cast<unsigned char>(line[i]))) continue;
    if (seen++ == index) return i;
  }
  return line.size();
}

// Part of a source line as a terminal can show it: a character that is not well-formed UTF-8
// or that a terminal would act on (a tab aside) becomes one '?', so that the caret still lines
// up.
std::string Printable(std::string_view text) {
  std::string shown;
  for (size_t i = 0; i < text.size();) {
    size_t end = i + 1;
    while (end < text.size() && IsUtf8Continuation(static_cast<unsigned char>(text[end]))) ++end;
    const std::string_view character = text.substr(i, end - i);
    const bool whole = Utf8SequenceLength(text, i) == character.size();
    shown += whole && (character == "\t" || !IsTerminalControl(character)) ? character : "?";
    i = end;
  }
  return shown;
}

// The characters [first, last) of a line that are shown.
struct Window {
  size_t first = 0;
  size_t last = 0;
};

// Around the caret (0-based character `caret`) when the line is wider than kSnippetWidth: some
// context before it, "..." on each side that is cut.
Window SnippetWindow(size_t characters, size_t caret) {
  if (characters <= kSnippetWidth) return {0, characters};
  const size_t room = kSnippetWidth - kEllipsis.size();  // one side cut
  const size_t first = caret > kContextBeforeCaret ? caret - kContextBeforeCaret : 0;
  if (first == 0) return {0, room};
  if (first + room >= characters) return {characters - room, characters};
  return {first, first + room - kEllipsis.size()};
}

// The source line (or its part around the caret), then spaces (tabs kept, so that the caret
// lines up) and "^~~~" over the range, cut where the shown text ends.
std::string Snippet(const SourceRange& range, const Painter& paint) {
  const std::string_view line = range.file->Line(range.line);
  const size_t characters = CountCodePoints(line);
  const size_t caret = range.column - 1;
  const Window window = SnippetWindow(characters, caret);
  const size_t first_byte = ByteOfCharacter(line, window.first);
  const size_t last_byte = ByteOfCharacter(line, window.last);
  const bool cut_before = window.first > 0;
  const bool cut_after = window.last < characters;
  std::string shown = (cut_before ? std::string(kEllipsis) : "") +
                      Printable(line.substr(first_byte, last_byte - first_byte)) +
                      (cut_after ? std::string(kEllipsis) : "");
  std::string caret_line(cut_before ? kEllipsis.size() : 0, ' ');
  // A caret past the line's end (an error at its end) stays within the width; the marks end
  // where the shown text does.
  const size_t caret_limit = cut_after ? window.last - 1 : window.first + kSnippetWidth;
  const size_t caret_at = std::clamp(caret, window.first, caret_limit);
  const size_t caret_byte = ByteOfCharacter(line, std::min(caret_at, window.last));
  for (size_t i = first_byte; i < caret_byte; ++i) {
    if (IsUtf8Continuation(static_cast<unsigned char>(line[i]))) continue;
    caret_line += line[i] == '\t' ? '\t' : ' ';
  }
  caret_line.append(caret_at > window.last ? caret_at - window.last : 0, ' ');
  const size_t marks_end = cut_after ? window.last : std::max(window.last, caret_at + 1);
  const size_t length = std::clamp<size_t>(range.length, 1, marks_end - caret_at);
  const std::string marks = "^" + std::string(length - 1, '~');
  return shown + "\n" + caret_line + paint(kGreen, marks) + "\n";
}

std::string SeverityLabel(Severity severity, const Painter& paint) {
  switch (severity) {
    case Severity::kError:
      return paint(kRed, "error:");
    case Severity::kWarning:
      return paint(kMagenta, "warning:");
    case Severity::kNote:
      break;
  }
  return paint(kCyan, "note:");
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      break;
  }
  return "note";
}

}  // namespace

Diagnostic& Diagnostics::Error(const SourceRange& range, std::string message) {
  ++error_count_;
  Diagnostic& diagnostic = all_.emplace_back();
  diagnostic.range = range;
  diagnostic.message = std::move(message);
  return diagnostic;
}

void Diagnostics::Add(const Diagnostic& diagnostic) {
  if (diagnostic.severity == Severity::kError) ++error_count_;
  all_.push_back(diagnostic);
}

void Diagnostics::SortSince(size_t first) {
  // By file name, not by the order files were loaded in: that depends on which thread of
  // `validate -j` loaded a shared parent first, and the output must not.
  const auto place = [](const Diagnostic& d) {
    const std::string_view file = d.range.file != nullptr
                                      ? std::string_view(d.range.file->display_path())
                                      : std::string_view();
    return std::make_tuple(file, d.range.line, d.range.column);
  };
  std::stable_sort(all_.begin() + static_cast<std::ptrdiff_t>(std::min(first, all_.size())),
                   all_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return place(a) < place(b); });
}

void Diagnostics::DropSince(size_t first) {
  for (size_t i = first; i < all_.size(); ++i) {
    if (all_[i].severity == Severity::kError) --error_count_;
  }
  if (first < all_.size()) all_.resize(first);
}

namespace {

// "file":...,"line":...,"column":... of a place, null where a part is missing. A file name from
// the command line or the disk need not be UTF-8: a diagnostic is written all the same.
void WritePlace(JsonWriter& json, const SourceRange& range) {
  json.Key("file");
  range.file != nullptr ? json.LossyString(range.file->display_path()) : json.Null();
  const bool has_line = range.file != nullptr && range.line > 0;
  json.Key("line");
  has_line ? json.Int(range.line) : json.Null();
  json.Key("column");
  has_line ? json.Int(range.column) : json.Null();
}

}  // namespace

std::string RenderDiagnosticJson(const Diagnostic& diagnostic) {
  JsonWriter json(JsonLayout::kCompact);
  WritePlace(json.BeginObject(), diagnostic.range);
  json.Key("severity").String(SeverityName(diagnostic.severity));
  json.Key("message").LossyString(BoundedMessage(diagnostic.message));
  json.Key("notes").BeginArray();
  for (const Note& note : diagnostic.notes) {
    WritePlace(json.BeginObject(), note.range);
    json.Key("message").LossyString(BoundedMessage(note.message)).EndObject();
  }
  return json.EndArray().EndObject().Take() + "\n";
}

std::string RenderDiagnostic(const Diagnostic& diagnostic, bool colour) {
  // Messages and file names hold values from the profile and the command line: a terminal must
  // show their control characters, not act on them (the snippet is made printable likewise).
  const Painter paint(colour);
  const std::string where =
      diagnostic.range.file != nullptr ? FormatLocation(diagnostic.range) : "qemuc";
  std::string text = paint(kBold, EscapeForTerminal(where) + ":") + " " +
                     SeverityLabel(diagnostic.severity, paint) + " " +
                     paint(kBold, EscapeForTerminal(BoundedMessage(diagnostic.message))) + "\n";
  if (diagnostic.range.valid()) text += Snippet(diagnostic.range, paint);
  for (const Note& note : diagnostic.notes) {
    text += paint(kCyan, "note:") + " " + EscapeForTerminal(BoundedMessage(note.message));
    if (note.range.file != nullptr) text += " " + EscapeForTerminal(FormatLocation(note.range));
    text += "\n";
  }
  return text;
}

namespace {

bool SamePlace(const SourceRange& a, const SourceRange& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column;
}

void MergeNotes(Diagnostic& into, const Diagnostic& repeated, size_t& hidden) {
  for (const Note& note : repeated.notes) {
    const auto same = [&](const Note& other) {
      return other.message == note.message && SamePlace(other.range, note.range);
    };
    if (std::any_of(into.notes.begin(), into.notes.end(), same)) continue;
    if (into.notes.size() < kMaxMergedNotes) {
      into.notes.push_back(note);
    } else {
      ++hidden;
    }
  }
}

}  // namespace

Diagnostics MergeRepeated(const Diagnostics& diagnostics) {
  // By file path, not SourceFile: a file that could not be read is registered once per mention.
  using Place = std::tuple<std::string, uint32_t, uint32_t, Severity, std::string>;
  struct Merged {
    Diagnostic diagnostic;
    size_t hidden_notes = 0;
  };
  std::map<Place, size_t> first;  // index in `merged`
  std::vector<Merged> merged;
  for (const Diagnostic& diagnostic : diagnostics.all()) {
    const SourceRange& at = diagnostic.range;
    const Place place{at.file != nullptr ? at.file->path() : "", at.line, at.column,
                      diagnostic.severity, diagnostic.message};
    const auto [it, added] = first.emplace(place, merged.size());
    if (added) {
      merged.push_back({diagnostic, 0});
    } else {
      Merged& into = merged[it->second];
      MergeNotes(into.diagnostic, diagnostic, into.hidden_notes);
    }
  }
  Diagnostics result;
  for (Merged& each : merged) {
    if (each.hidden_notes > 0) {
      each.diagnostic.notes.push_back(
          {std::to_string(each.hidden_notes) + " more notes not shown", {}});
    }
    each.diagnostic.shared = false;  // printed once already
    result.Add(each.diagnostic);
  }
  return result;
}

bool DiagnosticLimit::Admit(const Diagnostic& diagnostic) {
  const std::string file =
      diagnostic.range.file != nullptr ? diagnostic.range.file->display_path() : "";
  Count& count = counts_[file];
  if (count.shown < kMaxDiagnosticsPerFile) {
    ++count.shown;
    return true;
  }
  if (count.hidden++ == 0) hidden_in_.push_back({file, diagnostic.range.file});
  return false;
}

std::vector<Diagnostic> DiagnosticLimit::TakeSummaries() {
  std::vector<Diagnostic> summaries;
  for (const auto& [file, source] : hidden_in_) {
    Count& count = counts_[file];
    Diagnostic& summary = summaries.emplace_back();
    summary.severity = Severity::kNote;
    summary.range.file = source;
    summary.message = std::to_string(count.hidden) +
                      (count.hidden == 1 ? " more error" : " more errors") +
                      (source != nullptr ? " in " + file : "") + " not shown";
    count.hidden = 0;
  }
  hidden_in_.clear();
  return summaries;
}

}  // namespace qemuc
