#!/usr/bin/env bash
# Synthesises the reference RTL of the calibration configs with Yosys (qmac synth)
# and writes every result into one JSON file, the ground truth the cost model is
# checked against (tests/rtl/calibration_test.cpp reads it; README and
# docs/cost-model.md tabulate it). Takes a few minutes on 2 cores.
#
#   scripts/synth.sh                          # -> docs/synthesis.json
#   scripts/synth.sh -o /tmp/synthesis.json   # elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
qmac=${QMAC_BUILD_DIR:-build}/bin/qmac
out=docs/synthesis.json
if [ "${1:-}" = "-o" ]; then out=$2; fi

int() { echo "--set mac.a=$1 --set mac.b=$1 --set mac.accumulator.type=int --set mac.accumulator.width=$2"; }
fixed() { echo "--set mac.a=$1 --set mac.b=$1 --set mac.accumulator.type=fixed${2:+ --set mac.accumulator.width=$2}"; }
flt() { echo "--set mac.a=$1 --set mac.b=${3:-$1} --set mac.accumulator.type=float --set mac.accumulator.format=$2"; }

# name|arguments: INT4/INT8/INT16 with 16..48-bit accumulators; E4M3/E5M2/E3M4/E2M5
# into FP16/BF16/FP32; INT8 into FP16/FP32; Kulisch at several widths; W8A16.
configs=(
  "int8_int32|$(int int8 32)"
  "int4_int16|$(int int4 16)"
  "int8_int16|$(int int8 16)"
  "int8_int24|$(int int8 24)"
  "int8_int48|$(int int8 48)"
  "int16_int32|$(int int16 32)"
  "int16_int48|$(int int16 48)"
  "int8_int32_saturate|$(int int8 32) --set mac.accumulator.overflow=saturate"
)
for f in fp8_e4m3 fp8_e5m2 fp8_e3m4 fp8_e2m5; do
  for acc in fp16 bf16 fp32; do configs+=("${f}_${acc}|$(flt $f $acc)"); done
done
configs+=(
  "fp8_e4m3_fp16_nonfused|$(flt fp8_e4m3 fp16) --set mac.fused=false"
  "int8_fp16|$(flt int8 fp16)"
  "int8_fp32|$(flt int8 fp32)"
  "int8_fixed27|$(fixed int8 27)"
  "int8_kulisch|$(fixed int8)"
  "fp8_e4m3_fixed37|$(fixed fp8_e4m3 37)"
  "fp8_e4m3_kulisch|$(fixed fp8_e4m3)"
  "fp8_e5m2_kulisch|$(fixed fp8_e5m2)"
  "fp8_e2m5_kulisch|$(fixed fp8_e2m5)"
  "w8a16_fp16_int8_fp32|$(flt fp16 fp32 int8)"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for c in "${configs[@]}"; do
  name=${c%%|*}; args=${c#*|}
  echo "synth: $name" >&2
  # shellcheck disable=SC2086  # args is a list of --set options
  "$qmac" synth $args --json "$tmp/$(printf %03d $i)_$name.json" > /dev/null
  i=$((i + 1))
done
/usr/bin/python3 - "$tmp" "$out" <<'PY'
import json, os, sys
tmp, out = sys.argv[1], sys.argv[2]
results = []
for f in sorted(os.listdir(tmp)):
    j = json.load(open(os.path.join(tmp, f)))
    j["name"] = f.split("_", 1)[1][:-5]
    results.append(j)
json.dump({"generated_by": "scripts/synth.sh", "results": results}, open(out + ".tmp", "w"), indent=1)
os.replace(out + ".tmp", out)
print(f"synth: {len(results)} configs -> {out}")
PY
