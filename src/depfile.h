// Make-syntax depfiles (SPEC §8, --depfile): which files a generated file was made from, so that
// meson's custom_target(depfile:), ninja and GNU make rebuild it when one of them changes.
//
// A path must come back exactly as written from both readers: ninja's depfile parser
// (src/depfile_parser.in.cc; Debian 12 ships ninja 1.11.1) and GNU make 4.3 (`-include`d). The
// rules below were read in ninja's parser and in make's read.c (parse_file_seq: archive groups),
// and each was checked by experiment with Debian's ninja 1.11.1 (`ninja -t deps` after a
// `deps = gcc` build) and make 4.3 ("No rule to make target 'PATH'" naming each missing file,
// and building when all exist); tests/depfile/readers.py keeps checking the accepted ones:
// - written as they are: letters, digits, `+ , / _ . ~ ( ) { } % @ [ ] ! -`, bytes >= 0x80;
// - escaped: a space as `\ `, `#` as `\#`, `:` as `\:`, `$` as `$$` (both readers undo these);
// - a backslash is written as it is when the next character is written as it is (both readers
//   keep `\x`); before a space, `#`, `:`, `$` or at the end the two readers disagree on how
//   many backslashes an escape takes, so that is an error;
// - errors, each naming the path and the reason:
//   - a line break (it ends the rule), a tab or another control character (ninja ends the name);
//   - `* ; | < > ^` and a backquote: ninja ends the name there (make also reads `*` as a
//     wildcard, `;` as the start of a recipe, `|` as order-only prerequisites);
//   - `' " & ?`: ninja before 1.13 ends the name there (1.13 reads them; make reads `?` as a
//     wildcard);
//   - `=`: make reads a target-specific variable assignment;
//   - `[` followed later by `]`: make globs it and may read another file (a[b]c is abc);
//   - a `(` after the first character with a `)` at the end: make reads an archive member;
//   - a leading `~`: make reads a home directory;
//   - a trailing `:`: ninja keeps the backslash and reads the name as a target;
//   - a target with `%` (make reads a pattern rule; `\%` would keep its backslash in ninja) or
//     named as one of make's special targets (`.PHONY`, ...);
//   - an empty path.
// Each dependency gets a line of its own (`target: dependency`), because make looks across the
// words of one line for the `)` closing an archive group ("lib(a b)"): on its own line a path is
// read the same whatever its neighbours are. Each dependency also gets an empty rule
// (`dependency:`, as `gcc -MP` writes) so that make does not stop when one is deleted or
// renamed; ninja ignores these. A dependency with `%` gets none: make would read a pattern rule.
#ifndef QEMUC_DEPFILE_H_
#define QEMUC_DEPFILE_H_

#include <string>
#include <vector>

namespace qemuc {

// One generated file and the files it was made from, in the order they were read.
struct DepfileRule {
  std::string target;
  std::vector<std::string> dependencies;
};

struct RenderedDepfile {
  std::string text;
  std::string error;  // not empty: why no depfile can be written; `text` is then empty
};

enum class DepfileRole { kTarget, kDependency };

// Why `path` cannot be written in a depfile in `role` (as the rules above say), naming it:
// "cannot write 'a;b.yaml' in a depfile: ...". "" when it can.
std::string DepfilePathError(const std::string& path, DepfileRole role);

// The depfile of `rules`, in their order: for each rule, one `target: dependency` line per
// dependency (a repeated dependency is written once; a rule without any is `target:`), then one
// empty rule per dependency. Deterministic: the same rules give the same bytes. An error, and
// no text, for the first path that cannot be written, a target given twice, or a target that is
// also a dependency (ninja refuses it; make sees a circular dependency). Several rules suit make,
// which keeps each target's own dependencies; ninja gives its one build edge every dependency of
// every rule and, without `deps = gcc`, needs every target to be an output of that edge.
RenderedDepfile RenderDepfile(const std::vector<DepfileRule>& rules);

}  // namespace qemuc

#endif  // QEMUC_DEPFILE_H_
