// Small helpers for the two places that open files themselves: reading profiles (file_reader)
// and reading or replacing outputs (output_file).
#ifndef QEMUC_POSIX_FILE_H_
#define QEMUC_POSIX_FILE_H_

#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace qemuc {

// Closes the descriptor it holds, so that no early return leaks one.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// What a file that is not a regular file is, for messages: "a directory", "a FIFO", ...
inline std::string FileTypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace qemuc

#endif  // QEMUC_POSIX_FILE_H_
