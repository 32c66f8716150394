#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang under AddressSanitizer +
# UndefinedBehaviorSanitizer into build-fuzz/, and runs each for SECONDS over
# its checked-in corpus (tests/fuzz/corpus/TARGET). A crash, sanitizer report,
# leak, timeout or out-of-memory stops the run with the reproducing input in
# build-fuzz/findings/ and exit 1.
#
#   scripts/fuzz.sh            # 30 s per target (CI)
#   scripts/fuzz.sh 600        # longer, on demand
#   scripts/fuzz.sh 60 config  # one target
# New inputs that reach new coverage are written to build-fuzz/new-corpus/TARGET;
# copy the useful ones into tests/fuzz/corpus/TARGET to keep them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
only=${2:-}
export SC_COPYRIGHT_MESSAGE=DISABLE

for p in clang libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
    break
  fi
done

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQMAC_FUZZ=ON \
  -DQMAC_SANITIZE=ON -DQMAC_BUILD_TESTS=OFF -DQMAC_BUILD_BENCH=OFF >/dev/null
targets=()
for src in tests/fuzz/fuzz_*.cpp; do
  t=$(basename "$src" .cpp)
  [ -z "$only" ] || [ "$t" = "fuzz_$only" ] || continue
  targets+=("$t")
done
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p build-fuzz/findings
status=0
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  corpus=tests/fuzz/corpus/$name
  fresh=build-fuzz/new-corpus/$name
  mkdir -p "$fresh"
  echo "== $t: ${seconds} s over $corpus"
  # -rss_limit_mb: an input that makes qmac allocate without bound is a finding.
  if ! build-fuzz/fuzz/"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix=build-fuzz/findings/"$name"- "$fresh" "$corpus" > build-fuzz/"$name".log 2>&1; then
    echo "fuzz: $t found a failing input (build-fuzz/findings/$name-*); log: build-fuzz/$name.log"
    tail -40 build-fuzz/"$name".log
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" build-fuzz/"$name".log | tr '\n' ' '
    echo
  fi
done
exit $status
