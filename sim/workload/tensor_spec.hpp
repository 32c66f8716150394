// What a workload tensor is made of: a distribution (or a .npy file), a seed, and
// how it is quantised. Plain data shared by sim/config (which fills it from YAML)
// and sim/workload (which generates and quantises tensors from it).
#pragma once

#include <cstdint>
#include <string>

namespace qmac::workload {

enum class DistKind { uniform, normal, laplace, student_t, outliers, npy };

// Parameters by kind (YAML keys under workload.a / workload.b are the field names):
//   uniform:   low, high                      (defaults -1, 1)
//   normal:    mean, std                      (0, 1)
//   laplace:   mean, scale                    (0, 1)        pdf exp(-|x-mean|/scale) / (2 scale)
//   student_t: nu, scale                      (3, 1)
//   outliers:  std, fraction, magnitude       (1, 0.01, 10) normal data whose outlier channels
//              (a `fraction` of the channels, chosen by the seed) are scaled by `magnitude`
//   npy:       path                           (a float32/float64 .npy of the tensor's shape)
struct DistributionSpec {
  DistKind kind = DistKind::normal;
  double low = -1.0, high = 1.0;
  double mean = 0.0, std = 1.0;
  double scale = 1.0;
  double nu = 3.0;
  double fraction = 0.01, magnitude = 10.0;
  std::string path;
};

enum class Granularity { per_tensor, per_channel };  // per_channel: A per row (m), B per column (n)
enum class ScaleMethod { max, best };                // best: the MSE-minimising scale

// What a NaN or inf in the tensor's data does: `error` (the default) refuses
// the run naming the tensor and the count; `propagate` quantises the finite
// values as usual and encodes NaN/inf as the format's NaN/inf codes (formats
// without inf take NaN, as OCP's non-saturating conversion does; integer
// formats have neither, so propagation into them is refused), so they reach
// the array and the report counts them (accuracy.invalid_operands,
// accuracy.nonfinite_reference, accuracy.nonfinite_outputs).
enum class NonFinitePolicy { error, propagate };

struct TensorSpec {
  DistributionSpec dist;
  uint64_t seed = 0;
  Granularity granularity = Granularity::per_tensor;
  ScaleMethod scale = ScaleMethod::max;
  NonFinitePolicy nonfinite = NonFinitePolicy::error;
};

}  // namespace qmac::workload
