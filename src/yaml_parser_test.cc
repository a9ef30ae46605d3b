#include "yaml_parser.h"

#include <doctest/doctest.h>

#include "seen_keys.h"
#include "test_support.h"

namespace qemuc {
namespace {

using testing::ParsedText;

std::string Errors(const std::string& text, const ParseLimits& limits = {}) {
  ParsedText parsed;
  testing::Parse(parsed, text, limits);
  CHECK(parsed.root.get() == nullptr);
  return parsed.Rendered();
}

TEST_SUITE("yaml_parser") {
  TEST_CASE("builds a tree with a character-based place on every key and value") {
    ParsedText parsed;
    testing::Parse(parsed, "name: é\nqemu:\n  cpus: 4\n  args: [a, \"b c\"]\nx: {k: é, z: 1}\n");
    REQUIRE(parsed.root.get() != nullptr);
    CHECK(parsed.Rendered() == "");
    const Node& root = *parsed.root;
    REQUIRE(root.entries.size() == 3);
    CHECK(root.entries[0].key == "name");
    CHECK(root.entries[0].value->text == "é");
    const Node& qemu = *root.entries[1].value;
    CHECK(qemu.is_mapping());
    CHECK(qemu.entries[0].key_range.line == 3);
    CHECK(qemu.entries[0].key_range.column == 3);
    CHECK(qemu.entries[0].key_range.length == 4);
    const Node& cpus = *qemu.entries[0].value;
    CHECK(cpus.is_plain());
    CHECK(cpus.range.column == 9);
    const Node& args = *qemu.entries[1].value;
    REQUIRE(args.items.size() == 2);
    CHECK(args.items[1]->style == ScalarStyle::kQuoted);
    CHECK(args.items[1]->range.column == 13);
    CHECK(args.items[1]->range.length == 5);  // the quotes are underlined too
    // yaml-cpp counts bytes; 'z' follows a two-byte character, so its byte column is one more.
    const Node& z = *root.entries[2].value->entries[1].value;
    CHECK(z.range.column == 14);
  }

  TEST_CASE("tags are kept as merge directives and a quoted tagged value stays quoted") {
    ParsedText parsed;
    testing::Parse(parsed,
                   "a: !override \"4\"\nb: !reset\nc: !override [x]\nl:\n  - !delete blk0\n");
    REQUIRE(parsed.root.get() != nullptr);
    const Node& root = *parsed.root;
    CHECK(root.entries[0].value->tag == NodeTag::kOverride);
    CHECK(root.entries[0].value->style == ScalarStyle::kQuoted);
    CHECK(root.entries[0].value->range.column == 14);
    CHECK(root.entries[1].value->tag == NodeTag::kReset);
    CHECK(root.entries[2].value->tag == NodeTag::kOverride);
    CHECK(root.entries[3].value->items[0]->tag == NodeTag::kDelete);
    CHECK(root.entries[3].value->items[0]->text == "blk0");
  }

  TEST_CASE("a byte order mark is dropped and columns still agree") {
    ParsedText parsed;
    testing::Parse(parsed, "\xEF\xBB\xBFname: x\ncpus: 1\n");
    REQUIRE(parsed.root.get() != nullptr);
    CHECK(parsed.root->entries[0].key_range.column == 1);
    CHECK(parsed.root->entries[0].value->range.column == 7);
  }

  TEST_CASE("a duplicate key is reported at the second place with a note at the first") {
    CHECK(Errors("a: 1\nb: 2\na: 3\n") ==
          "p.yaml:3:1: error: duplicate key 'a'\n"
          "a: 3\n"
          "^\n"
          "note: first defined at p.yaml:1:1\n");
    CHECK(Errors("q: {cpus: 1, \"cpus\": 2}\n") ==
          "p.yaml:1:14: error: duplicate key 'cpus'\n"
          "q: {cpus: 1, \"cpus\": 2}\n"
          "             ^~~~~~\n"
          "note: first defined at p.yaml:1:5\n");
  }

  TEST_CASE("a key whose value was dropped still counts as defined") {
    CHECK(Errors("a:\nb: 1\na: 2\n") ==
          "p.yaml:1:1: error: 'a' has no value\n"
          "a:\n"
          "^\n"
          "note: null values are not allowed; '!reset' removes an inherited value\n"
          "p.yaml:3:1: error: duplicate key 'a'\n"
          "a: 2\n"
          "^\n"
          "note: first defined at p.yaml:1:1\n");
  }

  TEST_CASE("duplicate keys in a mapping with more keys than SeenKeys searches in a row") {
    std::string text;
    for (size_t i = 0; i < SeenKeys::kIndexFrom + 4; ++i) {
      text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
    }
    // Line 21 repeats a key read before the index was made, 22 one read after it; 22 also
    // drops its value, and 23 repeats that key again. A nested mapping has keys of its own.
    text += "k3: x\nk19:\nk19: y\nsub: {k3: 1, a: 2, a: 3}\nk5: z\n";
    CHECK(Errors(text) ==
          "p.yaml:21:1: error: duplicate key 'k3'\n"
          "k3: x\n"
          "^~\n"
          "note: first defined at p.yaml:4:1\n"
          "p.yaml:22:1: error: duplicate key 'k19'\n"
          "k19:\n"
          "^~~\n"
          "note: first defined at p.yaml:20:1\n"
          "p.yaml:23:1: error: duplicate key 'k19'\n"
          "k19: y\n"
          "^~~\n"
          "note: first defined at p.yaml:20:1\n"
          "p.yaml:24:20: error: duplicate key 'a'\n"
          "sub: {k3: 1, a: 2, a: 3}\n"
          "                   ^\n"
          "note: first defined at p.yaml:24:14\n"
          "p.yaml:25:1: error: duplicate key 'k5'\n"
          "k5: z\n"
          "^~\n"
          "note: first defined at p.yaml:6:1\n");
  }

  TEST_CASE("a key of a nested mapping is not a key of the mapping around it") {
    ParsedText parsed;
    testing::Parse(parsed, "a: 1\nb: {a: 1, c: [{a: 1, c: 2}]}\nc: 3\n");
    CHECK(parsed.Rendered() == "");
    REQUIRE(parsed.root.get() != nullptr);
    CHECK(parsed.root->entries.size() == 3);
    CHECK(Errors("a: 1\nb: {a: 1, c: 2}\nc: 3\na: 4\n") ==
          "p.yaml:4:1: error: duplicate key 'a'\n"
          "a: 4\n"
          "^\n"
          "note: first defined at p.yaml:1:1\n");
  }

  TEST_CASE("YAML merge keys are rejected") {
    CHECK(Errors("base: &b {cpus: 1}\nqemu:\n  <<: *b\n") ==
          "p.yaml:3:3: error: YAML merge keys ('<<') are not supported\n"
          "  <<: *b\n"
          "  ^~\n"
          "note: share settings with 'extends' or overlays instead\n");
  }

  TEST_CASE("complex and empty keys are rejected") {
    CHECK(Errors("? [a]\n: 1\n") ==
          "p.yaml:1:3: error: complex keys (a mapping or list as a key) are not supported\n"
          "? [a]\n"
          "  ^\n");
    CHECK(Errors("a: 1\n: 2\n") ==
          "p.yaml:2:1: error: empty key\n"
          ": 2\n"
          "^\n");
  }

  TEST_CASE(
      "an unclosed flow collection inside a key position is a syntax error, not a complex key") {
    CHECK(Errors("vars: [a, [b\n") ==
          "p.yaml:2:1: error: invalid YAML: end of sequence flow not found\n\n^\n");
  }

  TEST_CASE("a tag on the line after its anchor is underlined where it stands") {
    CHECK(Errors("a: &x\n  !foo {k: 1}\n") ==
          "p.yaml:2:3: error: unknown tag '!foo'\n  !foo {k: 1}\n  ^~~~\n"
          "note: the tags qemuc knows are !override, !reset and !delete\n");
  }

  TEST_CASE("an alias to a null or a key has nothing to refer to") {
    CHECK(Errors("a: &x\nb: *x\n")
              .find("p.yaml:2:4: error: an alias must refer to a complete value") !=
          std::string::npos);
  }

  TEST_CASE("unknown tags are rejected, on values and on keys") {
    CHECK(Errors("a: !foo x\n") ==
          "p.yaml:1:4: error: unknown tag '!foo'\n"
          "a: !foo x\n"
          "   ^~~~\n"
          "note: the tags qemuc knows are !override, !reset and !delete\n");
    CHECK(Errors("a: !!str 5\n") ==
          "p.yaml:1:4: error: unknown tag '!!str'\n"
          "a: !!str 5\n"
          "   ^~~~~\n"
          "note: the tags qemuc knows are !override, !reset and !delete\n");
    CHECK(Errors("!reset a: 1\n") ==
          "p.yaml:1:8: error: a key cannot have a tag ('!reset')\n"
          "!reset a: 1\n"
          "       ^\n");
  }

  TEST_CASE("an unknown tag after an anchor, on a collection, is underlined whole") {
    CHECK(Errors("a: &x !size {k: 1}\n") ==
          "p.yaml:1:7: error: unknown tag '!size'\n"
          "a: &x !size {k: 1}\n"
          "      ^~~~~\n"
          "note: the tags qemuc knows are !override, !reset and !delete\n");
  }

  TEST_CASE("null and empty values are rejected at their key") {
    const std::string note =
        "note: null values are not allowed; '!reset' removes an inherited value\n";
    CHECK(Errors("a: ~\nb: 1\n") == "p.yaml:1:1: error: 'a' has no value\na: ~\n^\n" + note);
    CHECK(Errors("kernel:\nb: 1\n") ==
          "p.yaml:1:1: error: 'kernel' has no value\nkernel:\n^~~~~~\n" + note);
    CHECK(Errors("a: [x, null]\n") ==
          "p.yaml:1:8: error: empty list item\na: [x, null]\n       ^\n");
    CHECK(Errors("qemu:\n  drives:\n    - id: a\n      file:\n") ==
          "p.yaml:4:7: error: 'qemu.drives[0].file' has no value\n      file:\n      ^~~~\n" +
              note);
    // Lists in lists, and an empty key (YAML allows "": x), are named as they are written.
    const auto headline = [](const std::string& text) {
      const std::string errors = Errors(text);
      return errors.substr(0, errors.find('\n'));
    };
    CHECK(headline("a: [x, [y, {b: }]]\n") == "p.yaml:1:13: error: 'a[1][1].b' has no value");
    CHECK(headline("- {b: }\n") == "p.yaml:1:4: error: '[0].b' has no value");
    CHECK(headline("q: {\"\": [{x: }]}\n") == "p.yaml:1:11: error: 'q.[0].x' has no value");
  }

  TEST_CASE("a tag with no value after it is a missing value, except !reset") {
    const std::string note =
        "note: null values are not allowed; '!reset' removes an inherited value\n";
    CHECK(Errors("qemu:\n  cpus: !override\n  kvm: true\n") ==
          "p.yaml:2:3: error: 'qemu.cpus' has no value\n  cpus: !override\n  ^~~~\n" + note);
    CHECK(Errors("l: [!override , x]\n") ==
          "p.yaml:1:5: error: empty list item\nl: [!override , x]\n    ^~~~~~~~~\n");
    ParsedText quoted;
    testing::Parse(quoted, "a: !override \"\"\nb: !override |\n  text\n");
    REQUIRE(quoted.root.get() != nullptr);
    CHECK(quoted.root->entries[0].value->text == "");
    CHECK(quoted.root->entries[1].value->text == "text\n");
  }

  TEST_CASE("a value under !reset is not a null") {
    ParsedText parsed;
    testing::Parse(parsed, "a: !reset\nb: !reset ~\n");
    REQUIRE(parsed.root.get() != nullptr);
    CHECK(parsed.root->entries.size() == 2);
  }

  TEST_CASE("an unterminated quote does not swallow the rest of the file") {
    CHECK(Errors("a: \"abc\nb: 1\n") ==
          "p.yaml:1:4: error: unterminated quoted string\n"
          "a: \"abc\n"
          "   ^\n");
    CHECK(Errors("a: 'it''s\nb: 1\n") ==
          "p.yaml:1:4: error: unterminated quoted string\n"
          "a: 'it''s\n"
          "   ^\n");
    ParsedText multiline;
    testing::Parse(multiline, "a: \"one\n  two\"\nb: 'x''\n  y'\n");
    REQUIRE(multiline.root.get() != nullptr);
    CHECK(multiline.root->entries[0].value->text == "one two");
    CHECK(multiline.root->entries[1].value->text == "x' y");
  }

  TEST_CASE("exactly one document: '---' or a line such as '-c' that ends the first") {
    CHECK(
        Errors("a: 1\n---\nb: 2\n") ==
        "p.yaml:2:1: error: a second YAML document starts here; a profile is exactly one document\n"
        "---\n"
        "^\n");
    // yaml-cpp ends the document silently at "-c" (a dash without a space): "- d" would be lost.
    CHECK(
        Errors("- a\n- b\n-c\n- d\n") ==
        "p.yaml:3:1: error: a second YAML document starts here; a profile is exactly one document\n"
        "-c\n"
        "^\n");
  }

  TEST_CASE("the root must be a mapping, and an empty file says so") {
    CHECK(Errors("") ==
          "p.yaml:1:1: error: the file is empty; a profile is a mapping of keys to values\n\n^\n");
    CHECK(Errors("# only a comment\n") ==
          "p.yaml:1:1: error: the file is empty; a profile is a mapping of keys to values\n"
          "# only a comment\n"
          "^\n");
    CHECK(Errors("[a, b]\n") ==
          "p.yaml:1:1: error: a profile must be a mapping of keys to values, not a list\n"
          "[a, b]\n"
          "^\n");
    CHECK(Errors("~\n") ==
          "p.yaml:1:1: error: a profile must be a mapping of keys to values, not null\n~\n^\n");
  }

  TEST_CASE("a syntax error is reported at yaml-cpp's mark") {
    CHECK(Errors("a: b: c\n") ==
          "p.yaml:1:5: error: invalid YAML: illegal map value\n"
          "a: b: c\n"
          "    ^\n");
    CHECK(Errors("a: *nope\n") ==
          "p.yaml:1:4: error: invalid YAML: the referenced anchor is not defined\n"
          "a: *nope\n"
          "   ^\n");
  }

  TEST_CASE("aliases share their anchor and count against the expansion budget") {
    ParsedText parsed;
    testing::Parse(parsed, "a: &x {k: [1, 2]}\nb: *x\n");
    REQUIRE(parsed.root.get() != nullptr);
    CHECK(parsed.root->entries[0].value.get() == parsed.root->entries[1].value.get());

    // Billion laughs: 10 levels of 9 aliases would expand to 9^10 nodes.
    std::string laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 9; ++i) {
      const std::string previous = "*l" + std::to_string(i - 1);
      std::string list;
      for (int k = 0; k < 9; ++k) list += (k > 0 ? ", " : "") + previous;
      laughs += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + list + "]\n";
    }
    const std::string errors = Errors(laughs);
    CHECK(errors.rfind("p.yaml:6:", 0) == 0);  // the first alias past 100000 nodes
    CHECK(
        errors.find(
            "error: the document expands to more than 100000 nodes (aliases count once per use)") !=
        std::string::npos);

    ParseLimits small;
    small.max_expanded_nodes = 11;  // root, list and 4 items: 6; the first alias adds 5 (11)
    CHECK(Errors("a: &x [1, 2, 3, 4]\nb: *x\nc: *x\n", small) ==
          "p.yaml:3:4: error: the document expands to more than 11 nodes (aliases count once per "
          "use)\n"
          "c: *x\n"
          "   ^\n");
  }

  TEST_CASE(
      "nesting is limited to 64 levels, also through aliases and far below yaml-cpp's limit") {
    std::string deep = "a: " + std::string(64, '[') + std::string(64, ']') + "\n";
    // The 131-character line is shown as its last 117 characters after "...".
    CHECK(Errors(deep) == "p.yaml:1:67: error: nesting deeper than 64 levels\n..." +
                              deep.substr(14, 117) + "\n" + std::string(55, ' ') + "^\n");
    ParsedText fits;
    testing::Parse(fits, "a: " + std::string(63, '[') + std::string(63, ']') + "\n");
    CHECK(fits.root.get() != nullptr);
    // 600 levels: yaml-cpp would throw DeepRecursion ("bad file") at 500; our limit comes first.
    const std::string very_deep = "a: " + std::string(600, '[') + std::string(600, ']') + "\n";
    CHECK(Errors(very_deep).find("error: nesting deeper than 64 levels") != std::string::npos);
    // Unclosed, yaml-cpp's guard refuses them first: reported at the end, where they stay open.
    const std::string unclosed = "a: 1\nb: " + std::string(100000, '[') + "\n";
    CHECK(Errors(unclosed).rfind("p.yaml:3:1: error: nesting too deep for the YAML parser\n", 0) ==
          0);
    ParseLimits shallow;
    shallow.max_depth = 3;
    CHECK(Errors("a: &x [[1]]\nb: [*x]\n", shallow) ==
          "p.yaml:2:5: error: nesting deeper than 3 levels\n"
          "b: [*x]\n"
          "    ^\n");
  }

  TEST_CASE("keys and scalars count their bytes with aliases expanded, at most 4 MiB") {
    // One 600 kB string used seven times (anchor and six aliases): 4.2 MB, refused at the last.
    const std::string big = std::string(600000, 'x');
    std::string text = "a: &s " + big + "\nb: [*s, *s, *s, *s, *s, *s]\n";
    const std::string errors = Errors(text);
    CHECK(errors.rfind("p.yaml:2:25: error: the document expands to more than 4194304 bytes of "
                       "keys and values (aliases count once per use)\n",
                       0) == 0);
    ParsedText fits;
    testing::Parse(fits, "a: &s " + big + "\nb: [*s, *s, *s, *s, *s]\n");
    REQUIRE(fits.root.get() != nullptr);
    CHECK(fits.root->expanded_bytes == 2 + 6 * big.size());

    ParseLimits small;
    small.max_expanded_bytes = 12;  // keys count too: "a" "k" "abc" 5, "b" and the alias 10, "c" 11
    CHECK(Errors("a: &x {k: abc}\nb: *x\nc: [*x]\n", small) ==
          "p.yaml:3:5: error: the document expands to more than 12 bytes of keys and values "
          "(aliases count once per use)\nc: [*x]\n    ^\n");
    CHECK(Errors("a: &x {k: abc}\nb: *x\nccc: 1\n", small).find("p.yaml:3:1: error:") == 0);
  }
}

TEST_SUITE("seen_keys") {
  TEST_CASE("finds the keys of the innermost mapping only, in a row or indexed") {
    SourceFile file("p.yaml", "p.yaml", "");
    const auto at = [&](uint32_t line) { return SourceRange{&file, line, 1, 1}; };
    SeenKeys seen;
    SeenKeys::Frame outer = seen.Open();
    seen.Add(outer, "a", at(1));
    SeenKeys::Frame inner = seen.Open();
    CHECK(seen.Find(inner, "a") == nullptr);
    for (uint32_t i = 0; i < SeenKeys::kIndexFrom + 1; ++i) {
      seen.Add(inner, "k" + std::to_string(i), at(10 + i));
    }
    CHECK(inner.index != nullptr);
    REQUIRE(seen.Find(inner, "k0") != nullptr);
    CHECK(seen.Find(inner, "k0")->line == 10);
    CHECK(seen.Find(inner, "k16")->line == 26);
    CHECK(seen.Find(inner, "a") == nullptr);
    seen.Close(inner);
    CHECK(outer.index == nullptr);
    REQUIRE(seen.Find(outer, "a") != nullptr);
    CHECK(seen.Find(outer, "a")->line == 1);
    CHECK(seen.Find(outer, "k0") == nullptr);
    seen.Add(outer, "b", at(2));
    CHECK(seen.Find(outer, "b")->line == 2);
    seen.Close(outer);
  }
}

}  // namespace
}  // namespace qemuc
