// Every profile file read and parsed at most once per run, and shape-checked at most once per
// role, so that `validate` of many boards (and `check`, which also applies some of them as
// overlay files) reads a shared base once. Safe to use from several threads (validate -j):
// each file is loaded by the first thread that asks for it, the others wait for it.
#ifndef QEMUC_PARSED_FILE_CACHE_H_
#define QEMUC_PARSED_FILE_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "diagnostic.h"
#include "file_reader.h"
#include "node.h"
#include "shape_check.h"

namespace qemuc {

class ParsedFileCache {
 public:
  struct Entry {
    const SourceFile* file = nullptr;
    NodePtr root;     // nullptr: the file could not be read or parsed
    bool ok = false;  // false: problems were reported (root may still be there, for notes)
  };

  // `path` is absolute. `named_at` is the place that names the file (an extends entry), or
  // nullptr for the command line; a file that cannot be read is reported there. The problems
  // found inside the file are reported to every caller, so that each profile's report is whole
  // whichever thread loaded the file first; the CLI prints a repeated diagnostic once.
  Entry Get(const FileReader& reader, SourceSet& sources, const std::string& path,
            const std::string& display_path, FileRole role, const SourceRange* named_at,
            Diagnostics& diagnostics);

 private:
  // A file's text and tree: read and parsed once, whatever roles it is asked for in.
  struct Parsed {
    std::once_flag loaded;
    const SourceFile* file = nullptr;
    NodePtr root;                      // nullptr: not read, or not parsed
    std::string read_error;            // not empty: the file could not be read
    std::vector<Diagnostic> problems;  // found while checking its bytes and parsing it
  };
  // The shape check of a parsed file in one role (a profile, an overlay file).
  struct Checked {
    std::once_flag checked;
    bool ok = false;
    std::vector<Diagnostic> problems;
  };

  std::shared_ptr<Parsed> ParsedFor(const std::string& path);
  std::shared_ptr<Checked> CheckedFor(const std::string& path, FileRole role);
  static void Load(Parsed& parsed, const FileReader& reader, SourceSet& sources,
                   const std::string& path, const std::string& display_path);

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Parsed>> parsed_;
  std::map<std::pair<std::string, FileRole>, std::shared_ptr<Checked>> checked_;
};

}  // namespace qemuc

#endif  // QEMUC_PARSED_FILE_CACHE_H_
