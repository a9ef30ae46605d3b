// Writing generated files (compile -o): to a temporary file beside the target, synced, then
// renamed over it, so a reader never sees a partial file and a failure leaves the old one intact.
// SPEC §4: -o never replaces a symbolic link, a device or a file the same run read.
#ifndef QEMUC_OUTPUT_FILE_H_
#define QEMUC_OUTPUT_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "file_reader.h"

namespace qemuc {

// What -o FILE writes once symbolic links are followed.
struct OutputTarget {
  std::string path;  // the regular file to replace, or the file to create when !exists
  bool exists = false;
  std::string error;  // why FILE cannot be an output; "" when it can
};

// Follows FILE's chain of symbolic links (a relative target resolves against its link's
// directory) to a regular file. A FILE that does not exist is a new file. A link whose chain ends
// nowhere is an error, not a file to create: a dangling link usually means a mistake, and writing
// wherever it points would let whoever planted it choose the file. Anything but a regular file
// at the end (device, FIFO, socket, directory) is an error.
OutputTarget ResolveOutputTarget(const std::string& path);

// The files a run read, by device and inode, each looked at once: what its writes must not
// replace, under whatever spelling or hard link (a build of 1,000 outputs against 2,000 inputs
// looked at each input again for every output: 4 s).
class InputFiles {
 public:
  InputFiles() = default;
  explicit InputFiles(const std::vector<std::string>& paths);
  // The input that is the same file as `path`, if any.
  std::optional<std::string> Find(const std::string& path) const;

 private:
  std::map<std::pair<dev_t, ino_t>, std::string> files_;
};

// Returns "" on success, else why the file could not be written ("Permission denied"). FILE is
// resolved as ResolveOutputTarget says and must not be one of `inputs` (the files this run
// read). The mode is 0755 when `executable`, else 0644.
std::string WriteFileAtomically(const std::string& path, const std::string& contents,
                                bool executable, const InputFiles& inputs = {});

// Writes `contents` to a new file beside `path` with `mode`, then renames it over `path`: a link
// at `path` is replaced, never written through. A signal on the way leaves no temporary file.
// Returns "" on success, else why not.
std::string ReplaceFile(const std::string& path, const std::string& contents, mode_t mode);

// Where the ReplaceFile below writes: the temporary file, through a buffer, so that contents too
// large to hold as one string (the result cache of 100,000 profiles) need not be. After a failed
// write, the others do nothing and the file is not renamed.
class FileSink {
 public:
  explicit FileSink(int fd) : fd_(fd) {}
  void Write(std::string_view bytes);
  // Writes what the buffer holds; returns the first error, or "".
  std::string Flush();

 private:
  int fd_;
  std::string buffer_;
  std::string error_;
};

// ReplaceFile with contents that `write` writes to the sink it is given.
std::string ReplaceFile(const std::string& path, mode_t mode,
                        const std::function<void(FileSink&)>& write);

// Creates the directories `path` needs that do not exist yet (mode 0777 less the umask), as
// `mkdir -p` would, for qemuc build. Returns "" on success, else why not.
std::string CreateParentDirectories(const std::string& path);

// For compile --check: the current contents of the file -o FILE would write.
struct ExistingOutput {
  enum class State { kRead, kMissing, kTooLarge, kError };
  State state = State::kError;
  std::string text;   // kRead
  size_t size = 0;    // kRead, kTooLarge: bytes in the file (at least max_bytes + 1 for the latter)
  mode_t mode = 0;    // kRead: permission bits
  std::string error;  // kError
};

// Reads what FILE resolves to (as ResolveOutputTarget says) without ever blocking on a FIFO.
// A file over `max_bytes` is kTooLarge and is not read whole.
ExistingOutput ReadExistingOutput(const std::string& path, size_t max_bytes);

// compile --check: whether FILE (resolved as ResolveOutputTarget says) holds exactly `text`, and
// has mode 0755 when `executable`. When it does not, `diff` is a unified diff from FILE to `text`
// (none for a file far larger than `text`: it is not read whole) and `error` says why, naming
// FILE and ending in `rerun` ("out.sh is stale: run the same command without --check to write
// it").
struct Freshness {
  bool fresh = false;
  std::string diff;
  std::string error;
};
Freshness CheckFreshness(
    const std::string& path, const std::string& text, bool executable,
    const std::string& rerun = "run the same command without --check to write it");

// Makes SIGHUP, SIGINT, SIGTERM and SIGXFSZ (a write past `ulimit -f`) remove the temporary file
// of a write in progress, then end the process as the signal would have. Signals the process
// ignores (nohup) stay ignored. For main() only: it changes process-wide state.
void RemoveTemporaryFileOnSignals();

}  // namespace qemuc

#endif  // QEMUC_OUTPUT_FILE_H_
