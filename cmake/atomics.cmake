# SPDX-License-Identifier: MIT
# Some CPUs do some atomics through libatomic: gcc 12 on riscv64 calls it for
# every 1-byte compare-and-swap, 32-bit CPUs may for 8-byte ones. The inline
# fast paths in cthreading.h compile such operations into the user's code too,
# so when atomics on a byte and on 64 bits do not link by themselves, libatomic
# is a PUBLIC dependency: of the target, the exported package and the .pc file.
include(CheckCSourceCompiles)
set(ct_atomics_probe "
#include <stdint.h>
unsigned char b; uint64_t q;
int main(void)
{
    unsigned char eb = 0; uint64_t eq = 0;
    int ok = __atomic_compare_exchange_n(&b, &eb, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    ok += __atomic_compare_exchange_n(&q, &eq, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    __atomic_fetch_or(&b, 2, __ATOMIC_ACQ_REL);
    __atomic_exchange_n(&b, 3, __ATOMIC_ACQ_REL);
    __atomic_fetch_add(&q, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&q, __atomic_load_n(&q, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
    return ok;
}")
set(CT_PC_LIBS "")
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  check_c_source_compiles("${ct_atomics_probe}" CT_ATOMICS_LINK_ALONE)
  if(NOT CT_ATOMICS_LINK_ALONE)
    set(CMAKE_REQUIRED_LIBRARIES atomic)
    check_c_source_compiles("${ct_atomics_probe}" CT_ATOMICS_NEED_LIBATOMIC)
    unset(CMAKE_REQUIRED_LIBRARIES)
    if(NOT CT_ATOMICS_NEED_LIBATOMIC)
      message(FATAL_ERROR "atomics on a byte and on 64 bits link neither alone nor with -latomic")
    endif()
    target_link_libraries(cthreading PUBLIC atomic)
    set(CT_PC_LIBS " -latomic")
  endif()
endif()
