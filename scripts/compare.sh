#!/usr/bin/env bash
# The main job: INT8 versus the FP8 formats, end to end, in one command.
#   1. quantisation error of each 8-bit format on uniform, normal and Student-t
#      data at its MSE-best scale (the paper's Fig. 5), as a qerror sweep;
#   2. the same GEMM simulated bit-exactly on a 32x32 systolic array for each
#      precision (INT8/INT32, INT8/Kulisch, FP8-E4M3 with FP16/FP32/Kulisch
#      accumulators, E5M2, E3M4, W8A16) on normal, heavy-tailed and
#      outlier-channel activations: accuracy, cycles, overflow events, cost;
#   3. the paper's Fig. 3: gates per MAC, INT8 vs FP8 x fixed/FP16/FP32
#      accumulators, from the cost model;
#   4. pictures (scripts/plot.py): Fig. 5, Fig. 3, area/energy/accuracy against
#      the accumulator's width per format, and the area-vs-accuracy Pareto front.
# Results go to results/<timestamp>/ (a new folder per run: nothing is
# overwritten). `scripts/compare.sh --docs` also copies the pictures to docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
qmac=${QMAC:-build/bin/qmac}
py=/usr/bin/python3   # Debian's python, with python3-matplotlib / python3-numpy
[ -x "$qmac" ] || { echo "compare: $qmac not found; run scripts/setup.sh first" >&2; exit 1; }
export SC_COPYRIGHT_MESSAGE=DISABLE
out=${QMAC_RESULTS:-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
start=$(date +%s)

echo "== 1. Bits of accuracy, log2(sigma / RMSE), at each format's MSE-best scale (paper Fig. 5)"
"$qmac" sweep configs/paper/fig5.yaml -o "$out/fig5.csv" 2>/dev/null || true
"$py" - "$out/fig5.csv" <<'EOF'
import csv, sys
# van Baalen et al., arXiv 2303.17951, Fig. 5 (chart readings, +-0.1 bit)
paper = {"uniform": [8.0, 7.3, 6.4, 5.4, 4.4], "normal": [6.7, 7.1, 6.2, 5.2, 4.2],
         "student_t:3": [2.9, 3.2, 4.15, 5.1, 4.2]}
fmts = ["int8", "fp8_e2m5", "e3m4_fnuz", "e4m3_fnuz", "e5m2_fnuz"]
rows = {(r["dist"], r["format"]): r for r in csv.DictReader(open(sys.argv[1]))}
print(f"{'distribution':<13}" + "".join(f"{f:>16}" for f in ["INT8", "FP8-E2", "FP8-E3", "FP8-E4", "FP8-E5"]))
for d, ref in paper.items():
    cells = []
    for f, p in zip(fmts, ref):
        r = rows.get((d, f))
        cells.append(f"{float(r['bits_of_accuracy']):.2f} ({p:.1f})" if r and r["status"] == "ok" else "failed")
    print(f"{d:<13}" + "".join(f"{c:>16}" for c in cells))
print("qmac (paper)")
EOF

echo
echo "== 2. One GEMM (64x512x64) on a 32x32 weight-stationary array, per precision and activation data"
status=0
"$qmac" sweep configs/sweeps/int8_vs_fp8.yaml -o "$out/int8_vs_fp8.csv" 2>/dev/null || status=$?
"$py" - "$out/int8_vs_fp8.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def precision(r):
    acc = r["mac.accumulator.format"] or (r["mac.accumulator.type"] + (r["mac.accumulator.width"] or ""))
    return f"{r['mac.a']} x {r['mac.b']} -> {acc}"
dists = []
for r in rows:
    if r["workload.a.distribution"] not in dists:
        dists.append(r["workload.a.distribution"])
precs = []
for r in rows:
    if precision(r) not in precs:
        precs.append(precision(r))
cell = {(precision(r), r["workload.a.distribution"]): r for r in rows}
def fmt(r):
    if r is None or r["status"] != "ok":
        return "failed"
    # An empty SQNR is JSON's null: -inf when outputs overflowed to inf/NaN.
    s = f"{float(r['accuracy.sqnr_db']):.1f}" if r["accuracy.sqnr_db"] != "" else "-inf"
    if r["accuracy.overflows"] not in ("", "0"):
        s += f" ({r['accuracy.overflows']} ovf)"
    return s
have_cost = any(r.get("cost.mac_gates") for r in rows)
print("SQNR vs FP64 in dB (activations: normal / Student-t nu=3 / 1% outlier channels x30)" +
      ("; MAC gates; pJ per MAC" if have_cost else ""))
print(f"{'precision':<34}" + "".join(f"{d:>14}" for d in dists) + (f"{'MAC gates':>11}{'pJ/MAC':>9}" if have_cost else ""))
for p in precs:
    line = f"{p:<34}" + "".join(f"{fmt(cell.get((p, d))):>14}" for d in dists)
    if have_cost:
        r = cell.get((p, dists[0]))
        if r and r["status"] == "ok":
            line += f"{float(r['cost.mac_gates']):>11.0f}{float(r['cost.pj_per_mac']):>9.3f}"
    print(line)
EOF

echo
echo "== 3. Gates per MAC (paper library), qmac vs the paper's Fig. 3"
"$qmac" sweep configs/paper/fig3.yaml -o "$out/fig3.csv" 2>/dev/null || status=1
"$py" - "$out/fig3.csv" <<'EOF'
import csv, sys
# van Baalen et al., arXiv 2303.17951, Fig. 3 (chart readings, about +-15 gates)
paper = {"int8": [720, 1390, 2340], "e2m5_fnuz": [875, 1270, 2215], "e3m4_fnuz": [900, 1180, 2120],
         "e4m3_fnuz": [1055, 1105, 2040], "e5m2_fnuz": [1510, 1055, 1980]}
label = {"int8": "INT8", "e2m5_fnuz": "FP8-E2", "e3m4_fnuz": "FP8-E3", "e4m3_fnuz": "FP8-E4", "e5m2_fnuz": "FP8-E5"}
rows = list(csv.DictReader(open(sys.argv[1])))
base = float(rows[0]["cost.mac_gates"])
print(f"{'input':<8}" + "".join(f"{h:>24}" for h in ["fixed-point acc", "FP16 acc", "FP32 acc"]))
for i in range(0, len(rows), 3):
    f = rows[i]["mac.a"]
    cells = []
    for j in range(3):
        g = float(rows[i + j]["cost.mac_gates"])
        cells.append(f"{g:.0f} {g / base:.2f}x ({paper[f][j] / 720:.2f}x)")
    print(f"{label[f]:<8}" + "".join(f"{c:>24}" for c in cells))
print("qmac gates, ratio to INT8 + fixed (the paper's ratio)")
EOF

echo
echo "== 4. Pictures"
"$py" scripts/plot.py fig5 "$out/fig5.csv" --out "$out/fig5.png"
"$py" scripts/plot.py bars "$out/int8_vs_fp8.csv" --group workload.a.distribution \
    --series mac.a,mac.b,mac.accumulator.type,mac.accumulator.format --y accuracy.sqnr_db \
    --missing-label "-inf (overflow)" \
    --out "$out/int8_vs_fp8_sqnr.png" --title "GEMM SQNR vs FP64 by precision and activation data"
"$py" scripts/plot.py fig3 "$out/fig3.jsonl" --out "$out/fig3.png"
"$py" scripts/plot.py pareto "$out/int8_vs_fp8.csv" --where workload.a.distribution=outliers \
    --x cost.area_um2 --y accuracy.sqnr_db --label mac.a,mac.b,mac.accumulator.type,mac.accumulator.format \
    --out "$out/pareto_outliers.png" --title "Area vs accuracy, activations with outlier channels"
"$py" scripts/plot.py pareto "$out/int8_vs_fp8.csv" --where workload.a.distribution=normal \
    --x cost.area_um2 --y accuracy.sqnr_db --label mac.a,mac.b,mac.accumulator.type,mac.accumulator.format \
    --out "$out/pareto_normal.png" --title "Area vs accuracy, normal activations"
"$qmac" sweep configs/sweeps/acc_width_formats.yaml -o "$out/acc_width.csv" 2>/dev/null || true
for y in cost.area_um2 cost.pj_per_mac; do
  "$py" scripts/plot.py line "$out/acc_width.csv" --x cost.accumulator_bits --y "$y" \
      --series mac.a,mac.accumulator.type --where workload.a.distribution=normal \
      --out "$out/acc_width_${y#cost.}.png" --title "$y vs accumulator width (32x32 array)"
done
for d in normal outliers; do
  "$py" scripts/plot.py line "$out/acc_width.csv" --x cost.accumulator_bits --y accuracy.sqnr_db \
      --series mac.a,mac.accumulator.type --where workload.a.distribution=$d \
      --out "$out/acc_width_sqnr_$d.png" --title "SQNR vs accumulator width, K = 1024, $d activations (gaps: inf/NaN)"
done
if [ "${1:-}" = "--docs" ]; then cp "$out"/*.png docs/; echo "pictures copied to docs/"; fi
echo "results in $out/ ($(( $(date +%s) - start )) s)"
exit "$status"
