#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The conformance suite under valgrind's helgrind race detector: the valgrind
# stage of ci/test.sh, or on its own (it configures and builds what it needs).
#
# The build is the `valgrind` preset: the portable POSIX backend, whose parker
# is a pthread mutex and condition variable that helgrind understands (it has
# no model of a raw futex), with every api/atomics.h operation annotated for
# helgrind by the library itself (CT_VALGRIND_ANNOTATIONS: api/atomics.h tells it
# that release/acquire is happens-before). What helgrind
# still reports falsely is suppressed in ci/valgrind.supp, each entry with its
# reason. A report fails the test (valgrind's exit status 99).
#
# Not run here, and why:
#   stress.* and *stress*   many threads doing millions of operations: hours
#                           under valgrind, which runs one thread at a time;
#                           the tsan stage runs them
#   *million*, *hundred_thousand*, *large_bound*
#                           the same, for single tests of that size
#   fork.*                  helgrind does not model fork(): in the child it
#                           still counts the parent's other threads as running,
#                           so the child resetting their abandoned state looks
#                           like racing with them
#
#   bash ci/valgrind.sh [--no-build] [ctest -R regex]
#
# CT_JOBS (default 2) sets how many tests run at once. Logs: build/valgrind/helgrind/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${CT_JOBS:-2}"
build=build/valgrind
exclude='^(stress|fork)\.|stress|million|hundred_thousand|large_bound'

build_first=1
if [[ ${1:-} == --no-build ]]; then
  build_first=0
  shift
fi
only="${1:-.}"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "ci/valgrind.sh: valgrind is not installed (bash ci/deps.sh installs it)" >&2
  exit 1
fi
if [[ $build_first == 1 ]]; then
  cmake --preset valgrind
  cmake --build --preset valgrind --parallel "$jobs"
fi

mapfile -t tests < <(ctest --test-dir "$build" -N -L conformance |
                     sed -n 's/^ *Test *#[0-9]*: //p' | grep -E -- "$only" | grep -Ev -- "$exclude")
if [[ ${#tests[@]} == 0 ]]; then
  echo "ci/valgrind.sh: no tests selected" >&2
  exit 1
fi

logs="$build/helgrind"
rm -rf "$logs"
mkdir -p "$logs"

# run_one AREA.NAME: one test under helgrind; prints "ok", "skip" (the test's
# own exit status 77, CT_TEST_SKIPPED, with its reason) or "FAIL" and its time.
run_one() {
  local test=$1 area=${1%%.*} name=${1#*.} status=0 started=$SECONDS
  timeout 900 valgrind --tool=helgrind --quiet --error-exitcode=99 \
    --suppressions=ci/valgrind.supp --child-silent-after-fork=yes \
    --log-file="$logs/$test.helgrind" \
    "$build/conformance/conformance_$area" "$name" >"$logs/$test.out" 2>&1 || status=$?
  if [[ $status == 0 ]]; then
    echo "ok   $test ($((SECONDS - started)) s)"
  elif [[ $status == 77 ]]; then
    echo "skip $test ($(tail -n 1 "$logs/$test.out"))"
  else
    echo "FAIL $test (exit status $status, $((SECONDS - started)) s)"
  fi
}
export -f run_one
export build logs

echo "==> helgrind: ${#tests[@]} tests, $jobs at a time"
started=$SECONDS
results=$(printf '%s\n' "${tests[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {})
echo "$results" | sort -k2
failed=$(echo "$results" | awk '$1 == "FAIL" { print $2 }')
if [[ -n $failed ]]; then
  for test in $failed; do
    echo "---- $test: test output"
    cat "$logs/$test.out"
    echo "---- $test: helgrind"
    cat "$logs/$test.helgrind"
  done
  echo "ci/valgrind.sh: FAILED: $(echo "$failed" | wc -l) of ${#tests[@]} tests (logs in $logs)" >&2
  exit 1
fi
echo "ci/valgrind.sh: helgrind clean on ${#tests[@]} tests in $((SECONDS - started)) s"
