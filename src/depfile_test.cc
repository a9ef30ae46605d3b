#include "depfile.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

// The depfile of one rule "out.sh" made from `dependency`.
std::string OneDependency(const std::string& dependency) {
  const RenderedDepfile rendered = RenderDepfile({{"out.sh", {dependency}}});
  REQUIRE(rendered.error.empty());
  return rendered.text;
}

std::string ErrorFor(const std::string& dependency) {
  const RenderedDepfile rendered = RenderDepfile({{"out.sh", {dependency}}});
  CHECK(rendered.text.empty());
  return rendered.error;
}

std::string TargetError(const std::string& target) {
  const RenderedDepfile rendered = RenderDepfile({{target, {"/p/a.yaml"}}});
  CHECK(rendered.text.empty());
  return rendered.error;
}

TEST_SUITE("depfile") {
  TEST_CASE("one line per dependency, then an empty rule for each (as gcc -MP)") {
    CHECK(RenderDepfile({{"out/x.sh", {"/p/board.yaml", "/p/base.yaml"}}}).text ==
          "out/x.sh: /p/board.yaml\n"
          "out/x.sh: /p/base.yaml\n"
          "/p/board.yaml:\n"
          "/p/base.yaml:\n");
  }

  TEST_CASE("several rules in order; a shared dependency gets one empty rule") {
    const RenderedDepfile rendered = RenderDepfile(
        {{"b.sh", {"/p/b.yaml", "/p/base.yaml"}}, {"a.json", {"/p/a.yaml", "/p/base.yaml"}}});
    CHECK(rendered.error == "");
    CHECK(rendered.text ==
          "b.sh: /p/b.yaml\n"
          "b.sh: /p/base.yaml\n"
          "a.json: /p/a.yaml\n"
          "a.json: /p/base.yaml\n"
          "/p/b.yaml:\n"
          "/p/base.yaml:\n"
          "/p/a.yaml:\n");
  }

  TEST_CASE("a dependency read twice is written once, where first read") {
    CHECK(RenderDepfile({{"x.sh", {"/p/a.yaml", "/p/b.yaml", "/p/a.yaml"}}}).text ==
          "x.sh: /p/a.yaml\nx.sh: /p/b.yaml\n/p/a.yaml:\n/p/b.yaml:\n");
  }

  TEST_CASE("a rule without dependencies, and no rules at all") {
    CHECK(RenderDepfile({{"x.sh", {}}}).text == "x.sh:\n");
    const RenderedDepfile none = RenderDepfile({});
    CHECK(none.text == "");
    CHECK(none.error == "");
  }

  TEST_CASE("written as they are: letters, digits, + , / _ . ~ ( ) { } % @ [ ] ! - and UTF-8") {
    const std::string path = "/p/aZ09+,_.~(x){y}%@]![-é€.yaml";  // '%': no empty rule
    CHECK(RenderDepfile({{"x.sh", {path}}}).text == "x.sh: " + path + "\n");
    CHECK(OneDependency("/p/\xff.yaml") == "out.sh: /p/\xff.yaml\n/p/\xff.yaml:\n");
  }

  TEST_CASE("a space is written '\\ '") {
    CHECK(OneDependency("/my boards/a b.yaml") ==
          "out.sh: /my\\ boards/a\\ b.yaml\n/my\\ boards/a\\ b.yaml:\n");
  }

  TEST_CASE("'#' is written '\\#'") {
    CHECK(OneDependency("/p/#1.yaml") == "out.sh: /p/\\#1.yaml\n/p/\\#1.yaml:\n");
  }

  TEST_CASE("':' is written '\\:'") {
    CHECK(OneDependency("/p/a:b.yaml") == "out.sh: /p/a\\:b.yaml\n/p/a\\:b.yaml:\n");
  }

  TEST_CASE("'$' is written '$$'") {
    CHECK(OneDependency("/p/$HOME.yaml") == "out.sh: /p/$$HOME.yaml\n/p/$$HOME.yaml:\n");
  }

  TEST_CASE("a backslash before a character written as it is stays as it is") {
    CHECK(OneDependency("/p/a\\b\\\\c.yaml") == "out.sh: /p/a\\b\\\\c.yaml\n/p/a\\b\\\\c.yaml:\n");
  }

  TEST_CASE("targets are escaped as dependencies are") {
    CHECK(RenderDepfile({{"out dir/#x:$.sh", {"/p/a.yaml"}}}).text ==
          "out\\ dir/\\#x\\:$$.sh: /p/a.yaml\n/p/a.yaml:\n");
  }

  TEST_CASE("a dependency with '%' gets no empty rule: make would read a pattern rule") {
    CHECK(OneDependency("/p/100%.yaml") == "out.sh: /p/100%.yaml\n");
  }

  TEST_CASE("a line break in a path is an error naming the path") {
    CHECK(ErrorFor("/p/a\nb.yaml") ==
          "cannot write '/p/a\nb.yaml' in a depfile: make and ninja read a line break as the "
          "end of a rule");
    CHECK(ErrorFor("/p/a\rb.yaml") ==
          "cannot write '/p/a\rb.yaml' in a depfile: make and ninja read a line break as the "
          "end of a rule");
    CHECK(TargetError("out\n.sh") ==
          "cannot write 'out\n.sh' in a depfile: make and ninja read a line break as the end of "
          "a rule");
  }

  TEST_CASE("a tab or another control character is an error") {
    CHECK(ErrorFor("/p/a\tb.yaml") ==
          "cannot write '/p/a\tb.yaml' in a depfile: ninja reads the control character '\\t' "
          "as the end of a name");
    CHECK(ErrorFor("/p/a\x7f.yaml") ==
          "cannot write '/p/a\x7f.yaml' in a depfile: ninja reads the control character "
          "'\\x7f' as the end of a name");
  }

  TEST_CASE("characters ninja ends a name at are errors, with make's own reading named") {
    CHECK(ErrorFor("/p/a*.yaml") ==
          "cannot write '/p/a*.yaml' in a depfile: make reads '*' as a wildcard and ninja as "
          "the end of a name");
    CHECK(ErrorFor("/p/a;b.yaml") ==
          "cannot write '/p/a;b.yaml' in a depfile: make reads ';' as the start of a recipe and "
          "ninja as the end of a name");
    CHECK(ErrorFor("/p/a|b.yaml") ==
          "cannot write '/p/a|b.yaml' in a depfile: make reads '|' as the start of order-only "
          "prerequisites and ninja as the end of a name");
    for (const char* path : {"/p/a<b.yaml", "/p/a>b.yaml", "/p/a^b.yaml", "/p/a`b.yaml"}) {
      CAPTURE(path);
      CHECK(ErrorFor(path) == "cannot write '" + std::string(path) +
                                  "' in a depfile: ninja reads '" + std::string(1, path[4]) +
                                  "' as the end of a name");
    }
  }

  TEST_CASE("quotes, '&' and '?' are errors: ninja before 1.13 ends a name there") {
    CHECK(ErrorFor("/p/it's.yaml") ==
          "cannot write '/p/it's.yaml' in a depfile: ninja before 1.13 reads ''' as the end of a "
          "name");
    CHECK(ErrorFor("/p/\"q\".yaml") ==
          "cannot write '/p/\"q\".yaml' in a depfile: ninja before 1.13 reads '\"' as the end of "
          "a name");
    CHECK(ErrorFor("/p/a&b.yaml") ==
          "cannot write '/p/a&b.yaml' in a depfile: ninja before 1.13 reads '&' as the end of a "
          "name");
    CHECK(ErrorFor("/p/a?.yaml") ==
          "cannot write '/p/a?.yaml' in a depfile: make reads '?' as a wildcard and ninja before "
          "1.13 as the end of a name");
  }

  TEST_CASE("'=' is an error: make reads a variable assignment") {
    CHECK(ErrorFor("/p/a=b.yaml") ==
          "cannot write '/p/a=b.yaml' in a depfile: make reads '=' as a variable assignment");
  }

  TEST_CASE("a backslash before an escaped character or at the end is an error") {
    CHECK(ErrorFor("/p/a\\ b.yaml") ==
          "cannot write '/p/a\\ b.yaml' in a depfile: make and ninja disagree on a backslash "
          "before ' '");
    CHECK(ErrorFor("/p/a\\#b.yaml") ==
          "cannot write '/p/a\\#b.yaml' in a depfile: make and ninja disagree on a backslash "
          "before '#'");
    CHECK(ErrorFor("/p/a\\:b.yaml") ==
          "cannot write '/p/a\\:b.yaml' in a depfile: make and ninja disagree on a backslash "
          "before ':'");
    CHECK(ErrorFor("/p/a\\$b.yaml") ==
          "cannot write '/p/a\\$b.yaml' in a depfile: make and ninja disagree on a backslash "
          "before '$'");
    CHECK(ErrorFor("/p/a\\") ==
          "cannot write '/p/a\\' in a depfile: make and ninja disagree on a backslash at the end "
          "of a name");
  }

  TEST_CASE("'[' with a ']' after it is an error: make globs it") {
    CHECK(ErrorFor("/p/a[b]c.yaml") ==
          "cannot write '/p/a[b]c.yaml' in a depfile: make reads '[...]' as a wildcard that may "
          "match another file");
    CHECK(OneDependency("/p/a]b[c.yaml") == "out.sh: /p/a]b[c.yaml\n/p/a]b[c.yaml:\n");
  }

  TEST_CASE("a name ending in ')' with a '(' before it is an error: make reads an archive member") {
    CHECK(ErrorFor("/p/lib(member)") ==
          "cannot write '/p/lib(member)' in a depfile: make reads 'NAME(MEMBER)' as a member of "
          "an archive");
    CHECK(RenderDepfile({{"(x)", {}}}).text == "(x):\n");
    CHECK(OneDependency("/p/a (copy).yaml") == "out.sh: /p/a\\ (copy).yaml\n/p/a\\ (copy).yaml:\n");
  }

  TEST_CASE("a leading '~' and a trailing ':' are errors") {
    CHECK(TargetError("~/x.sh") ==
          "cannot write '~/x.sh' in a depfile: make reads a leading '~' as a home directory");
    CHECK(ErrorFor("/p/a:") ==
          "cannot write '/p/a:' in a depfile: ninja reads a name ending in ':' as a target and "
          "keeps the backslash before it");
  }

  TEST_CASE("a target with '%' or named as a make special target is an error") {
    CHECK(TargetError("out%.sh") ==
          "cannot write 'out%.sh' in a depfile: make reads a target with '%' as a pattern rule");
    CHECK(TargetError(".PHONY") ==
          "cannot write '.PHONY' in a depfile: make reads it as a special target");
    CHECK(RenderDepfile({{"dir/.PHONY", {}}}).text == "dir/.PHONY:\n");
  }

  TEST_CASE("an empty path is an error") {
    CHECK(ErrorFor("") == "cannot write '' in a depfile: the name is empty");
    CHECK(TargetError("") == "cannot write '' in a depfile: the name is empty");
  }

  TEST_CASE("a target given twice, or also a dependency, is an error") {
    CHECK(RenderDepfile({{"x.sh", {"/p/a.yaml"}}, {"x.sh", {"/p/b.yaml"}}}).error ==
          "'x.sh' is the target of two rules of one depfile");
    CHECK(RenderDepfile({{"/p/a.yaml", {}}, {"x.sh", {"/p/a.yaml"}}}).error ==
          "'/p/a.yaml' is both a target and a dependency in one depfile");
  }

  TEST_CASE("the first problem in rule order is the one reported") {
    const RenderedDepfile rendered =
        RenderDepfile({{"a.sh", {"/p/ok.yaml"}}, {"b.sh", {"/p/x;y.yaml", "/p/a\nb.yaml"}}});
    CHECK(rendered.text == "");
    CHECK(rendered.error ==
          "cannot write '/p/x;y.yaml' in a depfile: make reads ';' as the start of a recipe and "
          "ninja as the end of a name");
  }
}

}  // namespace
}  // namespace qemuc
