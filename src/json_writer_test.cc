#include "json_writer.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace qemuc {
namespace {

std::string Written(std::string_view text) {
  JsonWriter json;
  return json.String(text).Take();
}

std::string WrittenLossy(std::string_view text) {
  JsonWriter json;
  return json.LossyString(text).Take();
}

// {"a": {"b": [1, true, null], "c": "x"}, "d": []} in `layout`.
std::string Nested(JsonLayout layout) {
  JsonWriter json(layout);
  json.BeginObject().Key("a").BeginObject().Key("b").BeginArray();
  json.Int(1).Bool(true).Null().EndArray().Key("c").String("x").EndObject();
  json.Key("d").BeginArray().EndArray().EndObject();
  return json.Take();
}

TEST_SUITE("json_writer") {
  TEST_CASE("strings: quote, backslash and control characters escaped, UTF-8 raw") {
    CHECK(Written("plain") == "\"plain\"");
    CHECK(Written("a\"b\\c/d") == "\"a\\\"b\\\\c/d\"");
    CHECK(Written("\n\t\r\b\f") == "\"\\n\\t\\r\\b\\f\"");
    CHECK(Written(std::string("\0\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\\u007f\"");
    CHECK(Written("é/😀\xE2\x80\xA8") == "\"é/😀\xE2\x80\xA8\"");
    CHECK(Written("") == "\"\"");
  }

  TEST_CASE("keys are escaped as strings are") {
    JsonWriter json(JsonLayout::kCompact);
    json.BeginObject().Key("a\"\n").Int(1).EndObject();
    CHECK(json.Take() == "{\"a\\\"\\n\":1}");
  }

  TEST_CASE("bytes that are not UTF-8: String keeps them, LossyString writes U+FFFD for each") {
    CHECK(Written("a\xFF") == "\"a\xFF\"");  // the caller's to refuse (compile --format json)
    CHECK(WrittenLossy("a\xFF\x1b"
                       "b\xC3") == "\"a\xEF\xBF\xBD\\u001bb\xEF\xBF\xBD\"");
    CHECK(WrittenLossy("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
    CHECK(WrittenLossy("é") == "\"é\"");
  }

  TEST_CASE("numbers, booleans and null") {
    JsonWriter json(JsonLayout::kCompact);
    json.BeginArray().Int(0).Int(-7).Int(std::numeric_limits<int64_t>::max());
    json.Int(std::numeric_limits<int64_t>::min()).Bool(false).Null().EndArray();
    CHECK(json.Take() == "[0,-7,9223372036854775807,-9223372036854775808,false,null]");
  }

  TEST_CASE("indented: one element a line, two spaces a level, empty containers on one line") {
    CHECK(Nested(JsonLayout::kIndented) ==
          "{\n"
          "  \"a\": {\n"
          "    \"b\": [\n"
          "      1,\n"
          "      true,\n"
          "      null\n"
          "    ],\n"
          "    \"c\": \"x\"\n"
          "  },\n"
          "  \"d\": []\n"
          "}");
  }

  TEST_CASE("one line, with and without spaces") {
    CHECK(Nested(JsonLayout::kOneLine) ==
          "{\"a\": {\"b\": [1, true, null], \"c\": \"x\"}, \"d\": []}");
    CHECK(Nested(JsonLayout::kCompact) == "{\"a\":{\"b\":[1,true,null],\"c\":\"x\"},\"d\":[]}");
  }

  TEST_CASE("empty containers are {} and [] in every layout") {
    for (const JsonLayout layout :
         {JsonLayout::kIndented, JsonLayout::kOneLine, JsonLayout::kCompact}) {
      JsonWriter json(layout);
      CHECK(json.BeginObject().EndObject().Take() == "{}");
      CHECK(json.BeginArray().EndArray().Take() == "[]");
    }
  }

  TEST_CASE("a one-line container inside an indented one, as list writes a profile a line") {
    JsonWriter json;
    json.BeginObject().Key("rows").BeginArray();
    json.BeginObject(JsonLayout::kOneLine).Key("a").Int(1).Key("b").BeginArray();
    json.String("x").String("y").EndArray().EndObject();
    json.BeginObject(JsonLayout::kOneLine).EndObject();
    json.EndArray().EndObject();
    CHECK(json.Take() ==
          "{\n"
          "  \"rows\": [\n"
          "    {\"a\": 1, \"b\": [\"x\", \"y\"]},\n"
          "    {}\n"
          "  ]\n"
          "}");
  }

  TEST_CASE("Literal: a profile's integer or boolean as written, nothing else") {
    JsonWriter json(JsonLayout::kCompact);
    json.BeginArray().Literal("-12").Literal("0").Literal("true").Literal("null").EndArray();
    CHECK(json.Take() == "[-12,0,true,null]");
    for (const char* bad : {"", "-", "010", "+1", "1.5", "yes", "True", "1 "}) {
      CAPTURE(bad);
      CHECK_THROWS_AS(JsonWriter().Literal(bad), std::logic_error);
    }
  }

  TEST_CASE("Take empties the writer for the next value") {
    JsonWriter json(JsonLayout::kCompact);
    CHECK(json.BeginObject().Key("a").Int(1).EndObject().Take() == "{\"a\":1}");
    CHECK(json.String("b").Take() == "\"b\"");
  }

  TEST_CASE("misuse throws, naming it") {
    JsonWriter json;
    json.BeginObject();
    CHECK_THROWS_WITH_AS(json.String("no key"),
                         "JsonWriter: a value in an object without a Key before it",
                         std::logic_error);
    CHECK_THROWS_WITH_AS(json.BeginArray(),
                         "JsonWriter: a value in an object without a Key before it",
                         std::logic_error);
    json.Key("k");
    CHECK_THROWS_WITH_AS(json.Key("again"), "JsonWriter: two Keys without a value between them",
                         std::logic_error);
    CHECK_THROWS_WITH_AS(json.EndObject(),
                         "JsonWriter: a Key without its value at the end of an object",
                         std::logic_error);
    json.BeginArray();
    CHECK_THROWS_WITH_AS(json.Key("in array"), "JsonWriter: a Key outside an object",
                         std::logic_error);
    CHECK_THROWS_WITH_AS(json.EndObject(), "JsonWriter: EndObject without its BeginObject",
                         std::logic_error);
    CHECK_THROWS_WITH_AS(json.Take(), "JsonWriter: Take before the value is complete",
                         std::logic_error);
    json.BeginObject(JsonLayout::kOneLine).Key("x");
    CHECK_THROWS_WITH_AS(json.BeginArray(JsonLayout::kIndented),
                         "JsonWriter: an indented container inside a one-line one",
                         std::logic_error);
    json.Int(1).EndObject().EndArray().EndObject();
    CHECK_THROWS_WITH_AS(json.Int(2), "JsonWriter: a second value after the whole one",
                         std::logic_error);
    CHECK(json.Take() == "{\n  \"k\": [\n    {\"x\": 1}\n  ]\n}");
  }

  TEST_CASE("misuse at the top: a Key, an End, or Take of nothing") {
    CHECK_THROWS_AS(JsonWriter().Key("k"), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().EndArray(), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().Take(), std::logic_error);
  }
}

}  // namespace
}  // namespace qemuc
