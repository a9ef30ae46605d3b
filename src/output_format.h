// The output formats of compile and of a project's outputs (SPEC §6, §8), in the order help and
// errors list them.
#ifndef QEMUC_OUTPUT_FORMAT_H_
#define QEMUC_OUTPUT_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "emit.h"

namespace qemuc {

struct OutputFormat {
  std::string_view name;       // -f NAME, `format:` in qemuc.yaml
  std::string_view extension;  // an output file ending in it has this format (SPEC §8)
  Emitted (*emit)(const Invocation&);
  bool executable;  // written mode 0755, and --check wants that mode
};

const std::vector<OutputFormat>& OutputFormats();
std::vector<std::string_view> OutputFormatNames();

// The format called `name`, or nullptr.
const OutputFormat* FindOutputFormat(std::string_view name);

// The format a file name asks for by its extension (".sh" shell), or nullptr.
const OutputFormat* OutputFormatOfFile(std::string_view file);

}  // namespace qemuc

#endif  // QEMUC_OUTPUT_FORMAT_H_
