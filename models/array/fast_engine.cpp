#include "models/array/fast_engine.hpp"

#include <algorithm>

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

// State per PE (index i*C + j): the multiplier's last valid operand codes (its
// product bits are a function of them; operand isolation keeps them between
// valid MACs), the accumulator / partial-sum register, the stationary register.
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
    row_chain_.assign(size_t(plan.R), ChainToggles(plan.C));
    if (plan.dataflow == Dataflow::os) col_chain_.assign(size_t(plan.C), ChainToggles(plan.R));
  }

  void step(uint64_t cycle) override {
    const int fold = int(cycle / p_.tau);
    const auto t = int64_t(cycle % p_.tau);
    if (t == 0) begin_fold(fold);
    if (p_.dataflow == Dataflow::os)
      step_os(fold, t);
    else
      step_ws_is(fold, t);
  }

 private:
  // Multiplier + accumulate stage of one PE: acc = acc (+) a*b, with toggles.
  void mac_event(size_t pe, uint32_t a, uint32_t b, num::AccValue& v, uint64_t old_raw) {
    num::Activity& act = res_.activity;
    const uint32_t la = last_a_[pe], lb = last_b_[pe];
    act.mult_a_toggles += uint64_t(__builtin_popcount(a ^ la));
    act.mult_b_toggles += uint64_t(__builtin_popcount(b ^ lb));
    const uint64_t dp = uint64_t(mac::popcount64(bits_.product(a, b) ^ bits_.product(la, lb)));
    act.product_toggles += dp;
    act.fwd_reg_toggles += dp * uint64_t(p_.P - 1);  // the product pipeline registers
    last_a_[pe] = Code(a);
    last_b_[pe] = Code(b);
    mac_.mac(v, a, b, res_.stats);
    act.acc_toggles += uint64_t(mac::popcount64(bits_.acc(v) ^ old_raw));
    ++act.macs;
  }

  void begin_fold(int fi) {
    const Fold& f = p_.folds[size_t(fi)];
    const size_t R = size_t(p_.R), C = size_t(p_.C);
    if (p_.dataflow == Dataflow::os) {
      span_ = size_t(p_.K) + R;
      feed_.assign(R * span_, 0);
      for (int i = 0; i < f.mn; ++i) {
        const uint32_t* arow = p_.a + size_t(f.m0 + i) * size_t(p_.K);
        std::copy(arow, arow + p_.K, feed_.begin() + ptrdiff_t(size_t(i) * span_ + size_t(i)));
      }
      feed_col_.assign((size_t(p_.K) + C) * C, 0);
      for (int k = 0; k < p_.K; ++k)
        for (int j = 0; j < f.cn; ++j)
          feed_col_[(size_t(k) + size_t(j)) * C + size_t(j)] = Code(p_.b[size_t(k) * p_.N + size_t(f.c0 + j)]);
      return;
    }
    span_ = size_t(p_.nx) + R;
    feed_.assign(R * span_, 0);
    for (int r = 0; r < p_.nx; ++r)
      for (int i = 0; i < f.kn; ++i) feed_[size_t(i) * span_ + size_t(r + i)] = Code(p_.xcode(r, f.k0 + i));
  }

  void step_ws_is(int fi, int64_t t) {
    const Fold& f = p_.folds[size_t(fi)];
    const int R = p_.R, C = p_.C;
    num::Activity& act = res_.activity;
    // Streaming feeders: row i sends X[tc - i][k0 + i] (zero code in rows past the tile).
    const int64_t tc = t - R;
    for (int i = 0; i < R; ++i) {
      const uint32_t code = tc >= 0 && size_t(tc) < span_ ? feed_[size_t(i) * span_ + size_t(tc)] : 0;
      act.fwd_reg_toggles += row_chain_[size_t(i)].push(code);
    }
    if (t < R) {
      // Preload: stationary registers shift down one row; the top row takes tile row R-1-t.
      const int krow = R - 1 - int(t);
      for (int i = R - 1; i >= 0; --i)
        for (int j = 0; j < C; ++j) {
          uint32_t in = 0;
          if (i > 0)
            in = stat_[size_t(i - 1) * C + j];
          else if (krow < f.kn && j < f.cn)
            in = p_.scode(f.k0 + krow, f.c0 + j);
          Code& reg = stat_[size_t(i) * C + j];
          act.fwd_reg_toggles += uint64_t(__builtin_popcount(in ^ reg));
          reg = Code(in);
        }
      return;
    }
    // Accumulate stage: PE (i,j) adds the product of the operands that reached
    // it P-1 cycles ago, i.e. stream row r = top - i - j, whose streaming
    // operand is row i's feed of cycle top - j. Rows from the bottom up so each
    // reads its upper neighbour's partial sum of the previous cycle.
    const int64_t top = tc - (p_.P - 1);
    const bool x_is_a = p_.x_is_a;
    for (int i = R - 1; i >= 0; --i) {
      const int64_t jlo = std::max<int64_t>(0, top - i - p_.nx + 1);
      const int64_t jhi = std::min<int64_t>(f.cn - 1, top - i);
      if (jlo > jhi) continue;
      // Row i's feed of cycle top - j (in range for every j in [jlo, jhi]).
      const Code* feed = feed_.data() + size_t(i) * span_ + size_t(top - jhi);  // feed[jhi - j]
      const size_t base = size_t(i) * C;
      if (i < f.kn) {
        for (int64_t j = jlo; j <= jhi; ++j) {
          const size_t pe = base + size_t(j);
          const uint64_t old_raw = bits_.acc(Store::load(acc_[pe]));
          num::AccValue v = i > 0 ? Store::load(acc_[pe - C]) : num::AccValue{};
          const uint32_t xc = feed[jhi - j], sc = stat_[pe];
          mac_event(pe, x_is_a ? xc : sc, x_is_a ? sc : xc, v, old_raw);
          acc_[pe] = Store::save(v);
        }
      } else {
        for (int64_t j = jlo; j <= jhi; ++j) {  // outside the tile: pass the partial sum through
          const size_t pe = base + size_t(j);
          act.psum_reg_toggles += uint64_t(
              mac::popcount64(bits_.acc(Store::load(acc_[pe - C])) ^ bits_.acc(Store::load(acc_[pe]))));
          acc_[pe] = acc_[pe - C];
        }
      }
      if (i == R - 1)
        for (int64_t j = jlo; j <= jhi; ++j)
          buffer_.add(p_.out_index(int(top - i - j), f.c0 + int(j)), Store::load(acc_[base + size_t(j)]), res_.stats,
                      act);
    }
  }

  void step_os(int fi, int64_t t) {
    const Fold& f = p_.folds[size_t(fi)];
    const int R = p_.R, C = p_.C;
    num::Activity& act = res_.activity;
    // Feeders: row i sends A[m0+i][t-i], column j sends B[t-j][n0+j].
    const bool streaming = size_t(t) < span_;
    for (int i = 0; i < R; ++i)
      act.fwd_reg_toggles += row_chain_[size_t(i)].push(streaming ? feed_[size_t(i) * span_ + size_t(t)] : 0);
    const bool col_streaming = size_t(t) < size_t(p_.K) + size_t(C);
    for (int j = 0; j < C; ++j)
      act.fwd_reg_toggles += col_chain_[size_t(j)].push(col_streaming ? feed_col_[size_t(t) * C + size_t(j)] : 0);
    const int64_t top = t - (p_.P - 1);
    for (int i = 0; i < f.mn; ++i) {
      const int64_t jlo = std::max<int64_t>(0, top - i - p_.K + 1);
      const int64_t jhi = std::min<int64_t>(f.cn - 1, top - i);
      if (jlo > jhi) continue;
      const Code* afeed = feed_.data() + size_t(i) * span_ + size_t(top - jhi);  // afeed[jhi - j]
      const Code* bfeed = feed_col_.data() + size_t(top - i) * size_t(C);  // bfeed[j]
      for (int64_t j = jlo; j <= jhi; ++j) {
        const size_t pe = size_t(i) * C + size_t(j);
        const num::AccValue old = Store::load(acc_[pe]);
        // The first MAC of a fold loads 0 + a*b.
        num::AccValue v = top - i - j == 0 ? num::AccValue{} : old;
        mac_event(pe, afeed[jhi - j], bfeed[j], v, bits_.acc(old));
        acc_[pe] = Store::save(v);
      }
    }
    if (uint64_t(t) == p_.tau - 1)  // drain the finished tile into the output buffer
      for (int i = 0; i < f.mn; ++i)
        for (int j = 0; j < f.cn; ++j)
          buffer_.add(size_t(f.m0 + i) * p_.N + size_t(f.c0 + j), Store::load(acc_[size_t(i) * C + size_t(j)]),
                      res_.stats, act);
  }

  const Plan& p_;
  const num::Mac& mac_;
  mac::MacBits bits_;
  OutputBuffer& buffer_;
  RunResult& res_;
  std::vector<Code> last_a_, last_b_, stat_;
  std::vector<typename Store::T> acc_;
  std::vector<ChainToggles> row_chain_, col_chain_;
  // Per fold, the operand streams laid out by feeder and cycle so one clock's
  // accesses are contiguous: feed_[i * span_ + u] is what array row i's feeder
  // sends in the fold's u-th streaming cycle (X for WS/IS, A for OS);
  // feed_col_[u * C + j] is column j's feed (OS: B) in cycle u.
  std::vector<Code> feed_, feed_col_;
  size_t span_ = 0;
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
  SC_METHOD(step);
  sensitive << clk.pos();
  dont_initialize();
}

void FastArray::step() {
  if (cycle_ == plan_.clocked) {
    sc_core::sc_stop();
    return;
  }
  kernel_->step(cycle_);
  ++result_.activity.cycles;
  result_.activity.pe_cycles += uint64_t(plan_.R) * uint64_t(plan_.C);
  ++cycle_;
}

}  // namespace qmac::array
