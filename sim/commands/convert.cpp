// qmac convert: quantise values to a format's codes, or decode codes (cli-contract.md).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>

#include "models/numerics/codec.hpp"
#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/errors.hpp"
#include "sim/format_text.hpp"

namespace qmac::cli {
namespace {

// The longest stdin line convert takes: a number never needs more; a stream
// without newlines (a binary file, /dev/zero) is an error, not unbounded memory.
constexpr size_t kMaxLine = 4096;

// std::getline with a length limit.
bool read_line(std::istream& in, std::string& line, const std::string& where) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  for (int c; (c = buf->sbumpc()) != std::char_traits<char>::eof();) {
    if (c == '\n') return true;
    if (line.size() == kMaxLine)
      throw InputError(where, "is longer than " + std::to_string(kMaxLine) + " bytes; expected one number per line");
    line.push_back(char(c));
  }
  return !line.empty();
}

int run_convert(const std::vector<std::string>& args) {
  po::options_description desc("convert options");
  std::string format_name, overflow_name = "nonsat", rounding_name = "rne";
  std::vector<std::string> inputs;
  std::string seed_text = "0";
  desc.add_options()
    ("format,f", po::value(&format_name)->required(), "target format (see `qmac formats`)")
    ("overflow", po::value(&overflow_name), "saturate | nonsat (default: nonsat, OCP non-saturating)")
    ("rounding", po::value(&rounding_name), "rne | rtz | stochastic (default: rne)")
    ("seed", po::value(&seed_text), "seed of the generator for --rounding stochastic (default 0)")
    ("decode", "read codes (decimal or 0x hex) and print their values")
    ("value", po::value(&inputs), "values (or codes with --decode); one per line on stdin when none");
  po::positional_options_description pos;
  pos.add("value", -1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac convert --format F [--overflow saturate|nonsat] [--rounding rne|rtz] "
                                  "[--decode] [VALUE ...]", &pos))
    return 0;

  const num::Format fmt = parse_arg("--format", [&] { return num::parse_format(format_name); });
  const num::Overflow overflow = parse_arg("--overflow", [&] { return num::parse_overflow(overflow_name); });
  const num::Rounding rounding = parse_arg("--rounding", [&] { return num::parse_rounding(rounding_name); });
  const bool decode_mode = vm.count("decode") > 0;
  const long long seed = parse_integer(seed_text, "argument --seed");
  if (seed < 0) throw InputError("argument --seed", "expected a non-negative integer, got '" + seed_text + "'");
  std::mt19937_64 rng(static_cast<uint64_t>(seed));

  // One input -> one output line (throws InputError naming `where`).
  auto handle = [&](const std::string& text, const std::string& where) -> std::string {
    if (decode_mode) {
      const long long code = parse_integer(text, where);
      if (code < 0 || static_cast<unsigned long long>(code) > fmt.code_mask())
        throw InputError(where, "code '" + text + "' is outside 0.." + hex_code(fmt, fmt.code_mask()) + " of " +
                                    fmt.name);
      const auto c = static_cast<uint32_t>(code);
      return hex_code(fmt, c) + '\t' + format_value(num::decode(fmt, c)) + '\n';
    } else {
      const double x = parse_double(text, where);
      uint32_t c;
      try {
        c = num::encode(fmt, x, rounding, overflow, &rng);
      } catch (const num::FormatError& e) {
        throw InputError(where, e.what());
      }
      return text + '\t' + hex_code(fmt, c) + '\t' + format_value(num::decode(fmt, c)) + '\n';
    }
  };

  if (!inputs.empty()) {
    // Every argument is checked before anything is printed: a bad 5th value
    // gives an error, not four lines and then an error.
    std::string out;
    for (size_t i = 0; i < inputs.size(); ++i) out += handle(inputs[i], "argument " + std::to_string(i + 1));
    std::cout << out;
  } else {
    std::string line;
    for (size_t n = 1; read_line(std::cin, line, "stdin line " + std::to_string(n)); ++n) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
      size_t start = line.find_first_not_of(" \t");
      if (start == std::string::npos) continue;  // blank line
      std::cout << handle(line.substr(start), "stdin line " + std::to_string(n));  // streams: a filter
    }
  }
  return 0;
}

QMAC_COMMAND("convert", "quantise values to codes of a format (or --decode codes)", run_convert);

}  // namespace
}  // namespace qmac::cli
