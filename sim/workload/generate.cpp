// Seeded tensor generation (see tensor.hpp). Every value comes from the raw
// words of std::mt19937_64 through num::fill_standard_normal & co., never
// through std::*_distribution, whose output differs between standard libraries.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "models/numerics/distribution.hpp"
#include "models/numerics/parallel.hpp"
#include "sim/errors.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::workload {

namespace {

void require(bool ok, const std::string& param, const std::string& expected, double got) {
  if (!ok)
    throw InputError("workload distribution parameter '" + param + "'",
                     "expected " + expected + ", got " + std::to_string(got));
}

void validate(const DistributionSpec& d) {
  auto finite = [](double v) { return std::isfinite(v); };
  switch (d.kind) {
    case DistKind::uniform:
      require(finite(d.low), "low", "a finite number", d.low);
      require(finite(d.high) && d.high > d.low, "high", "a finite number > low", d.high);
      break;
    case DistKind::normal:
      require(finite(d.mean), "mean", "a finite number", d.mean);
      require(finite(d.std) && d.std > 0, "std", "a finite number > 0", d.std);
      break;
    case DistKind::laplace:
      require(finite(d.mean), "mean", "a finite number", d.mean);
      require(finite(d.scale) && d.scale > 0, "scale", "a finite number > 0", d.scale);
      break;
    case DistKind::student_t:
      require(finite(d.nu) && d.nu > 0, "nu", "a finite number > 0", d.nu);
      require(finite(d.scale) && d.scale > 0, "scale", "a finite number > 0", d.scale);
      break;
    case DistKind::outliers:
      require(finite(d.std) && d.std > 0, "std", "a finite number > 0", d.std);
      require(d.fraction >= 0 && d.fraction <= 1, "fraction", "a number in [0, 1]", d.fraction);
      require(finite(d.magnitude) && d.magnitude > 0, "magnitude", "a finite number > 0", d.magnitude);
      break;
    case DistKind::npy: break;
  }
}

std::vector<int> choose_outliers(std::mt19937_64& rng, double fraction, int channels) {
  if (fraction <= 0 || channels <= 0) return {};
  const int count = std::clamp(int(std::lround(fraction * channels)), 1, channels);
  // Partial Fisher-Yates with an unbiased index of our own (std::shuffle's
  // algorithm is unspecified).
  std::vector<int> idx(static_cast<size_t>(channels));
  std::iota(idx.begin(), idx.end(), 0);
  for (int i = 0; i < count; ++i) {
    const int j = i + int(num::uniform_index(rng, uint64_t(channels - i)));
    std::swap(idx[size_t(i)], idx[size_t(j)]);
  }
  idx.resize(size_t(count));
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace

std::vector<int> outlier_channels(const TensorSpec& spec, int channels) {
  if (spec.dist.kind != DistKind::outliers) return {};
  validate(spec.dist);
  std::mt19937_64 rng(spec.seed);
  return choose_outliers(rng, spec.dist.fraction, channels);
}

Tensor generate(const TensorSpec& spec, int rows, int cols, Axis channel_axis, int threads) {
  if (rows <= 0 || cols <= 0)
    throw InputError("workload tensor shape", "expected positive rows and cols, got " + std::to_string(rows) + " x " +
                                                   std::to_string(cols));
  const DistributionSpec& d = spec.dist;
  if (d.kind == DistKind::npy) return load_npy(d.path, rows, cols);
  validate(d);
  Tensor t{rows, cols, {}};
  const size_t n = size_t(rows) * size_t(cols);
  par::reserve_large(t.values, n, threads);
  t.values.resize(n);
  std::vector<char> is_outlier;
  if (d.kind == DistKind::outliers) {
    std::mt19937_64 rng(spec.seed);
    const int channels = channel_axis == Axis::rows ? rows : cols;
    is_outlier.assign(size_t(channels), 0);
    for (int c : choose_outliers(rng, d.fraction, channels)) is_outlier[size_t(c)] = 1;
  }
  const size_t blocks = (n + kGenerateBlock - 1) / kGenerateBlock;
  par::parallel_for(blocks, threads, [&](size_t b, int) {
    num::Xoshiro256pp rng = num::stream_engine(spec.seed, b);
    const size_t first = b * kGenerateBlock, len = std::min(kGenerateBlock, n - first);
    double* v = t.values.data() + first;
    switch (d.kind) {
      case DistKind::uniform:
        num::fill_uniform_open01(rng, v, len);
        for (size_t i = 0; i < len; ++i) v[i] = d.low + (d.high - d.low) * v[i];
        break;
      case DistKind::normal:
        num::fill_standard_normal(rng, v, len);
        for (size_t i = 0; i < len; ++i) v[i] = d.mean + d.std * v[i];
        break;
      case DistKind::laplace:
        num::fill_standard_laplace(rng, v, len);
        for (size_t i = 0; i < len; ++i) v[i] = d.mean + d.scale * v[i];
        break;
      case DistKind::student_t:
        num::fill_standard_student_t(rng, d.nu, v, len);
        for (size_t i = 0; i < len; ++i) v[i] = d.scale * v[i];
        break;
      case DistKind::outliers:
        num::fill_standard_normal(rng, v, len);
        for (size_t i = 0; i < len; ++i) {
          const size_t idx = first + i;
          const size_t ch = channel_axis == Axis::rows ? idx / size_t(cols) : idx % size_t(cols);
          v[i] = d.std * v[i];
          if (is_outlier[ch]) v[i] *= d.magnitude;
        }
        break;
      case DistKind::npy: break;
    }
  });
  return t;
}

}  // namespace qmac::workload
