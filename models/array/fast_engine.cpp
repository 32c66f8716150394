#include "models/array/fast_engine.hpp"

#include <algorithm>
#include <type_traits>

#include "models/mac/mac_bits.hpp"

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

// Sum of the Hamming distances between consecutive codes of a sequence.
template <class Code>
uint64_t sequence_toggles(const Code* s, size_t n) {
  uint64_t t = 0;
  for (size_t i = 1; i < n; ++i) t += uint64_t(popc(uint32_t(s[i] ^ s[i - 1])));
  return t;
}

// The per-fold evaluation (see fast_engine.hpp). State that lives across folds
// (registers keep their contents from one fold to the next, and toggles are
// counted against them): per PE the multiplier's last valid operand codes
// (operand isolation holds them between valid MACs), the accumulator /
// partial-sum register and the stationary register; per feeder chain its last
// input code.
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
    }
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
  void pe_stream(size_t pe, const Ops& ops, size_t n, typename Store::T* chain, size_t terms_before) {
    uint64_t prev_p = bits_.product(last_a_[pe], last_b_[pe]);
    if constexpr (kTables && std::is_same_v<Store, IntStore>) {
      if (int_.products) {
        pe_stream_int64(pe, ops, n, chain, prev_p, terms_before);
        return;
      }
    }
    uint64_t pt = 0, at = 0;
    num::AccValue v{};
    uint64_t prev_acc = bits_.acc(Store::load(acc_[pe]));
    for (size_t k = 0; k < n; ++k) {
      const uint32_t a = ops.a(k), b = ops.b(k);
      if (chain) v = Store::load(chain[k]);
      mac_.mac(v, a, b, res_.stats);
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
    finish_stream(pe, ops, n, Store::save(v), pt, at);
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
  void pe_stream_int64(size_t pe, const Ops& ops, size_t n, int64_t* chain, uint64_t prev_p, size_t terms_before) {
    const size_t terms = chain ? terms_before + 1 : n;
    const __int128 bound = static_cast<__int128>(max_abs_product_) * static_cast<__int128>(terms);
    const bool safe = bound <= int_.max && -bound >= int_.min;
    if (chain) {
      if (safe)
        int64_loop<true, false>(pe, ops, n, chain, prev_p);
      else
        int64_loop<true, true>(pe, ops, n, chain, prev_p);
    } else {
      if (safe)
        int64_loop<false, false>(pe, ops, n, chain, prev_p);
      else
        int64_loop<false, true>(pe, ops, n, chain, prev_p);
    }
  }
  template <bool kChain, bool kChecked, class Ops>
  void int64_loop(size_t pe, const Ops& ops, size_t n, int64_t* chain, uint64_t prev_p) {
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
      if (kChecked && __builtin_expect(s < lo || s > hi, 0)) s = overflowing_mac(in, ops.a(k), ops.b(k));
      if (kChain) chain[k] = s;
      v = s;
      at += uint64_t(mac::popcount64((uint64_t(s) ^ uint64_t(prev)) & mask));
      prev = s;
      const uint64_t pb = pbits[ix];
      pt += uint64_t(mac::popcount64(pb ^ prev_p));
      prev_p = pb;
    }
    finish_stream(pe, ops, n, v, pt, at);
  }
  // The rare sum that leaves the register's range: num::Mac wraps or saturates
  // and counts it.
  __attribute__((noinline)) int64_t overflowing_mac(int64_t in, uint32_t a, uint32_t b) {
    num::AccValue t;
    t.i = in;
    mac_.mac(t, a, b, res_.stats);
    return static_cast<int64_t>(t.i);
  }

  template <class Ops>
  void finish_stream(size_t pe, const Ops& ops, size_t n, typename Store::T last, uint64_t pt, uint64_t at) {
    num::Activity& act = res_.activity;
    act.acc_toggles += at;
    act.product_toggles += pt;
    act.fwd_reg_toggles += pt * uint64_t(p_.P - 1);  // the product pipeline registers
    act.macs += n;
    last_a_[pe] = Code(ops.a(n - 1));
    last_b_[pe] = Code(ops.b(n - 1));
    acc_[pe] = last;
  }

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

  // WS/IS fold fi starting at global cycle g0: R preload cycles, then the
  // stream (double-buffered: the stream at once, the next tile preloading
  // into the shadow registers meanwhile).
  void fold_ws_is(int fi, uint64_t g0) {
    const Fold& f = p_.folds[size_t(fi)];
    const int R = p_.R, C = p_.C, nx = p_.nx;
    const uint64_t span = p_.span(size_t(fi));  // the fold and any stall after it (feeders idle)
    num::Activity& act = res_.activity;

    // Streaming feeders: row i sends X[r][k0+i] in fold cycle lead + i + r
    // (zero code outside the tile and outside the stream).
    const uint64_t lead = p_.lead;
    xt_.resize(size_t(f.kn) * size_t(nx));
    for (int i = 0; i < R; ++i) {
      ChainToggles& ch = row_chain_[size_t(i)];
      const bool streams = i < f.kn;
      if (lead + uint64_t(i) > 0 || !streams) act.fwd_reg_toggles += ch.set(g0, 0);
      if (streams) {
        Code* row = xt_.data() + size_t(i) * size_t(nx);
        for (int r = 0; r < nx; ++r) {
          row[r] = Code(p_.xcode(r, f.k0 + i));
          act.fwd_reg_toggles += ch.set(g0 + lead + uint64_t(i + r), row[r]);
        }
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
    for (int i = 0; i < f.kn; ++i) xtog_[size_t(i)] = sequence_toggles(xt_.data() + size_t(i) * nx, size_t(nx));

    // Each used column: partial sums flow down rows 0..kn-1 (PE (i,j) adds
    // X[r][k0+i] * S[k0+i][c0+j] to row i-1's partial sum of stream row r, r
    // ascending), pass through rows kn..R-1 and leave into the output buffer.
    psum_.resize(size_t(nx));
    const bool x_is_a = p_.x_is_a;
    for (int j = 0; j < f.cn; ++j) {
      std::fill(psum_.begin(), psum_.end(), Store::save(num::AccValue{}));
      for (int i = 0; i < f.kn; ++i) {
        const size_t pe = size_t(i) * C + size_t(j);
        const Code* xs = xt_.data() + size_t(i) * nx;
        const Code* sc = &stat_[pe];
        const uint32_t lx = x_is_a ? last_a_[pe] : last_b_[pe], ls = x_is_a ? last_b_[pe] : last_a_[pe];
        const uint64_t xt = uint64_t(popc(uint32_t(xs[0]) ^ lx)) + xtog_[size_t(i)];
        const uint64_t st = uint64_t(popc(uint32_t(*sc) ^ ls));
        act.mult_a_toggles += x_is_a ? xt : st;
        act.mult_b_toggles += x_is_a ? st : xt;
        if (x_is_a)
          pe_stream(pe, XaOps{xs, *sc, size_t(*sc) << a_bits_}, size_t(nx), psum_.data(), size_t(i));
        else
          pe_stream(pe, XbOps{xs, *sc, size_t(*sc) << b_bits_}, size_t(nx), psum_.data(), size_t(i));
      }
      if (f.kn < R) {  // rows outside the tile pass the partial sums through
        raw_.resize(size_t(nx));
        for (int r = 0; r < nx; ++r) raw_[size_t(r)] = bits_.acc(Store::load(psum_[size_t(r)]));
        uint64_t seq = 0;
        for (int r = 1; r < nx; ++r) seq += uint64_t(mac::popcount64(raw_[size_t(r)] ^ raw_[size_t(r) - 1]));
        for (int i = f.kn; i < R; ++i) {
          const size_t pe = size_t(i) * C + size_t(j);
          act.psum_reg_toggles += uint64_t(mac::popcount64(raw_[0] ^ bits_.acc(Store::load(acc_[pe])))) + seq;
          acc_[pe] = psum_[size_t(nx) - 1];
        }
      }
      for (int r = 0; r < nx; ++r)
        buffer_.add(p_.out_index(r, f.c0 + j), Store::load(psum_[size_t(r)]), res_.stats, act);
    }
  }

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
    bt_.resize(size_t(f.cn) * size_t(K));
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
    for (int j = 0; j < C; ++j) {
      ChainToggles& ch = col_chain_[size_t(j)];
      if (j > 0 || j >= f.cn) act.fwd_reg_toggles += ch.set(g0, 0);
      if (j < f.cn) {
        Code* col = bt_.data() + size_t(j) * size_t(K);
        for (int k = 0; k < K; ++k) {
          col[k] = Code(p_.b[size_t(k) * size_t(p_.N) + size_t(f.c0 + j)]);
          act.fwd_reg_toggles += ch.set(g0 + uint64_t(j + k), col[k]);
        }
      }
      if (uint64_t(j + K) < span) act.fwd_reg_toggles += ch.set(g0 + uint64_t(j + K), 0);
    }
    xtog_.resize(size_t(f.mn) + size_t(f.cn));
    for (int i = 0; i < f.mn; ++i) xtog_[size_t(i)] = sequence_toggles(at_.data() + size_t(i) * K, size_t(K));
    for (int j = 0; j < f.cn; ++j)
      xtog_[size_t(f.mn + j)] = sequence_toggles(bt_.data() + size_t(j) * K, size_t(K));
    for (int i = 0; i < f.mn; ++i)
      for (int j = 0; j < f.cn; ++j) {
        const size_t pe = size_t(i) * C + size_t(j);
        const Code* as = at_.data() + size_t(i) * K;
        const Code* bs = bt_.data() + size_t(j) * K;
        act.mult_a_toggles += uint64_t(popc(uint32_t(as[0]) ^ last_a_[pe])) + xtog_[size_t(i)];
        act.mult_b_toggles += uint64_t(popc(uint32_t(bs[0]) ^ last_b_[pe])) + xtog_[size_t(f.mn + j)];
        pe_stream(pe, PairOps{as, bs, b_bits_}, size_t(K), nullptr, 0);
        buffer_.add(size_t(f.m0 + i) * p_.N + size_t(f.c0 + j), Store::load(acc_[pe]), res_.stats, act);
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
  // Per-fold scratch: the streamed operand tile by array row (xt_[i * nx + r]),
  // the OS operand tiles (at_[i * K + k], bt_[j * K + k]), per-row operand
  // toggles, one column's partial sums and their raw bits, the preload chain.
  std::vector<Code> xt_, at_, bt_, ext_;
  std::vector<uint64_t> xtog_, raw_;
  std::vector<typename Store::T> psum_;
  // Operands of at most 8 bits: product bits (and integer products) by table.
  static constexpr bool kTables = sizeof(Code) == 1;
  int a_bits_ = 0, b_bits_ = 0;
  uint64_t acc_mask_ = ~uint64_t{0};  // integer/fixed register bits
  num::Mac::Int64Path int_;
  uint64_t max_abs_product_ = 0;
  std::vector<uint64_t> prod_bits_;
  std::vector<int64_t> prod_int_;
};

template <class Code>
std::unique_ptr<FastKernel> make_kernel_for_code(const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                                                 RunResult& result) {
  const num::AccumulatorSpec& acc = mac.spec().acc;
  if (acc.kind == num::AccKind::floating) return std::make_unique<Kernel<Code, FloatStore>>(plan, mac, buffer, result);
  if (acc.width <= 64) return std::make_unique<Kernel<Code, IntStore>>(plan, mac, buffer, result);
  return std::make_unique<Kernel<Code, WideStore>>(plan, mac, buffer, result);
}

std::unique_ptr<FastKernel> make_kernel(const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                                        RunResult& result) {
  const int bits = std::max(mac.spec().a.bits(), mac.spec().b.bits());
  if (bits <= 8) return make_kernel_for_code<uint8_t>(plan, mac, buffer, result);
  if (bits <= 16) return make_kernel_for_code<uint16_t>(plan, mac, buffer, result);
  return make_kernel_for_code<uint32_t>(plan, mac, buffer, result);
}

}  // namespace

FastArray::FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                     RunResult& result)
    : sc_core::sc_module(name), plan_(plan), result_(result), kernel_(make_kernel(plan, mac, buffer, result)) {
  SC_METHOD(step);  // first run at time 0 (cycle 0), then as it schedules itself
}

// One step at each event of the timeline: the prologue at `first`, each fold
// at its start; the cycles up to the next event (the rest of the fold, a
// stall) are clocked without work, and the run stops when the timeline ends.
void FastArray::step() {
  if (cycle_ == plan_.clocked) {
    sc_core::sc_stop();
    return;
  }
  if (cycle_ == plan_.first) kernel_->prologue();
  if (next_fold_ < plan_.folds.size() && cycle_ == plan_.start[next_fold_]) {
    kernel_->fold(int(next_fold_), cycle_);
    // The fold's last output word reaches the output buffer in this fold cycle
    // (the kernel adds all of the fold's words now; the pe engine's drain
    // sees each one in its cycle).
    result_.last_write_cycle = cycle_ + plan_.last_write_offset(next_fold_);
    ++next_fold_;
  }
  uint64_t next = plan_.clocked;
  if (next_fold_ < plan_.folds.size()) next = std::min(next, plan_.start[next_fold_]);
  if (cycle_ < plan_.first) next = std::min(next, plan_.first);
  const uint64_t cycles = next - cycle_;
  result_.activity.cycles += cycles;
  result_.activity.pe_cycles += cycles * uint64_t(plan_.R) * uint64_t(plan_.C);
  cycle_ = next;
  next_trigger(sc_core::sc_time(double(cycles), sc_core::SC_NS));
}

}  // namespace qmac::array
