// Fuzz target: a sweep's results files as --resume recovers them: the CSV
// (header, rows, their points and swept values) and the JSON lines beside it.
#include <map>
#include <vector>

#include "fuzz_common.hpp"
#include "sim/sweep/results_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first half is the CSV, the second the JSON lines.
  const size_t half = size / 2;
  const qmac::fuzz::MemFile csv(data, half), jsonl(data + half, size - half);
  const std::map<size_t, std::vector<std::string>> expected{{0, {"1"}}, {1, {"2"}}, {2, {"3"}}};
  qmac::fuzz::expect_clean([&] {
    const auto done = qmac::sweep::recover_csv(csv.path(), "point,x,cycles,status\n", expected);
    qmac::sweep::recover_jsonl(jsonl.path(), done);
  });
  return 0;
}
