#include "diagnostic.h"

#include <algorithm>
#include <tuple>

#include "json_string.h"
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

// The source line as a terminal can show it: a byte that is not UTF-8 or a control character
// (a tab aside) becomes '?', one character for one, so that the caret still lines up.
std::string Printable(std::string_view line) {
  std::string shown;
  for (size_t i = 0; i < line.size();) {
    const auto byte = static_cast<unsigned char>(line[i]);
    const size_t length = Utf8SequenceLength(line, i);
    if (length == 0 || (byte < 0x20 && byte != '\t') || byte == 0x7F) {
      shown += '?';
      ++i;
    } else {
      shown.append(line.substr(i, length));
      i += length;
    }
  }
  return shown;
}

// The source line, then spaces (tabs kept, so that the caret lines up) and "^~~~".
std::string Snippet(const SourceRange& range, const Painter& paint) {
  const std::string_view line = range.file->Line(range.line);
  std::string caret_line;
  uint32_t column = 1;
  for (size_t i = 0; i < line.size() && column < range.column; ++i) {
    // A continuation byte belongs to the previous character.
    if (IsUtf8Continuation(static_cast<unsigned char>(line[i]))) continue;
    caret_line += line[i] == '\t' ? '\t' : ' ';
    ++column;
  }
  caret_line.append(range.column > column ? range.column - column : 0, ' ');
  const std::string caret = "^" + std::string(std::max<uint32_t>(range.length, 1) - 1, '~');
  return Printable(line) + "\n" + caret_line + paint(kGreen, caret) + "\n";
}

std::string SeverityLabel(Severity severity, const Painter& paint) {
  return severity == Severity::kError ? paint(kRed, "error:") : paint(kMagenta, "warning:");
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

// A JSON string for any bytes: a file name from the command line or the disk need not be
// UTF-8, and JSON cannot carry such bytes, so each becomes U+FFFD (lossy, but valid JSON).
std::string JsonText(std::string_view text) {
  std::string valid;
  while (const std::optional<size_t> bad = FindInvalidUtf8(text)) {
    valid.append(text.substr(0, *bad));
    valid += "\xEF\xBF\xBD";
    text.remove_prefix(*bad + 1);
  }
  valid.append(text);
  return JsonString(valid);
}

// "file":...,"line":...,"column":... of a place, null where a part is missing.
std::string JsonPlace(const SourceRange& range) {
  const bool has_line = range.file != nullptr && range.line > 0;
  return "\"file\":" + (range.file != nullptr ? JsonText(range.file->display_path()) : "null") +
         ",\"line\":" + (has_line ? std::to_string(range.line) : "null") +
         ",\"column\":" + (has_line ? std::to_string(range.column) : "null");
}

}  // namespace

std::string RenderDiagnosticJson(const Diagnostic& diagnostic) {
  std::string json = "{" + JsonPlace(diagnostic.range) + ",\"severity\":" +
                     (diagnostic.severity == Severity::kError ? "\"error\"" : "\"warning\"") +
                     ",\"message\":" + JsonText(diagnostic.message) + ",\"notes\":[";
  for (size_t i = 0; i < diagnostic.notes.size(); ++i) {
    const Note& note = diagnostic.notes[i];
    json += (i > 0 ? ",{" : "{") + JsonPlace(note.range) +
            ",\"message\":" + JsonText(note.message) + "}";
  }
  return json + "]}\n";
}

std::string RenderDiagnostic(const Diagnostic& diagnostic, bool colour) {
  const Painter paint(colour);
  const std::string where =
      diagnostic.range.file != nullptr ? FormatLocation(diagnostic.range) : "qemuc";
  std::string text = paint(kBold, where + ":") + " " + SeverityLabel(diagnostic.severity, paint) +
                     " " + paint(kBold, diagnostic.message) + "\n";
  if (diagnostic.range.valid()) text += Snippet(diagnostic.range, paint);
  for (const Note& note : diagnostic.notes) {
    text += paint(kCyan, "note:") + " " + note.message;
    if (note.range.file != nullptr) text += " " + FormatLocation(note.range);
    text += "\n";
  }
  return text;
}

}  // namespace qemuc
