// qmac's reference RTL as components: one per Verilog module of models/rtl
// (same names and widths), each formula written in the building blocks of
// gates.hpp from the structure of its module, so `qmac synth` can check each
// against that module's netlist (docs/rtl.md). Priced by the yosys library.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "models/cost/datapaths.hpp"

namespace qmac::cost {

namespace detail {

namespace {

// Effective exponent field + NaN/inf flags of a float code (operand_decode_*,
// accumulator_decode): the hidden bit is an OR over the exponent (e - 1 OR2),
// a subnormal's exponent 1 one more OR2; NaN/inf detection by convention:
// ieee: exponent all ones (e - 1 AND2), mantissa nonzero (m - 1 OR2), 2 AND2;
// fn: all ones over exponent and mantissa (e + m - 1 AND2); fnuz: sign & code
// zero below it (m - 1 OR2 + 2 AND2).
double float_decode(const GateLibrary& g, const num::FloatFormat& f) {
  const int e = f.exp_bits, m = f.man_bits;
  double gates = or_tree(g, e) + g.or2;
  switch (f.nonfinite) {
    case num::NonFinite::ieee: gates += std::max(e - 1, 0) * g.and2 + or_tree(g, m) + 2 * g.and2; break;
    case num::NonFinite::fn: gates += std::max(e + m - 1, 0) * g.and2; break;
    case num::NonFinite::fnuz: gates += or_tree(g, m) + 2 * g.and2; break;
  }
  return gates;
}

int lzc_bits(int n) { return ceil_log2(n + 1); }

// The overflow compare `packed > M` (M the largest finite magnitude's code):
// when M's low t bits are all ones, no x exceeds it there, so x > M iff x's
// bits above t exceed M's -- a compare with a constant over the bits above t,
// a gate (AND2/OR2) per bit. ieee: M = {1..10, 1..1}, t = m; fn: {1..1, 1..10},
// t = 0; fnuz: all ones, t = e + m.
int overflow_compare_bits(const num::FloatFormat& f, int packed_bits) {
  const unsigned long long e_all = (1ULL << f.exp_bits) - 1, m_all = (1ULL << f.man_bits) - 1;
  unsigned long long M = 0;
  switch (f.nonfinite) {
    case num::NonFinite::ieee: M = ((e_all - 1) << f.man_bits) | m_all; break;
    case num::NonFinite::fn: M = (e_all << f.man_bits) | (m_all - 1); break;
    case num::NonFinite::fnuz: M = (e_all << f.man_bits) | m_all; break;
  }
  int t = 0;
  while (t < 64 && ((M >> t) & 1)) ++t;
  return std::max(packed_bits - t, 0);
}

// The multiplier group: decode, significand array, exponent sum, sign and
// special flags (RTL: operand_decode_*, operand_magnitude_*,
// significand_multiplier, exponent_adder, product_special).
void sign_magnitude_product(const num::MacSpec& s, Builder& b) {
  const auto& g = b.g;
  bool any_inf = false;
  int qa = 0, qb = 0;
  for (const auto* f : {&s.a, &s.b}) {
    const std::string n = f == &s.a ? "a" : "b";
    int& q = f == &s.a ? qa : qb;
    if (f->is_float()) {
      q = f->f.precision();
      any_inf = any_inf || f->f.has_inf();
      b.add("operand_decode_" + n, kMultiplier, "hidden bit, exponent, NaN/inf of e" + w(f->f.exp_bits) + "m" +
            w(f->f.man_bits), float_decode(g, f->f), q);
    } else {
      q = f->i.bits;
      // |v| = (v ^ sign) + sign with the sign v's own top bit: that bit XORed
      // with itself is 0, so it is only the increment's carry out (an AND2).
      b.add("operand_magnitude_" + n, kMultiplier, "conditional_negate(" + w(q - 1) + ") + AND2",
            f->i.is_signed ? conditional_negate(g, q - 1) + g.and2 : 0, q);
    }
  }
  b.add("significand_multiplier", kMultiplier, "multiplier(" + w(qa) + "x" + w(qb) + ")", multiplier(g, qa, qb),
        qa + qb);
  if (s.a.is_float() && s.b.is_float()) {
    // ea + eb: an adder over the narrower width, the wider one's extra bits an incrementer.
    const int lo = std::min(s.a.f.exp_bits, s.b.f.exp_bits), hi = std::max(s.a.f.exp_bits, s.b.f.exp_bits);
    b.add("exponent_adder", kMultiplier, "adder(" + w(lo) + ") + incrementer(" + w(hi - lo) + ")",
          adder(g, lo) + incrementer(g, hi - lo), hi + 1);
  }
  // Sign XOR2; NaN = a_nan | b_nan (+ inf x 0 with infinities: zero detects
  // over both significands, 2 AND2, 2 OR2, and inf = (a_inf | b_inf) & ~nan).
  double special = g.xor2;
  if (s.a.is_float() || s.b.is_float()) special += g.or2;
  if (any_inf) special += or_tree(g, qa) + or_tree(g, qb) + 3 * g.and2 + 3 * g.or2;
  b.add("product_special", kMultiplier, any_inf ? "XOR2 + NaN/inf/zero logic" : "XOR2 + NaN logic", special, 1);
}

void accumulate_register_path(const num::MacSpec& s, int addend_bits, Builder& b) {
  const auto& g = b.g;
  const int W = s.acc.width;
  // acc + sign-extended addend: a W-bit adder (the bits above the addend add
  // its sign; synthesis keeps a full adder per bit), overflow detection 2 XOR2-like gates.
  const bool sat = s.acc.int_overflow == num::IntOverflow::saturate;
  b.add("accumulator_adder", kAlignAdd, "adder(" + w(W) + ")" + (sat ? " + 2 XOR2" : ""),
        adder(g, W) + (sat ? 2 * g.xor2 : 0), W);
  if (sat) b.add("saturation", kNormalizeAccumulate, w(W) + " MUX2", W * g.mux2, W);
  b.add("accumulator_register", kNormalizeAccumulate, "reg(" + w(W) + ")", reg(g, W), W, Part::accumulator_register);
  (void)addend_bits;
}

void integer_products(const num::MacSpec& s, int stages, Builder& b) {
  const auto& g = b.g;
  const num::ProductRange r = num::product_range(s.a, s.b);
  const int n = s.a.bits(), m = s.b.bits(), pw = r.register_width();
  // Baugh-Wooley for signed x signed (the same array as unsigned); a sign-extended
  // (n+1) x (m+1) array when exactly one operand is unsigned.
  const bool both = s.a.i.is_signed == s.b.i.is_signed;
  const int an = both ? n : n + 1, am = both ? m : m + 1;
  b.add("significand_multiplier", kMultiplier, "multiplier(" + w(an) + "x" + w(am) + ")", multiplier(g, an, am), pw);
  if (stages > 1)
    b.add("pipeline_registers", kMultiplier, w(stages - 1) + " x reg(" + w(pw) + ")", (stages - 1) * reg(g, pw), pw,
          Part::pipeline_registers);
  accumulate_register_path(s, pw, b);
}

// Float (or mixed) products into a fixed-point (Kulisch) register: the paper's
// product pipe stage and product alignment.
void float_products_into_fixed(const num::MacSpec& s, int stages, const FloatAdderWidths& fw, Builder& b) {
  const auto& g = b.g;
  sign_magnitude_product(s, b);
  const int bundle = 3 + fw.q + fw.esw;
  b.add("product_pipe_register", kAlignAdd, "reg(" + w(bundle) + ")", reg(g, bundle), bundle, Part::product_register);
  if (stages > 1)
    b.add("pipeline_registers", kMultiplier, w(stages - 1) + " x reg(" + w(bundle) + ")", (stages - 1) * reg(g, bundle),
          bundle, Part::pipeline_registers);
  const num::ProductRange r = num::product_range(s.a, s.b);
  const int range = std::min(s.acc.width, r.fixed_width() + s.acc.frac_bits + r.lsb_exponent);
  b.add("product_twos_complement", kAlignAdd, "conditional_negate(" + w(fw.q + 1) + ") + " + w(fw.q) + " AND2",
        conditional_negate(g, fw.q + 1) + fw.q * g.and2, fw.q + 1);
  const int max_shift = fw.esum_max - fw.esum_min;
  b.add("product_alignment_shifter", kAlignAdd,
        "placing_shifter(" + w(fw.q + 1) + " -> " + w(range) + ", " + w(max_shift) + ")",
        placing_shifter(g, fw.q + 1, range, max_shift), range);
  accumulate_register_path(s, range, b);
}

// Float accumulator (RTL: float_rtl.cpp, same module names and widths).
void float_accumulator(const num::MacSpec& s, int stages, const FloatAdderWidths& fw, Builder& b) {
  const auto& g = b.g;
  const auto& f = s.acc.format.f;
  const int p = f.precision(), bits = f.bits(), m = f.man_bits;
  const int N = fw.N, P = fw.P, ew = fw.ew, zw = lzc_bits(N + 1);
  const int dw = fw.dw, aw = fw.aw, xw = fw.xw;
  sign_magnitude_product(s, b);
  if (stages > 1) {
    const int bundle = 3 + fw.q + fw.esw;
    b.add("pipeline_registers", kMultiplier, w(stages - 1) + " x reg(" + w(bundle) + ")", (stages - 1) * reg(g, bundle),
          bundle, Part::pipeline_registers);
  }
  const int zq = lzc_bits(fw.q);
  // The exponent of the product's top bit: esum - lz + constant: a subtractor
  // over the variable bits and a constant add carried through the rest.
  // (Constant offsets -- biases, the product's LSB weight -- cost nothing in the
  // flattened MAC: synthesis folds each into the adder that consumes it.) With
  // integer operands there is no exponent sum: a constant minus lz, C + ~lz + 1,
  // is a carry chain through lz's bits alone, a half adder each.
  const int ev = std::max(fw.esw, zq);
  const double exponent_fix = fw.esw ? adder(g, ev) : incrementer(g, zq);
  if (s.fused) {
    b.add("product_normalizer", kAlignAdd,
          "lzc(" + w(fw.q) + ") + shifter(" + w(fw.q) + ", " + w(fw.q - 1) + ") + " +
              (fw.esw ? "adder(" + w(ev) + ")" : "incrementer(" + w(zq) + ")"),
          pruned_leading_zero_counter(g, fw.q) + zero_fill_shifter(g, fw.q, fw.q - 1) + exponent_fix, fw.q);
  } else {
    // Round the product to p bits first (RTL product_rounder): normalise by its
    // leading zeros (stopping at emin), or shift right below emin with a sticky
    // bit, round, and pack with the overflow rule. The RTL is written for every
    // product; what this config's product range makes constant, synthesis removes
    // (ABC propagates the constants), and so does this formula:
    //  - the right-shift path only when a product's top bit can lie below emin;
    //  - the stop at emin (compare, shift and exponent selects) only when a
    //    normalised product can lie below emin;
    //  - the round increment only when a product can have bits below p: q > p or
    //    a right shift (else round and sticky bits are constant 0);
    //  - the overflow compare only when a product can reach emax.
    const long long etop_min = fw.esum_min + fw.lsb0 + fw.q - 1, etop_max = fw.esum_max + fw.lsb0 + fw.q - 1;
    const int wr = std::max(fw.q, p) + 2;
    const int rmax = int(std::clamp<long long>(f.emin() - etop_min, 0, wr));
    const bool stops_at_emin = etop_min - (fw.q - 1) < f.emin();
    const bool rounds = fw.q > p || rmax > 0;
    const bool overflows = etop_max >= f.emax();
    const double normalise = pruned_leading_zero_counter(g, fw.q) + zero_fill_shifter(g, fw.q, fw.q - 1) + exponent_fix;
    // lz <= etop - emin: an OR over the bits above zq and a zq-bit comparator (a
    // carry chain), as normalization_shifter's limit; zq + ew MUX2 selects.
    const double stop = stops_at_emin ? or_tree(g, ev - zq + 1) + comparator(g, zq) + (zq + ew) * g.mux2 : 0;
    // emin - etop and its clamp at wr (an ew-bit adder), the shifter (its input
    // the product with wr - q zero bits below), a wr-bit path select.
    const double right = rmax ? sticky_shifter(g, wr, rmax, wr - fw.q) + wr * g.mux2 + adder(g, ew) : 0;
    // Sticky OR over the bits below the round bit, the RNE decision (2 AO21) and
    // the increment carrying into the exponent field.
    const double round = rounds ? or_tree(g, wr - p) + 2 * g.ao21 + incrementer(g, ew + m) : 0;
    // Exponent field AND2s (0 unless the top bit is set), the overflow compare
    // (overflow_compare_bits), the code select (an AND2 + OR2 per code bit).
    const double pack = ew * g.and2 + (overflows ? overflow_compare_bits(f, ew + m) * g.and2 : 0) + bits * (g.and2 + g.or2);
    const double gates = normalise + stop + right + round + pack;
    b.add("product_rounder", kAlignAdd, "normalise/denormalise, round and pack " + w(fw.q) + " -> " + w(p) + " bits",
          gates, p);
    b.add("product_decode", kAlignAdd, "hidden bit, exponent, NaN/inf", float_decode(g, f), p);
  }
  // The accumulator's fields; its exponent stays biased (the adder works in the
  // accumulator's biased exponents), so nothing is subtracted.
  b.add("accumulator_decode", kAlignAdd, "hidden bit, exponent, NaN/inf", float_decode(g, f), bits);
  // d = ey - ec at the width of its values (dw): full-adder cells where both
  // operands have bits, half adders of the borrow chain where only the wider one
  // has (and over a signed ey's sign extension); when both are unsigned the bit
  // above them is only the borrow, d's sign: no cell. Which is larger (d > 0: an OR over d, 2 AND2 with
  // the sign and y_zero); the shift |d| clamped at N - 1 < 2^sw. With bits of d
  // above sw (RTL: only |d|'s low sw bits are formed): a conditional negation of
  // the low sw bits, whether |d| reaches 2^sw (an OR and an AND over the bits
  // above, an OR over the low bits, an OR2 and a MUX2 by the sign), the compare
  // with N - 1 (a gate per bit below the top, when N - 1 < 2^sw - 1) and its OR2;
  // else |d| at dw bits and the compare. The clamp selects a constant: an OR2
  // (or AND2) per shift-amount bit; the alignment exponent an aw-bit MUX2 row.
  const int sw = ceil_log2(N);
  const int lo_w = std::min(fw.yw, fw.cw), hi_w = std::max(fw.yw, fw.cw);
  const int sub_half = hi_w - lo_w + (fw.y_signed ? std::max(dw - hi_w, 0) : 0);
  const int shcmp = (1LL << sw) - 1 > N - 1 ? sw - 1 : 0;
  const int up = dw - 1 - sw;
  const int reach = up >= 1 ? 2 * (up - 1) + (sw - 1) + 1 + shcmp + (shcmp ? 1 : 0) : dw - sw + shcmp;
  const double absd = up >= 1 ? conditional_negate(g, sw) + reach * g.or2 + g.mux2 : conditional_negate(g, dw) + reach * g.or2;
  const std::string absd_text = "conditional_negate(" + w(up >= 1 ? sw : dw) + ") + " + w(reach) + " OR2" +
                                (up >= 1 ? " + MUX2" : "");
  b.add("exponent_difference", kAlignAdd,
        "adder(" + w(lo_w) + ") + incrementer(" + w(sub_half) + ") + " + w(dw - 1) + " OR2 + 2 AND2 + " + absd_text + " + " +
            w(sw) + " OR2 + " + w(aw) + " MUX2",
        adder(g, lo_w) + incrementer(g, sub_half) + (dw - 1) * g.or2 + 2 * g.and2 + absd + sw * g.or2 + aw * g.mux2, dw);
  // Both operands left-aligned in P bits: a MUX2 pair where both have bits, an
  // AND2 pair where only the wider one has, sign MUX2, effective-subtract XOR2.
  const int both = std::min(p, fw.qy), one = P - both;
  b.add("operand_swap", kAlignAdd, w(2 * both) + " MUX2 + " + w(2 * one) + " AND2",
        2 * both * g.mux2 + 2 * one * g.and2 + g.mux2 + g.xor2, P);
  // The shifter's input is the operand with the 2 zero bits below it (guard,
  // round): cells that see only those are constants.
  b.add("alignment_shifter", kAlignAdd, "sticky_shifter(" + w(N - 1) + ", " + w(N - 1) + ", 2 zero low bits)",
        sticky_shifter(g, N - 1, N - 1, 2), N);
  // big has 3 zero bits below and 2 above its P bits, the aligned operand 2 above
  // its N: N XOR2 (conditional complement), a P-bit adder with a 2-bit carry
  // incrementer on top, and below big's bits only the carry of the complemented
  // low bits (an OR of 3).
  b.add("significand_adder", kAlignAdd, w(N) + " XOR2 + adder(" + w(P) + ") + incrementer(2) + 3 OR2",
        N * g.xor2 + adder(g, P) + incrementer(g, 2) + 3 * g.or2, N + 2);
  b.add("result_negation", kNormalizeAccumulate, "conditional_negate(" + w(N + 1) + ")", conditional_negate(g, N + 1),
        N + 1);
  b.add("leading_zero_counter", kNormalizeAccumulate, "lzc(" + w(N + 1) + ")", pruned_leading_zero_counter(g, N + 1), N + 1);
  // Shift limit: the biased e_align itself (emin is 1); lz <= limit (an OR over
  // the limit's aw - zw bits above the count and a zw-bit comparator, a carry
  // chain without sum bits), the shift-amount MUX2s, the left shifter.
  b.add("normalization_shifter", kNormalizeAccumulate,
        "shifter(" + w(N + 1) + ", " + w(N) + ") + " + w(std::max(aw - zw - 1, 0)) + " OR2 + comparator(" + w(zw) + ") + " +
            w(zw) + " MUX2",
        zero_fill_shifter(g, N + 1, N) + or_tree(g, aw - zw) + comparator(g, zw) + zw * g.mux2, N + 1);
  // e_align + 1 - sh: a zw-bit subtractor, the bits above it (up to xw) inc/dec cells.
  b.add("exponent_adjust", kNormalizeAccumulate, "adder(" + w(zw) + ") + inc_dec(" + w(xw - zw) + ")",
        adder(g, zw) + inc_dec(g, xw - zw), xw);
  // Sticky OR, the RNE decision (2 AO21), the exponent field AND2s (zero for a
  // subnormal) and the increment that carries into the exponent field.
  b.add("rounder", kNormalizeAccumulate,
        w(N - p - 1) + " OR2 + 2 AO21 + " + w(xw) + " AND2 + incrementer(" + w(xw + m) + ")",
        or_tree(g, N - p) + 2 * g.ao21 + xw * g.and2 + incrementer(g, xw + m), p);
  // Overflow: compare with the largest finite code (a gate per bit above its
  // trailing ones: overflow_compare_bits);
  // NaN/inf combination; the result multiplexing of NaN / inf / max / zero /
  // rounded codes, a couple of gates per code bit.
  // (The compare only when a finite sum can round above the largest finite
  // value: fw.can_overflow; else the RTL has none.)
  const int cmp = fw.can_overflow ? overflow_compare_bits(f, xw + m) : 0;
  b.add("overflow_logic", kNormalizeAccumulate, w(cmp) + " AND2 + " + w(bits) + " (AND2 + OR2) + 6 OR2",
        cmp * g.and2 + bits * (g.and2 + g.or2) + 6 * g.or2, bits);
  b.add("accumulator_register", kNormalizeAccumulate, "reg(" + w(bits) + ")", reg(g, bits), bits,
        Part::accumulator_register);
}

}  // namespace

int rtl_datapath(const num::MacSpec& s, int pipeline_stages, Builder& b) {
  const FloatAdderWidths fw = float_adder_widths(s);
  const bool int_products = s.a.is_int() && s.b.is_int();
  switch (s.acc.kind) {
    case num::AccKind::integer:
      integer_products(s, pipeline_stages, b);
      break;
    case num::AccKind::fixed:
      if (int_products) integer_products(s, pipeline_stages, b);
      else float_products_into_fixed(s, pipeline_stages, fw, b);
      break;
    case num::AccKind::floating:
      float_accumulator(s, pipeline_stages, fw, b);
      break;
  }
  return int_products ? num::product_range(s.a, s.b).fixed_width() : 1 + fw.q + fw.esw;
}

double rtl_float_adder(const num::AccumulatorSpec& buffer, const GateLibrary& g) {
  // The accumulator's adder with a product operand of the buffer's format
  // (non-fused: its product_rounder is the identity and left out), no register.
  num::MacSpec s;
  s.a = s.b = buffer.format;
  s.acc = buffer;
  s.fused = false;
  std::vector<Component> parts;
  Builder b{g, parts};
  float_accumulator(s, 1, float_adder_widths(s), b);
  double total = 0;
  for (const auto& c : parts)
    if (c.group != std::string(kMultiplier) && c.part != Part::accumulator_register && c.name != "product_rounder")
      total += c.gates;
  return total;
}

}  // namespace detail

FloatAdderWidths float_adder_widths(const num::MacSpec& s) {
  FloatAdderWidths fw;
  int qa = 0, qb = 0;
  for (const auto* f : {&s.a, &s.b}) {
    int& q = f == &s.a ? qa : qb;
    if (f->is_float()) {
      q = f->f.precision();
      fw.lsb0 -= f->f.bias + f->f.man_bits;
      fw.esum_min += 1;
      fw.esum_max += (1 << f->f.exp_bits) - (f->f.nonfinite == num::NonFinite::ieee ? 2 : 1);
    } else {
      q = f->i.bits;
    }
  }
  // A signed integer's magnitude is at most 2^(n-1), so a product with one
  // fits in a bit fewer than qa + qb (models/rtl: the multiplier's output width).
  const bool signed_int = (s.a.is_int() && s.a.i.is_signed) || (s.b.is_int() && s.b.i.is_signed);
  fw.q = qa + qb - (signed_int ? 1 : 0);
  if (s.a.is_float() && s.b.is_float()) fw.esw = std::max(s.a.f.exp_bits, s.b.f.exp_bits) + 1;
  else if (s.a.is_float()) fw.esw = s.a.f.exp_bits;
  else if (s.b.is_float()) fw.esw = s.b.f.exp_bits;
  if (s.acc.kind != num::AccKind::floating) return fw;
  const auto& f = s.acc.format.f;
  fw.qy = s.fused ? fw.q : f.precision();
  fw.P = std::max(f.precision(), fw.qy);
  fw.N = fw.P + 3;
  // Every exponent the datapath forms (models/rtl float_rtl.cpp): the product's
  // top-bit exponent ey (fused: after normalisation; non-fused: the rounded
  // product's, in the accumulator's range), the accumulator's ec, their
  // difference, the alignment exponent + 1 - shift, the biased exponent + 1 of
  // the rounder's carry, the non-fused rounder's distances to emin.
  const long long esum_hi = fw.esw ? (1LL << fw.esw) - 1 : 0;
  const long long p_hi = esum_hi + fw.lsb0 + fw.q - 1, p_lo = fw.lsb0 - fw.q;  // raw product top, minus lz
  const long long c_hi = (1LL << f.exp_bits) - 1 - f.bias, c_lo = f.emin();
  const long long y_hi = s.fused ? p_hi : c_hi, y_lo = s.fused ? p_lo : c_lo;
  const long long top = std::max(y_hi, c_hi);
  long long big = 0;
  for (long long v : {p_hi, p_lo, y_hi - c_lo, y_lo - c_hi, top + 1 + f.bias + 1, c_lo - fw.N - 1, top + 1 - c_lo + 1,
                      c_lo - p_lo + 1, p_hi - c_lo + 1})
    big = std::max(big, std::llabs(v));
  fw.ew = ceil_log2(big + 1) + 1;
  // The adder's exponents, biased by the accumulator's bias B (its emin is then
  // 1): the product's top-bit exponent ey = esum + (lsb0 + q - 1 + B) - lz
  // (lz <= q; q for a zero product, whose exponent nothing uses), or a
  // non-fused product's field like the accumulator's ec in [1, 2^E - 1]; their
  // difference; the larger one e_align (>= 1: ey wins only when above ec); the
  // result's e_align + 1 - shift plus the rounder's carry.
  const long long B = f.bias, cmax = (1LL << f.exp_bits) - 1;
  const long long C = fw.lsb0 + fw.q - 1 + B;
  fw.y_lo = int(s.fused ? fw.esum_min + C - fw.q : 1);
  fw.y_hi = int(s.fused ? fw.esum_max + C : cmax);
  auto signed_bits = [](long long lo, long long hi) {
    int k = 1;
    while (lo < -(1LL << (k - 1)) || hi > (1LL << (k - 1)) - 1) ++k;
    return k;
  };
  fw.y_signed = fw.y_lo < 0;
  fw.yw = fw.y_signed ? signed_bits(fw.y_lo, fw.y_hi) : std::max(1, ceil_log2(fw.y_hi + 1LL));
  fw.cw = f.exp_bits;
  fw.dw = signed_bits(fw.y_lo - cmax, fw.y_hi - 1);
  const long long amax = std::max<long long>(fw.y_hi, cmax);
  fw.aw = ceil_log2(amax + 1);
  fw.xw = ceil_log2(amax + 3);
  // A finite sum rounds above the largest finite value M only when the product
  // reaches half an ulp of M, 2^(emax - m - 1): |c + y| <= M + |y|, and M + |y|
  // below M + ulp/2 rounds (to nearest or toward zero) to at most M. The
  // product's magnitude is below 2^(top-bit exponent + 1); a non-fused product
  // rounded to p bits can carry into one exponent more.
  const long long y_top = s.fused ? fw.y_hi - B : fw.esum_max + fw.lsb0 + fw.q - 1 + 1;
  fw.can_overflow = y_top >= f.emax() - f.man_bits - 1;
  // Without that, a finite result's exponent field is at most 2^E - 2 and the
  // rounding carry never reaches 2^E - 1; a larger e_align comes only from an
  // inf/NaN accumulator, whose code overflow_logic puts out instead. So the
  // result exponent needs the field's E bits, not room for a carry out of it.
  if (!fw.can_overflow) fw.xw = f.exp_bits;
  return fw;
}

}  // namespace qmac::cost
