#!/bin/bash
# Wall time of `qmac run --engine analytic` against SCALE-Sim v2 on the same GEMM,
# array, dataflow and memory configuration (memory.model: scalesim, its CALC or
# USER bandwidth mode), and the ratio (issue 13: >= 1000x). SCALE-Sim is an
# existing checkout (SCALESIM_DIR), run with Debian's python3 (python3-numpy,
# python3-pandas, python3-tqdm); this script does not fetch or build it.
#
#   SCALESIM_DIR=/path/to/scale-sim-v2 scripts/analytic_vs_scalesim.sh [M N K ROWS COLS DATAFLOW SRAM_KB BW|calc]
# default: 1024 1024 1024 128 128 ws 512 calc
set -euo pipefail
: "${SCALESIM_DIR:?set SCALESIM_DIR to a SCALE-Sim v2 checkout}"
m=${1:-1024}; n=${2:-1024}; k=${3:-1024}; r=${4:-128}; c=${5:-128}; df=${6:-ws}; kb=${7:-512}; bw=${8:-calc}
qmac=${QMAC:-$(dirname "$0")/../build/bin/qmac}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mode=USER; sbw=$bw
if [ "$bw" = calc ]; then mode=CALC; sbw=10; fi
printf '[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight: %s\nArrayWidth: %s\nIfmapSramSzkB: %s\nFilterSramSzkB: %s\nOfmapSramSzkB: %s\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\nBandwidth : %s\nDataflow : %s\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: %s\n' \
  "$r" "$c" "$kb" "$kb" "$kb" "$sbw" "$df" "$mode" > "$work/cfg.cfg"
printf 'Layer, M, N, K,\nL0, %s, %s, %s,\n' "$m" "$n" "$k" > "$work/topo.csv"
now() { date +%s.%N; }
# CPU seconds (user + system) of a command, from /usr/bin/time: comparable on a loaded machine.
cpu_of() { awk '{print $1 + $2}' "$1"; }
t0=$(now)
(cd "$SCALESIM_DIR" && /usr/bin/time -f "%U %S" -o "$work/scalesim.cpu" /usr/bin/python3 -c "
import sys; sys.path.insert(0, '.')
from scalesim.scale_sim import scalesim
scalesim(save_disk_space=True, verbose=False, config='$work/cfg.cfg', topology='$work/topo.csv', input_type_gemm=True).run_scale(top_path='$work/out')
" > "$work/scalesim.log" 2>&1)
t1=$(now)
scalesim_s=$(echo "$t1 - $t0" | bc -l)
args="run --engine analytic --set array.rows=$r --set array.cols=$c --set array.dataflow=$df --set workload.gemm.m=$m
      --set workload.gemm.k=$k --set workload.gemm.n=$n --set memory.model=scalesim --set memory.sram_kib.a=$kb
      --set memory.sram_kib.b=$kb --set memory.sram_kib.c=$kb --set memory.dram.bandwidth=$bw"
runs=20
t0=$(now)
qcpu=0
for _ in $(seq $runs); do
  # task-clock (ms) from perf when it is there (Debian: linux-perf), else /usr/bin/time's 10 ms resolution
  if command -v perf > /dev/null; then
    SC_COPYRIGHT_MESSAGE=DISABLE perf stat -x, -e task-clock -o "$work/q.perf" "$qmac" $args --json "$work/q.json" > /dev/null
    qcpu=$(echo "$qcpu + $(grep task-clock "$work/q.perf" | cut -d, -f1) / 1000" | bc -l)
  else
    SC_COPYRIGHT_MESSAGE=DISABLE /usr/bin/time -f "%U %S" -o "$work/q.cpu" "$qmac" $args --json "$work/q.json" > /dev/null
    qcpu=$(echo "$qcpu + $(cpu_of "$work/q.cpu")" | bc -l)
  fi
done
t1=$(now)
qmac_s=$(echo "($t1 - $t0) / $runs" | bc -l)
qmac_cpu=$(echo "$qcpu / $runs" | bc -l)
scalesim_cpu=$(cpu_of "$work/scalesim.cpu")
stall_q=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/q.json'))['memory']['stall_cycles'])")
stall_s=$(tail -1 "$work/out/t/COMPUTE_REPORT.csv" | cut -d, -f3 | tr -d ' ')
printf 'GEMM %sx%sx%s on %sx%s %s, SRAM %s KB each, bandwidth %s\n' "$m" "$k" "$n" "$r" "$c" "$df" "$kb" "$bw"
printf 'SCALE-Sim v2: %.2f s wall, %.2f s CPU (stall cycles %s)\n' "$scalesim_s" "$scalesim_cpu" "$stall_s"
printf 'qmac --engine analytic: %.4f s wall, %.4f s CPU per run (mean of %d, whole process; stall cycles %s)\n' \
  "$qmac_s" "$qmac_cpu" "$runs" "$stall_q"
printf 'ratio: %.0fx wall, %.0fx CPU\n' \
  "$(echo "$scalesim_s / $qmac_s" | bc -l)" "$(echo "$scalesim_cpu / ($qmac_cpu + 0.000001)" | bc -l)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
