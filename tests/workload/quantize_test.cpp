// Quantisation of tensors: scales (per tensor / per channel, max / best) and
// the error bound |x - dequant| <= half a step inside the range, with the step
// taken from the format definition (not from the codec).
#include <cmath>

#include <gtest/gtest.h>

#include "models/numerics/format.hpp"
#include "sim/workload/tensor.hpp"

using namespace qmac::workload;
namespace num = qmac::num;

namespace {

Tensor normal_tensor(int rows, int cols, uint64_t seed, DistKind kind = DistKind::normal) {
  TensorSpec s;
  s.dist.kind = kind;
  s.seed = seed;
  return generate(s, rows, cols, Axis::cols);
}

// Spacing of the format's values around |y| (y in units of the scale), from the
// definition: integers 1; floats 2^(max(e, emin) - man_bits) with e = floor(log2 |y|).
double step_at(const num::Format& f, double y) {
  if (f.is_int()) return 1.0;
  const int e = y == 0 ? f.f.emin() : std::max(int(std::floor(std::log2(std::fabs(y)))), f.f.emin());
  return std::ldexp(1.0, e - f.f.man_bits);
}

double mse(const Tensor& t, const Quantized& q) {
  double s = 0;
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c) s += std::pow(t.at(r, c) - q.dequant(r, c), 2);
  return s / double(t.values.size());
}

}  // namespace

class Quantize_Format : public ::testing::TestWithParam<const char*> {};

TEST_P(Quantize_Format, MaxScaleMapsChannelMaxToFormatMax) {
  const num::Format f = num::parse_format(GetParam());
  const Tensor t = normal_tensor(6, 50, 11);
  for (Axis axis : {Axis::rows, Axis::cols}) {
    const Quantized q = quantize(t, f, Granularity::per_channel, ScaleMethod::max, axis);
    const int channels = axis == Axis::rows ? t.rows : t.cols;
    ASSERT_EQ(q.scales.size(), size_t(channels));
    for (int ch = 0; ch < channels; ++ch) {
      double m = 0;
      for (int i = 0; i < (axis == Axis::rows ? t.cols : t.rows); ++i)
        m = std::max(m, std::fabs(axis == Axis::rows ? t.at(ch, i) : t.at(i, ch)));
      EXPECT_DOUBLE_EQ(q.scales[size_t(ch)], m / f.max_finite());
    }
  }
  const Quantized q = quantize(t, f, Granularity::per_tensor, ScaleMethod::max, Axis::rows);
  ASSERT_EQ(q.scales.size(), 1u);
}

TEST_P(Quantize_Format, ErrorIsAtMostHalfAStepInsideTheRange) {
  const num::Format f = num::parse_format(GetParam());
  const Tensor t = normal_tensor(20, 30, 12, DistKind::laplace);
  for (Granularity g : {Granularity::per_tensor, Granularity::per_channel}) {
    const Quantized q = quantize(t, f, g, ScaleMethod::max, Axis::rows);  // max: nothing clips
    for (int r = 0; r < t.rows; ++r) {
      for (int c = 0; c < t.cols; ++c) {
        const double s = q.scale_of(r, c), x = t.at(r, c);
        EXPECT_LE(std::fabs(x - q.dequant(r, c)), s * step_at(f, x / s) / 2 * (1 + 1e-12)) << r << "," << c;
      }
    }
  }
}

TEST_P(Quantize_Format, BestScaleNeverLosesToMax) {
  const num::Format f = num::parse_format(GetParam());
  const Tensor t = normal_tensor(8, 256, 13, DistKind::student_t);
  for (Granularity g : {Granularity::per_tensor, Granularity::per_channel}) {
    const double e_max = mse(t, quantize(t, f, g, ScaleMethod::max, Axis::rows));
    const double e_best = mse(t, quantize(t, f, g, ScaleMethod::best, Axis::rows));
    EXPECT_LE(e_best, e_max * (1 + 1e-12));
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, Quantize_Format,
                         ::testing::Values("int8", "int4", "fp8_e4m3", "fp8_e5m2", "e2m5_fnuz", "fp16", "bf16"));

TEST(Quantize_Int8, SymmetricMaxScaleAndCodes) {
  Tensor t{1, 4, {-2.0, -1.0, 0.5, 1.0}};
  const Quantized q = quantize(t, num::parse_format("int8"), Granularity::per_tensor, ScaleMethod::max, Axis::rows);
  EXPECT_DOUBLE_EQ(q.scales[0], 2.0 / 127);
  // -2 -> -127 (0x81), -1 -> -63.5 -> -64 (RNE, even: 0xc0), 0.5 -> 31.75 -> 32, 1 -> 63.5 -> 64.
  EXPECT_EQ(q.codes, (std::vector<uint32_t>{0x81, 0xc0, 32, 64}));
  EXPECT_DOUBLE_EQ(q.dequant(0, 0), -2.0);
}

TEST(Quantize_Zero, AllZeroChannelGetsScaleOneAndExactZeros) {
  Tensor t{2, 3, {0, 0, 0, 1, -2, 3}};
  const Quantized q = quantize(t, num::parse_format("fp8_e4m3"), Granularity::per_channel, ScaleMethod::best,
                               Axis::rows);
  EXPECT_EQ(q.scales[0], 1.0);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(q.dequant(0, c), 0.0);
}
