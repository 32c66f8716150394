// Numerical error of a simulated GEMM against FP64 references.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/numerics/format.hpp"

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

// An operand of an FP64 reference GEMM, row-major: its values, or codes
// dequantised as they are read -- scale * value(code), the double
// workload::Quantized::dequant gives -- so no dequantised copy is made.
struct GemmOperand {
  const double* values = nullptr;    // the values, or null for codes:
  const uint32_t* codes = nullptr;
  const num::Format* format = nullptr;
  const double* table = nullptr;     // num::decode_table(*format), or null (then num::decode)
  const double* scales = nullptr;    // one per tensor (nscales = 1) or per channel
  size_t nscales = 1;
  bool channel_rows = true;          // per-channel scales index rows (else columns)
};

// C = A (m x k) * B (k x n) in double (the FP64 reference): every output is
// 0 + a[i][0] b[0][j] + a[i][1] b[1][j] + ..., each product and each sum
// rounded to double, k ascending -- the plain triple loop's result, bit for
// bit, computed blocked and vectorised on `threads` threads (fp64_gemm.cpp),
// the same for any thread count. Precision: |error| <= K u sum |a b| with
// u = 2^-53 (Higham, Accuracy and Stability of Numerical Algorithms, 3.1),
// 2^-41 relative to the sum of |products| for K = 4096 -- over 29 bits finer
// than the FP32 accumulators qmac models, so it measures them, not itself.
std::vector<double> gemm_f64(const GemmOperand& a, const GemmOperand& b, int m, int k, int n, int threads);
std::vector<double> gemm_f64(const std::vector<double>& a, const std::vector<double>& b, int m, int k, int n);

}  // namespace qmac::run
