#!/usr/bin/env bash
# Sets qmac up on Debian 12: installs the Debian packages it needs (only those
# missing; nothing else is downloaded) and builds Release into build/.
# Idempotent: a second run installs nothing and rebuilds incrementally.
#
#   scripts/setup.sh                      # install + build into build/
#   QMAC_BUILD_DIR=build-asan QMAC_CMAKE_ARGS="-DQMAC_SANITIZE=ON" scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake make pkg-config             # toolchain
  libsystemc-dev                        # SystemC 2.3.4 (models/mac, models/array)
  libyaml-cpp-dev                       # configs
  libboost-dev libboost-program-options-dev  # Boost.Math (qerror), Program_options (CLI)
  nlohmann-json3-dev libfmt-dev         # reports
  libxtensor-dev                        # .npy tensors (xtensor's xnpy)
  libgtest-dev libbenchmark-dev         # tests/, bench/
  gtkwave                               # vcd2fst: the VCD test checks GTKWave accepts our traces
  iverilog yosys                        # tests/rtl: co-simulation of the reference RTL, synthesis (qmac synth)
  python3 python3-numpy python3-matplotlib  # scripts/plot.py
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${QMAC_BUILD_DIR:-build}
# shellcheck disable=SC2086  # QMAC_CMAKE_ARGS is a list of flags
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release ${QMAC_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: built $build_dir/bin/qmac"
