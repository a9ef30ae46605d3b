#include "key_reference.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <utility>

namespace qemuc {
namespace {

using T = FieldType;

// A table of its own, so that these tests do not move when the profile's table grows.
Field Sample() {
  return Field("", T::kMapping, "root")
      .Children({
          Field("abstract", T::kBool, "Not inherited.").Default("false").NotInherited(),
          Field("box", T::kMapping, "A box.")
              .Required()
              .Children({
                  Field("count", T::kInteger, "How many.").Default("1").Min(1).Max(8),
                  Field("arch", T::kEnum, "Which.").OneOf({"a64", "x64"}).Required(),
                  Field("disks", T::kKeyedList, "Disks by id.")
                      .KeyedBy("id")
                      .Children({
                          Field("id", T::kString, "Id."),
                          Field("ports", T::kKeyedList, "Ports by guest.")
                              .KeyedBy("guest")
                              .Children({Field("guest", T::kInteger, "Guest port.").Min(1)}),
                      }),
              }),
          Field("args", T::kArgs, "Raw."),
      });
}

const KeyReferenceEntry& At(const std::vector<KeyReferenceEntry>& entries, std::string_view path) {
  const auto found =
      std::find_if(entries.begin(), entries.end(),
                   [&](const KeyReferenceEntry& entry) { return entry.path == path; });
  REQUIRE_MESSAGE(found != entries.end(), path);
  return *found;
}

// The entry of a table whose only key is `field`.
KeyReferenceEntry Only(Field field) {
  const std::vector<KeyReferenceEntry> entries =
      KeyReference(Field("", T::kMapping, "").Children({std::move(field)}));
  REQUIRE(entries.size() == 1);
  return entries[0];
}

std::string Type(FieldType type) {
  return Only(Field("k", type, "d")).type;
}

TEST_SUITE("key_reference") {
  TEST_CASE("every key path, depth first in table order; a keyed list's items are []") {
    CHECK(KeyPathLines(KeyReference(Sample())) ==
          "abstract\n"
          "box\n"
          "box.count\n"
          "box.arch\n"
          "box.disks\n"
          "box.disks[].id\n"
          "box.disks[].ports\n"
          "box.disks[].ports[].guest\n"
          "args\n");
  }

  TEST_CASE("types in words: ranges, choices, the key of a keyed list") {
    const Field sample = Sample();
    const std::vector<KeyReferenceEntry> entries = KeyReference(sample);
    CHECK(At(entries, "box.count").type == "integer 1..8");
    CHECK(At(entries, "box.disks[].ports[].guest").type == "integer >= 1");
    CHECK(At(entries, "box.arch").type == "one of a64, x64");
    CHECK(At(entries, "box.disks").type == "list of mappings, keyed by id");
    CHECK(At(entries, "box").type == "mapping");
    CHECK(Type(T::kInteger) == "integer");
    CHECK(Only(Field("k", T::kInteger, "d").Max(9)).type == "integer <= 9");
    CHECK(Type(T::kPath) == "path");
    CHECK(Type(T::kMemory) == "size: MiB, or a string with K/M/G/T");
    CHECK(Type(T::kStringMap) == "mapping of names to strings");
  }

  TEST_CASE("merging as SPEC 2.3 says, by type; an item's key identifies it") {
    const Field sample = Sample();
    const std::vector<KeyReferenceEntry> entries = KeyReference(sample);
    CHECK(At(entries, "box.count").merging == "replaced");
    CHECK(At(entries, "box").merging == "merged key by key");
    CHECK(At(entries, "box.disks").merging ==
          "merged by id: a known item in place, a new one appended");
    CHECK(At(entries, "box.disks[].id").merging == "identifies the item");
    CHECK(At(entries, "box.disks[].ports[].guest").merging == "identifies the item");
    CHECK(At(entries, "args").merging == "appended as written, repeats kept");
    CHECK(At(entries, "abstract").merging == "not inherited: each file says it for itself");
    CHECK(Only(Field("k", T::kStringList, "d")).merging == "appended, without repeats");
    CHECK(Only(Field("k", T::kCmdline, "d")).merging ==
          "by key (the text before =): a layer's entries replace the inherited ones with their "
          "key; new keys appended");
    CHECK(Only(Field("k", T::kStringMap, "d")).merging == "merged by name");
    CHECK(Only(Field("k", T::kExtends, "d")).merging ==
          "not merged: each file names its own parents");
  }

  TEST_CASE("default, required and description come from the row") {
    const Field sample = Sample();
    const std::vector<KeyReferenceEntry> entries = KeyReference(sample);
    CHECK(At(entries, "box.count").default_value == "1");
    CHECK(At(entries, "box.arch").default_value.empty());
    CHECK(At(entries, "box.arch").required);
    CHECK_FALSE(At(entries, "box.count").required);
    CHECK(At(entries, "box.disks").description == "Disks by id.");
    CHECK(At(entries, "box.disks").field == sample.Find("box")->Find("disks"));
  }

  TEST_CASE("the Markdown table: one row per key, code for paths and values") {
    const Field sample = Sample();
    std::vector<KeyReferenceEntry> entries = KeyReference(sample);
    entries.resize(4);
    CHECK(KeyTableMarkdown(entries) ==
          "| key | type | default | required | merging | description |\n"
          "|---|---|---|---|---|---|\n"
          "| `abstract` | true or false | `false` |  | not inherited: each file says it for itself "
          "| Not inherited. |\n"
          "| `box` | mapping |  | yes | merged key by key | A box. |\n"
          "| `box.count` | integer 1..8 | `1` |  | replaced | How many. |\n"
          "| `box.arch` | one of a64, x64 |  | yes | replaced | Which. |\n");
  }

  TEST_CASE("nothing in a row's text becomes markup or ends its cell") {
    const Field root =
        Field("", T::kMapping, "")
            .Children({
                Field("a", T::kString, "Pipe | star * tick ` lt < amp & back \\ line\nend.")
                    .Default("qemu-system-<target>|x"),
                Field("b", T::kString, "d").Default("the file name"),
                Field("c", T::kString, "d").Default("a`b"),
            });
    const std::string table = KeyTableMarkdown(KeyReference(root));
    CHECK(table.find("| `a` | string | `qemu-system-<target>\\|x` |  | replaced | "
                     "Pipe \\| star \\* tick \\` lt &lt; amp &amp; back \\\\ line end. |\n") !=
          std::string::npos);
    CHECK(table.find("| `b` | string | the file name |") != std::string::npos);
    CHECK(table.find("| `c` | string | a\\`b |") != std::string::npos);
  }

  TEST_CASE("the man page's list: the path in bold, then its facts and its description") {
    const Field sample = Sample();
    std::vector<KeyReferenceEntry> entries = KeyReference(sample);
    entries.resize(3);
    CHECK(KeyListScdoc(entries) ==
          "*abstract*\n"
          "\tType: true or false. Default: false. Merging: not inherited: each file says it for "
          "itself.\n\n"
          "\tNot inherited.\n\n"
          "*box*\n"
          "\tType: mapping. Required. Merging: merged key by key.\n\n"
          "\tA box.\n\n"
          "*box.count*\n"
          "\tType: integer 1..8. Default: 1. Merging: replaced.\n\n"
          "\tHow many.\n\n");
  }

  TEST_CASE("nothing in an entry's text becomes scdoc markup or ends its paragraph") {
    const Field root = Field("", T::kMapping, "")
                           .Children({
                               Field("snake_key", T::kString, "Star * under _ back \\ line\nend.")
                                   .Default("a_b*c"),
                           });
    CHECK(KeyListScdoc(KeyReference(root)) ==
          "*snake\\_key*\n"
          "\tType: string. Default: a\\_b\\*c. Merging: replaced.\n\n"
          "\tStar \\* under \\_ back \\\\ line end.\n\n");
  }

  TEST_CASE("the profile's table: a few rows as the README shows them") {
    const std::vector<KeyReferenceEntry> entries = KeyReference(ProfileSchema());
    CHECK(At(entries, "qemu.cpus").type == "integer 1..4096");
    CHECK(At(entries, "qemu.cpus").default_value == "1");
    CHECK(At(entries, "qemu.target").required);
    CHECK(At(entries, "qemu.drives[].file").type == "path");
    CHECK(At(entries, "qemu.drives[].id").merging == "identifies the item");
    CHECK(At(entries, "qemu.networks[].user.forwards[].guest").merging == "identifies the item");
    CHECK(At(entries, "qemu.extra_args").merging == "appended as written, repeats kept");
    CHECK(At(entries, "overlays").type == "mapping of names to partial profiles");
    CHECK(std::none_of(entries.begin(), entries.end(), [](const KeyReferenceEntry& entry) {
      return entry.path.rfind("overlays.", 0) == 0;
    }));
  }

  TEST_CASE("a row that is not inherited says so, whatever its type") {
    const std::vector<KeyReferenceEntry> entries = KeyReference(ProfileSchema());
    CHECK(At(entries, "abstract").merging == "not inherited: each file says it for itself");
    CHECK(At(entries, "name").merging == "replaced");
  }

  TEST_CASE("ReplaceBetweenMarkers: the lines between the markers, and only those") {
    std::string document = "# Title\n<!-- b -->\nold\nrows\n<!-- e -->\nafter\n";
    std::string error;
    REQUIRE(ReplaceBetweenMarkers(document, "<!-- b -->", "<!-- e -->", "| new |\n", error));
    CHECK(document == "# Title\n<!-- b -->\n\n| new |\n\n<!-- e -->\nafter\n");
    const std::string once = document;
    REQUIRE(ReplaceBetweenMarkers(document, "<!-- b -->", "<!-- e -->", "| new |\n", error));
    CHECK(document == once);
  }

  TEST_CASE("ReplaceBetweenMarkers refuses a missing, repeated or misplaced marker") {
    const auto refused = [](std::string document) {
      std::string error;
      const std::string before = document;
      CHECK_FALSE(ReplaceBetweenMarkers(document, "<!-- b -->", "<!-- e -->", "x\n", error));
      CHECK(document == before);
      return error;
    };
    CHECK(refused("text\n<!-- e -->\n") == "no line '<!-- b -->'");
    CHECK(refused("<!-- b -->\ntext\n") == "no line '<!-- e -->'");
    // A marker inside a line is not a marker.
    CHECK(refused("say <!-- b --> here\n<!-- e -->\n") == "no line '<!-- b -->'");
    CHECK(refused("<!-- b -->\n<!-- b -->\n<!-- e -->\n") ==
          "2 lines '<!-- b -->': there must be one");
    CHECK(refused("<!-- e -->\n<!-- b -->\n") == "'<!-- e -->' comes before '<!-- b -->'");
  }
}

}  // namespace
}  // namespace qemuc
