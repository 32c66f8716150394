// Numerical error of a simulated GEMM against FP64 references.
#pragma once

#include <cstdint>
#include <vector>

namespace qmac::run {

struct ErrorStats {
  double sqnr_db = 0;         // 10 log10(sum ref^2 / sum (ref - out)^2); +inf when out == ref exactly,
                              // -inf (and max/rms error +inf) when any output is NaN/inf
  double max_abs_error = 0;   // max |ref - out|
  double rms_error = 0;
  double signal_rms = 0;      // sqrt(mean ref^2)
  uint64_t nonfinite = 0;     // outputs that are NaN/inf
  uint64_t nonfinite_reference = 0;  // reference values that are NaN/inf (NaN/inf inputs, or a sum beyond
                                     // double): the error is then undefined, sqnr_db and the errors are NaN
};

// Compares out with ref element by element (same length).
ErrorStats compare(const std::vector<double>& ref, const std::vector<double>& out);

// C = A (m x k) * B (k x n), row-major, in double (the FP64 reference). The
// products and sums are rounded in double, which is 29+ bits more precise than
// any accumulator qmac models.
std::vector<double> gemm_f64(const std::vector<double>& a, const std::vector<double>& b, int m, int k, int n);

}  // namespace qmac::run
