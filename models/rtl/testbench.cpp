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

}  // namespace qmac::rtl
