// Every profile file read, parsed and shape-checked at most once per run, so that `validate`
// of many boards reads a shared base once and reports its problems once.
#ifndef QEMUC_PARSED_FILE_CACHE_H_
#define QEMUC_PARSED_FILE_CACHE_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>

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
  // nullptr for the command line. A file that cannot be read is reported at every place that
  // names it; problems inside a file only the first time.
  Entry Get(const FileReader& reader, SourceSet& sources, const std::string& path,
            const std::string& display_path, FileRole role, const SourceRange* named_at,
            Diagnostics& diagnostics);

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, FileRole>, Entry> entries_;
};

}  // namespace qemuc

#endif  // QEMUC_PARSED_FILE_CACHE_H_
