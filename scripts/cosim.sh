#!/usr/bin/env bash
# The full bit-exact co-simulation of the reference RTL against num::Mac: every
# config of tests/rtl/rtl_test_util.hpp (Fig. 3's 15 bars, INT8 into 16..32-bit
# integers wrap/saturate, E4M3/E5M2 into FP16/BF16/FP32 fused and non-fused,
# Kulisch, W8A16, pipelined MACs, rtz/saturate variants) on the corner cases plus
# 10^5 random steps each (ctest runs the same configs with 4000 random steps).
#
#   scripts/cosim.sh            # after scripts/setup.sh (needs iverilog)
#   QMAC_COSIM_STEPS=1000000 scripts/cosim.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${QMAC_BUILD_DIR:-build}
export QMAC_COSIM_STEPS=${QMAC_COSIM_STEPS:-100000}
exec "$build_dir/tests/qmac_test_rtl" --gtest_filter='Configs/Cosim.*:Cosim_Check.*' "$@"
