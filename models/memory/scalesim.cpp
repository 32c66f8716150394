// SCALE-Sim v2's memory model (scalesim-project/scale-sim-v2, commit 22f88b1:
// scalesim/memory/{read_buffer,read_buffer_estimate_bw,write_buffer}.py and
// double_buffered_scratchpad_mem.py), re-implemented from its documented
// behaviour and code reading for GEMM layers (SCALE-Sim's "gemm" topologies:
// ifmap = A, M x K; filter = B, K x N; ofmap = C), with 1-byte words and a
// buffer split half active, half prefetch/drain, as SCALE-Sim runs them.
//
// SCALE-Sim replays, cycle by cycle, the addresses the array demands (its
// "demand matrices", one line of R or C addresses per cycle, skewed as the
// systolic array consumes them) against three buffers:
// * Read buffers (ifmap, filter), user bandwidth (InterfaceBandwidth USER, bw
//   words/cycle): the operand's prefetch order (the operand matrix tiled by
//   folds, rolled out by anti-diagonals where the demand is skewed) is cut into
//   sets of ceil(capacity/100) words. The active buffer is a window of sets
//   (half the capacity); the first demand fetches it (ceil(half/bw) lines of bw
//   words, finishing the cycle before). A demanded word outside the window
//   slides it by the prefetch half (circularly over the sets) and fetches
//   ceil(half/bw) more lines, which take that many cycles plus one after the
//   previous fetch; the demand waits for the fetch (a stall). DRAM reads count
//   every fetched line in full.
// * Read buffers, CALC mode (no user bandwidth): never stall; the words
//   demanded that are not in the last 50 sets of earlier demands (sets of
//   capacity/100 words formed in demand order) are fetched, and the fetch rate
//   that keeps up with the demand is the reported bandwidth.
// * The write buffer (ofmap): outputs fill it; once more than the drain half
//   is occupied, the half is written back at bw words/cycle (CALC: C words per
//   cycle); a full buffer stalls until the write-back ends; at the end the
//   rest drains.
// A line's stall is the largest of the three buffers'; every later line moves
// by it. qmac inserts each fold's stall cycles before that fold.
//
// Cost: O(demanded words) -- SCALE-Sim's model is address-level; qmac keeps
// only a set index per operand element, no address matrices.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "models/memory/memory.hpp"

namespace qmac::memory {

namespace {

using array::Dataflow;
using array::Schedule;

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// An operand's prefetch order (create_*_prefetch_mat): a stack of fold tiles,
// rows x cols (padding where a tile is narrower than the array), flattened row
// by row or rolled out by anti-diagonals (row descending within one). Every
// line of the operand's demand is a contiguous run of this order (a row, or
// an anti-diagonal, of the stack), so the buffers address words by their
// index in it: one pass over the operand to build, O(1) per demanded run.
struct Layout {
  int64_t rows = 0, cols = 0;
  bool diagonal = false;
  std::vector<int64_t> diag_start;  // diagonal: index of each anti-diagonal's first element
  std::vector<uint32_t> before;     // valid (non-padding) elements before each index; size rows*cols + 1

  template <class Valid>
  Layout(int64_t r, int64_t c, bool diag, Valid valid) : rows(r), cols(c), diagonal(diag) {
    before.resize(size_t(rows * cols) + 1);
    uint32_t n = 0;
    size_t i = 0;
    if (!diagonal) {
      for (int64_t x = 0; x < rows; ++x)
        for (int64_t y = 0; y < cols; ++y) {
          before[i++] = n;
          n += valid(x, y) ? 1 : 0;
        }
    } else {
      diag_start.resize(size_t(rows + cols));
      for (int64_t d = 0; d < rows + cols; ++d) {
        diag_start[size_t(d)] = int64_t(i);
        const int64_t hi = std::min(d, rows - 1), lo = std::max<int64_t>(0, d - cols + 1);
        for (int64_t x = hi; x >= lo; --x) {
          before[i++] = n;
          n += valid(x, d - x) ? 1 : 0;
        }
      }
    }
    before[i] = n;
  }
  int64_t size() const { return rows * cols; }
  int64_t valid_count() const { return before.back(); }
  // Index of element (r, c) of the stack in the order.
  int64_t index(int64_t r, int64_t c) const {
    if (!diagonal) return r * cols + c;
    const int64_t d = r + c;
    return diag_start[size_t(d)] + c - std::max<int64_t>(0, d - (rows - 1));
  }
};

// A demand line's words of one operand: `n` consecutive indices from `first`.
struct Run {
  int64_t first = 0, n = 0;
};

// SCALE-Sim's read_buffer.py in user-bandwidth mode.
class ReadBuffer {
 public:
  ReadBuffer(double bytes, int64_t bw, const Layout& order) : bw_(bw), order_(order) {
    total_ = int64_t(std::floor(bytes));  // word size 1
    active_size_ = int64_t(std::ceil(double(total_) * 0.5));
    prefetch_size_ = total_ - active_size_;
    eps_ = cdiv(total_, 100);
    fetch_rows_ = cdiv(order.size(), bw_);
    num_sets_ = order.valid_count() / eps_ + 1;
    const int64_t max_active = cdiv(active_size_, eps_), max_prefetch = cdiv(prefetch_size_, eps_);
    n_active_ = std::min(num_sets_, max_active);
    n_prefetch_ = std::min(num_sets_ - n_active_, max_prefetch);
  }

  // Serves one demand line at `cycle`; returns the line's stall. The run's
  // words lie in consecutive sets (valid elements pos..pos+n-1 of the order, a
  // set every eps_ of them): checking each set once, in order, is the same as
  // checking each word (a word of a set already found is a hit).
  int64_t service(int64_t cycle, Run run) {
    if (!started_) {
      started_ = true;
      const int64_t lines = std::min(cdiv(active_size_, bw_), fetch_rows_);
      accesses_ += uint64_t(lines * bw_);
      first_ = cycle - lines;
      last_ = cycle - 1;
      start_ = 0;
      end_ = n_active_;
    }
    int64_t offset = 1;  // hit latency
    if (run.n > 0) {
      const int64_t pos = order_.before[size_t(run.first)];
      for (int64_t set = pos / eps_; set <= (pos + run.n - 1) / eps_; ++set)
        while (!hit(set)) {
          prefetch();
          offset = std::max(offset, last_ - cycle);
        }
    }
    return offset - 1;
  }
  uint64_t accesses() const { return accesses_; }
  int64_t first() const { return first_; }
  int64_t last() const { return last_; }

 private:
  bool hit(int64_t s) const {
    if (start_ < end_) return s >= start_ && s < end_;
    return s >= start_ || s < end_;
  }
  void prefetch() {
    if (n_prefetch_ == 0) throw MemoryError("scalesim: a demanded word can never enter the read buffer");
    start_ = (start_ + n_prefetch_) % num_sets_;
    end_ = (start_ + n_active_) % num_sets_;
    const int64_t lines = cdiv(prefetch_size_, bw_);
    accesses_ += uint64_t(lines * bw_);
    last_ += lines + 1;  // requests from last + 1, one line per cycle, served one cycle later
  }

  int64_t bw_;
  const Layout& order_;
  int64_t total_, active_size_, prefetch_size_, eps_, fetch_rows_, num_sets_, n_active_, n_prefetch_;
  bool started_ = false;
  int64_t start_ = 0, end_ = 0, first_ = 0, last_ = -1;
  uint64_t accesses_ = 0;
};

// SCALE-Sim's read_buffer_estimate_bw.py (CALC mode). Words are named by
// their index in the operand's order (each element has exactly one).
class ReadBufferCalc {
 public:
  ReadBufferCalc(double bytes, const Layout& order) {
    const int64_t total = int64_t(std::floor(bytes));
    items_ = total / 100;
    latest_.assign(size_t(order.size()), kNone);
  }
  void service(int64_t cycle, Run run) {
    if (!seen_first_ && run.n > 0) {
      seen_first_ = true;
      first_req_ = cycle;
    }
    for (int64_t e = run.first; e < run.first + run.n; ++e) manage(cycle, e);
  }
  void complete() {
    if (elems_current_ > 0) {
      // the open set is kept
    } else {
      --current_;
    }
    if (!active_done_) {
      last_end_ = -1 - 1;
      const int64_t sets = current_ + 1;
      const int64_t needed = cdiv(sets * items_, kDefaultBw);
      last_start_ = last_end_ - needed + 1;
      trace(needed);
    } else {
      trace(last_end_ - last_start_ + 1);
    }
    accesses_ = adds_;
  }
  uint64_t accesses() const { return accesses_; }
  int64_t first() const { return first_; }
  int64_t last() const { return last_; }

 private:
  static constexpr int64_t kDefaultBw = 10;  // single_layer_sim.py: "10 elems per cycle is arbitrary"
  static constexpr int64_t kSets = 50;       // active_buf_frac 0.5 of 100 sets

  void manage(int64_t cycle, int64_t e) {
    const uint32_t s = latest_[size_t(e)];
    const int64_t hi = std::min(current_, read_end_ + 1);
    if (s != kNone && int64_t(s) >= read_start_ && int64_t(s) < hi) return;  // hit
    if (s != kNone && int64_t(s) == current_) return;                      // in the open set
    latest_[size_t(e)] = uint32_t(current_);
    ++adds_;
    if (++elems_current_ != items_) return;
    elems_current_ = 0;
    ++current_;
    if (current_ != read_end_ + 1) return;
    if (!active_done_) {
      last_end_ = first_req_ - 1 - 1;
      const int64_t needed = cdiv(kSets * items_, kDefaultBw);
      last_start_ = last_end_ - needed + 1;
      trace(needed);
      active_done_ = true;
    } else {
      trace(last_end_ - last_start_ + 1);
    }
    read_start_ += kSets;
    read_end_ += kSets;
    last_start_ = last_end_ + 1;
    last_end_ = cycle;
  }
  // A prefetch of `rows` request lines from last_start_, each served a cycle later.
  void trace(int64_t rows) {
    if (rows <= 0) return;
    if (!traced_) first_ = last_start_ + 1;
    traced_ = true;
    last_ = last_start_ + rows;
  }

  int64_t items_ = 1;
  std::vector<uint32_t> latest_;
  int64_t current_ = 0, elems_current_ = 0, read_start_ = 0, read_end_ = kSets - 1;
  int64_t last_start_ = -2, last_end_ = -1, first_req_ = 0;
  bool seen_first_ = false, active_done_ = false, traced_ = false;
  uint64_t adds_ = 0, accesses_ = 0;
  int64_t first_ = 0, last_ = 0;
};

// SCALE-Sim's write_buffer.py.
class WriteBuffer {
 public:
  WriteBuffer(double bytes, int64_t bw) : bw_(bw) {
    total_ = int64_t(std::floor(bytes));
    const int64_t active = int64_t(std::ceil(double(total_) * 0.5));
    drain_size_ = total_ - active;
    free_ = total_;
  }
  // `words` outputs written in the line at `cycle`; returns the cycle the line
  // is served. SCALE-Sim checks after every word; the words between two
  // events (a drain starts, a full buffer waits) are taken in one step.
  int64_t service(int64_t cycle, int64_t words) {
    int64_t current = cycle;
    while (words > 0) {
      if (current < drain_end_) {  // draining: a word that leaves no free space waits for the drain
        const int64_t k = free_ > 0 ? std::min(words, free_) : 1;
        store(k);
        words -= k;
        if (free_ <= 0) current = drain_end_;
      } else {  // more than the drain half occupied: drain it
        const int64_t threshold = total_ - drain_size_;
        const int64_t k = free_ >= threshold ? std::min(words, free_ - threshold + 1) : 1;
        store(k);
        words -= k;
        if (free_ < threshold) {
          flush();
          drain_end_ = drain(current);
        }
      }
    }
    return current;
  }
  void empty_all(int64_t cycle) {
    flush();
    while (drain_start_ < rows_.size()) {
      drain_end_ = drain(cycle);
      cycle = drain_end_ + 1;
    }
  }
  uint64_t accesses() const { return accesses_; }
  int64_t first() const { return first_; }
  int64_t last() const { return last_; }
  bool drained() const { return traced_; }

 private:
  void store(int64_t k) {
    free_ -= k;
    line_fill_ += k;
    for (; line_fill_ >= bw_; line_fill_ -= bw_) rows_.push_back(bw_);
  }
  void flush() {
    if (line_fill_ != 0) rows_.push_back(line_fill_);
    line_fill_ = 0;
  }
  int64_t drain(int64_t start) {
    const size_t lines = size_t(cdiv(drain_size_, bw_));
    const size_t end = std::min(drain_start_ + lines, rows_.size());
    const int64_t n = int64_t(end - drain_start_);
    if (n <= 0) return start;
    const int64_t data = (n - 1) * bw_ + rows_[end - 1];  // only the last line's padding is discounted
    accesses_ += uint64_t(data);
    if (!traced_) first_ = start;
    traced_ = true;
    last_ = start + n - 1;
    free_ += data;
    drain_start_ = end;
    return start + n - 1;
  }

  int64_t bw_, total_, drain_size_, free_;
  int64_t line_fill_ = 0, drain_end_ = 0;
  std::vector<int64_t> rows_;  // trace lines: words in each (bw, or fewer when forced out)
  size_t drain_start_ = 0;
  bool traced_ = false;
  uint64_t accesses_ = 0;
  int64_t first_ = 0, last_ = 0;
};

}  // namespace

Report simulate_scalesim(const Config& cfg, const Schedule& s, const WordBytes& b) {
  if (s.P != 1 || s.double_buffer)
    throw MemoryError(
        "memory.model: scalesim reproduces SCALE-Sim, whose array has single-stage MACs and no shadow stationary "
        "registers; use mac.pipeline_stages: 1 and array.double_buffer: false (or memory.model: scratchpad)");
  if (!cfg.double_buffered)
    throw MemoryError("memory.model: scalesim buffers are always split active/prefetch (memory.double_buffered: true)");
  const int64_t R = s.R, C = s.C, M = s.M, K = s.K, N = s.N;
  const bool calc = cfg.dram_bandwidth == 0;
  const int64_t bw = calc ? 0 : int64_t(cfg.dram_bandwidth);
  const Dataflow df = s.dataflow;

  // Fold order and tiles (SCALE-Sim: column folds outer, row folds inner).
  //   WS: Sr = K (rows), Sc = N (cols), T = M;  OS: Sr = M, Sc = N, T = K;  IS: Sr = K, Sc = M, T = N.
  const int64_t Sr = df == Dataflow::os ? M : K, Sc = df == Dataflow::is ? M : N;
  const int64_t T = df == Dataflow::ws ? M : df == Dataflow::os ? K : N;
  const int64_t row_folds = cdiv(Sr, R), col_folds = cdiv(Sc, C);

  // The prefetch orders (create_*_prefetch_mat): stacks of fold tiles, a
  // padding column where a fold is narrower than the array.
  //   WS: A (row_folds*M) x R rolled (row fr*M + m, col i: A[m][fr*R + i]); B (col_folds*K) x C flat.
  //   OS: A (row_folds*K) x R rolled (A[fr*R + i][k]); B (col_folds*K) x C rolled (B[k][fc*C + j]).
  //   IS: A (col_folds*K) x C flat (A[fc*C + j][k]); B (row_folds*N) x R rolled (B[fr*R + i][n]).
  auto within = [](int64_t fold_row_count, int64_t side, int64_t limit) {
    return [=](int64_t r, int64_t c) { return (r / fold_row_count) * side + c < limit; };
  };
  const Layout la = df == Dataflow::ws   ? Layout(row_folds * M, R, true, within(M, R, K))
                    : df == Dataflow::os ? Layout(row_folds * K, R, true, within(K, R, M))
                                         : Layout(col_folds * K, C, false, within(K, C, M));
  const Layout lb = df == Dataflow::ws   ? Layout(col_folds * K, C, false, within(K, C, N))
                    : df == Dataflow::os ? Layout(col_folds * K, C, true, within(K, C, N))
                                         : Layout(row_folds * N, R, true, within(N, R, K));

  const double bytes_a = cfg.sram_kib_a * 1024, bytes_b = cfg.sram_kib_b * 1024, bytes_c = cfg.sram_kib_c * 1024;
  std::unique_ptr<ReadBuffer> ua, ub;
  std::unique_ptr<ReadBufferCalc> ca, cb;
  if (calc) {
    ca = std::make_unique<ReadBufferCalc>(bytes_a, la);
    cb = std::make_unique<ReadBufferCalc>(bytes_b, lb);
  } else {
    ua = std::make_unique<ReadBuffer>(bytes_a, bw, la);
    ub = std::make_unique<ReadBuffer>(bytes_b, bw, lb);
  }
  WriteBuffer wc(bytes_c, calc ? C : bw);

  Report r;
  r.model = Model::scalesim;
  const size_t nfolds = s.folds.size();
  r.stalls.before_fold.assign(nfolds, 0);
  Counts& w = r.words;
  const int64_t tau = int64_t(s.tau);
  int64_t stall = 0, line_no = 0, last_out = 0;
  for (int64_t fc = 0; fc < col_folds; ++fc)
    for (int64_t fr = 0; fr < row_folds; ++fr) {
      const int64_t r0 = fr * R, rn = std::min(R, Sr - r0), c0 = fc * C, cn = std::min(C, Sc - c0);
      // qmac's fold of the same tile (OS walks m0 outer, n0 inner; WS/IS the same order as SCALE-Sim).
      const size_t qfold = df == Dataflow::os ? size_t(fr * col_folds + fc) : size_t(fc * row_folds + fr);
      switch (df) {
        case Dataflow::ws:
          w.sram_reads_a += uint64_t(T * rn);
          w.sram_reads_b += uint64_t(rn * cn);
          w.sram_writes_c += uint64_t(T * cn);
          break;
        case Dataflow::os:
          w.sram_reads_a += uint64_t(T * rn);
          w.sram_reads_b += uint64_t(T * cn);
          w.sram_writes_c += uint64_t(rn * cn + R + C);  // systolic_compute_os.py counts R + C more per fold
          break;
        case Dataflow::is:
          w.sram_reads_a += uint64_t(rn * cn);
          w.sram_reads_b += uint64_t(T * rn);
          w.sram_writes_c += uint64_t(T * cn);
          break;
      }
      int64_t fold_stall = 0;
      for (int64_t t = 0; t < tau; ++t, ++line_no) {
        // The line's demand (systolic_compute_*.py): a run of each operand's order, and the outputs written.
        Run ra, rb;
        int64_t outs = 0;
        // A skewed run over array rows/cols i in [lo, hi] of anti-diagonal d of a rolled stack.
        auto skewed = [](const Layout& l, int64_t row_base, int64_t lo, int64_t hi, int64_t d) {
          return hi < lo ? Run{} : Run{l.index(row_base + d - lo, lo), hi - lo + 1};
        };
        switch (df) {
          case Dataflow::ws:  // A skewed after R preload lines; B the tile bottom row first; C skewed after 2R-1
            ra = skewed(la, fr * T, std::max<int64_t>(0, t - R - T + 1), std::min(rn - 1, t - R), t - R);
            if (t < R && R - 1 - t < rn) rb = Run{lb.index(fc * K + r0 + R - 1 - t, 0), cn};
            outs = std::max<int64_t>(0, std::min(cn - 1, t - 2 * R + 1) - std::max<int64_t>(0, t - 2 * R + 2 - T) + 1);
            break;
          case Dataflow::os: {  // A row i skewed by i, B column j skewed by j; C the flipped tile after K-1
            ra = skewed(la, fr * K, std::max<int64_t>(0, t - K + 1), std::min(rn - 1, t), t);
            rb = skewed(lb, fc * K, std::max<int64_t>(0, t - K + 1), std::min(cn - 1, t), t);
            // column j holds flipped row q = t - (K - 1) - j, original row R - 1 - q < rn
            for (int64_t j = 0; j < cn; ++j) {
              const int64_t q = t - (K - 1) - j;
              if (q >= 0 && q < R && R - 1 - q < rn) ++outs;
            }
            break;
          }
          case Dataflow::is:  // A^T the flipped tile; B^T skewed after R; C skewed after 2R-1
            if (t < R && R - 1 - t < rn) ra = Run{la.index(fc * K + r0 + R - 1 - t, 0), cn};
            rb = skewed(lb, fr * T, std::max<int64_t>(0, t - R - T + 1), std::min(rn - 1, t - R), t - R);
            outs = std::max<int64_t>(0, std::min(cn - 1, t - 2 * R + 1) - std::max<int64_t>(0, t - 2 * R + 2 - T) + 1);
            break;
        }
        const int64_t cycle = line_no + stall;
        int64_t sa = 0, sb = 0;
        if (calc) {
          ca->service(cycle, ra);
          cb->service(cycle, rb);
        } else {
          sa = ua->service(cycle, ra);
          sb = ub->service(cycle, rb);
        }
        const int64_t out = wc.service(cycle, outs);
        last_out = out;
        const int64_t st = std::max({sa, sb, out - cycle});
        stall += st;
        fold_stall += st;
      }
      r.stalls.before_fold[qfold] = uint64_t(fold_stall);
    }
  if (calc) {
    ca->complete();
    cb->complete();
  }
  wc.empty_all(last_out);

  r.stall_cycles = uint64_t(stall);
  w.dram_reads_a = w.sram_writes_a = calc ? ca->accesses() : ua->accesses();
  w.dram_reads_b = w.sram_writes_b = calc ? cb->accesses() : ub->accesses();
  w.dram_writes_c = wc.accesses();
  fill_bytes(r, b);
  r.bytes.dram_writes_c = double(w.dram_writes_c) * b.out;
  // SCALE-Sim's BANDWIDTH_REPORT: each operand's DRAM words over its DRAM
  // trace's span (first to last request cycle, inclusive).
  auto avg = [](uint64_t words, int64_t first, int64_t last) {
    return last >= first ? double(words) / double(last - first + 1) : 0.0;
  };
  r.calc_bandwidth_a = calc ? avg(ca->accesses(), ca->first(), ca->last()) : avg(ua->accesses(), ua->first(), ua->last());
  r.calc_bandwidth_b = calc ? avg(cb->accesses(), cb->first(), cb->last()) : avg(ub->accesses(), ub->first(), ub->last());
  r.calc_bandwidth_c = wc.drained() ? avg(wc.accesses(), wc.first(), wc.last()) : 0.0;
  r.dram_bandwidth_avg = r.calc_bandwidth_a + r.calc_bandwidth_b + r.calc_bandwidth_c;
  r.dram_bandwidth_peak = r.dram_bandwidth_avg;
  r.cycles = s.clocked + r.stall_cycles;
  return r;
}

}  // namespace qmac::memory
