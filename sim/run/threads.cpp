#include "sim/run/threads.hpp"

#include <cerrno>
#include <cstdlib>

#include "models/numerics/parallel.hpp"
#include "sim/errors.hpp"

namespace qmac::run {

namespace {

int parse(const std::string& text, const std::string& where) {
  char* end = nullptr;
  errno = 0;
  const long long v = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || v < 1 || v > kMaxThreads)
    throw InputError(where, "expected an integer in 1.." + std::to_string(kMaxThreads) + ", got '" + text + "'");
  return int(v);
}

}  // namespace

int resolve_threads(const std::string* cli) {
  if (cli) return parse(*cli, "argument --threads");
  if (const char* env = std::getenv("QMAC_THREADS")) return parse(env, "environment variable QMAC_THREADS");
  return par::hardware_threads();
}

}  // namespace qmac::run
