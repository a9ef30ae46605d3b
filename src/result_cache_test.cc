#include "result_cache.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_support.h"

namespace qemuc {
namespace {

using testing::TemporaryDirectory;

int64_t Now() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

constexpr int64_t kTenSeconds = 10'000'000'000;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Digest Key(uint8_t first) {
  Digest key{};
  key[0] = first;
  return key;
}

std::string Bytes(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

std::string Number(uint64_t value, size_t bytes) {
  std::string out;
  for (size_t i = 0; i < bytes; ++i) out += static_cast<char>(value >> (8 * i));
  return out;
}

struct ExpectedEntry {
  Digest key;
  Digest profile;
  uint32_t list;  // the stamp is zero: the paths do not exist
};

// The file as the format in result_cache.h says, built here from its parts.
std::string ExpectedFile(const std::string& identity,
                         const std::vector<std::vector<FileDigest>>& lists,
                         const std::vector<ExpectedEntry>& entries) {
  const Sha256Digest identity_digest = Sha256Of(identity);
  std::string out = "QEMUC-RESULTS-2\n" + Bytes(identity_digest.data(), identity_digest.size());
  out += Number(lists.size(), 4);
  for (const std::vector<FileDigest>& list : lists) {
    out += Number(list.size(), 2);
    for (const FileDigest& file : list) {
      out += Number(file.path.size(), 2) + file.path + Bytes(file.digest.data(), 16);
    }
  }
  out += Number(entries.size(), 4);
  for (const ExpectedEntry& entry : entries) {
    out += Bytes(entry.key.data(), 16) + Bytes(entry.profile.data(), 16) + std::string(16, '\0') +
           Number(entry.list, 4);
  }
  const Sha256Digest trailer = Sha256Of(out);
  return out + Bytes(trailer.data(), trailer.size());
}

TEST_SUITE("result_cache") {
  TEST_CASE("the cache directory follows the XDG base directory rules") {
    CHECK(CacheDirectory("/x/cache", "/home/u") == "/x/cache/qemuc");
    CHECK(CacheDirectory(nullptr, "/home/u") == "/home/u/.cache/qemuc");
    CHECK(CacheDirectory("", "/home/u") == "/home/u/.cache/qemuc");
    CHECK(CacheDirectory("relative/cache", "/home/u") == "/home/u/.cache/qemuc");
    CHECK(CacheDirectory(nullptr, nullptr).empty());
    CHECK(CacheDirectory("relative", "also-relative").empty());
  }

  TEST_CASE("a stamp vouches only for a file unchanged since well before the run began") {
    TemporaryDirectory directory;
    const std::string file = directory.Write("board.yaml", "cmdline: [id=a1]\n");
    CHECK(StampOf(directory.path() + "/missing.yaml", Now() + kTenSeconds) == Digest{});
    // Changed within the margin before the run began: no stamp (it is read again next time).
    CHECK(StampOf(file, Now()) == Digest{});
    const int64_t later = Now() + kTenSeconds;  // as if the run began ten seconds from now
    const Digest stamp = StampOf(file, later);
    CHECK(stamp != Digest{});
    CHECK(StampOf(file, later) == stamp);
    // What the read's own fstat said stamps the file as stat() of its path does.
    const ReadResult read = DiskFileReader().Read(file);
    REQUIRE(read.status.has_value());
    CHECK(StampOf(read.status, later) == stamp);
    CHECK(StampOf(std::optional<FileStatus>(), later) == Digest{});
    CHECK(MemoryFileReader().Read(file).status == std::nullopt);
  }

  TEST_CASE("Save writes this run's results and those other runs saved meanwhile, in key order") {
    const TemporaryDirectory temporary;
    const std::string directory = temporary.path() + "/qemuc";
    MemoryFileReader reader;
    reader.Add("/p/a.yaml", "a");
    reader.Add("/p/base.yaml", "base");
    const FileDigest base{"/p/base.yaml", DigestOf("base")};
    {
      ResultCache first(directory, "qemuc 1", reader);
      first.RecordClean(Key(3), {{"/p/c.yaml", DigestOf("c")}, base}, std::nullopt);
      first.RecordClean(Key(1), {{"/p/a.yaml", DigestOf("a")}, base}, std::nullopt);
      first.RecordClean(Key(3), {{"/p/c.yaml", DigestOf("c")}, base},
                        std::nullopt);  // once in the file
      CHECK(first.Save() == "");
    }
    ResultCache second(directory, "qemuc 1", reader);  // holds 1 and 3
    {
      ResultCache third(directory, "qemuc 1", reader);
      third.RecordClean(Key(2), {{"/p/b.yaml", DigestOf("b")}}, std::nullopt);
      CHECK(third.Save() == "");  // replaces the file that second loaded
    }
    second.RecordClean(Key(0), {{"/p/z.yaml", DigestOf("z")}, base}, std::nullopt);
    CHECK(second.Save() == "");  // so second reads it again: 2 stays
    CHECK(Slurp(directory + "/results") == ExpectedFile("qemuc 1", {{base}, {}},
                                                        {{Key(0), DigestOf("z"), 0},
                                                         {Key(1), DigestOf("a"), 0},
                                                         {Key(2), DigestOf("b"), 1},
                                                         {Key(3), DigestOf("c"), 0}}));
    // A run that finds 1 clean and records 4 over the file it loaded keeps every entry.
    ResultCache fourth(directory, "qemuc 1", reader);
    CHECK(fourth.IsClean(Key(1), "/p/a.yaml"));
    CHECK_FALSE(fourth.IsClean(Key(4), "/p/d.yaml"));
    fourth.RecordClean(Key(4), {{"/p/d.yaml", DigestOf("d")}}, std::nullopt);
    CHECK(fourth.Save() == "");
    CHECK(Slurp(directory + "/results") == ExpectedFile("qemuc 1", {{base}, {}},
                                                        {{Key(0), DigestOf("z"), 0},
                                                         {Key(1), DigestOf("a"), 0},
                                                         {Key(2), DigestOf("b"), 1},
                                                         {Key(3), DigestOf("c"), 0},
                                                         {Key(4), DigestOf("d"), 1}}));
    // Nothing recorded, nothing found with a new stamp: the file is left as it is.
    ResultCache fifth(directory, "qemuc 1", reader);
    CHECK(fifth.IsClean(Key(1), "/p/a.yaml"));
    const std::string before = Slurp(directory + "/results");
    CHECK(fifth.Save() == "");
    CHECK(Slurp(directory + "/results") == before);
  }

  TEST_CASE("an edit that keeps the size and puts the modification time back changes the stamp") {
    TemporaryDirectory directory;
    const std::string file = directory.Write("board.yaml", "cmdline: [id=a1]\n");
    struct stat before {};
    REQUIRE(stat(file.c_str(), &before) == 0);
    const Digest stamp = StampOf(file, Now() + kTenSeconds);
    // A tick of the file system's clock, so that the change time can move on.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    directory.Write("board.yaml", "cmdline: [id=z9]\n");
    const timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
    struct stat after {};
    REQUIRE(stat(file.c_str(), &after) == 0);
    CHECK(after.st_size == before.st_size);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    CHECK(StampOf(file, Now() + kTenSeconds) != stamp);  // the change time says so
  }
}

}  // namespace
}  // namespace qemuc
