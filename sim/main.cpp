// qmac: entry point. Dispatches to the registered commands and turns errors into
// the exit codes of cli-contract.md: 0 ok, 1 runtime failure, 2 bad input.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include <boost/program_options/errors.hpp>

#include "models/numerics/errors.hpp"
#include "sim/cli.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

Registrar::Registrar(std::string name, std::string summary, CommandFn fn) {
  registry().push_back(Command{std::move(name), std::move(summary), std::move(fn)});
}

}  // namespace qmac::cli

namespace {

void usage(std::ostream& os) {
  auto commands = qmac::cli::registry();
  std::sort(commands.begin(), commands.end(), [](auto& a, auto& b) { return a.name < b.name; });
  os << "qmac — cycle-approximate INT/FP8 MAC-array simulator\n\nusage: qmac COMMAND [ARGS...]\n\ncommands:\n";
  for (const auto& c : commands) {
    os << "  " << c.name << std::string(c.name.size() < 10 ? 10 - c.name.size() : 1, ' ') << c.summary << "\n";
  }
  os << "\n`qmac COMMAND --help` describes a command. Exit codes: 0 ok, 1 runtime failure, 2 bad input.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // SystemC prints a banner on elaboration unless told not to.
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  // A file-size limit (ulimit -f) must fail a write with EFBIG, which qmac
  // reports (exit 1, the path named), not kill the process half-way.
  ::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return 0;
  }
  const auto& commands = qmac::cli::registry();
  auto it = std::find_if(commands.begin(), commands.end(), [&](auto& c) { return c.name == name; });
  if (it == commands.end()) {
    std::cerr << "qmac: unknown command '" << name << "'\n";
    usage(std::cerr);
    return 2;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    const int code = it->run(args);
    qmac::io::finish_stdout();  // output that never arrived is a failure, not a success
    return code;
  } catch (const qmac::InputError& e) {
    std::cerr << "qmac " << name << ": error: " << e.what() << "\n";
    return 2;
  } catch (const qmac::ModelError& e) {  // a format, MAC, array or distribution the models cannot build
    std::cerr << "qmac " << name << ": error: " << e.what() << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "qmac " << name << ": error: " << e.what() << " (see `qmac " << name << " --help`)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "qmac " << name << ": runtime failure: " << e.what() << "\n";
    return 1;
  }
}
