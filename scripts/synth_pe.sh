#!/usr/bin/env bash
# The PE of the array synthesised (qmac synth --pe: qmac_pe and qmac_mac,
# each flattened) against the cost model's PE, yosys library, for
# INT8 and FP8 MACs in every dataflow; a markdown table (docs/rtl.md). ~30 s.
#   scripts/synth_pe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
q=${QMAC:-${QMAC_BUILD_DIR:-build}/bin/qmac}
export SC_COPYRIGHT_MESSAGE=DISABLE
flt() { echo "--set mac.a=$1 --set mac.b=$1 --set mac.accumulator.type=float --set mac.accumulator.format=$2"; }
i8="--set mac.a=int8 --set mac.b=int8 --set mac.accumulator.type=int --set mac.accumulator.width=32"
rows=(
 "int8_int32 ws|$i8 --set array.dataflow=ws"
 "int8_int32 os|$i8 --set array.dataflow=os"
 "int8_int32 is|$i8 --set array.dataflow=is"
 "int8_int32 ws double-buffered|$i8 --set array.dataflow=ws --set array.double_buffer=true"
 "int8_int32 ws P=2|$i8 --set array.dataflow=ws --set mac.pipeline_stages=2"
 "fp8_e4m3_fp16 ws|$(flt fp8_e4m3 fp16) --set array.dataflow=ws"
 "fp8_e4m3_fp16 os|$(flt fp8_e4m3 fp16) --set array.dataflow=os"
 "fp8_e4m3_fp32 ws|$(flt fp8_e4m3 fp32) --set array.dataflow=ws"
 "fp8_e5m2_fp16 ws|$(flt fp8_e5m2 fp16) --set array.dataflow=ws"
 "fp8_e4m3_bf16 ws|$(flt fp8_e4m3 bf16) --set array.dataflow=ws"
 "w8a16 (fp16 x int8 -> fp32) ws|--set mac.a=fp16 --set mac.b=int8 --set mac.accumulator.type=float --set mac.accumulator.format=fp32 --set array.dataflow=ws"
)
echo "| PE | netlist GE | model GE | model / netlist | MAC: netlist / model | PE beyond the MAC: netlist / model |"
echo "|---|---|---|---|---|---|"
for r in "${rows[@]}"; do
  name=${r%%|*}; args=${r#*|}
  # shellcheck disable=SC2086
  "$q" synth --pe $args --set cost.gate_library=yosys --json - | /usr/bin/python3 -c "
import json,sys
j=json.load(sys.stdin); n='yosys'
p=j['pe'][n]; m=j['mac'][n]; b=j['pe_beyond_mac'][n]
print(f\"| $name | {p['netlist']:.0f} | {p['estimate']:.0f} | {p['estimate']/p['netlist']:.2f} | {m['netlist']:.0f} / {m['estimate']:.0f} | {b['netlist']:.0f} / {b['estimate']:.0f} |\")"
done
