#include "models/mac/mac_bits.hpp"

#include <cmath>

#include "models/numerics/codec.hpp"

namespace qmac::mac {

MacBits::MacBits(const num::Mac& mac) : mac_(&mac), kind_(mac.spec().acc.kind) {
  const num::MacSpec& s = mac.spec();
  if (kind_ != num::AccKind::floating && s.acc.width < 64) acc_mask_ = (uint64_t{1} << s.acc.width) - 1;
  fp32_ = kind_ == num::AccKind::floating && s.acc.format.is_float() &&
          s.acc.format.f == num::FloatFormat{8, 23, 127, num::NonFinite::ieee};
  const num::ProductRange r = mac.products();
  lsb_exponent_ = r.lsb_exponent;
  width_ = r.fixed_width();
  if (width_ < 64) prod_mask_ = (uint64_t{1} << width_) - 1;
  a_mask_ = s.a.code_mask();
  b_mask_ = s.b.code_mask();
  b_bits_ = s.b.bits();
  if (width_ <= 126 && s.a.bits() <= 16 && s.b.bits() <= 16) {
    a_lsbs_ = lsb_table(s.a);
    b_lsbs_ = lsb_table(s.b);
    if (a_lsbs_.empty() || b_lsbs_.empty()) a_lsbs_.clear();
  }
  const num::Mac::Int64Path ip = mac.int64_path();
  if (ip.products && kind_ != num::AccKind::floating && s.a.bits() <= 8 && s.b.bits() <= 8) {  // int64_path: 8-bit operands
    bool same = true;
    for (uint32_t a = 0; same && a < (uint32_t{1} << s.a.bits()); ++a)
      for (uint32_t b = 0; same && b < (uint32_t{1} << s.b.bits()); ++b)
        same = (size_t(a & a_mask_) << b_bits_ | (b & b_mask_)) == mac.table_index(a, b) &&
               (static_cast<uint64_t>(ip.products[mac.table_index(a, b)]) & prod_mask_) == product(a, b);
    if (same) {
      int64_products_ = ip.products;
      int64_min_ = ip.min;
      int64_max_ = ip.max;
    }
  }
}

// Every value of a format is an integer multiple of 2^lsb_exponent; the table
// holds that integer (empty if some value needs more than 62 bits).
std::vector<int64_t> MacBits::lsb_table(const num::Format& f) {
  std::vector<int64_t> t(size_t{1} << f.bits());
  for (uint32_t c = 0; c < t.size(); ++c) {
    const double v = num::decode(f, c);
    if (!std::isfinite(v)) {
      t[c] = kNonFinite;
      continue;
    }
    const double q = std::ldexp(v, -f.lsb_exponent());
    if (std::fabs(q) >= std::ldexp(1.0, 62)) return {};
    t[c] = static_cast<int64_t>(q);
  }
  return t;
}

uint64_t MacBits::encode_product(double p) const {
  if (!std::isfinite(p)) return prod_mask_;
  if (width_ > 126) {
    uint64_t u;
    std::memcpy(&u, &p, sizeof u);
    return u;
  }
  // Exact: p is a multiple of 2^lsb_exponent below 2^(width-1) in magnitude.
  const auto q = static_cast<__int128>(std::ldexp(p, -lsb_exponent_));
  return static_cast<uint64_t>(static_cast<unsigned __int128>(q)) & prod_mask_;
}

}  // namespace qmac::mac
