// The plain C++ reference GEMM: same numerics core, same accumulation order as
// the array, written from the definition (not from the engines' schedule):
//   OS:    C[m][n] = buffer(0 + dot_{k=0..K-1})                  (whole K inside one PE)
//   WS/IS: C[m][n] = buffer(... (0 + dot_{k in tile 0}) + dot_{k in tile 1} ...)  (tiles of R rows)
// where each dot accumulates in the MAC's accumulator, k ascending, from zero.
#include "models/array/array.hpp"
#include "models/array/plan.hpp"

namespace qmac::array {

RunResult reference_gemm(const num::MacSpec& spec, const num::AccumulatorSpec& out_buffer, int P,
                         const ArrayOptions& o, const Gemm& g) {
  validate_run(spec, out_buffer, P, o, g);
  const num::Mac mac(spec);
  RunResult r;
  OutputBuffer buf(mac.accumulator(), out_buffer, size_t(g.m) * size_t(g.n));
  num::Activity ignored;
  const int tile = o.dataflow == Dataflow::os ? g.k : o.rows;
  for (int m = 0; m < g.m; ++m)
    for (int n = 0; n < g.n; ++n)
      for (int k0 = 0; k0 < g.k; k0 += tile) {
        const int kn = std::min(tile, g.k - k0);
        num::AccValue v{};
        mac.dot(v, &g.a[size_t(m) * g.k + k0], 1, &g.b[size_t(k0) * g.n + n], size_t(g.n), size_t(kn), r.stats);
        buf.add(size_t(m) * g.n + n, v, r.stats, ignored);
      }
  r.c = std::move(buf.words());
  r.folds = fold_count(o, g.m, g.k, g.n);
  return r;
}

}  // namespace qmac::array
