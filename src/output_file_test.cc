#include "output_file.h"

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::TemporaryDirectory;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t EntriesIn(const std::string& directory) {
  size_t count = 0;
  DIR* dir = opendir(directory.c_str());
  while (const dirent* entry = readdir(dir))
    count += entry->d_name[0] != '.' || entry->d_name[1] == 'q';
  closedir(dir);
  return count;
}

TEST_SUITE("output_file") {
  TEST_CASE("writes through a temporary file and a rename: 0755 for scripts, 0644 else") {
    const TemporaryDirectory temporary;
    const std::string& directory = temporary.path();
    const std::string path = directory + "/launch.sh";
    const mode_t saved_mask = umask(077);  // a strict umask must not make the script private
    CHECK(WriteFileAtomically(path, "#!/bin/sh\n", true) == "");
    CHECK(Slurp(path) == "#!/bin/sh\n");
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0755);
    CHECK(WriteFileAtomically(path, "{}\n", false) == "");  // replaces the old file
    REQUIRE(stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0644);
    umask(saved_mask);
    CHECK(Slurp(path) == "{}\n");
    CHECK(EntriesIn(directory) == 1);  // no temporary file left behind

    // A symbolic link is replaced by the file; its target is left alone.
    const std::string target = directory + "/target";
    CHECK(WriteFileAtomically(target, "old\n", false) == "");
    REQUIRE(symlink(target.c_str(), (directory + "/link").c_str()) == 0);
    CHECK(WriteFileAtomically(directory + "/link", "new\n", false) == "");
    CHECK(Slurp(target) == "old\n");
    REQUIRE(lstat((directory + "/link").c_str(), &info) == 0);
    CHECK(S_ISREG(info.st_mode));
  }

  TEST_CASE("a failure says why and leaves nothing behind") {
    CHECK(WriteFileAtomically("/nonexistent-dir/x.sh", "x", true) == "No such file or directory");
    // Never renamed over a device: /dev/full stays the device it is.
    CHECK(WriteFileAtomically("/dev/full", "x", false) ==
          "not a regular file; -o writes generated files only");
    struct stat info {};
    REQUIRE(stat("/dev/full", &info) == 0);
    CHECK(S_ISCHR(info.st_mode));
    CHECK(WriteFileAtomically("/tmp", "x", false) ==
          "not a regular file; -o writes generated files only");
  }
}

}  // namespace
}  // namespace qemuc
