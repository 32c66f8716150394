#include "sim/rtl/cosim.hpp"

#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <sstream>

#include "models/numerics/codec.hpp"
#include "sim/errors.hpp"
#include "sim/rtl/tools.hpp"

namespace qmac::rtl {

namespace {

u128 mask(int bits) { return bits >= 128 ? ~u128{0} : (u128{1} << bits) - 1; }

// Codes worth testing in a format: zeros of both signs, the subnormal and
// normal extremes, one and its neighbour, the largest finite values, inf and
// NaN where the format has them (floats); 0, +-1, the extremes (integers).
std::vector<uint32_t> interesting_codes(const num::Format& f) {
  std::vector<uint32_t> v;
  if (f.is_int()) {
    const int n = f.i.bits;
    const uint32_t m = f.code_mask();
    for (int64_t x : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{3}, int64_t{-1}, int64_t{-2}, f.i.max_value(),
                      f.i.max_value() - 1, f.i.min_value(), f.i.min_value() + 1})
      if (x >= f.i.min_value() && x <= f.i.max_value()) v.push_back(uint32_t(uint64_t(x)) & m);
    (void)n;
    return v;
  }
  const num::FloatFormat& F = f.f;
  const uint32_t sign = 1u << (F.bits() - 1), man_all = (1u << F.man_bits) - 1, exp_all = (1u << F.exp_bits) - 1;
  const uint32_t one = uint32_t(F.bias) << F.man_bits;
  std::vector<uint32_t> mags = {0, 1, man_all, man_all + 1, one, one + 1, one | (man_all >> 1) | 1};
  // The largest finite code and the one below it.
  uint32_t maxc = 0;
  switch (F.nonfinite) {
    case num::NonFinite::ieee: maxc = ((exp_all - 1) << F.man_bits) | man_all; break;
    case num::NonFinite::fn: maxc = (exp_all << F.man_bits) | (man_all - (man_all ? 1 : 0)); break;
    case num::NonFinite::fnuz: maxc = (exp_all << F.man_bits) | man_all; break;
  }
  mags.push_back(maxc);
  mags.push_back(maxc - 1);
  if (F.nonfinite == num::NonFinite::ieee) {
    mags.push_back(exp_all << F.man_bits);                  // inf
    mags.push_back((exp_all << F.man_bits) | 1);            // a NaN
    mags.push_back((exp_all << F.man_bits) | man_all);      // another NaN
  } else if (F.nonfinite == num::NonFinite::fn) {
    mags.push_back((exp_all << F.man_bits) | man_all);      // NaN
  }
  for (uint32_t m : mags) {
    v.push_back(m);
    v.push_back(m | sign);  // fnuz: 0x80.. is its NaN
  }
  return v;
}

std::vector<u128> interesting_acc_states(const num::AccumulatorSpec& acc, std::mt19937_64& rng) {
  std::vector<u128> v;
  if (acc.kind == num::AccKind::floating) {
    for (uint32_t c : interesting_codes(acc.format)) v.push_back(c);
    for (int i = 0; i < 4; ++i) v.push_back(rng() & acc.format.code_mask());
    return v;
  }
  const int w = acc.width;
  const u128 m = mask(w), top = u128{1} << (w - 1);
  for (u128 x : {u128{0}, u128{1}, m, top - 1, top, top + 1, top - 2, (top - 1) & m})
    v.push_back(x & m);
  for (int i = 0; i < 4; ++i) v.push_back((u128(rng()) << 64 | rng()) & m);
  return v;
}

u128 acc_raw(const num::AccumulatorSpec& acc, const num::AccValue& v) {
  if (acc.kind == num::AccKind::floating) return num::code_of(acc.format, v.f);
  return static_cast<u128>(v.i) & mask(acc.width);
}

int acc_bits(const num::AccumulatorSpec& acc) {
  return acc.kind == num::AccKind::floating ? acc.format.bits() : acc.width;
}

uint32_t random_code(const num::Format& f, std::mt19937_64& rng) {
  const uint32_t c = uint32_t(rng()) & f.code_mask();
  if (f.is_float() && (rng() % 64) != 0 && !std::isfinite(num::decode(f, c))) return c & ~(1u << (f.bits() - 2));
  return c;
}

}  // namespace

num::AccValue acc_value(const num::AccumulatorSpec& acc, u128 raw) {
  num::AccValue v;
  if (acc.kind == num::AccKind::floating) {
    v.f = num::decode(acc.format, uint32_t(raw));
  } else {
    const int drop = 128 - acc.width;
    v.i = static_cast<__int128>(raw << drop) >> drop;
  }
  return v;
}

std::string hex(u128 v, int bits) {
  static const char* digits = "0123456789abcdef";
  const int n = (bits + 3) / 4;
  std::string s(size_t(n), '0');
  for (int i = n - 1; i >= 0; --i, v >>= 4) s[size_t(i)] = digits[int(v & 15)];
  return s;
}

std::vector<Step> cosim_stream(const num::MacSpec& spec, uint64_t random_steps, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Step> steps;
  const auto ca = interesting_codes(spec.a), cb = interesting_codes(spec.b);
  // Every pair of interesting operands from every interesting accumulator state.
  for (u128 s : interesting_acc_states(spec.acc, rng))
    for (uint32_t a : ca)
      for (uint32_t b : cb) steps.push_back(Step{a, b, true, s});
  if (spec.acc.kind == num::AccKind::floating) {
    // Ties: products of (k + 1/2) ulps of the accumulator, and their neighbours.
    std::map<double, std::pair<uint32_t, uint32_t>> products;
    const bool small = spec.a.bits() <= 8 && spec.b.bits() <= 8;
    const uint64_t pairs = small ? (uint64_t{1} << (spec.a.bits() + spec.b.bits())) : 65536;
    for (uint64_t i = 0; i < pairs; ++i) {
      const uint32_t a = small ? uint32_t(i >> spec.b.bits()) : random_code(spec.a, rng);
      const uint32_t b = small ? uint32_t(i & spec.b.code_mask()) : random_code(spec.b, rng);
      const double p = num::decode(spec.a, a) * num::decode(spec.b, b);
      if (std::isfinite(p) && p != 0) products.emplace(p, std::make_pair(a, b));
    }
    const num::FloatFormat& F = spec.acc.format.f;
    for (int i = 0; i < 4000 && !products.empty(); ++i) {
      const uint32_t c = uint32_t(rng()) & spec.acc.format.code_mask();
      const double v = num::decode(spec.acc.format, c);
      if (!std::isfinite(v)) continue;
      const int E = v == 0 ? F.emin() : std::max(std::ilogb(v), F.emin());
      const double ulp = std::ldexp(1.0, E - F.man_bits);
      const double target = (double(rng() % 3) + 0.5) * ulp * ((rng() & 1) ? 1 : -1);
      auto it = products.lower_bound(target);
      for (int k = 0; k < 2 && it != products.end(); ++k, ++it)
        steps.push_back(Step{it->second.first, it->second.second, true, c});
      if (it != products.begin()) {
        --it;
        steps.push_back(Step{it->second.first, it->second.second, true, c});
      }
    }
  }
  // Random operands of every code class; the accumulator reloaded every few steps.
  const int w = acc_bits(spec.acc);
  for (uint64_t i = 0; i < random_steps; ++i) {
    Step s{random_code(spec.a, rng), random_code(spec.b, rng), false, 0};
    if (rng() % 8 == 0) {
      s.load = true;
      if (spec.acc.kind == num::AccKind::floating) {
        s.acc = uint32_t(rng()) & spec.acc.format.code_mask();
      } else {
        // Small values, values near the top of the range, anything.
        const u128 r = (u128(rng()) << 64 | rng()) & mask(w);
        const u128 top = u128{1} << (w - 1), small = r & 0xfff;
        switch (rng() % 4) {
          case 0: s.acc = small; break;                          // small positive
          case 1: s.acc = (mask(w) - small) & mask(w); break;    // small negative
          case 2: s.acc = (top - 1 - small) & mask(w); break;    // near the largest
          default: s.acc = r; break;                             // anything
        }
      }
    }
    steps.push_back(s);
  }
  return steps;
}

std::vector<u128> reference_run(const num::MacSpec& spec, int latency, const std::vector<Step>& steps) {
  const num::Mac mac(spec);
  num::AccValue acc;
  num::MacStats stats;
  std::deque<std::pair<uint32_t, uint32_t>> pipe(size_t(latency - 1), std::make_pair(0u, 0u));
  std::vector<u128> out;
  out.reserve(steps.size());
  for (const Step& s : steps) {
    if (s.load) acc = acc_value(spec.acc, s.acc);
    pipe.emplace_back(s.a, s.b);
    const auto [a, b] = pipe.front();
    pipe.pop_front();
    mac.mac(acc, a, b, stats);
    out.push_back(acc_raw(spec.acc, acc));
  }
  return out;
}

CosimResult cosimulate(const num::MacSpec& spec, int stages, const std::vector<Step>& steps,
                       const std::string& workdir, const std::string& vcd,
                       const std::function<void(Design&)>& mutate) {
  Design d = generate_mac(spec, stages);
  if (mutate) mutate(d);
  write_design(d, workdir);
  std::string stim;
  stim.reserve(steps.size() * 24);
  for (const Step& s : steps)
    stim += std::string(s.load ? "1 " : "0 ") + hex(s.a, d.a_bits) + " " + hex(s.b, d.b_bits) + " " +
            hex(s.acc, d.acc_bits) + "\n";
  write_text(workdir + "/stim.txt", stim);
  write_text(workdir + "/qmac_tb.v", testbench(d, "stim.txt", "out.txt", vcd));
  simulate_icarus(workdir, "qmac_tb", {"qmac_tb.v", "qmac_mac.v"}, "the generated RTL");
  const std::vector<u128> expected = reference_run(spec, d.latency, steps);
  std::istringstream rtl(read_text(workdir + "/out.txt"));
  CosimResult r;
  std::string line;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!std::getline(rtl, line)) {
      r.mismatches += steps.size() - i;
      if (r.first_mismatch.empty())
        r.first_mismatch = "the RTL simulation stopped after " + std::to_string(i) + " of " +
                           std::to_string(steps.size()) + " steps (see " + workdir + "/vvp.log)";
      break;
    }
    ++r.steps;
    const std::string want = hex(expected[i], d.acc_bits);
    if (line != want) {
      if (r.mismatches++ == 0) {
        const Step& s = steps[i];
        r.first_mismatch = "step " + std::to_string(i) + ": a=" + hex(s.a, d.a_bits) + " b=" + hex(s.b, d.b_bits) +
                           (s.load ? " (acc loaded with " + hex(s.acc, d.acc_bits) + ")" : "") +
                           (i ? " previous acc " + hex(expected[i - 1], d.acc_bits) : "") + ": num::Mac " + want +
                           ", RTL " + line;
      }
    }
  }
  return r;
}

}  // namespace qmac::rtl
