#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shows that Event.set, Condition.notify, Semaphore.release and an uncontended
# Lock make no system call when nobody waits: runs ct_idle_syscalls under
# strace, lists every syscall between its getppid() markers (there must be
# none), and compares `strace -c -f` totals for 0 and 1,000,000 rounds (they
# must be equal). Prints the evidence; the last line is the verdict.
#
#   bash benchmarks/strace_idle.sh [BUILD_DIR]     (default build/release)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build="${1:-build/release}"
program="$build/benchmarks/ct_idle_syscalls"
if [[ ! -x $program ]]; then
  echo "strace_idle.sh: $program is not built" >&2
  exit 1
fi
if ! command -v strace >/dev/null 2>&1; then
  echo "strace_idle.sh: strace is not installed (apt-get install strace)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rounds=1000000

strace -f -qq -o "$work/trace" "$program" "$rounds" >/dev/null
# Everything between the first and the last getppid marker.
awk '/getppid\(/ { n++; next } n >= 1 && n < 3 { print }' "$work/trace" >"$work/inside"
inside=$(wc -l <"$work/inside")

echo "\$ strace -f $program $rounds   (syscalls between the getppid() markers)"
sed -n '/getppid(/,$p' "$work/trace" | head -n 8
echo

for n in 0 "$rounds"; do
  strace -c -f -o "$work/summary.$n" "$program" "$n" >/dev/null
done
echo "\$ strace -c -f $program $rounds"
cat "$work/summary.$rounds"
total() { awk '$NF == "total" { print $(NF-2) }' "$1"; }
calls_0=$(total "$work/summary.0")
calls_n=$(total "$work/summary.$rounds")
echo "total syscalls: $calls_0 with 0 rounds, $calls_n with $rounds rounds"
if [[ $inside == 0 && $calls_0 == "$calls_n" ]]; then
  echo "verdict: no system call in $rounds rounds of set/notify/release/lock with nobody waiting"
else
  echo "verdict: $inside system calls inside the loops"
  cat "$work/inside"
  exit 1
fi
