#!/usr/bin/env bash
# Per-network findings (README "Per network"): every shipped network
# (configs/networks/) in INT8, FP8-E4M3 (FP16 and FP32 accumulators), FP8-E5M2
# and three mixed-precision policies (configs/policies/), as one sweep
# (configs/sweeps/networks.yaml), plus the narrowest accumulator of BERT-base's
# FFN layers (qmac minacc). Results go to results/networks-<timestamp>/.
#
#   scripts/networks.sh            # the whole study (tens of minutes on 2 cores)
#   scripts/networks.sh --docs     # ... and rewrite README's "Per network" and docs/networks_*.png
#   scripts/networks.sh --quick    # ResNet-18 and BERT-base in INT8 and FP8-E4M3 only (a few minutes)
# QMAC_JOBS=N runs N networks at once (default: the number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."
qmac=${QMAC:-build/bin/qmac}
py=/usr/bin/python3   # Debian's python, with python3-matplotlib / python3-numpy
[ -x "$qmac" ] || { echo "networks: $qmac not found; run scripts/setup.sh first" >&2; exit 1; }
export SC_COPYRIGHT_MESSAGE=DISABLE
docs=0 quick=0
for a in "$@"; do
  case "$a" in
    --docs) docs=1 ;;
    --quick) quick=1 ;;
    *) echo "networks: unknown argument $a; expected --docs or --quick" >&2; exit 2 ;;
  esac
done
out=${QMAC_RESULTS:-results/networks-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
jobs=${QMAC_JOBS:-$(nproc)}
start=$(date +%s)

sweep=configs/sweeps/networks.yaml
if ((quick)); then
  sweep="$out/quick.yaml"
  cat > "$sweep" <<YAML
base: $PWD/configs/examples/network_base.yaml
axes:
  workload.topology: [resnet18, bert_base]
  precision:
    - {mac.a: int8, mac.b: int8, mac.accumulator.type: int, mac.accumulator.width: 32, policy: none}
    - {mac.a: fp8_e4m3, mac.b: fp8_e4m3, mac.accumulator.type: float, mac.accumulator.format: fp32, policy: none}
    - {mac.a: int8, mac.b: int8, mac.accumulator.type: int, mac.accumulator.width: 32, policy: w8a16_outliers}
YAML
fi

echo "== networks x precisions ($sweep), $jobs at a time"
"$qmac" sweep "$sweep" -o "$out/networks.csv" -j "$jobs"

report=()
if ! ((quick)); then
  echo
  echo "== narrowest accumulator of BERT-base's FFN layers (qmac minacc), $jobs at a time"
  "$qmac" minacc configs/examples/network_base.yaml --topology bert_base --layers 'ffn.*' \
    --json "$out/minacc_bert.json" | tee "$out/minacc_bert.txt"
  report+=(--minacc "$out/minacc_bert.json")
fi
((docs)) && report+=(--readme README.md --docs docs)
"$py" scripts/networks_report.py "$out/networks.jsonl" "${report[@]}" > "$out/per_network.md"
cat "$out/per_network.md"
echo "networks: done in $(( $(date +%s) - start )) s; results in $out"
