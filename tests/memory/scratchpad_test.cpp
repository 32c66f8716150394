// The scratchpad model's timeline and counts, by hand on small cases, and the
// properties every configuration must have.
#include <gtest/gtest.h>

#include <random>

#include "models/memory/memory.hpp"

namespace qmac::memory {
namespace {

array::ArrayOptions opts(int R, int C, array::Dataflow d, bool db = false) {
  array::ArrayOptions o;
  o.rows = R;
  o.cols = C;
  o.dataflow = d;
  o.double_buffer = db;
  return o;
}

Config scratch(double bw, uint64_t latency, double kib = 64) {
  Config c;
  c.model = Model::scratchpad;
  c.dram_bandwidth = bw;
  c.dram_latency = latency;
  c.sram_kib_a = c.sram_kib_b = c.sram_kib_c = kib;
  return c;
}

const WordBytes kInt8{1, 1, 4, 4};

// WS 4x4, M = 8, K = 8, N = 4: two k-folds (k0 = 0, 4) of one column tile,
// tau = 2*4 + 4 + 8 - 2 = 18. DRAM 1 byte/cycle, latency 10, buffers large.
//   fold 0: A tile (8 x 4 = 32 B) on the channel 0..32, resident at 42;
//           B tile (4 x 4 = 16 B) 32..48, resident at 58  -> fold 0 starts at 58
//   fold 1: A (32 B) 48..80 -> 90, B (16 B) 80..96 -> 106 -> starts at 106 (fold 0 ended at 76: 30 stall)
//   the 8 x 4 outputs (INT32, 128 B) go back after fold 1 ends (124).
TEST(Scratchpad_Timeline, HandComputedWeightStationary) {
  const array::Schedule s = array::make_schedule(opts(4, 4, array::Dataflow::ws), 8, 8, 4, 1);
  const Report r = simulate(scratch(1, 10), s, kInt8);
  ASSERT_EQ(r.stalls.before_fold.size(), 2u);
  EXPECT_EQ(r.stalls.before_first, 0u);
  EXPECT_EQ(r.stalls.before_fold[0], 58u);
  EXPECT_EQ(r.stalls.before_fold[1], 30u);
  EXPECT_EQ(r.stall_cycles, 88u);
  EXPECT_EQ(r.cycles, 124u);
  EXPECT_EQ(r.stalls.ready_a, (std::vector<uint64_t>{42, 90}));
  EXPECT_EQ(r.stalls.ready_b, (std::vector<uint64_t>{58, 106}));
  EXPECT_EQ(r.words.dram_reads_a, 64u);
  EXPECT_EQ(r.words.dram_reads_b, 32u);
  EXPECT_EQ(r.words.dram_writes_c, 32u);
  EXPECT_DOUBLE_EQ(r.bytes.dram_writes_c, 128.0);
  // SRAM: A 8 x 4 per fold streamed, B 4 x 4, C 8 x 4 written per fold and read back on the second k-fold.
  EXPECT_EQ(r.words.sram_reads_a, 64u);
  EXPECT_EQ(r.words.sram_reads_b, 32u);
  EXPECT_EQ(r.words.sram_writes_c, 64u);
  EXPECT_EQ(r.words.sram_reads_c, 32u);
}

// Single-buffered, the next tile can only load after the fold using the
// buffer ended: fold 1's A (32 B) and B (16 B) are fetched from cycle 76
// (fold 0: 58..76), resident at 76 + 32 + 10 = 118 and 76 + 48 + 10 = 134.
TEST(Scratchpad_Timeline, SingleBufferedWaitsForTheFold) {
  const array::Schedule s = array::make_schedule(opts(4, 4, array::Dataflow::ws), 8, 8, 4, 1);
  Config c = scratch(1, 10, 0.03125);  // 32 B per buffer: A (64 B) does not fit whole
  c.double_buffered = false;
  const Report r = simulate(c, s, WordBytes{1, 1, 1, 1});
  ASSERT_EQ(r.stalls.before_fold.size(), 2u);
  EXPECT_EQ(r.stalls.before_fold[0], 58u);
  EXPECT_EQ(r.stalls.before_fold[1], 134u - 76u);
}

// OS 2x2 over M = 4, N = 4, K = 3: A row tiles (2 x 3) are reused along a
// row of folds, B column tiles (3 x 2) are re-fetched for every row tile when
// B (12 B) does not fit its buffer.
TEST(Scratchpad_Counts, OperandThatDoesNotFitIsRefetched) {
  const array::Schedule s = array::make_schedule(opts(2, 2, array::Dataflow::os), 4, 3, 4, 1);
  Config c = scratch(4, 0, 0.0078125);  // 8 B buffers, halves of 4 B: every tile (6 B) is streamed
  const Report small = simulate(c, s, WordBytes{1, 1, 1, 1});
  EXPECT_EQ(small.words.dram_reads_a, 12u);      // each row tile once (reused by the next fold)
  EXPECT_EQ(small.words.dram_reads_b, 2u * 12u); // every column tile once per row tile
  EXPECT_EQ(small.refetched_tiles_b, 2u);
  EXPECT_EQ(small.refetched_tiles_a, 0u);
  const Report big = simulate(scratch(4, 0), s, WordBytes{1, 1, 1, 1});
  EXPECT_EQ(big.words.dram_reads_b, 12u);
  EXPECT_EQ(big.refetched_tiles_b, 0u);
  EXPECT_LE(big.stall_cycles, small.stall_cycles);
}

// Partial sums wider than their buffer spill: written after each k-fold and
// read back before the next; the output buffer's width moves the bytes.
TEST(Scratchpad_Counts, PartialSumsSpillWhenTheBufferIsSmall) {
  const array::Schedule s = array::make_schedule(opts(4, 4, array::Dataflow::ws), 16, 12, 4, 1);  // 3 k-folds
  Config c = scratch(8, 20, 0.125);  // C halves of 64 B < 16 x 4 x 4 B of partial sums
  const Report r = simulate(c, s, kInt8);
  EXPECT_EQ(r.spilled_tiles_c, 1u);
  EXPECT_EQ(r.words.dram_reads_c, 2u * 64u);             // before k-folds 1 and 2
  EXPECT_EQ(r.words.dram_writes_c, 2u * 64u + 64u);      // two spills + the outputs
  EXPECT_DOUBLE_EQ(r.bytes.dram_writes_c, 2 * 64 * 4 + 64 * 4.0);
  Config roomy = c;
  roomy.sram_kib_c = 64;
  const Report q = simulate(roomy, s, kInt8);
  EXPECT_EQ(q.spilled_tiles_c, 0u);
  EXPECT_EQ(q.words.dram_reads_c, 0u);
  EXPECT_LT(q.stall_cycles, r.stall_cycles);
  // Outputs requantised to 8 bits before write-back move a quarter of the bytes.
  const Report requant = simulate(roomy, s, WordBytes{1, 1, 4, 1});
  EXPECT_DOUBLE_EQ(requant.bytes.dram_writes_c, q.bytes.dram_writes_c / 4);
}

// Over random shapes and configurations: stalls never negative (the timeline
// is consistent), more bandwidth never stalls more, ideal memory never stalls,
// and every operand word crosses the DRAM interface at least once.
TEST(Scratchpad_Properties, RandomConfigurations) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> dim(1, 40), arr(1, 8), lat(0, 50), kib(0, 4);
  const double kibs[] = {0.0625, 0.25, 1, 4, 64};
  for (int trial = 0; trial < 300; ++trial) {
    const auto d = array::Dataflow(trial % 3);
    const array::Schedule s =
        array::make_schedule(opts(arr(rng), arr(rng), d, trial % 2 == 0), dim(rng), dim(rng), dim(rng), 1 + trial % 3);
    Config c = scratch(double(1 + trial % 16), uint64_t(lat(rng)), kibs[kib(rng)]);
    c.double_buffered = trial % 5 != 0;
    const Report r = simulate(c, s, kInt8);
    array::Schedule t = s;
    array::apply_stalls(t, r.stalls);
    EXPECT_EQ(t.clocked, r.cycles);
    EXPECT_EQ(t.stall_cycles, r.stall_cycles);
    EXPECT_GE(r.words.dram_reads_a, uint64_t(s.M) * uint64_t(s.K));
    EXPECT_GE(r.words.dram_reads_b, uint64_t(s.K) * uint64_t(s.N));
    EXPECT_GE(r.words.dram_writes_c, uint64_t(s.M) * uint64_t(s.N));
    for (size_t f = 0; f < s.folds.size(); ++f) {
      EXPECT_LE(r.stalls.ready_a[f], t.start[f]);
      EXPECT_LE(r.stalls.ready_b[f], t.start[f]);
    }
    Config fast = c;
    fast.dram_bandwidth *= 4;
    EXPECT_LE(simulate(fast, s, kInt8).stall_cycles, r.stall_cycles);
    EXPECT_EQ(simulate(Config{}, s, kInt8).stall_cycles, 0u);
  }
}

TEST(Scratchpad_Errors, BadConfigurationIsAFormatError) {
  const array::Schedule s = array::make_schedule(opts(4, 4, array::Dataflow::ws), 8, 8, 4, 1);
  EXPECT_THROW(simulate(scratch(0, 1), s, kInt8), MemoryError);
  EXPECT_THROW(simulate(scratch(1, 1, 0), s, kInt8), MemoryError);
  EXPECT_THROW(parse_model("dram"), MemoryError);
}

}  // namespace
}  // namespace qmac::memory
