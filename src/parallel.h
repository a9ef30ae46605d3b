// Work spread over threads (validate -j, check -j) with a result that does not depend on their
// number: each index is done once, by whichever thread takes it, into a slot of its own.
#ifndef QEMUC_PARALLEL_H_
#define QEMUC_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace qemuc {

// std::call_once without its system calls: glibc's pthread_once wakes waiters with a futex call
// whether anyone waits or not, two per file read (about a microsecond each on a virtual machine,
// a tenth of a board's parse). The mutex here makes a system call only when a thread waits. As
// with std::call_once, a call that throws leaves the flag unset, and the next caller runs.
class OnceFlag {
 public:
  template <typename Function>
  void Call(const Function& function) {
    if (done_.load(std::memory_order_acquire)) return;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (done_.load(std::memory_order_relaxed)) return;
    function();
    done_.store(true, std::memory_order_release);
  }

 private:
  std::atomic<bool> done_{false};
  std::mutex mutex_;
};

// The threads of one parallel loop and the first exception any of them threw, which the
// caller's thread throws again once all have stopped (an exception that left a std::thread
// would end the process).
class ThreadGroup {
 public:
  // Runs `drain` on at most `threads` threads, the caller's included, and no more than the
  // machine has cores: more would only share them, and each thread takes a stack of address
  // space (-j 200 under a 1 GiB limit left a thread no room to allocate, and std::bad_alloc
  // ended the process).
  // `wake` wakes threads that wait inside `drain`, so that they see failed().
  template <typename Drain, typename Wake>
  void Run(size_t threads, const Drain& drain, const Wake& wake) {
    const auto guarded = [&] {
      try {
        drain();
      } catch (...) {
        {
          const std::lock_guard<std::mutex> lock(mutex_);
          if (!failure_) failure_ = std::current_exception();
          failed_ = true;
        }
        wake();
      }
    };
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> started;
    for (size_t i = 1; i < std::min(threads, cores); ++i) {
      // Where the system has no more threads to give (a memory limit, a process limit), fewer
      // threads do the same work: the result does not depend on their number.
      try {
        started.emplace_back(guarded);
      } catch (const std::system_error&) {
        break;
      }
    }
    guarded();
    for (std::thread& thread : started) thread.join();
    if (failure_) std::rethrow_exception(failure_);
  }

  // True once a thread has thrown: the others stop taking work.
  bool failed() const { return failed_; }

 private:
  std::mutex mutex_;
  std::exception_ptr failure_;
  std::atomic<bool> failed_{false};
};

// Calls work(i) for every i below `count`, on at most `jobs` threads.
template <typename Work>
void ForEachInParallel(size_t count, unsigned jobs, const Work& work) {
  std::atomic<size_t> next{0};
  ThreadGroup group;
  group.Run(
      std::min<size_t>(jobs, count),
      [&] {
        for (size_t i = next++; i < count && !group.failed(); i = next++) work(i);
      },
      [] {});
}

// The most results ForEachInOrder holds that are done but not yet consumed, per thread.
constexpr size_t kResultsAheadPerJob = 64;

// Calls make(i) for every i below `count` on at most `jobs` threads, and consume(i, result) in
// the order of i, as soon as the results before it are consumed: a run over 100,000 profiles
// prints as it goes and holds a window of results, not all of them. consume is called by one
// thread at a time.
template <typename Result, typename Make, typename Consume>
void ForEachInOrder(size_t count, unsigned jobs, const Make& make, const Consume& consume) {
  const size_t window = kResultsAheadPerJob * std::max(1u, jobs);
  std::vector<std::optional<Result>> ring(window);
  std::mutex mutex;
  std::condition_variable room;  // signalled when the window moves on
  size_t next = 0;               // the next index to make
  size_t consumed = 0;           // indices below it are consumed
  ThreadGroup group;
  const auto take = [&](std::unique_lock<std::mutex>& lock) -> std::optional<size_t> {
    room.wait(lock, [&] { return next >= count || next < consumed + window || group.failed(); });
    if (next >= count || group.failed()) return std::nullopt;
    return next++;
  };
  group.Run(
      std::min<size_t>(jobs, count),
      [&] {
        std::unique_lock<std::mutex> lock(mutex);
        for (std::optional<size_t> i = take(lock); i; i = take(lock)) {
          lock.unlock();
          Result result = make(*i);
          lock.lock();
          ring[*i % window].emplace(std::move(result));
          // Whoever completes the next result in order consumes it and any ready after it.
          while (consumed < count && ring[consumed % window]) {
            std::optional<Result>& ready = ring[consumed % window];
            Result taken = std::move(*ready);
            ready.reset();
            consume(consumed, taken);
            ++consumed;
            room.notify_all();
          }
        }
      },
      [&] {
        const std::lock_guard<std::mutex> lock(mutex);
        room.notify_all();
      });
}

}  // namespace qemuc

#endif  // QEMUC_PARALLEL_H_
