// Quantisation of workload tensors to codes + scales (see tensor.hpp).
#include <algorithm>
#include <cmath>

#include "models/numerics/codec.hpp"
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
                   Axis channel_axis) {
  Quantized q;
  q.rows = t.rows;
  q.cols = t.cols;
  q.format = fmt;
  q.channel_axis = channel_axis;
  if (granularity == Granularity::per_tensor) {
    q.scales = {choose_scale(t.values, fmt, method)};
  } else {
    const int channels = channel_axis == Axis::rows ? t.rows : t.cols;
    const int length = channel_axis == Axis::rows ? t.cols : t.rows;
    std::vector<double> channel(size_t(length), 0.0);
    for (int ch = 0; ch < channels; ++ch) {
      for (int i = 0; i < length; ++i) channel[size_t(i)] = channel_axis == Axis::rows ? t.at(ch, i) : t.at(i, ch);
      q.scales.push_back(choose_scale(channel, fmt, method));
    }
  }
  q.codes.resize(t.values.size());
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c)
      q.codes[size_t(r) * size_t(t.cols) + size_t(c)] =
          num::encode(fmt, t.at(r, c) / q.scale_of(r, c), num::Rounding::rne, num::Overflow::saturate);
  return q;
}

}  // namespace qmac::workload
