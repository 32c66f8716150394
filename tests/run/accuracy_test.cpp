#include <gtest/gtest.h>

#include <cmath>

#include "sim/run/accuracy.hpp"

namespace {

using qmac::run::compare;
using qmac::run::gemm_f64;

TEST(Accuracy_Compare, SqnrFromHandWorkedNumbers) {
  // signal 3^2 + 4^2 = 25; noise 0.1^2 + 0.2^2 = 0.05 -> 10 log10(500) = 26.9897 dB
  const auto s = compare({3, 4}, {2.9, 4.2});
  EXPECT_NEAR(s.sqnr_db, 10 * std::log10(500.0), 1e-9);
  EXPECT_NEAR(s.max_abs_error, 0.2, 1e-12);
  EXPECT_NEAR(s.rms_error, std::sqrt(0.025), 1e-12);
  EXPECT_EQ(s.nonfinite, 0u);
}

TEST(Accuracy_Compare, ExactIsInfiniteAndNonFiniteOutputsAreCounted) {
  EXPECT_TRUE(std::isinf(compare({1, 2}, {1, 2}).sqnr_db));
  const auto s = compare({1, 2, 3}, {1, NAN, INFINITY});
  EXPECT_EQ(s.nonfinite, 2u);
  // Not the SQNR of the one finite output: an inf output is an unbounded error.
  EXPECT_TRUE(std::isinf(s.sqnr_db) && s.sqnr_db < 0);
  EXPECT_TRUE(std::isinf(s.max_abs_error));
}

TEST(Accuracy_Gemm, SmallProductByHand) {
  // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]
  EXPECT_EQ(gemm_f64({1, 2, 3, 4}, {5, 6, 7, 8}, 2, 2, 2), (std::vector<double>{19, 22, 43, 50}));
  // 1x3 times 3x1
  EXPECT_EQ(gemm_f64({1, 2, 3}, {4, 5, 6}, 1, 3, 1), (std::vector<double>{32}));
}

}  // namespace
