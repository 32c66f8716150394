// Workload tensors: generated from a TensorSpec's distribution (seeded, the same
// on every machine), loaded from / saved to .npy, and quantised to codes of a
// format with per-tensor or per-channel scales.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/numerics/format.hpp"
#include "sim/workload/tensor_spec.hpp"

namespace qmac::workload {

// Which index of a 2-D tensor is the channel: rows (A, m x k, per row m) or cols
// (B, k x n, per column n). Used for per-channel scales and outlier channels.
enum class Axis { rows, cols };

struct Tensor {
  int rows = 0, cols = 0;
  std::vector<double> values;  // row-major
  double at(int r, int c) const { return values[size_t(r) * size_t(cols) + size_t(c)]; }
};

// A tensor of spec.dist (kinds uniform, normal, laplace, student_t, outliers; npy
// loads spec.dist.path). The values, in row-major order, are cut into blocks of
// kGenerateBlock; block b is drawn from num::stream_engine(spec.seed, b) with
// the samplers of models/numerics/distribution.hpp, so the tensor depends on
// the seed only -- not on `threads`, the number of threads that draw blocks.
// `outliers`: N(0, std^2) data whose outlier channels along channel_axis --
// round(fraction * channels) of them (at least one when fraction > 0), chosen
// from std::mt19937_64(spec.seed) -- are multiplied by magnitude.
// Bad parameters (std <= 0, high <= low, nu <= 0, fraction outside [0,1], ...)
// throw InputError naming the parameter.
constexpr size_t kGenerateBlock = size_t{1} << 16;
Tensor generate(const TensorSpec& spec, int rows, int cols, Axis channel_axis, int threads = 1);

// The indices of the outlier channels generate() uses for spec (sorted).
std::vector<int> outlier_channels(const TensorSpec& spec, int channels);

// A float32 or float64 .npy (C or Fortran order) of shape (rows, cols).
// Anything else -- missing file, bad magic/header, other dtype, other shape,
// truncated data -- throws InputError naming the file.
Tensor load_npy(const std::string& path, int rows, int cols);
// The same checks without reading the data (header, dtype, shape, size).
void check_npy(const std::string& path, int rows, int cols);
// float64, C order, written by sim/io rules. RuntimeError when it cannot be written.
void save_npy(const std::string& path, const Tensor& t);

struct Quantized {
  int rows = 0, cols = 0;
  num::Format format;
  std::vector<uint32_t> codes;  // row-major
  std::vector<double> scales;   // one (per tensor), or one per channel along channel_axis
  Axis channel_axis = Axis::rows;
  double scale_of(int r, int c) const {
    return scales.size() == 1 ? scales[0] : scales[size_t(channel_axis == Axis::rows ? r : c)];
  }
  double dequant(int r, int c) const;
  Tensor dequantized() const;
};

// Codes of x / scale (RNE, saturating: values beyond the range clip). Scales:
//   max:  max |x| of the tensor/channel maps to the format's max finite
//         (integers: max |x| / max_int, symmetric); an all-zero channel gets 1;
//   best: the MSE-minimising scale on the data (num::best_scale_for_data, the
//         same search as `qmac qerror --method sample`).
// The codes are num::Encoder's (= num::encode of x / scale, bit for bit),
// computed on `threads` threads; nothing depends on the thread count.
Quantized quantize(const Tensor& t, const num::Format& fmt, Granularity granularity, ScaleMethod method,
                   Axis channel_axis, int threads = 1);

}  // namespace qmac::workload
