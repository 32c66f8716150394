// The exact-expectation integrator and the scale search against independent
// oracles: closed forms (uniform: step^2/12; normal: per-cell moments from erf),
// large-sample estimates, and a brute-force scan.
#include <cmath>
#include <random>

#include <boost/math/constants/constants.hpp>
#include <gtest/gtest.h>

#include "models/numerics/codec.hpp"
#include "models/numerics/qerror.hpp"

using namespace qmac::num;

namespace {

// Sorted distinct finite values of an 8-bit format straight from decode
// (tested exhaustively against the format definitions in tests/numerics).
std::vector<double> values_of(const Format& f) {
  std::vector<double> v;
  for (uint32_t c = 0; c <= f.code_mask(); ++c)
    if (std::isfinite(decode(f, c))) v.push_back(decode(f, c));
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Expected squared error of N(0,1) under the nearest-value quantiser with levels
// s*v (midpoint decision boundaries, clipping at the ends), from the textbook
// partial moments of the normal: over [a, b], M0 = Phi(b) - Phi(a),
// M1 = phi(a) - phi(b), M2 = M0 + a phi(a) - b phi(b).
double normal_mse_closed_form(const std::vector<double>& v, double s) {
  const double inf = std::numeric_limits<double>::infinity();
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  auto phi = [](double x) { return std::isinf(x) ? 0.0 : std::exp(-x * x / 2) / std::sqrt(2 * M_PI); };
  auto xphi = [&](double x) { return std::isinf(x) ? 0.0 : x * phi(x); };
  double total = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const double a = i == 0 ? -inf : s * (v[i - 1] + v[i]) / 2;
    const double b = i + 1 == v.size() ? inf : s * (v[i] + v[i + 1]) / 2;
    const double c = s * v[i];
    const double m0 = Phi(b) - Phi(a), m1 = phi(a) - phi(b), m2 = m0 + xphi(a) - xphi(b);
    total += m2 - 2 * c * m1 + c * c * m0;
  }
  return total;
}

const char* const kEightBit[] = {"int8", "uint8", "fp8_e4m3", "fp8_e5m2", "e2m5_fnuz", "e3m4_fnuz", "e4m3_fnuz",
                                 "e5m2_fnuz"};

}  // namespace

class QuantizerCells_Format : public ::testing::TestWithParam<const char*> {};

TEST_P(QuantizerCells_Format, SwitchPointsAreTheMidpointsOfNeighbours) {
  const Format f = parse_format(GetParam());
  const QuantizerCells cells = quantizer_cells(f);
  const std::vector<double> v = values_of(f);
  ASSERT_EQ(cells.levels, v);
  ASSERT_EQ(cells.bounds.size(), v.size() - 1);
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    const double mid = (v[i] + v[i + 1]) / 2;  // exact: neighbours of a <= 16-bit format
    // RNE sends the tie to the even neighbour: the switch is at mid or just above it.
    EXPECT_TRUE(cells.bounds[i] == mid || cells.bounds[i] == std::nextafter(mid, 1e300))
        << GetParam() << " between " << v[i] << " and " << v[i + 1] << ": " << cells.bounds[i];
  }
}

TEST_P(QuantizerCells_Format, NormalExpectationMatchesClosedForm) {
  const Format f = parse_format(GetParam());
  const QuantizerCells cells = quantizer_cells(f);
  const std::vector<double> v = values_of(f);
  const Distribution normal = parse_distribution("normal");
  for (double clip : {0.7, 3.0, 4.5, 12.0, 200.0}) {
    const double s = clip / v.back();
    const double want = normal_mse_closed_form(v, s);
    EXPECT_NEAR(expected_squared_error(normal, cells, s), want, 1e-8 * want) << GetParam() << " clip " << clip;
  }
}

INSTANTIATE_TEST_SUITE_P(EightBit, QuantizerCells_Format, ::testing::ValuesIn(kEightBit));

TEST(QuantizerCells_Limits, WiderThan16BitsIsRefused) {
  EXPECT_THROW(quantizer_cells(parse_format("fp32")), QuantizerError);
  EXPECT_NO_THROW(quantizer_cells(parse_format("fp16")));
}

TEST(ExpectedError_Uniform, UniformQuantiserGivesStepSquaredOver12) {
  // int8 levels k*s, s = 1/100: U(-1,1) covers levels -100..100, the two end
  // cells are half cells ending on a level, so the MSE is exactly s^2 / 12.
  const Format f = parse_format("int8");
  const QuantizerCells cells = quantizer_cells(f);
  const Distribution u = parse_distribution("uniform");
  for (double s : {1.0 / 100, 1.0 / 64, 1.0 / 120}) {
    EXPECT_NEAR(expected_squared_error(u, cells, s), s * s / 12, 1e-12 * s * s) << s;
  }
  // And the max rule on uniform (1 -> 127): 7.99 bits, the classic 6.02 dB/bit.
  const QerrorResult r = qerror_integrate(f, u, ScaleRule::max);
  EXPECT_NEAR(r.rmse, (1.0 / 127) / std::sqrt(12.0), 1e-12);
}

TEST(ExpectedError_Sampling, IntegralAgreesWithLargeSampleWithinStatisticalError) {
  // At the integrator's best scale, 2e6 seeded samples estimate the same MSE;
  // the standard error of the mean of e^2 bounds the difference (5 SE).
  for (const char* fname : {"int8", "e4m3_fnuz", "e2m5_fnuz"}) {
    for (const char* dname : {"normal", "laplace", "outliers:0.01:10"}) {
      const Format f = parse_format(fname);
      const Distribution d = parse_distribution(dname);
      const QerrorResult r = qerror_integrate(f, d, ScaleRule::best);
      std::mt19937_64 rng(12345);
      const int n = 2000000;
      double sum = 0, sum2 = 0;
      for (int i = 0; i < n; ++i) {
        const double x = d.sample(rng);
        const double e = x - r.scale * quantize(f, x / r.scale, Rounding::rne, Overflow::saturate);
        sum += e * e;
        sum2 += e * e * e * e;
      }
      const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
      EXPECT_NEAR(mean, r.rmse * r.rmse, 5 * se) << fname << " " << dname;
    }
  }
}

TEST(ScaleSearch_Best, NoScaleOnADenseScanBeatsIt) {
  // A brute-force scan, 500 points per octave around the optimum, never finds
  // a lower error than the grid + Brent search.
  for (const char* fname : {"int8", "e3m4_fnuz", "e5m2_fnuz"}) {
    for (const char* dname : {"normal", "student_t:3"}) {
      const Format f = parse_format(fname);
      const Distribution d = parse_distribution(dname);
      const QuantizerCells cells = quantizer_cells(f);
      const QerrorResult r = qerror_integrate(f, d, ScaleRule::best);
      const double best = r.rmse * r.rmse;
      double scan_min = 1e300;
      for (int i = -1000; i <= 1000; ++i)
        scan_min = std::min(scan_min, expected_squared_error(d, cells, r.scale * std::exp2(i / 500.0)));
      EXPECT_LE(best, scan_min * (1 + 1e-9)) << fname << " " << dname;
    }
  }
}

TEST(EmpiricalError_Mse, EqualsDirectEncodeDecode) {
  std::mt19937_64 rng(3);
  const Distribution d = parse_distribution("student_t:4");
  std::vector<double> data(20000);
  for (auto& x : data) x = d.sample(rng);
  for (const char* fname : {"int8", "fp8_e4m3", "e5m2_fnuz", "int4"}) {
    const Format f = parse_format(fname);
    const QuantizerCells cells = quantizer_cells(f);
    const EmpiricalError err(data, cells);
    for (double clip : {0.5, 2.0, 7.0, 30.0}) {
      const double s = clip / cells.max_level();
      const double want = direct_mse(f, data, s);
      EXPECT_NEAR(err.mse(s), want, 1e-9 * want) << fname << " clip " << clip;
    }
  }
}

TEST(QerrorSample_Seed, SameSeedSameResultOtherSeedOther) {
  const Format f = parse_format("int8");
  const Distribution d = parse_distribution("normal");
  const QerrorResult a = qerror_sample(f, d, ScaleRule::best, 50000, 1);
  const QerrorResult b = qerror_sample(f, d, ScaleRule::best, 50000, 1);
  const QerrorResult c = qerror_sample(f, d, ScaleRule::best, 50000, 2);
  EXPECT_EQ(a.rmse, b.rmse);
  EXPECT_EQ(a.scale, b.scale);
  EXPECT_NE(a.rmse, c.rmse);
}

TEST(QerrorIntegrate_ScaleMax, RefusedForUnboundedDistributions) {
  for (const char* dname : {"normal", "laplace", "student_t:3", "outliers:0.01:10"}) {
    try {
      qerror_integrate(parse_format("int8"), parse_distribution(dname), ScaleRule::max);
      ADD_FAILURE() << dname;
    } catch (const QuantizerError& e) {
      EXPECT_NE(std::string(e.what()).find("unbounded"), std::string::npos) << e.what();
    }
  }
}
