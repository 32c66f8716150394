#include "models/rtl/spec_widths.hpp"

namespace qmac::rtl::detail {

OperandView operand_view(const num::Format& f, const std::string& name) {
  OperandView v;
  v.name = name;
  v.bits = f.bits();
  v.is_float = f.is_float();
  if (v.is_float) {
    v.e = f.f.exp_bits;
    v.m = f.f.man_bits;
    v.bias = f.f.bias;
    v.nf = f.f.nonfinite;
    v.q = f.f.precision();
    v.lsb0 = -(f.f.bias + f.f.man_bits);
  } else {
    v.is_signed = f.i.is_signed;
    v.q = f.i.bits;  // |-2^(n-1)| = 2^(n-1) still fits in n unsigned bits
    v.lsb0 = 0;
  }
  return v;
}

FloatView float_view(const num::Format& f) {
  FloatView v;
  v.e = f.f.exp_bits;
  v.m = f.f.man_bits;
  v.bias = f.f.bias;
  v.p = f.f.precision();
  v.bits = f.f.bits();
  v.emin = f.f.emin();
  v.nf = f.f.nonfinite;
  v.has_inf = f.f.has_inf();
  v.has_negzero = f.f.has_negative_zero();
  const unsigned long long exp_all = (1ULL << v.e) - 1, man_all = (1ULL << v.m) - 1;
  switch (v.nf) {
    case num::NonFinite::ieee: v.max_mag = ((exp_all - 1) << v.m) | man_all; break;
    case num::NonFinite::fn: v.max_mag = (exp_all << v.m) | (man_all - 1); break;
    case num::NonFinite::fnuz: v.max_mag = (exp_all << v.m) | man_all; break;
  }
  v.inf_mag = exp_all << v.m;
  v.nan_code = num::code_of(f, __builtin_nan(""));
  return v;
}

}  // namespace qmac::rtl::detail
