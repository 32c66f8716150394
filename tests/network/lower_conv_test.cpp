// Convolution -> GEMM: the shapes (worked example, SCALE-Sim's rounding) and the
// data (im2col times the weight matrix equals a direct convolution, exactly).
#include <gtest/gtest.h>

#include <random>

#include "sim/errors.hpp"
#include "sim/workload/topology.hpp"

using namespace qmac::workload;

TEST(LowerConv_Shapes, TheWorkedExampleOfTheComment) {
  ConvSpec c;
  c.ifmap_h = c.ifmap_w = 224;
  c.channels = 3;
  c.filter_h = c.filter_w = 7;
  c.filters = 64;
  c.stride_h = c.stride_w = 2;
  c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 3;
  ConvGemm g = lower_conv(c);
  EXPECT_EQ(g.ofmap_h, 112);
  EXPECT_EQ(g.m, 12544);
  EXPECT_EQ(g.k, 147);
  EXPECT_EQ(g.n, 64);
  EXPECT_EQ(uint64_t(g.m) * g.k * g.n, 118013952u);
  c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 0;
  c.rounding = ConvSpec::Rounding::scalesim;
  g = lower_conv(c);
  EXPECT_EQ(g.ofmap_h, 110);
  EXPECT_EQ(g.m, 12100);
  // Depthwise 3x3 on 112 x 112 x 32, padding 1: 32 GEMMs of 12544 x 9 x 1.
  ConvSpec d;
  d.ifmap_h = d.ifmap_w = 112;
  d.channels = d.filters = d.groups = 32;
  d.filter_h = d.filter_w = 3;
  d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 1;
  g = lower_conv(d);
  EXPECT_EQ(g.m, 12544);
  EXPECT_EQ(g.k, 9);
  EXPECT_EQ(g.n, 1);
}

TEST(LowerConv_Shapes, OutputSizeFormulas) {
  // floor((H + pads - dilation (F - 1) - 1) / S) + 1 against a count of valid window positions.
  for (int h = 1; h <= 12; ++h)
    for (int f = 1; f <= 5; ++f)
      for (int s = 1; s <= 3; ++s)
        for (int p = 0; p <= 2; ++p)
          for (int dil = 1; dil <= 2; ++dil) {
            ConvSpec c;
            c.ifmap_h = h, c.ifmap_w = 1, c.channels = 1, c.filter_h = f, c.filter_w = 1, c.filters = 1;
            c.stride_h = s, c.pad_top = c.pad_bottom = p, c.dilation_h = dil;
            const int span = dil * (f - 1) + 1;
            int positions = 0;  // window starts y0 = i*s - p with the whole dilated window inside [-p, h+p)
            for (int y0 = -p; y0 + span <= h + p; y0 += s) ++positions;
            if (positions == 0) {
              EXPECT_THROW(lower_conv(c), qmac::InputError) << h << " " << f << " " << s << " " << p << " " << dil;
              continue;
            }
            EXPECT_EQ(lower_conv(c).ofmap_h, positions) << h << " " << f << " " << s << " " << p << " " << dil;
          }
  // SCALE-Sim: ceil((H - F + S) / S), e.g. 56 - 3 with stride 2: ceil(55 / 2) = 28; 57: 28.
  for (int h : {56, 57, 58}) {
    ConvSpec c;
    c.ifmap_h = h, c.ifmap_w = 3, c.channels = 1, c.filter_h = 3, c.filter_w = 3, c.filters = 1, c.stride_h = 2;
    c.rounding = ConvSpec::Rounding::scalesim;
    EXPECT_EQ(lower_conv(c).ofmap_h, (h - 3 + 2 + 1) / 2);
  }
}

TEST(LowerConv_Shapes, ImpossibleShapesAreErrors) {
  ConvSpec c;
  c.ifmap_h = c.ifmap_w = 8, c.channels = 6, c.filter_h = c.filter_w = 3, c.filters = 4, c.groups = 4;
  EXPECT_THROW(lower_conv(c), qmac::InputError);  // 6 channels in 4 groups
  c.groups = 2;
  EXPECT_NO_THROW(lower_conv(c));
  c.pad_top = 1;
  c.rounding = ConvSpec::Rounding::scalesim;
  EXPECT_THROW(lower_conv(c), qmac::InputError);  // SCALE-Sim has no padding
}

namespace {

// out[oy][ox][f] by the definition of a grouped, padded, dilated convolution.
std::vector<double> direct_conv(const Tensor& ifmap, const std::vector<double>& w /* [f][c_in_group][fy][fx] */,
                                const ConvSpec& c, const ConvGemm& g) {
  const int cg = c.channels / c.groups, fg = c.filters / c.groups;
  std::vector<double> out(size_t(g.ofmap_h) * g.ofmap_w * c.filters, 0.0);
  for (int oy = 0; oy < g.ofmap_h; ++oy)
    for (int ox = 0; ox < g.ofmap_w; ++ox)
      for (int f = 0; f < c.filters; ++f) {
        const int grp = f / fg;
        double sum = 0;
        for (int ci = 0; ci < cg; ++ci)
          for (int fy = 0; fy < c.filter_h; ++fy)
            for (int fx = 0; fx < c.filter_w; ++fx) {
              const int iy = oy * c.stride_h - c.pad_top + fy * c.dilation_h;
              const int ix = ox * c.stride_w - c.pad_left + fx * c.dilation_w;
              if (iy < 0 || ix < 0 || iy >= c.ifmap_h || ix >= c.ifmap_w) continue;
              sum += ifmap.at(iy * c.ifmap_w + ix, grp * cg + ci) *
                     w[((size_t(f) * cg + ci) * c.filter_h + fy) * c.filter_w + fx];
            }
        out[(size_t(oy) * g.ofmap_w + ox) * c.filters + f] = sum;
      }
  return out;
}

}  // namespace

TEST(LowerConv_Im2col, TimesTheWeightMatrixEqualsTheDirectConvolution) {
  // Small integers: every sum is exact in double, so the comparison is exact.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> v(-8, 8);
  struct Case {
    int h, w, c, fh, fw, f, sh, sw, pt, pb, pl, pr, dh, dw, groups;
    ConvSpec::Rounding r;
  };
  const Case cases[] = {
      {7, 6, 3, 3, 3, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, ConvSpec::Rounding::floor},
      {9, 9, 4, 3, 2, 6, 2, 1, 1, 0, 2, 1, 1, 1, 2, ConvSpec::Rounding::floor},   // asymmetric padding, 2 groups
      {8, 8, 5, 3, 3, 5, 1, 2, 2, 2, 2, 2, 2, 2, 5, ConvSpec::Rounding::floor},   // depthwise, dilated
      {10, 7, 2, 3, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1, ConvSpec::Rounding::scalesim},  // last window past the edge
      {5, 5, 1, 5, 5, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, ConvSpec::Rounding::floor},   // one output pixel
  };
  for (const Case& k : cases) {
    ConvSpec c;
    c.ifmap_h = k.h, c.ifmap_w = k.w, c.channels = k.c, c.filter_h = k.fh, c.filter_w = k.fw, c.filters = k.f;
    c.stride_h = k.sh, c.stride_w = k.sw, c.pad_top = k.pt, c.pad_bottom = k.pb, c.pad_left = k.pl, c.pad_right = k.pr;
    c.dilation_h = k.dh, c.dilation_w = k.dw, c.groups = k.groups, c.rounding = k.r;
    const ConvGemm g = lower_conv(c);
    Tensor ifmap{k.h * k.w, k.c, {}};
    for (int i = 0; i < k.h * k.w * k.c; ++i) ifmap.values.push_back(v(rng));
    const int cg = k.c / k.groups, fg = k.f / k.groups;
    std::vector<double> w(size_t(k.f) * cg * k.fh * k.fw);
    for (auto& x : w) x = v(rng);
    const Tensor a = im2col(ifmap, c, g);
    ASSERT_EQ(a.rows, g.m);
    ASSERT_EQ(a.cols, g.k * k.groups);
    ASSERT_EQ(g.k, k.fh * k.fw * cg);
    // B of group grp: K x fg, row (fy, fx, ci) with ci fastest (SCALE-Sim's window order).
    const std::vector<double> want = direct_conv(ifmap, w, c, g);
    for (int grp = 0; grp < k.groups; ++grp)
      for (int m = 0; m < g.m; ++m)
        for (int j = 0; j < fg; ++j) {
          double sum = 0;
          for (int fy = 0; fy < k.fh; ++fy)
            for (int fx = 0; fx < k.fw; ++fx)
              for (int ci = 0; ci < cg; ++ci) {
                const int row = (fy * k.fw + fx) * cg + ci;
                const int f = grp * fg + j;
                sum += a.at(m, grp * g.k + row) * w[((size_t(f) * cg + ci) * k.fh + fy) * k.fw + fx];
              }
          ASSERT_EQ(sum, want[size_t(m) * k.f + grp * fg + j]) << "case h=" << k.h << " group " << grp << " m " << m;
        }
  }
}

TEST(LowerConv_Im2col, CodesLowerLikeValuesWithZeroPadding) {
  ConvSpec c;
  c.ifmap_h = 5, c.ifmap_w = 4, c.channels = 3, c.filter_h = c.filter_w = 3, c.filters = 3, c.groups = 3;
  c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 1;
  const ConvGemm g = lower_conv(c);
  Tensor ifmap{20, 3, {}};
  std::vector<uint32_t> codes;
  for (int i = 0; i < 60; ++i) {
    ifmap.values.push_back(double(i + 1));
    codes.push_back(uint32_t(i + 1));
  }
  const Tensor a = im2col(ifmap, c, g);
  const std::vector<uint32_t> ac = im2col_codes(codes, c, g);
  ASSERT_EQ(ac.size(), a.values.size());
  for (size_t i = 0; i < ac.size(); ++i) EXPECT_EQ(double(ac[i]), a.values[i]) << i;  // padding: 0 in both
}
