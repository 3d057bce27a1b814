#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: install what is missing, build the release configuration, run
# the conformance suite on this machine's backend, then run the short benchmark
# suite (benchmarks/run.sh --quick), which writes benchmarks/results/ and prints
# the lock throughput table.
#
# CT_JOBS (default 2) sets the build and test parallelism.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${CT_JOBS:-2}"

bash ci/deps.sh --bench

echo "==> [release] configure"
cmake --preset release
echo "==> [release] build"
cmake --build --preset release --parallel "$jobs"
echo "==> [release] conformance suite and examples"
ctest --preset release -j "$jobs" --output-on-failure

bench=build/release/benchmarks/ct_bench
if [[ -x $bench ]]; then
  # The short run (a few minutes on 2 cores): every suite once, CPython's numbers,
  # the strace check; writes benchmarks/results/latest.md and contended.svg and
  # ends with the lock throughput table.
  echo "==> [release] benchmarks (short run)"
  bash benchmarks/run.sh --quick --build build/release
else
  echo "==> [release] benchmarks are not built yet (no $bench): skipping the throughput table"
fi
echo "ci/main.sh: PASSED"
