#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the whole benchmark suite once and writes the report:
#   benchmarks/results/ct_bench.json     Google Benchmark's JSON
#   benchmarks/results/python.json       the CPython workloads (python_peer.py)
#   benchmarks/results/strace_idle.txt   the no-syscall evidence (strace_idle.sh)
#   benchmarks/results/latest.md         the report (report.py), and
#   benchmarks/results/contended.svg     its chart
#   README.md                            its benchmark summary, rewritten
# then prints the lock throughput table.
#
#   bash benchmarks/run.sh [--quick] [--build DIR] [-- extra ct_bench flags]
#
# --quick (what ci/main.sh runs, a few minutes on 2 cores): 0.2 s per
# benchmark, one run each. Without it: 0.5 s per benchmark, the median of 3.
# DIR defaults to build/release (cmake --preset release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
build=build/release
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --build) build="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

bench="$build/benchmarks/ct_bench"
if [[ ! -x $bench ]]; then
  echo "run.sh: $bench is not built (cmake --preset release && cmake --build --preset release)" >&2
  exit 1
fi
results=benchmarks/results
mkdir -p "$results"

# Google Benchmark 1.8 wants a unit on the minimum time; 1.7 refuses one.
unit=""
if "$bench" --benchmark_min_time=0.01s --benchmark_list_tests >/dev/null 2>&1; then unit=s; fi
if [[ $quick == 1 ]]; then
  flags=(--benchmark_min_time=0.2$unit)
  python_flags=(--quick)
  command="bash ci/main.sh"
else
  flags=(--benchmark_min_time=0.5$unit --benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
  python_flags=()
  command="bash benchmarks/run.sh"
fi

echo "==> ct_bench (load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
"$bench" "${flags[@]}" --benchmark_out="$results/ct_bench.json" --benchmark_out_format=json \
  ${extra[@]+"${extra[@]}"}

report_flags=(--bench "$results/ct_bench.json" --command "$command" --readme README.md)
python=$(command -v python3 || true)
if [[ -n $python ]]; then
  echo "==> the same workloads in CPython"
  "$python" benchmarks/python_peer.py "${python_flags[@]}" --out "$results/python.json"
  report_flags+=(--python "$results/python.json")
fi
if command -v strace >/dev/null 2>&1; then
  echo "==> system calls with nobody waiting"
  bash benchmarks/strace_idle.sh "$build" | tee "$results/strace_idle.txt" | tail -n 2
  report_flags+=(--strace "$results/strace_idle.txt")
fi
if [[ -z $python ]]; then
  echo "run.sh: no python3: results are in $results/ct_bench.json, without the report" >&2
  exit 0
fi
echo "==> report"
"$python" benchmarks/report.py "${report_flags[@]}"
