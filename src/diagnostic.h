// One diagnostic type, one sink, one renderer (SPEC §4 "Diagnostics").
#ifndef QEMUC_DIAGNOSTIC_H_
#define QEMUC_DIAGNOSTIC_H_

#include <string>
#include <vector>

#include "source.h"

namespace qemuc {

enum class Severity { kError, kWarning };

// A note adds context to a diagnostic: "first defined at a.yaml:2:3". Its range is optional.
struct Note {
  std::string message;
  SourceRange range;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceRange range;  // no file: the problem is with the command line or the whole run
  std::string message;
  std::vector<Note> notes;
  // For a value of the wrong kind, the key it is under ("qemu.drives", "qemu.drives[blk0]"), so
  // that the layering stage can name the inherited value it would have changed.
  std::string key_path;
  // Found inside a file that several profiles may share (its own parse and shape problems):
  // reported to each of them, printed once.
  bool shared = false;
};

// Stages append here and keep going where they can, so one run reports every problem.
class Diagnostics {
 public:
  // Returns the new diagnostic so that a caller can attach notes.
  Diagnostic& Error(const SourceRange& range, std::string message);
  // Reports a diagnostic made elsewhere (one found once and reported to several profiles).
  void Add(const Diagnostic& diagnostic);

  // Puts the diagnostics reported since the first `first` in source order (file name, line,
  // column), keeping the order of those at the same place: a stage may find problems out of
  // order.
  void SortSince(size_t first);

  // Forgets everything reported since `first`: a later, surer diagnosis replaces it.
  void DropSince(size_t first);

  bool has_errors() const { return error_count_ > 0; }
  size_t error_count() const { return error_count_; }
  size_t size() const { return all_.size(); }
  Diagnostic& at(size_t index) { return all_[index]; }
  const std::vector<Diagnostic>& all() const { return all_; }

 private:
  std::vector<Diagnostic> all_;
  size_t error_count_ = 0;
};

// The gcc/clang form: "file:line:col: error: message", the source line, a caret under the range,
// then "note: ..." lines. With colour, ANSI escapes as clang uses them.
std::string RenderDiagnostic(const Diagnostic& diagnostic, bool colour);

// One JSON object on one line (SPEC §4, --error-format json):
// {"file","line","column","severity","message","notes":[{"file","line","column","message"}]}
// with null for a place that is not there.
std::string RenderDiagnosticJson(const Diagnostic& diagnostic);

}  // namespace qemuc

#endif  // QEMUC_DIAGNOSTIC_H_
