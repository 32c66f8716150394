#include "models/array/plan.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/numerics/format.hpp"

namespace qmac::array {

namespace {
uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
}  // namespace

std::string_view dataflow_name(Dataflow d) {
  switch (d) {
    case Dataflow::ws: return "ws";
    case Dataflow::os: return "os";
    case Dataflow::is: return "is";
  }
  return "?";
}
std::string_view engine_name(Engine e) {
  switch (e) {
    case Engine::fast: return "fast";
    case Engine::pe: return "pe";
    case Engine::analytic: return "analytic";
  }
  return "?";
}

Dataflow parse_dataflow(std::string_view s) {
  if (s == "ws") return Dataflow::ws;
  if (s == "os") return Dataflow::os;
  if (s == "is") return Dataflow::is;
  throw ArrayError("unknown dataflow '" + std::string(s) + "'; expected ws, os or is");
}
Engine parse_engine(std::string_view s) {
  if (s == "fast") return Engine::fast;
  if (s == "pe") return Engine::pe;
  if (s == "analytic") return Engine::analytic;
  throw ArrayError("unknown engine '" + std::string(s) + "'; expected fast, pe or analytic");
}

std::vector<std::pair<int, int>> default_trace_pes(int rows, int cols) {
  std::vector<std::pair<int, int>> pes{{0, 0}};
  for (auto pe : {std::pair{0, cols - 1}, std::pair{rows - 1, 0}, std::pair{rows - 1, cols - 1}}) {
    bool seen = false;
    for (const auto& q : pes) seen |= q == pe;
    if (!seen) pes.push_back(pe);
  }
  return pes;
}

uint64_t fold_count(const ArrayOptions& o, int m, int k, int n) {
  switch (o.dataflow) {
    case Dataflow::os: return ceil_div(m, o.rows) * ceil_div(n, o.cols);
    case Dataflow::ws: return ceil_div(k, o.rows) * ceil_div(n, o.cols);
    case Dataflow::is: return ceil_div(k, o.rows) * ceil_div(m, o.cols);
  }
  return 0;
}

namespace {
// Cycles of one fold (README "Cycle model"):
//   OS: R + C + K - 2       skewed fill of both operand streams + K operand waves
//   WS: 2R + C + M - 2      R preload + skewed stream of the M input rows through R rows and C cols
//   IS: 2R + C + N - 2      as WS with the N weight columns streamed
// plus (P - 1) for a P-stage MAC (the accumulate stage lags the operands by P - 1).
// Double-buffered WS/IS: the preload leaves the fold (R + C + M - 2 + P - 1) and
// happens once before the first fold (the prologue, R cycles).
struct FoldTiming {
  uint64_t prologue, tau;
};
FoldTiming fold_timing(const ArrayOptions& o, int m, int k, int n, int P) {
  const uint64_t R = o.rows, C = o.cols;
  const bool db = o.double_buffer && o.dataflow != Dataflow::os;
  uint64_t tau = 0;
  switch (o.dataflow) {
    case Dataflow::os: tau = R + C + uint64_t(k) - 2; break;
    case Dataflow::ws: tau = (db ? R : 2 * R) + C + uint64_t(m) - 2; break;
    case Dataflow::is: tau = (db ? R : 2 * R) + C + uint64_t(n) - 2; break;
  }
  return {db ? R : 0, tau + uint64_t(P) - 1};
}
}  // namespace

uint64_t cycle_formula(const ArrayOptions& o, int m, int k, int n, int P) {
  const FoldTiming ft = fold_timing(o, m, k, n, P);
  const uint64_t clocked = ft.prologue + fold_count(o, m, k, n) * ft.tau;
  return o.cycles_as_last_index ? clocked - 1 : clocked;
}

num::AccumulatorSpec default_output_buffer(const num::MacSpec& mac) {
  if (mac.acc.kind != num::AccKind::floating) return mac.acc;
  num::AccumulatorSpec s;
  s.kind = num::AccKind::floating;
  s.format = num::parse_format("fp32");
  s.rounding = num::Rounding::rne;
  s.float_overflow = num::Overflow::nonsat;
  return s;
}

void check_buffer(const num::AccumulatorSpec& acc, const num::AccumulatorSpec& buf) {
  num::MacSpec probe;  // validate the buffer as an accumulator on its own
  if (buf.kind == num::AccKind::floating) {
    if (!buf.format.is_float()) throw ArrayError("output buffer: a float buffer needs a floating-point format");
    if (buf.rounding == num::Rounding::stochastic)
      throw ArrayError("output buffer: float buffers round rne or rtz");
    return;
  }
  if (acc.kind == num::AccKind::floating)
    throw ArrayError("output buffer: an " + std::string(num::acc_kind_name(buf.kind)) +
                           " buffer cannot hold the partial sums of a float accumulator; use a float buffer");
  const int max_w = buf.kind == num::AccKind::integer ? 64 : 126;
  if (buf.width < 2 || buf.width > max_w)
    throw ArrayError("output buffer width must be 2.." + std::to_string(max_w) + ", got " +
                           std::to_string(buf.width));
  const int buf_frac = buf.kind == num::AccKind::fixed ? buf.frac_bits : 0;
  const int acc_frac = acc.kind == num::AccKind::fixed ? acc.frac_bits : 0;
  if (buf_frac < acc_frac)
    throw ArrayError("output buffer has " + std::to_string(buf_frac) +
                           " fraction bits, fewer than the accumulator's " + std::to_string(acc_frac) +
                           ": partial sums would not be exact");
  if (buf.width - buf_frac < acc.width - acc_frac)
    throw ArrayError("output buffer (" + buf.describe() + ") is narrower than the accumulator (" +
                           acc.describe() + ")");
}

void validate_run(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int P, const ArrayOptions& o,
                  const Gemm& g) {
  num::validate(mac);
  check_buffer(mac.acc, out_buffer);
  if (P < 1) throw ArrayError("pipeline stages must be >= 1, got " + std::to_string(P));
  if (o.rows < 1 || o.cols < 1)
    throw ArrayError("array rows and cols must be >= 1, got " + std::to_string(o.rows) + " x " +
                           std::to_string(o.cols));
  if (g.m < 1 || g.k < 1 || g.n < 1)
    throw ArrayError("GEMM dimensions must be >= 1, got " + std::to_string(g.m) + " x " + std::to_string(g.k) +
                           " x " + std::to_string(g.n));
  if (g.a.size() != size_t(g.m) * size_t(g.k))
    throw ArrayError("A has " + std::to_string(g.a.size()) + " codes, expected m*k = " +
                           std::to_string(size_t(g.m) * size_t(g.k)));
  if (g.b.size() != size_t(g.k) * size_t(g.n))
    throw ArrayError("B has " + std::to_string(g.b.size()) + " codes, expected k*n = " +
                           std::to_string(size_t(g.k) * size_t(g.n)));
  // Codes wider than their format would index past the engines' product tables.
  auto check_codes = [](const std::vector<uint32_t>& codes, const num::Format& f, const char* name) {
    const uint32_t mask = f.code_mask();
    uint32_t any = 0;  // one vectorised pass; the loop below only finds the first bad code
    for (uint32_t c : codes) any |= c;
    if ((any & ~mask) == 0) return;
    for (size_t i = 0; i < codes.size(); ++i)
      if ((codes[i] & ~mask) != 0)
        throw ArrayError(std::string(name) + " code " + std::to_string(codes[i]) + " at index " +
                               std::to_string(i) + " does not fit its " + std::to_string(f.bits()) + "-bit format");
  };
  check_codes(g.a, mac.a, "A");
  check_codes(g.b, mac.b, "B");
}

Schedule make_schedule(const ArrayOptions& o, int m, int k, int n, int P) {
  Schedule p;
  p.dataflow = o.dataflow;
  p.R = o.rows;
  p.C = o.cols;
  p.P = P;
  p.M = m;
  p.K = k;
  p.N = n;
  if (o.dataflow == Dataflow::os) {
    for (int m0 = 0; m0 < m; m0 += p.R)
      for (int n0 = 0; n0 < n; n0 += p.C) {
        Fold f;
        f.m0 = m0;
        f.mn = std::min(p.R, m - m0);
        f.c0 = n0;
        f.cn = std::min(p.C, n - n0);
        f.k0 = 0;
        f.kn = k;
        p.folds.push_back(f);
      }
  } else {
    const bool ws = o.dataflow == Dataflow::ws;
    p.nx = ws ? m : n;
    p.ns = ws ? n : m;
    // Column tiles outer, k tiles inner: each output's k-folds arrive in k order.
    for (int c0 = 0; c0 < p.ns; c0 += p.C)
      for (int k0 = 0; k0 < k; k0 += p.R) {
        Fold f;
        f.k0 = k0;
        f.kn = std::min(p.R, k - k0);
        f.c0 = c0;
        f.cn = std::min(p.C, p.ns - c0);
        p.folds.push_back(f);
      }
  }
  const FoldTiming ft = fold_timing(o, m, k, n, P);
  p.prologue = ft.prologue;
  p.tau = ft.tau;
  p.double_buffer = ft.prologue > 0;
  p.lead = o.dataflow == Dataflow::os || p.double_buffer ? 0 : uint64_t(p.R);
  apply_stalls(p, Stalls{});
  return p;
}

void apply_stalls(Schedule& p, const Stalls& st) {
  if (!st.before_fold.empty() && st.before_fold.size() != p.folds.size())
    throw ArrayError("memory timeline has " + std::to_string(st.before_fold.size()) + " folds, the schedule " +
                           std::to_string(p.folds.size()));
  p.first = st.before_first;
  p.stall_cycles = st.before_first;
  p.start.resize(p.folds.size());
  uint64_t t = p.first + p.prologue;
  for (size_t f = 0; f < p.folds.size(); ++f) {
    const uint64_t s = st.before_fold.empty() ? 0 : st.before_fold[f];
    p.stall_cycles += s;
    p.start[f] = t + s;
    t = p.start[f] + p.tau;
  }
  p.clocked = t;
}

size_t Schedule::fold_at(uint64_t c) const {
  // The last fold whose start is <= c.
  const auto it = std::upper_bound(start.begin(), start.end(), c);
  return it == start.begin() ? 0 : size_t(it - start.begin()) - 1;
}

uint64_t Schedule::last_write_offset(size_t f) const {
  // OS: the tile drains at the fold's last cycle. WS/IS: column j's partial sum
  // of the last stream row leaves the bottom row in fold cycle
  // lead + (nx - 1) + (R - 1) + j, and the pipelined MAC adds P - 1.
  if (dataflow == Dataflow::os) return tau - 1;
  return lead + uint64_t(nx - 1) + uint64_t(R - 1) + uint64_t(folds[f].cn - 1) + uint64_t(P - 1);
}

Plan make_plan(const ArrayOptions& o, const Gemm& g, int P, const Stalls* stalls) {
  Plan p;
  static_cast<Schedule&>(p) = make_schedule(o, g.m, g.k, g.n, P);
  if (stalls) apply_stalls(p, *stalls);
  p.threads = std::max(1, o.threads);
  p.a = g.a.data();
  p.b = g.b.data();
  if (o.dataflow != Dataflow::os) {
    const bool ws = o.dataflow == Dataflow::ws;
    p.x_is_a = ws;
    if (ws) {
      p.x = g.a.data(); p.x_r = size_t(g.k); p.x_k = 1;       // A[r][k]
      p.s = g.b.data(); p.s_k = size_t(g.n); p.s_c = 1;       // B[k][c]
      p.o_r = size_t(g.n); p.o_c = 1;                         // C[r][c]
    } else {
      p.x = g.b.data(); p.x_r = 1; p.x_k = size_t(g.n);       // B^T[r][k] = B[k][r]
      p.s = g.a.data(); p.s_k = 1; p.s_c = size_t(g.k);       // A^T[k][c] = A[c][k]
      p.o_r = 1; p.o_c = size_t(g.n);                         // C[c][r]
    }
  }
  return p;
}

// ------------------------------------------------------------- OutputBuffer

OutputBuffer::OutputBuffer(const num::Accumulator& mac_acc, const num::AccumulatorSpec& spec, size_t words)
    : src_(&mac_acc), dst_(spec), words_(words) {
  const num::AccumulatorSpec& s = mac_acc.spec();
  if (s.kind != num::AccKind::floating && spec.kind != num::AccKind::floating) {
    lsbs_ = true;
    shift_ = (spec.kind == num::AccKind::fixed ? spec.frac_bits : 0) - (s.kind == num::AccKind::fixed ? s.frac_bits : 0);
  }
}

void OutputBuffer::add(size_t idx, const num::AccValue& v, num::MacStats& stats, num::Activity& activity) {
  num::AccValue& w = words_[idx];
  const uint64_t before = dst_.raw_bits(w);
  if (lsbs_)
    dst_.add_lsbs(w, v.i * (__int128{1} << shift_), stats);
  else
    dst_.add_value(w, src_->value(v), stats);
  ++activity.out_buffer_adds;
  activity.out_buffer_toggles += __builtin_popcountll(before ^ dst_.raw_bits(w));
}

}  // namespace qmac::array
