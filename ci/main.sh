#!/usr/bin/env bash
# The main job: install what is missing, build the release configuration, run
# the conformance suite on this machine's backend, then print the lock
# throughput table when the benchmark suite is built.
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
  echo "==> [release] lock throughput"
  "$bench"
else
  echo "==> [release] benchmarks are not built yet (no $bench): skipping the throughput table"
fi
echo "ci/main.sh: PASSED"
