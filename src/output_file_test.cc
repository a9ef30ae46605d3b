#include "output_file.h"

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

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
  }

  TEST_CASE("a symbolic link to a regular file is written through, beside its target") {
    const TemporaryDirectory temporary;
    const std::string& directory = temporary.path();
    REQUIRE(mkdir((directory + "/out").c_str(), 0755) == 0);
    REQUIRE(mkdir((directory + "/real").c_str(), 0755) == 0);
    const std::string target = temporary.Write("real/launch.sh", "old\n");
    // A chain: out/launch.sh -> ../real/step -> launch.sh; relative targets resolve against the
    // directory of their own link.
    REQUIRE(symlink("../real/step", (directory + "/out/launch.sh").c_str()) == 0);
    REQUIRE(symlink("launch.sh", (directory + "/real/step").c_str()) == 0);
    const OutputTarget resolved = ResolveOutputTarget(directory + "/out/launch.sh");
    CHECK(resolved.error == "");
    CHECK(resolved.exists);
    CHECK(resolved.path == directory + "/out/../real/launch.sh");

    CHECK(WriteFileAtomically(directory + "/out/launch.sh", "#!/bin/sh\n", true) == "");
    CHECK(Slurp(target) == "#!/bin/sh\n");
    struct stat info {};
    REQUIRE(lstat((directory + "/out/launch.sh").c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));  // the links stay links
    REQUIRE(lstat((directory + "/real/step").c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    REQUIRE(stat(target.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0755);
    CHECK(EntriesIn(directory + "/out") == 1);  // the temporary file was beside the target
    CHECK(EntriesIn(directory + "/real") == 2);
  }

  TEST_CASE("-o refuses what is not a regular file at the end of its links, and writes nothing") {
    const TemporaryDirectory temporary;
    const std::string& directory = temporary.path();
    const auto link = [&](const std::string& target, const std::string& name) {
      REQUIRE(symlink(target.c_str(), (directory + "/" + name).c_str()) == 0);
      return directory + "/" + name;
    };
    CHECK(WriteFileAtomically(link("missing.sh", "dangling"), "x", true) ==
          "a symbolic link to " + directory +
              "/missing.sh, which does not exist; -o writes through a link only to an existing "
              "file");
    CHECK(WriteFileAtomically(link(directory, "to-directory"), "x", true) ==
          "a symbolic link to " + directory +
              ", which is a directory; -o writes generated files only");
    CHECK(WriteFileAtomically(link("/dev/null", "to-device"), "x", true) ==
          "a symbolic link to /dev/null, which is a device; -o writes generated files only");
    REQUIRE(mkfifo((directory + "/fifo").c_str(), 0644) == 0);  // nobody reads it: no hang
    CHECK(WriteFileAtomically(directory + "/fifo", "x", true) ==
          "not a regular file (a FIFO); -o writes generated files only");
    CHECK(WriteFileAtomically(link("fifo", "to-fifo"), "x", true) ==
          "a symbolic link to " + directory +
              "/fifo, which is a FIFO; -o writes generated "
              "files only");
    // A link's target reaches the message with its control characters escaped.
    CHECK(WriteFileAtomically(link("\x1b]0;title\a", "escapes"), "x", true) ==
          "a symbolic link to " + directory +
              "/\\x1b]0;title\\x07, which does not exist; -o writes through a link only to an "
              "existing file");
    REQUIRE(mkdir((directory + "/\x1b[2J").c_str(), 0755) == 0);
    CHECK(WriteFileAtomically(link("\x1b[2J", "to-escapes"), "x", true) ==
          "a symbolic link to " + directory +
              "/\\x1b[2J, which is a directory; -o writes generated files only");
    link("loop-b", "loop-a");
    CHECK(WriteFileAtomically(link("loop-a", "loop-b"), "x", true) ==
          "Too many levels of symbolic links");
    CHECK(EntriesIn(directory) == 10);  // the links and the FIFO; no file was created
    struct stat info {};
    REQUIRE(lstat((directory + "/dangling").c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    REQUIRE(stat("/dev/null", &info) == 0);
    CHECK(S_ISCHR(info.st_mode));
  }

  TEST_CASE("-o never replaces an input of the run, however it is spelled") {
    const TemporaryDirectory temporary;
    const std::string& directory = temporary.path();
    const std::string profile = temporary.Write("board.yaml", "extends: base.yaml\n");
    const std::string parent = temporary.Write("base.yaml", "qemu: {}\n");
    const InputFiles inputs({profile, parent});
    const std::string refused = "it is an input of this run (" + parent + ")";
    CHECK(WriteFileAtomically(parent, "x", false, inputs) == refused);
    CHECK(WriteFileAtomically(directory + "/./base.yaml", "x", false, inputs) == refused);
    REQUIRE(link(parent.c_str(), (directory + "/hard").c_str()) == 0);
    CHECK(WriteFileAtomically(directory + "/hard", "x", false, inputs) == refused);
    REQUIRE(symlink("base.yaml", (directory + "/soft").c_str()) == 0);
    CHECK(WriteFileAtomically(directory + "/soft", "x", false, inputs) == refused);
    CHECK(Slurp(parent) == "qemu: {}\n");
    CHECK(Slurp(profile) == "extends: base.yaml\n");
    CHECK(WriteFileAtomically(directory + "/out.json", "{}\n", false, inputs) == "");
  }

  TEST_CASE("--check reads the target of -o bounded, and never waits on a FIFO") {
    using State = ExistingOutput::State;
    const TemporaryDirectory temporary;
    const std::string& directory = temporary.path();
    CHECK(ReadExistingOutput(directory + "/none", 10).state == State::kMissing);
    const std::string file = temporary.Write("out.args", std::string(3 * 1024 * 1024, 'x'));
    REQUIRE(symlink("out.args", (directory + "/link").c_str()) == 0);
    const ExistingOutput read = ReadExistingOutput(directory + "/link", 3 * 1024 * 1024);
    CHECK(read.state == State::kRead);
    CHECK(read.text.size() == 3 * 1024 * 1024);
    CHECK(read.mode == 0644);
    const ExistingOutput large = ReadExistingOutput(file, 3 * 1024 * 1024 - 1);
    CHECK(large.state == State::kTooLarge);
    CHECK(large.size == 3 * 1024 * 1024);
    CHECK(large.text.empty());
    REQUIRE(mkfifo((directory + "/fifo").c_str(), 0644) == 0);
    const ExistingOutput fifo = ReadExistingOutput(directory + "/fifo", 10);
    CHECK(fifo.state == State::kError);
    CHECK(fifo.error == "not a regular file (a FIFO); -o writes generated files only");
    REQUIRE(symlink("gone", (directory + "/dangling").c_str()) == 0);
    CHECK(ReadExistingOutput(directory + "/dangling", 10).error.find("which does not exist") !=
          std::string::npos);
  }

  TEST_CASE("a signal the process ignores (nohup) stays ignored") {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      std::signal(SIGHUP, SIG_IGN);
      RemoveTemporaryFileOnSignals();
      struct sigaction hup {};
      struct sigaction term {};
      sigaction(SIGHUP, nullptr, &hup);
      sigaction(SIGTERM, nullptr, &term);
      _exit(hup.sa_handler == SIG_IGN && term.sa_handler != SIG_DFL ? 0 : 1);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  TEST_CASE("a signal during the write removes the temporary file and still ends the process") {
    const TemporaryDirectory temporary;
    const std::string& directory = temporary.path();
    const std::string path = temporary.Write("launch.sh", "old\n");
    // A write past `ulimit -f` raises SIGXFSZ in the middle of write(): a real signal at a
    // known moment. In a child, so that the handlers and limits stay there.
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      RemoveTemporaryFileOnSignals();
      const rlimit no_core{0, 0};
      const rlimit small_files{4096, 4096};
      setrlimit(RLIMIT_CORE, &no_core);
      setrlimit(RLIMIT_FSIZE, &small_files);
      WriteFileAtomically(path, std::string(65536, 'x'), true);
      _exit(3);  // not reached when the signal ends the process
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGXFSZ);
    CHECK(EntriesIn(directory) == 1);  // no .qemuc-XXXXXX left
    CHECK(Slurp(path) == "old\n");
  }

  TEST_CASE("ReplaceFile streams what a writer gives it, small pieces and large, in order") {
    const TemporaryDirectory temporary;
    const std::string path = temporary.Write("results", "old");
    std::string expected;
    const std::string large(200 * 1024, 'L');  // past the buffer: written as it is
    CHECK(ReplaceFile(path, 0600, [&](FileSink& sink) {
            for (int i = 0; i < 30000; ++i) {
              const std::string piece = std::to_string(i) + ",";
              sink.Write(piece);
              expected += piece;
              if (i == 12345) {
                sink.Write(large);
                expected += large;
              }
            }
          }) == "");
    CHECK(Slurp(path) == expected);
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
    CHECK(EntriesIn(temporary.path()) == 1);
    // A writer that throws leaves the old file and no temporary one.
    CHECK_THROWS(ReplaceFile(path, 0600, [](FileSink& sink) {
      sink.Write("partial");
      throw std::runtime_error("out of memory");
    }));
    CHECK(Slurp(path) == expected);
    CHECK(EntriesIn(temporary.path()) == 1);
  }

  TEST_CASE("a failure says why and leaves nothing behind") {
    CHECK(WriteFileAtomically("/nonexistent-dir/x.sh", "x", true) == "No such file or directory");
    // Never renamed over a device: /dev/full stays the device it is.
    CHECK(WriteFileAtomically("/dev/full", "x", false) ==
          "not a regular file (a device); -o writes generated files only");
    struct stat info {};
    REQUIRE(stat("/dev/full", &info) == 0);
    CHECK(S_ISCHR(info.st_mode));
    CHECK(WriteFileAtomically("/tmp", "x", false) ==
          "not a regular file (a directory); -o writes generated files only");
  }
}

}  // namespace
}  // namespace qemuc
