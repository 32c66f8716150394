// The processing element of the systolic array (module qmac_pe) around the
// MAC's RTL, register for register as the pe engine's mac::Pe (see rtl.hpp),
// and a testbench of an R x C array of them.
#include <stdexcept>

#include "models/rtl/verilog.hpp"

namespace qmac::rtl {

using detail::str;
using detail::sub;

namespace {

std::string range(int bits) { return "[" + str(bits - 1) + ":0] "; }

// `name`_q: `name` delayed by `regs` clocks (the op's control bits moving with
// its product through the MAC's pipeline registers); regs == 0: a plain wire.
std::string delayed(const std::string& name, int regs) {
  if (regs == 0) return "  wire " + name + "_q = " + name + ";\n";
  if (regs == 1)
    return "  reg " + name + "_p;\n  initial " + name + "_p = 1'b0;\n  always @(posedge clk) " + name + "_p <= " + name +
           ";\n  wire " + name + "_q = " + name + "_p;\n";
  return "  reg " + range(regs) + name + "_p;\n  initial " + name + "_p = " + str(regs) + "'d0;\n" +
         "  always @(posedge clk) " + name + "_p <= {" + name + "_p[" + str(regs - 2) + ":0], " + name + "};\n" +
         "  wire " + name + "_q = " + name + "_p[" + str(regs - 1) + "];\n";
}

}  // namespace

PeDesign generate_pe(const num::MacSpec& spec, int stages, PeDataflow df, bool double_buffer) {
  const Design mac = generate_mac(spec, stages, MacPorts::pe);
  if (mac.latency != stages)
    throw RtlError("mac.accumulator.type",
                   "this MAC's RTL takes " + str(mac.latency) + " clocks from operands to accumulator (the paper's product "
                   "pipe register) while the pe engine's PE takes mac.pipeline_stages = " +
                       str(stages) + ": qmac builds no PE for it (the MAC alone: qmac_mac.v)");
  const bool os = df == PeDataflow::os;
  double_buffer = double_buffer && !os;  // as array.double_buffer: a shadow of WS/IS's stationary operand, no effect on OS
  PeDesign pe;
  pe.dataflow = df;
  pe.double_buffer = double_buffer;
  pe.acc_bits = mac.acc_bits;
  pe.latency = mac.latency;
  // WS: x carries A, the stationary y is B; IS: x carries B, y is A; OS: x A, y B.
  pe.x_bits = df == PeDataflow::is ? mac.b_bits : mac.a_bits;
  pe.y_bits = df == PeDataflow::is ? mac.a_bits : mac.b_bits;
  const std::string X = range(pe.x_bits), Y = range(pe.y_bits), C = range(pe.acc_bits);
  const int regs = mac.latency - 1;

  std::string mac_top = mac.top_text;
  const std::string from = "module qmac_mac (";
  const size_t at = mac_top.find(from);
  if (at == std::string::npos) throw std::logic_error("rtl: the MAC's top module text has no 'module qmac_mac ('");
  mac_top.replace(at, from.size(), "module qmac_pe_mac (");
  mac_top = "// qmac_pe_mac: the MAC with PE ports, acc <= en ? (add ? acc_in + a*b : acc_in) : acc\n// (the same datapath as qmac_mac, whose description follows).\n" + mac_top;

  std::string ports = "  input clk,\n  input  " + X + "x_in,\n  input  x_vin,\n";
  if (os) ports += "  input  x_first_in,\n";
  ports += "  input  " + Y + "y_in,\n";
  if (os) {
    ports += "  input  y_vin,\n";
  } else {
    ports += "  input  " + C + "psum_in,\n  input  load,\n";
    if (double_buffer) ports += "  input  swap,\n";
    ports += "  input  row_en,\n  input  col_en,\n";
  }
  ports += "  output reg " + X + "x_out,\n  output reg x_vout,\n";
  if (os) ports += "  output reg x_first_out,\n";
  ports += "  output reg " + Y + "y_out,\n";
  if (os) ports += "  output reg y_vout,\n";
  ports += "  output " + C + "psum_out,\n  output reg psum_vout\n";

  std::string body = "  initial begin\n    x_out = 0;\n    x_vout = 1'b0;\n    y_out = 0;\n    psum_vout = 1'b0;\n";
  if (os) body += "    x_first_out = 1'b0;\n    y_vout = 1'b0;\n";
  body += "  end\n";
  std::string regs_text = "    x_out <= x_in;\n    x_vout <= x_vin;\n";
  if (os) {
    body += "  wire valid = x_vin & y_vin;\n  wire first = x_first_in;\n" + delayed("valid", regs) +
            delayed("first", regs);
    body += "  qmac_pe_mac u_mac (.clk(clk), .en(valid_q), .add(1'b1), .acc_in(first_q ? " + str(pe.acc_bits) +
            "'d0 : psum_out), .a(x_in), .b(y_in), .acc(psum_out));\n";
    regs_text += "    x_first_out <= x_first_in;\n    y_out <= y_in;\n    y_vout <= y_vin;\n";
  } else {
    std::string s = "y_out";
    if (double_buffer) {
      // As mac::Pe: a swap copies the shadow into the active register and the
      // multiplier reads the new operand in the same cycle (a bypass mux).
      body += "  reg " + Y + "active;  // the stationary operand the multiplier reads; y_out is the shadow\n"
              "  initial active = 0;\n  wire " + Y + "stationary = swap ? y_out : active;\n";
      regs_text += "    if (swap) active <= y_out;\n";
      s = "stationary";
    }
    body += "  wire valid = x_vin & col_en;\n  wire mac = valid & row_en;\n" + delayed("valid", regs) +
            delayed("mac", regs);
    const std::string a = df == PeDataflow::ws ? "x_in" : s, b = df == PeDataflow::ws ? s : "x_in";
    body += "  qmac_pe_mac u_mac (.clk(clk), .en(valid_q), .add(mac_q), .acc_in(psum_in), .a(" + a + "), .b(" + b +
            "), .acc(psum_out));\n";
    regs_text += "    if (load) y_out <= y_in;\n";
  }
  regs_text += "    psum_vout <= valid_q;\n";
  body += "  always @(posedge clk) begin\n" + regs_text + "  end\n";

  const char* df_name = df == PeDataflow::ws ? "weight-stationary" : df == PeDataflow::os ? "output-stationary"
                                                                                          : "input-stationary";
  pe.file.name = "qmac_pe.v";
  pe.file.text = "// qmac reference RTL (Verilog-2005), generated by `qmac rtl`: the " + std::string(df_name) +
                 (double_buffer ? ", double-buffered" : "") +
                 " PE of a systolic array\n// around the MAC (qmac_pe_mac: qmac_mac with PE ports). Compile with "
                 "qmac_mac.v (its component modules).\n\n" +
                 mac_top + "\n// qmac_pe: operand forwarding registers, the stationary register (WS/IS), valid bits "
                 "and the MAC;\n// register for register the pe engine's mac::Pe (models/mac/mac_unit.hpp).\n"
                 "module qmac_pe (\n" + ports + ");\n" + body + "endmodule\n";
  return pe;
}

std::string pe_array_testbench(const PeDesign& pe, int rows, int cols, const std::string& stim, const std::string& vcd) {
  const bool os = pe.dataflow == PeDataflow::os;
  const std::string X = range(pe.x_bits), Y = range(pe.y_bits), C = range(pe.acc_bits);
  std::string decl = "  reg load = 1'b0, swap = 1'b0;\n", inst, read = "      n = n + $fscanf(fin, \"%h %h\", load, swap);\n",
              dump;
  for (int i = 0; i < rows; ++i) {
    decl += sub("  reg {X}xe_{I} = 0;\n  reg xv_{I} = 1'b0, xf_{I} = 1'b0, re_{I} = 1'b0;\n", {{"X", X}, {"I", str(i)}});
    read += sub("      n = n + $fscanf(fin, \" %h %h %h %h\", xe_{I}, xv_{I}, xf_{I}, re_{I});\n", {{"I", str(i)}});
  }
  for (int j = 0; j < cols; ++j) {
    decl += sub("  reg {Y}ye_{J} = 0;\n  reg yv_{J} = 1'b0, ce_{J} = 1'b0;\n", {{"Y", Y}, {"J", str(j)}});
    read += sub("      n = n + $fscanf(fin, \" %h %h %h\", ye_{J}, yv_{J}, ce_{J});\n", {{"J", str(j)}});
  }
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const std::string n = str(i) + "_" + str(j);
      decl += sub("  wire {X}x_{N};\n  wire xv_{N}, xf_{N};\n  wire {Y}y_{N};\n  wire yv_{N};\n  wire {C}pe_{N}_psum;\n"
                  "  wire pv_{N};\n",
                  {{"X", X}, {"Y", Y}, {"C", C}, {"N", n}});
      const std::string left = str(i) + "_" + str(j - 1), up = str(i - 1) + "_" + str(j);
      const std::string x_in = j == 0 ? "xe_" + str(i) : "x_" + left, xv_in = j == 0 ? "xv_" + str(i) : "xv_" + left,
                        xf_in = j == 0 ? "xf_" + str(i) : "xf_" + left;
      const std::string y_in = i == 0 ? "ye_" + str(j) : "y_" + up, yv_in = i == 0 ? "yv_" + str(j) : "yv_" + up;
      const std::string psum_in = i == 0 ? str(pe.acc_bits) + "'d0" : "pe_" + up + "_psum";
      std::string p = "  qmac_pe pe_" + n + " (.clk(clk), .x_in(" + x_in + "), .x_vin(" + xv_in + "), ";
      if (os) p += ".x_first_in(" + xf_in + "), .x_first_out(xf_" + n + "), .y_vin(" + yv_in + "), .y_vout(yv_" + n + "), ";
      else p += ".psum_in(" + psum_in + "), .load(load), " + std::string(pe.double_buffer ? ".swap(swap), " : "") +
                ".row_en(re_" + str(i) + "), .col_en(ce_" + str(j) + "), ";
      if (!os) decl += "  assign xf_" + n + " = 1'b0;\n  assign yv_" + n + " = 1'b0;\n";
      p += ".y_in(" + y_in + "), .x_out(x_" + n + "), .x_vout(xv_" + n + "), .y_out(y_" + n + "), .psum_out(pe_" + n +
           "_psum), .psum_vout(pv_" + n + "));\n";
      inst += p;
      // The multiplier's valid MAC (the pe engine traces it as pe_I_J.valid).
      decl += "  wire pe_" + n + "_mac = pe_" + n + ".valid" + (os ? "" : " & pe_" + n + ".mac") + ";\n";
      dump += "    $dumpvars(0, pe_" + n + "_psum);\n    $dumpvars(0, pe_" + n + "_mac);\n";
    }
  const int fields = 2 + 4 * rows + 3 * cols;
  return sub("// qmac_patb: a " + str(rows) + " x " + str(cols) + " systolic array of qmac_pe, fed at its edges from {STIM}.\n"
             "`timescale 1ns/100ps\n"
             "module qmac_patb;\n  reg clk = 1'b0;\n  integer fin, n;\n{DECL}{INST}"
             "  initial begin\n    $dumpfile(\"{VCD}\");\n{DUMP}"
             "    fin = $fopen(\"{STIM}\", \"r\");\n"
             "    if (fin == 0) begin $display(\"qmac_patb: cannot open {STIM}\"); $finish; end\n"
             "    n = {F};\n    #0.5;\n"
             "    while (n == {F}) begin\n      n = 0;\n{READ}"
             "      if (n == {F}) begin #0.5 clk = 1'b1; #0.5 clk = 1'b0; end\n"
             "    end\n    #1 $finish;\n  end\nendmodule\n",
             {{"STIM", stim}, {"VCD", vcd}, {"DECL", decl}, {"INST", inst}, {"DUMP", dump}, {"READ", read},
              {"F", str(fields)}});
}

}  // namespace qmac::rtl
