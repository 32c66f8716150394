#!/bin/bash
# Regenerates tests/memory/scalesim_reference.csv: runs SCALE-Sim v2 (an
# existing checkout, not fetched or built by this script) on each GEMM layer
# of a case list and records its reports. qmac's `memory.model: scalesim` is
# held to these numbers by tests/memory/scalesim_test.cpp.
#
#   SCALESIM_DIR=/path/to/scale-sim-v2 [SCALESIM_COMMIT=HASH] scripts/scalesim_reference.sh CASES.txt > tests/memory/scalesim_reference.csv
#
# CASES.txt: one case a line, "M N K ROWS COLS DATAFLOW SRAM_A_KB SRAM_B_KB SRAM_C_KB USER|CALC [BW]".
# Needs Debian's python3 with python3-numpy, python3-pandas, python3-tqdm.
set -euo pipefail
: "${SCALESIM_DIR:?set SCALESIM_DIR to a SCALE-Sim v2 checkout}"
cases=${1:?usage: scripts/scalesim_reference.sh CASES.txt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
commit=${SCALESIM_COMMIT:-$(git -C "$SCALESIM_DIR" rev-parse HEAD 2>/dev/null || echo unknown)}
echo "# SCALE-Sim v2 reports (scalesim-project/scale-sim-v2 commit $commit), GEMM topologies (M,N,K), word size 1,"
echo "# made by scripts/scalesim_reference.sh: python3 scalesim/scale.py-equivalent scalesim(config, topology, input_type_gemm=True).run_scale()"
echo "m,n,k,rows,cols,dataflow,sram_a_kb,sram_b_kb,sram_c_kb,mode,bandwidth,total_cycles,stall_cycles,sram_reads_a,sram_reads_b,sram_writes_c,dram_reads_a,dram_reads_b,dram_writes_c,dram_bw_a,dram_bw_b,dram_bw_c"
i=0
while read -r m n k r c df sa sb sc mode bw; do
  [ -z "$m" ] && continue
  case "$m" in \#*) continue ;; esac
  bw=${bw:-10}
  d=$work/case$i; i=$((i + 1)); mkdir -p "$d"
  printf '[general]\nrun_name = case\n\n[architecture_presets]\nArrayHeight: %s\nArrayWidth: %s\nIfmapSramSzkB: %s\nFilterSramSzkB: %s\nOfmapSramSzkB: %s\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\nBandwidth : %s\nDataflow : %s\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: %s\n' \
    "$r" "$c" "$sa" "$sb" "$sc" "$bw" "$df" "$mode" > "$d/cfg.cfg"
  printf 'Layer, M, N, K,\nL0, %s, %s, %s,\n' "$m" "$n" "$k" > "$d/topo.csv"
  (cd "$SCALESIM_DIR" && /usr/bin/python3 -c "
import sys; sys.path.insert(0, '.')
from scalesim.scale_sim import scalesim
scalesim(save_disk_space=True, verbose=False, config='$d/cfg.cfg', topology='$d/topo.csv', input_type_gemm=True).run_scale(top_path='$d/out')
" > "$d/log.txt" 2>&1)
  IFS=, read -r _ total stall _ < <(tail -1 "$d/out/case/COMPUTE_REPORT.csv")
  IFS=, read -r _ _ _ _ bwa bwb bwc _ < <(tail -1 "$d/out/case/BANDWIDTH_REPORT.csv")
  IFS=, read -r _ _ _ sra _ _ srb _ _ swc _ _ dra _ _ drb _ _ dwc _ < <(tail -1 "$d/out/case/DETAILED_ACCESS_REPORT.csv")
  trim() { echo "$1" | tr -d ' '; }
  echo "$m,$n,$k,$r,$c,$df,$sa,$sb,$sc,$mode,$bw,$(trim $total),$(trim $stall),$(trim $sra),$(trim $srb),$(trim $swc),$(trim $dra),$(trim $drb),$(trim $dwc),$(trim $bwa),$(trim $bwb),$(trim $bwc)"
done < "$cases"
