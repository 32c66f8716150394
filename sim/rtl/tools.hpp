// Driving the external hardware tools (Icarus Verilog, Yosys) from qmac.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "models/rtl/rtl.hpp"

namespace qmac::rtl {

// Path of `program` on PATH; throws RuntimeError naming the Debian package
// (`package`) when it is missing.
std::string require_tool(const std::string& program, const std::string& package);

// Runs `argv` (no shell) in `dir` with stdout+stderr to `log`; returns the exit
// status (128 + signal when killed).
int run_tool(const std::vector<std::string>& argv, const std::string& dir, const std::string& log);

// Compiles `sources` (in `dir`) with Icarus Verilog (-g2005, top module `top`)
// and runs the result with vvp and `plusargs`; logs iverilog<SUFFIX>.log and
// vvp<SUFFIX>.log in `dir` (SUFFIX: "_" + `tag`, or nothing for an empty tag).
// Throws RuntimeError with the failing tool's log, naming `what` was simulated.
void simulate_icarus(const std::string& dir, const std::string& top, const std::vector<std::string>& sources,
                     const std::string& what, const std::string& tag = "",
                     const std::vector<std::string>& plusargs = {});

// Writes the design's files into `dir` (which must exist), returns their paths.
std::vector<std::string> write_design(const Design& d, const std::string& dir);

// A fresh private folder under $TMPDIR (or /tmp), removed by the destructor --
// unless kept, or destroyed while an exception unwinds the stack: the errors
// thrown inside it name its logs ("see DIR/yosys.log"), which must then exist.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
  int exceptions_ = std::uncaught_exceptions();  // in flight at construction
};

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

}  // namespace qmac::rtl
