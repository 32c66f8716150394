// Bit-level views of a MAC unit's nodes, shared by both array engines so their
// switching-activity counts agree by construction of the encoding (not of the
// counting, which each engine does its own way).
//
// Product encoding (the multiplier output node): the exact product p = a*b as
// a two's complement integer in units of the product LSB 2^lsb_exponent
// (num::ProductRange), truncated to its fixed_width bits (and to the low 64 bits
// when wider). Products with more than 126 fixed-point bits (e.g. fp32 x fp32)
// use the IEEE double bit pattern of p instead; a non-finite product (an inf or
// NaN operand) is all ones.
// Accumulator encoding: num::Accumulator::raw_bits (two's complement register,
// or the accumulator format's code).
#pragma once

#include <cstdint>
#include <climits>
#include <cstring>
#include <vector>

#include "models/numerics/accumulator.hpp"

namespace qmac::mac {

inline int popcount64(uint64_t x) { return __builtin_popcountll(x); }

class MacBits {
 public:
  explicit MacBits(const num::Mac& mac);
  const num::Mac& arith() const { return *mac_; }  // the MAC whose nodes these are
  // Encoded product of two operand codes. Fast path (operands up to 16 bits
  // whose values are integers of at most 62 bits in units of their format's
  // LSB): one multiply of two table entries; otherwise from the exact double.
  uint64_t product(uint32_t a, uint32_t b) const {
    if (!a_lsbs_.empty()) {
      const int64_t x = a_lsbs_[a & a_mask_], y = b_lsbs_[b & b_mask_];
      if (x == kNonFinite || y == kNonFinite) return prod_mask_;
      return static_cast<uint64_t>(static_cast<unsigned __int128>(static_cast<__int128>(x) * y)) & prod_mask_;
    }
    return encode_product(mac_->product(a, b));
  }
  uint64_t encode_product(double p) const;
  // Same value as mac.accumulator().raw_bits(v), with inline fast paths.
  uint64_t acc(const num::AccValue& v) const {
    if (kind_ != num::AccKind::floating) return acc_int(v);
    if (fp32_) return acc_fp32(v);
    return mac_->accumulator().raw_bits(v);
  }
  // acc() of an integer/fixed accumulator (the MAC's kind is not floating).
  uint64_t acc_int(const num::AccValue& v) const {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(v.i)) & acc_mask_;
  }
  // acc() of an IEEE binary32 accumulator (fp32()).
  bool fp32() const { return fp32_; }
  uint64_t acc_fp32(const num::AccValue& v) const {
    if (v.f != v.f) return mac_->accumulator().raw_bits(v);
    const float f = float(v.f);
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
  }
  // The product table of the MAC's inline integer path (num::Mac::int64_path)
  // when its entries, truncated to product_mask(), are product()'s encoding for
  // every pair of codes (checked once, at construction); else null. Lets an
  // engine look a product up once for both the sum and the product node.
  const int64_t* int64_products() const { return int64_products_; }
  // int64_products()'s entry for a pair of codes (the index is num::Mac::table_index's, checked with it).
  int64_t int64_product(uint32_t a, uint32_t b) const {
    return int64_products_[(size_t(a & a_mask_) << b_bits_) | (b & b_mask_)];
  }
  int64_t int64_min() const { return int64_min_; }  // the register range of num::Mac::int64_path
  int64_t int64_max() const { return int64_max_; }
  uint64_t product_mask() const { return prod_mask_; }

 private:
  static std::vector<int64_t> lsb_table(const num::Format& f);
  const num::Mac* mac_;
  num::AccKind kind_;
  bool fp32_ = false;
  uint64_t acc_mask_ = ~uint64_t{0};
  int lsb_exponent_ = 0;
  int width_ = 0;
  uint64_t prod_mask_ = ~uint64_t{0};
  uint32_t a_mask_, b_mask_;
  int b_bits_ = 0;
  static constexpr int64_t kNonFinite = INT64_MIN;
  std::vector<int64_t> a_lsbs_, b_lsbs_;  // operand value / 2^lsb_exponent, or kNonFinite
  const int64_t* int64_products_ = nullptr;
  int64_t int64_min_ = 0, int64_max_ = 0;
};

}  // namespace qmac::mac
