#include "sim/run/simulate.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "models/numerics/codec.hpp"
#include "models/numerics/parallel.hpp"

#include "sim/errors.hpp"
#include "sim/io/files.hpp"
#include "sim/run/memory_report.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

namespace {

// A workload tensor (generated or loaded), checked for NaN/inf: by default
// they are refused naming the tensor and the count (an integer format can
// never take them); under `nonfinite: propagate` they go on as NaN/inf codes.
workload::Tensor operand(const workload::TensorSpec& spec, int rows, int cols, workload::Axis axis,
                         const num::Format& fmt, const char* name, int threads) {
  workload::Tensor t = spec.dist.kind == workload::DistKind::npy ? workload::load_npy(spec.dist.path, rows, cols)
                                                                : workload::generate(spec, rows, cols, axis, threads);
  check_finite(t, spec, fmt, name, threads);
  return t;
}

// A quantised tensor as a reference-GEMM operand: its codes dequantised on the fly.
GemmOperand dequantized(const workload::Quantized& q, const std::vector<double>& table) {
  GemmOperand g;
  g.codes = q.codes.data();
  g.format = &q.format;
  g.table = table.empty() ? nullptr : table.data();
  g.scales = q.scales.data();
  g.nscales = q.scales.size();
  g.channel_rows = q.channel_axis == workload::Axis::rows;
  return g;
}

GemmOperand values(const workload::Tensor& t) {
  GemmOperand g;
  g.values = t.values.data();
  return g;
}

}  // namespace

void check_finite(const workload::Tensor& t, const workload::TensorSpec& spec, const num::Format& fmt,
                  const char* name, int threads) {
  // The common case first: no NaN/inf at all (one branch-free pass, in blocks on `threads`).
  const size_t n = t.values.size(), blocks = (n + workload::kGenerateBlock - 1) / workload::kGenerateBlock;
  std::vector<size_t> bad(blocks, 0);
  par::parallel_for(blocks, threads, [&](size_t b, int) {
    const size_t first = b * workload::kGenerateBlock, last = std::min(n, first + workload::kGenerateBlock);
    size_t count = 0;
    for (size_t i = first; i < last; ++i) count += !(std::fabs(t.values[i]) <= DBL_MAX);  // NaN compares false
    bad[b] = count;
  });
  if (std::all_of(bad.begin(), bad.end(), [](size_t c) { return c == 0; })) return;
  size_t nan = 0, inf = 0;
  for (double v : t.values) {
    nan += std::isnan(v);
    inf += std::isinf(v);
  }
  if (nan + inf == 0) return;
  const bool npy = spec.dist.kind == workload::DistKind::npy;
  const std::string where = std::string("workload.") + name + (npy ? " (" + spec.dist.path + ")" : "");
  const std::string counts = std::to_string(nan + inf) + " of " + std::to_string(t.values.size()) + " values are " +
                             (nan && inf ? std::to_string(nan) + " NaN and " + std::to_string(inf) + " inf"
                              : nan      ? "NaN"
                                         : "inf");
  if (spec.nonfinite == workload::NonFinitePolicy::error)
    throw InputError(where, counts + (npy ? "" : " (the distribution's values overflow double)") +
                                "; expected finite values (workload." + name +
                                ".nonfinite: propagate lets NaN/inf codes reach the array)");
  if (fmt.is_int())
    throw InputError(where, counts + "; the integer format " + fmt.name +
                                " has no NaN or inf code to propagate them as; expected finite values");
}

workload::Quantized quantize_named(const workload::Tensor& t, const num::Format& fmt, const workload::TensorSpec& spec,
                                   workload::Axis axis, const char* name, int threads) {
  try {
    return workload::quantize(t, fmt, spec.granularity, spec.scale, axis, threads);
  } catch (const num::QuantizerError& e) {
    throw InputError(std::string("workload.") + name, e.what());
  }
}

ordered_json finite_or_null(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

Operands make_operands(const config::Config& cfg, int threads, Profile* profile) {
  threads = std::max(1, threads);
  const auto& w = cfg.workload;
  Operands o;
  // A is m x k with channels along rows (per token m); B is k x n with channels
  // along columns (per output channel n), so each output's scale is sa[m] * sb[n].
  if (profile) profile->start("generate");
  o.a = operand(w.a, w.m, w.k, workload::Axis::rows, cfg.mac.a, "a", threads);
  o.b = operand(w.b, w.k, w.n, workload::Axis::cols, cfg.mac.b, "b", threads);
  if (profile) profile->start("quantize");
  o.qa = quantize_named(o.a, cfg.mac.a, w.a, workload::Axis::rows, "a", threads);
  o.qb = quantize_named(o.b, cfg.mac.b, w.b, workload::Axis::cols, "b", threads);
  return o;
}

Simulation simulate(const config::Config& cfg, const array::TraceOptions* trace, int threads) {
  Profile profile;
  Operands o = make_operands(cfg, threads, &profile);
  Simulation s = simulate(cfg, std::move(o), trace, threads, &profile);
  return s;
}

Simulation simulate(const config::Config& cfg, Operands operands, const array::TraceOptions* trace, int threads,
                    Profile* carried) {
  threads = std::max(1, threads);
  Simulation s;
  if (carried) s.profile = std::move(*carried);
  s.config = cfg;
  const auto& w = cfg.workload;
  if (operands.qa.rows != w.m || operands.qa.cols != w.k || operands.qb.rows != w.k || operands.qb.cols != w.n)
    throw std::logic_error("simulate: operands do not have the configured GEMM's shape");
  s.a = std::move(operands.a);
  s.b = std::move(operands.b);
  s.qa = std::move(operands.qa);
  s.qb = std::move(operands.qb);

  s.profile.start("simulate");
  // The codes move into the GEMM and back (no copy: B of a GEMV can be large).
  array::Gemm gemm;
  gemm.m = w.m;
  gemm.k = w.k;
  gemm.n = w.n;
  gemm.a = std::move(s.qa.codes);
  gemm.b = std::move(s.qb.codes);
  const num::MacSpec mac = config::mac_spec(cfg);
  // The memory model's timeline: both engines execute its stalls.
  s.memory = memory_report(cfg);
  const bool ideal = cfg.memory.model == memory::Model::ideal;
  array::ArrayOptions options = config::array_options(cfg);
  options.threads = threads;
  try {
    s.result = array::run_gemm(mac, cfg.array.output_buffer, cfg.mac.pipeline_stages, options, gemm, cfg.engine, trace,
                               ideal ? nullptr : &s.memory.stalls);
  } catch (...) {
    s.qa.codes = std::move(gemm.a);
    s.qb.codes = std::move(gemm.b);
    throw;
  }
  s.qa.codes = std::move(gemm.a);
  s.qb.codes = std::move(gemm.b);

  s.profile.start("reference");
  const num::Accumulator out(cfg.array.output_buffer);
  s.c.resize(size_t(w.m) * size_t(w.n));
  for (int m = 0; m < w.m; ++m)
    for (int n = 0; n < w.n; ++n) {
      const size_t i = size_t(m) * size_t(w.n) + size_t(n);
      s.c[i] = out.value(s.result.c[i]) * s.qa.scale_of(m, 0) * s.qb.scale_of(0, n);
    }
  const std::vector<double> ref = gemm_f64(values(s.a), values(s.b), w.m, w.k, w.n, threads);
  s.vs_fp64 = compare(ref, s.c);
  if (cfg.memory.output_format) {
    // Requantised before write-back, as the next layer would read them.
    workload::Tensor out;
    out.rows = w.m;
    out.cols = w.n;
    out.values = s.c;
    const workload::Quantized q = workload::quantize(out, *cfg.memory.output_format, workload::Granularity::per_tensor,
                                                     workload::ScaleMethod::max, workload::Axis::rows, threads);
    s.vs_fp64_requantized = compare(ref, q.dequantized().values);
  }
  const std::vector<double> ta = num::decode_table(s.qa.format), tb = num::decode_table(s.qb.format);
  s.vs_dequantized = compare(gemm_f64(dequantized(s.qa, ta), dequantized(s.qb, tb), w.m, w.k, w.n, threads), s.c);
  s.profile.stop();
  return s;
}

ordered_json to_json(const Simulation& s) {
  const auto& cfg = s.config;
  const auto& r = s.result;
  const uint64_t macs = uint64_t(cfg.workload.m) * uint64_t(cfg.workload.k) * uint64_t(cfg.workload.n);
  ordered_json j;
  j["config"] = config::to_json(cfg);
  j["gemm"] = {{"m", cfg.workload.m}, {"k", cfg.workload.k}, {"n", cfg.workload.n}};
  j["cycles"] = r.cycles;
  j["macs"] = macs;
  j["folds"] = r.folds;
  j["last_write_cycle"] = r.last_write_cycle;
  j["utilization"] = r.cycles ? double(macs) / (double(r.cycles) * cfg.array.rows * cfg.array.cols) : 0.0;
  j["accuracy"] = {
      {"sqnr_db", finite_or_null(s.vs_fp64.sqnr_db)},
      {"max_abs_error", finite_or_null(s.vs_fp64.max_abs_error)},
      {"overflows", r.stats.overflows},
      {"rms_error", finite_or_null(s.vs_fp64.rms_error)},
      {"sqnr_db_vs_dequantized", finite_or_null(s.vs_dequantized.sqnr_db)},
      {"max_abs_error_vs_dequantized", finite_or_null(s.vs_dequantized.max_abs_error)},
      {"nonfinite_outputs", s.vs_fp64.nonfinite},
      {"nonfinite_reference", s.vs_fp64.nonfinite_reference},
      {"invalid_operands", r.stats.invalid},
  };
  if (s.vs_fp64_requantized)
    j["accuracy"]["requantized_output"] = {{"format", cfg.memory.output_format->name},
                                           {"sqnr_db", finite_or_null(s.vs_fp64_requantized->sqnr_db)},
                                           {"max_abs_error", finite_or_null(s.vs_fp64_requantized->max_abs_error)}};
  j["memory"] = memory_json(cfg, s.memory);
  j["memory"]["stall_cycles"] = r.stall_cycles;  // as the engine executed them
  const auto& a = r.activity;
  j["activity"] = {{"cycles", a.cycles},
                   {"pe_cycles", a.pe_cycles},
                   {"macs", a.macs},
                   {"mult_a_toggles", a.mult_a_toggles},
                   {"mult_b_toggles", a.mult_b_toggles},
                   {"mult_a_ones", a.mult_a_ones},
                   {"mult_b_ones", a.mult_b_ones},
                   {"product_toggles", a.product_toggles},
                   {"acc_toggles", a.acc_toggles},
                   {"acc_nonfinite_macs", a.acc_nonfinite_macs},
                   {"fwd_reg_toggles", a.fwd_reg_toggles},
                   {"psum_reg_toggles", a.psum_reg_toggles},
                   {"out_buffer_adds", a.out_buffer_adds},
                   {"out_buffer_toggles", a.out_buffer_toggles}};
  return j;
}

void save_tensors(const Simulation& s, const std::string& dir) {
  io::make_output_dir(dir, "--save-tensors");
  workload::save_npy(dir + "/a.npy", s.qa.dequantized());
  workload::save_npy(dir + "/b.npy", s.qb.dequantized());
  workload::Tensor c;
  c.rows = s.config.workload.m;
  c.cols = s.config.workload.n;
  c.values = s.c;
  workload::save_npy(dir + "/c.npy", c);
}

}  // namespace qmac::run
