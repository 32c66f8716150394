// Generic Verilog building blocks shared by the MAC components.
#include <stdexcept>

#include "models/rtl/verilog.hpp"

namespace qmac::rtl::detail {

std::string sub(const std::string& tmpl, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    const size_t open = tmpl.find('{', i);
    if (open == std::string::npos) {
      out += tmpl.substr(i);
      break;
    }
    const size_t close = tmpl.find('}', open);
    const std::string key = close == std::string::npos ? "" : tmpl.substr(open + 1, close - open - 1);
    const bool is_key = !key.empty() && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == std::string::npos;
    if (!is_key) {  // a Verilog concatenation brace
      out += tmpl.substr(i, open - i + 1);
      i = open + 1;
      continue;
    }
    const auto it = values.find(key);
    if (it == values.end()) throw std::logic_error("rtl template: no value for {" + key + "}");
    out += tmpl.substr(i, open - i) + it->second;
    i = close + 1;
  }
  return out;
}

int ceil_log2(long long x) {
  int k = 0;
  while ((1LL << k) < x) ++k;
  return k;
}

std::string lit(int width, long long value) {
  if (width <= 0) throw std::logic_error("rtl: literal of width <= 0");
  unsigned long long u = static_cast<unsigned long long>(value);
  if (width < 64) u &= (1ULL << width) - 1;
  if (width > 64 && value < 0) {
    // Sign-extend beyond 64 bits: {ones, low 64}.
    return "{{" + str(width - 64) + "{1'b1}}, 64'h" + [&] {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%llx", u);
      return std::string(buf);
    }() + "}";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", u);
  return str(width) + "'h" + buf;
}

const std::string& Writer::add(const std::string& name, const std::string& module_text) {
  if (modules.insert(name).second) text += module_text + "\n";
  return *modules.find(name);
}

void Writer::component(const std::string& name, const char* group, bool sequential, const std::string& module_text) {
  if (modules.count(name)) throw std::logic_error("rtl: component module " + name + " emitted twice");
  add(name, module_text);
  blocks.push_back(Block{name, group, sequential});
}

int lzc_width(int w) { return ceil_log2(w + 1); }

std::string lzc(Writer& out, int w) {
  const std::string name = "qmac_lzc_" + str(w);
  if (out.modules.count(name)) return name;
  const int k = ceil_log2(w), n = 1 << k, zw = lzc_width(w);
  std::string body;
  if (w == 1) {
    body = "  assign z = ~x;\n  assign zero = ~x[0];\n";
  } else {
    // Leaves: the input padded with ones below (so the count stops at w).
    body += "  wire [" + str(n - 1) + ":0] xp = " +
            (n == w ? std::string("x") : "{x, " + str(n - w) + "'b" + std::string(size_t(n - w), '1') + "}") + ";\n";
    // Level l node j covers bits [(j+1)*2^l - 1 : j*2^l] counted from the top.
    // v: any one; c: l-bit count of leading zeros inside the node.
    for (int j = 0; j < n; ++j) body += "  wire v0_" + str(j) + " = xp[" + str(n - 1 - j) + "];\n";
    for (int l = 1; l <= k; ++l) {
      for (int j = 0; j < (n >> l); ++j) {
        const std::string L = str(l - 1) + "_" + str(2 * j), R = str(l - 1) + "_" + str(2 * j + 1);
        const std::string me = str(l) + "_" + str(j);
        body += "  wire v" + me + " = v" + L + " | v" + R + ";\n";
        if (l == 1) {
          body += "  wire [0:0] c" + me + " = ~v" + L + ";\n";
        } else {
          body += "  wire [" + str(l - 1) + ":0] c" + me + " = v" + L + " ? {1'b0, c" + L + "} : {1'b1, c" + R + "};\n";
        }
      }
    }
    const std::string root = str(k) + "_0";
    if (n == w) {
      body += "  assign z = v" + root + " ? {1'b0, c" + root + "} : {1'b1, " + str(k) + "'d0};\n";
    } else {
      body += "  assign z = c" + root + ";\n";
    }
    body += "  assign zero = ~|x;\n";
  }
  out.add(name, "// Leading-zero counter of " + str(w) +
                    " bits, a binary tree: each node ORs its halves' any-one flags\n"
                    "// and takes its lower count bits from the left half if that has a one, else\n"
                    "// from the right (models/cost gates.hpp leading_zero_counter). z = " + str(w) +
                    " when x == 0.\n"
                    "module " + name + " (\n  input  [" + str(w - 1) + ":0] x,\n  output [" + str(zw - 1) +
                    ":0] z,\n  output zero\n);\n" + body + "endmodule\n");
  return name;
}

std::string shr_sticky(Writer& out, int w, int sw) {
  const std::string name = "qmac_shr_sticky_" + str(w) + "_" + str(sw);
  if (out.modules.count(name)) return name;
  std::string body;
  body += "  wire [" + str(w - 1) + ":0] st0 = x;\n  wire sk0 = 1'b0;\n";
  for (int k = 0; k < sw; ++k) {
    const long long d = 1LL << k;
    const std::string a = str(k), b = str(k + 1);
    if (d >= w) {
      body += "  wire [" + str(w - 1) + ":0] st" + b + " = s[" + a + "] ? " + str(w) + "'d0 : st" + a + ";\n";
      body += "  wire sk" + b + " = sk" + a + " | (s[" + a + "] & |st" + a + ");\n";
    } else {
      body += "  wire [" + str(w - 1) + ":0] st" + b + " = s[" + a + "] ? {" + str(d) + "'d0, st" + a + "[" +
              str(w - 1) + ":" + str(d) + "]} : st" + a + ";\n";
      body += "  wire sk" + b + " = sk" + a + " | (s[" + a + "] & |st" + a + "[" + str(d - 1) + ":0]);\n";
    }
  }
  body += "  assign y = st" + str(sw) + ";\n  assign sticky = sk" + str(sw) + ";\n";
  out.add(name, "// Logarithmic right shifter of " + str(w) + " bits by 0.." + str((1LL << sw) - 1) +
                    " (one MUX2 row per stage); sticky is\n"
                    "// the OR of every bit shifted out, collected stage by stage.\n"
                    "module " + name + " (\n  input  [" + str(w - 1) + ":0] x,\n  input  [" + str(sw - 1) +
                    ":0] s,\n  output [" + str(w - 1) + ":0] y,\n  output sticky\n);\n" + body + "endmodule\n");
  return name;
}

}  // namespace qmac::rtl::detail
