#!/usr/bin/env bash
# How much the flattened MAC netlist saves across each block boundary of the
# reference RTL: the MAC is synthesised with the flow of docs/rtl.md (qmac synth)
# once flattened, then once per component module with that module kept as its
# own level of hierarchy (Yosys keep_hierarchy), so ABC cannot optimise across
# its ports. The difference, priced by configs/gates/yosys.yaml, is the logic the
# flattened netlist removes because it sees the block's neighbours (constants,
# value ranges, shared signals) -- what a per-block formula cannot see
# (docs/cost-model.md section 7). Deltas of a few GE are ABC's noise.
#
#   scripts/synth_boundaries.sh --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 \
#       --set mac.accumulator.type=float --set mac.accumulator.format=bf16
set -euo pipefail
cd "$(dirname "$0")/.."
qmac=${QMAC_BUILD_DIR:-build}/bin/qmac
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SC_COPYRIGHT_MESSAGE=DISABLE "$qmac" rtl "$@" -o "$work/rtl" >/dev/null
rtl=$work/rtl/qmac_mac.v
modules=$(sed -n 's/^  \([a-z_0-9]*\) u_\1 .*/\1/p' "$rtl")

# Synthesise with `keep` (a module name or empty) kept; print the design's cells.
synth() {
  local keep=""
  [ -n "$1" ] && keep="setattr -mod -set keep_hierarchy 1 $1;"
  yosys -q -p "read_verilog $rtl; hierarchy -top qmac_mac; $keep synth -flatten -noabc -top qmac_mac; \
dfflegalize -cell \$_DFF_P_ 01; abc -g AND,NAND,OR,NOR,XOR,XNOR,MUX,AOI3,OAI3; opt_clean -purge; \
tee -o $work/stat.txt stat" >/dev/null 2>&1
  # Priced with the yosys library's netlist cells; with a kept module the
  # "design hierarchy" section sums the top and its submodule.
  $py - "$work/stat.txt" configs/gates/yosys.yaml <<'EOF'
import re, sys, yaml
cells = yaml.safe_load(open(sys.argv[2]))["cells"]
name = {"AND": "and2", "NAND": "nand2", "OR": "or2", "NOR": "nor2", "XOR": "xor2", "XNOR": "xnor2",
        "MUX": "mux2", "AOI3": "aoi21", "OAI3": "oai21", "NOT": "inv", "DFF_P": "ff"}
text = open(sys.argv[1]).read()
i = text.rfind("=== design hierarchy ===")
section = text[i:] if i >= 0 else text
total = 0.0
for m in re.finditer(r"\$_(\w+)_\s+(\d+)", section):
    total += cells[name[m.group(1)]]["value"] * int(m.group(2))
print(f"{total:.1f}")
EOF
}

flat=$(synth "")
echo "flattened MAC: $flat GE (yosys library)"
printf '%-28s %10s %8s\n' "kept as its own module" "MAC GE" "saved"
for m in $modules; do
  [ "$m" = accumulator_register ] && continue
  ge=$(synth "$m")
  printf '%-28s %10s %+8.1f\n' "$m" "$ge" "$($py -c "print($ge - $flat)")"
done
