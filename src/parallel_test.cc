#include "parallel.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

namespace qemuc {
namespace {

// A little work whose length varies with i, so that threads finish out of order.
int Slow(size_t i) {
  std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 200));
  return static_cast<int>(i) * 3;
}

TEST_SUITE("parallel") {
  TEST_CASE("results are consumed in order, each once, whatever the number of threads") {
    for (const size_t count : {size_t{0}, size_t{1}, size_t{700}}) {
      for (const unsigned jobs : {1u, 2u, 8u}) {
        std::vector<int> consumed;
        ForEachInOrder<int>(count, jobs, Slow, [&](size_t i, int result) {
          CHECK(i == consumed.size());
          consumed.push_back(result);
        });
        REQUIRE(consumed.size() == count);
        for (size_t i = 0; i < count; ++i) CHECK(consumed[i] == static_cast<int>(i) * 3);
      }
    }
  }

  TEST_CASE("no more results are held than the window, however slow one of them is") {
    const unsigned jobs = 2;
    std::atomic<size_t> made{0};
    size_t consumed = 0;
    size_t most_ahead = 0;
    ForEachInOrder<size_t>(
        2000, jobs,
        [&](size_t i) {
          // The first result takes long: the other thread must wait for it, not run ahead.
          if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
          return made++;
        },
        [&](size_t, size_t) {
          most_ahead = std::max(most_ahead, made.load() - consumed);
          ++consumed;
        });
    CHECK(consumed == 2000);
    CHECK(most_ahead <= kResultsAheadPerJob * jobs);
  }

  TEST_CASE("an exception on any thread reaches the caller, and the others stop") {
    for (const unsigned jobs : {1u, 2u, 4u}) {
      std::atomic<size_t> made{0};
      const auto throw_at_300 = [&](size_t i) {
        ++made;
        if (i == 300) throw std::runtime_error("failed at 300");
        return i;
      };
      CHECK_THROWS_WITH(ForEachInOrder<size_t>(100000, jobs, throw_at_300, [](size_t, size_t) {}),
                        "failed at 300");
      CHECK(made < 100000);
      CHECK_THROWS_WITH(ForEachInParallel(100000, jobs,
                                          [&](size_t i) {
                                            if (i == 5) throw std::runtime_error("failed at 5");
                                          }),
                        "failed at 5");
    }
    CHECK_THROWS_WITH(ForEachInOrder<size_t>(
                          50, 2, [](size_t i) { return i; },
                          [](size_t i, size_t) {
                            if (i == 20) throw std::runtime_error("consumer failed");
                          }),
                      "consumer failed");
  }

  TEST_CASE("a OnceFlag runs its function once, however many threads call it") {
    OnceFlag once;
    std::atomic<int> runs{0};
    std::atomic<int> seen_done{0};
    ForEachInParallel(64, 4, [&](size_t) {
      once.Call([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the others come meanwhile
        ++runs;
      });
      // Whoever returns sees the work done, also the threads that waited for it.
      if (runs.load() == 1) ++seen_done;
    });
    CHECK(runs == 1);
    CHECK(seen_done == 64);
  }

  TEST_CASE("a OnceFlag whose function throws is not set: the next call runs it again") {
    OnceFlag once;
    int runs = 0;
    CHECK_THROWS_AS(once.Call([&] {
      ++runs;
      throw std::runtime_error("read failed");
    }),
                    std::runtime_error);
    once.Call([&] { ++runs; });
    once.Call([&] { ++runs; });
    CHECK(runs == 2);
  }
}

}  // namespace
}  // namespace qemuc
