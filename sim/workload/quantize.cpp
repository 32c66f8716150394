// Quantisation of workload tensors to codes + scales (see tensor.hpp).
#include <algorithm>
#include <cmath>

#include "models/numerics/codec.hpp"
#include "models/numerics/parallel.hpp"
#include "models/numerics/qerror.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::workload {

namespace {

double choose_scale(const std::vector<double>& values, const num::Format& fmt, ScaleMethod method) {
  if (method == ScaleMethod::best) return num::best_scale_for_data(fmt, values).scale;
  double max_abs = 0;
  for (double v : values) max_abs = std::max(max_abs, std::fabs(v));
  return max_abs > 0 ? max_abs / fmt.max_finite() : 1.0;  // all zeros: any scale is exact
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
  auto block_range = [&](size_t b) { return std::pair{b * kGenerateBlock, std::min(n, (b + 1) * kGenerateBlock)}; };
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
    // max |x| per tensor or channel. Max is exact, so any split of the work
    // gives the same scales; NaNs are skipped (as std::max skips them).
    auto max_into = [](double& m, double v) {
      const double a = std::fabs(v);
      if (a > m) m = a;
    };
    q.scales.assign(channels, 0.0);
    if (!per_channel) {
      std::vector<double> block_max(blocks, 0.0);
      par::parallel_for(blocks, threads, [&](size_t b, int) {
        const auto [first, last] = block_range(b);
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
    for (double& s : q.scales) s = s > 0 ? s / fmt.max_finite() : 1.0;  // all zeros: any scale is exact
  }
  par::reserve_large(q.codes, n);
  q.codes.resize(n);
  const num::Encoder encode(fmt, num::Rounding::rne, num::Overflow::saturate);
  // Per row: one divisor for a whole row (per tensor, or per-row channels),
  // the scales vector itself for per-column channels.
  const size_t rows_per_task = std::max<size_t>(1, kGenerateBlock / std::max<size_t>(1, cols));
  par::parallel_for((size_t(t.rows) + rows_per_task - 1) / rows_per_task, threads, [&](size_t task, int) {
    const size_t r0 = task * rows_per_task, r1 = std::min(size_t(t.rows), r0 + rows_per_task);
    for (size_t r = r0; r < r1; ++r) {
      const double* x = t.values.data() + r * cols;
      uint32_t* out = q.codes.data() + r * cols;
      if (q.scales.size() == 1)
        encode.encode_divided(x, q.scales[0], out, cols);
      else if (channel_axis == Axis::rows)
        encode.encode_divided(x, q.scales[r], out, cols);
      else
        encode.encode_divided(x, q.scales.data(), out, cols);
    }
  });
  return q;
}

}  // namespace qmac::workload
