// MAC specs the tests of several folders share.
#pragma once

#include "models/numerics/accumulator.hpp"

namespace qmac::test {

// INT8 x INT8 into a 32-bit two's complement accumulator (wrap): the paper's INT8 MAC.
inline num::MacSpec int8_int32() {
  num::MacSpec s;
  s.a = s.b = num::parse_format("int8");
  s.acc.kind = num::AccKind::integer;
  s.acc.width = 32;
  return s;
}

// Same-format float operands into a float accumulator (fused, RNE), e.g.
// float_mac("fp8_e4m3", "fp16").
inline num::MacSpec float_mac(const char* operands, const char* accumulator) {
  num::MacSpec s;
  s.a = s.b = num::parse_format(operands);
  s.acc.kind = num::AccKind::floating;
  s.acc.format = num::parse_format(accumulator);
  return s;
}

}  // namespace qmac::test
