#!/bin/bash
# Side by side (README "Performance"): wall and CPU seconds of SCALE-Sim v2 and
# of a whole `qmac run` (fast engine, bit-exact numerics, every activity counter)
# on the same GEMM, array and dataflow:
#   GEMM 1024x1024x1024 on 128x128 WS, and GEMV 1x4096x4096 on 128x128 OS.
# SCALE-Sim runs with its shipped configs/scale.cfg memory (64 KB SRAMs, CALC
# bandwidth) and the array and dataflow changed; it computes addresses and
# cycles only, no numerics. SCALE-Sim is an existing checkout (SCALESIM_DIR),
# run with Debian's python3 (python3-numpy, python3-pandas, python3-tqdm); this
# script does not fetch or build it. qmac runs RUNS times (default 5, median).
#
#   SCALESIM_DIR=/path/to/scale-sim-v2 scripts/speed_vs_scalesim.sh [--threads N]
set -euo pipefail
: "${SCALESIM_DIR:?set SCALESIM_DIR to a SCALE-Sim v2 checkout}"
qmac=${QMAC:-$(dirname "$0")/../build/bin/qmac}
runs=${RUNS:-5}
extra=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SC_COPYRIGHT_MESSAGE=DISABLE

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# name m k n rows cols dataflow
one() {
  local name=$1 m=$2 k=$3 n=$4 r=$5 c=$6 df=$7
  printf '[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight: %s\nArrayWidth: %s\nIfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\nBandwidth : 10\nDataflow : %s\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n' \
    "$r" "$c" "$df" > "$work/cfg.cfg"
  printf 'Layer, M, N, K,\nL0, %s, %s, %s,\n' "$m" "$n" "$k" > "$work/topo.csv"
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$SCALESIM_DIR" && /usr/bin/time -f "%U %S" -o "$work/s.cpu" /usr/bin/python3 -c "
import sys; sys.path.insert(0, '.')
from scalesim.scale_sim import scalesim
scalesim(save_disk_space=True, verbose=False, config='$work/cfg.cfg', topology='$work/topo.csv', input_type_gemm=True).run_scale(top_path='$work/out')
" > "$work/s.log" 2>&1)
  t1=$(date +%s.%N)
  local s_wall s_cpu s_cycles
  s_wall=$(echo "$t1 - $t0" | bc -l)
  s_cpu=$(awk '{print $1 + $2}' "$work/s.cpu")
  s_cycles=$(tail -1 "$work/out/t/COMPUTE_REPORT.csv" | cut -d, -f2 | tr -d ' ')
  local args=(run --set array.rows=$r --set array.cols=$c --set array.dataflow=$df --set workload.gemm.m=$m
              --set workload.gemm.k=$k --set workload.gemm.n=$n "${extra[@]}")
  : > "$work/wall"; : > "$work/cpu"; : > "$work/rss"
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S %M" -o "$work/q.time" "$qmac" "${args[@]}" --json "$work/q.json" > /dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l >> "$work/wall"
    awk '{print $1 + $2}' "$work/q.time" >> "$work/cpu"
    awk '{print $3 / 1024}' "$work/q.time" >> "$work/rss"
  done
  local q_wall q_cpu q_rss q_cycles
  q_wall=$(median < "$work/wall"); q_cpu=$(median < "$work/cpu"); q_rss=$(median < "$work/rss")
  q_cycles=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/q.json'))['cycles'])")
  printf '%s (%sx%sx%s on %sx%s %s)\n' "$name" "$m" "$k" "$n" "$r" "$c" "$df"
  printf '  SCALE-Sim v2: %.2f s wall, %.2f s CPU, %s compute cycles\n' "$s_wall" "$s_cpu" "$s_cycles"
  printf '  qmac run:     %.3f s wall, %.3f s CPU (medians of %s), %.0f MB peak RSS, %s cycles\n' \
    "$q_wall" "$q_cpu" "$runs" "$q_rss" "$q_cycles"
  printf '  ratio:        %.0fx wall, %.0fx CPU\n' "$(echo "$s_wall / $q_wall" | bc -l)" "$(echo "$s_cpu / $q_cpu" | bc -l)"
}

echo "machine: $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg); SCALE-Sim $(git -C "$SCALESIM_DIR" rev-parse --short HEAD 2>/dev/null || echo '(no git)')"
one "GEMM" 1024 1024 1024 128 128 ws
one "GEMV" 1 4096 4096 128 128 os
echo "load after $(cut -d' ' -f1-3 /proc/loadavg)"
