#!/usr/bin/env bash
# The main job: INT8 versus the FP8 formats, end to end.
#   1. quantisation error of each 8-bit format on uniform, normal and Student-t
#      (nu = 3) data, each at its MSE-best scale (the paper's Fig. 5);
# Results go to results/ (created); nothing there is overwritten by a failing run.
set -euo pipefail
cd "$(dirname "$0")/.."
qmac=${QMAC:-build/bin/qmac}
[ -x "$qmac" ] || { echo "compare: $qmac not found; run scripts/setup.sh first" >&2; exit 1; }
export SC_COPYRIGHT_MESSAGE=DISABLE

echo "== Bits of accuracy, log2(sigma / RMSE), at each format's MSE-best scale (paper Fig. 5)"
formats=(int8 fp8_e2m5 e3m4_fnuz e4m3_fnuz e5m2_fnuz)
printf '%-12s' distribution; printf '%11s' "${formats[@]}"; echo
for dist in uniform normal student_t:3; do
  printf '%-12s' "$dist"
  for f in "${formats[@]}"; do
    bits=$("$qmac" qerror --format "$f" --dist "$dist" --json - | python3 -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["bits_of_accuracy"])')
    printf '%11s' "$bits"
  done
  echo
done
