// The paper's smallest datapath (arXiv 2303.17951 section 3.3) as qmac reads it:
// the component list and formulas that reproduce Fig. 3 (docs/cost-model.md
// section 3). Priced by the paper and nangate45 libraries.
#include <algorithm>
#include <cmath>

#include "models/cost/datapaths.hpp"

namespace qmac::cost::detail {

namespace {

// Significand width including the hidden bit (floats) or the integer width.
int significand_bits(const num::Format& f) { return f.is_float() ? f.f.precision() : f.i.bits; }

// The multiplier: significand array, sign, hidden bits, exponent sum.
// Returns the product's significand and exponent widths.
void multiplier_part(const num::MacSpec& s, Builder& b, int& ps, int& pe) {
  const auto& g = b.g;
  const int sa = significand_bits(s.a), sb = significand_bits(s.b);
  ps = sa + sb;
  pe = 0;
  b.add("significand_multiplier", kMultiplier, "multiplier(" + w(sa) + "x" + w(sb) + ")", multiplier(g, sa, sb),
        sa + sb);
  if (!s.a.is_float() && !s.b.is_float()) return;  // two's complement array (Baugh-Wooley): no extra logic
  b.add("sign", kMultiplier, "XOR2", g.xor2, 1);
  // Hidden bit = (exponent != 0): an OR tree over each float operand's exponent.
  int hidden = 0;
  for (const auto* f : {&s.a, &s.b})
    if (f->is_float()) hidden += f->f.exp_bits - 1;
  b.add("hidden_bits", kMultiplier, w(hidden) + " OR2", hidden * g.or2, hidden);
  const int ea = s.a.is_float() ? s.a.f.exp_bits : 0, eb = s.b.is_float() ? s.b.f.exp_bits : 0;
  if (ea > 0 && eb > 0) {
    // e_a + e_b - bias: a carry-save row of FAs over x = max(ea, eb) + 1 bits,
    // then an (x + 1)-bit carry-propagate adder.
    const int x = std::max(ea, eb) + 1;
    b.add("exponent_adder", kMultiplier, w(x) + " FA + adder(" + w(x + 1) + ")", x * g.fa + adder(g, x + 1), x + 1);
    pe = x + 1;
  } else {
    pe = std::max(ea, eb);  // INT x FP: the float's exponent passes through
  }
}

void integer_accumulator(const num::MacSpec& s, int product_width, Builder& b) {
  const auto& g = b.g;
  const int W = s.acc.width;
  const int low = std::min(W, product_width);
  b.add("accumulator_adder", kAlignAdd,
        "adder(" + w(low) + ") + inc_dec(" + w(W - low) + ")", adder(g, low) + inc_dec(g, W - low), W);
  if (s.acc.int_overflow == num::IntOverflow::saturate)
    b.add("saturation", kNormalizeAccumulate, w(W) + " MUX2 + 2 XOR2", W * g.mux2 + 2 * g.xor2, W);
  b.add("accumulator_register", kNormalizeAccumulate, "reg(" + w(W) + ")", reg(g, W), W, Part::accumulator_register);
}

void float_products_into_fixed(const num::MacSpec& s, const num::ProductRange& r, int ps, int pe, Builder& b) {
  const auto& g = b.g;
  const int W = s.acc.width;
  // Sign-magnitude product -> two's complement, then placed at its exponent.
  b.add("product_twos_complement", kAlignAdd, "(" + w(ps + 1) + ") XOR2 + incrementer(" + w(ps + 1) + ")",
        (ps + 1) * g.xor2 + incrementer(g, ps + 1), ps + 1);
  b.add("product_pipe_register", kAlignAdd, "reg(" + w(1 + ps + pe) + ")", reg(g, 1 + ps + pe), 1 + ps + pe,
        Part::product_register);
  const int P = r.fixed_width() + (s.acc.frac_bits + r.lsb_exponent);  // exact product range in this register
  const int max_shift = std::max(0, P - (ps + 1));
  // The shifter only fills the product's range (P bits); the accumulator bits
  // above it receive the sign extension, which is wiring, not MUX2s.
  const int low = std::min(W, P);
  b.add("product_alignment_shifter", kAlignAdd,
        "placing_shifter(" + w(ps + 1) + " -> " + w(low) + ", " + w(max_shift) + ")",
        placing_shifter(g, ps + 1, low, max_shift), low);
  b.add("accumulator_adder", kAlignAdd, "adder(" + w(low) + ") + inc_dec(" + w(W - low) + ")",
        adder(g, low) + inc_dec(g, W - low), W);
  if (s.acc.int_overflow == num::IntOverflow::saturate)
    b.add("saturation", kNormalizeAccumulate, w(W) + " MUX2 + 2 XOR2", W * g.mux2 + 2 * g.xor2, W);
  b.add("accumulator_register", kNormalizeAccumulate, "reg(" + w(W) + ")", reg(g, W), W, Part::accumulator_register);
}

// The smallest-gate-count floating accumulator of the paper (section 3.3): one
// adder path, no leading-zero anticipation, no near/far split. The datapath is
// the accumulator's significand plus guard, round and sticky bits; a wider
// product enters through the alignment shifter and the sticky OR.
void float_accumulator(const num::MacSpec& s, int ps, int pe, Builder& b) {
  const auto& g = b.g;
  const auto& f = s.acc.format.f;
  const int p = f.precision(), e = f.exp_bits, bits = f.bits();
  const int dp = p + 3;
  const int ex = std::max(e, pe) + 1;
  if (!s.fused && ps > p)
    b.add("product_rounder", kAlignAdd, "incrementer(" + w(p) + ") + " + w(ps - p) + " OR2",
          incrementer(g, p) + (ps - p) * g.or2, p);
  b.add("exponent_difference", kAlignAdd, "adder(" + w(ex) + ")", adder(g, ex), ex);
  b.add("operand_swap", kAlignAdd, w(2 * dp + e) + " MUX2", (2 * dp + e) * g.mux2, dp);
  b.add("alignment_shifter", kAlignAdd, "shifter(" + w(dp) + ", " + w(dp) + ")", shifter(g, dp, dp), dp);
  b.add("sticky", kAlignAdd, w(dp + std::max(0, ps - dp)) + " OR2", (dp + std::max(0, ps - dp)) * g.or2, dp);
  b.add("significand_adder", kAlignAdd, w(dp) + " XOR2 + adder(" + w(dp + 1) + ")", dp * g.xor2 + adder(g, dp + 1),
        dp + 1);
  b.add("result_negation", kNormalizeAccumulate, w(dp + 1) + " XOR2 + incrementer(" + w(dp + 1) + ")",
        (dp + 1) * g.xor2 + incrementer(g, dp + 1), dp + 1);
  b.add("leading_zero_counter", kNormalizeAccumulate, "lzc(" + w(dp + 1) + ")", leading_zero_counter(g, dp + 1),
        dp + 1);
  b.add("normalization_shifter", kNormalizeAccumulate, "shifter(" + w(dp + 1) + ", " + w(dp + 1) + ")",
        shifter(g, dp + 1, dp + 1), dp + 1);
  b.add("exponent_adjust", kNormalizeAccumulate, "adder(" + w(e + 1) + ")", adder(g, e + 1), e + 1);
  b.add("rounder", kNormalizeAccumulate, "4 AO21 + incrementer(" + w(p) + ")", 4 * g.ao21 + incrementer(g, p), p);
  b.add("overflow_logic", kNormalizeAccumulate, w(e + bits) + " AND2", (e + bits) * g.and2, bits);
  b.add("accumulator_register", kNormalizeAccumulate, "reg(" + w(bits) + ")", reg(g, bits), bits,
        Part::accumulator_register);
}

}  // namespace

int paper_datapath(const num::MacSpec& s, int pipeline_stages, Builder& b) {
  const auto& g = b.g;
  int ps = 0, pe = 0;
  multiplier_part(s, b, ps, pe);
  const num::ProductRange r = num::product_range(s.a, s.b);
  if (pipeline_stages > 1)
    b.add("pipeline_registers", kMultiplier, w(pipeline_stages - 1) + " x reg(" + w(1 + ps + pe) + ")",
          (pipeline_stages - 1) * reg(g, 1 + ps + pe), 1 + ps + pe, Part::pipeline_registers);
  const bool int_products = s.a.is_int() && s.b.is_int();
  switch (s.acc.kind) {
    case num::AccKind::integer:
      integer_accumulator(s, r.fixed_width(), b);
      break;
    case num::AccKind::fixed:
      if (int_products) integer_accumulator(s, r.fixed_width() + s.acc.frac_bits, b);
      else float_products_into_fixed(s, r, ps, pe, b);
      break;
    case num::AccKind::floating:
      float_accumulator(s, ps, int_products ? 0 : pe, b);
      break;
  }
  return int_products ? r.fixed_width() : 1 + ps + pe;
}

double paper_float_adder(const num::AccumulatorSpec& buffer, const GateLibrary& g) {
  num::MacSpec s;
  s.a = s.b = buffer.format;
  s.acc = buffer;
  std::vector<Component> parts;
  Builder b{g, parts};
  float_accumulator(s, buffer.format.f.precision(), buffer.format.f.exp_bits, b);
  double total = 0;
  for (const auto& c : parts)
    if (c.part != Part::accumulator_register) total += c.gates;
  return total;
}

}  // namespace qmac::cost::detail
