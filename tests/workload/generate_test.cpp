// Seeded tensor generation: determinism, and the statistics of every
// distribution against Boost.Math's CDFs (Kolmogorov-Smirnov distance).
#include <algorithm>
#include <cmath>

#include <boost/math/distributions/laplace.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <gtest/gtest.h>

#include "sim/errors.hpp"
#include "sim/workload/tensor.hpp"

using namespace qmac::workload;

namespace {

TensorSpec spec_of(DistKind kind, uint64_t seed = 1) {
  TensorSpec s;
  s.dist.kind = kind;
  s.seed = seed;
  return s;
}

template <class Cdf>
double ks_distance(std::vector<double> x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  double d = 0;
  const double n = double(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, std::fabs(f - double(i) / n), std::fabs(f - double(i + 1) / n)});
  }
  return d;
}

// KS critical value at the 0.1 % level: 1.95 / sqrt(n). Seeds are fixed, so a
// pass is reproducible; a generator off by a few percent fails by far.
double ks_limit(size_t n) { return 1.95 / std::sqrt(double(n)); }

}  // namespace

TEST(Generate_Seed, SameSeedSameTensorOtherSeedOther) {
  for (DistKind k : {DistKind::uniform, DistKind::normal, DistKind::laplace, DistKind::student_t, DistKind::outliers}) {
    const Tensor a = generate(spec_of(k, 5), 16, 24, Axis::cols);
    const Tensor b = generate(spec_of(k, 5), 16, 24, Axis::cols);
    const Tensor c = generate(spec_of(k, 6), 16, 24, Axis::cols);
    EXPECT_EQ(a.values, b.values);
    EXPECT_NE(a.values, c.values);
    EXPECT_EQ(a.values.size(), 16u * 24u);
  }
}

TEST(Generate_Statistics, EachDistributionMatchesItsCdf) {
  const int rows = 200, cols = 250;
  {
    TensorSpec s = spec_of(DistKind::uniform);
    s.dist.low = -3, s.dist.high = 5;
    const Tensor t = generate(s, rows, cols, Axis::rows);
    EXPECT_LT(ks_distance(t.values, [](double x) { return cdf(boost::math::uniform_distribution<>(-3, 5), x); }),
              ks_limit(t.values.size()));
  }
  {
    TensorSpec s = spec_of(DistKind::normal);
    s.dist.mean = 2, s.dist.std = 0.5;
    const Tensor t = generate(s, rows, cols, Axis::rows);
    EXPECT_LT(ks_distance(t.values, [](double x) { return cdf(boost::math::normal_distribution<>(2, 0.5), x); }),
              ks_limit(t.values.size()));
  }
  {
    TensorSpec s = spec_of(DistKind::laplace);
    s.dist.mean = -1, s.dist.scale = 3;
    const Tensor t = generate(s, rows, cols, Axis::rows);
    EXPECT_LT(ks_distance(t.values, [](double x) { return cdf(boost::math::laplace_distribution<>(-1, 3), x); }),
              ks_limit(t.values.size()));
  }
  for (double nu : {1.5, 3.0, 10.0}) {
    TensorSpec s = spec_of(DistKind::student_t);
    s.dist.nu = nu, s.dist.scale = 2;
    const Tensor t = generate(s, rows, cols, Axis::rows);
    EXPECT_LT(ks_distance(t.values,
                          [&](double x) { return cdf(boost::math::students_t_distribution<>(nu), x / 2); }),
              ks_limit(t.values.size()))
        << nu;
  }
}

TEST(Generate_Outliers, ScalesTheChosenChannelsOnly) {
  for (Axis axis : {Axis::rows, Axis::cols}) {
    TensorSpec s = spec_of(DistKind::outliers, 9);
    s.dist.std = 1.5, s.dist.fraction = 0.05, s.dist.magnitude = 20;
    const int rows = 100, cols = 400;
    const int channels = axis == Axis::rows ? rows : cols, length = axis == Axis::rows ? cols : rows;
    const std::vector<int> chosen = outlier_channels(s, channels);
    ASSERT_EQ(chosen.size(), size_t(std::lround(0.05 * channels)));
    const Tensor t = generate(s, rows, cols, axis);
    for (int ch = 0; ch < channels; ++ch) {
      double sum2 = 0;
      for (int i = 0; i < length; ++i) {
        const double v = axis == Axis::rows ? t.at(ch, i) : t.at(i, ch);
        sum2 += v * v;
      }
      const double sd = std::sqrt(sum2 / length);
      const bool outlier = std::binary_search(chosen.begin(), chosen.end(), ch);
      const double want = outlier ? 1.5 * 20 : 1.5;
      // Sample sd of n normals: relative sd ~ 1/sqrt(2n); 6 of those.
      EXPECT_NEAR(sd, want, want * 6 / std::sqrt(2.0 * length)) << ch << (outlier ? " outlier" : "");
    }
  }
  // At least one outlier channel whenever fraction > 0 (documented).
  TensorSpec s = spec_of(DistKind::outliers);
  s.dist.fraction = 0.001;
  EXPECT_EQ(outlier_channels(s, 16).size(), 1u);
}

TEST(Generate_Errors, BadParametersNameTheParameter) {
  const struct {
    DistKind kind;
    void (*set)(DistributionSpec&);
    const char* name;
  } cases[] = {
      {DistKind::uniform, [](DistributionSpec& d) { d.low = 2, d.high = 1; }, "high"},
      {DistKind::normal, [](DistributionSpec& d) { d.std = 0; }, "std"},
      {DistKind::laplace, [](DistributionSpec& d) { d.scale = -1; }, "scale"},
      {DistKind::student_t, [](DistributionSpec& d) { d.nu = 0; }, "nu"},
      {DistKind::outliers, [](DistributionSpec& d) { d.fraction = 1.5; }, "fraction"},
      {DistKind::outliers, [](DistributionSpec& d) { d.magnitude = std::nan(""); }, "magnitude"},
  };
  for (const auto& c : cases) {
    TensorSpec s = spec_of(c.kind);
    c.set(s.dist);
    try {
      generate(s, 4, 4, Axis::rows);
      ADD_FAILURE() << c.name;
    } catch (const qmac::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + c.name + "'"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(generate(spec_of(DistKind::normal), 0, 4, Axis::rows), qmac::InputError);
}
