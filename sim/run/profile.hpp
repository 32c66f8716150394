// Where the time of a run goes: wall-clock seconds per phase (generation,
// quantisation, simulation, reference, cost), printed to stderr when the
// environment variable QMAC_PROFILE is set (README "Performance" shows a
// profile made this way). Measuring costs two clock reads per phase.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace qmac::run {

class Profile {
 public:
  // Starts timing `phase` (and ends the phase before it, if one is running).
  void start(std::string phase);
  // Ends the running phase.
  void stop();
  const std::vector<std::pair<std::string, double>>& phases() const { return phases_; }
  // "profile: generate 0.012 s, quantize ... (total 0.5 s)".
  std::string text() const;

 private:
  std::vector<std::pair<std::string, double>> phases_;
  std::string running_;
  std::chrono::steady_clock::time_point since_{};
};

// True when QMAC_PROFILE is set to anything but "" or "0".
bool profile_requested();

}  // namespace qmac::run
