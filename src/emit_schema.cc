#include "emit_schema.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "json_writer.h"
#include "schema.h"

namespace qemuc {
namespace {

// A JSON value that keeps keys in the order they were set: the schema reads in the order of
// the field table, and the text is the same on every run. A tree, not a stream: a property is
// put together from parts (Extend) before it is written.
class Json {
 public:
  static Json Object() { return Json(Kind::kObject); }
  static Json Array() { return Json(Kind::kArray); }
  static Json Bool(bool value) { return Json(Kind::kBool, value ? 1 : 0); }
  static Json Int(int64_t value) { return Json(Kind::kInt, value); }
  static Json String(std::string_view value) { return Json(Kind::kString, 0, value); }

  Json& Set(std::string_view key, Json value) {
    keys_.emplace_back(key);
    values_.push_back(std::move(value));
    return *this;
  }
  Json& Add(Json value) {
    values_.push_back(std::move(value));
    return *this;
  }
  // The keys of `object` after those of this object.
  Json& Extend(Json object) {
    for (size_t i = 0; i < object.values_.size(); ++i) {
      Set(object.keys_[i], std::move(object.values_[i]));
    }
    return *this;
  }
  bool empty() const { return values_.empty(); }

  void WriteTo(JsonWriter& json) const {
    switch (kind_) {
      case Kind::kBool:
        json.Bool(number_ != 0);
        return;
      case Kind::kInt:
        json.Int(number_);
        return;
      case Kind::kString:
        json.String(text_);
        return;
      case Kind::kArray:
        json.BeginArray();
        for (const Json& value : values_) value.WriteTo(json);
        json.EndArray();
        return;
      case Kind::kObject:
        json.BeginObject();
        for (size_t i = 0; i < values_.size(); ++i) values_[i].WriteTo(json.Key(keys_[i]));
        json.EndObject();
        return;
    }
  }

 private:
  enum class Kind { kBool, kInt, kString, kArray, kObject };
  explicit Json(Kind kind, int64_t number = 0, std::string_view text = "")
      : kind_(kind), number_(number), text_(text) {}

  Kind kind_;
  int64_t number_;                 // kBool (0 or 1), kInt
  std::string text_;               // kString
  std::vector<std::string> keys_;  // kObject: parallel to values_
  std::vector<Json> values_;
};

using T = FieldType;

// Definitions that are not keys of the profile. Profile keys are snake_case, so a hyphen keeps
// these names apart from the root keys, which are definitions too.
constexpr std::string_view kResetTag = "reset-tag";
constexpr std::string_view kOverlayEntry = "overlay-entry";

Json Ref(std::string_view definition) {
  return Json::Object().Set("$ref", Json::String("#/definitions/" + std::string(definition)));
}

Json Strings(const std::vector<std::string_view>& values) {
  Json array = Json::Array();
  for (std::string_view value : values) array.Add(Json::String(value));
  return array;
}

// qemuc reads any scalar as text where a key wants a string (`extra_args: [-smp, 4]`), so
// numbers are text here too. Booleans are left out: an editor would offer true and false for
// every string, and a profile has no reason to write them where text is wanted.
Json TextType() {
  return Strings({"string", "number"});
}

// A ${name} reference, as interpolate's HasVariableReference sees it ("$${" is a literal).
constexpr std::string_view kVariableReference = "(?:^|[^$])\\$\\{";

// No newline in any path (SPEC §3); qemuc refuses every control character.
constexpr std::string_view kPathFormat = "[^\\x00-\\x1f\\x7f]*";

// The field's format, anchored (schema.h: Field::Pattern).
std::optional<std::string> PatternFor(const Field& field) {
  if (field.pattern.empty()) return std::nullopt;
  const std::string anchored = "^" + field.pattern + "$";
  return field.pattern_as_written ? anchored : anchored + "|" + std::string(kVariableReference);
}

// Prose defaults ("the file name without extension") go to the description only.
std::optional<Json> LiteralDefault(const Field& field) {
  const std::string_view value = field.default_value;
  if (value.empty()) return std::nullopt;
  if (field.type == T::kBool && (value == "true" || value == "false")) {
    return Json::Bool(value == "true");
  }
  if (field.type == T::kInteger) {
    int64_t number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error == std::errc() && end == value.data() + value.size()) return Json::Int(number);
  }
  if (field.type == T::kEnum) {
    for (std::string_view choice : field.choices) {
      if (choice == value) return Json::String(value);
    }
  }
  return std::nullopt;
}

std::string Describe(const Field& field) {
  std::string text(field.description);
  if (!field.default_value.empty()) text += " Default: " + std::string(field.default_value) + ".";
  return text;
}

Json Text(const Field& field) {
  const bool is_path = field.type == T::kPath;
  Json text = Json::Object().Set("type", TextType());
  if (is_path) text.Set("minLength", Json::Int(1));
  std::optional<std::string> pattern = PatternFor(field);
  if (!pattern && is_path) pattern = "^" + std::string(kPathFormat) + "$";
  if (pattern) text.Set("pattern", Json::String(*pattern));
  return text;
}

Json TextList() {
  return Json::Object()
      .Set("type", Json::String("array"))
      .Set("items", Json::Object().Set("type", TextType()));
}

Json Property(const Field& field, bool resettable = true);

// `item_key`: the key of a keyed list's item, which is required and cannot carry a tag.
Json MappingOf(const Field& mapping, std::string_view item_key = "") {
  Json properties = Json::Object();
  for (const Field& child : mapping.fields) {
    properties.Set(child.name, Property(child, child.name != item_key));
  }
  Json object = Json::Object()
                    .Set("type", Json::String("object"))
                    .Set("additionalProperties", Json::Bool(false));
  if (!item_key.empty()) object.Set("required", Strings({item_key}));
  return object.Set("properties", std::move(properties));
}

// `- !delete KEY`: an editor sees the string KEY.
Json DeleteDirective(const Field& list) {
  std::string placeholder(list.key);
  for (char& c : placeholder) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Json directive = Json::Object()
                       .Set("description", Json::String("`!delete " + placeholder +
                                                        "`: removes the inherited item with this " +
                                                        std::string(list.key) + "."))
                       .Set("type", Json::String("string"));
  if (const Field* key = list.Find(list.key)) {
    std::optional<std::string> pattern = PatternFor(*key);
    if (!pattern && key->type == T::kInteger) pattern = "^-?(?:0|[1-9][0-9]*)$";
    if (pattern) directive.Set("pattern", Json::String(*pattern));
  }
  return directive;
}

// Every item names its key, which merging matches items by (shape_check); the other required
// keys may come from an inherited item of the same key, so only a complete profile needs them.
Json KeyedListOf(const Field& list) {
  return Json::Object()
      .Set("type", Json::String("array"))
      .Set("items",
           Json::Object().Set(
               "anyOf", Json::Array().Add(MappingOf(list, list.key)).Add(DeleteDirective(list))));
}

Json ExtendsPath() {
  return Json::Object()
      .Set("type", TextType())
      .Set("minLength", Json::Int(1))
      .Set("pattern", Json::String("^" + std::string(kPathFormat) + "$"))
      // Parents are read before variables are known.
      .Set("not", Json::Object().Set("pattern", Json::String(kVariableReference)));
}

// What a value of the field may be, without the `!reset` that every value may be.
std::vector<Json> Alternatives(const Field& field) {
  switch (field.type) {
    case T::kString:
    case T::kPath:
      return {Text(field)};
    case T::kBool:
      return {Json::Object().Set("type", Json::String("boolean"))};
    case T::kInteger: {
      Json integer = Json::Object().Set("type", Json::String("integer"));
      if (field.minimum) integer.Set("minimum", Json::Int(*field.minimum));
      if (field.maximum) integer.Set("maximum", Json::Int(*field.maximum));
      return {std::move(integer)};
    }
    case T::kMemory:  // as shape_check's ReadMemory reads it; whole MiB is left to qemuc
      return {Json::Object().Set("type", Json::String("integer")).Set("minimum", Json::Int(1)),
              Json::Object()
                  .Set("type", Json::String("string"))
                  .Set("pattern", Json::String("^[1-9][0-9]*[KMGT]$"))};
    case T::kEnum:
      return {
          Json::Object().Set("type", Json::String("string")).Set("enum", Strings(field.choices))};
    case T::kStringList:
    case T::kArgs:
    case T::kCmdline:  // `- !delete KEY` is a string item too
      return {TextList()};
    case T::kMapping:
      return {MappingOf(field)};
    case T::kKeyedList:
      return {KeyedListOf(field)};
    case T::kStringMap:
      return {Json::Object()
                  .Set("type", Json::String("object"))
                  .Set("propertyNames",
                       Json::Object().Set("pattern", Json::String("^[A-Za-z_][A-Za-z0-9_]*$")))
                  .Set("additionalProperties", Json::Object().Set("type", TextType()))};
    case T::kExtends:
      return {ExtendsPath(),
              Json::Object().Set("type", Json::String("array")).Set("items", ExtendsPath())};
    case T::kOverlays:
      return {Json::Object()
                  .Set("type", Json::String("object"))
                  .Set("additionalProperties",
                       Json::Object().Set(
                           "anyOf", Json::Array().Add(Ref(kOverlayEntry)).Add(Ref(kResetTag))))};
  }
  return {};
}

// A key's schema: what the field holds or, when `resettable`, a `!reset`. The description and
// default stand outside the alternatives, where an editor's hover and completion find them.
Json Property(const Field& field, bool resettable) {
  Json property = Json::Object().Set("description", Json::String(Describe(field)));
  if (std::optional<Json> value = LiteralDefault(field)) property.Set("default", std::move(*value));
  std::vector<Json> alternatives = Alternatives(field);
  if (resettable) alternatives.push_back(Ref(kResetTag));
  if (alternatives.size() == 1) return property.Extend(std::move(alternatives.front()));
  Json any_of = Json::Array();
  for (Json& alternative : alternatives) any_of.Add(std::move(alternative));
  return property.Set("anyOf", std::move(any_of));
}

Json ResetTag() {
  return Json::Object()
      .Set("description",
           Json::String("`!reset`: removes the inherited value, back to the default or unset; "
                        "the value it holds is ignored, so write it bare. An editor sees a bare "
                        "`!reset` as an empty string."))
      .Set("type", Json::String("string"))
      .Set("maxLength", Json::Int(0));
}

// The keys a complete profile must set, as nested `required` lists; nullopt when none below.
std::optional<Json> Completeness(const Field& mapping) {
  std::vector<std::string_view> required;
  Json properties = Json::Object();
  for (const Field& child : mapping.fields) {
    if (child.required) required.push_back(child.name);
    if (child.type != T::kMapping && child.type != T::kKeyedList) continue;
    std::optional<Json> inner = Completeness(child);
    if (!inner) continue;
    if (child.type == T::kKeyedList) inner = Json::Object().Set("items", std::move(*inner));
    properties.Set(child.name, std::move(*inner));
  }
  if (required.empty() && properties.empty()) return std::nullopt;
  Json result = Json::Object();
  if (!required.empty()) result.Set("required", Strings(required));
  if (!properties.empty()) result.Set("properties", std::move(properties));
  return result;
}

// SPEC §3 requires keys "unless abstract: true", of the merged profile. A file that extends
// others gets them from its parents, so the schema, which sees one file, can only ask them of
// a file that is neither abstract nor extends another: `if` this, nothing, `else` them.
Json AbstractOrExtending() {
  const Json abstract =
      Json::Object()
          .Set("required", Strings({"abstract"}))
          .Set("properties",
               Json::Object().Set("abstract", Json::Object().Set("const", Json::Bool(true))));
  return Json::Object().Set("anyOf", Json::Array().Add(abstract).Add(
                                         Json::Object().Set("required", Strings({"extends"}))));
}

Json OverlayEntry(const Field& root) {
  Json properties = Json::Object();
  for (const Field& field : root.fields) {
    if (AllowedInOverlay(field.name, false)) properties.Set(field.name, Ref(field.name));
  }
  return Json::Object()
      .Set("description",
           Json::String("A named overlay: a partial profile applied over the profile, without "
                        "extends, overlays or abstract."))
      .Set("type", Json::String("object"))
      .Set("additionalProperties", Json::Bool(false))
      .Set("properties", std::move(properties));
}

constexpr std::string_view kDescription =
    "A qemuc profile file: a board, a base, a fragment or an overlay file. The merge directives "
    "are YAML tags, which JSON Schema does not see; declare them to yaml-language-server with "
    "\"yaml.customTags\": [\"!reset scalar\", \"!reset mapping\", \"!reset sequence\", "
    "\"!override scalar\", \"!override mapping\", \"!override sequence\", \"!delete scalar\"]. The "
    "keys a profile "
    "must set are required here only of a file that is neither abstract nor extends another: "
    "qemuc checks them on the merged profile.";

}  // namespace

std::string EmitJsonSchema() {
  const Field& root = ProfileSchema();
  Json properties = Json::Object();
  Json definitions =
      Json::Object().Set(kResetTag, ResetTag()).Set(kOverlayEntry, OverlayEntry(root));
  for (const Field& field : root.fields) {
    properties.Set(field.name, Ref(field.name));
    definitions.Set(field.name, Property(field));
  }
  Json schema = Json::Object()
                    .Set("$schema", Json::String("http://json-schema.org/draft-07/schema#"))
                    .Set("$id", Json::String("urn:qemuc:profile.schema.json"))
                    .Set("$comment", Json::String("Generated by `qemuc schema` from the field "
                                                  "table in src/schema.cc; do not edit."))
                    .Set("title", Json::String("qemuc profile"))
                    .Set("description", Json::String(kDescription))
                    .Set("type", Json::String("object"))
                    .Set("additionalProperties", Json::Bool(false))
                    .Set("properties", std::move(properties));
  if (std::optional<Json> complete = Completeness(root)) {
    schema.Set("if", AbstractOrExtending()).Set("else", std::move(*complete));
  }
  schema.Set("definitions", std::move(definitions));
  // Python's json.dumps(indent=2) lays the file out the same, so either can reproduce it.
  JsonWriter json;
  schema.WriteTo(json);
  return json.Take() + "\n";
}

}  // namespace qemuc
