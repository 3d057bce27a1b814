#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ABI promise, checked: the shared library built with the "shared" preset
# (gcc -O2 -g, fixed) is compared with abidiff (abigail-tools) against the
# committed baseline ci/abi/cthreading.abi, restricted to what api/ declares.
#
#   bash ci/abi.sh             check: additions pass; an incompatible change
#                              (a removed or changed function, a struct whose
#                              size or layout changed, a changed enum value)
#                              fails, as does a SOVERSION the baseline lacks
#   bash ci/abi.sh --update    regenerate the baseline (after additions, or
#                              with a SOVERSION bump); refuses an incompatible
#                              baseline whose soname is unchanged
#   bash ci/abi.sh --self-test show that the check passes an added function and
#                              fails a removed function and a grown public
#                              struct (copies of the tree under
#                              build/abi-self-test, each edited and built)
#
# An incompatible change passes only with the SOVERSION (CMakeLists.txt)
# raised and the baseline regenerated, in the same change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

baseline=ci/abi/cthreading.abi
mode=check
case "${1:-}" in
  "") ;;
  --update) mode=update ;;
  --self-test) mode=self-test ;;
  *) echo "ci/abi.sh: unknown option '$1' (expected --update or --self-test)" >&2; exit 2 ;;
esac
jobs="${CT_JOBS:-2}"

# abi_of SOURCE_DIR BUILD_DIR OUT: build SOURCE_DIR's shared library as the
# preset does and write its ABI, public types only, without source locations.
abi_of() {
  local source=$1 build=$2 out=$3 library
  if [[ $source == . && $build == build/shared ]]; then
    cmake --preset shared >/dev/null
    cmake --build --preset shared --parallel "$jobs" >/dev/null
  else
    cmake -S "$source" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
      -DBUILD_SHARED_LIBS=ON -DCT_BUILD_TESTS=OFF -DCT_BUILD_BENCHMARKS=OFF >/dev/null
    cmake --build "$build" --parallel "$jobs" --target cthreading >/dev/null
  fi
  library=$(readlink -f "$build/libcthreading.so")
  abidw --headers-dir "$source/api" --drop-private-types --no-corpus-path --no-comp-dir-path \
        --no-show-locs --out-file "$out" "$library"
}

soname_of() { sed -n "1s/.* soname='\([^']*\)'.*/\1/p" "$1"; }

# The public header's opaque types (typedef struct X X; with no struct X { in
# it) as abidiff suppressions: callers hold only pointers to them, so their
# layout is not ABI, but the library's debug info resolves each to its private
# definition, and abidiff would report every private field as an ABI change.
opaque_suppressions() {
  local header=api/cthreading.h name
  sed -n 's/^typedef struct \(ct_[a-z_]*\) \1;$/\1/p' "$header" | while read -r name; do
    grep -q "^struct $name {" "$header" && continue
    printf '[suppress_type]\n  type_kind = struct\n  name = %s\n\n' "$name"
  done
}

# compare OLD NEW: 0 the same, 4 additions only, 8 an incompatible change,
# 1 abidiff failed; abidiff's report on stdout. abidiff's own bit 8 covers
# removed functions but not a public struct that grew behind a pointer (it
# sets only bit 4 there: see --self-test), so any change left once added
# functions are set aside counts as incompatible.
compare() {
  local all=0 net=0
  opaque_suppressions >"$work/opaque.suppr"
  abidiff --no-show-locs --suppressions "$work/opaque.suppr" "$1" "$2" || all=$?
  abidiff --no-show-locs --no-added-syms --suppressions "$work/opaque.suppr" "$1" "$2" >/dev/null || net=$?
  if (( (all | net) & 3 )); then return 1; fi
  if (( (all & 8) || net )); then return 8; fi
  return $(( all & 4 ))
}

work=build/abi
mkdir -p "$work"

if [[ $mode == self-test ]]; then
  if [[ ! -f $baseline ]]; then echo "ci/abi.sh: no $baseline" >&2; exit 1; fi
  root=build/abi-self-test
  failures=0
  # check_case NAME EXPECTED FILE SED_SCRIPT [FILE SED_SCRIPT]...: the tree
  # with each FILE edited by its SED_SCRIPT must compare as EXPECTED (compare's codes).
  check_case() {
    local name=$1 expected=$2 status=0 file
    shift 2
    rm -rf "${root:?}/$name"
    mkdir -p "$root/$name"
    cp -r api backend cmake docs CMakeLists.txt LICENSE "$root/$name/"
    while (( $# >= 2 )); do
      file=$1
      sed -i "$2" "$root/$name/$file"
      if cmp -s "$file" "$root/$name/$file"; then
        echo "ci/abi.sh --self-test: the edit for '$name' changed nothing in $file" >&2
        failures=$((failures + 1))
        return
      fi
      shift 2
    done
    abi_of "$root/$name" "$root/$name/build" "$root/$name.abi"
    compare "$baseline" "$root/$name.abi" >"$root/$name.report" || status=$?
    if (( status == expected )); then
      echo "ci/abi.sh --self-test: $name: $(describe "$status"), as it must be"
      grep -m1 -E "^Functions changes summary" "$root/$name.report" | sed 's/^/    /' || true
    else
      echo "ci/abi.sh --self-test: $name: $(describe "$status"), NOT $(describe "$expected")" >&2
      cat "$root/$name.report" >&2
      failures=$((failures + 1))
    fi
  }
  describe() {
    case $1 in 0) echo "the same" ;; 4) echo "additions only (passes)" ;; 8) echo "incompatible (fails)" ;; *) echo "abidiff failed" ;; esac
  }
  check_case added_function 4 \
    api/cthreading.h 's/^CT_API const char \*ct_strerror(int status);$/&\nCT_API int ct_zz_added(void);/' \
    api/status.c '$a int ct_zz_added(void) { return 1; }'
  check_case removed_function 8 \
    api/cthreading.h 's/^CT_API int64_t ct_semaphore_value(const ct_semaphore \*sem);$//'
  check_case grown_struct 8 \
    api/cthreading.h 's/^    unsigned char v;     \/\*\*< bit 0: the flag;/    unsigned char spare[4];\n&/'
  (( failures == 0 )) || exit 1
  echo "ci/abi.sh --self-test: an addition passes; a removed function and a grown struct fail"
  exit 0
fi

abi_of . build/shared "$work/current.abi"

if [[ $mode == update ]]; then
  if [[ -f $baseline ]]; then
    status=0
    compare "$baseline" "$work/current.abi" >"$work/update.report" || status=$?
    if (( status != 0 && status != 4 )) && [[ $(soname_of "$baseline") == $(soname_of "$work/current.abi") ]]; then
      cat "$work/update.report"
      echo "ci/abi.sh --update: the change above breaks the ABI of $(soname_of "$baseline"):" \
           "raise SOVERSION in CMakeLists.txt (and the major version) first" >&2
      exit 1
    fi
  fi
  mkdir -p "$(dirname "$baseline")"
  cp "$work/current.abi" "$baseline"
  echo "ci/abi.sh: wrote $baseline ($(soname_of "$baseline"), $(grep -c '<elf-symbol ' "$baseline") symbols)"
  exit 0
fi

if [[ ! -f $baseline ]]; then
  echo "ci/abi.sh: no $baseline: create it with bash ci/abi.sh --update" >&2
  exit 1
fi
if [[ $(soname_of "$baseline") != $(soname_of "$work/current.abi") ]]; then
  echo "ci/abi.sh: the library is $(soname_of "$work/current.abi"), the baseline $(soname_of "$baseline"):" \
       "a SOVERSION change comes with a new baseline (bash ci/abi.sh --update) in the same change" >&2
  exit 1
fi
status=0
compare "$baseline" "$work/current.abi" >"$work/report" || status=$?
if (( status == 8 )); then
  cat "$work/report"
  echo "ci/abi.sh: FAILED: an incompatible ABI change (above). Keep the old functions and" \
       "struct layouts, or raise SOVERSION and run bash ci/abi.sh --update in the same change" >&2
  exit 1
elif (( status == 1 )); then
  cat "$work/report"
  echo "ci/abi.sh: abidiff failed" >&2
  exit 1
elif (( status == 4 )); then
  cat "$work/report"
  echo "ci/abi.sh: compatible additions (above); the baseline can take them with bash ci/abi.sh --update"
else
  echo "ci/abi.sh: the ABI matches $baseline"
fi
