// JsonWriter: the one place qemuc writes JSON text (compile --format json, resolve, schema, list,
// --error-format json, QMP commands). Values are written as they come, in the caller's order:
//   JsonWriter json;
//   json.BeginObject().Key("name").String("x64").Key("cpus").Int(4).EndObject();
//   json.Take() == "{\n  \"name\": \"x64\",\n  \"cpus\": 4\n}"
// Strings are escaped by JsonString (json_string.h).
#ifndef QEMUC_JSON_WRITER_H_
#define QEMUC_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qemuc {

// How a container spreads its elements. An empty container is "{}" or "[]" in every layout.
enum class JsonLayout {
  kIndented,  // one element a line, two spaces deeper than the container, as Python's
              // json.dumps(indent=2) writes: a file that either can reproduce
  kOneLine,   // {"a": 1, "b": [2, 3]}: json.dumps() with its default separators
  kCompact,   // {"a":1,"b":[2,3]}: no spaces, for streams of one object a line
};

// Misuse is a bug in qemuc, not in its input, and throws std::logic_error naming it: a value in
// an object without a Key before it, a Key outside an object or twice in a row, an End that does
// not match its Begin, a second value at the top, Take before the value is complete.
class JsonWriter {
 public:
  // `layout`: that of every container that does not name its own.
  explicit JsonWriter(JsonLayout layout = JsonLayout::kIndented) : layout_(layout) {}

  // A container takes the layout of the one it is in unless it names its own; inside a one-line
  // container every container is one line too.
  JsonWriter& BeginObject();
  JsonWriter& BeginObject(JsonLayout layout);
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& BeginArray(JsonLayout layout);
  JsonWriter& EndArray();

  // The name of the next value of the object.
  JsonWriter& Key(std::string_view key);

  // `text` should be UTF-8; bytes that are not are written as they are, which JSON cannot hold,
  // so callers refuse such text first (compile --format json, list) or use LossyString.
  JsonWriter& String(std::string_view text);
  // For text that must be written whatever bytes it holds (a file name in a diagnostic): each
  // byte that is not UTF-8 becomes U+FFFD. Lossy, but always JSON.
  JsonWriter& LossyString(std::string_view text);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // An integer, true, false or null already spelled as JSON: a profile's plain scalar that
  // shape_check read as an integer or a boolean. Anything else is refused.
  JsonWriter& Literal(std::string_view json);

  // The JSON text, without a trailing newline; the writer is empty again.
  std::string Take();

 private:
  struct Container {
    bool object;
    JsonLayout layout;
    size_t elements = 0;
    bool has_key = false;  // objects: a Key waits for its value
  };

  JsonWriter& Begin(bool object, JsonLayout layout);
  JsonWriter& End(bool object);
  void BeforeValue();
  void BeforeElement(Container& container);
  void Indent(size_t depth);

  JsonLayout layout_;
  std::vector<Container> open_;
  std::string text_;
};

}  // namespace qemuc

#endif  // QEMUC_JSON_WRITER_H_
