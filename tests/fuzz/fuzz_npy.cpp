// Fuzz target: a .npy file, read as a workload tensor of 3 x 4 (and checked
// header-only, as `qmac validate` does).
#include "fuzz_common.hpp"
#include "sim/workload/tensor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const qmac::fuzz::MemFile file(data, size);
  qmac::fuzz::expect_clean([&] { qmac::workload::check_npy(file.path(), 3, 4); });
  qmac::fuzz::expect_clean([&] {
    const qmac::workload::Tensor t = qmac::workload::load_npy(file.path(), 3, 4);
    if (t.values.size() != 12) std::abort();
  });
  return 0;
}
