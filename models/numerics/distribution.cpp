#include "models/numerics/distribution.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include <boost/math/constants/constants.hpp>

#include "models/numerics/format.hpp"

namespace qmac::num {

namespace {

const char* const kDistForms =
    "expected uniform, normal, laplace, student_t:NU (NU > 2) or outliers:FRAC:MAG (0 <= FRAC <= 1, 0 < MAG <= 1e100)";

double parse_number(std::string_view text, std::string_view whole, const char* what) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    throw DistributionError("distribution '" + std::string(whole) + "': " + what + " '" + s + "' is not a finite number; " +
                      kDistForms);
  return v;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Distribution parse_distribution(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  const std::string_view head = parts[0];
  auto arity = [&](size_t n) {
    if (parts.size() != n + 1)
      throw DistributionError("distribution '" + std::string(text) + "' takes " + std::to_string(n) + " parameter(s); " +
                        kDistForms);
  };
  Distribution d;
  if (head == "uniform" || head == "normal" || head == "laplace") {
    arity(0);
    d.family = head == "uniform" ? DistFamily::uniform : head == "normal" ? DistFamily::normal : DistFamily::laplace;
  } else if (head == "student_t") {
    arity(1);
    d.family = DistFamily::student_t;
    d.nu = parse_number(parts[1], text, "NU");
    // sigma (and so bits of accuracy) needs a finite variance: nu > 2.
    if (!(d.nu > 2))
      throw DistributionError("distribution '" + std::string(text) + "': NU must be > 2 (finite variance); " + kDistForms);
  } else if (head == "outliers") {
    arity(2);
    d.family = DistFamily::outliers;
    d.fraction = parse_number(parts[1], text, "FRAC");
    d.magnitude = parse_number(parts[2], text, "MAG");
    if (!(d.fraction >= 0 && d.fraction <= 1))
      throw DistributionError("distribution '" + std::string(text) + "': FRAC must be in [0, 1]; " + kDistForms);
    // Beyond 1e100 the variance (and squared errors) of samples overflow double.
    if (!(d.magnitude > 0 && d.magnitude <= 1e100))
      throw DistributionError("distribution '" + std::string(text) + "': MAG must be in (0, 1e100]; " + kDistForms);
  } else {
    throw DistributionError("unknown distribution '" + std::string(text) + "'; " + kDistForms);
  }
  return d;
}

std::string Distribution::name() const {
  switch (family) {
    case DistFamily::uniform: return "uniform";
    case DistFamily::normal: return "normal";
    case DistFamily::laplace: return "laplace";
    case DistFamily::student_t: return "student_t:" + number_text(nu);
    case DistFamily::outliers: return "outliers:" + number_text(fraction) + ":" + number_text(magnitude);
  }
  return "?";
}

double Distribution::pdf(double x) const { return density()(x); }

std::function<double(double)> Distribution::density() const {
  const double inv_sqrt_2pi = boost::math::constants::one_div_root_two_pi<double>();
  switch (family) {
    case DistFamily::uniform: return [](double x) { return std::fabs(x) <= 1 ? 0.5 : 0.0; };
    case DistFamily::normal: return [=](double x) { return inv_sqrt_2pi * std::exp(-0.5 * x * x); };
    case DistFamily::laplace: return [](double x) { return 0.5 * std::exp(-std::fabs(x)); };
    case DistFamily::student_t: {
      // Gamma((nu+1)/2) / (sqrt(nu pi) Gamma(nu/2)) (1 + x^2/nu)^(-(nu+1)/2)
      const double n = nu;
      const double c = std::exp(std::lgamma((n + 1) / 2) - std::lgamma(n / 2)) /
                       std::sqrt(n * boost::math::constants::pi<double>());
      return [=](double x) { return c * std::pow(1 + x * x / n, -(n + 1) / 2); };
    }
    case DistFamily::outliers: {
      const double f = fraction, m = magnitude;
      return [=](double x) {
        const double wide = std::exp(-0.5 * (x / m) * (x / m)) / m;
        return inv_sqrt_2pi * ((1 - f) * std::exp(-0.5 * x * x) + f * wide);
      };
    }
  }
  return [](double) { return 0.0; };
}

double Distribution::sigma() const {
  switch (family) {
    case DistFamily::uniform: return 1 / std::sqrt(3.0);  // variance of U(-1,1) = (2)^2/12
    case DistFamily::normal: return 1;
    case DistFamily::laplace: return std::sqrt(2.0);      // variance 2 b^2, b = 1
    case DistFamily::student_t: return std::sqrt(nu / (nu - 2));
    case DistFamily::outliers: return std::sqrt(1 - fraction + fraction * magnitude * magnitude);
  }
  return 0;
}

double Distribution::support_max() const {
  return family == DistFamily::uniform ? 1.0 : std::numeric_limits<double>::infinity();
}

std::vector<double> Distribution::kinks() const {
  switch (family) {
    case DistFamily::uniform: return {-1.0, 1.0};
    case DistFamily::laplace: return {0.0};
    default: return {};
  }
}

double Distribution::sample(std::mt19937_64& rng) const {
  switch (family) {
    case DistFamily::uniform: return 2 * uniform_open01(rng) - 1;
    case DistFamily::normal: return standard_normal(rng);
    case DistFamily::laplace: return standard_laplace(rng);
    case DistFamily::student_t: return standard_student_t(rng, nu);
    case DistFamily::outliers: {
      // Component first (one uniform), then the normal draw.
      const bool wide = uniform_open01(rng) < fraction;
      const double z = standard_normal(rng);
      return wide ? magnitude * z : z;
    }
  }
  return 0;
}

double uniform_open01(std::mt19937_64& rng) {
  // (k + 0.5) / 2^53 for k in [0, 2^53): exactly representable, strictly inside (0, 1).
  const uint64_t k = rng() >> 11;
  return (double(k) + 0.5) * 0x1p-53;
}

double standard_normal(std::mt19937_64& rng) {
  const double u1 = uniform_open01(rng);
  const double u2 = uniform_open01(rng);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * boost::math::constants::pi<double>() * u2);
}

double standard_laplace(std::mt19937_64& rng) {
  // Inverse CDF: F^-1(u) = -sgn(u - 1/2) ln(1 - 2|u - 1/2|).
  const double u = uniform_open01(rng) - 0.5;
  const double m = -std::log1p(-2 * std::fabs(u));
  return u < 0 ? -m : m;
}

double standard_student_t(std::mt19937_64& rng, double nu) {
  // Bailey, "Polar generation of random variates with the t-distribution",
  // Math. Comp. 62 (1994): (U, V) uniform in the unit disc, W = U^2 + V^2,
  // T = U sqrt(nu (W^(-2/nu) - 1) / W).
  while (true) {
    const double u = 2 * uniform_open01(rng) - 1;
    const double v = 2 * uniform_open01(rng) - 1;
    const double w = u * u + v * v;
    if (w >= 1 || w == 0) continue;
    return u * std::sqrt(nu * (std::pow(w, -2 / nu) - 1) / w);
  }
}

uint64_t uniform_index(std::mt19937_64& rng, uint64_t n) {
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  while (true) {
    const uint64_t r = rng();
    if (r < limit) return r % n;
  }
}

}  // namespace qmac::num
