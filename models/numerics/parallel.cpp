#include "models/numerics/parallel.hpp"

#include <sched.h>
#include <sys/mman.h>

#include <cstdint>

#include <algorithm>
#include <utility>

namespace qmac::par {

int hardware_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

Pool::Pool(int threads) {
  for (int s = 1; s < threads; ++s) workers_.emplace_back([this, s] { work(s); });
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

// Claims and runs tasks of the current batch until none is left.
void Pool::drain(int slot) {
  std::unique_lock<std::mutex> lock(mu_);
  while (next_ < tasks_) {
    const size_t t = next_++;
    lock.unlock();
    try {
      (*fn_)(t, slot);
    } catch (...) {
      std::lock_guard<std::mutex> g(mu_);
      if (!error_) error_ = std::current_exception();
    }
    lock.lock();
    if (++finished_ == tasks_) done_.notify_all();
  }
}

void Pool::work(int slot) {
  unsigned seen = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    drain(slot);
  }
}

void Pool::run(size_t tasks, const std::function<void(size_t, int)>& fn) {
  if (tasks == 0) return;
  if (workers_.empty() || tasks == 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    tasks_ = tasks;
    next_ = finished_ = 0;
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  drain(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return finished_ == tasks_; });
  tasks_ = next_ = 0;  // late-waking workers find nothing to claim
  fn_ = nullptr;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void parallel_for(size_t tasks, int threads, const std::function<void(size_t, int)>& fn) {
  if (threads <= 1 || tasks <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0);
    return;
  }
  Pool pool(int(std::min<size_t>(size_t(threads), tasks)));
  pool.run(tasks, fn);
}

void advise_huge_pages(void* p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (p == nullptr || bytes < 2 * kHuge) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice only: errors ignored
#else
  (void)p;
  (void)bytes;
#endif
}

void populate(void* p, size_t bytes, int threads) {
#ifdef MADV_POPULATE_WRITE
  constexpr uintptr_t kPage = 4096, kChunk = uintptr_t{8} << 20;
  if (p == nullptr || threads <= 1 || bytes < kChunk) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kPage - 1);
  if (end <= begin) return;
  // Chunks on 2 MB boundaries, so no huge page is split between two threads.
  const uintptr_t base = begin & ~((uintptr_t{2} << 20) - 1);
  const size_t chunks = size_t((end - base + kChunk - 1) / kChunk);
  parallel_for(chunks, threads, [&](size_t c, int) {
    const uintptr_t a = std::max(begin, base + c * kChunk), b = std::min(end, base + (c + 1) * kChunk);
    ::madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_WRITE);  // a hint: on failure the pages fault later
  });
#else
  (void)p;
  (void)bytes;
  (void)threads;
#endif
}

}  // namespace qmac::par
