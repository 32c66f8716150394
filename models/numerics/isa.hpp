// Which vector instruction set the hot loops use (the fast engine's lanes,
// the FP64 reference GEMM): the best the CPU has among AVX-512 (with
// VPOPCNTDQ), AVX2 and the x86-64 baseline, or a lower one named by the
// environment variable QMAC_ISA (baseline | avx2 | avx512; tests run every
// variant this way). Results never depend on it.
#pragma once

namespace qmac::num {

enum class Isa { baseline = 0, avx2 = 1, avx512 = 2 };

Isa cpu_isa();    // what the CPU supports
Isa active_isa(); // min(cpu_isa(), QMAC_ISA if set and valid)
const char* isa_name(Isa isa);

}  // namespace qmac::num
