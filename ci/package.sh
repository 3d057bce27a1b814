#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The packages: `cpack -G DEB` and `-G TGZ` from the install rules of the
# "shared" preset's build (prefix /usr), their contents checked. Then, as root
# only (CI runs as root on a throw-away machine), the .deb is installed with
# dpkg -i, conformance/consumer is built against the installed package with
# find_package and with pkg-config, cthreading.hpp is compiled as C++11
# against it, each is run, and the package is removed with dpkg -r (also when
# a step fails). Not root: the install test is skipped, saying why.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs="${CT_JOBS:-2}"

cmake --preset shared >/dev/null
cmake --build --preset shared --parallel "$jobs" >/dev/null
packages=build/shared/packages
rm -rf "$packages"
(cd build/shared && cpack -G "DEB;TGZ" -B packages >/dev/null)
debs=("$packages"/cthreading_*.deb)
tgzs=("$packages"/cthreading-*.tar.gz)
[[ -f ${debs[0]} && -f ${tgzs[0]} ]] || { echo "ci/package.sh: cpack made no .deb or .tar.gz" >&2; exit 1; }
deb=${debs[0]}

# contains LISTING PATTERN...: every pattern matches a line of the listing.
contains() {
  local listing=$1 pattern
  shift
  for pattern in "$@"; do
    grep -Eq "$pattern" <<<"$listing" || { echo "ci/package.sh: no $pattern in the package" >&2; return 1; }
  done
}
expected=('usr/include/cthreading\.h$' 'usr/include/cthreading\.hpp$' 'usr/lib/.*/libcthreading\.so\.0'
          'usr/lib/.*/cmake/cthreading/cthreadingConfig\.cmake$' 'usr/lib/.*/pkgconfig/cthreading\.pc$'
          'usr/share/doc/cthreading/LICENSE$')
contains "$(dpkg-deb -c "$deb")" "${expected[@]}"
contains "$(tar tzf "${tgzs[0]}")" "${expected[@]}"
control=$(dpkg-deb -f "$deb" Package Version Maintainer Description)
contains "$control" '^Package: cthreading$' '^Maintainer: .+' '^Description: .+'
echo "ci/package.sh: built $(basename "$deb") and $(basename "${tgzs[0]}")"

if [[ $(id -u) != 0 ]]; then
  echo "ci/package.sh: SKIPPED the install test: dpkg -i needs root (CI runs it as root on a throw-away machine)"
  exit 0
fi
if dpkg-query -W -f='${Status}' cthreading 2>/dev/null | grep -q "installed"; then
  echo "ci/package.sh: a cthreading package is installed already; not replacing it" >&2
  exit 1
fi
trap 'dpkg -r cthreading >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb" >/dev/null

work=build/shared/package-test
rm -rf "$work"
mkdir -p "$work"
# check_runs EXE: it links the installed library and reports success.
check_runs() {
  local out libraries
  libraries=$(ldd "$1")   # not piped into grep -q: pipefail would see ldd's SIGPIPE
  grep -Eq "=> (/usr)?/lib/[^ ]*libcthreading\.so\.0 " <<<"$libraries" ||
    { echo "ci/package.sh: $1 does not load the installed libcthreading.so.0" >&2; echo "$libraries" >&2; return 1; }
  out=$("$1")
  grep -q "works" <<<"$out" || { echo "ci/package.sh: $1 did not report success: $out" >&2; return 1; }
  echo "  $1: $out"
}

cmake -S conformance/consumer -B "$work/cmake" -G Ninja -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build "$work/cmake" >/dev/null
check_runs "$work/cmake/consumer"

version=$(pkg-config --modversion cthreading)
# shellcheck disable=SC2046  # pkg-config's flags are words
gcc conformance/consumer/main.c "-DEXPECTED_VERSION=\"$version\"" $(pkg-config --cflags --libs cthreading) \
    -o "$work/consumer-pkg-config"
check_runs "$work/consumer-pkg-config"

cat >"$work/wrappers.cpp" <<'CPP'
#include <cthreading.hpp>
#include <cstdio>
#include <mutex>
int main()
{
    ct::lock lock;
    int counter = 0;
    {
        ct::thread worker;
        if (worker.start([&] { std::lock_guard<ct::lock> guard(lock); counter++; }) != CT_OK) return 1;
    }
    std::printf("cthreading.hpp %s\n", counter == 1 ? "works" : "failed");
    return counter == 1 ? 0 : 1;
}
CPP
# shellcheck disable=SC2046
g++ -std=c++11 "$work/wrappers.cpp" $(pkg-config --cflags --libs cthreading) -o "$work/wrappers"
check_runs "$work/wrappers"

dpkg -r cthreading >/dev/null
trap - EXIT
if [[ -e /usr/include/cthreading.h ]]; then
  echo "ci/package.sh: dpkg -r left /usr/include/cthreading.h behind" >&2
  exit 1
fi
echo "ci/package.sh: installed $(basename "$deb"), built and ran three consumers against it, removed it"
