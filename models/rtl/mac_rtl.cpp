// The MAC's RTL: operand decode, multiplier, pipeline, and the integer / fixed
// accumulators; float accumulators are in float_rtl.cpp. Each component module
// is named like its models/cost component.
#include <algorithm>
#include <stdexcept>

#include "models/cost/mac_cost.hpp"
#include "models/rtl/float_rtl.hpp"
#include "models/rtl/spec_widths.hpp"
#include "models/rtl/verilog.hpp"

namespace qmac::rtl {

using namespace detail;

namespace {

const char* kMul = cost::kMultiplier;
const char* kAlign = cost::kAlignAdd;
const char* kNorm = cost::kNormalizeAccumulate;

// ---------------------------------------------------------------- operands

// Float operand: sign, significand with hidden bit, effective exponent
// (1 for subnormals), NaN/inf flags by the format's convention.
void float_decode(Writer& out, const OperandView& o) {
  const std::string e_all = "&e", e_zero = "~|e";
  std::string nan, inf = "1'b0";
  switch (o.nf) {
    case num::NonFinite::ieee:
      nan = e_all + (o.m ? " & |m" : " & 1'b0");
      inf = e_all + (o.m ? " & ~|m" : "");
      break;
    case num::NonFinite::fn: nan = e_all + (o.m ? " & &m" : ""); break;
    case num::NonFinite::fnuz: nan = "code[" + str(o.bits - 1) + "] & " + e_zero + (o.m ? " & ~|m" : ""); break;
  }
  const std::string one = o.e > 1 ? "{" + str(o.e - 1) + "'d0, 1'b1}" : "1'b1";
  out.component("operand_decode_" + o.name, kMul, false,
                sub("// operand_decode_{N}: the fields of operand {N}'s code (e{E}m{M}, bias {BIAS}): sign,\n"
                    "// significand with its hidden bit (exponent != 0), effective biased exponent\n"
                    "// (1 for subnormals) and the NaN / inf flags of the format's convention.\n"
                    "module operand_decode_{N} #(parameter E = {E}, M = {M}) (\n"
                    "  input  [E+M:0] code,\n  output sign,\n  output [M:0] sig,\n  output [E-1:0] exp,\n"
                    "  output is_nan,\n  output is_inf\n);\n"
                    "  wire [E-1:0] e = code[E+M-1:M];\n{MWIRE}"
                    "  assign sign = code[E+M];\n  assign sig = {{SIGM}};\n"
                    "  assign exp = {EZERO} ? {ONE} : e;\n  assign is_nan = {NAN};\n  assign is_inf = {INF};\n"
                    "endmodule\n",
                    {{"N", o.name}, {"E", str(o.e)}, {"M", str(o.m)}, {"BIAS", str(o.bias)},
                     {"MWIRE", o.m ? "  wire [M-1:0] m = code[M-1:0];\n" : ""},
                     {"SIGM", o.m ? "|e, m" : "|e"}, {"EZERO", e_zero}, {"ONE", one}, {"NAN", nan}, {"INF", inf}}));
}

// Integer operand into a float or fixed accumulator: sign and magnitude.
void int_magnitude(Writer& out, const OperandView& o) {
  const std::string sign = o.is_signed ? "v[" + str(o.bits - 1) + "]" : "1'b0";
  out.component("operand_magnitude_" + o.name, kMul, false,
                sub("// operand_magnitude_{N}: a {SG} {W}-bit integer as sign and magnitude\n"
                    "// (|-2^{W1}| = 2^{W1} still fits in {W} unsigned bits).\n"
                    "module operand_magnitude_{N} #(parameter W = {W}) (\n"
                    "  input  [W-1:0] v,\n  output sign,\n  output [W-1:0] mag\n);\n"
                    "  assign sign = {SIGN};\n  assign mag = (v ^ {W{sign}}) + {{W1}'d0, sign};  // conditional negation\nendmodule\n",
                    {{"N", o.name}, {"W", str(o.bits)}, {"W1", str(o.bits - 1)},
                     {"SG", o.is_signed ? "two's complement" : "unsigned"}, {"SIGN", sign}}));
}

// ---------------------------------------------------------------- multiplier

void pipeline_registers(Writer& out, int width, int regs) {
  out.component("pipeline_registers", kMul, true,
                sub("// pipeline_registers: {R} register(s) of the {W}-bit product bundle between the\n"
                    "// multiplier and the accumulate stage (mac.pipeline_stages = {P}).\n"
                    "module pipeline_registers #(parameter W = {W}, R = {R}) (\n"
                    "  input clk,\n  input  [W-1:0] d,\n  output [W-1:0] q\n);\n"
                    "  wire [W-1:0] chain [0:R];\n  assign chain[0] = d;\n  genvar i;\n"
                    "  generate for (i = 0; i < R; i = i + 1) begin : stage\n"
                    "    reg [W-1:0] r;\n    initial r = {W{1'b0}};\n"
                    "    always @(posedge clk) r <= chain[i];\n    assign chain[i+1] = r;\n"
                    "  end endgenerate\n  assign q = chain[R];\nendmodule\n",
                    {{"W", str(width)}, {"R", str(regs)}, {"P", str(regs + 1)}}));
}

// ---------------------------------------------------------------- integer / fixed accumulator

void accumulator_register(Writer& out, int w, const std::string& what) {
  out.component("accumulator_register", kNorm, true,
                sub("// accumulator_register: the {W}-bit accumulator ({WHAT}), zero at start.\n"
                    "module accumulator_register #(parameter W = {W}) (\n"
                    "  input clk,\n  input  [W-1:0] d,\n  output reg [W-1:0] q\n);\n"
                    "  initial q = {W{1'b0}};\n  always @(posedge clk) q <= d;\nendmodule\n",
                    {{"W", str(w)}, {"WHAT", what}}));
}

// acc + sign-extended addend (W bits); `ovf` when the two's complement sum overflows.
void accumulator_adder(Writer& out, int w, int addend_bits) {
  const std::string ext =
      w > addend_bits ? "{{" + str(w - addend_bits) + "{x[" + str(addend_bits - 1) + "]}}, x}" : "x";
  out.component("accumulator_adder", kAlign, false,
                sub("// accumulator_adder: the {W}-bit accumulator plus the {X}-bit two's complement\n"
                    "// addend, sign-extended (the bits above it see only the sign and the carry).\n"
                    "module accumulator_adder #(parameter W = {W}, X = {X}) (\n"
                    "  input  [W-1:0] acc,\n  input  [X-1:0] x,\n  output [W-1:0] sum,\n  output ovf\n);\n"
                    "  wire [W-1:0] xe = {EXT};\n  assign sum = acc + xe;\n"
                    "  assign ovf = (acc[W-1] == xe[W-1]) & (sum[W-1] != acc[W-1]);\nendmodule\n",
                    {{"W", str(w)}, {"X", str(addend_bits)}, {"EXT", ext}}));
}

void saturation(Writer& out, int w) {
  out.component("saturation", kNorm, false,
                sub("// saturation: an overflowing sum clamps to the register's range in the\n"
                    "// direction of the accumulator's sign (mac.accumulator.overflow: saturate).\n"
                    "module saturation #(parameter W = {W}) (\n"
                    "  input  [W-1:0] acc,\n  input  [W-1:0] sum,\n  input  ovf,\n  output [W-1:0] next\n);\n"
                    "  assign next = ovf ? {acc[W-1], {(W-1){~acc[W-1]}}} : sum;\nendmodule\n",
                    {{"W", str(w)}}));
}

// The accumulate stage of integer / fixed accumulators, from the addend `x`
// (a wire of the top) to the register; returns the top's text.
std::string integer_accumulate(Writer& out, const num::MacSpec& s, int xbits) {
  const int W = s.acc.width;
  accumulator_adder(out, W, xbits);
  const bool sat = s.acc.int_overflow == num::IntOverflow::saturate;
  if (sat) saturation(out, W);
  accumulator_register(out, W, std::string(sat ? "saturating" : "wrapping") + " two's complement");
  std::string t;
  t += "  wire [" + str(W - 1) + ":0] sum, acc_next;\n  wire ovf;\n";
  t += "  accumulator_adder u_accumulator_adder (.acc(acc), .x(addend), .sum(sum), .ovf(ovf));\n";
  if (sat)
    t += "  saturation u_saturation (.acc(acc), .sum(sum), .ovf(ovf), .next(acc_next));\n";
  else
    t += "  assign acc_next = sum;\n";
  t += "  accumulator_register u_accumulator_register (.clk(clk), .d(acc_next), .q(acc));\n";
  return t;
}

std::string top_header(const Design& d, const num::MacSpec& s, int stages) {
  return "// qmac_mac: " + s.a.name + " x " + s.b.name + " -> " + s.acc.describe() +
         (s.acc.kind == num::AccKind::floating ? (s.fused ? ", fused" : ", non-fused (product rounded first)") : "") +
         ", " + str(stages) + " pipeline stage(s).\n// Generated by qmac (models/rtl) from the config's MacSpec. acc(t) = mac(acc(t-1),\n"
         "// a(t-" + str(d.latency) + "), b(t-" + str(d.latency) + ")) in num::Mac's arithmetic.\n"
         "module qmac_mac (\n  input clk,\n  input  [" + str(d.a_bits - 1) + ":0] a,\n  input  [" +
         str(d.b_bits - 1) + ":0] b,\n  output [" + str(d.acc_bits - 1) + ":0] acc\n);\n";
}

// INT x INT into an integer or fixed accumulator: a two's complement product.
void int_products(Writer& out, const num::MacSpec& s, int stages, Design& d, std::string& top) {
  const num::ProductRange r = num::product_range(s.a, s.b);
  const int pw = r.register_width();
  const int shift = s.acc.kind == num::AccKind::fixed ? s.acc.frac_bits + r.lsb_exponent : 0;
  const bool sa = s.a.i.is_signed, sb = s.b.i.is_signed;
  const int n = s.a.bits(), m = s.b.bits();
  if (sa && sb) {
    // Baugh-Wooley: m rows of n partial products; the products with exactly one
    // sign bit are complemented and a constant corrects the sum (the array the
    // cost model prices; `$signed(a) * $signed(b)` synthesises to a sign-extended
    // (n+1) x (m+1) array in Yosys 0.23, about a quarter larger).
    std::string rows, sum;
    for (int j = 0; j < m; ++j) {
      const std::string bj = "b[" + str(j) + "]", r = "r" + str(j);
      const std::string bits = "(a[" + str(n - 2) + ":0] & {" + str(n - 1) + "{" + bj + "}})";
      const std::string top_bit = "(a[" + str(n - 1) + "] & " + bj + ")";
      const std::string row = j == m - 1 ? "{" + top_bit + ", ~" + bits + "}" : "{~" + top_bit + ", " + bits + "}";
      rows += "  wire [" + str(n + m - 1) + ":0] " + r + " = {" + str(m) + "'d0, " + row + "}" +
              (j ? " << " + str(j) : std::string("")) + ";\n";
      sum += r + " + ";
    }
    const unsigned __int128 c = ((unsigned __int128)1 << (n - 1)) + ((unsigned __int128)1 << (m - 1)) +
                                ((unsigned __int128)1 << (n + m - 1));
    out.component("significand_multiplier", kMul, false,
                  sub("// significand_multiplier: {A}-bit x {B}-bit two's complement (Baugh-Wooley) array\n"
                      "// multiplier, the exact {P}-bit product.\n"
                      "module significand_multiplier #(parameter A = {A}, B = {B}, P = {P}) (\n"
                      "  input  [A-1:0] a,\n  input  [B-1:0] b,\n  output [P-1:0] p\n);\n{ROWS}"
                      "  wire [A+B-1:0] full = {SUM}{C};\n  assign p = full[P-1:0];\nendmodule\n",
                      {{"A", str(n)}, {"B", str(m)}, {"P", str(pw)}, {"ROWS", rows}, {"SUM", sum},
                       {"C", lit(n + m, (long long)(c & ((((unsigned __int128)1) << (n + m)) - 1)))}}));
  } else {
    out.component("significand_multiplier", kMul, false,
                  sub("// significand_multiplier: {A}-bit x {B}-bit multiplier ({SA} x {SB}; unsigned\n"
                      "// operands zero-extended), the exact {P}-bit two's complement product.\n"
                      "module significand_multiplier #(parameter A = {A}, B = {B}, P = {P}) (\n"
                      "  input  [A-1:0] a,\n  input  [B-1:0] b,\n  output [P-1:0] p\n);\n"
                      "  wire signed [A:0] as = {{XA}, a};\n  wire signed [B:0] bs = {{XB}, b};\n"
                      "  wire signed [A+B+1:0] full = as * bs;\n  assign p = full[P-1:0];\nendmodule\n",
                      {{"A", str(n)}, {"B", str(m)}, {"P", str(pw)},
                       {"SA", sa ? "signed" : "unsigned"}, {"SB", sb ? "signed" : "unsigned"},
                       {"XA", sa ? "a[A-1]" : "1'b0"}, {"XB", sb ? "b[B-1]" : "1'b0"}}));
  }
  top += "  wire [" + str(pw - 1) + ":0] product, product_q;\n";
  top += "  significand_multiplier u_significand_multiplier (.a(a), .b(b), .p(product));\n";
  if (stages > 1) {
    pipeline_registers(out, pw, stages - 1);
    top += "  pipeline_registers u_pipeline_registers (.clk(clk), .d(product), .q(product_q));\n";
  } else {
    top += "  assign product_q = product;\n";
  }
  const int xbits = std::min(s.acc.width, pw + shift);
  top += "  wire [" + str(xbits - 1) + ":0] addend = " +
         (shift ? "{product_q, " + str(shift) + "'d0}" : std::string("product_q")) + ";\n";
  top += integer_accumulate(out, s, xbits);
  d.latency = stages;
}

}  // namespace

namespace detail {

// The multiplier group of a MAC with at least one float operand (or integer
// operands into a float accumulator): sign-magnitude product.
ProductBundle sign_magnitude_product(Writer& out, const num::MacSpec& s, std::string& top, bool for_fixed) {
  const OperandView a = operand_view(s.a, "a"), b = operand_view(s.b, "b");
  ProductBundle p;
  // A signed integer's magnitude is at most 2^(n-1): a product with one has a
  // bit fewer than the operands' widths (cost::float_adder_widths, the same q).
  const bool signed_int = (!a.is_float && a.is_signed) || (!b.is_float && b.is_signed);
  p.q = a.q + b.q - (signed_int ? 1 : 0);
  p.lsb0 = a.lsb0 + b.lsb0;
  for (const OperandView* o : {&a, &b}) {
    const std::string n = o->name;
    top += "  wire " + n + "_sign, " + n + "_nan, " + n + "_inf;\n  wire [" + str(o->q - 1) + ":0] " + n + "_sig;\n";
    if (o->is_float) {
      float_decode(out, *o);
      top += "  wire [" + str(o->e - 1) + ":0] " + n + "_exp;\n";
      top += "  operand_decode_" + n + " u_operand_decode_" + n + " (.code(" + n + "), .sign(" + n + "_sign), .sig(" +
             n + "_sig), .exp(" + n + "_exp), .is_nan(" + n + "_nan), .is_inf(" + n + "_inf));\n";
      // Effective exponents start at 1; finite ones end below the all-ones field for ieee formats.
      p.esum_min += 1;
      p.esum_max += (1 << o->e) - (o->nf == num::NonFinite::ieee ? 2 : 1);
    } else {
      int_magnitude(out, *o);
      top += "  operand_magnitude_" + n + " u_operand_magnitude_" + n + " (.v(" + n + "), .sign(" + n + "_sign), .mag(" +
             n + "_sig));\n  assign " + n + "_nan = 1'b0;\n  assign " + n + "_inf = 1'b0;\n";
    }
  }
  out.component("significand_multiplier", kMul, false,
                sub("// significand_multiplier: {A}-bit x {B}-bit unsigned array multiplier of the\n"
                    "// significands (hidden bits included), the exact {Q}-bit product{QNOTE}.\n"
                    "module significand_multiplier #(parameter A = {A}, B = {B}, Q = {Q}) (\n"
                    "  input  [A-1:0] x,\n  input  [B-1:0] y,\n  output [Q-1:0] p\n);\n"
                    "  wire [A+B-1:0] full = x * y;\n  assign p = full[Q-1:0];\nendmodule\n",
                    {{"A", str(a.q)}, {"B", str(b.q)}, {"Q", str(p.q)},
                     {"QNOTE", signed_int ? " (a signed integer's magnitude is at most 2^(n-1): the top bit is always 0)" : ""}}));
  top += "  wire [" + str(p.q - 1) + ":0] p_sig;\n";
  top += "  significand_multiplier u_significand_multiplier (.x(a_sig), .y(b_sig), .p(p_sig));\n";
  if (a.is_float && b.is_float) {
    p.esw = std::max(a.e, b.e) + 1;
    out.component("exponent_adder", kMul, false,
                  sub("// exponent_adder: the sum of the effective biased exponents; the product's LSB\n"
                      "// weighs 2^(sum {LSB0}) (the biases and fraction widths are constants).\n"
                      "module exponent_adder #(parameter A = {A}, B = {B}, S = {S}) (\n"
                      "  input  [A-1:0] ea,\n  input  [B-1:0] eb,\n  output [S-1:0] sum\n);\n"
                      "  assign sum = ea + eb;\nendmodule\n",
                      {{"A", str(a.e)}, {"B", str(b.e)}, {"S", str(p.esw)},
                       {"LSB0", (p.lsb0 < 0 ? "- " + str(-p.lsb0) : "+ " + str(p.lsb0))}}));
    top += "  wire [" + str(p.esw - 1) + ":0] p_esum;\n";
    top += "  exponent_adder u_exponent_adder (.ea(a_exp), .eb(b_exp), .sum(p_esum));\n";
  } else if (a.is_float || b.is_float) {
    const OperandView& f = a.is_float ? a : b;
    p.esw = f.e;
    top += "  wire [" + str(p.esw - 1) + ":0] p_esum = " + f.name + "_exp;  // INT x FP: the float's exponent passes\n";
  }
  // Sign and the special cases of the product.
  const std::string nan = "a_nan | b_nan | (a_inf & b_zero) | (a_zero & b_inf)";
  out.component("product_special", kMul, false,
                sub("// product_special: the product's sign (XOR) and whether it is {WHAT}.\n"
                    "module product_special (\n  input a_sign, b_sign, a_nan, b_nan, a_inf, b_inf, a_zero, b_zero,\n"
                    "  output sign,\n  output nan,\n  output inf\n);\n"
                    "  assign sign = a_sign ^ b_sign;\n  assign nan = {NAN};\n  assign inf = (a_inf | b_inf) & ~nan;\n"
                    "endmodule\n",
                    {{"WHAT", for_fixed ? "non-finite (adds nothing to a fixed-point register)"
                                        : "NaN (an operand NaN, or inf x 0) or inf"},
                     {"NAN", nan}}));
  top += "  wire p_sign, p_nan, p_inf;\n";
  top += "  product_special u_product_special (.a_sign(a_sign), .b_sign(b_sign), .a_nan(a_nan), .b_nan(b_nan),\n"
         "    .a_inf(a_inf), .b_inf(b_inf), .a_zero(~|a_sig), .b_zero(~|b_sig), .sign(p_sign), .nan(p_nan), .inf(p_inf));\n";
  return p;
}

// Registers the product bundle (sign, significand, exponent sum, flags) `regs`
// times under `module` (pipeline_registers or product_pipe_register); the
// bundle's wires get the suffix `_q`.
void register_bundle(Writer& out, const ProductBundle& p, int regs, const std::string& module, const char* group,
                     std::string& top, const std::string& in_suffix, const std::string& out_suffix) {
  const int w = 3 + p.q + p.esw;
  const std::string esum_in = p.esw ? ", p_esum" + in_suffix : "", esum_out = p.esw ? ", p_esum" + out_suffix : "";
  top += "  wire p_sign" + out_suffix + ", p_nan" + out_suffix + ", p_inf" + out_suffix + ";\n  wire [" +
         str(p.q - 1) + ":0] p_sig" + out_suffix + ";\n";
  if (p.esw) top += "  wire [" + str(p.esw - 1) + ":0] p_esum" + out_suffix + ";\n";
  if (module == "pipeline_registers") {
    pipeline_registers(out, w, regs);
  } else {
    out.component(module, group, true,
                  sub("// {MOD}: the product bundle (sign, NaN, inf, significand, exponent sum;\n"
                      "// {W} bits) registered between the multiplier and the accumulate stage.\n"
                      "module {MOD} #(parameter W = {W}) (\n"
                      "  input clk,\n  input  [W-1:0] d,\n  output reg [W-1:0] q\n);\n"
                      "  initial q = {W{1'b0}};\n  always @(posedge clk) q <= d;\nendmodule\n",
                      {{"MOD", module}, {"W", str(w)}}));
  }
  top += "  " + module + " u_" + module + " (.clk(clk), .d({p_sign" + in_suffix + ", p_nan" + in_suffix + ", p_inf" +
         in_suffix + ", p_sig" + in_suffix + esum_in + "}),\n    .q({p_sign" + out_suffix + ", p_nan" + out_suffix +
         ", p_inf" + out_suffix + ", p_sig" + out_suffix + esum_out + "}));\n";
}

}  // namespace detail

namespace {

// Float (or mixed) products into a fixed-point (Kulisch) accumulator: the
// paper's product pipe stage and product alignment.
void fixed_from_float_products(Writer& out, const num::MacSpec& s, int stages, Design& d, std::string& top) {
  ProductBundle p = sign_magnitude_product(out, s, top, true);
  register_bundle(out, p, 1, "product_pipe_register", kAlign, top, "", "_r");
  std::string sfx = "_r";
  if (stages > 1) {
    register_bundle(out, p, stages - 1, "pipeline_registers", kMul, top, "_r", "_q");
    sfx = "_q";
  }
  const num::ProductRange r = num::product_range(s.a, s.b);
  const int extra = s.acc.frac_bits + r.lsb_exponent;    // fraction bits beyond the exact product's
  const int range_bits = std::min(s.acc.width, r.fixed_width() + extra);
  const int max_shift = p.esum_max - p.esum_min;
  const int sw = ceil_log2(max_shift + 1);
  const int vq = p.q + 1;
  out.component("product_twos_complement", kAlign, false,
                sub("// product_twos_complement: the sign-magnitude product as a {V}-bit two's complement\n"
                    "// number; a non-finite product (NaN or inf operand) adds nothing.\n"
                    "module product_twos_complement #(parameter Q = {Q}) (\n"
                    "  input  sign,\n  input  nonfinite,\n  input  [Q-1:0] sig,\n  output [Q:0] v\n);\n"
                    "  wire [Q:0] m = nonfinite ? {(Q+1){1'b0}} : {1'b0, sig};\n"
                    "  assign v = (m ^ {(Q+1){sign}}) + {{Q}'d0, sign};  // conditional negation\nendmodule\n",
                    {{"Q", str(p.q)}, {"V", str(vq)}}));
  top += "  wire [" + str(vq - 1) + ":0] p_value;\n";
  top += "  product_twos_complement u_product_twos_complement (.sign(p_sign" + sfx + "), .nonfinite(p_nan" + sfx +
         " | p_inf" + sfx + "),\n    .sig(p_sig" + sfx + "), .v(p_value));\n";
  // Shift by (exponent sum - its minimum) + the constant extra fraction bits.
  const std::string shamt =
      p.esw ? (sw ? "p_esum" + sfx + " - " + str(p.esum_min) : std::string("")) : std::string("");
  const std::string ext = range_bits > vq ? "{{" + str(range_bits - vq) + "{v[" + str(vq - 1) + "]}}, v}" : "v";
  std::string shift_expr = "ve";
  if (sw) shift_expr = "(ve << s)";
  if (extra) shift_expr = "(" + shift_expr + " << " + str(extra) + ")";
  out.component("product_alignment_shifter", kAlign, false,
                sub("// product_alignment_shifter: places the {V}-bit two's complement product at its\n"
                    "// exponent inside the {R}-bit product range of the accumulator (left shift by\n"
                    "// 0..{MS}{EXTRA}); the bits above are the sign extension.\n"
                    "module product_alignment_shifter #(parameter V = {V}, R = {R}, S = {SWP}) (\n"
                    "  input  [V-1:0] v,\n  input  [S-1:0] s,\n  output [R-1:0] x\n);\n"
                    "  wire [R-1:0] ve = {EXT};\n  assign x = {SHIFT};\nendmodule\n",
                    {{"V", str(vq)}, {"R", str(range_bits)}, {"MS", str(max_shift)}, {"SWP", str(std::max(sw, 1))},
                     {"EXTRA", extra ? ", plus " + str(extra) + " fixed extra fraction bits" : ""}, {"EXT", ext},
                     {"SHIFT", shift_expr}}));
  top += "  wire [" + str(range_bits - 1) + ":0] addend;\n";
  top += "  wire [" + str(std::max(sw, 1) - 1) + ":0] p_shift = " + (sw ? shamt : std::string("1'b0")) + ";\n";
  top += "  product_alignment_shifter u_product_alignment_shifter (.v(p_value), .s(p_shift), .x(addend));\n";
  top += integer_accumulate(out, s, range_bits);
  d.latency = stages + 1;
}

}  // namespace

Design generate_mac(const num::MacSpec& s, int stages, MacPorts ports) {
  num::validate(s);
  if (stages < 1) throw RtlError("mac.pipeline_stages", "pipeline stages must be >= 1");
  if (stages > 64) throw RtlError("mac.pipeline_stages", "the RTL generator builds at most 64 pipeline stages");
  if (s.a.bits() > 32 || s.b.bits() > 32)
    throw RtlError("mac.a", "operands wider than 32 bits are not supported by the RTL generator");
  Design d;
  d.a_bits = s.a.bits();
  d.b_bits = s.b.bits();
  Writer out;
  std::string top;
  const bool int_ops = s.a.is_int() && s.b.is_int();
  switch (s.acc.kind) {
    case num::AccKind::integer:
      d.acc_bits = s.acc.width;
      int_products(out, s, stages, d, top);
      break;
    case num::AccKind::fixed:
      d.acc_bits = s.acc.width;
      if (int_ops) int_products(out, s, stages, d, top);
      else fixed_from_float_products(out, s, stages, d, top);
      break;
    case num::AccKind::floating:
      d.acc_bits = s.acc.format.bits();
      float_accumulator(out, s, stages, d, top);
      break;
  }
  d.acc_reg_path = "qmac_tb.dut.u_accumulator_register.q";
  // The datapath reads acc_src and the register loads acc_d: the accumulator
  // itself (MAC) or the acc_in port under an enable (PE arithmetic).
  for (const auto& [from, to] : {std::pair<std::string, std::string>{".acc(acc)", ".acc(acc_src)"},
                                 {".code(acc)", ".code(acc_src)"}, {".d(acc_next)", ".d(acc_d)"}}) {
    for (size_t at = top.find(from); at != std::string::npos; at = top.find(from, at + to.size()))
      top.replace(at, from.size(), to);
  }
  const std::string acc_range = "[" + str(d.acc_bits - 1) + ":0] ";
  top = "  wire " + acc_range + "acc_src, acc_d;\n" + top;
  top += ports == MacPorts::pe       ? "  assign acc_src = acc_in;\n  assign acc_d = en ? (add ? acc_next : acc_in) : acc;\n"
         : ports == MacPorts::acc_in ? "  assign acc_src = acc_in;\n  assign acc_d = acc_next;\n"
                                     : "  assign acc_src = acc;\n  assign acc_d = acc_next;\n";
  std::string header = top_header(d, s, stages);
  if (ports != MacPorts::mac)
    header.replace(header.find("  input clk,\n"), 13,
                   std::string("  input clk,\n") + (ports == MacPorts::pe ? "  input en,\n  input add,\n" : "") +
                       "  input  " + acc_range + "acc_in,\n");
  if (ports == MacPorts::acc_in)
    header = "// Variant with the accumulator it adds to as a port: acc <= mac(acc_in, a, b)\n// (the testbench closes the loop).\n" + header;
  const std::string lib = "// qmac reference RTL (Verilog-2005), generated by `qmac rtl` from " + s.a.name + " x " +
                          s.b.name + " -> " + s.acc.describe() + ".\n// Component modules are named like the "
                          "components of models/cost (qmac cost --json: cost.breakdown).\n\n";
  d.top_text = header + top + "endmodule\n";
  d.files.push_back(File{"qmac_mac.v", lib + out.text + d.top_text});
  d.blocks = out.blocks;
  return d;
}

}  // namespace qmac::rtl
