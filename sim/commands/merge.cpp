// qmac merge: join the CSVs of sweep shards, each point once, in point order.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"
#include "sim/sweep/results_file.hpp"
#include "sim/sweep/runner.hpp"

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

  std::string header, fingerprint;
  size_t fields = 0;
  std::map<size_t, std::string> rows;
  for (const auto& in : inputs) {
    const std::string text = io::read_file(in, io::kMaxResultsInput, "results CSV");
    if (text.empty()) throw InputError(in, "is empty (no header); expected a results CSV of qmac sweep");
    if (text.back() != '\n')
      throw InputError(in + ":" + std::to_string(std::count(text.begin(), text.end(), '\n') + 1),
                       "the last line is torn (no newline at its end): that shard's sweep was interrupted; "
                       "finish it with qmac sweep --resume, then merge");
    // Shards of one sweep carry the same definition fingerprint (OUT.sweep.json).
    const std::string def = sweep::definition_path_for(in);
    if (std::filesystem::exists(def)) {
      const auto d = nlohmann::json::parse(io::read_file(def, io::kMaxTextInput, "sweep definition file"), nullptr, false);
      const std::string fp = !d.is_discarded() && d.is_object() && d.contains("fingerprint") && d["fingerprint"].is_string()
                                 ? d["fingerprint"].get<std::string>()
                                 : "";
      if (fp.empty()) throw InputError(def, "unreadable sweep definition file");
      if (fingerprint.empty()) fingerprint = fp;
      else if (fp != fingerprint)
        throw InputError(def, "fingerprint " + fp + " differs from " + fingerprint + ": not shards of the same sweep");
    }
    size_t n = 0, start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string line = text.substr(start, nl - start);
      ++n;
      const std::string at = in + ":" + std::to_string(n);
      if (n == 1) {
        if (header.empty()) {
          header = line;
          fields = sweep::parse_csv_line(line).size();
        } else if (line != header) {
          throw InputError(at, "header differs from " + inputs[0] + "'s: not the same sweep");
        }
        continue;
      }
      if (line.empty()) continue;
      const auto row = sweep::parse_csv_line(line);
      if (row.size() != fields)
        throw InputError(at, "a row with " + std::to_string(row.size()) + " fields under a header of " +
                                 std::to_string(fields));
      size_t used = 0;
      size_t id = 0;
      try {
        id = std::stoul(row[0], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != row[0].size()) throw InputError(at, "row does not start with a point id");
      auto [it, fresh] = rows.emplace(id, line);
      if (!fresh && it->second != line)
        throw InputError(at, "point " + std::to_string(id) + " appears in two inputs with different results");
    }
  }
  std::string content = header + "\n";
  for (const auto& [id, row] : rows) content += row + "\n";
  io::write_file(out, content);
  if (!fingerprint.empty())
    io::write_file(sweep::definition_path_for(out),
                   nlohmann::json{{"fingerprint", fingerprint}, {"merged_from", inputs}}.dump(2) + "\n");
  std::cerr << "merge: " << rows.size() << " points from " << inputs.size() << " files into " << out << "\n";
  return 0;
}

QMAC_COMMAND("merge", "join sweep shard CSVs (each point once, in point order)", run_merge);

}  // namespace
}  // namespace qmac::cli
