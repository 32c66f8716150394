#include "sim/cli_options.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "sim/errors.hpp"

namespace qmac::cli {

namespace {

// "-1.5", "-inf", "-nan", "-0x10" are values, not options: Boost would read them
// as short options. This style parser runs before Boost's own and passes such a
// token on as a positional value.
std::vector<po::option> negative_numbers_are_values(std::vector<std::string>& args) {
  const std::string& tok = args.front();
  if (tok.size() < 2 || tok[0] != '-' || tok[1] == '-') return {};
  char* end = nullptr;
  std::strtod(tok.c_str(), &end);
  if (end != tok.c_str() + tok.size()) return {};
  po::option opt;
  opt.value.push_back(tok);
  opt.original_tokens.push_back(tok);
  args.erase(args.begin());
  return {opt};
}

}  // namespace

bool parse_args(const std::vector<std::string>& args, const po::options_description& desc, po::variables_map& vm,
                const std::string& usage_line, const po::positional_options_description* positional) {
  po::options_description all = desc;
  all.add_options()("help,h", "show this help");
  try {
    po::command_line_parser parser(args);
    parser.options(all).style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing);
    // A command without positional arguments takes none: a stray word is an
    // error ("too many positional options"), not silently ignored.
    const po::positional_options_description none;
    parser.positional(positional ? *positional : none);
    if (positional) parser.extra_style_parser(negative_numbers_are_values);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage_line << "\n\n" << all << "\n";
      return false;
    }
    po::notify(vm);
    // An empty value is never meaningful ('' as a config, an output, a
    // format): an error naming the argument, not a silent default.
    for (const auto& [name, value] : vm) {
      const auto* text = boost::any_cast<std::string>(&value.value());
      if (!text || !text->empty()) continue;
      const po::option_description* d = all.find_nothrow(name, false);
      if (d && d->semantic()->max_tokens() == 0) continue;  // a switch (--list, --resume) has no value
      bool is_positional = false;
      if (positional)
        for (unsigned i = 0; i < positional->max_total_count() && i < 16; ++i)
          is_positional |= positional->name_for_position(i) == name;
      std::string shown = name;
      if (is_positional)
        for (char& c : shown) c = char(std::toupper(static_cast<unsigned char>(c)));
      throw InputError("argument " + (is_positional ? shown : "--" + name), "is empty; expected a value");
    }
  } catch (const po::error& e) {
    throw InputError("arguments", std::string(e.what()) + "\nusage: " + usage_line);
  }
  return true;
}

config::Config load_config_argument(const po::variables_map& vm, const std::string& path,
                                    const std::vector<std::string>& sets) {
  if (!vm.count("config")) return config::load_default(sets);
  if (path.empty()) throw InputError("argument CONFIG", "is an empty path; expected a config file (or none for the default)");
  return config::load(path, sets);
}

double parse_double(const std::string& text, const std::string& what) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    throw InputError(what, "'" + text + "' is not a number");
  return v;
}

long long parse_integer(const std::string& text, const std::string& what) {
  // Decimal, or hex with 0x (never octal: "010" is ten).
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, hex ? 16 : 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
    throw InputError(what, "'" + text + "' is not an integer");
  return v;
}

}  // namespace qmac::cli
