#include "result_cache.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
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
