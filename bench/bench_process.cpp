// Whole-process benchmark of `qmac run` (issue 13's goals): times the process a
// user waits for -- generation, quantisation, the forked simulation, the FP64
// references, the cost model -- and checks the goals:
//
//   gemm_int8      1024^3 on 128x128 WS, INT8 x INT8 -> INT32        >= 1.2 G MAC/s
//   gemm_fp8_fp32  same, FP8-E4M3 -> FP32 (fused)                     >= 500 M MAC/s
//   gemm_fp8_fp16  same, FP8-E4M3 -> FP16 (fused)                     >= 250 M MAC/s
//   gemv_os        1x4096x4096 on 128x128 OS, INT8 -> INT32           <= 0.3 s, peak memory <= 16 B per
//                  operand element + 16 B per output element + the footprint of a 1x1x1 run on the same array
//   pe_16x16       256^3 on 16x16 WS with --engine pe, INT8 / FP8     >= 30 M PE-cycles/s
//
// Each case runs --runs times (default 5) after one warm-up; the figure is the
// median. Memory: the peak resident set of the process and of its forked
// simulation child (wait4's ru_maxrss: the larger of the two), and, sampled
// every 2 ms, the peak of the proportional set size (PSS) summed over the
// process tree, which counts pages the child shares with its parent once.
// Both must be within the budget. The load average is printed before and
// after: on a shared machine a figure means little without it.
//
//   build/bench/bench_process [--qmac build/bin/qmac] [--runs 5] [--only NAME[,NAME]] [--threads N] [--no-check]
//
// Exit status 1 when a goal is missed (unless --no-check).
#include <dirent.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

struct Case {
  std::string name;
  std::vector<std::string> args;  // after `qmac run`
  enum class Goal { mac_rate, seconds, pe_cycle_rate } goal;
  double target;                  // MAC/s, s, or PE-cycles/s
  bool memory_check = false;      // gemv: check the peak-memory budget
};

std::vector<std::string> gemm_args(const std::string& dataflow, int m, int k, int n, int array) {
  return {"--set", "array.rows=" + std::to_string(array), "--set", "array.cols=" + std::to_string(array),
          "--set", "array.dataflow=" + dataflow,           "--set", "workload.gemm.m=" + std::to_string(m),
          "--set", "workload.gemm.k=" + std::to_string(k), "--set", "workload.gemm.n=" + std::to_string(n)};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

const std::vector<std::string> kFp8 = {"--set", "mac.a=fp8_e4m3", "--set", "mac.b=fp8_e4m3"};
std::vector<std::string> float_acc(const std::string& fmt) {
  return {"--set", "mac.accumulator.type=float", "--set", "mac.accumulator.format=" + fmt};  // output buffer: FP32
}

std::vector<Case> cases() {
  const auto gemm = gemm_args("ws", 1024, 1024, 1024, 128);
  return {
      {"gemm_int8", gemm, Case::Goal::mac_rate, 1.2e9},
      {"gemm_fp8_fp32", with(with(gemm, kFp8), float_acc("fp32")), Case::Goal::mac_rate, 500e6},
      {"gemm_fp8_fp16", with(with(gemm, kFp8), float_acc("fp16")), Case::Goal::mac_rate, 250e6},
      {"gemv_os", gemm_args("os", 1, 4096, 4096, 128), Case::Goal::seconds, 0.3, true},
      {"pe_16x16_int8", with(gemm_args("ws", 256, 256, 256, 16), {"--engine", "pe"}), Case::Goal::pe_cycle_rate, 30e6},
      {"pe_16x16_fp8", with(with(with(gemm_args("ws", 256, 256, 256, 16), {"--engine", "pe"}), kFp8), float_acc("fp32")),
       Case::Goal::pe_cycle_rate, 30e6},
  };
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

// PSS (kB) of one process, or 0 if it is gone.
long pss_kb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string key;
  long value = 0;
  while (f >> key) {
    if (key == "Pss:") {
      f >> value;
      return value;
    }
    f.ignore(1 << 20, '\n');
  }
  return 0;
}

// The process and its descendants (through /proc/PID/task/*/children).
void tree(pid_t pid, std::vector<pid_t>& out) {
  out.push_back(pid);
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(dir + "/" + e->d_name + "/children");
    pid_t c;
    while (f >> c) tree(c, out);
  }
  closedir(d);
}

struct Sample {
  double seconds = 0;
  long maxrss_kb = 0;    // wait4: the largest process of the tree
  long tree_pss_kb = 0;  // sampled peak of the summed PSS
  nlohmann::json result;
};

Sample run_once(const std::string& qmac, const std::vector<std::string>& args, const std::string& json_path,
                bool sample_memory) {
  std::vector<std::string> argv_s = {qmac, "run"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  argv_s.insert(argv_s.end(), {"--json", json_path});
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::cout.flush();  // or the child's freopen flushes our buffered text into its stdout
  std::fflush(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    if (!std::freopen("/dev/null", "w", stdout)) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::atomic<bool> done{false};
  std::atomic<long> peak{0};
  std::thread sampler;
  if (sample_memory)
    sampler = std::thread([&] {
      while (!done.load()) {
        std::vector<pid_t> pids;
        tree(pid, pids);
        long sum = 0;
        for (pid_t p : pids) sum += pss_kb(p);
        peak = std::max(peak.load(), sum);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  const auto t1 = std::chrono::steady_clock::now();
  done = true;
  if (sampler.joinable()) sampler.join();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "bench_process: qmac run failed (status " << status << "):";
    for (auto& s : argv_s) std::cerr << " " << s;
    std::cerr << "\n";
    std::exit(1);
  }
  Sample s;
  s.seconds = std::chrono::duration<double>(t1 - t0).count();
  s.maxrss_kb = ru.ru_maxrss;
  s.tree_pss_kb = peak.load();
  std::ifstream f(json_path);
  s.result = nlohmann::json::parse(f);
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  std::string qmac = "build/bin/qmac", only, threads;
  int runs = 5;
  bool check = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_process: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--qmac")
      qmac = value();
    else if (a == "--runs")
      runs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--only")
      only = "," + value() + ",";
    else if (a == "--threads")
      threads = value();
    else if (a == "--no-check")
      check = false;
    else {
      std::cerr << "usage: bench_process [--qmac PATH] [--runs N] [--only NAME[,NAME]] [--threads N] [--no-check]\n";
      return 2;
    }
  }
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  char tmpl[] = "/tmp/qmac_bench_XXXXXX";
  if (!mkdtemp(tmpl)) {
    perror("mkdtemp");
    return 1;
  }
  const std::string json_path = std::string(tmpl) + "/run.json";
  std::cout << "bench_process: " << qmac << ", " << runs << " runs per case (median), load average before: "
            << loadavg() << "\n";
  bool all_ok = true;
  for (const Case& c : cases()) {
    if (!only.empty() && only.find("," + c.name + ",") == std::string::npos) continue;
    std::vector<std::string> args = c.args;
    if (!threads.empty()) args.insert(args.end(), {"--threads", threads});
    run_once(qmac, args, json_path, false);  // warm-up (page cache, CPU frequency)
    std::vector<double> secs, rss, pss;
    Sample last;
    for (int r = 0; r < runs; ++r) {
      last = run_once(qmac, args, json_path, c.memory_check);
      secs.push_back(last.seconds);
      rss.push_back(double(last.maxrss_kb));
      pss.push_back(double(last.tree_pss_kb));
    }
    const double t = median(secs);
    const double macs = last.result["macs"].get<double>();
    const double pe_cycles = last.result["activity"]["pe_cycles"].get<double>();
    double figure = 0;
    bool ok = true;
    std::ostringstream line;
    line.precision(4);
    line << c.name << ": " << t << " s (min " << *std::min_element(secs.begin(), secs.end()) << ", max "
         << *std::max_element(secs.begin(), secs.end()) << ")";
    switch (c.goal) {
      case Case::Goal::mac_rate:
        figure = macs / t;
        ok = figure >= c.target;
        line << ", " << figure / 1e6 << " M MAC/s (goal >= " << c.target / 1e6 << " M)";
        break;
      case Case::Goal::seconds:
        figure = t;
        ok = t <= c.target;
        line << ", " << macs / t / 1e6 << " M MAC/s (goal <= " << c.target << " s)";
        break;
      case Case::Goal::pe_cycle_rate:
        figure = pe_cycles / t;
        ok = figure >= c.target;
        line << ", " << figure / 1e6 << " M PE-cycles/s (goal >= " << c.target / 1e6 << " M)";
        break;
    }
    line << ", peak RSS " << median(rss) / 1024 << " MB";
    if (c.memory_check) {
      // The budget: 16 B per operand element and per output element, plus the
      // footprint of the same array running a 1x1x1 GEMM (binary, libraries,
      // SystemC, the O(R*C) engine state).
      const auto& g = last.result["gemm"];
      const double m = g["m"].get<double>(), k = g["k"].get<double>(), n = g["n"].get<double>();
      std::vector<std::string> tiny = args;
      for (auto& a : tiny)
        if (a.rfind("workload.gemm.", 0) == 0) a = a.substr(0, a.find('=') + 1) + "1";
      const Sample base = run_once(qmac, tiny, json_path, true);
      const double budget_kb = (16 * (m * k + k * n) + 16 * m * n) / 1024 + double(base.maxrss_kb);
      const double budget_pss_kb = (16 * (m * k + k * n) + 16 * m * n) / 1024 + double(base.tree_pss_kb);
      const bool mem_ok = median(rss) <= budget_kb && median(pss) <= budget_pss_kb;
      line << ", process-tree PSS " << median(pss) / 1024 << " MB; budget " << budget_kb / 1024 << " MB RSS / "
           << budget_pss_kb / 1024 << " MB PSS (1x1x1 footprint " << base.maxrss_kb / 1024 << " / "
           << base.tree_pss_kb / 1024 << " MB) " << (mem_ok ? "ok" : "EXCEEDED");
      ok = ok && mem_ok;
    }
    line << (ok ? "  [ok]" : "  [MISSED]");
    std::cout << line.str() << std::endl;
    all_ok = all_ok && ok;
  }
  std::cout << "bench_process: load average after: " << loadavg() << "\n";
  std::remove(json_path.c_str());
  rmdir(tmpl);
  return check && !all_ok ? 1 : 0;
}
