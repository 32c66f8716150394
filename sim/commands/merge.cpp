// qmac merge: join the CSVs of sweep shards, each point once, in point order.
#include <fstream>
#include <iostream>
#include <map>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/errors.hpp"
#include "sim/sweep/results_file.hpp"

namespace qmac::cli {
namespace {

int run_merge(const std::vector<std::string>& args) {
  po::options_description desc("merge options");
  std::vector<std::string> inputs;
  std::string out;
  desc.add_options()
    ("input", po::value(&inputs)->required(), "shard CSVs")
    ("output,o", po::value(&out)->required(), "merged CSV (written atomically)");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac merge IN.csv ... -o OUT.csv", &pos)) return 0;

  std::string header;
  std::map<size_t, std::string> rows;
  for (const auto& in : inputs) {
    std::ifstream f(in);
    if (!f) throw InputError(in, "cannot read");
    std::string line;
    if (!std::getline(f, line)) throw InputError(in, "is empty (no header)");
    if (header.empty()) header = line;
    else if (line != header) throw InputError(in + ":1", "header differs from " + inputs[0] + "'s: not the same sweep");
    for (size_t n = 2; std::getline(f, line); ++n) {
      if (line.empty()) continue;
      const auto fields = sweep::parse_csv_line(line);
      size_t used = 0;
      size_t id = 0;
      try {
        id = std::stoul(fields[0], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != fields[0].size())
        throw InputError(in + ":" + std::to_string(n), "row does not start with a point id");
      auto [it, fresh] = rows.emplace(id, line);
      if (!fresh && it->second != line)
        throw InputError(in + ":" + std::to_string(n), "point " + std::to_string(id) +
                                                           " appears in two inputs with different results");
    }
  }
  std::string content = header + "\n";
  for (const auto& [id, row] : rows) content += row + "\n";
  sweep::write_atomically(out, content);
  std::cerr << "merge: " << rows.size() << " points from " << inputs.size() << " files into " << out << "\n";
  return 0;
}

QMAC_COMMAND("merge", "join sweep shard CSVs (each point once, in point order)", run_merge);

}  // namespace
}  // namespace qmac::cli
