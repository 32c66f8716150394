#include "sim/qerror/request.hpp"

#include <cmath>

#include "sim/cli_options.hpp"
#include "sim/errors.hpp"

namespace qmac::qerror {

bool parse_request(const std::vector<std::string>& args, Request& out) {
  namespace po = boost::program_options;
  po::options_description desc("qerror options");
  std::string format_name, dist_name, samples_text = "1000000", seed_text = "0";
  desc.add_options()
    ("format,f", po::value(&format_name)->required(), "format (see `qmac formats`)")
    ("dist", po::value(&dist_name)->required(),
     "uniform (U(-1,1)) | normal | laplace | student_t:NU | outliers:FRAC:MAG "
     "(mixture (1-FRAC) N(0,1) + FRAC N(0,MAG^2))")
    ("method", po::value(&out.method), "integrate (default: exact expectation over the density) | sample")
    ("samples", po::value(&samples_text), "number of samples for --method sample (default 1000000)")
    ("seed", po::value(&seed_text), "seed of the sample generator (default 0)")
    ("scale", po::value(&out.scale_name), "best (default: MSE-minimising) | max (max |x| -> the format's max finite)")
    ("json", po::value(&out.json_path), "write the result as JSON to FILE, or - for stdout (instead of the text)");
  po::variables_map vm;
  if (!cli::parse_args(args, desc, vm,
                       "qmac qerror --format F --dist D [--method integrate|sample] [--samples N] [--seed S] "
                       "[--scale best|max] [--json FILE|-]"))
    return false;
  if (vm.count("json") && out.json_path.empty()) throw InputError("argument --json", "is empty; expected FILE or -");
  out.format = cli::parse_arg("--format", [&] { return num::parse_format(format_name); });
  out.dist = cli::parse_arg("--dist", [&] { return num::parse_distribution(dist_name); });
  if (out.method != "integrate" && out.method != "sample")
    throw InputError("argument --method", "expected integrate or sample, got '" + out.method + "'");
  if (out.scale_name != "best" && out.scale_name != "max")
    throw InputError("argument --scale", "expected best or max, got '" + out.scale_name + "'");
  const long long samples = cli::parse_integer(samples_text, "argument --samples");
  if (samples <= 0 || samples > kMaxSamples)
    throw InputError("argument --samples", "expected an integer in 1.." + std::to_string(kMaxSamples) + ", got '" +
                                               samples_text + "'");
  const long long seed = cli::parse_integer(seed_text, "argument --seed");
  if (seed < 0) throw InputError("argument --seed", "expected a non-negative integer, got '" + seed_text + "'");
  if (out.method == "integrate" && (vm.count("samples") || vm.count("seed")))
    throw InputError(vm.count("samples") ? "argument --samples" : "argument --seed",
                     "only meaningful with --method sample");
  out.samples = uint64_t(samples);
  out.seed = uint64_t(seed);
  out.rule = out.scale_name == "max" ? num::ScaleRule::max : num::ScaleRule::best;
  if (out.method == "integrate") {
    // What qerror_integrate would refuse, refused before any work.
    if (out.format.bits() > 16)
      throw InputError("argument --method", "--method integrate enumerates every code: formats of up to 16 bits, not " +
                                                out.format.name + "; expected --method sample");
    if (out.rule == num::ScaleRule::max && std::isinf(out.dist.support_max()))
      throw InputError("argument --scale", "--scale max under --method integrate needs a bounded distribution, and " +
                                               out.dist.name() + " is unbounded; use --scale best, or --method sample");
  }
  return true;
}

}  // namespace qmac::qerror
