// Threads inside one run (issue 13): a small pool that runs numbered tasks on
// N threads. Results never depend on N: callers split work into tasks fixed by
// the data (not by the thread count), each task writes only its own outputs,
// and anything summed across tasks is an integer or is combined in task order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace qmac::par {

// The processors this process may run on (sched_getaffinity; at least 1).
int hardware_threads();

class Pool {
 public:
  // `threads` >= 1: threads - 1 workers are started; the calling thread is the last.
  explicit Pool(int threads);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  int size() const { return int(workers_.size()) + 1; }
  // Calls fn(task, slot) for every task in [0, tasks), each once, on the pool's
  // threads, and returns when all are done. `slot` in [0, size()) is the
  // thread's (for per-thread scratch); which thread runs which task is not
  // fixed. The first exception a task throws is rethrown here (the remaining
  // tasks still run).
  void run(size_t tasks, const std::function<void(size_t task, int slot)>& fn);

 private:
  void work(int slot);
  void drain(int slot);
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, int)>* fn_ = nullptr;
  size_t tasks_ = 0, next_ = 0, finished_ = 0;
  unsigned generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

// fn(task, slot) for task in [0, tasks) on `threads` threads (a pool for the
// call; sequential when threads <= 1 or tasks <= 1).
void parallel_for(size_t tasks, int threads, const std::function<void(size_t task, int slot)>& fn);

// Asks the kernel to back [p, p + bytes) with transparent huge pages
// (madvise MADV_HUGEPAGE on the 2 MB-aligned part; a no-op where unsupported
// or for less than 4 MB). A 128 MB tensor then costs ~64 page faults instead
// of ~33 000 when it is first written.
void advise_huge_pages(void* p, size_t bytes);

// Faults the pages of [p, p + bytes) in now, split over `threads` threads
// (madvise MADV_POPULATE_WRITE per chunk; a no-op for one thread, less than
// 8 MB, or where unsupported). Why: the first write to a fresh page costs a
// fault and the kernel's zeroing of the page -- on these VMs often more than
// the computation that writes it -- and std::vector's resize() takes all of
// them on one thread.
void populate(void* p, size_t bytes, int threads);

// v.reserve(n) with huge pages advised for the new buffer and its pages
// faulted in on `threads` threads (before anything touches it: call it on an
// empty vector).
template <class Vector>
void reserve_large(Vector& v, size_t n, int threads = 1) {
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(*v.data()));
  populate(v.data(), n * sizeof(*v.data()), threads);
}

}  // namespace qmac::par
