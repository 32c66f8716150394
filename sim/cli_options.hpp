// Shared command-line helpers for sim/commands/*.cpp (Boost.Program_options).
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "models/numerics/format.hpp"
#include "sim/config/config.hpp"
#include "sim/errors.hpp"

namespace qmac::cli {

namespace po = boost::program_options;

// Parses args against desc (and positional, if given). Returns false when --help
// was asked for (after printing usage to stdout). Unknown or malformed options
// throw InputError naming the argument.
bool parse_args(const std::vector<std::string>& args, const po::options_description& desc, po::variables_map& vm,
                const std::string& usage_line, const po::positional_options_description* positional = nullptr);

// The config of run/cost/validate: the file named by the positional CONFIG
// (which, when given, must be a non-empty path to a file), else the built-in
// default, with the --set overrides applied.
config::Config load_config_argument(const po::variables_map& vm, const std::string& path,
                                    const std::vector<std::string>& sets);

// Strict numeric parsing for argument values: the whole string must be a number
// (strtod; integers decimal or 0x hex). Throws InputError naming `what`.
double parse_double(const std::string& text, const std::string& what);
long long parse_integer(const std::string& text, const std::string& what);

// Runs parse() (a parse_format, parse_overflow, ... call) and turns its
// model error (num::FormatError, DistributionError, ...) into an InputError
// naming the argument ("--format").
template <class Parse>
auto parse_arg(const std::string& option, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const ModelError& e) {
    throw InputError("argument " + option, e.what());
  }
}

}  // namespace qmac::cli
