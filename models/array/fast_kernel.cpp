// The fast engine's per-fold evaluation (fast_engine.hpp: FastKernel). State
// that lives across folds (registers keep their contents from one fold to the
// next, and toggles are counted against them): per PE the multiplier's last
// valid operand codes (operand isolation holds them between valid MACs), the
// accumulator / partial-sum register and the stationary register; per feeder
// chain its last input code.
//
// Threads (issue 13): within a fold, columns are independent -- a column's
// PEs, partial sums, output words and (OS) feeder chain belong to it alone --
// so a fold's columns are split into tasks run on the plan's threads. Each
// task counts into its own Activity and MacStats, which are added up after
// the fold (integer sums: the same for any split). The row feeders and the
// preload, which touch every column, run before the tasks. Outputs, cycles
// and every counter are therefore identical for any number of threads.
//
// Vector paths (fast_lanes.hpp): with 8-bit finite codes and an integer
// accumulator that cannot overflow, a natively-added FP32 one, or a fused RNE
// float one, a task takes kLanes adjacent columns and evaluates each PE row of
// them at once; otherwise it runs the scalar per-PE loops below, one column
// at a time. Both do each PE's MACs in the netlist's order.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>

#include "models/array/fast_engine.hpp"
#include "models/array/fast_lanes.hpp"
#include "models/mac/mac_bits.hpp"
#include "models/numerics/codec.hpp"
#include "models/numerics/parallel.hpp"

namespace qmac::array {

namespace {

// Accumulator registers stored compactly (the engine's state must stay in
// cache next to num::Mac's product tables); converted to num::AccValue for
// every arithmetic step, which num::Mac performs.
struct IntStore {  // integer / fixed registers of at most 64 bits
  using T = int64_t;
  static num::AccValue load(T x) {
    num::AccValue v;
    v.i = x;
    return v;
  }
  static T save(const num::AccValue& v) { return static_cast<int64_t>(v.i); }
};
struct FloatStore {
  using T = double;
  static num::AccValue load(T x) {
    num::AccValue v;
    v.f = x;
    return v;
  }
  static T save(const num::AccValue& v) { return v.f; }
};
struct WideStore {  // fixed registers wider than 64 bits
  using T = num::AccValue;
  static num::AccValue load(const T& x) { return x; }
  static T save(const num::AccValue& v) { return v; }
};

int popc(uint32_t x) { return __builtin_popcount(x); }

// A sequence's one bits (s[0], s[stride], ... : n codes).
template <class Code>
uint64_t sequence_ones(const Code* s, size_t n, size_t stride = 1) {
  uint64_t t = 0;
  for (size_t i = 0; i < n; ++i) t += uint64_t(popc(uint32_t(s[i * stride])));
  return t;
}

// A contiguous sequence's Hamming distances between consecutive codes
// (`toggles`) and its one bits (`ones`), in one pass.
template <class Code>
void sequence_counts(const Code* s, size_t n, uint64_t& toggles, uint64_t& ones) {
  toggles = 0;
  ones = n ? uint64_t(popc(uint32_t(s[0]))) : 0;
  for (size_t i = 1; i < n; ++i) {
    toggles += uint64_t(popc(uint32_t(s[i] ^ s[i - 1])));
    ones += uint64_t(popc(uint32_t(s[i])));
  }
}

// Folds smaller than this many MACs run on one thread (waking the pool costs
// more than it saves).
constexpr uint64_t kParallelMacs = uint64_t{1} << 15;

enum class LaneKind { none, integer, f32, fgen };

// What one task counts.
struct Sink {
  num::Activity act;
  num::MacStats stats;
};

template <class Code, class Store>
class Kernel final : public FastKernel {
 public:
  Kernel(const Plan& plan, const num::Mac& mac, OutputBuffer& buffer, RunResult& result)
      : p_(plan), mac_(mac), bits_(mac), buffer_(buffer), res_(result) {
    const size_t pes = size_t(plan.R) * size_t(plan.C);
    last_a_.assign(pes, 0);
    last_b_.assign(pes, 0);
    acc_.assign(pes, Store::save(num::AccValue{}));
    stat_.assign(pes, 0);
    if (plan.double_buffer) shadow_.assign(pes, 0);
    row_chain_.assign(size_t(plan.R), ChainToggles(plan.C, plan.clocked));
    if (plan.dataflow == Dataflow::os) col_chain_.assign(size_t(plan.C), ChainToggles(plan.R, plan.clocked));
    const num::MacSpec& spec = mac.spec();
    a_bits_ = spec.a.bits();
    b_bits_ = spec.b.bits();
    if (spec.acc.kind != num::AccKind::floating && spec.acc.width < 64) acc_mask_ = (uint64_t{1} << spec.acc.width) - 1;
    if constexpr (kTables) {
      // Product tables for 8-bit operands, laid out so a PE's stream with a
      // stationary operand reads one contiguous row: WS (B stationary) indexes
      // (b << bits of A) | a, IS and OS (a << bits of B) | b.
      const bool b_major = plan.dataflow == Dataflow::ws;
      int_ = mac.int64_path();
      const size_t na = size_t{1} << a_bits_, nb = size_t{1} << b_bits_;
      prod_bits_.resize(na * nb);
      if (int_.products) prod_int_.resize(na * nb);
      for (uint32_t a = 0; a < na; ++a)
        for (uint32_t b = 0; b < nb; ++b) {
          const size_t ix = b_major ? (size_t(b) << a_bits_) | a : (size_t(a) << b_bits_) | b;
          prod_bits_[ix] = bits_.product(a, b);
          if (int_.products) {
            prod_int_[ix] = int_.products[mac.table_index(a, b)];
            max_abs_product_ = std::max(max_abs_product_, static_cast<uint64_t>(std::abs(prod_int_[ix])));
          }
        }
      choose_lanes();
    }
    const int threads = std::max(1, plan.threads);
    if (threads > 1) pool_ = std::make_unique<par::Pool>(threads);
    slots_.resize(size_t(threads));
  }

  void fold(int fi, uint64_t g0) override {
    if (p_.dataflow == Dataflow::os)
      fold_os(fi, g0);
    else
      fold_ws_is(fi, g0);
  }
  // Double-buffered WS/IS: the prologue shifts the first tile into the shadows.
  void prologue() override {
    if (p_.double_buffer) preload(shadow_, p_.folds[0]);
  }

 private:
  // Per-thread scratch and counters.
  struct Slot {
    Sink sink;
    std::vector<typename Store::T> psum;  // one column's partial sums (scalar path)
    std::vector<uint64_t> raw;
    std::vector<unsigned char> lane_psum;  // nx * kLanes lane values (vector path, WS/IS)
    std::vector<uint8_t> b_codes;           // K * kLanes (vector path, OS)
    std::vector<unsigned char> b_values;
    std::vector<int64_t> b_lsbs;
  };

  // Runs task(t, slot) for t < tasks, on the pool when the fold is big enough,
  // then adds every slot's counters into the result.
  template <class Task>
  void run_tasks(size_t tasks, uint64_t macs, Task&& task) {
    if (pool_ && tasks > 1 && macs >= kParallelMacs)
      pool_->run(tasks, [&](size_t t, int slot) { task(t, slots_[size_t(slot)]); });
    else
      for (size_t t = 0; t < tasks; ++t) task(t, slots_[0]);
    for (Slot& s : slots_) {
      res_.activity += s.sink.act;
      res_.stats.overflows += s.sink.stats.overflows;
      res_.stats.invalid += s.sink.stats.invalid;
      s.sink = Sink{};
    }
  }

  // ------------------------------------------------------------- lanes setup

  // The vector path this run can take (see the header comment), with its
  // per-code tables.
  void choose_lanes() {
    const num::MacSpec& spec = mac_.spec();
    if (spec.a.bits() > 8 || spec.b.bits() > 8) return;
    // Every code of both operands finite (inf/NaN operands take the scalar path).
    auto all_finite = [](const uint32_t* codes, size_t n, const num::Format& f) {
      if (f.is_int()) return true;
      const std::vector<double> t = num::decode_table(f);
      for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(t[codes[i] & f.code_mask()])) return false;
      return true;
    };
    if (!all_finite(p_.a, size_t(p_.M) * size_t(p_.K), spec.a) || !all_finite(p_.b, size_t(p_.K) * size_t(p_.N), spec.b))
      return;
    const num::ProductRange range = mac_.products();
    const int width = range.fixed_width();
    prod_mask_ = width < 64 ? (uint64_t{1} << width) - 1 : ~uint64_t{0};
    const num::AccumulatorSpec& acc = spec.acc;
    // The most products one register sums within a fold: the chain of a
    // column's rows (WS/IS) or the whole K (OS).
    const uint64_t terms = p_.dataflow == Dataflow::os ? uint64_t(p_.K) : uint64_t(p_.R);
    if (acc.kind == num::AccKind::integer && int_.products && acc.width <= 32 && width <= 32) {
      const __int128 bound = static_cast<__int128>(max_abs_product_) * terms;
      if (bound <= int_.max && -bound >= int_.min && bound < (__int128{1} << 31)) lane_ = LaneKind::integer;
    } else if (acc.kind == num::AccKind::floating) {
      if (mac_.native_fp32()) {
        lane_ = LaneKind::f32;
      } else if (spec.fused && acc.rounding == num::Rounding::rne) {
        const num::FloatFormat& f = acc.format.f;
        if (f.man_bits >= 1 && f.emin() - f.man_bits >= -1000 && f.emax() <= 1000) {
          lane_ = LaneKind::fgen;
          rounding_.shift = 52 - f.man_bits;
          rounding_.low_mask = (uint64_t{1} << rounding_.shift) - 1;
          rounding_.half = uint64_t{1} << (rounding_.shift - 1);
          rounding_.min_biased = uint64_t(f.emin() + 1023);
          rounding_.max_biased = uint64_t(f.emax() + 1023);
          rounding_.max_finite = f.max_finite();
          rounding_.exp_offset = uint64_t(1023 - f.bias) << f.man_bits;
          rounding_.sign_shift = f.bits() - 1;
          rounding_.inf_code = f.has_inf() ? num::code_of(acc.format, HUGE_VAL) : 0;
          rounding_.nan_code = num::code_of(acc.format, NAN);
          rounding_.mac = &mac_;
          rounding_.acc = &mac_.accumulator();
        }
      }
    }
    if (lane_ == LaneKind::none) return;
    fns_ = &lanes::functions();
    tables(spec.a, a_i32_, a_f32_, a_f64_, a_lsbs_);
    tables(spec.b, b_i32_, b_f32_, b_f64_, b_lsbs_);
  }
  static void tables(const num::Format& f, std::vector<int32_t>& i32, std::vector<float>& f32, std::vector<double>& f64,
                     std::vector<int64_t>& lsbs) {
    f64 = num::decode_table(f);
    for (double v : f64) {
      i32.push_back(f.is_int() ? int32_t(v) : 0);
      f32.push_back(float(v));
      lsbs.push_back(std::isfinite(v) ? int64_t(std::ldexp(v, -f.lsb_exponent())) : 0);
    }
  }
  lanes::CodeTables code_tables(bool a) const {
    lanes::CodeTables t;
    t.i32 = a ? a_i32_.data() : b_i32_.data();
    t.f32 = a ? a_f32_.data() : b_f32_.data();
    t.f64 = a ? a_f64_.data() : b_f64_.data();
    t.lsbs = a ? a_lsbs_.data() : b_lsbs_.data();
    return t;
  }
  size_t lane_bytes() const { return lane_ == LaneKind::fgen ? sizeof(double) : 4; }
  // A lane's value as the register's stored form.
  typename Store::T lane_value(const unsigned char* values, size_t idx) const {
    num::AccValue v;
    switch (lane_) {
      case LaneKind::integer: v.i = reinterpret_cast<const int32_t*>(values)[idx]; break;
      case LaneKind::f32: v.f = double(reinterpret_cast<const float*>(values)[idx]); break;
      case LaneKind::fgen: v.f = reinterpret_cast<const double*>(values)[idx]; break;
      case LaneKind::none: break;
    }
    return Store::save(v);
  }

  // --------------------------------------------------------- scalar per PE

  // Operand accessors of one PE's stream of MACs: the codes a(k), b(k) of MAC k
  // and idx(k), the pair's index in the kernel's product tables (prod_bits_, prod_int_).
  // XaOps: streamed A, stationary B (WS); XbOps: stationary A, streamed B (IS);
  // PairOps: both streamed (OS).
  struct XaOps {
    const Code* x;
    uint32_t s;
    size_t base;
    uint32_t a(size_t k) const { return x[k]; }
    uint32_t b(size_t) const { return s; }
    size_t idx(size_t k) const { return base | x[k]; }
  };
  struct XbOps {
    const Code* x;
    uint32_t s;
    size_t base;
    uint32_t a(size_t) const { return s; }
    uint32_t b(size_t k) const { return x[k]; }
    size_t idx(size_t k) const { return base | x[k]; }
  };
  struct PairOps {
    const Code* as;
    const Code* bs;
    int shift;
    uint32_t a(size_t k) const { return as[k]; }
    uint32_t b(size_t k) const { return bs[k]; }
    size_t idx(size_t k) const { return (size_t(as[k]) << shift) | bs[k]; }
  };

  // One PE's n valid MACs of this fold. chain != nullptr (WS/IS): MAC k adds to
  // chain[k], the partial sum arriving from the PE above, and replaces it with
  // the result; chain == nullptr (OS): the accumulator starts from zero and
  // keeps its sum. Counts product, product-pipeline and accumulator-register
  // toggles against the PE's previous contents, and leaves the PE's registers
  // as the last MAC does.
  template <class Ops>
  void pe_stream(Sink& sk, size_t pe, const Ops& ops, size_t n, typename Store::T* chain, size_t terms_before) {
    uint64_t prev_p = bits_.product(last_a_[pe], last_b_[pe]);
    if constexpr (kTables && std::is_same_v<Store, IntStore>) {
      if (int_.products) {
        pe_stream_int64(sk, pe, ops, n, chain, prev_p, terms_before);
        return;
      }
    }
    uint64_t pt = 0, at = 0, nf = 0;
    num::AccValue v{};
    uint64_t prev_acc = bits_.acc(Store::load(acc_[pe]));
    for (size_t k = 0; k < n; ++k) {
      const uint32_t a = ops.a(k), b = ops.b(k);
      if (chain) v = Store::load(chain[k]);
      // An integer or fixed register leaves f at zero: only a float one counts.
      nf += uint64_t(!std::isfinite(v.f));
      mac_.mac(v, a, b, sk.stats);
      if (chain) chain[k] = Store::save(v);
      const uint64_t raw = bits_.acc(v);
      at += uint64_t(mac::popcount64(raw ^ prev_acc));
      prev_acc = raw;
      uint64_t pb;
      if constexpr (kTables)
        pb = prod_bits_[ops.idx(k)];
      else
        pb = bits_.product(a, b);
      pt += uint64_t(mac::popcount64(pb ^ prev_p));
      prev_p = pb;
    }
    finish_stream(sk, pe, ops, n, Store::save(v), pt, at, nf);
  }

  // pe_stream for integer registers of at most 62 bits and 8-bit operands: the
  // sum stays in int64 and the product comes from the table; a sum outside the
  // register's range (wrap, saturate, counting) goes through num::Mac. When no
  // sum of this stream can leave the range, the range check is skipped: every
  // sum is a sum of `terms` products of magnitude at most max_abs_product_
  // (WS/IS: the partial sum of the terms_before PEs above plus this one's; OS:
  // the n products of the accumulator), and none of the partial sums before it
  // can have wrapped either (they are sums of fewer products). The loops work
  // on locals only so the compiler keeps them in registers.
  template <class Ops>
  void pe_stream_int64(Sink& sk, size_t pe, const Ops& ops, size_t n, int64_t* chain, uint64_t prev_p,
                       size_t terms_before) {
    const size_t terms = chain ? terms_before + 1 : n;
    const __int128 bound = static_cast<__int128>(max_abs_product_) * static_cast<__int128>(terms);
    const bool safe = bound <= int_.max && -bound >= int_.min;
    if (chain) {
      if (safe)
        int64_loop<true, false>(sk, pe, ops, n, chain, prev_p);
      else
        int64_loop<true, true>(sk, pe, ops, n, chain, prev_p);
    } else {
      if (safe)
        int64_loop<false, false>(sk, pe, ops, n, chain, prev_p);
      else
        int64_loop<false, true>(sk, pe, ops, n, chain, prev_p);
    }
  }
  template <bool kChain, bool kChecked, class Ops>
  void int64_loop(Sink& sk, size_t pe, const Ops& ops, size_t n, int64_t* chain, uint64_t prev_p) {
    const int64_t* const prod = prod_int_.data();
    const uint64_t* const pbits = prod_bits_.data();
    const int64_t lo = int_.min, hi = int_.max;
    const uint64_t mask = acc_mask_;
    int64_t prev = acc_[pe], v = 0;
    uint64_t pt = 0, at = 0;
    for (size_t k = 0; k < n; ++k) {
      const size_t ix = ops.idx(k);
      const int64_t in = kChain ? chain[k] : v;
      int64_t s = in + prod[ix];
      if (kChecked && __builtin_expect(s < lo || s > hi, 0)) s = overflowing_mac(sk, in, ops.a(k), ops.b(k));
      if (kChain) chain[k] = s;
      v = s;
      at += uint64_t(mac::popcount64((uint64_t(s) ^ uint64_t(prev)) & mask));
      prev = s;
      const uint64_t pb = pbits[ix];
      pt += uint64_t(mac::popcount64(pb ^ prev_p));
      prev_p = pb;
    }
    finish_stream(sk, pe, ops, n, v, pt, at, 0);
  }
  // The rare sum that leaves the register's range: num::Mac wraps or saturates
  // and counts it.
  __attribute__((noinline)) int64_t overflowing_mac(Sink& sk, int64_t in, uint32_t a, uint32_t b) {
    num::AccValue t;
    t.i = in;
    mac_.mac(t, a, b, sk.stats);
    return static_cast<int64_t>(t.i);
  }

  template <class Ops>
  void finish_stream(Sink& sk, size_t pe, const Ops& ops, size_t n, typename Store::T last, uint64_t pt, uint64_t at,
                     uint64_t nonfinite) {
    num::Activity& act = sk.act;
    act.acc_toggles += at;
    act.acc_nonfinite_macs += nonfinite;
    act.product_toggles += pt;
    act.fwd_reg_toggles += pt * uint64_t(p_.P - 1);  // the product pipeline registers
    act.macs += n;
    last_a_[pe] = Code(ops.a(n - 1));
    last_b_[pe] = Code(ops.b(n - 1));
    acc_[pe] = last;
  }

  // ----------------------------------------------------------- preload

  // Shifts a tile into a column-wise chain of stationary registers (R steps):
  // each column's registers are fed from the top with tile rows, ...,
  // 0 (zero codes outside the tile). Register i holds, after step t, element
  // t - i of the chain's extended input e, where e[p] = top input of step p
  // (p >= 0) and e[-1-q] = register q's old contents. The step-to-step change
  // e[p-1] -> e[p] passes every register i with 0 <= p + i <= R - 1, i.e.
  // R - |p| registers.
  void preload(std::vector<Code>& regs, const Fold& tile) {
    const int R = p_.R, C = p_.C;
    num::Activity& act = res_.activity;
    ext_.resize(2 * size_t(R));
    for (int j = 0; j < C; ++j) {
      for (int q = 0; q < R; ++q) ext_[size_t(R - 1 - q)] = regs[size_t(q) * C + j];  // e[-1-q] at R-1-q
      for (int t = 0; t < R; ++t) {
        const int krow = R - 1 - t;
        ext_[size_t(R + t)] =
            krow < tile.kn && j < tile.cn ? Code(p_.scode(tile.k0 + krow, tile.c0 + j)) : Code(0);
      }
      for (int p = -R + 1; p <= R - 1; ++p)
        act.fwd_reg_toggles +=
            uint64_t(popc(uint32_t(ext_[size_t(R + p)] ^ ext_[size_t(R + p - 1)]))) * uint64_t(R - std::abs(p));
      for (int i = 0; i < R; ++i) regs[size_t(i) * C + j] = ext_[size_t(R + R - 1 - i)];
    }
  }

  // ----------------------------------------------------------------- WS/IS

  // WS/IS fold fi starting at global cycle g0: R preload cycles, then the
  // stream (double-buffered: the stream at once, the next tile preloading
  // into the shadow registers meanwhile).
  void fold_ws_is(int fi, uint64_t g0) {
    const Fold& f = p_.folds[size_t(fi)];
    const int R = p_.R, nx = p_.nx;
    const uint64_t span = p_.span(size_t(fi));  // the fold and any stall after it (feeders idle)
    num::Activity& act = res_.activity;

    // Streaming feeders: row i sends X[r][k0+i] in fold cycle lead + i + r
    // (zero code outside the tile and outside the stream).
    const uint64_t lead = p_.lead;
    xt_.resize(size_t(f.kn) * size_t(nx));
    // The tile in the order X is laid out in memory (X's rows are contiguous
    // in k for WS, in r for IS), then the chains row by row.
    if (p_.x_k == 1) {
      for (int r = 0; r < nx; ++r)
        for (int i = 0; i < f.kn; ++i) xt_[size_t(i) * size_t(nx) + size_t(r)] = Code(p_.xcode(r, f.k0 + i));
    } else {
      for (int i = 0; i < f.kn; ++i)
        for (int r = 0; r < nx; ++r) xt_[size_t(i) * size_t(nx) + size_t(r)] = Code(p_.xcode(r, f.k0 + i));
    }
    for (int i = 0; i < R; ++i) {
      ChainToggles& ch = row_chain_[size_t(i)];
      const bool streams = i < f.kn;
      if (lead + uint64_t(i) > 0 || !streams) act.fwd_reg_toggles += ch.set(g0, 0);
      if (streams) {
        const Code* row = xt_.data() + size_t(i) * size_t(nx);
        for (int r = 0; r < nx; ++r) act.fwd_reg_toggles += ch.set(g0 + lead + uint64_t(i + r), row[r]);
      }
      if (lead + uint64_t(i + nx) < span) act.fwd_reg_toggles += ch.set(g0 + lead + uint64_t(i + nx), 0);
    }

    if (!p_.double_buffer) {
      preload(stat_, f);  // fold cycles 0..R-1
    } else {
      // Fold cycle 0: every PE copies its shadow register into the active one;
      // then (cycles 0..R-1) the next fold's tile shifts into the shadows.
      for (size_t pe = 0; pe < stat_.size(); ++pe) {
        act.fwd_reg_toggles += uint64_t(popc(uint32_t(stat_[pe] ^ shadow_[pe])));
        stat_[pe] = shadow_[pe];
      }
      if (size_t(fi) + 1 < p_.folds.size()) preload(shadow_, p_.folds[size_t(fi) + 1]);
    }

    // Multiplier operand toggles of the streamed operand, per row (the same
    // sequence passes every PE of the row).
    xtog_.resize(size_t(f.kn));
    xones_.resize(size_t(f.kn));
    for (int i = 0; i < f.kn; ++i) {
      sequence_counts(xt_.data() + size_t(i) * nx, size_t(nx), xtog_[size_t(i)], xones_[size_t(i)]);
    }

    const uint64_t macs = uint64_t(f.kn) * uint64_t(f.cn) * uint64_t(nx);
    if (lane_ != LaneKind::none) {
      const size_t groups = size_t((f.cn + lanes::kLanes - 1) / lanes::kLanes);
      run_tasks(groups, macs, [&](size_t g, Slot& s) {
        const int j0 = int(g) * lanes::kLanes;
        ws_is_lanes(f, j0, std::min(lanes::kLanes, f.cn - j0), s);
      });
    } else {
      run_tasks(size_t(f.cn), macs, [&](size_t j, Slot& s) { ws_is_column(f, int(j), s); });
    }
  }

  // The multiplier-operand toggles of PE `pe` for its stream this fold: the
  // streamed operand's sequence (xtog_) from the held code, the stationary
  // operand from the held one.
  void ws_is_operand_toggles(Sink& sk, size_t pe, int i, const Code* xs, Code s) const {
    const bool x_is_a = p_.x_is_a;
    const uint32_t lx = x_is_a ? last_a_[pe] : last_b_[pe], ls = x_is_a ? last_b_[pe] : last_a_[pe];
    const uint64_t xt = uint64_t(popc(uint32_t(xs[0]) ^ lx)) + xtog_[size_t(i)];
    const uint64_t st = uint64_t(popc(uint32_t(s) ^ ls));
    sk.act.mult_a_toggles += x_is_a ? xt : st;
    sk.act.mult_b_toggles += x_is_a ? st : xt;
    // The stationary code is at the multiplier for all nx MACs of the stream.
    const uint64_t xo = xones_[size_t(i)], so = uint64_t(popc(uint32_t(s))) * uint64_t(p_.nx);
    sk.act.mult_a_ones += x_is_a ? xo : so;
    sk.act.mult_b_ones += x_is_a ? so : xo;
  }

  // Rows kn..R-1 of a column pass the partial sums through; raw[r] are the
  // raw bits of the column's partial sums, `last` the final one.
  void pass_through(Sink& sk, const Fold& f, int j, const std::vector<uint64_t>& raw, typename Store::T last) {
    const int nx = p_.nx;
    uint64_t seq = 0;
    for (int r = 1; r < nx; ++r) seq += uint64_t(mac::popcount64(raw[size_t(r)] ^ raw[size_t(r) - 1]));
    for (int i = f.kn; i < p_.R; ++i) {
      const size_t pe = size_t(i) * p_.C + size_t(j);
      sk.act.psum_reg_toggles += uint64_t(mac::popcount64(raw[0] ^ bits_.acc(Store::load(acc_[pe])))) + seq;
      acc_[pe] = last;
    }
  }

  // One column j of the fold: partial sums flow down rows 0..kn-1 (PE (i,j)
  // adds X[r][k0+i] * S[k0+i][c0+j] to row i-1's partial sum of stream row r,
  // r ascending), pass through rows kn..R-1 and leave into the output buffer.
  void ws_is_column(const Fold& f, int j, Slot& s) {
    const int nx = p_.nx;
    Sink& sk = s.sink;
    s.psum.assign(size_t(nx), Store::save(num::AccValue{}));
    for (int i = 0; i < f.kn; ++i) {
      const size_t pe = size_t(i) * p_.C + size_t(j);
      const Code* xs = xt_.data() + size_t(i) * nx;
      const Code sc = stat_[pe];
      ws_is_operand_toggles(sk, pe, i, xs, sc);
      if (p_.x_is_a)
        pe_stream(sk, pe, XaOps{xs, sc, size_t(sc) << a_bits_}, size_t(nx), s.psum.data(), size_t(i));
      else
        pe_stream(sk, pe, XbOps{xs, sc, size_t(sc) << b_bits_}, size_t(nx), s.psum.data(), size_t(i));
    }
    if (f.kn < p_.R) {
      s.raw.resize(size_t(nx));
      for (int r = 0; r < nx; ++r) s.raw[size_t(r)] = bits_.acc(Store::load(s.psum[size_t(r)]));
      pass_through(sk, f, j, s.raw, s.psum[size_t(nx) - 1]);
    }
    for (int r = 0; r < nx; ++r)
      buffer_.add(p_.out_index(r, f.c0 + j), Store::load(s.psum[size_t(r)]), sk.stats, sk.act);
  }

  // Columns j0 .. j0+w-1 at once (w <= kLanes; lanes past w compute on zero
  // codes and are not counted).
  void ws_is_lanes(const Fold& f, int j0, int w, Slot& s) {
    constexpr int L = lanes::kLanes;
    const int nx = p_.nx;
    Sink& sk = s.sink;
    s.lane_psum.resize(size_t(nx) * L * lane_bytes());
    lanes::RowPass rp;
    rp.n = size_t(nx);
    rp.x_is_a = p_.x_is_a;
    rp.xt = code_tables(p_.x_is_a);
    rp.st = code_tables(!p_.x_is_a);
    rp.acc_mask = acc_mask_;
    rp.prod_mask = prod_mask_;
    rp.psum = s.lane_psum.data();
    bool nonfinite = false;  // the partial sums arriving at row i may be inf/NaN
    for (int i = 0; i < f.kn; ++i) {
      const Code* xs = xt_.data() + size_t(i) * nx;
      rp.x = reinterpret_cast<const uint8_t*>(xs);
      rp.first = i == 0;
      rp.nonfinite_in = nonfinite;
      lanes::State st;
      lanes::Counts cnt;
      for (int l = 0; l < L; ++l) {
        const size_t pe = size_t(i) * p_.C + size_t(j0 + l);
        rp.s[l] = l < w ? uint8_t(stat_[pe]) : 0;
        if (l < w) {
          st.acc[l] = bits_.acc(Store::load(acc_[pe]));
          st.prod[l] = bits_.product(last_a_[pe], last_b_[pe]);
        }
      }
      switch (lane_) {
        case LaneKind::integer: fns_->int_row(rp, st, cnt); break;
        case LaneKind::f32: fns_->f32_row(rp, st, cnt); break;
        case LaneKind::fgen: fns_->fgen_row(rp, rounding_, st, cnt, sk.stats); break;
        case LaneKind::none: break;
      }
      nonfinite = cnt.nonfinite_out;
      sk.stats.overflows += cnt.overflows;
      for (int l = 0; l < w; ++l) {
        const size_t pe = size_t(i) * p_.C + size_t(j0 + l);
        ws_is_operand_toggles(sk, pe, i, xs, rp.s[l]);
        sk.act.acc_toggles += cnt.acc[l];
        sk.act.acc_nonfinite_macs += cnt.nonfinite[l];
        sk.act.product_toggles += cnt.prod[l];
        sk.act.fwd_reg_toggles += cnt.prod[l] * uint64_t(p_.P - 1);
        sk.act.macs += uint64_t(nx);
        last_a_[pe] = p_.x_is_a ? xs[nx - 1] : Code(rp.s[l]);
        last_b_[pe] = p_.x_is_a ? Code(rp.s[l]) : xs[nx - 1];
        acc_[pe] = lane_value(s.lane_psum.data(), size_t(nx - 1) * L + size_t(l));
      }
    }
    if (f.kn < p_.R)
      for (int l = 0; l < w; ++l) {
        s.raw.resize(size_t(nx));
        for (int r = 0; r < nx; ++r)
          s.raw[size_t(r)] = bits_.acc(Store::load(lane_value(s.lane_psum.data(), size_t(r) * L + size_t(l))));
        pass_through(sk, f, j0 + l, s.raw, lane_value(s.lane_psum.data(), size_t(nx - 1) * L + size_t(l)));
      }
    // Into the output buffer in its memory order (its words are far larger
    // than the caches: a word per stride would miss every time).
    auto add = [&](int r, int l) {
      buffer_.add(p_.out_index(r, f.c0 + j0 + l),
                  Store::load(lane_value(s.lane_psum.data(), size_t(r) * L + size_t(l))), sk.stats, sk.act);
    };
    if (p_.o_r == 1) {
      for (int l = 0; l < w; ++l)
        for (int r = 0; r < nx; ++r) add(r, l);
    } else {
      for (int r = 0; r < nx; ++r)
        for (int l = 0; l < w; ++l) add(r, l);
    }
  }

  // -------------------------------------------------------------------- OS

  // OS fold starting at global cycle g0: row i sends A[m0+i][k] in fold cycle
  // i + k, column j sends B[k][n0+j] in cycle j + k; PE (i,j) accumulates its
  // output over k ascending from zero and the tile drains into the output
  // buffer at the end of the fold.
  void fold_os(int fi, uint64_t g0) {
    const Fold& f = p_.folds[size_t(fi)];
    const int R = p_.R, C = p_.C, K = p_.K;
    const uint64_t span = p_.span(size_t(fi));  // the fold and any stall after it (feeders idle)
    num::Activity& act = res_.activity;
    at_.resize(size_t(f.mn) * size_t(K));
    for (int i = 0; i < R; ++i) {
      ChainToggles& ch = row_chain_[size_t(i)];
      if (i > 0 || i >= f.mn) act.fwd_reg_toggles += ch.set(g0, 0);  // (row 0's stream starts at g0)
      if (i < f.mn) {
        Code* row = at_.data() + size_t(i) * size_t(K);
        const uint32_t* src = p_.a + size_t(f.m0 + i) * size_t(K);
        for (int k = 0; k < K; ++k) {
          row[k] = Code(src[k]);
          act.fwd_reg_toggles += ch.set(g0 + uint64_t(i + k), row[k]);
        }
      }
      if (uint64_t(i + K) < span) act.fwd_reg_toggles += ch.set(g0 + uint64_t(i + K), 0);
    }
    // Columns outside the tile: their feeder chains carry zeros.
    for (int j = f.cn; j < C; ++j) {
      ChainToggles& ch = col_chain_[size_t(j)];
      act.fwd_reg_toggles += ch.set(g0, 0);
      if (uint64_t(j + K) < span) act.fwd_reg_toggles += ch.set(g0 + uint64_t(j + K), 0);
    }
    xtog_.resize(size_t(f.mn) + size_t(f.cn));
    xones_.resize(size_t(f.mn) + size_t(f.cn));
    for (int i = 0; i < f.mn; ++i) {
      sequence_counts(at_.data() + size_t(i) * K, size_t(K), xtog_[size_t(i)], xones_[size_t(i)]);
    }
    const uint64_t macs = uint64_t(f.mn) * uint64_t(f.cn) * uint64_t(K);
    if (lane_ != LaneKind::none) {
      const size_t groups = size_t((f.cn + lanes::kLanes - 1) / lanes::kLanes);
      run_tasks(groups, macs, [&](size_t g, Slot& s) {
        const int j0 = int(g) * lanes::kLanes;
        os_lanes(f, g0, span, j0, std::min(lanes::kLanes, f.cn - j0), s);
      });
    } else {
      bt_.resize(size_t(f.cn) * size_t(K));
      run_tasks(size_t(f.cn), macs, [&](size_t j, Slot& s) { os_column(f, g0, span, int(j), s); });
    }
  }

  // Column j's feeder chain and B stream (bt_[j * K + k]), and its operand
  // toggle sequence.
  void os_column_feed(Sink& sk, const Fold& f, uint64_t g0, uint64_t span, int j) {
    const int K = p_.K;
    ChainToggles& ch = col_chain_[size_t(j)];
    if (j > 0) sk.act.fwd_reg_toggles += ch.set(g0, 0);
    Code* col = bt_.data() + size_t(j) * size_t(K);
    for (int k = 0; k < K; ++k) {
      col[k] = Code(p_.b[size_t(k) * size_t(p_.N) + size_t(f.c0 + j)]);
      sk.act.fwd_reg_toggles += ch.set(g0 + uint64_t(j + k), col[k]);
    }
    if (uint64_t(j + K) < span) sk.act.fwd_reg_toggles += ch.set(g0 + uint64_t(j + K), 0);
    sequence_counts(col, size_t(K), xtog_[size_t(f.mn + j)], xones_[size_t(f.mn + j)]);
  }

  void os_operand_toggles(Sink& sk, const Fold& f, size_t pe, int i, int j, const Code* as, Code b0) const {
    sk.act.mult_a_toggles += uint64_t(popc(uint32_t(as[0]) ^ last_a_[pe])) + xtog_[size_t(i)];
    sk.act.mult_b_toggles += uint64_t(popc(uint32_t(b0) ^ last_b_[pe])) + xtog_[size_t(f.mn + j)];
    sk.act.mult_a_ones += xones_[size_t(i)];
    sk.act.mult_b_ones += xones_[size_t(f.mn + j)];
  }

  void os_column(const Fold& f, uint64_t g0, uint64_t span, int j, Slot& s) {
    const int K = p_.K;
    Sink& sk = s.sink;
    os_column_feed(sk, f, g0, span, j);
    const Code* bs = bt_.data() + size_t(j) * K;
    for (int i = 0; i < f.mn; ++i) {
      const size_t pe = size_t(i) * p_.C + size_t(j);
      const Code* as = at_.data() + size_t(i) * K;
      os_operand_toggles(sk, f, pe, i, j, as, bs[0]);
      pe_stream(sk, pe, PairOps{as, bs, b_bits_}, size_t(K), nullptr, 0);
      buffer_.add(size_t(f.m0 + i) * p_.N + size_t(f.c0 + j), Store::load(acc_[pe]), sk.stats, sk.act);
    }
  }

  void os_lanes(const Fold& f, uint64_t g0, uint64_t span, int j0, int w, Slot& s) {
    constexpr int L = lanes::kLanes;
    const int K = p_.K;
    Sink& sk = s.sink;
    // The group's B operands step by step (k-major, kLanes per step), read
    // from B row by row: the group's codes of one k sit side by side in B (one
    // cache line), where a column at a time would touch a line and a page per
    // k for each of the w columns (B of a GEMV is larger than the caches and
    // the TLB). Consecutive steps are a row of B (N codes) apart, too far for
    // the hardware prefetcher: the loop prefetches kAhead steps ahead.
    const size_t vb = lane_bytes();
    s.b_codes.resize(size_t(K) * L);
    s.b_values.resize(size_t(K) * L * vb);
    s.b_lsbs.resize(size_t(K) * L);
    constexpr int kAhead = 16;
    const uint32_t* bk = p_.b + size_t(f.c0 + j0);
    const size_t N = size_t(p_.N);
    uint8_t* codes = s.b_codes.data();
    for (int k = 0; k < K; ++k, bk += N, codes += L) {
      if (k + kAhead < K) __builtin_prefetch(bk + kAhead * N);
      if (w == L) {
        for (int l = 0; l < L; ++l) codes[l] = uint8_t(Code(bk[l]));
      } else {
        for (int l = 0; l < L; ++l) codes[l] = l < w ? uint8_t(Code(bk[l])) : 0;
      }
    }
    // The columns' feeder chains (column j's input at cycle g0 + j + k is its
    // code of step k) and operand toggle sequences.
    uint64_t fwd = 0;
    for (int l = 0; l < w; ++l) {
      const int j = j0 + l;
      ChainToggles& ch = col_chain_[size_t(j)];
      if (j > 0) fwd += ch.set(g0, 0);
      fwd += ch.set_sequence(g0 + uint64_t(j), s.b_codes.data() + l, size_t(K), size_t(L), xtog_[size_t(f.mn + j)]);
      xones_[size_t(f.mn + j)] = sequence_ones(s.b_codes.data() + l, size_t(K), size_t(L));
      if (uint64_t(j + K) < span) fwd += ch.set(g0 + uint64_t(j + K), 0);
    }
    sk.act.fwd_reg_toggles += fwd;
    // The values and LSB multiples the lane kernels read, by code.
    const size_t steps = size_t(K) * L;
    for (size_t at = 0; at < steps; ++at) s.b_lsbs[at] = b_lsbs_[s.b_codes[at]];
    switch (lane_) {
      case LaneKind::integer: {
        int32_t* v = reinterpret_cast<int32_t*>(s.b_values.data());
        for (size_t at = 0; at < steps; ++at) v[at] = b_i32_[s.b_codes[at]];
        break;
      }
      case LaneKind::f32: {
        float* v = reinterpret_cast<float*>(s.b_values.data());
        for (size_t at = 0; at < steps; ++at) v[at] = b_f32_[s.b_codes[at]];
        break;
      }
      case LaneKind::fgen: {
        double* v = reinterpret_cast<double*>(s.b_values.data());
        for (size_t at = 0; at < steps; ++at) v[at] = b_f64_[s.b_codes[at]];
        break;
      }
      case LaneKind::none: break;
    }
    if (w < L)  // lanes past the group's columns compute on zeros
      for (size_t at = 0; at < steps; ++at)
        if (int(at % L) >= w) {
          s.b_lsbs[at] = 0;
          std::memset(s.b_values.data() + at * vb, 0, vb);
        }
    lanes::OsPass op;
    op.k = size_t(K);
    op.at = code_tables(true);
    op.bt = code_tables(false);
    op.b = s.b_codes.data();
    op.bv = s.b_values.data();
    op.bi = s.b_lsbs.data();
    op.acc_mask = acc_mask_;
    op.prod_mask = prod_mask_;
    alignas(64) unsigned char out[L * sizeof(double)];
    op.acc_out = out;
    for (int i = 0; i < f.mn; ++i) {
      const Code* as = at_.data() + size_t(i) * K;
      op.a = reinterpret_cast<const uint8_t*>(as);
      lanes::State st;
      lanes::Counts cnt;
      for (int l = 0; l < w; ++l) {
        const size_t pe = size_t(i) * p_.C + size_t(j0 + l);
        st.acc[l] = bits_.acc(Store::load(acc_[pe]));
        st.prod[l] = bits_.product(last_a_[pe], last_b_[pe]);
      }
      switch (lane_) {
        case LaneKind::integer: fns_->int_os(op, st, cnt); break;
        case LaneKind::f32: fns_->f32_os(op, st, cnt); break;
        case LaneKind::fgen: fns_->fgen_os(op, rounding_, st, cnt, sk.stats); break;
        case LaneKind::none: break;
      }
      sk.stats.overflows += cnt.overflows;
      for (int l = 0; l < w; ++l) {
        const int j = j0 + l;
        const size_t pe = size_t(i) * p_.C + size_t(j);
        os_operand_toggles(sk, f, pe, i, j, as, Code(s.b_codes[size_t(l)]));
        sk.act.acc_toggles += cnt.acc[l];
        sk.act.acc_nonfinite_macs += cnt.nonfinite[l];
        sk.act.product_toggles += cnt.prod[l];
        sk.act.fwd_reg_toggles += cnt.prod[l] * uint64_t(p_.P - 1);
        sk.act.macs += uint64_t(K);
        last_a_[pe] = as[K - 1];
        last_b_[pe] = Code(s.b_codes[size_t(K - 1) * L + size_t(l)]);
        acc_[pe] = lane_value(out, size_t(l));
        buffer_.add(size_t(f.m0 + i) * p_.N + size_t(f.c0 + j), Store::load(acc_[pe]), sk.stats, sk.act);
      }
    }
  }

  const Plan& p_;
  const num::Mac& mac_;
  mac::MacBits bits_;
  OutputBuffer& buffer_;
  RunResult& res_;
  std::vector<Code> last_a_, last_b_, stat_, shadow_;
  std::vector<typename Store::T> acc_;
  std::vector<ChainToggles> row_chain_, col_chain_;
  // Per-fold scratch shared by the tasks (each writes its own part): the
  // streamed operand tile by array row (xt_[i * nx + r]), the OS operand
  // tiles (at_[i * K + k], bt_[j * K + k]), per-row and per-column operand
  // toggles, the preload chain.
  std::vector<Code> xt_, at_, bt_, ext_;
  std::vector<uint64_t> xtog_;
  std::vector<uint64_t> xones_;  // ... and their one bits
  // Operands of at most 8 bits: product bits (and integer products) by table.
  static constexpr bool kTables = sizeof(Code) == 1;
  int a_bits_ = 0, b_bits_ = 0;
  uint64_t acc_mask_ = ~uint64_t{0};  // integer/fixed register bits
  num::Mac::Int64Path int_;
  uint64_t max_abs_product_ = 0;
  std::vector<uint64_t> prod_bits_;
  std::vector<int64_t> prod_int_;
  // The vector path, if any, and its tables.
  LaneKind lane_ = LaneKind::none;
  const lanes::Functions* fns_ = nullptr;
  lanes::FloatRounding rounding_;
  uint64_t prod_mask_ = ~uint64_t{0};
  std::vector<int32_t> a_i32_, b_i32_;
  std::vector<float> a_f32_, b_f32_;
  std::vector<double> a_f64_, b_f64_;
  std::vector<int64_t> a_lsbs_, b_lsbs_;
  // Threads: the pool (none for one thread) and one slot per thread.
  std::unique_ptr<par::Pool> pool_;
  std::vector<Slot> slots_;
};

template <class Code>
std::unique_ptr<FastKernel> make_kernel_for_code(const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                                                 RunResult& result) {
  const num::AccumulatorSpec& acc = mac.spec().acc;
  if (acc.kind == num::AccKind::floating) return std::make_unique<Kernel<Code, FloatStore>>(plan, mac, buffer, result);
  if (acc.width <= 64) return std::make_unique<Kernel<Code, IntStore>>(plan, mac, buffer, result);
  return std::make_unique<Kernel<Code, WideStore>>(plan, mac, buffer, result);
}

}  // namespace

std::unique_ptr<FastKernel> make_fast_kernel(const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                                             RunResult& result) {
  const int bits = std::max(mac.spec().a.bits(), mac.spec().b.bits());
  if (bits <= 8) return make_kernel_for_code<uint8_t>(plan, mac, buffer, result);
  if (bits <= 16) return make_kernel_for_code<uint16_t>(plan, mac, buffer, result);
  return make_kernel_for_code<uint32_t>(plan, mac, buffer, result);
}

}  // namespace qmac::array
