// Where the pipeline reads files and looks at the machine; tests pass in-memory ones.
#ifndef QEMUC_ENVIRONMENT_H_
#define QEMUC_ENVIRONMENT_H_

#include "file_reader.h"
#include "host_checks.h"
#include "parsed_file_cache.h"

namespace qemuc {

struct Environment {
  const FileReader& reader;
  const Host& host;
  SourceSet& sources;
  ParsedFileCache& cache;
};

}  // namespace qemuc

#endif  // QEMUC_ENVIRONMENT_H_
