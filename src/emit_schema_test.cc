#include "emit_schema.h"

#include <doctest/doctest.h>

#include <functional>
#include <regex>
#include <string>

#include "json_string.h"
#include "qemu_values.h"
#include "schema.h"

namespace qemuc {
namespace {

// The member `"key": {...}` that starts at exactly `indent` spaces, through its closing brace;
// the first one after `after`. Empty when there is none.
std::string Member(const std::string& text, const std::string& key, size_t indent,
                   const std::string& after = "") {
  const std::string margin(indent, ' ');
  const size_t from = text.find(after);
  if (from == std::string::npos) return "";
  const size_t start = text.find("\n" + margin + "\"" + key + "\": {\n", from);
  if (start == std::string::npos) return "";
  const size_t end = text.find("\n" + margin + "}", start + 1);
  return end == std::string::npos ? "" : text.substr(start + 1, end + 2 + indent - start - 1);
}

void ForEachField(const Field& field, const std::function<void(const Field&)>& visit) {
  for (const Field& child : field.fields) {
    visit(child);
    ForEachField(child, visit);
  }
}

TEST_SUITE("emit_schema") {
  // The name rule is stated twice: as the predicate validation uses and as the schema's
  // pattern, which editors use. Every character class and edge must agree.
  TEST_CASE("the schema's name pattern and the name rule accept the same names") {
    const std::regex pattern("^(?:" + std::string(kProfileNamePattern) + ")$");
    for (const char* name : {"x64-dev", "a", "0", "9.b_c-d", "A.", "", "-a", ".a", "_a", "a b",
                             "a/b", "a,b", "a:b", "é", "a\n", "a$", "x64-dev.", "Z_9"}) {
      CAPTURE(name);
      CHECK(std::regex_match(name, pattern) == IsProfileName(name));
    }
  }

  TEST_CASE("qemu.cpu: the schema's pattern is the rule's") {
    const std::regex pattern("^(?:" + std::string(kCpuModelPattern) + ")$");
    for (const char* cpu :
         {"max",           "host",   "cortex-a72", "Haswell,+smap,-check,-fsgsbase",
          "max,pmu=off",   "rv64",   "a.b_c-d",    "",
          ",max",          "max,",   "max,,a",     "max,+",
          "max,=on",       "max,a=", "max,a=b=c",  "max pmu",
          "-max",          "max\n",  "max;x",      "é",
          "max,+a,b=c,-d", "max,++a"}) {
      CAPTURE(cpu);
      CHECK(std::regex_match(cpu, pattern) == IsCpuModel(cpu));
    }
  }

  TEST_CASE("qemu.shares[].tag: the schema's pattern is the rule's") {
    const std::regex pattern("^(?:" + std::string(kMountTagPattern) + ")$");
    const std::string longest = "a" + std::string(30, '9');
    for (const std::string& tag :
         {std::string("src"), std::string("a-b.c_D9"), std::string("Z"), std::string(""),
          std::string("1src"), std::string("_a"), std::string(".a"), std::string("a b"),
          std::string("a,b"), std::string("a/b"), std::string("\xc3\xa9"), longest,
          longest + "x"}) {
      CAPTURE(tag);
      CHECK(std::regex_match(tag, pattern) == IsMountTag(tag));
    }
    CHECK(IsMountTag(longest));
    CHECK_FALSE(IsMountTag(longest + "x"));
  }

  TEST_CASE("a draft-07 schema whose root mapping is closed and refers to one definition a key") {
    const std::string schema = EmitJsonSchema();
    CHECK(schema.rfind("{\n"
                       "  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n"
                       "  \"$id\": \"urn:qemuc:profile.schema.json\",\n",
                       0) == 0);
    CHECK(schema.find("\n"
                      "  \"type\": \"object\",\n"
                      "  \"additionalProperties\": false,\n"
                      "  \"properties\": {\n"
                      "    \"extends\": {\n"
                      "      \"$ref\": \"#/definitions/extends\"\n"
                      "    },\n") != std::string::npos);
    CHECK(schema.size() > 2);
    CHECK(schema.substr(schema.size() - 2) == "}\n");
  }

  TEST_CASE("qemu.cpus: an integer in the table's range, its literal default, or a !reset") {
    CHECK(Member(EmitJsonSchema(), "cpus", 12, "\"qemu\": {") ==
          "            \"cpus\": {\n"
          "              \"description\": \"Number of virtual CPUs. Default: 1.\",\n"
          "              \"default\": 1,\n"
          "              \"anyOf\": [\n"
          "                {\n"
          "                  \"type\": \"integer\",\n"
          "                  \"minimum\": 1,\n"
          "                  \"maximum\": 4096\n"
          "                },\n"
          "                {\n"
          "                  \"$ref\": \"#/definitions/reset-tag\"\n"
          "                }\n"
          "              ]\n"
          "            }");
  }

  TEST_CASE("memory: MiB as an integer or a size with a unit, as shape_check reads it") {
    const std::string memory = Member(EmitJsonSchema(), "memory", 12, "\"qemu\": {");
    CHECK(memory.find("\"type\": \"integer\",\n                  \"minimum\": 1\n") !=
          std::string::npos);
    CHECK(memory.find("\"pattern\": \"^[1-9][0-9]*[KMGT]$\"") != std::string::npos);
  }

  TEST_CASE("a drives item is a mapping that names its id, or the string of `!delete ID`") {
    const std::string drives = Member(EmitJsonSchema(), "drives", 12, "\"qemu\": {");
    REQUIRE(!drives.empty());
    CHECK(drives.find("                  \"items\": {\n"
                      "                    \"anyOf\": [\n"
                      "                      {\n"
                      "                        \"type\": \"object\",\n"
                      "                        \"additionalProperties\": false,\n"
                      "                        \"required\": [\n"
                      "                          \"id\"\n"
                      "                        ],\n") != std::string::npos);
    CHECK(drives.find("                      {\n"
                      "                        \"description\": \"`!delete ID`: removes the "
                      "inherited item with this id.\",\n"
                      "                        \"type\": \"string\",\n"
                      "                        \"pattern\": \"^[A-Za-z][A-Za-z0-9._-]*$\"\n"
                      "                      }\n"
                      "                    ]\n") != std::string::npos);
    // The key merges items, so it cannot carry a !reset; the file can.
    const std::string id = Member(drives, "id", 26);
    CHECK(id.find("\"$ref\": \"#/definitions/reset-tag\"") == std::string::npos);
    CHECK(id.find("\"pattern\": \"^[A-Za-z][A-Za-z0-9._-]*$\"") != std::string::npos);
    CHECK(Member(drives, "file", 26).find("reset-tag") != std::string::npos);
  }

  TEST_CASE("qemu and its required keys, only of a file neither abstract nor extending") {
    const std::string schema = EmitJsonSchema();
    CHECK(schema.find("  \"if\": {\n"
                      "    \"anyOf\": [\n"
                      "      {\n"
                      "        \"required\": [\n"
                      "          \"abstract\"\n"
                      "        ],\n"
                      "        \"properties\": {\n"
                      "          \"abstract\": {\n"
                      "            \"const\": true\n") != std::string::npos);
    CHECK(schema.find("  \"else\": {\n"
                      "    \"required\": [\n"
                      "      \"qemu\"\n"
                      "    ],\n"
                      "    \"properties\": {\n"
                      "      \"qemu\": {\n"
                      "        \"required\": [\n"
                      "          \"target\",\n"
                      "          \"memory\",\n"
                      "          \"kernel\"\n"
                      "        ],\n") != std::string::npos);
  }

  TEST_CASE("defaults: literal ones as `default`, prose ones in the description only") {
    const std::string schema = EmitJsonSchema();
    const std::string name = Member(schema, "name", 4, "\"definitions\": {");
    REQUIRE(!name.empty());
    CHECK(name.find("Profile name. Default: the file name without extension.") !=
          std::string::npos);
    CHECK(name.find("\"default\"") == std::string::npos);
    const std::string systemd = Member(schema, "systemd", 4, "\"definitions\": {");
    CHECK(Member(systemd, "restart", 12).find("\"default\": \"on-failure\",") != std::string::npos);
    CHECK(Member(systemd, "hardening", 12).find("\"default\": true,") != std::string::npos);
  }

  TEST_CASE("every key of the field table is described as the table describes it") {
    const std::string schema = EmitJsonSchema();
    size_t fields = 0;
    ForEachField(ProfileSchema(), [&](const Field& field) {
      ++fields;
      REQUIRE(!field.description.empty());
      const std::string described = JsonString(field.description);
      CHECK_MESSAGE(schema.find("\"description\": " + described.substr(0, described.size() - 1)) !=
                        std::string::npos,
                    field.name);
    });
    CHECK(fields > 40);
  }

  TEST_CASE("every pattern of the field table reaches the schema, anchored") {
    const std::string schema = EmitJsonSchema();
    size_t patterns = 0;
    ForEachField(ProfileSchema(), [&](const Field& field) {
      if (field.pattern.empty()) return;
      ++patterns;
      const std::string anchored = JsonString("^" + field.pattern + "$");
      CHECK_MESSAGE(schema.find("\"pattern\": " + anchored.substr(0, anchored.size() - 1)) !=
                        std::string::npos,
                    field.name);
    });
    CHECK(patterns == 18);
  }

  TEST_CASE("the same text on every run") {
    const std::string first = EmitJsonSchema();
    CHECK(!first.empty());
    CHECK(EmitJsonSchema() == first);
  }
}

}  // namespace
}  // namespace qemuc
