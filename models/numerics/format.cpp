#include "models/numerics/format.hpp"

#include <cctype>
#include <cmath>
#include <optional>

namespace qmac::num {

int FloatFormat::emax() const {
  const int all_ones = (1 << exp_bits) - 1;
  switch (nonfinite) {
    case NonFinite::ieee: return all_ones - 1 - bias;
    case NonFinite::fn: return (man_bits == 0 ? all_ones - 1 : all_ones) - bias;
    case NonFinite::fnuz: return all_ones - bias;
  }
  return 0;
}

double FloatFormat::max_finite() const {
  const int all_ones = (1 << exp_bits) - 1;
  // Largest significand (in units of 2^-man_bits) at the top exponent.
  int64_t top_man = (int64_t{1} << man_bits) - 1;
  if (nonfinite == NonFinite::fn && man_bits > 0 && emax() + bias == all_ones) top_man -= 1;
  const double significand = 1.0 + std::ldexp(double(top_man), -man_bits);
  return std::ldexp(significand, emax());
}

double FloatFormat::min_normal() const { return std::ldexp(1.0, emin()); }
double FloatFormat::min_subnormal() const { return std::ldexp(1.0, emin() - man_bits); }

std::string_view nonfinite_name(NonFinite nf) {
  switch (nf) {
    case NonFinite::ieee: return "ieee";
    case NonFinite::fn: return "fn";
    case NonFinite::fnuz: return "fnuz";
  }
  return "?";
}

namespace {

Format make_float(std::string name, int e, int m, int bias, NonFinite nf) {
  Format fmt;
  fmt.kind = Format::Kind::floating;
  fmt.f = FloatFormat{e, m, bias, nf};
  fmt.name = std::move(name);
  return fmt;
}

Format make_int(std::string name, int bits, bool is_signed) {
  Format fmt;
  fmt.kind = Format::Kind::integer;
  fmt.i = IntFormat{bits, is_signed};
  fmt.name = std::move(name);
  return fmt;
}

std::vector<NamedFormat> build_named() {
  // Encodings: OCP OFP8 rev 1.0 (E4M3/E5M2), ml_dtypes/ONNX (fnuz, e3m4),
  // Qualcomm arXiv 2303.17951 (E2M5, bias 1, fnuz-style), IEEE 754 (fp16, fp32),
  // bfloat16 (Google Brain). See ../shared/reference/published-numbers.md.
  return {
      {"int4", "int4", make_int("int4", 4, true)},
      {"int8", "int8", make_int("int8", 8, true)},
      {"int16", "int16", make_int("int16", 16, true)},
      {"uint8", "uint8", make_int("uint8", 8, false)},
      {"fp8_e4m3", "float8_e4m3fn", make_float("fp8_e4m3", 4, 3, 7, NonFinite::fn)},
      {"fp8_e5m2", "float8_e5m2", make_float("fp8_e5m2", 5, 2, 15, NonFinite::ieee)},
      {"fp8_e4m3fnuz", "float8_e4m3fnuz", make_float("fp8_e4m3fnuz", 4, 3, 8, NonFinite::fnuz)},
      {"fp8_e5m2fnuz", "float8_e5m2fnuz", make_float("fp8_e5m2fnuz", 5, 2, 16, NonFinite::fnuz)},
      {"fp8_e3m4", "float8_e3m4", make_float("fp8_e3m4", 3, 4, 3, NonFinite::ieee)},
      {"fp8_e2m5", "", make_float("fp8_e2m5", 2, 5, 1, NonFinite::fnuz)},
      {"fp16", "float16", make_float("fp16", 5, 10, 15, NonFinite::ieee)},
      {"bf16", "bfloat16", make_float("bf16", 8, 7, 127, NonFinite::ieee)},
      {"fp32", "float32", make_float("fp32", 8, 23, 127, NonFinite::ieee)},
  };
}

// Parses a non-negative decimal integer of at most 3 digits at s[pos], advancing pos.
std::optional<int> take_number(std::string_view s, size_t& pos) {
  size_t start = pos;
  int v = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && pos - start < 3) {
    v = v * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return v;
}

[[noreturn]] void bad_name(std::string_view name, const std::string& why) {
  throw FormatError("unknown format '" + std::string(name) + "'" + (why.empty() ? "" : " (" + why + ")") +
                    "; expected " + format_name_help());
}

std::optional<Format> parse_generic_float(std::string_view name) {
  // eXmY[_bN][_ieee|_fn|_fnuz]
  if (name.empty() || name[0] != 'e') return std::nullopt;
  size_t pos = 1;
  auto e = take_number(name, pos);
  if (!e || pos >= name.size() || name[pos] != 'm') return std::nullopt;
  ++pos;
  auto m = take_number(name, pos);
  if (!m) return std::nullopt;
  std::optional<int> bias;
  NonFinite nf = NonFinite::ieee;
  bool seen_convention = false;
  while (pos < name.size()) {
    if (name[pos] != '_') bad_name(name, "unexpected '" + std::string(name.substr(pos)) + "'");
    ++pos;
    std::string_view rest = name.substr(pos);
    if (!rest.empty() && rest[0] == 'b' && !bias && !seen_convention) {
      ++pos;
      bool negative = pos < name.size() && name[pos] == '-';
      if (negative) ++pos;
      auto b = take_number(name, pos);
      if (!b) bad_name(name, "_b must be followed by the bias, e.g. e4m3_b11");
      bias = negative ? -*b : *b;
    } else if (!seen_convention && (rest.substr(0, 4) == "ieee" || rest.substr(0, 4) == "fnuz" ||
                                    rest.substr(0, 2) == "fn")) {
      if (rest.substr(0, 4) == "ieee") { nf = NonFinite::ieee; pos += 4; }
      else if (rest.substr(0, 4) == "fnuz") { nf = NonFinite::fnuz; pos += 4; }
      else { nf = NonFinite::fn; pos += 2; }
      seen_convention = true;
    } else {
      bad_name(name, "unexpected suffix '_" + std::string(rest) + "'");
    }
  }
  if (*e < 1 || *e > 8) bad_name(name, "exponent bits must be 1..8");
  if (*m < 0 || *m > 23) bad_name(name, "mantissa bits must be 0..23");
  if (nf == NonFinite::ieee && *e < 2) bad_name(name, "an ieee-style format needs at least 2 exponent bits");
  // ieee's NaNs are the all-ones exponent with a non-zero mantissa: without
  // mantissa bits there is no NaN (OCP's E8M0 scale format is fn-like).
  if (nf == NonFinite::ieee && *m == 0)
    bad_name(name, "an ieee-style format needs at least 1 mantissa bit for its NaNs; use _fn or _fnuz for Y = 0");
  if (nf == NonFinite::fn && *m == 0 && *e < 2)
    bad_name(name, "e1m0_fn has no finite value but zero (its only other code is NaN)");
  const int b = bias.value_or((1 << (*e - 1)) - 1);
  if (b < -64 || b > 255) bad_name(name, "bias must be within -64..255");
  return make_float(std::string(name), *e, *m, b, nf);
}

}  // namespace

const std::vector<NamedFormat>& named_formats() {
  static const std::vector<NamedFormat> table = build_named();
  return table;
}

std::string format_name_help() {
  std::string s = "one of:";
  for (const auto& n : named_formats()) {
    s += " " + n.short_name;
    if (!n.framework_name.empty() && n.framework_name != n.short_name) s += "|" + n.framework_name;
  }
  s += ", intN/uintN (N 2..32), or eXmY[_bN][_ieee|_fn|_fnuz] (X 1..8, Y 0..23)";
  return s;
}

Format parse_format(std::string_view name) {
  for (const auto& n : named_formats()) {
    if (name == n.short_name || (!n.framework_name.empty() && name == n.framework_name)) return n.format;
  }
  for (bool is_signed : {true, false}) {
    std::string_view prefix = is_signed ? "int" : "uint";
    if (name.substr(0, prefix.size()) == prefix && name.size() > prefix.size()) {
      size_t pos = prefix.size();
      auto bits = take_number(name, pos);
      if (bits && pos == name.size()) {
        if (*bits < 2 || *bits > 32) bad_name(name, "integer widths are 2..32");
        return make_int(std::string(name), *bits, is_signed);
      }
    }
  }
  if (auto f = parse_generic_float(name)) return *f;
  bad_name(name, "");
}

}  // namespace qmac::num
