// Distributions: densities and sigmas against Boost.Math's own distributions
// (an independent implementation), parsing, and the seeded variates.
#include <cmath>
#include <random>

#include <boost/math/distributions/laplace.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <gtest/gtest.h>

#include "models/numerics/distribution.hpp"
#include "models/numerics/format.hpp"

using namespace qmac::num;

TEST(Distribution_Density, MatchesBoostDistributions) {
  for (double x : {-7.5, -2.0, -1.0, -0.3, 0.0, 0.4, 0.999, 1.5, 3.0, 40.0}) {
    EXPECT_NEAR(parse_distribution("normal").pdf(x), boost::math::pdf(boost::math::normal_distribution<>(), x),
                1e-15);
    EXPECT_NEAR(parse_distribution("laplace").pdf(x), boost::math::pdf(boost::math::laplace_distribution<>(), x),
                1e-15);
    for (double nu : {2.5, 3.0, 7.0}) {
      const double ref = boost::math::pdf(boost::math::students_t_distribution<>(nu), x);
      EXPECT_NEAR(parse_distribution("student_t:" + std::to_string(nu)).pdf(x), ref, 1e-13 * ref) << nu << " " << x;
    }
    if (std::fabs(x) != 1.0) {
      EXPECT_EQ(parse_distribution("uniform").pdf(x),
                std::fabs(x) < 1 ? boost::math::pdf(boost::math::uniform_distribution<>(-1, 1), x) : 0.0);
    }
    const double mix = 0.99 * boost::math::pdf(boost::math::normal_distribution<>(0, 1), x) +
                       0.01 * boost::math::pdf(boost::math::normal_distribution<>(0, 10), x);
    EXPECT_NEAR(parse_distribution("outliers:0.01:10").pdf(x), mix, 1e-15);
  }
}

TEST(Distribution_Sigma, MatchesBoostVariance) {
  EXPECT_DOUBLE_EQ(parse_distribution("uniform").sigma(),
                   std::sqrt(boost::math::variance(boost::math::uniform_distribution<>(-1, 1))));
  EXPECT_DOUBLE_EQ(parse_distribution("normal").sigma(), 1.0);
  EXPECT_DOUBLE_EQ(parse_distribution("laplace").sigma(),
                   std::sqrt(boost::math::variance(boost::math::laplace_distribution<>())));
  EXPECT_DOUBLE_EQ(parse_distribution("student_t:3").sigma(),
                   std::sqrt(boost::math::variance(boost::math::students_t_distribution<>(3))));
  // Mixture: E[x^2] = 0.9 * 1 + 0.1 * 25.
  EXPECT_DOUBLE_EQ(parse_distribution("outliers:0.1:5").sigma(), std::sqrt(0.9 + 2.5));
}

TEST(Distribution_Parse, CanonicalNamesRoundTrip) {
  for (const char* s : {"uniform", "normal", "laplace", "student_t:3", "outliers:0.01:10"}) {
    const Distribution d = parse_distribution(s);
    EXPECT_EQ(parse_distribution(d.name()).name(), d.name());
  }
  EXPECT_EQ(parse_distribution("student_t:3").name(), "student_t:3");
}

TEST(Distribution_Parse, RejectsBadTextSayingWhatIsExpected) {
  for (const char* s : {"gauss", "", "normal:1", "student_t", "student_t:x", "student_t:2", "student_t:1.5",
                        "outliers:0.1", "outliers:2:10", "outliers:0.1:0", "outliers:0.1:inf", "student_t:3:4"}) {
    try {
      parse_distribution(s);
      ADD_FAILURE() << "accepted '" << s << "'";
    } catch (const DistributionError& e) {
      EXPECT_NE(std::string(e.what()).find("expected"), std::string::npos) << e.what();
    }
  }
}

TEST(Distribution_Variates, UniformFromTheDocumentedBitsOfMt19937_64) {
  // The C++ standard fixes mt19937_64's 10000th output for the default seed
  // (9981545732273789042); the variate is (k >> 11 + 0.5) / 2^53 of each word.
  std::mt19937_64 a, b;
  for (int i = 0; i < 9999; ++i) uniform_open01(a), b();
  EXPECT_EQ(b(), 9981545732273789042ull);
  EXPECT_EQ(uniform_open01(a), (double(9981545732273789042ull >> 11) + 0.5) / 9007199254740992.0);
}

TEST(Distribution_Variates, UniformIndexCoversRangeWithoutBias) {
  std::mt19937_64 rng(7);
  int counts[5] = {};
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[uniform_index(rng, 5)];
  // Each count ~ Binomial(n, 1/5): sd = 126.5; 5 sd bounds.
  for (int c : counts) EXPECT_NEAR(c, n / 5, 5 * 126.5);
}
