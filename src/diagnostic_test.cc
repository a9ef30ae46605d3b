#include "diagnostic.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

Diagnostic Make(const SourceRange& range, std::string message, std::vector<Note> notes = {}) {
  Diagnostic diagnostic;
  diagnostic.range = range;
  diagnostic.message = std::move(message);
  diagnostic.notes = std::move(notes);
  return diagnostic;
}

TEST_SUITE("diagnostic") {
  TEST_CASE("the gcc form: place, message, source line, caret over the range, notes") {
    const SourceFile file("/b/x.yaml", "boards/x.yaml", "qemu:\n  cpu: 4\n");
    const SourceFile other("/f/net.yaml", "fragments/net.yaml", "");
    Diagnostic diagnostic = Make({&file, 2, 3, 3}, "unknown key 'cpu' in 'qemu'");
    diagnostic.notes.push_back({"first used at", {&other, 4, 7, 1}});
    diagnostic.notes.push_back({"a note without a place", {}});
    CHECK(RenderDiagnostic(diagnostic, false) ==
          "boards/x.yaml:2:3: error: unknown key 'cpu' in 'qemu'\n"
          "  cpu: 4\n"
          "  ^~~\n"
          "note: first used at fragments/net.yaml:4:7\n"
          "note: a note without a place\n");
  }

  TEST_CASE("the caret lines up under tabs and non-ASCII characters") {
    const SourceFile file("/x.yaml", "x.yaml", "a:\t\"é\", b\n");
    const Diagnostic diagnostic = Make({&file, 1, 8, 1}, "m");
    CHECK(RenderDiagnostic(diagnostic, false) == "x.yaml:1:8: error: m\na:\t\"é\", b\n  \t    ^\n");
  }

  TEST_CASE("without a line, only the file; without a file, the program") {
    const SourceFile file("/x.yaml", "x.yaml", "");
    CHECK(RenderDiagnostic(Make({&file, 0, 0, 1}, "cannot read"), false) ==
          "x.yaml: error: cannot read\n");
    CHECK(RenderDiagnostic(Make({}, "bad"), false) == "qemuc: error: bad\n");
  }

  TEST_CASE("colour wraps the parts in ANSI escapes, and only when asked") {
    const SourceFile file("/x.yaml", "x.yaml", "a: 1\n");
    const Diagnostic diagnostic = Make({&file, 1, 4, 1}, "m", {{"n", {}}});
    CHECK(RenderDiagnostic(diagnostic, true) ==
          "\033[1mx.yaml:1:4:\033[0m \033[1;31merror:\033[0m \033[1mm\033[0m\na: 1\n   "
          "\033[1;32m^\033[0m\n"
          "\033[1;36mnote:\033[0m n\n");
  }

  TEST_CASE("--error-format json: one object a line, null where there is no place") {
    const SourceFile file("/b/x.yaml", "boards/x.yaml", "a: 1\n");
    const Diagnostic diagnostic = Make({&file, 1, 4, 1}, "bad \"value\"",
                                       {{"first used at", {&file, 1, 1, 1}}, {"no place", {}}});
    CHECK(
        RenderDiagnosticJson(diagnostic) ==
        "{\"file\":\"boards/x.yaml\",\"line\":1,\"column\":4,\"severity\":\"error\","
        "\"message\":\"bad \\\"value\\\"\",\"notes\":[{\"file\":\"boards/x.yaml\",\"line\":1,"
        "\"column\":1,\"message\":\"first used at\"},{\"file\":null,\"line\":null,\"column\":null,"
        "\"message\":\"no place\"}]}\n");
    CHECK(RenderDiagnosticJson(Make({&file, 0, 0, 1}, "m")) ==
          "{\"file\":\"boards/x.yaml\",\"line\":null,\"column\":null,\"severity\":\"error\","
          "\"message\":\"m\",\"notes\":[]}\n");
  }

  TEST_CASE("the sink counts errors and sorts a stage's reports into source order") {
    const SourceFile first("/a", "a", "");
    const SourceFile second("/b", "b", "");
    Diagnostics diagnostics;
    diagnostics.Error({&first, 1, 1, 1}, "kept first: reported before the stage");
    const size_t stage = diagnostics.size();
    diagnostics.Error({&second, 1, 1, 1}, "b1");
    diagnostics.Error({&first, 9, 2, 1}, "a9");
    diagnostics.Error({&first, 3, 5, 1}, "a3 first");
    diagnostics.Error({&first, 3, 5, 1}, "a3 second");
    diagnostics.SortSince(stage);
    std::vector<std::string> order;
    for (const Diagnostic& d : diagnostics.all()) order.push_back(d.message);
    CHECK(order == std::vector<std::string>{"kept first: reported before the stage", "a3 first",
                                            "a3 second", "a9", "b1"});
    CHECK(diagnostics.error_count() == 5);
    CHECK(diagnostics.has_errors());
  }
}

}  // namespace
}  // namespace qemuc
