// One diagnostic type, one sink, one renderer (SPEC §4 "Diagnostics").
#ifndef QEMUC_DIAGNOSTIC_H_
#define QEMUC_DIAGNOSTIC_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "key_path.h"
#include "source.h"

namespace qemuc {

// kNote: a line of its own that is not a problem ("12 more errors in x.yaml not shown").
enum class Severity { kError, kWarning, kNote };

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
  // that the layering stage can name the inherited value it would have changed; empty for none.
  KeyPath key_path;
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

  // Keeps `owner` alive as long as these diagnostics: what their ranges point into (a profile's
  // text, which the file cache of validate lets go once no profile needs it).
  void Retain(std::shared_ptr<const void> owner) { retained_.push_back(std::move(owner)); }
  // Lets go of what Retain kept when no diagnostic points into it. validate -j calls it on the
  // thread that read a clean profile: its tree and text are freed there, from the memory that
  // thread's allocator gave, not by whichever thread prints the results in order.
  void ReleaseUnused() {
    if (all_.empty()) retained_.clear();
  }
  // Retains what `other` retains: its diagnostics are being copied here.
  void RetainAll(const Diagnostics& other) {
    retained_.insert(retained_.end(), other.retained_.begin(), other.retained_.end());
  }

  bool has_errors() const { return error_count_ > 0; }
  size_t error_count() const { return error_count_; }
  size_t size() const { return all_.size(); }
  Diagnostic& at(size_t index) { return all_[index]; }
  const std::vector<Diagnostic>& all() const { return all_; }

 private:
  std::vector<Diagnostic> all_;
  size_t error_count_ = 0;
  std::vector<std::shared_ptr<const void>> retained_;
};

// The diagnostics of a run over many profiles (check, build) with each one found again (same
// place, same message: a broken base, for every board that extends it) kept once, holding the
// notes of every finding (at most kMaxMergedNotes, then how many more), so that it names all
// the profiles it affects.
constexpr size_t kMaxMergedNotes = 20;
Diagnostics MergeRepeated(const Diagnostics& diagnostics);

// Shows at most kMaxDiagnosticsPerFile diagnostics about each file (by its name; "" for none)
// over a whole run, as clang's -ferror-limit does, then says how many more there were: 3,000
// errors on one line wrote 115 MB. The exit status does not depend on it.
constexpr size_t kMaxDiagnosticsPerFile = 20;

class DiagnosticLimit {
 public:
  // True when the diagnostic is to be shown; false counts it as not shown.
  bool Admit(const Diagnostic& diagnostic);
  // One note per file with diagnostics not shown since the last call, in the order they were
  // first refused: "12 more errors in x.yaml not shown", at the file without a line.
  std::vector<Diagnostic> TakeSummaries();

 private:
  struct Count {
    size_t shown = 0;
    size_t hidden = 0;  // since the last TakeSummaries
  };
  std::map<std::string, Count> counts_;
  std::vector<std::pair<std::string, const SourceFile*>> hidden_in_;
};

// The gcc/clang form: "file:line:col: error: message", the source line, a caret under the range,
// then "note: ..." lines. With colour, ANSI escapes as clang uses them. Control characters and
// bytes that are not UTF-8 in the message, notes and file names are shown escaped (\x1b); a
// source line wider than 120 characters is cut around the caret, with "..." where it is cut.
std::string RenderDiagnostic(const Diagnostic& diagnostic, bool colour);

// One JSON object on one line (SPEC §4, --error-format json):
// {"file","line","column","severity","message","notes":[{"file","line","column","message"}]}
// with null for a place that is not there; "severity" is "error", "warning" or "note" (the
// line that says how many diagnostics were not shown).
std::string RenderDiagnosticJson(const Diagnostic& diagnostic);

}  // namespace qemuc

#endif  // QEMUC_DIAGNOSTIC_H_
