// Fuzz target: a network topology through both readers (SCALE-Sim's CSVs and
// qmac's YAML form), then every layer's lowering and, for convolutions, the
// im2col of a small ifmap -- bad input must end in InputError, never a crash,
// an overflow or an unbounded allocation (the readers check sizes first).
#include "fuzz_common.hpp"
#include "sim/workload/topology.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (int yaml = 0; yaml < 2; ++yaml)
    qmac::fuzz::expect_clean([&] {
      const qmac::workload::Topology t = yaml ? qmac::workload::parse_topology_yaml(text, "fuzz.yaml", ".")
                                              : qmac::workload::parse_scalesim_csv(text, "fuzz.csv");
      for (const auto& L : t.layers) {
        if (L.m < 1 || L.k < 1 || L.n < 1 || L.groups < 1) std::abort();
        if (!L.conv) continue;
        const qmac::workload::ConvGemm g = qmac::workload::lower_conv(*L.conv);
        if (g.m != L.m || g.k != L.k || g.n != L.n) std::abort();
        // Small layers only: the data path allocates what the limits allow.
        if ((long long)L.conv->ifmap_h * L.conv->ifmap_w * L.conv->channels <= 4096 &&
            (long long)g.m * g.k * L.groups <= 65536) {
          qmac::workload::Tensor ifmap{L.conv->ifmap_h * L.conv->ifmap_w, L.conv->channels, {}};
          ifmap.values.assign(size_t(ifmap.rows) * size_t(ifmap.cols), 1.0);
          const qmac::workload::Tensor a = qmac::workload::im2col(ifmap, *L.conv, g);
          if (a.rows != g.m || a.cols != g.k * L.groups) std::abort();
        }
      }
    });
  return 0;
}
