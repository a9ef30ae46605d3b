#include "emit_profile.h"

#include <cstdio>

#include "emit.h"
#include "json_string.h"
#include "json_writer.h"
#include "key_path.h"
#include "paths.h"
#include "schema.h"
#include "shape_check.h"
#include "text.h"

namespace qemuc {
namespace {

// The profile as it will be written: strings quoted, numbers and booleans plain.
struct OutValue {
  enum class Kind { kString, kPlain, kMapping, kList } kind = Kind::kString;
  std::string text;
  SourceRange origin;
  std::vector<std::pair<std::string, OutValue>> entries;
  std::vector<OutValue> items;
};

bool IsPlainType(FieldType type) {
  return type == FieldType::kBool || type == FieldType::kInteger || type == FieldType::kMemory;
}

std::string PathValue(const Node& node, const Field& field) {
  // A bare binary name is looked up in PATH when compiling; it is not a relative path.
  if (field.bare_name_allowed && IsBareName(node.text)) return node.text;
  return ResolvedPath(node);
}

// The output is a profile again, so a "${" that interpolation left in a value (it was written
// "$${") must be written "$${" once more.
std::string EscapeReferences(const std::string& text) {
  std::string escaped;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") == 0) escaped += '$';
    escaped += text[i];
  }
  return escaped;
}

OutValue Scalar(const Node& node, const Field& field) {
  OutValue out;
  out.kind = IsPlainType(field.type) ? OutValue::Kind::kPlain : OutValue::Kind::kString;
  out.text = EscapeReferences(field.type == FieldType::kPath ? PathValue(node, field) : node.text);
  // "2G" is a plain YAML scalar but not a JSON value: sizes are written in MiB.
  if (field.type == FieldType::kMemory) out.text = std::to_string(ReadMemory(node).mib);
  out.origin = node.range;
  return out;
}

OutValue Build(const Node& node, const Field& field);

OutValue BuildMapping(const Node& node, const Field& field) {
  OutValue out;
  out.kind = OutValue::Kind::kMapping;
  out.origin = node.range;
  for (const Field& child : field.fields) {  // the table's order, not the files'
    if (const MappingEntry* entry = node.Find(child.name)) {
      out.entries.emplace_back(std::string(child.name), Build(*entry->value, child));
    }
  }
  return out;
}

OutValue Build(const Node& node, const Field& field) {
  if (node.is_mapping()) return BuildMapping(node, field);
  if (node.is_scalar()) return Scalar(node, field);
  OutValue out;
  out.kind = OutValue::Kind::kList;
  out.origin = node.range;
  static const Field kItem("", FieldType::kString, "");
  for (const NodePtr& item : node.items) {
    out.items.push_back(field.type == FieldType::kKeyedList ? BuildMapping(*item, field)
                                                            : Build(*item, kItem));
  }
  return out;
}

// The root, without what only matters while resolving (extends, vars, overlays), and with the
// name always written: the output file's own name would otherwise become the default.
OutValue BuildRoot(const Node& merged, const std::string& name) {
  OutValue out;
  out.kind = OutValue::Kind::kMapping;
  for (const Field& field : ProfileSchema().fields) {
    if (field.type == FieldType::kExtends || field.type == FieldType::kStringMap ||
        field.type == FieldType::kOverlays) {
      continue;
    }
    const MappingEntry* entry = merged.Find(field.name);
    if (field.name == "name" && entry == nullptr) {
      OutValue value;
      value.text = name;
      out.entries.emplace_back("name", value);
    } else if (entry != nullptr) {
      out.entries.emplace_back(std::string(field.name), Build(*entry->value, field));
    }
  }
  return out;
}

// A YAML double-quoted scalar: JSON's escapes, plus those for characters YAML treats as line
// breaks or that are not printable (NEL, U+2028, U+2029, BOM, C1 controls).
std::string YamlString(const std::string& text) {
  std::string quoted = JsonString(text);
  const auto replace = [&](std::string_view raw, std::string_view escape) {
    for (size_t at = quoted.find(raw); at != std::string::npos;
         at = quoted.find(raw, at + escape.size())) {
      quoted.replace(at, raw.size(), escape);
    }
  };
  replace("\xE2\x80\xA8", "\\u2028");
  replace("\xE2\x80\xA9", "\\u2029");
  replace("\xEF\xBB\xBF", "\\ufeff");
  for (unsigned c = 0x80; c <= 0x9F; ++c) {
    char raw[3] = {'\xC2', static_cast<char>(c), '\0'};
    char escape[8];
    std::snprintf(escape, sizeof escape, "\\u%04x", c);
    replace(raw, escape);
  }
  return quoted;
}

class YamlWriter {
 public:
  explicit YamlWriter(bool show_origin) : show_origin_(show_origin) {}

  void Mapping(const OutValue& mapping, int indent) {
    for (const auto& [key, value] : mapping.entries) {
      text_ += std::string(static_cast<size_t>(indent), ' ') + key + ":";
      Value(value, indent);
    }
  }

  std::string Take() { return std::move(text_); }

 private:
  // Continues the line after "key:" or "-".
  void Value(const OutValue& value, int indent) {
    switch (value.kind) {
      case OutValue::Kind::kString:
      case OutValue::Kind::kPlain:
        text_ +=
            " " + (value.kind == OutValue::Kind::kString ? YamlString(value.text) : value.text);
        Origin(value);
        text_ += "\n";
        return;
      case OutValue::Kind::kMapping:
        if (value.entries.empty()) {
          text_ += " {}\n";
          return;
        }
        text_ += "\n";
        Mapping(value, indent + 2);
        return;
      case OutValue::Kind::kList:
        if (value.items.empty()) {
          text_ += " []\n";
          return;
        }
        text_ += "\n";
        for (const OutValue& item : value.items) Item(item, indent + 2);
        return;
    }
  }

  void Item(const OutValue& item, int indent) {
    const std::string dash = std::string(static_cast<size_t>(indent), ' ') + "-";
    if (item.kind != OutValue::Kind::kMapping || item.entries.empty()) {
      text_ += dash;
      Value(item, indent);
      return;
    }
    // "- key: value" with the other keys of the item under the first.
    for (size_t i = 0; i < item.entries.size(); ++i) {
      text_ += (i == 0 ? dash + " " : std::string(static_cast<size_t>(indent) + 2, ' ')) +
               item.entries[i].first + ":";
      Value(item.entries[i].second, indent + 2);
    }
  }

  void Origin(const OutValue& value) {
    if (show_origin_ && value.origin.file != nullptr)
      text_ += "  # " + FormatLocation(value.origin);
  }

  bool show_origin_;
  std::string text_;
};

// The profile as JSON and, with `show_origin`, one more key of the root: "origin", from the key
// path of each value to where it was set.
class JsonProfileWriter {
 public:
  std::string Write(const OutValue& root, bool show_origin) {
    json_.BeginObject();
    Entries(root, KeyPath());
    if (show_origin) {
      json_.Key("origin").BeginObject();
      for (const auto& [path, place] : origins_) json_.Key(path).String(place);
      json_.EndObject();
    }
    return json_.EndObject().Take() + "\n";
  }

 private:
  void Entries(const OutValue& mapping, const KeyPath& path) {
    for (const auto& [key, value] : mapping.entries) {
      json_.Key(key);
      Value(value, path.Child(key));
    }
  }

  void Value(const OutValue& value, const KeyPath& path) {
    switch (value.kind) {
      case OutValue::Kind::kString:
        json_.String(value.text);
        return Origin(value, path);
      case OutValue::Kind::kPlain:  // shape_check let only integers and booleans through
        json_.Literal(value.text);
        return Origin(value, path);
      case OutValue::Kind::kMapping:
        json_.BeginObject();
        Entries(value, path);
        json_.EndObject();
        return;
      case OutValue::Kind::kList:
        json_.BeginArray();
        for (size_t i = 0; i < value.items.size(); ++i) {
          Value(value.items[i], path.Item(std::to_string(i)));
        }
        json_.EndArray();
        return;
    }
  }

  void Origin(const OutValue& value, const KeyPath& path) {
    if (value.origin.file != nullptr) {
      origins_.emplace_back(path.Text(), FormatLocation(value.origin));
    }
  }

  JsonWriter json_;
  std::vector<std::pair<std::string, std::string>> origins_;  // key path, file:line:col
};

}  // namespace

std::string EmitProfile(const Node& merged, const std::string& name, ProfileFormat format,
                        bool show_origin) {
  const OutValue root = BuildRoot(merged, name);
  if (format == ProfileFormat::kJson) {
    return JsonProfileWriter().Write(root, show_origin);
  }
  YamlWriter writer(show_origin);
  writer.Mapping(root, 0);
  return writer.Take();
}

}  // namespace qemuc
