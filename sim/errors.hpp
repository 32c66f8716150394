// User-facing errors. Everything a user can get wrong (a YAML key, a value, a
// command-line argument) is thrown as InputError with where it happened and what
// was expected; main() catches it once and exits with code 2 (cli-contract.md).
// Runtime failures (I/O, a simulation that cannot proceed) are RuntimeError: exit 1.
#pragma once

#include <stdexcept>
#include <string>

namespace qmac {

class InputError : public std::runtime_error {
 public:
  // `where` is "file:line:column", "--set key", "argument --format", ... (may be empty).
  InputError(std::string where, const std::string& what)
      : std::runtime_error(where.empty() ? what : where + ": " + what), where_(std::move(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace qmac
