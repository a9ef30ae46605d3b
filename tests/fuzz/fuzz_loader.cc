// libFuzzer target: the loader alone. The input is one file's bytes, read the way
// ParsedFileCache::Load reads a profile: the text check (UTF-8, no NUL), the parser, then the
// shape check in each role a file can have. The same text also goes through the parser of --set
// values and is read as a project file (qemuc.yaml, with its globs' syntax and outputs' --set
// paths), and every diagnostic is rendered.
#include <cstddef>
#include <cstdint>
#include <string>

#include "file_reader.h"
#include "fuzz_support.h"
#include "project.h"
#include "shape_check.h"
#include "yaml_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace qemuc;
  // The file reader refuses anything larger before the loader sees it; -1 keeps it out of the
  // corpus.
  if (size > kMaxProfileBytes) return -1;
  SourceSet sources;
  Diagnostics diagnostics;
  const SourceFile* file =
      AddSourceText(sources, "/fuzz/p.yaml", "p.yaml",
                    std::string(reinterpret_cast<const char*>(data), size), diagnostics);
  if (file != nullptr) {
    if (const NodePtr root = ParseYaml(*file, diagnostics)) {
      for (FileRole role : {FileRole::kProfile, FileRole::kOverlayFile, FileRole::kOverlay})
        CheckShape(*root, role, diagnostics);
    }
    ParseYamlValue(*file, file->text(), diagnostics);
  }
  fuzz::RenderAll(diagnostics);
  MemoryFileReader reader;
  reader.Add("/fuzz/qemuc.yaml", std::string(reinterpret_cast<const char*>(data), size));
  fuzz::NoHost host;
  ParsedFileCache cache;
  Environment environment{reader, host, sources, cache};
  Diagnostics project_diagnostics;
  LoadProject("/fuzz/qemuc.yaml", "qemuc.yaml", environment, project_diagnostics);
  fuzz::RenderAll(project_diagnostics);
  return 0;
}
