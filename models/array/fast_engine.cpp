#include "models/array/fast_engine.hpp"

#include <algorithm>

namespace qmac::array {

FastArray::FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                     RunResult& result)
    : sc_core::sc_module(name), plan_(plan), mac_(mac), bits_(mac), buffer_(buffer), result_(result) {
  const size_t pes = size_t(plan.R) * size_t(plan.C);
  last_a_.assign(pes, 0);
  last_b_.assign(pes, 0);
  last_p_.assign(pes, 0);
  acc_raw_.assign(pes, bits_.acc(num::AccValue{}));
  acc_.assign(pes, num::AccValue{});
  stat_.assign(pes, 0);
  row_chain_.assign(size_t(plan.R), ChainToggles(plan.C));
  if (plan.dataflow == Dataflow::os) col_chain_.assign(size_t(plan.C), ChainToggles(plan.R));
  SC_METHOD(step);
  sensitive << clk.pos();
  dont_initialize();
}

void FastArray::mac_event(size_t pe, uint32_t a, uint32_t b, num::AccValue& acc) {
  num::Activity& act = result_.activity;
  const uint64_t p = bits_.product(a, b);
  act.mult_a_toggles += __builtin_popcount(a ^ last_a_[pe]);
  act.mult_b_toggles += __builtin_popcount(b ^ last_b_[pe]);
  const uint64_t dp = uint64_t(mac::popcount64(p ^ last_p_[pe]));
  act.product_toggles += dp;
  act.fwd_reg_toggles += dp * uint64_t(plan_.P - 1);  // product pipeline registers
  last_a_[pe] = a;
  last_b_[pe] = b;
  last_p_[pe] = p;
  mac_.mac(acc, a, b, result_.stats);
  const uint64_t raw = bits_.acc(acc);
  act.acc_toggles += uint64_t(mac::popcount64(raw ^ acc_raw_[pe]));
  acc_raw_[pe] = raw;
  ++act.macs;
}

void FastArray::step() {
  if (cycle_ == plan_.clocked) {
    sc_core::sc_stop();
    return;
  }
  const int fold = int(cycle_ / plan_.tau);
  const auto t = int64_t(cycle_ % plan_.tau);
  if (plan_.dataflow == Dataflow::os)
    step_os(fold, t);
  else
    step_ws_is(fold, t);
  ++result_.activity.cycles;
  result_.activity.pe_cycles += uint64_t(plan_.R) * uint64_t(plan_.C);
  ++cycle_;
}

void FastArray::begin_fold(int fi) {
  const Plan& p = plan_;
  const Fold& f = p.folds[size_t(fi)];
  const size_t R = size_t(p.R), C = size_t(p.C);
  if (p.dataflow == Dataflow::os) {
    span_ = size_t(p.K) + R;
    feed_.assign(R * span_, 0);
    for (int i = 0; i < f.mn; ++i) {
      const uint32_t* arow = p.a + size_t(f.m0 + i) * size_t(p.K);
      std::copy(arow, arow + p.K, feed_.begin() + ptrdiff_t(size_t(i) * span_ + size_t(i)));
    }
    feed_col_.assign((size_t(p.K) + C) * C, 0);
    for (int k = 0; k < p.K; ++k)
      for (int j = 0; j < f.cn; ++j) feed_col_[(size_t(k) + size_t(j)) * C + size_t(j)] = p.b[size_t(k) * p.N + size_t(f.c0 + j)];
    return;
  }
  span_ = size_t(p.nx) + R;
  feed_.assign(R * span_, 0);
  for (int r = 0; r < p.nx; ++r)
    for (int i = 0; i < f.kn; ++i) feed_[size_t(i) * span_ + size_t(r + i)] = p.xcode(r, f.k0 + i);
}

void FastArray::step_ws_is(int fi, int64_t t) {
  const Plan& p = plan_;
  const Fold& f = p.folds[size_t(fi)];
  const int R = p.R, C = p.C;
  num::Activity& act = result_.activity;
  if (t == 0) begin_fold(fi);
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
          in = p.scode(f.k0 + krow, f.c0 + j);
        uint32_t& reg = stat_[size_t(i) * C + j];
        act.fwd_reg_toggles += uint64_t(__builtin_popcount(in ^ reg));
        reg = in;
      }
    return;
  }
  // Accumulate stage: PE (i,j) adds the product of the operands that reached it
  // P-1 cycles ago, i.e. stream row r = top - i - j; its streaming operand is
  // row i's feed of cycle top - j. Rows from the bottom up so each reads its
  // upper neighbour's partial sum of the previous cycle.
  const int64_t top = tc - (p.P - 1);
  const bool x_is_a = p.x_is_a;
  for (int i = R - 1; i >= 0; --i) {
    const int64_t jlo = std::max<int64_t>(0, top - i - p.nx + 1);
    const int64_t jhi = std::min<int64_t>(f.cn - 1, top - i);
    if (jlo > jhi) continue;
    const uint32_t* feed = feed_.data() + size_t(i) * span_ + size_t(top);  // feed[-j]
    const size_t base = size_t(i) * C;
    if (i < f.kn) {
      for (int64_t j = jlo; j <= jhi; ++j) {
        const size_t pe = base + size_t(j);
        if (i > 0)
          acc_[pe] = acc_[pe - C];
        else
          acc_[pe] = num::AccValue{};
        const uint32_t xc = feed[-j], sc = stat_[pe];
        mac_event(pe, x_is_a ? xc : sc, x_is_a ? sc : xc, acc_[pe]);
      }
    } else {
      for (int64_t j = jlo; j <= jhi; ++j) {  // outside the tile: pass the partial sum through
        const size_t pe = base + size_t(j);
        acc_[pe] = acc_[pe - C];
        const uint64_t raw = acc_raw_[pe - C];
        act.psum_reg_toggles += uint64_t(mac::popcount64(raw ^ acc_raw_[pe]));
        acc_raw_[pe] = raw;
      }
    }
    if (i == R - 1)
      for (int64_t j = jlo; j <= jhi; ++j)
        buffer_.add(p.out_index(int(top - i - j), f.c0 + int(j)), acc_[base + size_t(j)], result_.stats, act);
  }
}

void FastArray::step_os(int fi, int64_t t) {
  const Plan& p = plan_;
  const Fold& f = p.folds[size_t(fi)];
  const int R = p.R, C = p.C;
  num::Activity& act = result_.activity;
  if (t == 0) begin_fold(fi);
  // Feeders: row i sends A[m0+i][t-i], column j sends B[t-j][n0+j].
  const bool streaming = size_t(t) < span_;
  for (int i = 0; i < R; ++i)
    act.fwd_reg_toggles += row_chain_[size_t(i)].push(streaming ? feed_[size_t(i) * span_ + size_t(t)] : 0);
  const bool col_streaming = size_t(t) < size_t(p.K) + size_t(C);
  for (int j = 0; j < C; ++j)
    act.fwd_reg_toggles += col_chain_[size_t(j)].push(col_streaming ? feed_col_[size_t(t) * C + size_t(j)] : 0);
  const int64_t top = t - (p.P - 1);
  for (int i = 0; i < f.mn; ++i) {
    const int64_t jlo = std::max<int64_t>(0, top - i - p.K + 1);
    const int64_t jhi = std::min<int64_t>(f.cn - 1, top - i);
    if (jlo > jhi) continue;
    const uint32_t* afeed = feed_.data() + size_t(i) * span_ + size_t(top);   // afeed[-j]
    const uint32_t* bfeed = feed_col_.data() + size_t(top - i) * size_t(C);  // bfeed[j]
    for (int64_t j = jlo; j <= jhi; ++j) {
      const size_t pe = size_t(i) * C + size_t(j);
      num::AccValue& acc = acc_[pe];
      if (top - i - j == 0) acc = num::AccValue{};  // the first MAC of a fold loads 0 + a*b
      mac_event(pe, afeed[-j], bfeed[j], acc);
    }
  }
  if (uint64_t(t) == p.tau - 1)  // drain the finished tile into the output buffer
    for (int i = 0; i < f.mn; ++i)
      for (int j = 0; j < f.cn; ++j)
        buffer_.add(size_t(f.m0 + i) * p.N + size_t(f.c0 + j), acc_[size_t(i) * C + j], result_.stats, act);
}

}  // namespace qmac::array
