#!/usr/bin/env bash
# The main job: INT8 versus the FP8 formats, end to end, in one command.
#   1. quantisation error of each 8-bit format on uniform, normal and Student-t
#      data at its MSE-best scale (the paper's Fig. 5), as a qerror sweep;
#   2. the same GEMM simulated bit-exactly on a 32x32 systolic array for each
#      precision (INT8/INT32, INT8/Kulisch, FP8-E4M3 with FP16/FP32/Kulisch
#      accumulators, E5M2, E3M4, W8A16) on normal, heavy-tailed and
#      outlier-channel activations: accuracy, cycles, overflow events, cost;
#   3. pictures of both in docs/ (scripts/plot.py).
# Results go to results/ (a new timestamped folder per run: nothing is overwritten).
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
    s = f"{float(r['accuracy.sqnr_db']):.1f}"
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
echo "== 3. Pictures"
"$py" scripts/plot.py fig5 "$out/fig5.csv" --out "$out/fig5.png"
"$py" scripts/plot.py bars "$out/int8_vs_fp8.csv" --group workload.a.distribution \
    --series mac.a,mac.b,mac.accumulator.type,mac.accumulator.format --y accuracy.sqnr_db \
    --out "$out/int8_vs_fp8_sqnr.png" --title "GEMM SQNR vs FP64 by precision and activation data"
echo "results in $out/ ($(( $(date +%s) - start )) s)"
exit "$status"
