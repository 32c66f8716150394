// The co-simulation testbench of a generated MAC (see rtl.hpp).
#include "models/rtl/verilog.hpp"

namespace qmac::rtl {

using detail::str;
using detail::sub;

std::string testbench(const Design& d, const std::string& stim, const std::string& out, const std::string& vcd) {
  return sub(
      "// qmac_tb: drives qmac_mac from {STIM} (one clock per line: CMD A B ACC, hex;\n"
      "// CMD 1 loads ACC into the accumulator register before the edge) and writes\n"
      "// the accumulator after every edge to {OUT}.\n"
      "`timescale 1ns/100ps\n"
      "module qmac_tb;\n"
      "  reg clk = 1'b0;\n  reg [{A1}:0] a = 0;\n  reg [{B1}:0] b = 0;\n  reg [{C1}:0] inj;\n"
      "  reg [7:0] cmd;\n  wire [{C1}:0] acc;\n  integer fin, fout, n;\n"
      "  qmac_mac dut (.clk(clk), .a(a), .b(b), .acc(acc));\n"
      "  initial begin\n{VCD}"
      "    fin = $fopen(\"{STIM}\", \"r\");\n    fout = $fopen(\"{OUT}\", \"w\");\n"
      "    if (fin == 0 || fout == 0) begin $display(\"qmac_tb: cannot open the stimulus or output file\"); $finish; end\n"
      "    n = $fscanf(fin, \"%h %h %h %h\\n\", cmd, a, b, inj);\n"
      "    while (n == 4) begin\n"
      "      if (cmd == 8'd1) {REG} = inj;\n"
      "      #0.5 clk = 1'b1;\n      #0.5 clk = 1'b0;\n"
      "      $fwrite(fout, \"%h\\n\", acc);\n"
      "      n = $fscanf(fin, \"%h %h %h %h\\n\", cmd, a, b, inj);\n"
      "    end\n    $fclose(fout);\n    $finish;\n  end\nendmodule\n",
      {{"STIM", stim}, {"OUT", out}, {"A1", str(d.a_bits - 1)}, {"B1", str(d.b_bits - 1)},
       {"C1", str(d.acc_bits - 1)}, {"REG", d.acc_reg_path},
       {"VCD", vcd.empty() ? std::string("") : "    $dumpfile(\"" + vcd + "\");\n    $dumpvars(1, qmac_tb);\n"}});
}

std::string array_testbench(const Design& d, int rows, int cols, const std::string& stim, const std::string& vcd) {
  std::string decl, inst, read, dump;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const std::string n = str(i) + "_" + str(j);
      decl += sub("  reg v_{N} = 1'b0;\n  reg [{A1}:0] a_{N} = 0;\n  reg [{B1}:0] b_{N} = 0;\n  wire [{C1}:0] pe_{N}_acc;\n",
                  {{"N", n}, {"A1", str(d.a_bits - 1)}, {"B1", str(d.b_bits - 1)}, {"C1", str(d.acc_bits - 1)}});
      const std::string above = i == 0 ? str(d.acc_bits) + "'d0" : "pe_" + str(i - 1) + "_" + str(j) + "_acc";
      inst += "  qmac_mac pe_" + n + " (.clk(clk), .en(v_" + n + "), .add(1'b1), .acc_in(" + above + "), .a(a_" + n + "), .b(b_" +
              n + "), .acc(pe_" + n + "_acc));\n";
      read += "      n = n + $fscanf(fin, \"%h %h %h\", v_" + n + ", a_" + n + ", b_" + n + ");\n";
      dump += "    $dumpvars(0, pe_" + n + "_acc);\n";
    }
  return sub("// qmac_atb: " + str(rows) + " x " + str(cols) + " PE-mode MACs, partial sums down each column\n"
             "// (weight-stationary), operands and valid bits per PE and clock from {STIM}.\n"
             "`timescale 1ns/100ps\n"
             "module qmac_atb;\n  reg clk = 1'b0;\n  integer fin, n;\n{DECL}{INST}"
             "  initial begin\n    $dumpfile(\"{VCD}\");\n{DUMP}"
             "    fin = $fopen(\"{STIM}\", \"r\");\n"
             "    if (fin == 0) begin $display(\"qmac_atb: cannot open {STIM}\"); $finish; end\n"
             "    n = {PES3};\n    #0.5;\n"
             "    while (n == {PES3}) begin\n      n = 0;\n{READ}"
             "      if (n == {PES3}) begin #0.5 clk = 1'b1; #0.5 clk = 1'b0; end\n"
             "    end\n    #1 $finish;\n  end\nendmodule\n",
             {{"STIM", stim}, {"VCD", vcd}, {"DECL", decl}, {"INST", inst}, {"DUMP", dump}, {"READ", read},
              {"PES3", str(3 * rows * cols)}});
}

}  // namespace qmac::rtl
