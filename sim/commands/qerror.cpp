// qmac qerror: quantisation error of a distribution in a format, at the
// MSE-best (or max) scale (cli-contract.md; the paper's Fig. 5).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/numerics/qerror.hpp"
#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac::cli {
namespace {

int run_qerror(const std::vector<std::string>& args) {
  po::options_description desc("qerror options");
  std::string format_name, dist_name, method = "integrate", scale_name = "best", json_path, samples_text = "1000000",
                                      seed_text = "0";
  desc.add_options()
    ("format,f", po::value(&format_name)->required(), "format (see `qmac formats`)")
    ("dist", po::value(&dist_name)->required(),
     "uniform (U(-1,1)) | normal | laplace | student_t:NU | outliers:FRAC:MAG "
     "(mixture (1-FRAC) N(0,1) + FRAC N(0,MAG^2))")
    ("method", po::value(&method), "integrate (default: exact expectation over the density) | sample")
    ("samples", po::value(&samples_text), "number of samples for --method sample (default 1000000)")
    ("seed", po::value(&seed_text), "seed of the sample generator (default 0)")
    ("scale", po::value(&scale_name), "best (default: MSE-minimising) | max (max |x| -> the format's max finite)")
    ("json", po::value(&json_path), "write the result as JSON to FILE, or - for stdout (instead of the text)");
  po::variables_map vm;
  if (!parse_args(args, desc, vm,
                  "qmac qerror --format F --dist D [--method integrate|sample] [--samples N] [--seed S] "
                  "[--scale best|max] [--json FILE|-]"))
    return 0;

  const num::Format fmt = parse_arg("--format", [&] { return num::parse_format(format_name); });
  const num::Distribution dist = parse_arg("--dist", [&] { return num::parse_distribution(dist_name); });
  if (method != "integrate" && method != "sample")
    throw InputError("argument --method", "expected integrate or sample, got '" + method + "'");
  if (scale_name != "best" && scale_name != "max")
    throw InputError("argument --scale", "expected best or max, got '" + scale_name + "'");
  const long long samples = parse_integer(samples_text, "argument --samples");
  if (samples <= 0) throw InputError("argument --samples", "expected a positive integer, got '" + samples_text + "'");
  const long long seed = parse_integer(seed_text, "argument --seed");
  if (seed < 0) throw InputError("argument --seed", "expected a non-negative integer, got '" + seed_text + "'");
  if (method == "integrate" && (vm.count("samples") || vm.count("seed")))
    throw InputError(vm.count("samples") ? "argument --samples" : "argument --seed",
                     "only meaningful with --method sample");
  const num::ScaleRule rule = scale_name == "max" ? num::ScaleRule::max : num::ScaleRule::best;

  num::QerrorResult r;
  if (method == "integrate") {
    try {
      r = num::qerror_integrate(fmt, dist, rule);
    } catch (const num::QuantizerError& e) {
      throw InputError(rule == num::ScaleRule::max && fmt.bits() <= 16 ? "argument --scale" : "argument --method",
                       e.what());
    }
  } else {
    r = parse_arg("--dist", [&] { return num::qerror_sample(fmt, dist, rule, uint64_t(samples), uint64_t(seed)); });
  }

  nlohmann::ordered_json j;
  j["format"] = fmt.name;
  j["dist"] = dist.name();
  j["method"] = method;
  if (method == "sample") {
    j["samples"] = samples;
    j["seed"] = seed;
  }
  j["scale_rule"] = scale_name;
  j["scale"] = r.scale;
  j["sigma"] = r.sigma;
  j["rmse"] = r.rmse;
  j["sqnr_db"] = r.sqnr_db();
  j["bits_of_accuracy"] = r.bits_of_accuracy();

  if (json_path.empty()) {
    std::cout << fmt::format("format            {}\ndist              {} (sigma {:.6g})\nmethod            {}\n"
                             "scale ({})       {:.9g}\nrmse              {:.6g}\nsqnr_db           {:.4f}\n"
                             "bits_of_accuracy  {:.4f}\n",
                             fmt.name, dist.name(), r.sigma, method, scale_name, r.scale, r.rmse, r.sqnr_db(),
                             r.bits_of_accuracy());
  } else if (json_path == "-") {
    std::cout << j.dump(2) << '\n';
  } else {
    io::write_file(json_path, j.dump(2) + "\n");
  }
  return 0;
}

QMAC_COMMAND("qerror", "quantisation error (bits of accuracy) of a distribution in a format", run_qerror);

}  // namespace
}  // namespace qmac::cli
