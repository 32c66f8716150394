// Fuzz target: a sweep file, parsed and (for its first points) validated the
// way `qmac sweep` does before running anything.
#include <algorithm>

#include "fuzz_common.hpp"
#include "sim/sweep/sweep_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const qmac::fuzz::MemFile file(data, size);
  qmac::fuzz::expect_clean([&] {
    const qmac::sweep::SweepFile sw = qmac::sweep::load_sweep_file(file.path());
    std::vector<const qmac::sweep::Point*> first;
    for (size_t i = 0; i < std::min<size_t>(sw.points.size(), 4); ++i) first.push_back(&sw.points[i]);
    qmac::sweep::validate_points(sw, first);
    qmac::sweep::fingerprint(sw);
  });
  return 0;
}
