#include "diagnostic.h"

#include <doctest/doctest.h>

#include <memory>

#include "text.h"
#include "utf8.h"

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
  TEST_CASE("what diagnostics retain is let go only when there is no diagnostic to point into it") {
    const auto text = std::make_shared<int>(1);
    Diagnostics clean;
    clean.Retain(text);
    CHECK(text.use_count() == 2);
    clean.ReleaseUnused();
    CHECK(text.use_count() == 1);
    Diagnostics found;
    found.Retain(text);
    found.Error({}, "cpus must be at least 1");
    found.ReleaseUnused();
    CHECK(text.use_count() == 2);
  }

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

  TEST_CASE("a line wider than 120 characters is cut around the caret, with '...'") {
    std::string line;
    for (int i = 0; i < 60; ++i)
      line += "k" + std::to_string(i % 10) + "\xC3\xA9 ";  // 4 characters
    const SourceFile file("/x.yaml", "x.yaml", line + "\n");
    // Characters [first, first + count) of the line: 5 bytes for every 4 characters.
    const auto characters = [&](size_t first, size_t count) {
      const std::string_view rest =
          std::string_view(line).substr(PrefixOfCharacters(line, first).size());
      return std::string(PrefixOfCharacters(rest, count));
    };
    // Near the start: only the end is cut; 117 characters and "...".
    CHECK(RenderDiagnostic(Make({&file, 1, 5, 2}, "m"), false) ==
          "x.yaml:1:5: error: m\n" + characters(0, 117) + "...\n    ^~\n");
    // In the middle: both ends cut, 40 characters of context before the caret.
    CHECK(RenderDiagnostic(Make({&file, 1, 101, 3}, "m"), false) ==
          "x.yaml:1:101: error: m\n..." + characters(60, 114) + "...\n" + std::string(43, ' ') +
              "^~~\n");
    // Near the end: only the start is cut, and a caret past the end still shows.
    CHECK(RenderDiagnostic(Make({&file, 1, 241, 1}, "m"), false) ==
          "x.yaml:1:241: error: m\n..." + characters(123, 117) + "\n" + std::string(120, ' ') +
              "^\n");
  }

  TEST_CASE("a caret over more than the shown text ends where the text does") {
    const SourceFile file("/x.yaml", "x.yaml", "a: " + std::string(200, 'v') + "\n");
    const std::string shown = RenderDiagnostic(Make({&file, 1, 4, 200}, "m"), false);
    CHECK(shown == "x.yaml:1:4: error: m\na: " + std::string(114, 'v') + "...\n   ^" +
                       std::string(113, '~') + "\n");
  }

  TEST_CASE("control characters in messages, notes and file names are shown escaped") {
    const SourceFile file("/x", "x\x1b[2J.yaml", "a: \"\x1b]0;t\x07\"\n");
    Diagnostic diagnostic = Make({&file, 1, 4, 1}, "bad 'a\rb\x1b]0;title\x07' \xFF");
    diagnostic.notes.push_back({"see \xC2\x9B\n", {&file, 1, 1, 1}});
    CHECK(RenderDiagnostic(diagnostic, false) ==
          "x\\x1b[2J.yaml:1:4: error: bad 'a\\rb\\x1b]0;title\\x07' \\xff\n"
          "a: \"?]0;t?\"\n"
          "   ^\n"
          "note: see \\u009b\\n x\\x1b[2J.yaml:1:1\n");
    // JSON escapes by its own rules, and bytes that are not UTF-8 become U+FFFD.
    CHECK(RenderDiagnosticJson(Make({&file, 0, 0, 1}, "a\x1b\xFF")) ==
          "{\"file\":\"x\\u001b[2J.yaml\",\"line\":null,\"column\":null,\"severity\":"
          "\"error\",\"message\":\"a\\u001b\xEF\xBF\xBD\",\"notes\":[]}\n");
  }

  TEST_CASE("at most 20 diagnostics a file are shown, then how many were not") {
    const SourceFile a("/a", "a.yaml", "x\n");
    const SourceFile b("/b", "b.yaml", "x\n");
    DiagnosticLimit limit;
    int shown = 0;
    for (int i = 0; i < 23; ++i) shown += limit.Admit(Make({&a, 1, 1, 1}, "m")) ? 1 : 0;
    for (int i = 0; i < 21; ++i) shown += limit.Admit(Make({&b, 1, 1, 1}, "m")) ? 1 : 0;
    CHECK(shown == 40);
    const std::vector<Diagnostic> summaries = limit.TakeSummaries();
    REQUIRE(summaries.size() == 2);
    CHECK(RenderDiagnostic(summaries[0], false) ==
          "a.yaml: note: 3 more errors in a.yaml not shown\n");
    CHECK(RenderDiagnostic(summaries[1], false) ==
          "b.yaml: note: 1 more error in b.yaml not shown\n");
    CHECK(RenderDiagnosticJson(summaries[0]) ==
          "{\"file\":\"a.yaml\",\"line\":null,\"column\":null,\"severity\":\"note\","
          "\"message\":\"3 more errors in a.yaml not shown\",\"notes\":[]}\n");
    // The count is for the whole run: a later batch about a.yaml is not shown either.
    CHECK_FALSE(limit.Admit(Make({&a, 1, 1, 1}, "m")));
    CHECK(limit.Admit(Make({}, "no file")));
    const std::vector<Diagnostic> later = limit.TakeSummaries();
    REQUIRE(later.size() == 1);
    CHECK(later[0].message == "1 more error in a.yaml not shown");
    CHECK(limit.TakeSummaries().empty());
  }

  TEST_CASE("a message or note longer than 4000 characters is cut, in both forms") {
    const std::string long_text(5000, 'm');
    const std::string cut = std::string(4000, 'm') + "...";
    const Diagnostic diagnostic = Make({}, long_text, {{long_text, {}}});
    CHECK(RenderDiagnostic(diagnostic, false) == "qemuc: error: " + cut + "\nnote: " + cut + "\n");
    CHECK(RenderDiagnosticJson(diagnostic) ==
          "{\"file\":null,\"line\":null,\"column\":null,\"severity\":\"error\",\"message\":\"" +
              cut + "\",\"notes\":[{\"file\":null,\"line\":null,\"column\":null,\"message\":\"" +
              cut + "\"}]}\n");
  }

  TEST_CASE("a value quoted in a message stops at 80 characters") {
    CHECK(Quoted("cpu") == "'cpu'");
    CHECK(Quoted(std::string(80, 'k')) == "'" + std::string(80, 'k') + "'");
    CHECK(Quoted(std::string(81, 'k')) == "'" + std::string(80, 'k') + "...'");
    CHECK(Quoted(std::string(100, 'k') + "é") == "'" + std::string(80, 'k') + "...'");
    std::string wide;
    for (int i = 0; i < 90; ++i) wide += "é";
    CHECK(Quoted(wide) == "'" + wide.substr(0, 160) + "...'");
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
