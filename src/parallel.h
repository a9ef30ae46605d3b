// Work spread over threads (validate -j, check -j) with a result that does not depend on their
// number: each index is done once, by whichever thread takes it, into a slot of its own.
#ifndef QEMUC_PARALLEL_H_
#define QEMUC_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace qemuc {

// Calls work(i) for every i below `count`, on at most `jobs` threads (the caller's included),
// and no more than the machine has cores: more would only share them, and each thread takes a
// stack of address space (-j 200 under a 1 GiB limit left a thread no room to allocate, and
// std::bad_alloc ended the process).
template <typename Work>
void ForEachInParallel(size_t count, unsigned jobs, const Work& work) {
  std::atomic<size_t> next{0};
  const auto drain = [&] {
    for (size_t i = next++; i < count; i = next++) work(i);
  };
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (size_t i = 1; i < std::min<size_t>({jobs, count, cores}); ++i) {
    // Where the system has no more threads to give (a memory limit, a process limit), fewer
    // threads do the same work: the result does not depend on their number.
    try {
      threads.emplace_back(drain);
    } catch (const std::system_error&) {
      break;
    }
  }
  drain();
  for (std::thread& thread : threads) thread.join();
}

}  // namespace qemuc

#endif  // QEMUC_PARALLEL_H_
