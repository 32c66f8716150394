// models/numerics/parallel.hpp: the pool runs every task once, and the memory
// helpers (huge-page advice, faulting pages in on threads) are hints that never
// change what a buffer holds.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "models/numerics/parallel.hpp"

namespace qmac::par {
namespace {

TEST(Parallel_Pool, RunsEveryTaskOnceOnAnyNumberOfThreads) {
  for (int threads : {1, 2, 7}) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(runs.size(), threads, [&](size_t t, int slot) {
      EXPECT_GE(slot, 0);
      EXPECT_LT(slot, threads);
      ++runs[t];
    });
    for (size_t t = 0; t < runs.size(); ++t) ASSERT_EQ(runs[t].load(), 1) << "task " << t << " on " << threads;
  }
}

TEST(Parallel_Pool, ATaskExceptionReachesTheCaller) {
  EXPECT_THROW(parallel_for(50, 2, [](size_t t, int) { if (t == 17) throw std::runtime_error("task 17"); }),
               std::runtime_error);
}

// populate() write-faults pages: data already there must survive, on any
// alignment and size (including less than a page and less than a chunk).
TEST(Parallel_Populate, KeepsWhatTheMemoryHolds) {
  const size_t n = (size_t{24} << 20) / sizeof(uint64_t) + 123;  // 24 MB + a bit: several 8 MB chunks
  std::vector<uint64_t> v(n);
  std::iota(v.begin(), v.end(), uint64_t{0x1234});
  for (int threads : {1, 2, 3}) {
    populate(v.data(), n * sizeof(uint64_t), threads);
    populate(reinterpret_cast<char*>(v.data()) + 5, 4000, threads);  // unaligned, under a page
    populate(nullptr, 0, threads);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(v[i], uint64_t{0x1234} + i) << "element " << i;
  }
}

TEST(Parallel_ReserveLarge, GivesAnEmptyVectorWithTheCapacity) {
  for (int threads : {1, 2}) {
    std::vector<double> v;
    reserve_large(v, size_t{3} << 20, threads);  // 24 MB
    EXPECT_TRUE(v.empty());
    EXPECT_GE(v.capacity(), size_t{3} << 20);
    v.resize(size_t{3} << 20, 0.0);
    for (size_t i = 0; i < v.size(); i += 4099) ASSERT_EQ(v[i], 0.0);
    v[v.size() - 1] = 2.5;
    EXPECT_EQ(v.back(), 2.5);
  }
}

}  // namespace
}  // namespace qmac::par
