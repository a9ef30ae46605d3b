#include "emit.h"
#include "json_string.h"
#include "json_writer.h"
#include "utf8.h"

namespace qemuc {
namespace {

void WriteStrings(JsonWriter& json, std::string_view key, const std::vector<std::string>& items) {
  json.Key(key).BeginArray();
  for (const std::string& item : items) json.String(item);
  json.EndArray();
}

// JSON strings are Unicode: a name or path taken from the command line or the file system may
// hold bytes that are not UTF-8, and no escape can carry them.
std::string FirstNonUtf8(const Invocation& invocation) {
  std::vector<std::string> strings = invocation.argv;
  strings.push_back(invocation.name);
  strings.insert(strings.end(), invocation.sources.begin(), invocation.sources.end());
  for (const std::string& text : strings) {
    if (FindInvalidUtf8(text)) return text;
  }
  return "";
}

}  // namespace

Emitted EmitJson(const Invocation& invocation) {
  if (const std::string bad = FirstNonUtf8(invocation); !bad.empty()) {
    return {"", "'" + bad + "' is not valid UTF-8, which --format json cannot represent"};
  }
  JsonWriter json;
  json.BeginObject().Key("format").String("qemuc-invocation").Key("version").Int(1);
  json.Key("name").String(invocation.name);
  WriteStrings(json, "sources", invocation.sources);
  WriteStrings(json, "argv", invocation.argv);
  // SPEC §9: for whoever runs the argv, the QEMU exit status that means success; only when set.
  if (const int status = invocation.config.success_status; status != 0)
    json.Key("success_status").Int(status);
  return {json.EndObject().Take() + "\n", ""};
}

Emitted EmitArgs(const Invocation& invocation) {
  std::string text;
  for (const std::string& arg : invocation.argv) {
    if (arg.find('\n') != std::string::npos) {
      return {"",
              "argument " + JsonString(arg) +
                  " contains a newline, which --format args cannot represent; use --format json"};
    }
    text += arg + "\n";
  }
  return {text, ""};
}

}  // namespace qemuc
