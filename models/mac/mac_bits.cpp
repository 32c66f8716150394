#include "models/mac/mac_bits.hpp"

#include <cmath>

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
  if (s.a.bits() <= 8 && s.b.bits() <= 8) {
    const size_t na = size_t{1} << s.a.bits(), nb = size_t{1} << s.b.bits();
    table_.resize(na * nb);
    for (uint32_t x = 0; x < na; ++x)
      for (uint32_t y = 0; y < nb; ++y) table_[(size_t(x) << b_bits_) | y] = encode_product(mac.product(x, y));
  }
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
