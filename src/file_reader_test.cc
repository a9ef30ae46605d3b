#include "file_reader.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::Rendered;
using testing::TemporaryDirectory;

std::string ReadError(const ReadResult& result) {
  return result.text ? "<ok>" : result.error;
}

std::string LoadErrors(const std::string& text) {
  SourceSet sources;
  Diagnostics diagnostics;
  CHECK(AddSourceText(sources, "/p/a.yaml", "a.yaml", text, diagnostics) == nullptr);
  return Rendered(diagnostics);
}

TEST_SUITE("file_reader") {
  TEST_CASE("the disk reader reads regular files and refuses everything else without blocking") {
    TemporaryDirectory directory;
    const std::string file = directory.Write("a.yaml", "name: x\n");
    const ReadResult ok = DiskFileReader().Read(file);
    REQUIRE(ok.text.has_value());
    CHECK(*ok.text == "name: x\n");
    CHECK(ReadError(DiskFileReader().Read(directory.path() + "/missing.yaml")) ==
          "No such file or directory");
    CHECK(ReadError(DiskFileReader().Read(directory.path())) == "not a regular file (a directory)");
    CHECK(ReadError(DiskFileReader().Read("/dev/null")) == "not a regular file (a device)");
    const std::string fifo = directory.path() + "/fifo.yaml";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(ReadError(DiskFileReader().Read(fifo)) == "not a regular file (a FIFO)");  // and no hang
  }

  TEST_CASE("files over 1 MiB are refused") {
    TemporaryDirectory directory;
    const std::string exactly = directory.Write("max.yaml", std::string(kMaxProfileBytes, '#'));
    CHECK(DiskFileReader().Read(exactly).text.has_value());
    const std::string over = directory.Write("big.yaml", std::string(kMaxProfileBytes + 1, '#'));
    CHECK(ReadError(DiskFileReader().Read(over)) == "file is larger than 1 MiB (1048577 bytes)");
    MemoryFileReader memory;
    memory.Add("/big.yaml", std::string(kMaxProfileBytes + 1, '#'));
    CHECK(ReadError(memory.Read("/big.yaml")) == "file is larger than 1 MiB (1048577 bytes)");
  }

  TEST_CASE("a regular file whose size fstat does not know is read whole") {
    // Files of /proc say 0 bytes and have more: the text is not cut at the size of fstat.
    struct stat info {};
    REQUIRE(stat("/proc/self/status", &info) == 0);
    CHECK(info.st_size == 0);
    const ReadResult status = DiskFileReader().Read("/proc/self/status");
    REQUIRE(status.text.has_value());
    CHECK(status.text->rfind("Name:", 0) == 0);
    CHECK(status.text->size() > 100);
    CHECK(status.text->back() == '\n');
  }

  TEST_CASE("a read says what fstat said of the file it read") {
    TemporaryDirectory directory;
    const std::string file = directory.Write("board.yaml", "cpus: 2\n");
    const ReadResult read = DiskFileReader().Read(file);
    REQUIRE(read.text.has_value());
    CHECK(*read.text == "cpus: 2\n");
    struct stat info {};
    REQUIRE(stat(file.c_str(), &info) == 0);
    REQUIRE(read.status.has_value());
    CHECK(read.status->inode == int64_t(info.st_ino));
    CHECK(read.status->size == 8);
    CHECK(read.status->modified_ns ==
          int64_t(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec);
    const std::optional<FileStatus> by_path = StatusOfPath(file);
    REQUIRE(by_path.has_value());
    CHECK(by_path->changed_ns == read.status->changed_ns);
    CHECK(by_path->device == read.status->device);
    CHECK(StatusOfPath(directory.path() + "/missing.yaml") == std::nullopt);
    CHECK(DiskFileReader().Read(directory.path() + "/missing.yaml").status == std::nullopt);
  }

  TEST_CASE("a file of any size is read whole, the empty one too") {
    TemporaryDirectory directory;
    for (const size_t size :
         {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{65537}, kMaxProfileBytes}) {
      std::string text(size, 'x');
      for (size_t i = 0; i < size; i += 97) text[i] = '\n';
      const std::string file = directory.Write("f" + std::to_string(size) + ".yaml", text);
      const ReadResult read = DiskFileReader().Read(file);
      REQUIRE(read.text.has_value());
      CHECK(*read.text == text);
    }
  }

  TEST_CASE("a file that cannot be read is reported at the file, or where it is named") {
    MemoryFileReader reader;
    SourceSet sources;
    Diagnostics diagnostics;
    const ReadResult none = reader.Read("/p/none.yaml");
    CHECK_FALSE(none.text.has_value());
    ReportUnreadable(sources, "/p/none.yaml", "none.yaml", none.error, nullptr, diagnostics);
    REQUIRE(diagnostics.all().size() == 1);
    CHECK(RenderDiagnostic(diagnostics.all()[0], false) ==
          "none.yaml: error: cannot read profile: No such file or directory\n");

    const SourceFile* child = sources.Add("/p/b.yaml", "b.yaml", "extends: none.yaml\n");
    const SourceRange named_at{child, 1, 10, 9};
    ReportUnreadable(sources, "/p/none.yaml", "none.yaml", none.error, &named_at, diagnostics);
    REQUIRE(diagnostics.all().size() == 2);
    CHECK(RenderDiagnostic(diagnostics.all()[1], false) ==
          "b.yaml:1:10: error: cannot read none.yaml: No such file or directory\n"
          "extends: none.yaml\n         ^~~~~~~~~\n");
  }

  TEST_CASE("invalid UTF-8 and NUL bytes are reported at their place") {
    CHECK(LoadErrors("name: ok\nx: \xC3\xA9\xFF\n") ==
          "a.yaml:2:5: error: invalid UTF-8 (byte 0xff); profiles must be UTF-8 text\nx: "
          "\xC3\xA9?\n    ^\n");
    CHECK(LoadErrors("a: \xED\xA0\x80\n").find("a.yaml:1:4: error: invalid UTF-8 (byte 0xed)") ==
          0);  // surrogate
    CHECK(LoadErrors("a: \xC0\xAF\n").find("a.yaml:1:4: error: invalid UTF-8 (byte 0xc0)") ==
          0);  // overlong
    CHECK(LoadErrors(std::string("a: 1\nb: x\0y\n", 12))
              .find("a.yaml:2:5: error: NUL byte in file") == 0);
  }

  TEST_CASE("a parent must be named .yaml or .yml, and so must the file a link leads to") {
    TemporaryDirectory directory;
    const std::string yaml = directory.Write("a.yaml", "name: x\n");
    const std::string text = directory.Write("notes.txt", "secret\n");
    const std::string good = directory.path() + "/good.yml";
    const std::string bad = directory.path() + "/bad.yaml";
    REQUIRE(symlink(yaml.c_str(), good.c_str()) == 0);
    REQUIRE(symlink(text.c_str(), bad.c_str()) == 0);
    const DiskFileReader reader;
    CHECK(reader.RefuseNonYaml(yaml) == "");
    CHECK(reader.RefuseNonYaml(good) == "");
    CHECK(reader.RefuseNonYaml(directory.path() + "/missing.yaml") == "");  // Read says why
    CHECK(reader.RefuseNonYaml(text) == "not a .yaml or .yml file");
    CHECK(reader.RefuseNonYaml("/etc/shadow") == "not a .yaml or .yml file");
    CHECK(reader.RefuseNonYaml(bad) == "it leads to " + text + ", not a .yaml or .yml file");
  }

  TEST_CASE("a reader resolves each existing path once; a missing one is asked about again") {
    TemporaryDirectory directory;
    const std::string text = directory.Write("notes.txt", "secret\n");
    const std::string later = directory.path() + "/later.yaml";
    const std::string moved = directory.path() + "/moved.yaml";
    const DiskFileReader reader;
    CHECK(reader.RefuseNonYaml(later) == "");  // missing: left to Read
    REQUIRE(symlink(text.c_str(), later.c_str()) == 0);
    CHECK(reader.RefuseNonYaml(later) == "it leads to " + text + ", not a .yaml or .yml file");
    directory.Write("moved.yaml", "name: x\n");
    CHECK(reader.RefuseNonYaml(moved) == "");
    // The answer holds for the run: the file is not asked about again.
    REQUIRE(unlink(moved.c_str()) == 0);
    REQUIRE(symlink(text.c_str(), moved.c_str()) == 0);
    CHECK(reader.RefuseNonYaml(moved) == "");
    CHECK(DiskFileReader().RefuseNonYaml(moved) ==
          "it leads to " + text + ", not a .yaml or .yml file");
  }
}

}  // namespace
}  // namespace qemuc
