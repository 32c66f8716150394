// Small helpers for writing Verilog text from C++ (models/rtl internals).
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/rtl/rtl.hpp"

namespace qmac::rtl::detail {

// "{NAME}" placeholders of `tmpl` replaced by the values (every placeholder
// must be given: a missing one is a generator bug and throws logic_error).
std::string sub(const std::string& tmpl, const std::map<std::string, std::string>& values);
inline std::string str(long long v) { return std::to_string(v); }
int ceil_log2(long long x);  // 0 for x <= 1

// A Verilog-2005 constant of `width` bits (two's complement of `value`).
std::string lit(int width, long long value);

// The text of the design being generated: modules in order, each once.
struct Writer {
  std::string text;
  std::set<std::string> modules;
  std::vector<Block> blocks;
  // Appends a module unless one of that name exists. Returns the name.
  const std::string& add(const std::string& name, const std::string& module_text);
  // A component module instantiated by the top (recorded as a Block).
  void component(const std::string& name, const char* group, bool sequential, const std::string& module_text);
};

// Generic building blocks (emitted on first use), see blocks.cpp.
// Leading-zero counter of `w` bits as a binary tree: module qmac_lzc_<w>, ports
// x[w-1:0], z[zw-1:0] (zw = lzc_width(w); z = w when x == 0), zero.
std::string lzc(Writer& out, int w);
int lzc_width(int w);
// Right shift of `w` bits by s[sw-1:0] keeping a sticky bit (OR of every bit
// shifted out): module qmac_shr_sticky_<w>_<sw>, ports x, s, y, sticky.
std::string shr_sticky(Writer& out, int w, int sw);

}  // namespace qmac::rtl::detail
