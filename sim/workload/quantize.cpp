// Quantisation of workload tensors to codes + scales (see tensor.hpp).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "models/numerics/codec.hpp"
#include "models/numerics/qerror.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::workload {

namespace {

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
  const double scale =
      method == ScaleMethod::best ? num::best_scale_for_data(fmt, *values).scale : max_abs / fmt.max_finite();
  // x / scale and scale * decode(code) must be ordinary doubles.
  if (!(scale >= DBL_MIN && scale <= DBL_MAX / std::max(1.0, fmt.max_finite())))
    throw num::QuantizerError("the data's largest magnitude, " + std::to_string(max_abs) +
                              ", needs a scale outside double's normal range to map onto " + fmt.name +
                              "; expected magnitudes roughly within 1e-290..1e290");
  return scale;
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
          std::isfinite(t.at(r, c))
              ? num::encode(fmt, t.at(r, c) / q.scale_of(r, c), num::Rounding::rne, num::Overflow::saturate)
              : nonfinite_code(fmt, t.at(r, c));
  return q;
}

}  // namespace qmac::workload
