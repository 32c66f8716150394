// run_gemm: SystemC elaborates one design per process, so every run forks a
// child that elaborates the chosen engine, simulates it and sends the result
// back through a pipe (the parent never touches the SystemC kernel).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <systemc>
#include <thread>
#include <type_traits>

#include "models/array/array.hpp"
#include "models/array/fast_engine.hpp"
#include "models/array/pe_array.hpp"
#include "models/array/plan.hpp"
#include "models/util/fd_io.hpp"

namespace qmac::array {

namespace {

// Everything of a RunResult but its output words, sent as one block: a field
// added to RunResult's scalars is added here once, not to a hand-written list.
struct Scalars {
  uint64_t cycles = 0, stall_cycles = 0, last_write_cycle = 0, folds = 0;
  num::MacStats stats;
  num::Activity activity;
};
struct Header {
  uint64_t ok = 0, words = 0, message = 0;
  Scalars result;
};
static_assert(std::is_trivially_copyable_v<Header> && std::is_trivially_copyable_v<num::AccValue>);

Scalars scalars_of(const RunResult& r) {
  return Scalars{r.cycles, r.stall_cycles, r.last_write_cycle, r.folds, r.stats, r.activity};
}
void set_scalars(RunResult& r, const Scalars& s) {
  r.cycles = s.cycles;
  r.stall_cycles = s.stall_cycles;
  r.last_write_cycle = s.last_write_cycle;
  r.folds = s.folds;
  r.stats = s.stats;
  r.activity = s.activity;
}

// The child's end of the result pipe: a failed write ends the child (the
// parent then reports the simulation process as failed).
void write_all(int fd, const void* data, size_t n) {
  int err = 0;
  if (!util::write_all(fd, data, n, err)) _exit(3);
}

// In the child: SystemC's VCD writer (fprintf to a FILE it opens by name,
// errors unchecked, ".vcd" appended to the name) writes into a FIFO in a
// private temporary folder; a thread copies the FIFO to the caller's
// descriptor and checks every write. A failed write is an error of the run,
// never a silently truncated waveform.
class VcdPump {
 public:
  explicit VcdPump(int dest) : dest_(dest) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/qmac-vcd-XXXXXX";
    if (!::mkdtemp(templ.data()))
      throw std::runtime_error("waveform: cannot create a temporary folder (" + templ + "): " + std::strerror(errno));
    dir_ = templ;
    fifo_ = dir_ + "/trace.vcd";
    if (::mkfifo(fifo_.c_str(), 0600) != 0) {
      const int err = errno;
      ::rmdir(dir_.c_str());
      throw std::runtime_error("waveform: cannot create a FIFO in " + dir_ + ": " + std::strerror(err));
    }
    ::signal(SIGPIPE, SIG_IGN);  // a failed copy must not kill the writer: the error is reported instead
    thread_ = std::thread([this] { copy(); });
  }
  ~VcdPump() {
    if (thread_.joinable()) finish();
  }
  // The name to give sc_create_vcd_trace_file (it appends ".vcd").
  std::string systemc_name() const { return dir_ + "/trace"; }
  // After the trace file is closed (or was never opened): waits for the copy;
  // returns its error, empty when every byte arrived.
  std::string finish() {
    // Unblocks a reader still waiting in open() for a writer that never came.
    const int w = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (w >= 0) ::close(w);
    thread_.join();
    ::unlink(fifo_.c_str());
    ::rmdir(dir_.c_str());
    return error_;
  }

 private:
  void copy() {
    const int in = ::open(fifo_.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      error_ = std::string("cannot open the waveform FIFO: ") + std::strerror(errno);
      return;
    }
    char buf[1 << 16];
    while (true) {
      const ssize_t n = ::read(in, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      // After a failed write keep draining, so the writer finishes.
      int err = 0;
      if (error_.empty() && !util::write_all(dest_, buf, size_t(n), err))
        error_ = std::string("writing the waveform failed: ") + std::strerror(err);
    }
    ::close(in);
  }
  int dest_;
  std::string dir_, fifo_, error_;
  std::thread thread_;
};

// In the child: elaborate, simulate, collect.
RunResult simulate(const num::MacSpec& spec, const num::AccumulatorSpec& out_buffer, int P, const ArrayOptions& o,
                   const Gemm& g, Engine engine, const TraceOptions* trace, const Stalls* stalls) {
  ::setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  const num::Mac mac(spec);
  const Plan plan = make_plan(o, g, P, stalls);
  OutputBuffer buffer(mac.accumulator(), out_buffer, size_t(g.m) * size_t(g.n));
  RunResult r;
  std::unique_ptr<VcdPump> pump;
  if (trace && trace->vcd_fd >= 0) pump = std::make_unique<VcdPump>(trace->vcd_fd);
  {
    if (engine == Engine::fast) {
      FastArray top("array", plan, mac, buffer, r);  // advances through the timeline on its own (no clock)
      sc_core::sc_start();
    } else {
      sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
      PeArray top("array", plan, mac, buffer, r, trace, pump ? pump->systemc_name() : std::string(), stalls,
                  o.pe_process_per_pe);
      top.clk(clk);
      sc_core::sc_start();
      top.collect();  // closes the trace file
    }
  }
  if (pump) {
    const std::string err = pump->finish();
    if (!err.empty()) throw std::runtime_error(err);
  }
  r.c = std::move(buffer.words());
  // The engines counted every clocked cycle until the last fold retired (they
  // stop there); SCALE-Sim's convention reports the index of that last cycle.
  r.cycles = o.cycles_as_last_index ? r.activity.cycles - 1 : r.activity.cycles;
  r.stall_cycles = plan.stall_cycles;
  r.folds = plan.folds.size();
  return r;
}

}  // namespace

RunResult run_gemm(const num::MacSpec& spec, const num::AccumulatorSpec& out_buffer, int P, const ArrayOptions& o,
                   const Gemm& g, Engine engine, const TraceOptions* trace, const Stalls* stalls) {
  validate_run(spec, out_buffer, P, o, g);
  if (engine == Engine::analytic)
    throw ArrayError("the analytic engine does not simulate; use memory::analyze (models/memory/analytic.hpp)");
  if (stalls) {  // the timeline must fit this schedule (checked here, not in the child)
    Schedule check = make_schedule(o, g.m, g.k, g.n, P);
    apply_stalls(check, *stalls);
    const size_t nf = check.folds.size();
    if ((!stalls->ready_a.empty() && stalls->ready_a.size() != nf) ||
        (!stalls->ready_b.empty() && stalls->ready_b.size() != nf))
      throw ArrayError("memory timeline: ready times must have one entry per fold");
  }
  if (engine == Engine::pe && (long long)o.rows * o.cols > kMaxPeEnginePes)
    throw ArrayError("the pe engine elaborates a module per PE and takes at most " + std::to_string(kMaxPeEnginePes) +
                     " PEs (256 x 256), got " + std::to_string(o.rows) + " x " + std::to_string(o.cols) +
                     "; expected a smaller array, or the fast engine (same results)");
  if (trace && trace->vcd_fd >= 0) {
    if (engine != Engine::pe)
      throw ArrayError("waveforms need the pe engine (the fast engine has no per-PE signals)");
    if (trace->first_cycle > trace->last_cycle)
      throw ArrayError("trace window: first cycle " + std::to_string(trace->first_cycle) + " is after last " +
                       std::to_string(trace->last_cycle));
    for (const auto& [i, j] : trace->pes)
      if (i < 0 || j < 0 || i >= o.rows || j >= o.cols)
        throw ArrayError("trace PE (" + std::to_string(i) + ", " + std::to_string(j) + ") is outside the " +
                         std::to_string(o.rows) + " x " + std::to_string(o.cols) + " array");
  }
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    Header h;
    std::string message;
    RunResult r;
    try {
      r = simulate(spec, out_buffer, P, o, g, engine, trace, stalls);
      h.ok = 1;
    } catch (const std::exception& e) {
      message = e.what();
    }
    h.result = scalars_of(r);
    h.words = r.c.size();
    h.message = message.size();
    write_all(fds[1], &h, sizeof h);
    write_all(fds[1], message.data(), message.size());
    write_all(fds[1], r.c.data(), r.c.size() * sizeof(num::AccValue));
    ::close(fds[1]);
    _exit(0);  // skip the SystemC kernel's and the parent's destructors
  }
  ::close(fds[1]);
  Header h;
  RunResult r;
  std::string message;
  bool ok = util::read_exact(fds[0], &h, sizeof h);
  if (ok) {
    message.resize(h.message);
    r.c.resize(h.words);
    ok = util::read_exact(fds[0], message.data(), message.size()) &&
         util::read_exact(fds[0], r.c.data(), r.c.size() * sizeof(num::AccValue));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("array simulation process failed (status " + std::to_string(status) + ")");
  if (!h.ok) throw std::runtime_error("array simulation failed: " + message);
  set_scalars(r, h.result);
  return r;
}

}  // namespace qmac::array

// libsystemc.so references sc_main (its own main() calls it). qmac has its own
// main() and elaborates designs from run_gemm, so this weak definition only
// satisfies the linker; a program that defines sc_main overrides it.
extern "C" __attribute__((weak)) int sc_main(int, char*[]) { return 1; }
