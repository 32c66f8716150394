// The narrowest accumulator per layer (`qmac minacc`): for each operand format
// and accumulator kind, the smallest accumulator whose SQNR against FP64 stays
// within a tolerance (0.1 dB) of an exact accumulator's, found by bisection
// through the simulator, with the area and energy it saves over the usual one
// (INT32 for integer operands, FP32 for floating-point ones).
//
//   int    (integer operands)  width in bits, from one product's width to 64;
//                              exact: 64 bits (no sum of < 2^47 products of
//                              16-bit magnitude overflows it)
//   fixed  (float operands)    Kulisch register width (fraction bits: what one
//                              product needs), up to 126; exact: 126 bits
//   float  (float operands)    mantissa bits of an e8mM float (8 exponent bits,
//                              FP32's range), M from 1 to 23 (= FP32); exact:
//                              the 126-bit Kulisch register
// The output buffer is the default for the accumulator (docs/config.md): the
// MAC's own for int/fixed, FP32 for float. Bisection assumes the SQNR does not
// get worse with more bits (more bits never overflow or round where fewer did
// not); every evaluated width is reported, so a violation would be visible.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/run/network.hpp"

namespace qmac::run {

struct MinaccOptions {
  std::vector<std::string> formats = {"int8", "fp8_e4m3", "fp8_e5m2"};  // mac.a = mac.b = each
  std::vector<std::string> kinds = {"int", "fixed", "float"};  // those that apply to a format
  std::string layers = "*";                                      // glob on layer names (a topology)
  double tolerance_db = 0.1;
};

// Searches every layer of the config's topology (or the config's one GEMM).
// The JSON: {"config", "tolerance_db", "layers": [{name, gemm, macs, results:
// [{format, kind, exact_sqnr_db, min: {bits, accumulator, sqnr_db, area_um2,
// energy_pj}, baseline: {...}, area_saved, energy_saved, evaluations: [...]}]}]}.
nlohmann::ordered_json run_minacc(const config::Recipe& recipe, const config::Config& cfg, const MinaccOptions& opt);

// The result table (stdout of `qmac minacc`).
std::string minacc_table(const nlohmann::ordered_json& j);

}  // namespace qmac::run
