#include "key_path.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

KeyPath Parsed(std::string_view text) {
  auto parsed = KeyPath::Parse(text);
  REQUIRE_MESSAGE(std::holds_alternative<KeyPath>(parsed), std::get<std::string>(parsed));
  return std::get<KeyPath>(parsed);
}

std::string ParseError(std::string_view text) {
  auto parsed = KeyPath::Parse(text);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

TEST_SUITE("key_path") {
  TEST_CASE("Child and Item build what Text prints") {
    const KeyPath root;
    CHECK(root.empty());
    CHECK(root.Text().empty());
    CHECK(root.Child("qemu").Child("cpus").Text() == "qemu.cpus");
    const KeyPath file = root.Child("qemu").Child("drives").Item("blk0").Child("file");
    CHECK(file.Text() == "qemu.drives[blk0].file");
    CHECK(root.Child("cmdline").Item("2").Text() == "cmdline[2]");
    CHECK(root.Child("a").Item("0").Item("1").Text() == "a[0][1]");
    CHECK(root.Item("0").Child("x").Text() == "[0].x");
  }

  TEST_CASE("an empty key, which YAML allows, is printed as a key: 'qemu.' is not 'qemu'") {
    const KeyPath qemu = KeyPath().Child("qemu");
    CHECK(qemu.Child("").Text() == "qemu.");
    CHECK(qemu.Child("").Item("0").Child("x").Text() == "qemu.[0].x");
    CHECK(qemu.Child("a").Item("0").Child("").Item("1").Text() == "qemu.a[0].[1]");
    CHECK(qemu.Child("a").Item("0").Item("1").Text() == "qemu.a[0][1]");
    CHECK(qemu.Child("a").Item("0").Item("1") != qemu.Child("a").Item("0").Child("").Item("1"));
    CHECK(KeyPath().Child("").Child("x").Text() == "x");
  }

  TEST_CASE("Parse reads what Text prints, with the offset of every key and item") {
    for (const char* text : {"qemu.cpus", "qemu.drives[blk0].file", "name",
                             "qemu.networks[net.0].user.forwards[22].host", "vars.a-b"}) {
      CAPTURE(text);
      CHECK(Parsed(text).Text() == text);
    }
    const KeyPath path = Parsed("qemu.drives[blk0].file");
    REQUIRE(path.steps().size() == 3);
    CHECK(path.steps()[1].key == "drives");
    CHECK(path.steps()[1].key_offset == 5);
    CHECK(path.steps()[1].item == "blk0");
    CHECK(path.steps()[1].item_offset == 12);
    CHECK(path.steps()[2].key_offset == 18);
    CHECK(path == KeyPath().Child("qemu").Child("drives").Item("blk0").Child("file"));
    CHECK(path != KeyPath().Child("qemu").Child("drives").Item("blk1").Child("file"));
  }

  TEST_CASE("Parse says what is wrong") {
    CHECK(ParseError("") == "the path is empty");
    CHECK(ParseError("qemu..cpus") == "an empty key in the path");
    CHECK(ParseError("qemu.") == "an empty key in the path");
    CHECK(ParseError(".qemu") == "an empty key in the path");
    CHECK(ParseError("qemu.drives[blk0") == "'[' without ']' after 'drives'");
    CHECK(ParseError("qemu.drives[]") == "an empty item key in '[]' after 'drives'");
    CHECK(ParseError("qemu.drives[a]b") == "expected '.' after '[a]'");
  }

  TEST_CASE("on an error, Parse gives the steps read before the one that is wrong") {
    KeyPath before = KeyPath().Child("stale");
    CHECK(std::holds_alternative<std::string>(KeyPath::Parse("qemu.drives[a]b.c", &before)));
    CHECK(before.Text() == "qemu");
    CHECK(std::holds_alternative<std::string>(KeyPath::Parse("qemu.cpus.", &before)));
    CHECK(before.Text() == "qemu.cpus");
    CHECK(std::holds_alternative<std::string>(KeyPath::Parse("", &before)));
    CHECK(before.empty());
  }

  TEST_CASE("a scoped step extends a path in place as Child and Item do, and undoes it") {
    KeyPath path = KeyPath().Child("qemu");
    {
      const ScopedStep drives(path, ScopedStep::kChild, "drives");
      CHECK(path == KeyPath().Child("qemu").Child("drives"));
      {
        const ScopedStep item(path, ScopedStep::kItem, "blk0");
        CHECK(path == KeyPath().Child("qemu").Child("drives").Item("blk0"));
        {
          const ScopedStep nested(path, ScopedStep::kItem, "0");  // a list in a list
          CHECK(path.Text() == "qemu.drives[blk0][0]");
          CHECK(path == KeyPath().Child("qemu").Child("drives").Item("blk0").Item("0"));
        }
        CHECK(path.Text() == "qemu.drives[blk0]");
      }
      CHECK(path.Text() == "qemu.drives");
      CHECK_FALSE(path.steps().back().item.has_value());
    }
    CHECK(path == KeyPath().Child("qemu"));
  }
}

}  // namespace
}  // namespace qemuc
