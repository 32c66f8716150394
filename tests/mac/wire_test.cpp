// mac::Wire and the views of a mac::WireBundle (the pe engine's channels,
// public SystemC API only) against sc_signal, side by side in one design: the
// same writes (changes, repeats, a change and its undo in one delta, writes
// through ports and without them) give the same values -- the old one until
// the update phase --, value-changed events in the same deltas, the same
// event(), posedge()/negedge() answers and edge events for bool, and the same
// VCD trace. The bundle's two views change in different cycles, so each view's
// events are its own. A bundle of several groups (the pe engine's row of PEs)
// is held to sc_signal the same way with two writer processes on its groups,
// one a delta after the other (each delta's writes in their own update phase)
// and in the same update phase when both wrote in one delta. SystemC
// elaborates one design per process, so the design runs in a forked child.
#include <sys/wait.h>
#include "test_tmpdir.hpp"
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
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
  int shift = 0;  // where in the value sequence this writer starts
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
    const int n = int(sizeof seq / sizeof seq[0]);
    const int c = cycle++;
    if (c >= n) {
      sc_core::sc_stop();
      return;
    }
    if (c == 4 || c == 6) {  // two writes in a delta: c = 4 writes the old value back, c = 6 a third one
      ref_out.write(100);
      wire_out.write(100);
    }
    ref_out.write(seq[(c + shift) % n]);
    wire_out.write(seq[(c + shift) % n]);
    const bool b = ((c + shift) % 3) != 1;
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

// Copies its input one delta later (a second writer's clock: its writes come
// a delta after the first writer's).
SC_MODULE(DeltaDelay) {
  SC_HAS_PROCESS(DeltaDelay);
  sc_core::sc_in<bool> in{"in"};
  sc_core::sc_out<bool> out{"out"};
  explicit DeltaDelay(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    SC_METHOD(copy);
    sensitive << in;
    dont_initialize();
  }
  void copy() { out.write(in.read()); }
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}
// An observer's log in a canonical order: every line carries its time and
// delta, and the order in which processes made runnable in one delta run is
// not defined (IEEE 1666-2011 4.2.1.2) -- a bundle notifies its views' events
// in slot order, sc_signals in update-list order.
std::string join_sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return join(v);
}

// The channels under test: a Wire per signal, one WireBundle whose views
// carry both, or one WireBundle of three groups whose views carry both
// writers' signals (writer 1: group 1's uint32, group 2's bool; writer 2,
// a delta later: group 0's).
enum class Channel { wire, bundle, groups };

// In the child: elaborate, run, compare. Exit 0 when the logs and the traces agree.
int run_design(Channel kind) {
  ::setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<uint32_t> ref("ref");
  sc_core::sc_signal<bool> refb("refb");
  Wire<uint32_t> wire("wire");
  Wire<bool> wireb("wireb");
  const bool g = kind == Channel::groups;
  const bool b = kind == Channel::bundle || g;
  WireBundle<bool, uint32_t> bundle("bundle", g ? 3 : 1);
  using U32 = sc_core::sc_signal_inout_if<uint32_t>;
  using Bool = sc_core::sc_signal_inout_if<bool>;
  U32& dut = b ? static_cast<U32&>(bundle.view<1>(g ? 1 : 0)) : wire;
  Bool& dutb = b ? static_cast<Bool&>(bundle.view<0>(g ? 2 : 0)) : wireb;
  const WireBundle<bool, uint32_t>::Group gb = bundle.group(g ? 2 : 0);
  Writer writer("writer");
  writer.clk(clk);
  writer.ref_out(ref);
  writer.wire_out(dut);
  writer.refb = &refb;
  // Without the virtual call, as the pe engine writes (drive / set<I>, and
  // set_changed<I> in place for a value that differs from the pending one).
  if (b)
    writer.write_wireb = [gb](bool v) {
      if (v != gb.pending<0>())
        gb.set_changed<0>([v](bool& next) { next = v; });
      else
        gb.set<0>(v);
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
  const std::string vcd = std::string(QMAC_TEST_TMPDIR) + (g ? "/groups" : b ? "/bundle" : "/wire");
  sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(vcd.c_str());
  sc_core::sc_trace(tf, ref, "ref");
  sc_core::sc_trace(tf, refb, "refb");
  sc_core::sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<uint32_t>&>(dut), "dut");
  sc_core::sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<bool>&>(dutb), "dutb");
  // Groups: the second writer on group 0, its own references, observers and traces.
  sc_core::sc_signal<bool> clk2("clk2");
  sc_core::sc_signal<uint32_t> ref2("ref2");
  sc_core::sc_signal<bool> refb2("refb2");
  std::unique_ptr<DeltaDelay> delay;
  std::unique_ptr<Writer> writer2;
  std::unique_ptr<Observer> obs2;
  std::unique_ptr<Sampler> smp2;
  if (g) {
    delay = std::make_unique<DeltaDelay>("delay");
    delay->in(clk);
    delay->out(clk2);
    writer2 = std::make_unique<Writer>("writer2");
    writer2->clk(clk2);
    writer2->shift = 3;
    writer2->ref_out(ref2);
    writer2->wire_out(bundle.view<1>(0));
    writer2->refb = &refb2;
    const WireBundle<bool, uint32_t>::Group g0 = bundle.group(0);
    writer2->write_wireb = [g0](bool v) { g0.set<0>(v); };
    obs2 = std::make_unique<Observer>("obs2");
    obs2->ref_in(ref2);
    obs2->wire_in(bundle.view<1>(0));
    obs2->refb_in(refb2);
    obs2->wireb_in(bundle.view<0>(0));
    smp2 = std::make_unique<Sampler>("smp2");
    smp2->clk(clk);
    smp2->ref = &ref2;
    smp2->wire = &bundle.view<1>(0);
    sc_core::sc_trace(tf, ref2, "ref2");
    sc_core::sc_trace(tf, refb2, "refb2");
    sc_core::sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<uint32_t>&>(bundle.view<1>(0)), "dut2");
    sc_core::sc_trace(tf, static_cast<const sc_core::sc_signal_in_if<bool>&>(bundle.view<0>(0)), "dutb2");
  }
  sc_core::sc_start();
  sc_core::sc_close_vcd_trace_file(tf);
  std::string r = join_sorted(obs.ref_log) + "--\n" + join(smp.ref_log) + "--\n" + join(writer.ref_log);
  std::string w = join_sorted(obs.wire_log) + "--\n" + join(smp.wire_log) + "--\n" + join(writer.wire_log);
  if (g) {
    if (obs2->ref_log.size() < 10 || writer2->ref_log.size() < 10) return 1;
    r += "== writer 2\n" + join_sorted(obs2->ref_log) + "--\n" + join(smp2->ref_log) + "--\n" + join(writer2->ref_log);
    w += "== writer 2\n" + join_sorted(obs2->wire_log) + "--\n" + join(smp2->wire_log) + "--\n" + join(writer2->wire_log);
  }
  if (r != w || obs.ref_log.size() < 10) {
    std::fprintf(stderr, "sc_signal:\n%s\nunder test:\n%s\n", r.c_str(), w.c_str());
    return 1;
  }
  // The same value changes in the VCD (at least the ten written values and the bool's toggles).
  const qmac::test::Vcd v = qmac::test::read_vcd(vcd + ".vcd", false);
  if (!v.has("ref") || !v.has("dut") || v.changes.at("ref") != v.changes.at("dut") || v.changes.at("ref").size() < 6 ||
      v.changes.at("refb") != v.changes.at("dutb") || v.changes.at("refb").size() < 6 ||
      (g && (!v.has("dut2") || v.changes.at("ref2") != v.changes.at("dut2") || v.changes.at("ref2").size() < 6 ||
             v.changes.at("refb2") != v.changes.at("dutb2") || v.changes.at("refb2").size() < 6))) {
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

// A bundle of several groups (the pe engine's row of PEs: one channel, one
// update() for all): each group's views behave as their own sc_signals, with
// two writers on different groups in the same and in different deltas.
TEST(WireBundle_Semantics, GroupsOfOneChannelBehaveAsScSignalsWithSeveralWriters) {
  EXPECT_EQ(in_child(Channel::groups), 0) << "the logs differ (printed above) or the run failed";
}
