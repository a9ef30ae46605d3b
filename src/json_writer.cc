#include "json_writer.h"

#include <stdexcept>

#include "json_string.h"
#include "utf8.h"

namespace qemuc {
namespace {

void Require(bool holds, const char* misuse) {
  if (!holds) throw std::logic_error(std::string("JsonWriter: ") + misuse);
}

bool IsJsonInteger(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty() || (text.front() == '0' && text.size() > 1)) return false;
  return text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

JsonWriter& JsonWriter::BeginObject() {
  return Begin(true, open_.empty() ? layout_ : open_.back().layout);
}

JsonWriter& JsonWriter::BeginObject(JsonLayout layout) {
  return Begin(true, layout);
}

JsonWriter& JsonWriter::EndObject() {
  return End(true);
}

JsonWriter& JsonWriter::BeginArray() {
  return Begin(false, open_.empty() ? layout_ : open_.back().layout);
}

JsonWriter& JsonWriter::BeginArray(JsonLayout layout) {
  return Begin(false, layout);
}

JsonWriter& JsonWriter::EndArray() {
  return End(false);
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  Require(!open_.empty() && open_.back().object, "a Key outside an object");
  Container& object = open_.back();
  Require(!object.has_key, "two Keys without a value between them");
  BeforeElement(object);
  text_ += JsonString(key);
  text_ += object.layout == JsonLayout::kCompact ? ":" : ": ";
  object.has_key = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view text) {
  BeforeValue();
  text_ += JsonString(text);
  return *this;
}

JsonWriter& JsonWriter::LossyString(std::string_view text) {
  std::string valid;
  while (const std::optional<size_t> bad = FindInvalidUtf8(text)) {
    valid.append(text.substr(0, *bad));
    valid += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    text.remove_prefix(*bad + 1);
  }
  valid.append(text);
  return String(valid);
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  text_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  text_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  text_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Literal(std::string_view json) {
  Require(IsJsonInteger(json) || json == "true" || json == "false" || json == "null",
          "Literal of something other than an integer, true, false or null");
  BeforeValue();
  text_ += json;
  return *this;
}

std::string JsonWriter::Take() {
  Require(open_.empty() && !text_.empty(), "Take before the value is complete");
  std::string text = std::move(text_);
  text_.clear();  // ready for the next value
  return text;
}

JsonWriter& JsonWriter::Begin(bool object, JsonLayout layout) {
  // Inside one line there is no line to indent from.
  Require(open_.empty() || open_.back().layout == JsonLayout::kIndented ||
              layout != JsonLayout::kIndented,
          "an indented container inside a one-line one");
  BeforeValue();
  text_ += object ? '{' : '[';
  open_.push_back({object, layout});
  return *this;
}

JsonWriter& JsonWriter::End(bool object) {
  Require(!open_.empty() && open_.back().object == object,
          object ? "EndObject without its BeginObject" : "EndArray without its BeginArray");
  Require(!open_.back().has_key, "a Key without its value at the end of an object");
  const Container closed = open_.back();
  open_.pop_back();
  if (closed.layout == JsonLayout::kIndented && closed.elements > 0) Indent(open_.size());
  text_ += object ? '}' : ']';
  return *this;
}

void JsonWriter::BeforeValue() {
  if (open_.empty()) {
    Require(text_.empty(), "a second value after the whole one");
    return;
  }
  Container& container = open_.back();
  if (container.object) {
    Require(container.has_key, "a value in an object without a Key before it");
    container.has_key = false;
    return;
  }
  BeforeElement(container);
}

void JsonWriter::BeforeElement(Container& container) {
  if (container.elements++ > 0) text_ += ',';
  if (container.layout == JsonLayout::kIndented) {
    Indent(open_.size());
  } else if (container.layout == JsonLayout::kOneLine && container.elements > 1) {
    text_ += ' ';
  }
}

void JsonWriter::Indent(size_t depth) {
  text_ += '\n';
  text_.append(2 * depth, ' ');
}

}  // namespace qemuc
