#!/usr/bin/env bash
# Switching-energy ground truth: for INT8 and FP8 MACs, the synthesised netlist
# simulated gate by gate (iverilog, unit-delay cell models) on normal, all-zero
# and outlier-heavy operand streams, against the cost model's activity-based
# figure (qmac synth --energy). Writes docs/energy.json; about two minutes.
#   scripts/energy.sh [-o FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
qmac=${QMAC_BUILD_DIR:-build}/bin/qmac
out=docs/energy.json
if [ "${1:-}" = "-o" ]; then out=$2; fi
flt() { echo "--set mac.a=$1 --set mac.b=$1 --set mac.accumulator.type=float --set mac.accumulator.format=$2"; }
configs=(
  "int8_int32|--set mac.a=int8 --set mac.b=int8 --set mac.accumulator.type=int --set mac.accumulator.width=32"
  "fp8_e4m3_fp16|$(flt fp8_e4m3 fp16)" "fp8_e4m3_fp32|$(flt fp8_e4m3 fp32)"
  "fp8_e5m2_fp16|$(flt fp8_e5m2 fp16)" "fp8_e5m2_fp32|$(flt fp8_e5m2 fp32)"
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for c in "${configs[@]}"; do
  name=${c%%|*}; args=${c#*|}
  echo "energy: $name" >&2
  # shellcheck disable=SC2086
  "$qmac" synth $args --set cost.gate_library=yosys --energy --json "$tmp/$(printf %03d $i)_$name.json" > /dev/null
  i=$((i + 1))
done
/usr/bin/python3 - "$tmp" "$out" <<'PY'
import json, os, sys
tmp, out = sys.argv[1], sys.argv[2]
def pct(x):  # None: an integer or fixed-point accumulator, never inf/NaN
    return "-" if x is None else f"{100 * x:.3g} %"
res = []
for f in sorted(os.listdir(tmp)):
    j = json.load(open(os.path.join(tmp, f)))
    j["name"] = f.split("_", 1)[1][:-5]
    res.append(j)
json.dump({"generated_by": "scripts/energy.sh", "results": res}, open(out + ".tmp", "w"), indent=1)
os.replace(out + ".tmp", out)
print("| config | data | model | netlist (settled) | model / netlist | netlist with unit-delay glitches | MACs after which the accumulator is inf/NaN |")
print("|---|---|---|---|---|---|---|")
for r in res:
    for k, d in r["data"].items():
        ratio = f'{d["model"] / d["netlist_settled"]:.2f}' if d["netlist_settled"] else "-"
        print(f'| {r["name"]} | {k} | {d["model"]:.0f} | {d["netlist_settled"]:.0f} | {ratio} | {d["netlist_glitches"]:.0f} | {pct(d["accumulator_nonfinite_fraction"])} |')
PY
