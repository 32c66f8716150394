// The `qmac` command registry. Each command lives in sim/commands/<name>.cpp and
// registers itself with a static QMAC_COMMAND(...) object; the sources are linked
// straight into the executable (not through a static library, whose unreferenced
// objects the linker would drop).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace qmac::cli {

// A command gets its arguments (without the program and command names) and
// returns the process exit code: 0 ok, 1 runtime failure, 2 bad input. It may
// also throw qmac::InputError (-> 2) or any std::exception (-> 1).
using CommandFn = std::function<int(const std::vector<std::string>& args)>;

struct Command {
  std::string name;
  std::string summary;  // one line, for `qmac --help`
  CommandFn run;
};

std::vector<Command>& registry();

struct Registrar {
  Registrar(std::string name, std::string summary, CommandFn fn);
};

}  // namespace qmac::cli

#define QMAC_CONCAT_INNER(a, b) a##b
#define QMAC_CONCAT(a, b) QMAC_CONCAT_INNER(a, b)
#define QMAC_COMMAND(name, summary, fn) \
  static ::qmac::cli::Registrar QMAC_CONCAT(qmac_command_registrar_, __LINE__)(name, summary, fn)
