// mac::Wire (the pe engine's channel, public SystemC API only) against
// sc_signal, side by side in one design: the same writes (changes, repeats,
// a change and its undo in one delta, writes through ports) give the same
// values, value-changed events in the same deltas, the same event(),
// posedge()/negedge() answers and edge events for bool. SystemC elaborates
// one design per process, so the design runs in a forked child.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <systemc>
#include <vector>

#include "models/mac/mac_unit.hpp"

namespace {

using qmac::mac::Wire;

SC_MODULE(Writer) {
  SC_HAS_PROCESS(Writer);
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_out<uint32_t> ref_out{"ref_out"}, wire_out{"wire_out"};
  sc_core::sc_signal<bool>* refb = nullptr;
  Wire<bool>* wireb = nullptr;
  int cycle = 0;
  explicit Writer(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }
  void tick() {
    // Values per cycle: changes, a repeat (no event), a change and its undo in
    // the same delta (no event), and a bool toggling irregularly.
    static const uint32_t seq[] = {1, 1, 5, 7, 7, 7, 2, 0, 0, 9};
    const int c = cycle++;
    if (c >= int(sizeof seq / sizeof seq[0])) {
      sc_core::sc_stop();
      return;
    }
    if (c == 4) {  // write a new value and the old one back
      ref_out.write(100);
      wire_out.write(100);
    }
    ref_out.write(seq[c]);
    wire_out.write(seq[c]);
    const bool b = (c % 3) != 1;
    refb->write(b);
    wireb->write(b);
  }
};

SC_MODULE(Observer) {
  SC_HAS_PROCESS(Observer);
  sc_core::sc_in<uint32_t> ref_in{"ref_in"}, wire_in{"wire_in"};
  sc_core::sc_in<bool> refb_in{"refb_in"}, wireb_in{"wireb_in"};
  std::vector<std::string> ref_log, wire_log;
  explicit Observer(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    SC_METHOD(on_ref);
    sensitive << ref_in;
    dont_initialize();
    SC_METHOD(on_wire);
    sensitive << wire_in;
    dont_initialize();
    SC_METHOD(on_refb_pos);
    sensitive << refb_in.pos();
    dont_initialize();
    SC_METHOD(on_wireb_pos);
    sensitive << wireb_in.pos();
    dont_initialize();
    SC_METHOD(on_refb_neg);
    sensitive << refb_in.neg();
    dont_initialize();
    SC_METHOD(on_wireb_neg);
    sensitive << wireb_in.neg();
    dont_initialize();
  }
  static std::string stamp() {
    return sc_core::sc_time_stamp().to_string() + "/" + std::to_string(sc_core::sc_delta_count());
  }
  void on_ref() {
    ref_log.push_back("v " + stamp() + " " + std::to_string(ref_in.read()) + " ev" + std::to_string(ref_in.event()));
  }
  void on_wire() {
    wire_log.push_back("v " + stamp() + " " + std::to_string(wire_in.read()) + " ev" + std::to_string(wire_in.event()));
  }
  void on_refb_pos() { ref_log.push_back("pos " + stamp() + " " + std::to_string(refb_in->posedge())); }
  void on_wireb_pos() { wire_log.push_back("pos " + stamp() + " " + std::to_string(wireb_in->posedge())); }
  void on_refb_neg() { ref_log.push_back("neg " + stamp() + " " + std::to_string(refb_in->negedge())); }
  void on_wireb_neg() { wire_log.push_back("neg " + stamp() + " " + std::to_string(wireb_in->negedge())); }
};

// A sampler on both clock edges: values and event() of both kinds every half cycle.
SC_MODULE(Sampler) {
  SC_HAS_PROCESS(Sampler);
  sc_core::sc_in<bool> clk{"clk"};
  const sc_core::sc_signal<uint32_t>* ref = nullptr;
  const Wire<uint32_t>* wire = nullptr;
  std::vector<std::string> ref_log, wire_log;
  explicit Sampler(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    SC_METHOD(sample);
    sensitive << clk;
    dont_initialize();
  }
  void sample() {
    ref_log.push_back(std::to_string(ref->read()) + " ev" + std::to_string(ref->event()));
    wire_log.push_back(std::to_string(wire->read()) + " ev" + std::to_string(wire->event()));
  }
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

// In the child: elaborate, run, compare. Exit 0 when the logs agree.
int run_design() {
  ::setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<uint32_t> ref("ref");
  Wire<uint32_t> wire("wire");
  sc_core::sc_signal<bool> refb("refb");
  Wire<bool> wireb("wireb");
  Writer writer("writer");
  writer.clk(clk);
  writer.ref_out(ref);
  writer.wire_out(wire);
  writer.refb = &refb;
  writer.wireb = &wireb;
  Observer obs("obs");
  obs.ref_in(ref);
  obs.wire_in(wire);
  obs.refb_in(refb);
  obs.wireb_in(wireb);
  Sampler smp("smp");
  smp.clk(clk);
  smp.ref = &ref;
  smp.wire = &wire;
  sc_core::sc_start();
  const std::string r = join(obs.ref_log) + "--\n" + join(smp.ref_log);
  const std::string w = join(obs.wire_log) + "--\n" + join(smp.wire_log);
  if (r != w || obs.ref_log.size() < 10) {
    std::fprintf(stderr, "sc_signal:\n%s\nmac::Wire:\n%s\n", r.c_str(), w.c_str());
    return 1;
  }
  // value_changed_event() and default_event() are the same event; kind() names the class.
  if (&wire.value_changed_event() != &wire.default_event() || std::string(wire.kind()) != "qmac::mac::Wire") return 1;
  return 0;
}

}  // namespace

TEST(Wire_Semantics, BehavesAsScSignalEventForEvent) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(run_design());
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the logs differ (printed above) or the run failed";
}
