/* LoongArch's uapi asm/unistd.h as of Linux 6.1 (Debian 12 has no loong64 cross headers): the calls it takes from
 * the generic table beyond the default set. fstat and newfstatat came back in 6.11 (__ARCH_WANT_NEW_STAT); they
 * are in data/syscalls-arch-specific-after-6.1.tsv. Read by eng/gen-tables.py only. */
#define __ARCH_WANT_SYS_CLONE
#define __ARCH_WANT_SYS_CLONE3
#include <asm-generic/unistd.h>
