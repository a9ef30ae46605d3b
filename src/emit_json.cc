#include <cstdio>

#include "emit.h"
#include "utf8.h"

namespace qemuc {
namespace {

std::string JsonArray(const std::vector<std::string>& items, std::string_view indent) {
  if (items.empty()) return "[]";
  std::string text = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    text += (i == 0 ? "\n" : ",\n") + std::string(indent) + "  " + JsonString(items[i]);
  }
  return text + "\n" + std::string(indent) + "]";
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
  std::string text = "{\n";
  text += "  \"format\": \"qemuc-invocation\",\n";
  text += "  \"version\": 1,\n";
  text += "  \"name\": " + JsonString(invocation.name) + ",\n";
  text += "  \"sources\": " + JsonArray(invocation.sources, "  ") + ",\n";
  text += "  \"argv\": " + JsonArray(invocation.argv, "  ") + "\n";
  text += "}\n";
  return {text, ""};
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
