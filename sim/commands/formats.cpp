// qmac formats: the table of named formats (cli-contract.md).
#include <iostream>

#include <fmt/format.h>

#include "models/numerics/format.hpp"
#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/format_text.hpp"

namespace qmac::cli {
namespace {

int run_formats(const std::vector<std::string>& args) {
  po::options_description desc("formats options");
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac formats")) return 0;
  std::cout << fmt::format("{:<14} {:<17} {:>4} {:>5} {:>24} {:>24} {:>24}  {}\n", "name", "framework name", "bits",
                           "bias", "max finite", "min normal", "min subnormal", "nonfinite");
  for (const auto& n : num::named_formats()) {
    const num::Format& f = n.format;
    if (f.is_int()) {
      std::cout << fmt::format("{:<14} {:<17} {:>4} {:>5} {:>24} {:>24} {:>24}  {}\n", n.short_name,
                               n.framework_name.empty() ? "-" : n.framework_name, f.bits(), "-",
                               format_value(f.max_finite()), "-", "-",
                               f.i.is_signed ? "two's complement" : "unsigned");
    } else {
      std::cout << fmt::format("{:<14} {:<17} {:>4} {:>5} {:>24} {:>24} {:>24}  {}\n", n.short_name,
                               n.framework_name.empty() ? "-" : n.framework_name, f.bits(), f.f.bias,
                               format_value(f.f.max_finite()), format_value(f.f.min_normal()),
                               format_value(f.f.min_subnormal()), num::nonfinite_name(f.f.nonfinite));
    }
  }
  std::cout << "\nGeneric floats: eXmY[_bN][_ieee|_fn|_fnuz] (default bias 2^(X-1)-1, default ieee);"
               " integers: intN, uintN (N 2..32).\n"
               "ieee: inf + NaNs in the all-ones exponent; fn: no inf, NaN = S.1..1.1..1;"
               " fnuz: no inf, no -0, single NaN at 1000..0.\n";
  return 0;
}

QMAC_COMMAND("formats", "list the named number formats and their ranges", run_formats);

}  // namespace
}  // namespace qmac::cli
