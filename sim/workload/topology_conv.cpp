// Convolution -> GEMM: the shapes (lower_conv, worked example in topology.hpp)
// and the data (im2col), in SCALE-Sim v2's operand order (operand_matrix.py).
#include <string>

#include "sim/errors.hpp"
#include "sim/workload/topology.hpp"

namespace qmac::workload {

namespace {

[[noreturn]] void bad(const std::string& what) { throw InputError("", what); }

// One spatial dimension's output size.
int out_size(const char* dim, int in, int filter, int stride, int pad_lo, int pad_hi, int dilation,
             ConvSpec::Rounding rounding) {
  const long long span = (long long)dilation * (filter - 1) + 1;  // the dilated filter
  if (rounding == ConvSpec::Rounding::scalesim) {
    // SCALE-Sim v2 topology_utils.py: ofmap = ceil((ifmap - filter + stride) / stride); it
    // asserts filter <= ifmap.
    if (filter > in)
      bad(std::string("filter ") + dim + " " + std::to_string(filter) + " is larger than the ifmap's " +
          std::to_string(in) + "; expected a filter no larger than the ifmap (SCALE-Sim's rule)");
    return int((in - filter + stride + (stride - 1)) / stride);
  }
  const long long padded = (long long)in + pad_lo + pad_hi;
  if (span > padded)
    bad(std::string("the dilated filter ") + dim + " " + std::to_string(span) + " is larger than the padded ifmap's " +
        std::to_string(padded) + "; expected a filter that fits");
  return int((padded - span) / stride + 1);
}

}  // namespace

ConvGemm lower_conv(const ConvSpec& c) {
  if (c.groups < 1 || c.channels % c.groups != 0 || c.filters % c.groups != 0)
    bad("groups " + std::to_string(c.groups) + " does not divide channels " + std::to_string(c.channels) +
        " and filters " + std::to_string(c.filters) + "; expected both to be multiples of groups");
  const bool scalesim = c.rounding == ConvSpec::Rounding::scalesim;
  if (scalesim && (c.pad_top || c.pad_bottom || c.pad_left || c.pad_right || c.dilation_h != 1 || c.dilation_w != 1))
    bad("SCALE-Sim's rounding has no padding or dilation; expected padding 0 and dilation 1");
  ConvGemm g;
  g.ofmap_h = out_size("height", c.ifmap_h, c.filter_h, c.stride_h, c.pad_top, c.pad_bottom, c.dilation_h, c.rounding);
  g.ofmap_w = out_size("width", c.ifmap_w, c.filter_w, c.stride_w, c.pad_left, c.pad_right, c.dilation_w, c.rounding);
  const long long m = (long long)g.ofmap_h * g.ofmap_w;
  const long long k = (long long)c.filter_h * c.filter_w * (c.channels / c.groups);
  if (m > (1 << 20) || k > (1 << 20))
    bad("the lowered GEMM is " + std::to_string(m) + " x " + std::to_string(k) +
        "; expected M and K of at most 2^20 (the config's limit)");
  g.m = int(m);
  g.k = int(k);
  g.n = c.filters / c.groups;
  return g;
}

namespace {

template <class T>
std::vector<T> lower(const std::vector<T>& ifmap, const ConvSpec& c, const ConvGemm& g) {
  const int cg = c.channels / c.groups;  // channels per group
  const size_t cols = size_t(g.k) * size_t(c.groups);
  std::vector<T> a(size_t(g.m) * cols, T(0));
  for (int oy = 0; oy < g.ofmap_h; ++oy)
    for (int ox = 0; ox < g.ofmap_w; ++ox) {
      T* row = &a[(size_t(oy) * g.ofmap_w + ox) * cols];
      for (int fy = 0; fy < c.filter_h; ++fy) {
        const int iy = oy * c.stride_h - c.pad_top + fy * c.dilation_h;
        if (iy < 0 || iy >= c.ifmap_h) continue;  // padding / past the edge: zeros
        for (int fx = 0; fx < c.filter_w; ++fx) {
          const int ix = ox * c.stride_w - c.pad_left + fx * c.dilation_w;
          if (ix < 0 || ix >= c.ifmap_w) continue;
          const T* px = &ifmap[(size_t(iy) * c.ifmap_w + ix) * size_t(c.channels)];
          // Column of (group, fy, fx, channel-in-group): group blocks of K, then
          // SCALE-Sim's window order (filter row, filter column, channel fastest).
          for (int grp = 0; grp < c.groups; ++grp) {
            T* dst = row + size_t(grp) * g.k + (size_t(fy) * c.filter_w + fx) * cg;
            const T* src = px + size_t(grp) * cg;
            for (int ch = 0; ch < cg; ++ch) dst[ch] = src[ch];
          }
        }
      }
    }
  return a;
}

}  // namespace

Tensor im2col(const Tensor& ifmap, const ConvSpec& c, const ConvGemm& g) {
  Tensor a;
  a.rows = g.m;
  a.cols = g.k * c.groups;
  a.values = lower(ifmap.values, c, g);
  return a;
}

std::vector<uint32_t> im2col_codes(const std::vector<uint32_t>& ifmap_codes, const ConvSpec& c, const ConvGemm& g) {
  return lower(ifmap_codes, c, g);
}

}  // namespace qmac::workload
