// Quantisation of workload tensors to codes + scales (see tensor.hpp).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "models/numerics/codec.hpp"
#include "models/numerics/parallel.hpp"
#include "models/numerics/qerror.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::workload {

namespace {

// x / scale and scale * decode(code) must be ordinary doubles.
double checked_scale(double scale, double max_abs, const num::Format& fmt) {
  if (!(scale >= DBL_MIN && scale <= DBL_MAX / std::max(1.0, fmt.max_finite())))
    throw num::QuantizerError("the data's largest magnitude, " + std::to_string(max_abs) +
                              ", needs a scale outside double's normal range to map onto " + fmt.name +
                              "; expected magnitudes roughly within 1e-290..1e290");
  return scale;
}

// The scale of a tensor or channel. Non-finite values (present only under
// `nonfinite: propagate`) take no part in it.
double choose_scale(const std::vector<double>& all, const num::Format& fmt, ScaleMethod method) {
  std::vector<double> kept;
  const std::vector<double>* values = &all;
  if (!std::all_of(all.begin(), all.end(), [](double v) { return std::isfinite(v); })) {
    for (double v : all)
      if (std::isfinite(v)) kept.push_back(v);
    values = &kept;
  }
  double max_abs = 0;
  for (double v : *values) max_abs = std::max(max_abs, std::fabs(v));
  if (max_abs == 0) return 1.0;  // all zeros (or nothing finite): any scale is exact
  return checked_scale(
      method == ScaleMethod::best ? num::best_scale_for_data(fmt, *values).scale : max_abs / fmt.max_finite(), max_abs,
      fmt);
}

// The code of a NaN or inf under `nonfinite: propagate`: the format's NaN or
// inf, inf becoming NaN where the format has no inf (OCP OFP8's non-saturating
// conversion). Integers have neither (refused before quantisation).
uint32_t nonfinite_code(const num::Format& fmt, double x) {
  if (fmt.is_int()) throw num::FormatError("integer format " + fmt.name + " has no NaN or inf code");
  if (std::isinf(x) && fmt.f.has_inf()) return num::code_of(fmt, x);
  return num::code_of(fmt, std::numeric_limits<double>::quiet_NaN());
}

}  // namespace

double Quantized::dequant(int r, int c) const {
  return scale_of(r, c) * num::decode(format, codes[size_t(r) * size_t(cols) + size_t(c)]);
}

Tensor Quantized::dequantized() const {
  Tensor t{rows, cols, std::vector<double>(codes.size())};
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) t.values[size_t(r) * size_t(cols) + size_t(c)] = dequant(r, c);
  return t;
}

Quantized quantize(const Tensor& t, const num::Format& fmt, Granularity granularity, ScaleMethod method,
                   Axis channel_axis, int threads) {
  Quantized q;
  q.rows = t.rows;
  q.cols = t.cols;
  q.format = fmt;
  q.channel_axis = channel_axis;
  const size_t n = t.values.size(), cols = size_t(t.cols);
  const size_t blocks = (n + kGenerateBlock - 1) / kGenerateBlock;
  const bool per_channel = granularity == Granularity::per_channel;
  const size_t channels = per_channel ? size_t(channel_axis == Axis::rows ? t.rows : t.cols) : 1;
  if (method == ScaleMethod::best) {
    if (!per_channel) {
      q.scales = {choose_scale(t.values, fmt, method)};
    } else {
      const int length = channel_axis == Axis::rows ? t.cols : t.rows;
      std::vector<double> channel(size_t(length), 0.0);
      for (size_t ch = 0; ch < channels; ++ch) {
        for (int i = 0; i < length; ++i)
          channel[size_t(i)] = channel_axis == Axis::rows ? t.at(int(ch), i) : t.at(i, int(ch));
        q.scales.push_back(choose_scale(channel, fmt, method));
      }
    }
  } else {
    // max |x| per tensor or channel over the finite values (NaN/inf, present
    // only under `nonfinite: propagate`, take no part). Max is exact, so any
    // split of the work gives the same scales.
    auto max_into = [](double& m, double v) {
      const double a = std::fabs(v);
      if (a > m && a <= DBL_MAX) m = a;
    };
    q.scales.assign(channels, 0.0);
    if (!per_channel) {
      std::vector<double> block_max(blocks, 0.0);
      par::parallel_for(blocks, threads, [&](size_t b, int) {
        const size_t first = b * kGenerateBlock, last = std::min(n, first + kGenerateBlock);
        for (size_t i = first; i < last; ++i) max_into(block_max[b], t.values[i]);
      });
      for (double m : block_max) q.scales[0] = std::max(q.scales[0], m);
    } else if (channel_axis == Axis::rows) {
      par::parallel_for(channels, threads, [&](size_t r, int) {
        for (size_t c = 0; c < cols; ++c) max_into(q.scales[r], t.values[r * cols + c]);
      });
    } else {
      constexpr size_t kChunk = 512;  // columns per task; each task reads its part of every row
      par::parallel_for((cols + kChunk - 1) / kChunk, threads, [&](size_t task, int) {
        const size_t c0 = task * kChunk, c1 = std::min(cols, c0 + kChunk);
        for (size_t r = 0; r < size_t(t.rows); ++r)
          for (size_t c = c0; c < c1; ++c) max_into(q.scales[c], t.values[r * cols + c]);
      });
    }
    for (double& s : q.scales) s = s == 0 ? 1.0 : checked_scale(s / fmt.max_finite(), s, fmt);  // all zeros: any scale is exact
  }
  par::reserve_large(q.codes, n, threads);
  q.codes.resize(n);
  const num::Encoder encode(fmt, num::Rounding::rne, num::Overflow::saturate);
  // Row by row: one divisor for a whole row (per tensor, or per-row channels),
  // the scales themselves for per-column channels. A row holding NaN/inf gives
  // them the format's NaN/inf codes (nonfinite_code).
  const size_t rows_per_task = std::max<size_t>(1, kGenerateBlock / std::max<size_t>(1, cols));
  par::parallel_for((size_t(t.rows) + rows_per_task - 1) / rows_per_task, threads, [&](size_t task, int) {
    const size_t r0 = task * rows_per_task, r1 = std::min(size_t(t.rows), r0 + rows_per_task);
    for (size_t r = r0; r < r1; ++r) {
      const double* x = t.values.data() + r * cols;
      uint32_t* out = q.codes.data() + r * cols;
      bool finite = true;
      for (size_t c = 0; c < cols; ++c) finite &= std::fabs(x[c]) <= DBL_MAX;
      if (!finite) {
        for (size_t c = 0; c < cols; ++c)
          out[c] = std::fabs(x[c]) <= DBL_MAX ? encode(x[c] / q.scale_of(int(r), int(c))) : nonfinite_code(fmt, x[c]);
      } else if (q.scales.size() == 1) {
        encode.encode_divided(x, q.scales[0], out, cols);
      } else if (channel_axis == Axis::rows) {
        encode.encode_divided(x, q.scales[r], out, cols);
      } else {
        encode.encode_divided(x, q.scales.data(), out, cols);
      }
    }
  });
  return q;
}

}  // namespace qmac::workload
