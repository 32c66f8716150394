#include "sim/run/accuracy.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace qmac::run {

ErrorStats compare(const std::vector<double>& ref, const std::vector<double>& out) {
  if (ref.size() != out.size()) throw std::logic_error("compare: sizes differ");
  ErrorStats s;
  long double signal = 0, noise = 0;
  size_t finite = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (!std::isfinite(ref[i])) {
      ++s.nonfinite_reference;
      s.nonfinite += !std::isfinite(out[i]);
      continue;
    }
    if (!std::isfinite(out[i])) {
      ++s.nonfinite;
      continue;
    }
    const double e = ref[i] - out[i];
    signal += (long double)ref[i] * ref[i];
    noise += (long double)e * e;
    s.max_abs_error = std::max(s.max_abs_error, std::fabs(e));
    ++finite;
  }
  if (finite > 0) {
    s.rms_error = double(std::sqrt(noise / finite));
    s.signal_rms = double(std::sqrt(signal / finite));
  }
  s.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : double(10 * std::log10(signal / noise));
  if (s.nonfinite_reference > 0) {
    // Against a reference that is itself NaN/inf there is no error to measure:
    // undefined, not +inf ("exact") and not the error of the finite part.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.sqnr_db = s.max_abs_error = s.rms_error = nan;
  } else if (s.nonfinite > 0) {
    // An inf/NaN output is an unbounded error: the SQNR is -inf, not the SQNR of
    // the outputs that happened to stay finite.
    const double inf = std::numeric_limits<double>::infinity();
    s.sqnr_db = -inf;
    s.max_abs_error = inf;
    s.rms_error = inf;
  }
  return s;
}

}  // namespace qmac::run
