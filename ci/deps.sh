#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, with apt-get, whatever the build needs and this machine lacks.
#
#   bash ci/deps.sh            cmake, ninja, gcc, clang, pkg-config, musl-gcc,
#                              valgrind (every stage of ci/test.sh but win32)
#   bash ci/deps.sh --win32    + mingw-w64 and wine (the win32 stage)
#   bash ci/deps.sh --bench    + google benchmark and the peers' libraries: glib,
#                              abseil, oneTBB, Boost (Asio), Concurrency Kit
#   bash ci/deps.sh --cross    + qemu-user and the Debian cross compilers and C
#                              libraries of the qemu stages (aarch64, armhf, i686,
#                              s390x, riscv64, ppc64le); with --win32, clang's
#                              mingw-w64 stages need nothing more
#   bash ci/deps.sh --adopt    + g++, doxygen (docs target), abigail-tools
#                              (the abi stage), dpkg (the package stage)
#
# Nothing is installed, and apt-get is not run at all, when everything is present.
set -euo pipefail

want_win32=0
want_bench=0
want_cross=0
want_adopt=0
for arg in "$@"; do
  case "$arg" in
    --win32) want_win32=1 ;;
    --bench) want_bench=1 ;;
    --cross) want_cross=1 ;;
    --adopt) want_adopt=1 ;;
    *) echo "ci/deps.sh: unknown option '$arg' (expected --win32, --bench, --cross or --adopt)" >&2; exit 2 ;;
  esac
done

missing=()

# need_command COMMAND PACKAGE: PACKAGE is wanted when COMMAND is not on PATH.
need_command() {
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

# need_package PACKAGE: wanted when dpkg does not list it as installed.
# (Not `dpkg -s | grep -q`: grep quitting early makes pipefail see dpkg's SIGPIPE.)
need_package() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]] || missing+=("$1")
}

have_dpkg=0
command -v dpkg-query >/dev/null 2>&1 && have_dpkg=1

need_command cmake cmake
need_command ninja ninja-build
need_command gcc gcc
need_command clang clang
need_command pkg-config pkgconf        # the package tests
need_command musl-gcc musl-tools       # the musl stage
need_command valgrind valgrind         # the valgrind stage (helgrind.h included)
# gcc's Recommends, which --no-install-recommends would skip: the C library headers.
if [[ $have_dpkg == 1 ]]; then
  need_package libc6-dev
  need_package linux-libc-dev          # linux/futex.h, which the musl stage borrows too
  # clang's Recommends: the sanitizer runtimes and <sanitizer/tsan_interface.h>
  # (the tsan stage; api/tsan.c). Debian 12's clang is clang 14.
  need_package libclang-rt-14-dev
fi
need_command g++ g++                   # the C++ conformance tests (clang++ comes with clang)
if [[ $want_adopt == 1 ]]; then
  need_command doxygen doxygen         # the docs target
  need_command abidw abigail-tools     # the abi stage: abidw, abidiff
  need_command dpkg-deb dpkg           # the package stage: dpkg -i / -r
fi
if [[ $want_win32 == 1 ]]; then
  need_command x86_64-w64-mingw32-gcc mingw-w64
  need_command wine wine
fi
if [[ $want_cross == 1 ]]; then
  need_command qemu-aarch64 qemu-user
  # GNU triple and Debian architecture of each qemu stage's CPU. gcc-<triple>
  # only recommends the C library, so it is named too.
  for cpu in aarch64-linux-gnu:arm64 arm-linux-gnueabihf:armhf i686-linux-gnu:i386 \
             s390x-linux-gnu:s390x riscv64-linux-gnu:riscv64 powerpc64le-linux-gnu:ppc64el; do
    need_command "${cpu%%:*}-gcc" "gcc-${cpu%%:*}"
    if [[ $have_dpkg == 1 ]]; then need_package "libc6-dev-${cpu##*:}-cross"; fi
  done
fi
if [[ $want_bench == 1 && $have_dpkg == 1 ]]; then
  need_package libbenchmark-dev
  need_package libglib2.0-dev
  need_package libabsl-dev
  need_package libtbb-dev
  need_package libboost-dev             # Boost.Asio, header-only
  need_package libck-dev
  need_command strace strace            # the no-system-call check of the benchmarks
fi

if [[ ${#missing[@]} == 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci/deps.sh: missing ${missing[*]}, and there is no apt-get to install them" >&2
  exit 1
fi
sudo=()
if [[ $(id -u) != 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ci/deps.sh: missing ${missing[*]}; run as root (or install sudo) to install them" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "ci/deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" apt-get update -qq &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ci/deps.sh: apt-get failed" >&2
  exit 1
fi
