#include "sim/run/profile.hpp"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace qmac::run {

void Profile::start(std::string phase) {
  stop();
  running_ = std::move(phase);
  since_ = std::chrono::steady_clock::now();
}

void Profile::stop() {
  if (running_.empty()) return;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - since_).count();
  bool merged = false;
  for (auto& [name, t] : phases_)
    if (name == running_) t += s, merged = true;
  if (!merged) phases_.emplace_back(running_, s);
  running_.clear();
}

std::string Profile::text() const {
  std::string out = "profile:";
  double total = 0;
  for (const auto& [name, t] : phases_) {
    out += fmt::format(" {} {:.3f} s,", name, t);
    total += t;
  }
  out += fmt::format(" (total {:.3f} s)", total);
  return out;
}

bool profile_requested() {
  const char* v = std::getenv("QMAC_PROFILE");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

}  // namespace qmac::run
