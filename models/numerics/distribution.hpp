// Probability distributions for quantisation-error studies (`qmac qerror`) and
// workload tensors: densities (for the exact expected error) and seeded,
// platform-independent variates (for sampling).
//
// The variates never use std::normal_distribution and friends, whose output is
// implementation-defined: every draw is derived from the raw 64-bit words of a
// std::mt19937_64 (whose sequence the C++ standard fixes; qerror's samples) or
// of xoshiro256++ (below; workload tensors) by code whose arithmetic is fixed -- Boost.Random's ziggurat samplers (their tables are
// constants in the headers) and the methods named below -- so a seed gives the
// same numbers on every machine with IEEE doubles and a correctly
// rounded-enough libm (exp/log appear only on rare rejection branches).
//   normal     the ziggurat of Marsaglia & Tsang, "The Ziggurat Method for
//              Generating Random Variables", J. Stat. Software 5(8), 2000, over
//              the 128 layers of Boost.Random's normal_distribution tables (one
//              engine word per draw ~99 % of the time; tail by Marsaglia 1964)
//   laplace    an exponential by the same ziggurat (Boost.Random's 256-layer
//              exponential tables) with a random sign from the same word
//   student_t  Z sqrt(nu / V), Z ~ N(0,1) as above and V ~ chi^2_nu = 2 Gamma(nu/2)
//              by Marsaglia & Tsang, "A Simple Method for Generating Gamma
//              Variables", ACM TOMS 26(3), 2000 (shape < 1: Gamma(a+1) U^(1/a))
//   uniform    (k + 0.5) / 2^53 from the top 53 bits of one word
// (Before issue 13 the normal was Box-Muller, the Laplace an inverse CDF and
// the t Bailey's polar method, 3-10x slower: a seed gave other numbers then.)
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

// The engine of workload tensors: xoshiro256++ (Blackman & Vigna, "Scrambled
// linear pseudorandom number generators", ACM TOMS 47(4), 2021; the authors'
// reference code, public domain): 256 bits of state, period 2^256 - 1, about
// a third of mt19937_64's instructions per word. Seeded, as its authors
// advise, by splitmix64 (Steele, Lea & Flood, OOPSLA 2014) from one 64-bit
// value. A UniformRandomBitGenerator.
class Xoshiro256pp {
 public:
  using result_type = uint64_t;
  explicit Xoshiro256pp(uint64_t seed);
  explicit Xoshiro256pp(const uint64_t (&state)[4]) : s_{state[0], state[1], state[2], state[3]} {}  // not all zero
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    const uint64_t r = rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// The engine of stream `stream` of a seed: Xoshiro256pp seeded with
// splitmix64-mixed (seed, stream) -- the splitmix64 finaliser of seed, plus
// stream times the golden-ratio increment, mixed again. Workload tensors draw
// block b of their values from stream b, so blocks can be generated in any
// order, on any number of threads.
Xoshiro256pp stream_engine(uint64_t seed, uint64_t stream);

// Seeded variates from the raw words of an engine (see the header comment);
// each draw is the same function of the engine's words whichever engine it is.
double uniform_open01(std::mt19937_64& rng);  // in (0, 1): 53 random bits, never 0 or 1
double standard_normal(std::mt19937_64& rng);  // ziggurat
double standard_laplace(std::mt19937_64& rng); // pdf exp(-|x|)/2: ziggurat exponential, random sign
double standard_student_t(std::mt19937_64& rng, double nu);  // nu > 0: normal / sqrt(chi^2_nu / nu)
double uniform_open01(Xoshiro256pp& rng);
double standard_normal(Xoshiro256pp& rng);
double standard_laplace(Xoshiro256pp& rng);
double standard_student_t(Xoshiro256pp& rng, double nu);

// n draws into out, the same numbers as n calls of the functions above
// (bulk, so the sampler inlines into one loop).
void fill_uniform_open01(Xoshiro256pp& rng, double* out, size_t n);
void fill_standard_normal(Xoshiro256pp& rng, double* out, size_t n);
void fill_standard_laplace(Xoshiro256pp& rng, double* out, size_t n);
void fill_standard_student_t(Xoshiro256pp& rng, double nu, double* out, size_t n);

// Uniform integer in [0, n) without modulo bias (rejection), n >= 1.
uint64_t uniform_index(std::mt19937_64& rng, uint64_t n);

}  // namespace qmac::num
