// qmac's own scratchpad model (README "Memory"): one SRAM per operand, split in
// two halves when double-buffered, and one DRAM channel shared by every
// transfer. The fold sequence drives it, one step per fold (O(folds)):
//
// * Tiles. Fold f needs an A tile and a B tile (plan.hpp's ranges: WS A M x kn,
//   B kn x cn; IS A kn x cn, B kn x N; OS A mn x K, B K x nn). A tile is
//   fetched when the fold before used another tile of that operand; an operand
//   that fits its whole SRAM is fetched once (each tile at first use) and stays.
//   Otherwise every change of tile re-fetches (counted in refetched_tiles_*: the
//   tiling re-reads an operand its buffer cannot keep).
// * Double buffering. Tile j of an operand goes to half j % 2 and may be
//   fetched once the last fold using tile j - 2 has ended; single-buffered,
//   once tile j - 1's last fold has ended. A tile larger than its half (or
//   than the buffer) is streamed through it: the fetch starts when the fold
//   before ends, the fold starts once a half-buffer has arrived, and it cannot
//   end before the last byte has.
// * DRAM. Transfers are served one after another in the order the schedule
//   issues them: a transfer of n bytes issued at cycle t starts at
//   max(t, channel free), occupies the channel ceil(n / bandwidth) cycles and
//   its data is resident `latency` cycles after it ends.
// * Outputs. WS/IS accumulate a column tile's partial sums (nx x cn words of
//   the output buffer's width) in C over its k-folds, then write the outputs
//   back (memory.output_format's width) when its last k-fold ends; the column
//   tile after next (single-buffered: the next) waits until that write-back is
//   done. A partial-sum tile larger than its half spills: after each k-fold it
//   is written to DRAM and read back before the next. OS writes each fold's
//   outputs once, when the tile drains at the fold's end.
// * Stalls. A fold starts when the one before has ended, its tiles are
//   resident and its output space is free; double-buffered WS/IS also need the
//   next fold's stationary tile, which shifts into the shadow registers during
//   this fold's first R cycles (and fold 0's before the prologue).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "models/memory/memory.hpp"

namespace qmac::memory {

namespace {

using array::Dataflow;
using array::Fold;
using array::Schedule;

struct Channel {
  double bytes_per_cycle;
  uint64_t latency;
  uint64_t free = 0;
  // Returns the cycle the transfer's data is resident.
  uint64_t transfer(uint64_t issue, double bytes) {
    const uint64_t start = std::max(issue, free);
    const uint64_t busy = uint64_t(std::ceil(bytes / bytes_per_cycle));
    free = start + busy;
    return free + latency;
  }
};

// One input operand's buffer.
struct Operand {
  double capacity = 0;   // bytes
  double word = 1;       // bytes per word
  bool fits_whole = false;
  std::set<int64_t> fetched;     // fits_whole: tiles already resident
  int64_t current = -1;          // tile id in use by the last fold
  uint64_t current_ready = 0;
  std::vector<uint64_t> tile_last_end;  // per distinct tile j (in order of use): end of its last fold
  uint64_t fetches = 0, refetches = 0;
  std::map<int64_t, int> seen;   // tile id -> times fetched
};

struct TileRef {
  int64_t id;
  uint64_t words;
};

// The A and B tiles of a fold (ids distinct per tile of that operand).
TileRef tile_a(const Schedule& s, size_t f) {
  const Fold& x = s.folds[f];
  switch (s.dataflow) {
    case Dataflow::ws: return {x.k0, uint64_t(s.M) * uint64_t(x.kn)};
    case Dataflow::is: return {int64_t(f), uint64_t(x.kn) * uint64_t(x.cn)};
    case Dataflow::os: return {x.m0, uint64_t(x.mn) * uint64_t(s.K)};
  }
  return {0, 0};
}
TileRef tile_b(const Schedule& s, size_t f) {
  const Fold& x = s.folds[f];
  switch (s.dataflow) {
    case Dataflow::ws: return {int64_t(f), uint64_t(x.kn) * uint64_t(x.cn)};
    case Dataflow::is: return {x.k0, uint64_t(x.kn) * uint64_t(s.N)};
    case Dataflow::os: return {x.c0, uint64_t(s.K) * uint64_t(x.cn)};
  }
  return {0, 0};
}

class Scratchpad {
 public:
  Scratchpad(const Config& cfg, const Schedule& s, const WordBytes& b)
      : cfg_(cfg), s_(s), b_(b), ch_{cfg.dram_bandwidth, cfg.dram_latency} {
    if (!(cfg.dram_bandwidth > 0)) throw MemoryError("memory.dram.bandwidth must be positive (bytes per cycle)");
    if (!(cfg.sram_kib_a > 0 && cfg.sram_kib_b > 0 && cfg.sram_kib_c > 0))
      throw MemoryError("memory.sram_kib.{a,b,c} must be positive");
    op_[0].capacity = cfg.sram_kib_a * 1024;
    op_[1].capacity = cfg.sram_kib_b * 1024;
    op_[0].word = b.a;
    op_[1].word = b.b;
    op_[0].fits_whole = double(s.M) * double(s.K) * b.a <= op_[0].capacity;
    op_[1].fits_whole = double(s.K) * double(s.N) * b.b <= op_[1].capacity;
    c_capacity_ = cfg.sram_kib_c * 1024;
    const size_t n = s.folds.size();
    start_.assign(n, 0);
    ready_[0].assign(n, 0);
    ready_[1].assign(n, 0);
    need_.assign(n, 0);
    fold_bytes_.assign(n, 0);
  }

  Report run() {
    const Schedule& s = s_;
    const size_t n = s.folds.size();
    const bool db_array = s.double_buffer;  // shadow stationary registers (WS/IS)
    const int stat = s.dataflow == Dataflow::ws ? 1 : 0;  // the stationary operand (WS: B, IS: A)
    Report r;
    r.model = Model::scratchpad;
    add_sram_traffic(s, r.words);

    // Fold 0's tiles, issued at cycle 0.
    fetch(0, 0, 0);
    fetch(1, 0, 0);
    uint64_t first = 0;
    if (db_array && s.dataflow != Dataflow::os) first = ready_[stat][0];  // the prologue shifts it in
    uint64_t prev_end = first + s.prologue;
    for (size_t f = 0; f < n; ++f) {
      uint64_t st = std::max({prev_end, ready_[0][f], ready_[1][f], need_[f]});
      // Double-buffered WS/IS: the next fold's stationary tile shifts into the
      // shadow registers during this fold's first R cycles.
      if (db_array && f + 1 < n) {
        fetch(stat, f + 1, 0);
        st = std::max(st, ready_[stat][f + 1]);
      }
      start_[f] = st;
      const uint64_t end = st + s.tau;
      note_end(0, f, end);
      note_end(1, f, end);
      outputs(f, end);
      prev_end = end;
      if (f + 1 < n) {
        fetch(0, f + 1, 0);
        fetch(1, f + 1, 0);
      }
    }

    r.stalls.before_first = first;
    r.stalls.before_fold.resize(n);
    uint64_t expected = first + s.prologue;
    for (size_t f = 0; f < n; ++f) {
      r.stalls.before_fold[f] = start_[f] - expected;
      expected = start_[f] + s.tau;
      r.stall_cycles += r.stalls.before_fold[f];
    }
    r.stall_cycles += first;
    r.stalls.ready_a = ready_[0];
    r.stalls.ready_b = ready_[1];
    r.cycles = expected;

    r.words.dram_reads_a = r.words.sram_writes_a = fetched_words_[0];
    r.words.dram_reads_b = r.words.sram_writes_b = fetched_words_[1];
    r.words.dram_reads_c = psum_reads_;
    r.words.dram_writes_c = out_words_ + psum_writes_;
    r.refetched_tiles_a = op_[0].refetches;
    r.refetched_tiles_b = op_[1].refetches;
    r.spilled_tiles_c = spilled_tiles_;
    fill_bytes(r, b_);
    r.bytes.dram_writes_c = double(out_words_) * b_.out + double(psum_writes_) * b_.psum;
    r.dram_bandwidth_avg = r.cycles ? r.bytes.dram_total() / double(r.cycles) : 0;
    for (size_t f = 0; f < n; ++f) {
      const uint64_t span = (f + 1 < n ? start_[f + 1] : r.cycles) - start_[f];
      r.dram_bandwidth_peak = std::max(r.dram_bandwidth_peak, fold_bytes_[f] / double(span));
    }
    return r;
  }

 private:
  // Makes operand x's tile of fold f resident (if it is not): issues its fetch
  // no earlier than `not_before` and when its buffer half is free.
  void fetch(int x, size_t f, uint64_t not_before) {
    if (f >= s_.folds.size()) return;
    Operand& o = op_[x];
    if (fetch_done_[x] > f) return;  // already handled (double-buffered stationary)
    fetch_done_[x] = f + 1;
    const TileRef t = x == 0 ? tile_a(s_, f) : tile_b(s_, f);
    const double bytes = double(t.words) * o.word;
    bool needs = false;
    if (o.fits_whole)
      needs = o.fetched.insert(t.id).second;
    else
      needs = t.id != o.current;
    if (!needs) {
      ready_[x][f] = o.current_ready;
      if (o.fits_whole && t.id != o.current) ready_[x][f] = tile_ready_[x][t.id];
      o.current = t.id;
      fold_tile_[x].push_back(o.tile_last_end.empty() ? 0 : o.tile_last_end.size() - 1);
      return;
    }
    const size_t j = o.tile_last_end.size();  // this is distinct tile j of the operand
    o.tile_last_end.push_back(0);
    fold_tile_[x].push_back(j);
    const double half = cfg_.double_buffered ? o.capacity / 2 : o.capacity;
    const bool oversized = bytes > half && !o.fits_whole;
    uint64_t issue = not_before;
    if (!o.fits_whole) {
      // The half (or buffer) this tile overwrites is free once the tile held
      // there has been used for the last time.
      const size_t back = cfg_.double_buffered && !oversized ? 2 : 1;
      if (j >= back) issue = std::max(issue, o.tile_last_end[j - back]);
      if (oversized && j >= 2 && cfg_.double_buffered) issue = std::max(issue, o.tile_last_end[j - 2]);
    }
    uint64_t ready;
    if (oversized) {
      // Streamed through the buffer: the fold may start when a half-buffer has
      // arrived and must not end before the last byte has.
      const uint64_t first_part = ch_.transfer(issue, half);
      const uint64_t all = ch_.transfer(ch_.free, bytes - half);
      ready = std::max(first_part, all > s_.tau ? all - s_.tau : 0);
    } else {
      ready = ch_.transfer(issue, bytes);
    }
    ++o.fetches;
    if (o.seen[t.id]++ > 0) ++o.refetches;
    fetched_words_[x] += t.words;
    fold_bytes_[f] += bytes;
    o.current = t.id;
    o.current_ready = ready;
    tile_ready_[x][t.id] = ready;
    ready_[x][f] = ready;
  }

  // Fold f of operand x ended at `end`: the tile it used is free after that.
  void note_end(int x, size_t f, uint64_t end) {
    Operand& o = op_[x];
    uint64_t& e = o.tile_last_end[fold_tile_[x][f]];
    e = std::max(e, end);
  }

  // The output side of fold f (ended at `end`): write-backs, spills, and the
  // output space the following folds need.
  void outputs(size_t f, uint64_t end) {
    const Schedule& s = s_;
    const Fold& x = s.folds[f];
    const size_t n = s.folds.size();
    if (s.dataflow == Dataflow::os) {
      // The tile drains into C at the fold's end and goes straight back to DRAM;
      // fold f + 2 (single-buffered: f + 1) drains into the same space.
      const uint64_t words = uint64_t(x.mn) * uint64_t(x.cn);
      const uint64_t done = ch_.transfer(end, double(words) * b_.out);
      out_words_ += words;
      fold_bytes_[f] += double(words) * b_.out;
      const size_t next = f + (cfg_.double_buffered ? 2 : 1);
      // The next user of this space must not drain (end) before it is free.
      if (next < n) need_[next] = std::max(need_[next], done > s.tau ? done - s.tau + 1 : 0);
      return;
    }
    const bool last_k = x.k0 + x.kn >= s.K;
    const uint64_t words = uint64_t(s.nx) * uint64_t(x.cn);
    const double half = cfg_.double_buffered ? c_capacity_ / 2 : c_capacity_;
    const bool spill = double(words) * b_.psum > half;
    if (spill && x.k0 == 0) ++spilled_tiles_;
    if (last_k) {
      const uint64_t done = ch_.transfer(end, double(words) * b_.out);
      out_words_ += words;
      fold_bytes_[f] += double(words) * b_.out;
      // The column tile after next (single-buffered: the next) reuses this space.
      const size_t tiles_ahead = cfg_.double_buffered ? 2 : 1;
      size_t g = f + 1, seen = 0;
      while (g < n) {  // first fold of the tiles_ahead-th following column tile
        if (s.folds[g].k0 == 0 && ++seen == tiles_ahead) break;
        ++g;
      }
      if (g < n && !spill) need_[g] = std::max(need_[g], done);
    } else if (spill) {
      // Partial sums leave for DRAM and come back before the next k-fold.
      const uint64_t written = ch_.transfer(end, double(words) * b_.psum);
      psum_writes_ += words;
      fold_bytes_[f] += double(words) * b_.psum;
      const uint64_t back = ch_.transfer(written, double(words) * b_.psum);
      psum_reads_ += words;
      fold_bytes_[f] += double(words) * b_.psum;
      if (f + 1 < n) need_[f + 1] = std::max(need_[f + 1], back);
    }
  }

  const Config& cfg_;
  const Schedule& s_;
  WordBytes b_;
  Channel ch_;
  Operand op_[2];
  double c_capacity_ = 0;
  size_t fetch_done_[2] = {0, 0};
  std::vector<uint64_t> start_, ready_[2], need_;
  std::vector<size_t> fold_tile_[2];  // per fold, the index of the distinct tile it uses
  std::vector<double> fold_bytes_;
  std::map<int64_t, uint64_t> tile_ready_[2];
  uint64_t fetched_words_[2] = {0, 0};
  uint64_t out_words_ = 0, psum_writes_ = 0, psum_reads_ = 0, spilled_tiles_ = 0;
};

}  // namespace

Report simulate_scratchpad(const Config& cfg, const Schedule& s, const WordBytes& b) {
  return Scratchpad(cfg, s, b).run();
}

}  // namespace qmac::memory
