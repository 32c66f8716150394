// The arguments of `qmac qerror`, parsed and checked in one place: by the
// command itself, and by `qmac sweep` for every point of a qerror sweep
// before the first one runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/numerics/distribution.hpp"
#include "models/numerics/format.hpp"
#include "models/numerics/qerror.hpp"

namespace qmac::qerror {

// The largest --samples: 10^8 samples are 800 MB of doubles.
inline constexpr long long kMaxSamples = 100000000;

struct Request {
  num::Format format;
  num::Distribution dist;
  std::string method = "integrate";  // integrate | sample
  std::string scale_name = "best";   // best | max
  num::ScaleRule rule = num::ScaleRule::best;
  uint64_t samples = 1000000, seed = 0;
  std::string json_path;             // empty: text on stdout; "-": JSON on stdout
};

// Parses `args` (without "qmac qerror"). Returns false when --help was asked
// for (usage printed). InputError naming the argument for anything wrong,
// including requests the model would refuse (--method integrate of a format
// wider than 16 bits, --scale max of an unbounded distribution).
bool parse_request(const std::vector<std::string>& args, Request& out);

}  // namespace qmac::qerror
