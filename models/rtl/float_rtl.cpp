// A float accumulator that is bit-exact with num::Accumulator::add_float: the
// exact sum of the accumulator and the product rounded once (RNE or RTZ), with
// subnormals, signed zeros, the format's NaN/inf convention and its overflow rule.
//
// Single-path adder on a window of N = P + 3 bits, P = max(p_acc, p_product):
// the operand with the larger exponent (the product is normalised first, the
// accumulator's exponent is at least emin) sits at the top; the other is shifted
// right into the window, every bit shifted below it ORed into the last (sticky)
// position, which the unshifted operand leaves zero. Then bits above the sticky
// position of the sum or difference (after negation) are exact and the sticky
// bit says whether anything is below: enough to round correctly at any position
// at least two above it. Normalisation shifts left by the leading zeros, but
// never below emin (subnormal results), and the rounder carries into the
// exponent field on its own.
#include "models/rtl/float_rtl.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/cost/mac_cost.hpp"
#include "models/rtl/spec_widths.hpp"

namespace qmac::rtl::detail {

namespace {

const char* kAlign = cost::kAlignAdd;
const char* kNorm = cost::kNormalizeAccumulate;

struct Fx {
  FloatView f;
  bool rtz = false, sat = false;
  int qy = 0;        // significand bits of the adder's product operand
  int P = 0, N = 0;  // datapath
  int ew = 0;        // the non-fused product rounder's exponent width (two's complement)
  cost::FloatAdderWidths w;  // the adder's biased exponent widths
  std::string e(long long v) const { return lit(ew, v); }
};

// acc-format code -> sign, significand, biased exponent field (1 for subnormals
// and zero: the adder works in the accumulator's biased exponents), flags.
void float_decode_module(Writer& out, const Fx& x, const std::string& name, const char* group, const std::string& what) {
  const FloatView& f = x.f;
  std::string nan, inf = "1'b0";
  switch (f.nf) {
    case num::NonFinite::ieee: nan = "&e & |m"; inf = "&e & ~|m"; break;
    case num::NonFinite::fn: nan = "&e & &m"; break;
    case num::NonFinite::fnuz: nan = "code[" + str(f.bits - 1) + "] & ~|e & ~|m"; break;
  }
  const std::string one = f.e > 1 ? "{" + str(f.e - 1) + "'d0, 1'b1}" : "1'b1";
  out.component(name, group, false,
                sub("// {NAME}: the fields of {WHAT} (e{E}m{M}, bias {BIAS}): sign, significand\n"
                    "// with hidden bit, biased exponent (1 for subnormals and zero: emin) and the\n"
                    "// NaN / inf flags.\n"
                    "module {NAME} #(parameter E = {E}, M = {M}) (\n"
                    "  input  [E+M:0] code,\n  output sign,\n  output [M:0] sig,\n  output [E-1:0] exp,\n"
                    "  output is_nan,\n  output is_inf\n);\n"
                    "  wire [E-1:0] e = code[E+M-1:M];\n  wire [M-1:0] m = code[M-1:0];\n"
                    "  assign sign = code[E+M];\n  assign sig = {|e, m};\n"
                    "  assign exp = |e ? e : {ONE};\n"
                    "  assign is_nan = {NAN};\n  assign is_inf = {INF};\nendmodule\n",
                    {{"NAME", name}, {"WHAT", what}, {"E", str(f.e)}, {"M", str(f.m)}, {"BIAS", str(f.bias)},
                     {"ONE", one}, {"NAN", nan}, {"INF", inf}}));
}

// The rounder and result packing shared by the final rounding and a non-fused
// MAC's product rounding: `sig` is normalised (or at emin), w bits, with the
// biased exponent of its top bit (xw bits); returns the module text's body lines.
std::string round_lines(const Fx& x, int w, const std::string& sig, const std::string& expb, int xw,
                        const std::string& extra_sticky) {
  const int p = x.f.p;
  std::string t;
  t += "  wire normal = " + sig + "[" + str(w - 1) + "];\n";
  t += "  wire [" + str(p - 1) + ":0] keep = " + sig + "[" + str(w - 1) + ":" + str(w - p) + "];\n";
  t += "  wire round_bit = " + sig + "[" + str(w - p - 1) + "];\n";
  t += "  wire sticky = " + (w - p - 2 >= 0 ? "|" + sig + "[" + str(w - p - 2) + ":0]" : std::string("1'b0")) +
       extra_sticky + ";\n";
  t += std::string("  wire up = ") + (x.rtz ? "1'b0;  // round toward zero: truncate\n"
                                            : "round_bit & (sticky | keep[0]);  // to nearest, ties to even\n");
  t += "  wire [" + str(xw - 1) + ":0] ef = normal ? " + expb + " : " + str(xw) + "'d0;\n";
  t += "  assign packed = {ef, keep[" + str(p - 2) + ":0]} + up;  // a carry out of the significand bumps the exponent\n";
  return t;
}

// Special values, overflow rule and zero signs -> the accumulator-format code.
std::string pack_lines(const Fx& x, int xw, bool can_overflow, const std::string& packed, const std::string& sign, const std::string& nan,
                       const std::string& inf, const std::string& inf_sign, const std::string& zero,
                       const std::string& zero_sign) {
  const FloatView& f = x.f;
  const int mw = xw + f.m;
  const std::string nanc = lit(f.bits, (long long)f.nan_code);
  const std::string maxc = lit(f.bits - 1, (long long)f.max_mag), infc = lit(f.bits - 1, (long long)f.inf_mag);
  const std::string on_inf = x.sat ? "{" + inf_sign + ", " + maxc + "}" : f.has_inf ? "{" + inf_sign + ", " + infc + "}" : nanc;
  const std::string on_ovf = (x.sat || x.rtz) ? "{" + sign + ", " + maxc + "}" : f.has_inf ? "{" + sign + ", " + infc + "}" : nanc;
  std::string t;
  t += can_overflow ? "  wire overflow = " + packed + " > " + lit(mw, (long long)f.max_mag) + ";\n"
                    : std::string("  wire overflow = 1'b0;  // a finite sum cannot round above the largest finite value:\n"
                                  "                           // every product is below half its ulp\n");
  t += "  wire mag_zero = ~|" + packed + ";\n";
  t += "  assign code = " + nan + " ? " + nanc + " :  // canonical NaN\n";
  t += "                " + inf + " ? " + on_inf + " :\n";
  t += "                overflow ? " + on_ovf + " :  // " +
       (x.sat ? "saturate" : x.rtz ? "round toward zero: largest finite" : f.has_inf ? "nonsat: inf" : "nonsat: NaN") + "\n";
  t += "                " + zero + " ? {" + (f.has_negzero ? zero_sign : std::string("1'b0")) + ", " +
       str(f.bits - 1) + "'d0} :\n";
  t += "                {" + sign + (f.has_negzero ? "" : " & ~mag_zero") + ", " + packed + "[" + str(f.bits - 2) +
       ":0]};\n";
  return t;
}

void product_rounder(Writer& out, const Fx& x, const ProductBundle& pb) {
  const FloatView& f = x.f;
  const int q = pb.q, wr = std::max(q, f.p) + 2;
  const int zw = lzc_width(q), rsw = ceil_log2(wr + 1);
  const std::string lz = lzc(out, q);
  std::string t;
  t += "  wire [" + str(zw - 1) + ":0] lz;\n  wire zero;\n";
  t += "  " + lz + " u_lzc (.x(sig), .z(lz), .zero(zero));\n";
  t += "  wire [" + str(x.ew - 1) + ":0] etop = " + (pb.esw ? "{" + str(x.ew - pb.esw) + "'d0, esum} + " : std::string("")) +
       x.e(pb.lsb0 + q - 1) + ";  // exponent of sig's top bit\n";
  t += "  wire [" + str(x.ew - 1) + ":0] en = etop - {" + str(x.ew - zw) + "'d0, lz};\n";
  t += "  wire fits = $signed(en) >= $signed(" + x.e(f.emin) + ");     // normal after normalising\n";
  t += "  wire above = $signed(etop) >= $signed(" + x.e(f.emin) + ");   // else: below emin, shift right\n";
  t += "  wire [" + str(x.ew - 1) + ":0] to_emin = etop - " + x.e(f.emin) + ";\n";
  t += "  wire [" + str(x.ew - 1) + ":0] from_emin = " + x.e(f.emin) + " - etop;\n";
  t += "  wire [" + str(zw - 1) + ":0] lsh = fits ? lz : above ? to_emin[" + str(zw - 1) + ":0] : " + str(zw) + "'d0;\n";
  t += "  wire [" + str(rsw - 1) + ":0] rsh = above ? " + str(rsw) + "'d0 : (from_emin > " + str(wr) + ") ? " + lit(rsw, wr) +
       " : from_emin[" + str(rsw - 1) + ":0];\n";
  t += "  wire [" + str(wr - 1) + ":0] sx = {sig, " + str(wr - q) + "'d0};\n";
  t += "  wire [" + str(wr - 1) + ":0] sl = sx << lsh;\n";
  t += "  wire [" + str(wr - 1) + ":0] sr;\n  wire sr_sticky;\n";
  t += "  " + shr_sticky(out, wr, rsw) + " u_shr (.x(sx), .s(rsh), .y(sr), .sticky(sr_sticky));\n";
  t += "  wire [" + str(wr - 1) + ":0] sn = above ? sl : sr;\n";
  t += "  wire [" + str(x.ew - 1) + ":0] expb = (fits ? en : " + x.e(f.emin) + ") + " + x.e(f.bias) + ";\n";
  t += "  wire [" + str(x.ew + f.m - 1) + ":0] packed;\n";
  t += round_lines(x, wr, "sn", "expb", x.ew, " | (~above & sr_sticky)");
  t += pack_lines(x, x.ew, true, "packed", "sign", "nan", "inf", "sign", "zero", "sign");
  out.component("product_rounder", kAlign, false,
                sub("// product_rounder: a non-fused MAC rounds the exact {Q}-bit product to the\n"
                    "// accumulator's format first (normalise, or shift right below emin with a\n"
                    "// sticky bit; round; overflow rule), giving an accumulator-format code.\n"
                    "module product_rounder (\n  input  sign,\n  input  nan,\n  input  inf,\n  input  [{Q1}:0] sig,\n"
                    "{ESUM}  output [{B1}:0] code\n);\n{BODY}endmodule\n",
                    {{"Q", str(q)}, {"Q1", str(q - 1)}, {"B1", str(f.bits - 1)},
                     {"ESUM", pb.esw ? "  input  [" + str(pb.esw - 1) + ":0] esum,\n" : std::string("")}, {"BODY", t}}));
}

}  // namespace

void float_accumulator(Writer& out, const num::MacSpec& s, int stages, Design& d, std::string& top) {
  Fx x;
  x.f = float_view(s.acc.format);
  if (x.f.m < 1) throw RtlError("mac.accumulator.format", "the RTL generator needs a float accumulator with at least one mantissa bit");
  x.rtz = s.acc.rounding == num::Rounding::rtz;
  x.sat = s.acc.float_overflow == num::Overflow::saturate;
  ProductBundle pb = sign_magnitude_product(out, s, top, false);
  std::string sfx;
  if (stages > 1) {
    register_bundle(out, pb, stages - 1, "pipeline_registers", cost::kMultiplier, top, "", "_q");
    sfx = "_q";
  }
  d.latency = stages;
  const FloatView& f = x.f;
  // The widths the cost model prices (models/cost float_adder_widths).
  const cost::FloatAdderWidths fw = cost::float_adder_widths(s);
  if (fw.q != pb.q) throw std::logic_error("rtl: product width differs from cost::float_adder_widths");
  x.qy = fw.qy;
  x.P = fw.P;
  x.N = fw.N;
  x.ew = fw.ew;
  x.w = fw;
  const int N = x.N, P = x.P, p = f.p, sw = ceil_log2(N);
  const int yw = fw.yw, cw = fw.cw, dw = fw.dw, aw = fw.aw, xw = fw.xw;

  // Product side of the adder: y_sign, y_sig[qy-1:0], y_exp, y_zero, y_nan, y_inf.
  top += "  wire y_sign, y_nan, y_inf, y_zero;\n  wire [" + str(x.qy - 1) + ":0] y_sig;\n  wire [" + str(yw - 1) + ":0] y_exp;\n";
  const std::string esum_port = pb.esw ? ", .esum(p_esum" + sfx + ")" : "";
  if (s.fused) {
    const int zw = lzc_width(pb.q);
    const std::string lz = lzc(out, pb.q);
    out.component("product_normalizer", kAlign, false,
                  sub("// product_normalizer: shifts the {Q}-bit product left by its leading zeros (a\n"
                      "// subnormal operand or a product below 2) and gives the exponent of its top bit,\n"
                      "// biased by the accumulator's bias ({YW}-bit {YS}: {YLO} .. {YHI}).\n"
                      "module product_normalizer (\n  input  [{Q1}:0] sig,\n{ESUM}"
                      "  output [{Q1}:0] sig_n,\n  output [{YW1}:0] exp,\n  output zero\n);\n"
                      "  wire [{ZW1}:0] lz;\n  {LZC} u_lzc (.x(sig), .z(lz), .zero(zero));\n"
                      "  wire [{YW1}:0] lzx = lz;\n{ESUMW}"
                      "  assign sig_n = sig << lz;\n  assign exp = {ESUMX}{TOPC} - lzx;\nendmodule\n",
                      {{"Q", str(pb.q)}, {"Q1", str(pb.q - 1)}, {"YW1", str(yw - 1)}, {"ZW1", str(zw - 1)}, {"LZC", lz},
                       {"YW", str(yw)}, {"YS", fw.y_signed ? "two's complement" : "unsigned"},
                       {"YLO", str(fw.y_lo)}, {"YHI", str(fw.y_hi)},
                       {"ESUM", pb.esw ? "  input  [" + str(pb.esw - 1) + ":0] esum,\n" : std::string("")},
                       {"ESUMX", pb.esw ? "esum_x + " : std::string("")},
                       {"ESUMW", pb.esw ? "  wire [" + str(yw - 1) + ":0] esum_x = esum;\n" : std::string("")},
                       {"TOPC", lit(yw, pb.lsb0 + pb.q - 1 + f.bias)}}));
    top += "  product_normalizer u_product_normalizer (.sig(p_sig" + sfx + ")" + esum_port +
           ", .sig_n(y_sig), .exp(y_exp), .zero(y_zero));\n";
    top += "  assign y_sign = p_sign" + sfx + ";\n  assign y_nan = p_nan" + sfx + ";\n  assign y_inf = p_inf" + sfx + ";\n";
  } else {
    product_rounder(out, x, pb);
    float_decode_module(out, x, "product_decode", kAlign, "the rounded product");
    top += "  wire [" + str(f.bits - 1) + ":0] p_code;\n";
    top += "  product_rounder u_product_rounder (.sign(p_sign" + sfx + "), .nan(p_nan" + sfx + "), .inf(p_inf" + sfx +
           "), .sig(p_sig" + sfx + ")" + esum_port + ", .code(p_code));\n";
    top += "  product_decode u_product_decode (.code(p_code), .sign(y_sign), .sig(y_sig), .exp(y_exp), .is_nan(y_nan), "
           ".is_inf(y_inf));\n  assign y_zero = ~|y_sig;\n";
  }

  float_decode_module(out, x, "accumulator_decode", kAlign, "the accumulator");
  top += "  wire c_sign, c_nan, c_inf;\n  wire [" + str(p - 1) + ":0] c_sig;\n  wire [" + str(cw - 1) + ":0] c_exp;\n";
  top += "  accumulator_decode u_accumulator_decode (.code(acc), .sign(c_sign), .sig(c_sig), .exp(c_exp), "
         ".is_nan(c_nan), .is_inf(c_inf));\n";

  // ey and ec extended (or, mod 2^DW, truncated) to the difference's width.
  auto to_width = [](const std::string& v, int from, int to, bool is_signed) {
    if (to == from) return v;
    if (to < from) return v + "[" + str(to - 1) + ":0]";
    return "{{" + str(to - from) + "{" + (is_signed ? v + "[" + str(from - 1) + "]" : std::string("1'b0")) + "}}, " + v + "}";
  };
  // The shift is |d| clamped at N - 1 < 2^sw: only |d|'s low sw bits and
  // whether it reaches 2^sw are used. With bits of d above sw, only those low
  // bits are negated (conditionally, by d's sign) and the reach comes from d's
  // upper bits: d >= 0 reaches it when any is set; d < 0 (-d = ~d + 1) when they
  // are not all ones, or are and the low bits are all zero (the +1 carries up).
  std::string abs_d;
  const std::string nm1 = str(N - 1), nm1l = lit(sw, N - 1);
  const std::string gt = (1LL << sw) - 1 > N - 1 ? " | (lo > " + nm1 + ")" : std::string("");
  if (dw - 1 > sw) {
    const std::string up = "d[" + str(dw - 2) + ":" + str(sw) + "]", low = "d[" + str(sw - 1) + ":0]";
    abs_d = "  wire neg = d[" + str(dw - 1) + "];\n"
            "  wire [" + str(sw - 1) + ":0] lo = (" + low + " ^ {" + str(sw) + "{neg}}) + {" + (sw > 1 ? str(sw - 1) + "'d0, " : std::string("")) +
            "neg};  // |d| mod 2^" + str(sw) + "\n"
            "  wire far = neg ? (~&" + up + " | ~|" + low + ") : |" + up + ";  // |d| >= 2^" + str(sw) + "\n"
            "  assign shamt = (far" + gt + ") ? " + nm1l + " : lo;\n";
  } else {
    abs_d = "  wire [" + str(dw - 1) + ":0] ad = (d ^ {" + str(dw) + "{d[" + str(dw - 1) + "]}}) + {" + str(dw - 1) + "'d0, d[" +
            str(dw - 1) + "]};  // |d|: conditional negation\n"
            "  assign shamt = (ad > " + nm1 + ") ? " + nm1l + " : ad[" + str(sw - 1) + ":0];\n";
  }
  out.component("exponent_difference", kAlign, false,
                sub("// exponent_difference: which operand is larger by exponent (the product only\n"
                    "// when strictly larger and not zero), the alignment shift (clamped at {NM1}: all\n"
                    "// sticky) and the larger (biased) exponent, >= 1, at the top of the window.\n"
                    "// ey: {YW} bits {YS} ({YLO} .. {YHI}), ec: 1 .. {CMAX}, d: {DW}-bit two's complement.\n"
                    "module exponent_difference (\n  input  [{YW1}:0] ey,\n  input  [{CW1}:0] ec,\n  input  y_zero,\n"
                    "  output y_big,\n  output [{SW1}:0] shamt,\n  output [{AW1}:0] e_align\n);\n"
                    "  wire [{DW1}:0] eyx = {EYX};\n  wire [{DW1}:0] ecx = {ECX};\n"
                    "  wire [{DW1}:0] d = eyx - ecx;\n  assign y_big = ~y_zero & ~d[{DW1}] & |d;\n{ABS}"
                    "  assign e_align = y_big ? {EYA} : {ECA};  // ey > ec >= 1 when chosen\nendmodule\n",
                    {{"YW1", str(yw - 1)}, {"YW", str(yw)}, {"YS", fw.y_signed ? "two's complement" : "unsigned"},
                     {"YLO", str(fw.y_lo)}, {"YHI", str(fw.y_hi)}, {"CMAX", str((1 << cw) - 1)}, {"CW1", str(cw - 1)},
                     {"DW", str(dw)}, {"DW1", str(dw - 1)}, {"AW1", str(aw - 1)},
                     {"EYX", to_width("ey", yw, dw, fw.y_signed)}, {"ECX", to_width("ec", cw, dw, false)},
                     {"EYA", to_width("ey", yw, aw, false)}, {"ECA", to_width("ec", cw, aw, false)},
                     {"SW1", str(sw - 1)}, {"NM1", str(N - 1)}, {"NM1L", lit(sw, N - 1)}, {"ABS", abs_d}}));
  top += "  wire y_big;\n  wire [" + str(sw - 1) + ":0] shamt;\n  wire [" + str(aw - 1) + ":0] e_align;\n";
  top += "  exponent_difference u_exponent_difference (.ey(y_exp), .ec(c_exp), .y_zero(y_zero), .y_big(y_big), "
         ".shamt(shamt), .e_align(e_align));\n\n";
  auto pad = [](const std::string& v, int from, int to) {
    return to > from ? "{" + v + ", " + str(to - from) + "'d0}" : v;
  };
  out.component("operand_swap", kAlign, false,
                sub("// operand_swap: the larger-exponent operand goes to the top of the window\n"
                    "// (both left-aligned in {P} bits), the other to the alignment shifter.\n"
                    "module operand_swap (\n  input  y_big,\n  input  y_sign,\n  input  c_sign,\n"
                    "  input  [{QY1}:0] y_sig,\n  input  [{PA1}:0] c_sig,\n"
                    "  output [{P1}:0] big,\n  output [{P1}:0] other,\n  output big_sign,\n  output sub\n);\n"
                    "  wire [{P1}:0] ya = {YA};\n  wire [{P1}:0] ca = {CA};\n"
                    "  assign big = y_big ? ya : ca;\n  assign other = y_big ? ca : ya;\n"
                    "  assign big_sign = y_big ? y_sign : c_sign;\n  assign sub = y_sign ^ c_sign;\nendmodule\n",
                    {{"P", str(P)}, {"P1", str(P - 1)}, {"QY1", str(x.qy - 1)}, {"PA1", str(p - 1)},
                     {"YA", pad("y_sig", x.qy, P)}, {"CA", pad("c_sig", p, P)}}));
  top += "  wire [" + str(P - 1) + ":0] big, other;\n  wire big_sign, eff_sub;\n";
  top += "  operand_swap u_operand_swap (.y_big(y_big), .y_sign(y_sign), .c_sign(c_sign), .y_sig(y_sig), "
         ".c_sig(c_sig), .big(big), .other(other),\n    .big_sign(big_sign), .sub(eff_sub));\n";

  const std::string shr = shr_sticky(out, N - 1, sw);
  out.component("alignment_shifter", kAlign, false,
                sub("// alignment_shifter: the smaller operand shifted right by the exponent\n"
                    "// difference into the {N}-bit window (significand, guard, round); everything\n"
                    "// shifted below it is ORed into the sticky bit at position 0.\n"
                    "module alignment_shifter (\n  input  [{P1}:0] other,\n  input  [{SW1}:0] shamt,\n"
                    "  output [{N1}:0] aligned\n);\n"
                    "  wire [{N2}:0] y;\n  wire sticky;\n"
                    "  {SHR} u_shr (.x({other, 2'b00}), .s(shamt), .y(y), .sticky(sticky));\n"
                    "  assign aligned = {y, sticky};\nendmodule\n",
                    {{"P1", str(P - 1)}, {"SW1", str(sw - 1)}, {"N", str(N)}, {"N1", str(N - 1)}, {"N2", str(N - 2)},
                     {"SHR", shr}}));
  top += "  wire [" + str(N - 1) + ":0] aligned;\n";
  top += "  alignment_shifter u_alignment_shifter (.other(other), .shamt(shamt), .aligned(aligned));\n";

  out.component("significand_adder", kAlign, false,
                sub("// significand_adder: big + aligned, or big - aligned for operands of opposite\n"
                    "// signs; {N2}-bit two's complement result (bit {N1} is the sign).\n"
                    "module significand_adder (\n  input  [{P1}:0] big,\n  input  [{NM1}:0] aligned,\n  input  sub,\n"
                    "  output [{N1}:0] r\n);\n"
                    "  wire [{N1}:0] bx = {2'b00, big, 3'b000};\n  wire [{N1}:0] sx = {2'b00, aligned};\n"
                    "  assign r = bx + (sx ^ {{N2}{sub}}) + {{N1}'d0, sub};  // subtract: add the complement plus one\nendmodule\n",
                    {{"P1", str(P - 1)}, {"NM1", str(N - 1)}, {"N1", str(N + 1)}, {"N2", str(N + 2)}}));
  top += "  wire [" + str(N + 1) + ":0] r;\n";
  top += "  significand_adder u_significand_adder (.big(big), .aligned(aligned), .sub(eff_sub), .r(r));\n";

  out.component("result_negation", kNorm, false,
                sub("// result_negation: the magnitude of the sum; a negative difference flips the sign.\n"
                    "module result_negation (\n  input  [{N1}:0] r,\n  input  big_sign,\n"
                    "  output [{N}:0] mag,\n  output sign\n);\n"
                    "  assign mag = (r[{N}:0] ^ {{N1}{r[{N1}]}}) + {{N}'d0, r[{N1}]};  // conditional negation\n"
                    "  assign sign = big_sign ^ r[{N1}];\nendmodule\n",
                    {{"N", str(N)}, {"N1", str(N + 1)}}));
  top += "  wire [" + str(N) + ":0] mag;\n  wire r_sign;\n";
  top += "  result_negation u_result_negation (.r(r), .big_sign(big_sign), .mag(mag), .sign(r_sign));\n";

  const int zw = lzc_width(N + 1);
  const std::string lz = lzc(out, N + 1);
  out.component("leading_zero_counter", kNorm, false,
                sub("// leading_zero_counter: leading zeros of the {W}-bit magnitude (zero: it is 0).\n"
                    "module leading_zero_counter (\n  input  [{W1}:0] mag,\n  output [{ZW1}:0] lz,\n  output zero\n);\n"
                    "  {LZC} u_lzc (.x(mag), .z(lz), .zero(zero));\nendmodule\n",
                    {{"W", str(N + 1)}, {"W1", str(N)}, {"ZW1", str(zw - 1)}, {"LZC", lz}}));
  top += "  wire [" + str(zw - 1) + ":0] lz;\n  wire r_zero;\n";
  top += "  leading_zero_counter u_leading_zero_counter (.mag(mag), .lz(lz), .zero(r_zero));\n";

  out.component("normalization_shifter", kNorm, false,
                sub("// normalization_shifter: shifts the magnitude left by its leading zeros, but\n"
                    "// no further than to the biased exponent emin = 1 (a subnormal result keeps its\n"
                    "// zeros): the window's top bit weighs e_align + 1, so at most e_align places.\n"
                    "module normalization_shifter (\n  input  [{N}:0] mag,\n  input  [{ZW1}:0] lz,\n"
                    "  input  [{AW1}:0] e_align,\n  output [{N}:0] mag_n,\n  output [{ZW1}:0] sh\n);\n"
                    "  wire [{LW1}:0] limit = e_align;\n"
                    "  assign sh = (lz <= limit) ? lz : limit[{ZW1}:0];\n"
                    "  assign mag_n = mag << sh;\nendmodule\n",
                    {{"N", str(N)}, {"ZW1", str(zw - 1)}, {"AW1", str(aw - 1)}, {"LW1", str(std::max(aw, zw) - 1)}}));
  top += "  wire [" + str(N) + ":0] mag_n;\n  wire [" + str(zw - 1) + ":0] sh;\n";
  top += "  normalization_shifter u_normalization_shifter (.mag(mag), .lz(lz), .e_align(e_align), .mag_n(mag_n), .sh(sh));\n";

  out.component("exponent_adjust", kNorm, false,
                sub("// exponent_adjust: biased exponent of the normalised top bit, e_align + 1 - sh\n"
                    "// (>= 1; {XW} bits: {XWHY}).\n"
                    "module exponent_adjust (\n  input  [{AW1}:0] e_align,\n  input  [{ZW1}:0] sh,\n"
                    "  output [{XW1}:0] expb\n);\n"
                    "  wire [{XW1}:0] ea = e_align;\n  wire [{XW1}:0] shx = sh;\n"
                    "  assign expb = ea + {XW}'d1 - shx;\nendmodule\n",
                    {{"AW1", str(aw - 1)}, {"ZW1", str(zw - 1)}, {"XW", str(xw)}, {"XW1", str(xw - 1)},
                     {"XWHY", fw.can_overflow ? std::string("room for the rounder's carry")
                                              : "the field's; a finite sum never rounds to " + str((1 << f.e) - 1)}}));
  top += "  wire [" + str(xw - 1) + ":0] expb;\n";
  top += "  exponent_adjust u_exponent_adjust (.e_align(e_align), .sh(sh), .expb(expb));\n";

  const int mw = xw + f.m;
  out.component("rounder", kNorm, false,
                sub("// rounder: keeps the top {PP} bits, {MODE}; the exponent field\n"
                    "// is 0 for a subnormal (top bit clear) and the increment carries into it.\n"
                    "module rounder (\n  input  [{N}:0] mag_n,\n  input  [{XW1}:0] expb,\n  output [{MW1}:0] packed\n);\n"
                    "{BODY}endmodule\n",
                    {{"PP", str(p)}, {"N", str(N)}, {"XW1", str(xw - 1)}, {"MW1", str(mw - 1)},
                     {"MODE", x.rtz ? "truncating (round toward zero)" : "rounding to nearest, ties to even"},
                     {"BODY", round_lines(x, N + 1, "mag_n", "expb", xw, "")}}));
  top += "  wire [" + str(mw - 1) + ":0] packed;\n";
  top += "  rounder u_rounder (.mag_n(mag_n), .expb(expb), .packed(packed));\n";

  out.component("overflow_logic", kNorm, false,
                sub("// overflow_logic: NaN and inf operands, the overflow rule ({RULE}) and the\n"
                    "// sign of zero (x + -x = +0; -0 + -0 = -0{FNUZ}) -> the accumulator's code.\n"
                    "module overflow_logic (\n  input  [{MW1}:0] packed,\n  input  sign,\n  input  zero,\n"
                    "  input  c_sign, c_nan, c_inf,\n  input  y_sign, y_nan, y_inf,\n  output [{B1}:0] code\n);\n"
                    "  wire nan = c_nan | y_nan | (c_inf & y_inf & (c_sign ^ y_sign));\n"
                    "  wire inf = (c_inf | y_inf) & ~nan;\n  wire inf_sign = c_inf ? c_sign : y_sign;\n"
                    "{BODY}endmodule\n",
                    {{"MW1", str(mw - 1)}, {"B1", str(f.bits - 1)},
                     {"RULE", x.sat ? "saturate" : x.rtz ? "rtz: largest finite" : "nonsat"},
                     {"FNUZ", f.has_negzero ? "" : "; fnuz: always +0"},
                     {"BODY", pack_lines(x, xw, fw.can_overflow, "packed", "sign", "nan", "inf", "inf_sign", "zero", "c_sign & y_sign")}}));
  top += "  wire [" + str(f.bits - 1) + ":0] acc_next;\n";
  top += "  overflow_logic u_overflow_logic (.packed(packed), .sign(r_sign), .zero(r_zero), .c_sign(c_sign), "
         ".c_nan(c_nan), .c_inf(c_inf),\n    .y_sign(y_sign), .y_nan(y_nan), .y_inf(y_inf), .code(acc_next));\n";

  out.component("accumulator_register", kNorm, true,
                sub("// accumulator_register: the {W}-bit accumulator ({F} code), zero at start.\n"
                    "module accumulator_register #(parameter W = {W}) (\n"
                    "  input clk,\n  input  [W-1:0] d,\n  output reg [W-1:0] q\n);\n"
                    "  initial q = {W{1'b0}};\n  always @(posedge clk) q <= d;\nendmodule\n",
                    {{"W", str(f.bits)}, {"F", s.acc.format.name}}));
  top += "  accumulator_register u_accumulator_register (.clk(clk), .d(acc_next), .q(acc));\n";
}

}  // namespace qmac::rtl::detail
