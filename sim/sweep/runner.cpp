#include "sim/sweep/runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/numerics/parallel.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"
#include "sim/sweep/results_file.hpp"

extern char** environ;

namespace qmac::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<const Point*> shard_points(const SweepFile& sw, size_t index, size_t count) {
  std::vector<const Point*> out;
  for (const auto& p : sw.points)
    if (p.id % count == index) out.push_back(&p);
  return out;
}

std::vector<std::string> point_command(const SweepFile& sw, const Point& p, const std::string& exe,
                                       const std::string& json_path) {
  std::vector<std::string> argv{exe, sw.command};
  if (sw.command == "qerror") {
    // qerror takes options, not config keys: every key is an option name.
    for (const auto* list : {&sw.fixed, &p.overrides})
      for (const auto& o : *list) argv.insert(argv.end(), {"--" + o.key, option_text(o)});
  } else {
    if (!sw.base.empty()) argv.push_back(sw.base);
    for (const auto& o : sw.fixed) argv.insert(argv.end(), {"--set", o.key + "=" + o.value});
    for (const auto& o : p.overrides) argv.insert(argv.end(), {"--set", o.key + "=" + o.value});
  }
  if (!json_path.empty()) argv.insert(argv.end(), {"--json", json_path});
  return argv;
}

const std::vector<std::string>& result_columns(const std::string& command) {
  // The contract's result keys (docs/cli-contract.md), flattened with dots.
  static const std::vector<std::string> cost_keys{"cost.mac_gates", "cost.pe_gates",   "cost.array_gates",
                                                  "cost.area_um2",  "cost.energy_pj",  "cost.pj_per_mac",
                                                  "cost.tops_per_w", "cost.accumulator_bits"};
  static const std::vector<std::string> run_keys = [] {
    std::vector<std::string> k{"cycles", "macs", "folds", "utilization", "accuracy.sqnr_db",
                               "accuracy.max_abs_error", "accuracy.overflows"};
    k.insert(k.end(), cost_keys.begin(), cost_keys.end());
    // The memory system (cli-contract.md memory.*; models/memory).
    for (const char* m : {"memory.stall_cycles", "memory.sram_reads.a", "memory.sram_reads.b", "memory.sram_reads.c",
                          "memory.sram_writes.c", "memory.dram_reads.a", "memory.dram_reads.b", "memory.dram_reads.c",
                          "memory.dram_writes.c", "memory.bytes.dram_total", "memory.bytes.dram_writes.c",
                          "memory.dram_bandwidth.avg", "memory.dram_bandwidth.peak", "cost.memory_energy_pj"})
      k.push_back(m);
    return k;
  }();
  static const std::vector<std::string> qerror_keys{"scale", "rmse", "sqnr_db", "bits_of_accuracy"};
  if (command == "qerror") return qerror_keys;
  return command == "cost" ? cost_keys : run_keys;
}

std::string jsonl_path_for(const std::string& csv_path) {
  fs::path p(csv_path);
  p.replace_extension(".jsonl");
  return p.string();
}

std::string definition_path_for(const std::string& csv_path) {
  fs::path p(csv_path);
  p.replace_extension(".sweep.json");
  return p.string();
}

namespace {

std::string value_at(const json& j, const std::string& dotted) {
  const json* cur = &j;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(part)) return "";
    cur = &(*cur)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_number_float()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", cur->get<double>());
    return buf;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_null()) return "";
  return cur->dump();
}

std::string last_line(const std::string& path) {
  std::ifstream f(path);
  std::string line, last;
  while (std::getline(f, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

// A point's value of each swept column (empty where its axes do not set it).
std::vector<std::string> swept_values(const SweepFile& sw, const Point& p) {
  std::vector<std::string> out;
  for (const auto& col : sw.columns) {
    std::string v;
    for (const auto& o : p.overrides)
      if (o.key == col) v = o.value;
    out.push_back(v);
  }
  return out;
}

struct Running {
  const Point* point;
  std::string json_path, err_path;
  std::chrono::steady_clock::time_point start;
};

pid_t spawn(const std::vector<std::string>& argv, const std::string& err_path) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw RuntimeError("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

class Progress {
 public:
  Progress(size_t total, size_t already) : total_(total), done_(already), tty_(::isatty(2)) {}
  void finished(const Point& p, bool ok, double seconds, const std::string& status) {
    ++done_;
    failed_ += !ok;
    ++run_;
    elapsed_ += seconds;
    if (tty_) {
      const double eta = run_ ? (elapsed_ / run_) * double(total_ - done_) : 0;
      const int width = 30;
      const int filled = total_ ? int(width * done_ / total_) : width;
      std::fprintf(stderr, "\r[%s%s] %zu/%zu points, %zu failed, ETA %.0f s   ", std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), done_, total_, failed_, eta);
      if (done_ == total_) std::fprintf(stderr, "\n");
    } else {
      std::fprintf(stderr, "sweep: point %zu %s (%.2f s) [%zu/%zu]\n", p.id, ok ? "ok" : status.c_str(), seconds,
                   done_, total_);
    }
  }
  size_t failed() const { return failed_; }

 private:
  size_t total_, done_, failed_ = 0, run_ = 0;
  double elapsed_ = 0;  // summed point durations, for the ETA
  bool tty_;
};

// The scratch folder of this run: OUT.work.HOST.PID (HOST: a sweep may share
// OUT's folder with runs on other machines of a cluster).
fs::path work_dir_for(const std::string& out_csv) {
  return fs::path(out_csv).parent_path() /
         (fs::path(out_csv).filename().string() + ".work." + io::host_name() + "." + std::to_string(::getpid()));
}

// Scratch folders OUT.work.HOST.PID of sweeps on the same OUT, on this host,
// that were killed (no process PID any more): their point files are never
// used, remove them. Folders of other hosts, of live processes, or with names
// this version did not write are left alone. Best effort: never fails the sweep.
void remove_stale_work_dirs(const std::string& out_csv) {
  const fs::path dir = fs::absolute(out_csv).parent_path();
  const std::string prefix = fs::path(out_csv).filename().string() + ".work." + io::host_name() + ".";
  try {
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string pid = name.substr(prefix.size());
      if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code ec;
      if (!e.is_directory(ec)) continue;
      if (::kill(pid_t(std::stoi(pid)), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
    }
  } catch (const fs::filesystem_error&) {
    // an unreadable folder: keep the scratch folders, run the sweep
  }
}

}  // namespace

int run_sweep(const SweepFile& sw, const SweepOptions& opt) {
  const auto points = shard_points(sw, opt.shard_index, opt.shard_count);
  const auto& keys = result_columns(sw.command);
  std::vector<std::string> header{"point"};
  header.insert(header.end(), sw.columns.begin(), sw.columns.end());
  header.insert(header.end(), keys.begin(), keys.end());
  header.push_back("status");
  const std::string header_line = csv_line(header);
  const std::string jsonl = jsonl_path_for(opt.out_csv);

  // OUT must be a regular file (rows are appended to it and it is sorted in
  // place) in an existing folder.
  std::error_code ec;
  const fs::file_status st = fs::status(opt.out_csv, ec);
  if (fs::exists(st) && !fs::is_regular_file(st))
    throw InputError("-o " + opt.out_csv, "is not a regular file; expected the path of a results CSV");
  const fs::path out_dir = fs::path(opt.out_csv).parent_path().empty() ? fs::path(".") : fs::path(opt.out_csv).parent_path();
  if (!fs::is_directory(out_dir, ec))
    throw InputError("-o " + opt.out_csv, "its folder " + out_dir.string() + " does not exist; qmac does not create it");
  if (fs::exists(st) && !opt.resume)
    throw InputError("-o " + opt.out_csv, "exists; pass --resume to continue that sweep, or choose another file "
                                           "(qmac never overwrites results)");

  // Every point is checked before the first one runs: a typo in an axis is
  // exit 2 at its file:line:column, not a sweep of failed points.
  validate_points(sw, points);

  // The definition's fingerprint lives beside the results: --resume refuses
  // results of a different definition (axes, set, base config, command).
  const std::string definition = definition_path_for(opt.out_csv);
  const std::string print = fingerprint(sw);
  if (fs::exists(st)) {
    std::string stored;
    if (fs::exists(definition)) {
      const auto d = json::parse(io::read_file(definition, io::kMaxTextInput, "sweep definition file"), nullptr, false);
      if (!d.is_discarded() && d.is_object() && d.contains("fingerprint") && d["fingerprint"].is_string())
        stored = d["fingerprint"].get<std::string>();
    }
    if (stored.empty())
      throw InputError(definition, "missing or unreadable: the results in " + opt.out_csv +
                                       " cannot be matched to this sweep's definition; use another -o file");
    if (stored != print)
      throw InputError(opt.out_csv, "holds results of a different sweep definition (fingerprint " + stored + ", " +
                                        sw.path + " is now " + print + ": its axes, set, base config or command "
                                        "changed); use another -o file");
  }
  std::map<size_t, std::vector<std::string>> expected;
  for (const Point* p : points) expected[p->id] = swept_values(sw, *p);
  const std::set<size_t> done = recover_csv(opt.out_csv, header_line, expected, opt.retry_failed);
  if (!fs::exists(definition)) {
    json d{{"fingerprint", print}, {"sweep", sw.path}, {"command", sw.command}, {"base", sw.base},
           {"points", sw.points.size()}};
    io::write_file(definition, d.dump(2) + "\n");
  }
  recover_jsonl(jsonl, done);
  remove_stale_work_dirs(opt.out_csv);

  std::vector<const Point*> todo;
  for (const Point* p : points)
    if (!done.count(p->id)) todo.push_back(p);

  const fs::path work = work_dir_for(opt.out_csv);
  fs::create_directories(work);

  Progress progress(points.size(), points.size() - todo.size());
  std::map<pid_t, Running> running;
  size_t next = 0;
  const int jobs = std::max(1, opt.jobs);
  // Threads: -j points at once share the cores, cores / j threads each (at
  // least one), unless QMAC_THREADS is set already (sim/run/threads.hpp).
  if (!std::getenv("QMAC_THREADS"))
    ::setenv("QMAC_THREADS", std::to_string(std::max(1, par::hardware_threads() / jobs)).c_str(), 1);
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && int(running.size()) < jobs) {
      const Point* p = todo[next++];
      Running r{p, (work / ("point" + std::to_string(p->id) + ".json")).string(),
                (work / ("point" + std::to_string(p->id) + ".err")).string(), std::chrono::steady_clock::now()};
      const pid_t pid = spawn(point_command(sw, *p, opt.qmac_exe, r.json_path), r.err_path);
      running.emplace(pid, r);
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw RuntimeError(std::string("waitpid: ") + std::strerror(errno));
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const Running r = it->second;
    running.erase(it);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();

    json result;
    std::string state = "ok";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      std::ifstream f(r.json_path);
      result = json::parse(f, nullptr, false);
      if (result.is_discarded()) state = "error: the point's JSON could not be read";
    } else {
      const std::string msg = last_line(r.err_path);
      state = "error: " + (msg.empty() ? (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                                            : "killed by signal " + std::to_string(WTERMSIG(status)))
                                       : msg);
    }
    std::vector<std::string> row{std::to_string(r.point->id)};
    for (auto& v : swept_values(sw, *r.point)) row.push_back(std::move(v));
    for (const auto& k : keys) row.push_back(state == "ok" ? value_at(result, k) : "");
    row.push_back(state);

    json line{{"point", r.point->id}, {"status", state}};
    json over = json::object();
    for (const auto& o : r.point->overrides) over[o.key] = o.value;
    line["overrides"] = over;
    if (state == "ok") line["result"] = result;
    // JSON line first, CSV row second: the CSV row is the commit point; a JSON
    // line without its row is dropped on --resume and the point re-run.
    append_line(jsonl, line.dump() + "\n");
    append_line(opt.out_csv, csv_line(row));
    progress.finished(*r.point, state == "ok", seconds, state);
    fs::remove(r.json_path, ec);
    fs::remove(r.err_path, ec);
  }
  fs::remove_all(work, ec);
  sort_csv_by_point(opt.out_csv);
  sort_jsonl_by_point(jsonl);
  // Failed points anywhere in the file (this run's or a resumed one's) make the exit code 1.
  std::ifstream f(opt.out_csv);
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line))
    if (parse_csv_line(line).back() != "ok") return 1;
  return 0;
}

}  // namespace qmac::sweep
