#include "models/numerics/isa.hpp"

#include <cstdlib>
#include <cstring>

namespace qmac::num {

Isa cpu_isa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt"))
      return Isa::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt"))
      return Isa::avx2;
    return Isa::baseline;
  }();
  return isa;
}

Isa active_isa() {
  Isa want = Isa::avx512;
  if (const char* env = std::getenv("QMAC_ISA")) {
    if (std::strcmp(env, "baseline") == 0) want = Isa::baseline;
    if (std::strcmp(env, "avx2") == 0) want = Isa::avx2;
  }
  const Isa have = cpu_isa();
  return int(want) < int(have) ? want : have;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::baseline: return "baseline";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "?";
}

}  // namespace qmac::num
