// Writing generated files: to a temporary file in the same directory, synced, then renamed over
// the target, so a reader never sees a partial file and a failure leaves the old one intact.
#ifndef QEMUC_OUTPUT_FILE_H_
#define QEMUC_OUTPUT_FILE_H_

#include <string>

namespace qemuc {

// Returns "" on success, else why the file could not be written ("Permission denied"). An
// existing `path` must be a regular file (a symbolic link is replaced, not followed). The mode
// is 0755 when `executable`, else 0644.
std::string WriteFileAtomically(const std::string& path, const std::string& contents,
                                bool executable);

}  // namespace qemuc

#endif  // QEMUC_OUTPUT_FILE_H_
