#include "profile_list.h"

#include <doctest/doctest.h>

#include <sstream>

#include "test_support.h"
#include "utf8.h"

namespace qemuc {
namespace {

ListRow Row(std::string name, std::string description, std::vector<std::string> overlays = {}) {
  ListRow row;
  row.file = "boards/" + name + ".yaml";
  row.name = std::move(name);
  row.target = "x86_64";
  row.cpus = 2;
  row.memory_mib = 2048;
  row.overlays = std::move(overlays);
  row.description = std::move(description);
  return row;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_SUITE("profile_list") {
  TEST_CASE("HumanMemory: whole GiB as GiB, the rest as MiB") {
    CHECK(HumanMemory(2048) == "2 GiB");
    CHECK(HumanMemory(1024) == "1 GiB");
    CHECK(HumanMemory(512) == "512 MiB");
    CHECK(HumanMemory(1536) == "1536 MiB");
    CHECK(HumanMemory(1) == "1 MiB");
  }

  TEST_CASE("the table aligns its columns, numbers to the right, with no trailing spaces") {
    ListRow big = Row("aarch64-board", "");
    big.target = "aarch64";
    big.cpus = 4096;
    big.memory_mib = 1013759;
    CHECK(RenderListTable({Row("x", "Developer board", {"kvm", "debug"}), big}) ==
          "NAME           TARGET   CPUS       MEMORY  OVERLAYS    DESCRIPTION\n"
          "x              x86_64      2        2 GiB  kvm, debug  Developer board\n"
          "aarch64-board  aarch64  4096  1013759 MiB\n");
  }

  TEST_CASE("no profiles: the header alone") {
    CHECK(RenderListTable({}) == "NAME  TARGET  CPUS  MEMORY  OVERLAYS  DESCRIPTION\n");
  }

  TEST_CASE("a table exactly 100 wide is not cut; one character more cuts the description") {
    // NAME 4 + TARGET 6 + CPUS 4 + MEMORY 6 + OVERLAYS 8 + five gaps of 2: 38 before it.
    const std::string fits(100 - 38, 'd');
    const std::string table = RenderListTable({Row("a", fits)});
    CHECK(Lines(table)[1] == "a     x86_64     2   2 GiB            " + fits);
    CHECK(CountCodePoints(Lines(table)[1]) == 100);
    const std::string cut = Lines(RenderListTable({Row("a", fits + "e")}))[1];
    CHECK(cut == "a     x86_64     2   2 GiB            " + fits.substr(1) + "…");
    CHECK(CountCodePoints(cut) == 100);
  }

  TEST_CASE("long cells are cut to one width so that every line fits 100 columns") {
    const std::string name(60, 'n');
    const std::string overlays(70, 'o');
    const std::string description(300, 'd');
    const std::string table = RenderListTable({Row(name, description, {overlays}), Row("s", "")});
    const std::vector<std::string> lines = Lines(table);
    REQUIRE(lines.size() == 3);
    // 100 - (TARGET 6 + CPUS 4 + MEMORY 6 + five gaps of 2) = 74 for three columns: 24 each.
    CHECK(lines[0] ==
          "NAME                      TARGET  CPUS  MEMORY  OVERLAYS                  DESCRIPTION");
    CHECK(lines[1] == std::string(23, 'n') + "…  x86_64     2   2 GiB  " + std::string(23, 'o') +
                          "…  " + std::string(23, 'd') + "…");
    CHECK(lines[2] == "s                         x86_64     2   2 GiB");
    for (const std::string& line : lines) CHECK(CountCodePoints(line) <= kListTableWidth);
  }

  TEST_CASE("a short column keeps its width while the long ones are cut") {
    const std::string description(200, 'd');
    const std::vector<std::string> lines =
        Lines(RenderListTable({Row("name-of-twenty-chars", description, {"kvm"})}));
    CHECK(lines[1] ==
          "name-of-twenty-chars  x86_64     2   2 GiB  kvm       " + std::string(45, 'd') + "…");
    CHECK(CountCodePoints(lines[1]) == 100);
  }

  TEST_CASE("cells are measured and cut in characters, and control characters are escaped") {
    const std::string description = "ü\x1b[31mred\nline\t" + std::string(150, 'x');
    const std::vector<std::string> lines = Lines(RenderListTable({Row("é", description)}));
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].rfind("é     x86_64     2   2 GiB            ü\\x1b[31mred\\nline\\t", 0) == 0);
    CHECK(CountCodePoints(lines[1]) == 100);
    CHECK(lines[1].find('\x1b') == std::string::npos);
  }

  TEST_CASE("JSON: a stable object, one profile a line, RFC 8259 strings") {
    ListRow row = Row("x", "say \"hi\"\nü\x01", {"kvm", "de\"bug"});
    row.file = "boards/x \\ y.yaml";
    CHECK(RenderListJson({row, Row("y", "")}).text ==
          "{\n"
          "  \"format\": \"qemuc-list\",\n"
          "  \"version\": 1,\n"
          "  \"profiles\": [\n"
          "    {\"file\": \"boards/x \\\\ y.yaml\", \"name\": \"x\", \"target\": \"x86_64\", "
          "\"cpus\": 2, \"memory_mib\": 2048, \"overlays\": [\"kvm\", \"de\\\"bug\"], "
          "\"description\": \"say \\\"hi\\\"\\nü\\u0001\"},\n"
          "    {\"file\": \"boards/y.yaml\", \"name\": \"y\", \"target\": \"x86_64\", "
          "\"cpus\": 2, \"memory_mib\": 2048, \"overlays\": [], \"description\": \"\"}\n"
          "  ]\n"
          "}\n");
  }

  TEST_CASE("JSON of no profiles, and of a file name that is not UTF-8") {
    CHECK(RenderListJson({}).text ==
          "{\n  \"format\": \"qemuc-list\",\n  \"version\": 1,\n  \"profiles\": []\n}\n");
    ListRow row = Row("x", "");
    row.file = "boards/\xff.yaml";
    const Emitted emitted = RenderListJson({row});
    CHECK(emitted.text.empty());
    CHECK(emitted.error == "'boards/\xff.yaml' is not valid UTF-8, which JSON cannot represent");
  }

  TEST_CASE("a row holds the merged profile's values, overlays from its parents included") {
    testing::Pipeline pipeline;
    pipeline.reader.Add("/p/base.yaml",
                        "abstract: true\nqemu: {target: aarch64, memory: 1G, kernel: /k}\n"
                        "overlays: {kvm: {qemu: {kvm: true}}}\n");
    pipeline.reader.Add("/p/b.yaml",
                        "extends: base.yaml\nname: board\ndescription: A board\n"
                        "qemu: {cpus: 3}\noverlays: {debug: {cmdline: [debug]}}\n");
    const std::optional<ResolvedProfile> resolved =
        ResolveProfile({"/p/b.yaml", {}, {}, {}}, pipeline.environment, pipeline.diagnostics);
    REQUIRE_MESSAGE(resolved.has_value(), pipeline.Rendered());
    const ListRow row = ListRowOf(*resolved, "b.yaml");
    CHECK(row.file == "b.yaml");
    CHECK(row.name == "board");
    CHECK(row.target == "aarch64");
    CHECK(row.cpus == 3);
    CHECK(row.memory_mib == 1024);
    CHECK(row.overlays == std::vector<std::string>{"kvm", "debug"});
    CHECK(row.description == "A board");
  }
}

}  // namespace
}  // namespace qemuc
