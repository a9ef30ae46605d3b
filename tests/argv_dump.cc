// argv_dump: writes each argv[i], i >= 1, followed by a NUL byte to standard output.
// The shell round-trip test (tests/shell/roundtrip.py) runs generated launch scripts with this
// program as the "QEMU binary" and compares what arrives with the JSON argv byte for byte.
// Exit status: 0 on success, 1 if standard output cannot be written completely.

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

namespace {

// Writes all of data to fd, retrying short writes and EINTR.
bool WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  for (int i = 1; i < argc; ++i) {
    out.append(argv[i], std::strlen(argv[i]));
    out.push_back('\0');
  }
  if (!WriteAll(STDOUT_FILENO, out)) {
    const int error = errno;
    const std::string message =
        std::string("argv_dump: write error: ") + std::strerror(error) + "\n";
    static_cast<void>(WriteAll(STDERR_FILENO, message));
    return 1;
  }
  return 0;
}
