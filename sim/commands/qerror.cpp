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
#include "sim/qerror/request.hpp"
#include "sim/run/report.hpp"

namespace qmac::cli {
namespace {

int run_qerror(const std::vector<std::string>& args) {
  qerror::Request q;
  if (!qerror::parse_request(args, q)) return 0;
  const num::Format& fmt = q.format;
  const num::Distribution& dist = q.dist;
  const std::string& method = q.method;
  const std::string& scale_name = q.scale_name;
  const std::string& json_path = q.json_path;
  const num::ScaleRule rule = q.rule;
  const uint64_t samples = q.samples, seed = q.seed;

  run::JsonOutput out(json_path);  // before the work: an unwritable path fails now
  num::QerrorResult r;
  if (method == "integrate") {
    try {
      r = num::qerror_integrate(fmt, dist, rule);
    } catch (const num::QuantizerError& e) {
      throw InputError(rule == num::ScaleRule::max && fmt.bits() <= 16 ? "argument --scale" : "argument --method",
                       e.what());
    }
  } else {
    r = parse_arg("--dist", [&] { return num::qerror_sample(fmt, dist, rule, samples, seed); });
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
  } else {
    out.write(j);
  }
  return 0;
}

QMAC_COMMAND("qerror", "quantisation error (bits of accuracy) of a distribution in a format", run_qerror);

}  // namespace
}  // namespace qmac::cli
