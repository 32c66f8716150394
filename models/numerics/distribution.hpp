// Probability distributions for quantisation-error studies (`qmac qerror`) and
// workload tensors: densities (for the exact expected error) and seeded,
// platform-independent variates (for sampling).
//
// The variates never use std::normal_distribution and friends, whose output is
// implementation-defined: every draw is derived from the raw 64-bit words of a
// std::mt19937_64 (whose sequence the C++ standard fixes) by Box-Muller, inverse
// CDF or Bailey's polar method, so a seed gives the same numbers on every
// machine with an IEEE double and a correctly rounded-enough libm.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace qmac::num {

// The distributions of `qmac qerror --dist` (cli-contract.md), all centred at 0
// in their standard parametrisation:
//   uniform            U(-1, 1)                                 sigma = 1/sqrt(3)
//   normal             N(0, 1)                                  sigma = 1
//   laplace            pdf exp(-|x|)/2                          sigma = sqrt(2)
//   student_t:NU       Student's t with NU degrees of freedom    sigma = sqrt(NU/(NU-2)), needs NU > 2
//   outliers:FRAC:MAG  mixture (1-FRAC) N(0,1) + FRAC N(0, MAG^2) sigma = sqrt(1 - FRAC + FRAC MAG^2)
// (Bits of accuracy are invariant to a common scale of the data when the
// quantiser's scale is searched, so the standard forms lose nothing.)
enum class DistFamily { uniform, normal, laplace, student_t, outliers };

struct Distribution {
  DistFamily family = DistFamily::normal;
  double nu = 0;         // student_t
  double fraction = 0;   // outliers: weight of the wide component
  double magnitude = 0;  // outliers: standard deviation of the wide component

  std::string name() const;      // canonical text, parse_distribution(name()) == *this
  double pdf(double x) const;   // one-off; integrators use density()
  // The density as a callable with its normalisation precomputed (the t's
  // Gamma-function constant is computed once, not per point).
  std::function<double(double)> density() const;
  double sigma() const;          // standard deviation (all are mean 0)
  // Largest |x| with non-zero density: 1 for uniform, +inf otherwise.
  double support_max() const;
  // Points where the density is not smooth (integration must split there).
  std::vector<double> kinks() const;
  double sample(std::mt19937_64& rng) const;
};

// Parses `uniform`, `normal`, `laplace`, `student_t:NU`, `outliers:FRAC:MAG`.
// Throws DistributionError (errors.hpp) saying what was expected.
Distribution parse_distribution(std::string_view text);

// Seeded variates from the raw words of mt19937_64 (see the header comment).
double uniform_open01(std::mt19937_64& rng);  // in (0, 1): 53 random bits, never 0 or 1
double standard_normal(std::mt19937_64& rng);  // Box-Muller, one value per call
double standard_laplace(std::mt19937_64& rng); // inverse CDF, pdf exp(-|x|)/2
double standard_student_t(std::mt19937_64& rng, double nu);  // Bailey's polar method
// Uniform integer in [0, n) without modulo bias (rejection), n >= 1.
uint64_t uniform_index(std::mt19937_64& rng, uint64_t n);

}  // namespace qmac::num
