#include "output_format.h"

#include <filesystem>
#include <system_error>

namespace qemuc {
namespace {

// ExecStop= runs this qemuc's qmp-powerdown, so the unit names it by its absolute path.
Emitted EmitSystemdUnit(const Invocation& invocation) {
  std::error_code ignored;
  return EmitSystemd(invocation, std::filesystem::read_symlink("/proc/self/exe", ignored).string());
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const std::vector<OutputFormat>& OutputFormats() {
  static const std::vector<OutputFormat> formats = {
      {"shell", ".sh", EmitShell, true},
      {"json", ".json", EmitJson, false},
      {"args", ".args", EmitArgs, false},
      {"systemd", ".service", EmitSystemdUnit, false},
  };
  return formats;
}

std::vector<std::string_view> OutputFormatNames() {
  std::vector<std::string_view> names;
  for (const OutputFormat& format : OutputFormats()) names.push_back(format.name);
  return names;
}

const OutputFormat* FindOutputFormat(std::string_view name) {
  for (const OutputFormat& format : OutputFormats()) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

const OutputFormat* OutputFormatOfFile(std::string_view file) {
  for (const OutputFormat& format : OutputFormats()) {
    if (EndsWith(file, format.extension)) return &format;
  }
  return nullptr;
}

}  // namespace qemuc
