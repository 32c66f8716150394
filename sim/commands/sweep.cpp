// qmac sweep: every point of a sweep file, in parallel child processes, into a
// resumable CSV (+ JSON lines); --shard for GNU parallel / Slurm arrays, --list
// for the commands themselves.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/errors.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep_file.hpp"

namespace qmac::cli {
namespace {

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:+,") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string self_exe() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw RuntimeError("cannot find the qmac executable (/proc/self/exe): " + ec.message());
  return p.string();
}

void parse_shard(const std::string& text, size_t& index, size_t& count) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw InputError("argument --shard", "expected I/N (0 <= I < N), got '" + text + "'");
  const long long i = parse_integer(text.substr(0, slash), "argument --shard");
  const long long n = parse_integer(text.substr(slash + 1), "argument --shard");
  if (n < 1 || i < 0 || i >= n)
    throw InputError("argument --shard", "expected I/N with 0 <= I < N, got '" + text + "'");
  index = size_t(i);
  count = size_t(n);
}

int run_sweep_command(const std::vector<std::string>& args) {
  po::options_description desc("sweep options");
  std::string file, out, shard;
  int jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  desc.add_options()
    ("sweep", po::value(&file)->required(), "the sweep file (YAML)")
    ("output,o", po::value(&out), "results CSV (a JSON-lines file OUT.jsonl is written beside it)")
    ("jobs,j", po::value(&jobs), "points run in parallel (default: the number of cores)")
    ("resume", "continue an interrupted sweep: skip the points already in OUT")
    ("retry-failed", "with --resume (implied): also run again the points whose row in OUT records an error")
    ("shard", po::value(&shard), "I/N: run only the points with id % N == I (0-based), for Slurm arrays / GNU parallel")
    ("list", "print one self-contained `qmac run ...` command per point and exit")
    ("exe", po::value<std::string>(), "the program that runs each point (default: this qmac); e.g. a wrapper script");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac sweep SWEEP.yaml -o OUT.csv [-j N] [--resume [--retry-failed]] [--shard I/N] [--list]", &pos))
    return 0;
  sweep::SweepOptions opt;
  if (vm.count("shard")) parse_shard(shard, opt.shard_index, opt.shard_count);  // --shard '' is an error, not "all"
  if (jobs < 1) throw InputError("argument --jobs", "must be at least 1");
  const sweep::SweepFile sw = sweep::load_sweep_file(file);
  opt.qmac_exe = vm.count("exe") ? std::filesystem::absolute(vm["exe"].as<std::string>()).string() : self_exe();
  if (::access(opt.qmac_exe.c_str(), X_OK) != 0 || std::filesystem::is_directory(opt.qmac_exe))
    throw InputError("argument --exe", "'" + opt.qmac_exe + "' is not an executable program");

  if (vm.count("list")) {
    sweep::validate_points(sw, sweep::shard_points(sw, opt.shard_index, opt.shard_count));
    for (const auto* p : sweep::shard_points(sw, opt.shard_index, opt.shard_count)) {
      const auto argv = sweep::point_command(sw, *p, opt.qmac_exe, "");
      std::string line;
      for (const auto& a : argv) line += (line.empty() ? "" : " ") + shell_quote(a);
      std::cout << line << "\n";
    }
    return 0;
  }
  if (out.empty())
    throw InputError("argument -o", vm.count("output") ? "is empty; expected the results CSV path"
                                                       : "the results CSV is required (-o OUT.csv)");
  opt.out_csv = out;
  opt.jobs = jobs;
  opt.retry_failed = vm.count("retry-failed") > 0;
  opt.resume = vm.count("resume") > 0 || opt.retry_failed;
  return sweep::run_sweep(sw, opt);
}

QMAC_COMMAND("sweep", "run every point of a sweep file into a resumable CSV (+ JSON lines)", run_sweep_command);

}  // namespace
}  // namespace qmac::cli
