// mac::Wire and the views of a mac::WireBundle (the pe engine's channels,
// public SystemC API only) against sc_signal, side by side in one design: the
// same writes (changes, repeats, a change and its undo in one delta, writes
// through ports and without them) give the same values -- the old one until
// the update phase --, value-changed events in the same deltas, the same
// event(), posedge()/negedge() answers and edge events for bool, and the same
// VCD trace. The bundle's two views change in different cycles, so each view's
// events are its own. SystemC elaborates one design per process, so the
// design runs in a forked child.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <systemc>
#include <vector>

#include "models/mac/mac_unit.hpp"
#include "models/mac/wire_bundle.hpp"
#include "vcd_reader.hpp"

namespace {

using qmac::mac::Wire;
using qmac::mac::WireBundle;

SC_MODULE(Writer) {
  SC_HAS_PROCESS(Writer);
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_out<uint32_t> ref_out{"ref_out"}, wire_out{"wire_out"};
  sc_core::sc_signal<bool>* refb = nullptr;
  std::function<void(bool)> write_wireb;  // the bool under test (not through a port)
  int cycle = 0;
  // What a read right after the writes returns: the value before them.
  std::vector<std::string> ref_log, wire_log;
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
    if (c == 4 || c == 6) {  // two writes in a delta: c = 4 writes the old value back, c = 6 a third one
      ref_out.write(100);
      wire_out.write(100);
    }
    ref_out.write(seq[c]);
    wire_out.write(seq[c]);
    const bool b = (c % 3) != 1;
    refb->write(b);
    write_wireb(b);
    ref_log.push_back(std::to_string(ref_out.read()));
    wire_log.push_back(std::to_string(wire_out.read()));
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
  const sc_core::sc_signal_in_if<uint32_t>* wire = nullptr;
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

// The channels under test: a Wire per signal, or one WireBundle whose views
// carry both.
enum class Channel { wire, bundle };

// In the child: elaborate, run, compare. Exit 0 when the logs and the traces agree.
int run_design(Channel kind) {
  ::setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<uint32_t> ref("ref");
  sc_core::sc_signal<bool> refb("refb");
  Wire<uint32_t> wire("wire");
  Wire<bool> wireb("wireb");
  WireBundle<bool, uint32_t> bundle("bundle");
  const bool b = kind == Channel::bundle;
  sc_core::sc_signal_inout_if<uint32_t>& dut = b ? static_cast<sc_core::sc_signal_inout_if<uint32_t>&>(bundle.view<1>()) : wire;
  sc_core::sc_signal_inout_if<bool>& dutb = b ? static_cast<sc_core::sc_signal_inout_if<bool>&>(bundle.view<0>()) : wireb;
  Writer writer("writer");
  writer.clk(clk);
  writer.ref_out(ref);
  writer.wire_out(dut);
  writer.refb = &refb;
  // Without the virtual call, as the pe engine writes (drive / set<I>, and
  // set_changed<I> in place for a value that differs from the pending one).
  if (b)
    writer.write_wireb = [&bundle](bool v) {
      if (v != bundle.pending<0>())
        bundle.set_changed<0>([v](bool& next) { next = v; });
      else
        bundle.set<0>(v);
    };
  else
    writer.write_wireb = [&wireb](bool v) { qmac::mac::drive(wireb, v); };
  Observer obs("obs");
  obs.ref_in(ref);
  obs.wire_in(dut);
  obs.refb_in(refb);
  obs.wireb_in(dutb);
  Sampler smp("smp");
  smp.clk(clk);
  smp.ref = &ref;
  smp.wire = &dut;
  std::filesystem::create_directories(QMAC_TEST_TMPDIR);
  const std::string vcd = std::string(QMAC_TEST_TMPDIR) + (b ? "/bundle" : "/wire");
  sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(vcd.c_str());
  sc_core::sc_trace(tf, ref, "ref");
  sc_core::sc_trace(tf, refb, "refb");
  sc_core::sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<uint32_t>&>(dut), "dut");
  sc_core::sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<bool>&>(dutb), "dutb");
  sc_core::sc_start();
  sc_core::sc_close_vcd_trace_file(tf);
  const std::string r = join(obs.ref_log) + "--\n" + join(smp.ref_log) + "--\n" + join(writer.ref_log);
  const std::string w = join(obs.wire_log) + "--\n" + join(smp.wire_log) + "--\n" + join(writer.wire_log);
  if (r != w || obs.ref_log.size() < 10) {
    std::fprintf(stderr, "sc_signal:\n%s\nunder test:\n%s\n", r.c_str(), w.c_str());
    return 1;
  }
  // The same value changes in the VCD (at least the ten written values and the bool's toggles).
  const qmac::test::Vcd v = qmac::test::read_vcd(vcd + ".vcd", false);
  if (!v.has("ref") || !v.has("dut") || v.changes.at("ref") != v.changes.at("dut") || v.changes.at("ref").size() < 6 ||
      v.changes.at("refb") != v.changes.at("dutb") || v.changes.at("refb").size() < 6) {
    std::fprintf(stderr, "the VCD traces differ (%s.vcd)\n", vcd.c_str());
    return 1;
  }
  // value_changed_event() and default_event() are the same event; kind() names the class.
  if (&dut.value_changed_event() != &dut.default_event() || &dutb.value_changed_event() != &dutb.default_event())
    return 1;
  if (std::string(b ? bundle.kind() : wire.kind()) != (b ? "qmac::mac::WireBundle" : "qmac::mac::Wire")) return 1;
  return 0;
}

int in_child(Channel kind) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) _exit(run_design(kind));
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace

TEST(Wire_Semantics, BehavesAsScSignalEventForEvent) {
  EXPECT_EQ(in_child(Channel::wire), 0) << "the logs differ (printed above) or the run failed";
}

// Each view of a bundle behaves as its own sc_signal, although one update()
// serves them all.
TEST(WireBundle_Semantics, EachViewBehavesAsScSignalEventForEvent) {
  EXPECT_EQ(in_child(Channel::bundle), 0) << "the logs differ (printed above) or the run failed";
}
