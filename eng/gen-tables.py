#!/usr/bin/env python3
"""Generate the syscall and constant tables of Seccomp.Compiler from Debian's kernel and glibc headers.

Reads, for each of x86_64, aarch64, riscv64, arm (EABI), ppc64le, s390x and loongarch64 (see eng/README.md for
the last four; loongarch64 has no Debian 12 cross headers and reads the generic ones):
  * the Linux 6.1 uapi syscall numbers (asm/unistd_64.h on x86_64; asm/unistd.h -> asm-generic/unistd.h on
    aarch64 and riscv64, with the #if logic evaluated by the C preprocessor as that architecture sets it up);
  * data/syscalls-after-6.1.tsv (calls added after 6.1 with one number on every architecture) and
    data/syscalls-arch-specific-after-6.1.tsv (calls added after 6.1 on one architecture only), both up to
    TARGET_KERNEL, the newest release the tables cover;
  * named constants (O_*, AF_*, CLONE_*, ...) from the glibc and uapi headers of that architecture.

Writes src/Common/Tables/SyscallTable.{X86_64,Aarch64,Riscv64,Arm,Ppc64le,S390x,Loongarch64}.g.cs (linked into the runtime and the compiler)
and generator/Seccomp.Compiler/Tables/Constants.g.cs, each table one C# string constant of lines.

The headers are run through the host gcc's preprocessor only (`gcc -E`, with -nostdinc, the architecture's
include directories and its predefined macros); macro bodies and enumerators are then evaluated here with C's
integer rules for an LP64 target. As a check, the same expressions are also compiled by the host gcc
(which is LP64 like every target here) against each architecture's headers and the two results compared.

Usage: python3 eng/gen-tables.py [--check-libseccomp] [--no-cc-check]
Needs: gcc, linux-libc-dev, libc6-dev, linux-libc-dev-arm64-cross, libc6-dev-arm64-cross,
       linux-libc-dev-riscv64-cross, libc6-dev-riscv64-cross, linux-libc-dev-armhf-cross, libc6-dev-armhf-cross,
       linux-libc-dev-ppc64el-cross, libc6-dev-ppc64el-cross, linux-libc-dev-s390x-cross, libc6-dev-s390x-cross
       (Debian bookworm).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSCALL_OUT_DIR = os.path.join(ROOT, "src", "Common", "Tables")
CONSTANT_OUT_DIR = os.path.join(ROOT, "generator", "Seccomp.Compiler", "Tables")
AFTER_61_TSV = os.path.join(ROOT, "data", "syscalls-after-6.1.tsv")
ARCH_SPECIFIC_TSV = os.path.join(ROOT, "data", "syscalls-arch-specific-after-6.1.tsv")
# The newest kernel release the tables cover. A row of either TSV with a later first_kernel is an error: the
# tables promise every call up to this release and none after it (tests/Seccomp.Tests/Core/SyscallTableTests.cs
# compares them with this release's own syscall tables in data/kernel-tables/).
TARGET_KERNEL = "6.18"

# Host (x86_64) predefined macros that must not leak into a cross-architecture preprocessor run.
X86_PREDEFS = [
    "__x86_64__", "__x86_64", "__amd64__", "__amd64", "__k8", "__k8__", "__MMX__", "__MMX_WITH_SSE__",
    "__SSE__", "__SSE2__", "__SSE_MATH__", "__SSE2_MATH__", "__FXSR__", "__SEG_FS", "__SEG_GS",
    "__SIZEOF_FLOAT80__", "__SIZEOF_FLOAT128__", "__ATOMIC_HLE_ACQUIRE", "__ATOMIC_HLE_RELEASE",
    "__GCC_ASM_FLAG_OUTPUTS__", "__code_model_small__",
]

ARCHES = [
    {
        "key": "x86_64",
        "field": "X86_64",
        "file": "SyscallTable.X86_64.g.cs",
        "audit": "AUDIT_ARCH_X86_64",
        "summary": "x86_64 (AUDIT_ARCH_X86_64), 64-bit ABI; x32 entries (0x40000000 bit) are not listed.",
        "incdirs": ["/usr/include/x86_64-linux-gnu", "/usr/include"],
        "unistd": ["asm/unistd_64.h"],
        "unistd_shown": ["/usr/include/x86_64-linux-gnu/asm/unistd_64.h"],
        "undef": [],
        "define": [],
        "kernel_pkg": "linux-libc-dev",
        "libc_pkg": "libc6-dev",
    },
    {
        "key": "aarch64",
        "field": "Aarch64",
        "file": "SyscallTable.Aarch64.g.cs",
        "audit": "AUDIT_ARCH_AARCH64",
        "summary": "aarch64 (AUDIT_ARCH_AARCH64): the asm-generic table with arm64's __ARCH_WANT_* choices.",
        "incdirs": ["/usr/aarch64-linux-gnu/include"],
        "unistd": ["asm/unistd.h"],
        "unistd_shown": ["/usr/aarch64-linux-gnu/include/asm/unistd.h", "asm-generic/unistd.h"],
        "undef": X86_PREDEFS,
        "define": ["__aarch64__=1", "__AARCH64EL__=1", "__ARM_64BIT_STATE=1", "__ARM_ARCH=8",
                   "__ARM_ARCH_ISA_A64=1", "__CHAR_UNSIGNED__=1"],
        "kernel_pkg": "linux-libc-dev-arm64-cross",
        "libc_pkg": "libc6-dev-arm64-cross",
    },
    {
        "key": "riscv64",
        "field": "Riscv64",
        "file": "SyscallTable.Riscv64.g.cs",
        "audit": "AUDIT_ARCH_RISCV64",
        "summary": "riscv64 (AUDIT_ARCH_RISCV64): the asm-generic table with riscv64's __ARCH_WANT_* choices, "
                   "plus riscv_flush_icache and riscv_hwprobe.",
        "incdirs": ["/usr/riscv64-linux-gnu/include"],
        "unistd": ["asm/unistd.h"],
        "unistd_shown": ["/usr/riscv64-linux-gnu/include/asm/unistd.h", "asm-generic/unistd.h"],
        "undef": X86_PREDEFS,
        "define": ["__riscv=1", "__riscv_xlen=64", "__riscv_flen=64", "__riscv_float_abi_double=1",
                   "__riscv_atomic=1", "__riscv_mul=1", "__riscv_div=1", "__riscv_cmodel_medany=1",
                   "__CHAR_UNSIGNED__=1"],
        "kernel_pkg": "linux-libc-dev-riscv64-cross",
        "libc_pkg": "libc6-dev-riscv64-cross",
    },
    {
        "key": "arm",
        "field": "Arm",
        "file": "SyscallTable.Arm.g.cs",
        "audit": "AUDIT_ARCH_ARM",
        "summary": "arm (AUDIT_ARCH_ARM), EABI: the eabi and common rows, plus the ARM-private calls at 0x0f0000 "
                   "(cacheflush, set_tls, ...).",
        "incdirs": ["/usr/arm-linux-gnueabihf/include"],
        "unistd": ["asm/unistd.h"],
        "unistd_shown": ["/usr/arm-linux-gnueabihf/include/asm/unistd.h", "asm/unistd-eabi.h"],
        "undef": X86_PREDEFS + ["__LP64__", "_LP64", "__SIZEOF_LONG__", "__SIZEOF_POINTER__", "__SIZEOF_SIZE_T__",
                                "__SIZE_TYPE__", "__PTRDIFF_TYPE__", "__INTPTR_TYPE__", "__UINTPTR_TYPE__",
                                "__WCHAR_TYPE__", "__LONG_MAX__", "__SIZE_MAX__", "__PTRDIFF_MAX__"],
        "define": ["__arm__=1", "__ARM_EABI__=1", "__ARMEL__=1", "__ARM_ARCH=7", "__ARM_ARCH_7A__=1",
                   "__ARM_PCS_VFP=1", "__CHAR_UNSIGNED__=1", "__SIZEOF_LONG__=4", "__SIZEOF_POINTER__=4",
                   "__SIZEOF_SIZE_T__=4", "__SIZE_TYPE__=unsigned int", "__PTRDIFF_TYPE__=int",
                   "__INTPTR_TYPE__=int", "__UINTPTR_TYPE__=unsigned int", "__WCHAR_TYPE__=unsigned int",
                   "__LONG_MAX__=0x7fffffffL", "__SIZE_MAX__=0xffffffffU", "__PTRDIFF_MAX__=0x7fffffff",
                   "__ILP32__=1"],
        # The one 32-bit target: `long`, size_t and pointers are 4 bytes (ILP32).
        "long_bits": 32,
        # Private calls (__ARM_NR_*) are calls the kernel dispatches like any other (arch/arm/kernel/traps.c).
        "private_prefix": "__ARM_NR_",
        # Header aliases of a table row (arch/arm/include/uapi/asm/unistd.h): not a call of their own.
        "aliases": {"sync_file_range2"},
        "kernel_pkg": "linux-libc-dev-armhf-cross",
        "libc_pkg": "libc6-dev-armhf-cross",
    },
    {
        "key": "ppc64le",
        "field": "Ppc64le",
        "file": "SyscallTable.Ppc64le.g.cs",
        "audit": "AUDIT_ARCH_PPC64LE",
        "summary": "ppc64le (AUDIT_ARCH_PPC64LE): the common, 64 and nospu rows of powerpc's own table.",
        "incdirs": ["/usr/powerpc64le-linux-gnu/include"],
        "unistd": ["asm/unistd.h"],
        "unistd_shown": ["/usr/powerpc64le-linux-gnu/include/asm/unistd.h", "asm/unistd_64.h"],
        "undef": X86_PREDEFS,
        "define": ["__powerpc__=1", "__powerpc64__=1", "__PPC__=1", "__PPC64__=1", "_ARCH_PPC=1",
                   "_ARCH_PPC64=1", "__LITTLE_ENDIAN__=1", "_LITTLE_ENDIAN=1", "_CALL_ELF=2",
                   "__CHAR_UNSIGNED__=1", "__LONG_DOUBLE_128__=1", "__LONG_DOUBLE_IEEE128__=1"],
        # powerpc's terminal ioctls carry the size of their argument: termios is 4 tcflag_t, cc_t c_cc[19],
        # c_line, 2 speed_t (44 bytes); winsize 4 unsigned short; sgttyb 4 char + short; tchars, ltchars 6 char.
        "struct_sizes": {"struct termios": 44, "struct winsize": 8, "struct sgttyb": 6, "struct tchars": 6,
                         "struct ltchars": 6},
        "kernel_pkg": "linux-libc-dev-ppc64el-cross",
        "libc_pkg": "libc6-dev-ppc64el-cross",
    },
    {
        "key": "s390x",
        "field": "S390x",
        "file": "SyscallTable.S390x.g.cs",
        "audit": "AUDIT_ARCH_S390X",
        "summary": "s390x (AUDIT_ARCH_S390X), big-endian: the common and 64 rows of s390's own table.",
        "incdirs": ["/usr/s390x-linux-gnu/include"],
        "unistd": ["asm/unistd.h"],
        "unistd_shown": ["/usr/s390x-linux-gnu/include/asm/unistd.h", "asm/unistd_64.h"],
        "undef": X86_PREDEFS + ["__BYTE_ORDER__", "__ORDER_LITTLE_ENDIAN__", "__FLOAT_WORD_ORDER__"],
        "define": ["__s390__=1", "__s390x__=1", "__zarch__=1", "__CHAR_UNSIGNED__=1",
                   "__ORDER_LITTLE_ENDIAN__=1234", "__BYTE_ORDER__=4321", "__FLOAT_WORD_ORDER__=4321",
                   "__LONG_DOUBLE_128__=1"],
        "kernel_pkg": "linux-libc-dev-s390x-cross",
        "libc_pkg": "libc6-dev-s390x-cross",
    },
    {
        "key": "loongarch64",
        "field": "Loongarch64",
        "file": "SyscallTable.Loongarch64.g.cs",
        "audit": "AUDIT_ARCH_LOONGARCH64",
        "summary": "loongarch64 (AUDIT_ARCH_LOONGARCH64): the asm-generic table with loongarch's __ARCH_WANT_* "
                   "choices.",
        # Debian 12 has no loong64 cross headers. LoongArch's uapi asm/unistd.h of Linux 6.1 only chooses which
        # asm-generic calls it wants (eng/loongarch64-uapi/asm/unistd.h says the same); every other asm/ header
        # that the constants read is the asm-generic one on loongarch, as on riscv64, whose cross headers (and
        # generic-ABI glibc) stand in for them.
        "incdirs": [os.path.join(ROOT, "eng", "loongarch64-uapi"), "/usr/riscv64-linux-gnu/include"],
        "unistd": ["asm/unistd.h"],
        "unistd_shown": ["eng/loongarch64-uapi/asm/unistd.h", "asm-generic/unistd.h"],
        "undef": X86_PREDEFS,
        "define": ["__riscv=1", "__riscv_xlen=64", "__riscv_flen=64", "__riscv_float_abi_double=1",
                   "__riscv_atomic=1", "__riscv_mul=1", "__riscv_div=1", "__riscv_cmodel_medany=1"],
        "kernel_pkg": "linux-libc-dev-riscv64-cross",
        "libc_pkg": "libc6-dev-riscv64-cross",
    },
]

# __NR_* macros that are not system calls.
# (SYSCALL_BASE, SYSCALL_MASK, OABI_SYSCALL_BASE: arm's numbering bases.)
NOT_SYSCALLS = {"syscalls", "arch_specific_syscall", "SYSCALL_BASE", "SYSCALL_MASK", "OABI_SYSCALL_BASE"}

# Headers for the constants. The glibc view (what a C program sees) and the bare uapi view (what the kernel
# defines) are preprocessed separately: mixing them redefines macros.
GLIBC_HEADERS = [
    "fcntl.h", "unistd.h", "sys/stat.h", "sys/socket.h", "netinet/in.h", "sched.h", "sys/mman.h",
    "sys/prctl.h", "sys/ioctl.h", "signal.h", "sys/epoll.h", "sys/eventfd.h", "sys/random.h",
    "sys/personality.h", "sys/resource.h", "time.h", "sys/wait.h",
]
UAPI_HEADERS = [
    "linux/types.h", "linux/fcntl.h", "linux/stat.h", "linux/fs.h", "linux/sched.h", "linux/mman.h",
    "linux/prctl.h", "asm/ioctls.h", "asm/signal.h", "linux/socket.h", "asm/socket.h", "linux/in.h",
    "linux/eventpoll.h", "linux/memfd.h", "linux/random.h", "linux/futex.h", "linux/membarrier.h",
    "linux/personality.h", "linux/resource.h", "linux/time.h", "linux/wait.h", "linux/seccomp.h",
]

PERSONALITY_FLAGS = ["UNAME26", "ADDR_NO_RANDOMIZE", "FDPIC_FUNCPTRS", "MMAP_PAGE_ZERO", "ADDR_COMPAT_LAYOUT",
                     "READ_IMPLIES_EXEC", "ADDR_LIMIT_32BIT", "SHORT_INODE", "WHOLE_SECONDS", "STICKY_TIMEOUTS",
                     "ADDR_LIMIT_3GB"]

# (family label, full-match regex over the macro or enumerator name)
FAMILIES = [
    ("O_", r"O_\w+"),
    ("F_/FD_/*_OK", r"F_\w+|FD_CLOEXEC|[RWX]_OK"),
    ("AT_", r"AT_\w+"),
    ("SEEK_", r"SEEK_\w+"),
    ("S_IF", r"S_IF\w+"),
    ("AF_", r"AF_\w+"),
    ("SOCK_", r"SOCK_\w+"),
    ("SOL_", r"SOL_\w+"),
    ("SO_", r"SO_\w+"),
    ("MSG_", r"MSG_\w+"),
    ("IPPROTO_", r"IPPROTO_\w+"),
    ("CLONE_", r"CLONE_\w+"),
    ("PROT_", r"PROT_\w+"),
    ("MAP_", r"MAP_\w+"),
    ("MADV_", r"MADV_\w+"),
    ("MFD_", r"MFD_\w+"),
    ("PR_", r"PR_\w+"),
    ("ioctl", r"FIONBIO|FIONREAD|FIOCLEX|FIONCLEX|TCGETS|TCSETS|TCSETSW|TCSETSF|TIOC[A-Z0-9]+"),
    ("SIG", r"SIG[A-Z0-9]+"),
    ("EPOLL_", r"EPOLL_CLOEXEC|EPOLL_CTL_[A-Z]+"),
    ("EFD_", r"EFD_\w+"),
    ("GRND_", r"GRND_\w+"),
    ("FUTEX_", r"FUTEX_\w+"),
    ("MEMBARRIER_CMD_", r"MEMBARRIER_CMD_\w+"),
    ("personality", r"PER_\w+|" + "|".join(PERSONALITY_FLAGS)),
    ("SECCOMP_", r"SECCOMP_(?:SET_MODE|GET_ACTION|GET_NOTIF|FILTER_FLAG)_\w+"),
    ("RLIMIT_", r"RLIMIT_\w+"),
    ("CLOCK_", r"CLOCK_\w+"),
    ("P_/W*", r"P_ALL|P_PID|P_PGID|P_PIDFD|WNOHANG|WUNTRACED|WSTOPPED|WEXITED|WCONTINUED|WNOWAIT"),
]
FAMILY_RES = [(label, re.compile(pattern)) for label, pattern in FAMILIES]
# Names that match a family pattern but are not argument values (sizes computed at run time, pointers, ranges).
EXCLUDED_NAMES = {"SIGSTKSZ", "SIGRTMIN", "SIGRTMAX", "O_TMPFILE_MASK"}

# Values as the script must find them, per architecture (None: all architectures).
EXPECTED = [
    ("O_DIRECTORY", {"x86_64": 0x10000, "aarch64": 0x4000, "riscv64": 0x10000, "arm": 0x4000, "ppc64le": 0x4000,
                     "s390x": 0x10000, "loongarch64": 0x10000}),
    ("O_NOFOLLOW", {"x86_64": 0x20000, "aarch64": 0x8000, "riscv64": 0x20000, "arm": 0x8000, "ppc64le": 0x8000,
                    "s390x": 0x20000, "loongarch64": 0x20000}),
    ("O_CLOEXEC", 0x80000),
    ("AT_FDCWD", -100),
    ("AT_EMPTY_PATH", 0x1000),
    ("AF_INET", 2),
    ("AF_UNIX", 1),
    ("AF_VSOCK", 40),
    ("SOCK_CLOEXEC", 0x80000),
    ("CLONE_NEWUSER", 0x10000000),
    ("CLONE_INTO_CGROUP", 0x200000000),
    # powerpc encodes its terminal ioctls with _IOR/_IOW (TCGETS: _IOR('t', 19, struct termios)).
    ("FIONBIO", {"x86_64": 0x5421, "aarch64": 0x5421, "riscv64": 0x5421, "arm": 0x5421, "ppc64le": 0x8004667E,
                 "s390x": 0x5421, "loongarch64": 0x5421}),
    ("TCGETS", {"x86_64": 0x5401, "aarch64": 0x5401, "riscv64": 0x5401, "arm": 0x5401, "ppc64le": 0x402C7413,
                "s390x": 0x5401, "loongarch64": 0x5401}),
    ("SIGKILL", 9),
    ("SIGSYS", 31),
    ("PR_SET_NO_NEW_PRIVS", 38),
    ("SECCOMP_SET_MODE_FILTER", 1),
    ("SECCOMP_GET_ACTION_AVAIL", 2),
    ("FUTEX_PRIVATE_FLAG", 128),
    ("MEMBARRIER_CMD_GLOBAL", 1),
    ("ADDR_NO_RANDOMIZE", 0x40000),
    ("P_PIDFD", 3),
    ("EPOLL_CLOEXEC", 0x80000),
]
EXPECTED_SYSCALLS = [
    ("read", {"x86_64": 0, "aarch64": 63, "riscv64": 63, "arm": 3, "ppc64le": 3, "s390x": 3, "loongarch64": 63}),
    ("newfstatat", {"x86_64": 262, "aarch64": 79, "riscv64": 79, "arm": None, "ppc64le": 291, "s390x": 293,
                    "loongarch64": 79}),
    ("seccomp", {"x86_64": 317, "aarch64": 277, "riscv64": 277, "arm": 383, "ppc64le": 358, "s390x": 348,
                 "loongarch64": 277}),
    ("cacheflush", {"x86_64": None, "aarch64": None, "riscv64": None, "arm": 0x0F0002, "ppc64le": None,
                    "s390x": None, "loongarch64": None}),
    ("clone3", 435),
    ("futex_waitv", 449),
    ("set_mempolicy_home_node", 450),
    ("cachestat", 451),
]


class EvalError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Running the preprocessor

def gcc_include_dir():
    out = subprocess.run(["gcc", "-print-file-name=include"], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def header_exists(arch, header):
    return any(os.path.exists(os.path.join(d, header)) for d in arch["incdirs"])


def cpp_args(arch):
    args = ["-nostdinc", "-isystem", gcc_include_dir()]
    for d in arch["incdirs"]:
        args += ["-isystem", d]
    args += ["-U" + m for m in arch["undef"]]
    args += ["-D" + m for m in arch["define"]]
    return args


def run_gcc(arch, source, extra):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.c")
        with open(path, "w") as f:
            f.write(source)
        cmd = ["gcc", "-std=gnu11"] + extra + cpp_args(arch) + [path]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError("gcc failed for %s:\n%s\n%s" % (arch["key"], " ".join(cmd), proc.stderr))
        return proc.stdout


def probe_source(headers, gnu):
    lines = ["#define _GNU_SOURCE 1"] if gnu else []
    lines += ["#include <%s>" % h for h in headers]
    return "\n".join(lines) + "\n"


DEFINE_RE = re.compile(r"#define\s+(\w+)(\(([^)]*)\))?\s*(.*)$")


def read_macros(text):
    """Parse `gcc -dM` output into {name: (params or None, body)}."""
    macros = {}
    for line in text.splitlines():
        m = DEFINE_RE.match(line)
        if not m:
            continue
        name, has_params, params, body = m.group(1), m.group(2), m.group(3), m.group(4)
        if has_params is not None:
            macros[name] = ([p.strip() for p in params.split(",") if p.strip()], body)
        else:
            macros[name] = (None, body)
    return macros


# ---------------------------------------------------------------------------------------------------------
# C integer expressions (LP64)

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\.?[0-9](?:[eEpP][+-]|[0-9a-zA-Z_.])*)
  | (?P<chr>'(?:\\.|[^\\'])+')
  | (?P<str>"(?:\\.|[^\\"])*")
  | (?P<id>[A-Za-z_]\w*)
  | (?P<op><<=|>>=|\.\.\.|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\#\#|[-+*/%&|^~!<>?:(),.\[\]{};=#])
""", re.VERBOSE)


def tokenize(text):
    tokens = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise EvalError("cannot tokenize %r" % text[pos:pos + 20])
        pos = m.end()
        if m.lastgroup != "ws":
            tokens.append(m.group(0))
    return tokens


INT, UINT, LONG, ULONG = (32, True), (32, False), (64, True), (64, False)
LLONG, ULLONG = (64, True), (64, False)
# `long` and pointers are 64 bits on every target but arm (ILP32); set_data_model switches them before an
# architecture's headers are evaluated. LONG/ULONG stay the 64-bit types the tables are written in.
C_LONG, C_ULONG, POINTER_BYTES = LONG, ULONG, 8
# sizeof of the structs an architecture's ioctl numbers encode (powerpc's _IOR('t', 19, struct termios)...), from
# that architecture's uapi asm/termbits.h and asm/ioctls.h; set per architecture like the data model.
STRUCT_SIZES = {}

BASE_TYPES = {
    ("char",): (8, True), ("signed", "char"): (8, True), ("unsigned", "char"): (8, False),
    ("short",): (16, True), ("unsigned", "short"): (16, False),
    ("int",): INT, ("signed",): INT, ("unsigned",): UINT,
    ("long",): LONG, ("unsigned", "long"): ULONG,
    ("long", "long"): LLONG, ("unsigned", "long", "long"): ULLONG,
    ("_Bool",): (8, False),
}
TYPE_WORDS = {"char", "short", "int", "long", "signed", "unsigned", "_Bool", "__signed__", "__signed",
              "const", "volatile", "__const", "__extension__"}


def set_data_model(long_bits):
    """LP64 (long_bits 64) or ILP32 (32): the size of `long`, `size_t` and pointers for the next evaluation."""
    global C_LONG, C_ULONG, POINTER_BYTES
    C_LONG, C_ULONG, POINTER_BYTES = (long_bits, True), (long_bits, False), long_bits // 8
    BASE_TYPES[("long",)] = C_LONG
    BASE_TYPES[("unsigned", "long")] = C_ULONG


def base_type(words):
    """Map a list of type specifier words (any order) to (bits, signed), or None."""
    w = [x for x in words if x not in ("const", "volatile", "__const", "__extension__")]
    w = ["signed" if x in ("__signed__", "__signed") else x for x in w]
    if not w:
        return None
    if w.count("long") == 2:
        core = ("long", "long")
    elif "long" in w:
        core = ("long",)
    elif "short" in w:
        core = ("short",)
    elif "char" in w:
        core = ("char",)
    elif "_Bool" in w:
        core = ("_Bool",)
    else:
        core = ()
    if "unsigned" in w:
        key = ("unsigned",) + core if core else ("unsigned",)
    elif "signed" in w and core == ("char",):
        key = ("signed", "char")
    else:
        key = core if core else ("int",)
    return BASE_TYPES.get(key)


def wrap(value, ctype):
    bits, signed = ctype
    value &= (1 << bits) - 1
    if signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def promote(ctype):
    return INT if ctype[0] < 32 else ctype


def common_type(a, b):
    a, b = promote(a), promote(b)
    if a == b:
        return a
    if a[1] == b[1]:
        return a if a[0] > b[0] else b
    u, s = (a, b) if not a[1] else (b, a)
    if u[0] >= s[0]:
        return u
    return s


def literal(tok):
    if tok.startswith("'"):
        body = tok[1:-1]
        if body.startswith("\\"):
            esc = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, "'": 39, '"': 34, "a": 7, "b": 8, "f": 12,
                   "v": 11}
            if body[1:] in esc:
                return (esc[body[1:]], INT)
            if body[1] == "x":
                return (wrap(int(body[2:], 16), (8, True)), INT)
            if body[1:].isdigit():
                return (wrap(int(body[1:], 8), (8, True)), INT)
            raise EvalError("char literal " + tok)
        if len(body) != 1:
            raise EvalError("char literal " + tok)
        return (ord(body), INT)
    m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)", tok)
    if not m:
        raise EvalError("not an integer literal: " + tok)
    digits, suffix = m.group(1), m.group(2).lower()
    if digits[:2].lower() == "0x":
        value, decimal = int(digits, 16), False
    elif digits[:2].lower() == "0b":
        value, decimal = int(digits[2:], 2), False
    elif digits.startswith("0"):
        value, decimal = int(digits, 8), False
    else:
        value, decimal = int(digits), True
    unsigned = "u" in suffix
    longs = suffix.count("l")
    if suffix.replace("u", "") not in ("", "l", "ll") or suffix.count("u") > 1:
        raise EvalError("bad suffix " + tok)
    candidates = []
    if not unsigned:
        if longs == 0:
            candidates.append(INT)
            if not decimal:
                candidates.append(UINT)
        if longs <= 1:
            candidates.append(C_LONG)
            if not decimal:
                candidates.append(C_ULONG)
        candidates.append(LLONG)
        if not decimal:
            candidates.append(ULLONG)
    else:
        if longs == 0:
            candidates.append(UINT)
        if longs <= 1:
            candidates.append(C_ULONG)
        candidates.append(ULLONG)
    for ctype in candidates:
        if wrap(value, ctype) == value:
            return (value, ctype)
    raise EvalError("literal too large: " + tok)


class Evaluator:
    """Expands macros and evaluates integer constant expressions with C semantics for an LP64 target."""

    def __init__(self, macros, enums, typedefs):
        self.macros = macros
        self.enums = enums          # name -> (value, ctype)
        self.typedefs = typedefs    # name -> (bits, signed) or "ptr"
        self.cache = {}

    # --- macro expansion -------------------------------------------------------------------------------
    def expand(self, tokens, hide, depth=0):
        if depth > 200:
            raise EvalError("macro recursion too deep")
        out = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok in ("#", "##"):
                raise EvalError("stringizing or pasting")
            if tok in self.macros and tok not in hide and (tok[0].isalpha() or tok[0] == "_"):
                params, body = self.macros[tok]
                if params is None:
                    out.extend(self.expand(tokenize(body), hide | {tok}, depth + 1))
                    i += 1
                    continue
                if i + 1 < len(tokens) and tokens[i + 1] == "(":
                    args, i = self.collect_args(tokens, i + 2)
                    if not params and args == [[]]:
                        args = []
                    if "..." in params or len(args) != len(params):
                        raise EvalError("macro %s: variadic or wrong argument count" % tok)
                    body_tokens = tokenize(body)
                    if "#" in body_tokens or "##" in body_tokens:
                        raise EvalError("macro %s uses # or ##" % tok)
                    expanded_args = {p: self.expand(a, hide, depth + 1) for p, a in zip(params, args)}
                    substituted = []
                    for bt in body_tokens:
                        substituted.extend(expanded_args.get(bt, [bt]))
                    out.extend(self.expand(substituted, hide | {tok}, depth + 1))
                    continue
            out.append(tok)
            i += 1
        return out

    @staticmethod
    def collect_args(tokens, i):
        args, cur, depth = [], [], 0
        while i < len(tokens):
            tok = tokens[i]
            if tok == "(":
                depth += 1
            elif tok == ")":
                if depth == 0:
                    args.append(cur)
                    return args, i + 1
                depth -= 1
            elif tok == "," and depth == 0:
                args.append(cur)
                cur = []
                i += 1
                continue
            cur.append(tok)
            i += 1
        raise EvalError("unterminated macro arguments")

    # --- evaluation -------------------------------------------------------------------------------------
    def value_of(self, name):
        """(value, ctype) of a macro or enumerator, or raise EvalError."""
        if name in self.cache:
            result = self.cache[name]
            if isinstance(result, EvalError):
                raise result
            return result
        try:
            if name in self.macros:
                params, body = self.macros[name]
                if params is not None:
                    raise EvalError("function-like macro")
                result = self.evaluate(self.expand(tokenize(body), frozenset([name])))
            elif name in self.enums:
                result = self.enums[name]
            else:
                raise EvalError("unknown name " + name)
        except EvalError as e:
            self.cache[name] = e
            raise
        self.cache[name] = result
        return result

    def evaluate(self, tokens):
        if not tokens:
            raise EvalError("empty expression")
        self.toks = tokens
        self.pos = 0
        result = self.conditional()
        if self.pos != len(self.toks):
            raise EvalError("trailing tokens: " + " ".join(self.toks[self.pos:]))
        return result

    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self, expected=None):
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise EvalError("expected %s, got %s" % (expected, tok))
        self.pos += 1
        return tok

    def conditional(self):
        cond = self.binary(0)
        if self.peek() != "?":
            return cond
        self.take("?")
        a = self.conditional()
        self.take(":")
        b = self.conditional()
        ctype = common_type(a[1], b[1])
        chosen = a if cond[0] != 0 else b
        return (wrap(chosen[0], ctype), ctype)

    BINARY = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"],
        ["+", "-"], ["*", "/", "%"],
    ]

    def binary(self, level):
        if level == len(self.BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self.BINARY[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = self.apply(op, left, right)
        return left

    @staticmethod
    def apply(op, left, right):
        (a, ta), (b, tb) = left, right
        if op in ("&&", "||"):
            return (int(bool(a) and bool(b)) if op == "&&" else int(bool(a) or bool(b)), INT)
        if op in ("<<", ">>"):
            ctype = promote(ta)
            if b < 0 or b >= ctype[0]:
                raise EvalError("shift count out of range")
            return (wrap(a << b if op == "<<" else a >> b, ctype), ctype)
        ctype = common_type(ta, tb)
        a, b = wrap(a, ctype), wrap(b, ctype)
        if op in ("==", "!=", "<", ">", "<=", ">="):
            res = {"==": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
            return (int(res), INT)
        if op == "+":
            v = a + b
        elif op == "-":
            v = a - b
        elif op == "*":
            v = a * b
        elif op in ("/", "%"):
            if b == 0:
                raise EvalError("division by zero")
            q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
            v = q if op == "/" else a - q * b
        elif op == "&":
            v = a & b
        elif op == "|":
            v = a | b
        elif op == "^":
            v = a ^ b
        else:
            raise EvalError("operator " + op)
        return (wrap(v, ctype), ctype)

    def unary(self):
        tok = self.peek()
        if tok in ("-", "+", "~", "!"):
            self.take()
            v, t = self.unary()
            t = promote(t)
            if tok == "-":
                return (wrap(-v, t), t)
            if tok == "+":
                return (v, t)
            if tok == "~":
                return (wrap(~v, t), t)
            return (int(v == 0), INT)
        if tok == "sizeof":
            self.take()
            if self.peek() == "(":
                save = self.pos
                self.take("(")
                ctype = self.try_type_name()
                if ctype is not None and self.peek() == ")":
                    self.take(")")
                    return (self.size_of(ctype), C_ULONG)
                self.pos = save
            raise EvalError("sizeof of an expression")
        if tok == "(":
            save = self.pos
            self.take("(")
            ctype = self.try_type_name()
            if ctype is not None and self.peek() == ")":
                self.take(")")
                v, t = self.unary()
                if ctype == "ptr" or ctype[0] == "struct":
                    raise EvalError("cast to a pointer or aggregate")
                return (wrap(v, ctype), ctype)
            self.pos = save
        return self.primary()

    def try_type_name(self):
        """Parse a type name at the cursor; return (bits, signed), "ptr", ("struct", name) or None (restored)."""
        start = self.pos
        words = []
        named = None
        while True:
            tok = self.peek()
            if tok in TYPE_WORDS:
                words.append(self.take())
            elif tok in ("struct", "union") and named is None and not words:
                self.take()
                named = ("struct", tok + " " + self.take())
            elif tok == "void" and named is None and not words:
                self.take()
                named = "void"
            elif tok in self.typedefs and named is None and not [w for w in words if w not in (
                    "const", "volatile", "__const", "__extension__")]:
                named = self.typedefs[self.take()]
            else:
                break
        pointer = False
        while self.peek() in ("*", "const", "volatile", "__const", "__restrict", "restrict"):
            if self.take() == "*":
                pointer = True
        if named is None and not words:
            self.pos = start
            return None
        if pointer:
            return "ptr"
        if named is not None:
            if named == "void":
                raise EvalError("void")
            return named
        ctype = base_type(words)
        if ctype is None:
            self.pos = start
            return None
        return ctype

    @staticmethod
    def size_of(ctype):
        if ctype == "ptr":
            return POINTER_BYTES
        if ctype[0] == "struct":
            if ctype[1] in STRUCT_SIZES:
                return STRUCT_SIZES[ctype[1]]
            raise EvalError("sizeof(%s) unknown" % ctype[1])
        return ctype[0] // 8

    def primary(self):
        tok = self.take()
        if tok == "(":
            v = self.conditional()
            self.take(")")
            return v
        if tok[0].isdigit() or tok[0] == "'":
            return literal(tok)
        if tok[0].isalpha() or tok[0] == "_":
            if self.peek() == "(":
                raise EvalError("function call " + tok)
            if tok in self.enums:
                return self.enums[tok]
            raise EvalError("unknown identifier " + tok)
        raise EvalError("unexpected token " + tok)


TYPEDEF_RE = re.compile(r"\btypedef\s+([\w\s]+?)\s+(\w+)\s*;")


def read_typedefs(preprocessed):
    typedefs = {"size_t": C_ULONG, "ssize_t": C_LONG}
    text = re.sub(r"\s+", " ", preprocessed)
    for m in TYPEDEF_RE.finditer(text):
        words, name = m.group(1).split(), m.group(2)
        words = [w for w in words if w not in ("__extension__",)]
        if all(w in TYPE_WORDS for w in words):
            ctype = base_type(words)
        elif len(words) == 1 and words[0] in typedefs:
            ctype = typedefs[words[0]]
        else:
            continue
        if ctype is not None:
            typedefs[name] = ctype
    return typedefs


ENUM_RE = re.compile(r"\benum\b\s*(?:__attribute__\s*\(\([^)]*\)\)\s*)?(\w+)?\s*\{")


def read_enums(preprocessed, typedefs):
    """Enumerators of every enum in preprocessed C text: name -> (value, ctype)."""
    text = re.sub(r"\s+", " ", preprocessed)
    enums = {}
    ev = Evaluator({}, enums, typedefs)
    for m in ENUM_RE.finditer(text):
        end = text.index("}", m.end())
        body = text[m.end():end]
        items, depth, cur = [], 0, ""
        for ch in body:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            if ch == "," and depth == 0:
                items.append(cur)
                cur = ""
            else:
                cur += ch
        items.append(cur)
        nxt = 0
        for item in items:
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition("=")
            name = name.strip()
            if not re.fullmatch(r"\w+", name):
                break
            if expr.strip():
                try:
                    value = ev.evaluate(tokenize(expr))[0]
                except EvalError:
                    break
            else:
                value = nxt
            if -(1 << 31) <= value < (1 << 31):
                ctype = INT
            elif 0 <= value < (1 << 32):
                ctype = UINT
            elif -(1 << 63) <= value < (1 << 63):
                ctype = LONG
            else:
                ctype = ULONG
            enums[name] = (value, ctype)
            nxt = value + 1
    return enums


# ---------------------------------------------------------------------------------------------------------
# Syscalls

def pkg_version(pkg):
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit("package %s is not installed (see eng/README.md)" % pkg)
    return proc.stdout.strip()


def linux_version(arch, macros):
    for name in ("LINUX_VERSION_MAJOR", "LINUX_VERSION_PATCHLEVEL"):
        if name not in macros:
            raise SystemExit("%s: linux/version.h has no %s" % (arch["key"], name))
    return "%s.%s" % (macros["LINUX_VERSION_MAJOR"][1], macros["LINUX_VERSION_PATCHLEVEL"][1])


def read_syscalls(arch):
    for h in arch["unistd"]:
        if not header_exists(arch, h):
            raise SystemExit("%s: %s not found under %s; install %s" % (
                arch["key"], h, arch["incdirs"], arch["kernel_pkg"]))
    src = probe_source(arch["unistd"] + ["linux/version.h"], gnu=False)
    macros = read_macros(run_gcc(arch, src, ["-E", "-dM"]))
    version = linux_version(arch, macros)
    ev = Evaluator(macros, {}, {})
    table = {}
    private = arch.get("private_prefix")
    for name in macros:
        if name.startswith("__NR_"):
            call = name[len("__NR_"):]
        elif private and name.startswith(private) and name != private + "BASE":
            call = name[len(private):]
        else:
            continue
        if call in NOT_SYSCALLS or call in arch.get("aliases", ()):
            continue
        try:
            value, _ = ev.value_of(name)
        except EvalError as e:
            print("  %s: skipping %s: %s" % (arch["key"], name, e))
            continue
        if not 0 <= value < 0x40000000:
            raise SystemExit("%s: %s = %d is out of range" % (arch["key"], name, value))
        table[call] = value
    return table, version


def kernel_key(version):
    return tuple(int(x) for x in version.split("."))


def read_tsv(path, columns):
    """Rows of a tab-separated file whose first line names `columns` (in that order) as dicts."""
    if not os.path.exists(path):
        raise SystemExit("%s not found" % path)
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        if header != columns:
            raise SystemExit("%s: header %r, expected %r" % (path, header, columns))
        for n, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != len(columns):
                raise SystemExit("%s:%d: %d columns, expected %d" % (path, n, len(cols), len(columns)))
            row = dict(zip(columns, cols))
            row["number"] = int(row["number"])
            if not re.fullmatch(r"\d+\.\d+", row["first_kernel"]):
                raise SystemExit("%s:%d: first_kernel %r is not a release" % (path, n, row["first_kernel"]))
            if kernel_key(row["first_kernel"]) > kernel_key(TARGET_KERNEL):
                raise SystemExit("%s:%d: %s came in %s, after %s, the newest release the tables cover" % (
                    path, n, row["name"], row["first_kernel"], TARGET_KERNEL))
            rows.append(row)
    return rows


def read_after_61():
    rows = read_tsv(AFTER_61_TSV, ["number", "name", "first_kernel"])
    return [(r["number"], r["name"], r["first_kernel"]) for r in rows]


def read_arch_specific():
    rows = read_tsv(ARCH_SPECIFIC_TSV, ["arch", "number", "name", "first_kernel"])
    known = set(a["key"] for a in ARCHES)
    for r in rows:
        if r["arch"] not in known:
            raise SystemExit("%s: unknown arch %r (one of %s)" % (ARCH_SPECIFIC_TSV, r["arch"], sorted(known)))
    return rows


def merge_after_61(arch, table, rows):
    by_number = {nr: name for name, nr in table.items()}
    added = 0
    for nr, name, _ in rows:
        if name in table:
            if table[name] != nr:
                raise SystemExit("%s: %s is %d in the headers but %d in the tsv" % (arch["key"], name,
                                                                                 table[name], nr))
            continue
        if nr in by_number:
            raise SystemExit("%s: number %d of %s is already %s" % (arch["key"], nr, name, by_number[nr]))
        table[name] = nr
        by_number[nr] = name
        added += 1
    return added


# ---------------------------------------------------------------------------------------------------------
# Constants

def family_of(name):
    if name in EXCLUDED_NAMES:
        return None
    for label, rx in FAMILY_RES:
        if rx.fullmatch(name):
            return label
    return None


def constant_view(arch, headers, gnu):
    present = [h for h in headers if header_exists(arch, h)]
    missing = [h for h in headers if h not in present]
    for h in missing:
        print("  %s: header %s not found, skipped" % (arch["key"], h))
    src = probe_source(present, gnu)
    macros = read_macros(run_gcc(arch, src, ["-E", "-dM"]))
    pre = run_gcc(arch, src, ["-E", "-P"])
    typedefs = read_typedefs(pre)
    enums = read_enums(pre, typedefs)
    ev = Evaluator(macros, enums, typedefs)
    values, failed = {}, {}
    names = set(n for n, (p, _) in macros.items() if p is None) | set(enums)
    for name in sorted(names):
        if family_of(name) is None:
            continue
        try:
            value, ctype = ev.value_of(name)
        except EvalError as e:
            failed[name] = str(e)
            continue
        values[name] = (value, ctype)
    return values, failed, src, macros


def accept_value(name, value):
    """Filters that need the value: signal numbers are 1..64."""
    if family_of(name) == "SIG" and not 1 <= value <= 64:
        return False
    return True


def read_constants(arch):
    glibc, glibc_failed, glibc_src, glibc_macros = constant_view(arch, GLIBC_HEADERS, gnu=True)
    uapi, uapi_failed, uapi_src, _ = constant_view(arch, UAPI_HEADERS, gnu=False)
    result, origin, notes = {}, {}, []
    for name in sorted(set(glibc) | set(uapi)):
        g, u = glibc.get(name), uapi.get(name)
        if g is not None and u is not None and g[0] != u[0]:
            # glibc hides O_LARGEFILE (0 on LP64: the kernel forces it for 64-bit processes); the syscall
            # argument is the kernel's, so the uapi value wins wherever the two differ.
            notes.append("%s: glibc %d, uapi %d (uapi used)" % (name, g[0], u[0]))
        chosen, src = (u, "uapi") if u is not None else (g, "glibc")
        if not accept_value(name, chosen[0]):
            continue
        result[name] = chosen[0]
        origin[name] = src
    failed = {n: e for n, e in list(glibc_failed.items()) + list(uapi_failed.items()) if n not in result}
    glibc_ver = "%s.%s" % (glibc_macros["__GLIBC__"][1], glibc_macros["__GLIBC_MINOR__"][1])
    return result, origin, failed, notes, (glibc_src, glibc), (uapi_src, uapi), glibc_ver


def cc_check(arch, probe, values):
    """Compile the constant expressions with the host gcc against this architecture's headers and compare."""
    src, evaluated = probe
    names = sorted(evaluated)
    lines = [src]
    for n in names:
        lines.append("const long long __chk_%s = (long long)(%s);" % (n, n))
    try:
        asm = run_gcc(arch, "\n".join(lines) + "\n", ["-S", "-O0", "-w", "-o", "-"])
    except RuntimeError as e:
        print("  %s: cc check skipped: %s" % (arch["key"], str(e).splitlines()[0]))
        return None
    got = {}
    current = None
    for line in asm.splitlines():
        m = re.match(r"__chk_(\w+):", line)
        if m:
            current = m.group(1)
            continue
        if current is not None:
            m = re.match(r"\s+\.(quad|zero)\s+(-?\w+)", line)
            if m:
                got[current] = 0 if m.group(1) == "zero" else int(m.group(2), 0)
                current = None
    bad = []
    for n in names:
        mine = wrap(evaluated[n][0], LONG)
        if got.get(n) != mine:
            bad.append("%s: evaluator %s, gcc %s" % (n, mine, got.get(n)))
    return len(names), bad


# ---------------------------------------------------------------------------------------------------------
# Output

def csharp_long(value):
    if value < 0:
        return str(value)
    if value < 4096:
        return str(value)
    return "0x%X" % value


def write(path, text):
    with open(path, "w", newline="\n") as f:
        f.write(text)
    print("wrote %s" % os.path.relpath(path, ROOT))


def string_lines(pairs):
    """C# source lines of one string constant: `"a b\\n" +` per pair, the last one ending in `;`."""
    lines = ['            "%s %s\\n" +' % (a, b) for a, b in pairs]
    lines[-1] = lines[-1][:-len(" +")] + ";"
    return lines


def syscall_file(arch, table, version):
    shown = " and ".join(arch["unistd_shown"])
    lines = [
        "// <auto-generated>",
        "// Generated by eng/gen-tables.py from %s (Linux %s uapi, Debian %s %s)" % (
            shown, version, arch["kernel_pkg"], pkg_version(arch["kernel_pkg"])),
        "// and data/syscalls-after-6.1.tsv, data/syscalls-arch-specific-after-6.1.tsv (calls up to Linux %s)." % (
            TARGET_KERNEL),
        "// Do not edit: run `python3 eng/gen-tables.py`.",
        "// </auto-generated>",
        "// Linked into the runtime and the compiler core. One string, parsed on first use: a literal costs the JIT "
        "nothing,",
        "// where an array initializer of this size is a method the JIT compiles at every cold start.",
        "#if SECCOMP_COMPILER",
        "namespace Seccomp.Compiler.Tables",
        "#else",
        "namespace Seccomp.Common.Tables",
        "#endif",
        "{",
        "    internal static partial class SyscallData",
        "    {",
        '        /// <summary>%s One "name number" per line, by number.</summary>' % arch["summary"],
        "        internal const string %s =" % arch["field"],
    ]
    lines += string_lines((name, nr) for name, nr in sorted(table.items(), key=lambda kv: (kv[1], kv[0])))
    lines += ["    }", "}", ""]
    return "\n".join(lines)


def constants_file(per_arch, sources):
    lines = [
        "// <auto-generated>",
        "// Generated by eng/gen-tables.py from the glibc and Linux uapi headers of each architecture:",
    ]
    for s in sources:
        lines.append("//   %s" % s)
    lines += [
        "// Where glibc and the uapi headers disagree (O_LARGEFILE), the uapi value is used.",
        "// Do not edit: run `python3 eng/gen-tables.py`.",
        "// </auto-generated>",
        "// One string per architecture, parsed on first use (a literal costs the JIT nothing; an initializer of "
        "this size does).",
        "// Linked into the runtime too (internal there): in-process reports name argument values with these constants.",
        "#if SECCOMP_COMPILER",
        "namespace Seccomp.Compiler.Tables",
        "#else",
        "namespace Seccomp.Common.Tables",
        "#endif",
        "{",
        "    internal static partial class ConstantData",
        "    {",
    ]
    first = True
    for arch, values in per_arch:
        if not first:
            lines.append("")
        first = False
        lines += [
            "        /// <summary>%s: flag and value macros for syscall arguments, as C sees them "
            "(unsigned 64-bit values above long.MaxValue are stored as their two's complement). "
            'One "NAME value" per line, by name.</summary>' % arch["key"],
            "        internal const string %s =" % arch["field"],
        ]
        lines += string_lines((name, csharp_long(wrap(values[name], LONG))) for name in sorted(values))
    lines += ["    }", "}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# libseccomp comparison (optional)

def check_libseccomp(tables):
    import ctypes
    import ctypes.util
    path = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    lib = ctypes.CDLL(path)
    lib.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    lib.seccomp_syscall_resolve_name_arch.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_num_arch.argtypes = [ctypes.c_uint32, ctypes.c_int]
    lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
    tokens = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7, "riscv64": 0xC00000F3}
    for key, table in tables:
        token = tokens[key]
        mismatch, unknown, missing = [], [], []
        for name, nr in sorted(table.items(), key=lambda kv: kv[1]):
            got = lib.seccomp_syscall_resolve_name_arch(token, name.encode())
            if got < 0:
                unknown.append(name)
            elif got != nr:
                mismatch.append("%s: ours %d, libseccomp %d" % (name, nr, got))
        for nr in range(0, 1024):
            ptr = lib.seccomp_syscall_resolve_num_arch(token, nr)
            if ptr:
                name = ctypes.string_at(ptr).decode()
                if table.get(name) != nr:
                    missing.append("%d %s" % (nr, name))
        print("libseccomp %s: %d checked, %d mismatches, %d unknown to libseccomp, %d only in libseccomp" % (
            key, len(table), len(mismatch), len(unknown), len(missing)))
        for line in mismatch:
            print("  mismatch: " + line)
        if unknown:
            print("  unknown to libseccomp: " + " ".join(unknown))
        if missing:
            print("  only in libseccomp: " + ", ".join(missing))


# ---------------------------------------------------------------------------------------------------------

def expect(values, name, spec, arch_key):
    want = spec.get(arch_key) if isinstance(spec, dict) else spec
    got = values.get(name)
    assert got == want, "%s %s: expected %r, got %r" % (arch_key, name, want, got)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check-libseccomp", action="store_true",
                    help="compare the syscall numbers with the installed libseccomp (ctypes)")
    ap.add_argument("--no-cc-check", action="store_true",
                    help="do not compile the constant expressions with gcc as a cross-check")
    opts = ap.parse_args()

    after_rows = read_after_61()
    arch_rows = read_arch_specific()
    print("post-6.1 calls up to %s: %d from %s, %d arch-specific from %s" % (
        TARGET_KERNEL, len(after_rows), os.path.relpath(AFTER_61_TSV, ROOT), len(arch_rows),
        os.path.relpath(ARCH_SPECIFIC_TSV, ROOT)))

    tables, constants, sources, summaries = [], [], [], []
    for arch in ARCHES:
        set_data_model(arch.get("long_bits", 64))
        STRUCT_SIZES.clear()
        STRUCT_SIZES.update(arch.get("struct_sizes", {}))
        table, version = read_syscalls(arch)
        if version != "6.1":
            raise SystemExit("%s: headers are Linux %s, but the tsv lists calls after 6.1" % (arch["key"], version))
        from_headers = len(table)
        added = merge_after_61(arch, table, after_rows)
        added += merge_after_61(arch, table, [(r["number"], r["name"], r["first_kernel"])
                                              for r in arch_rows if r["arch"] == arch["key"]])
        for name, spec in EXPECTED_SYSCALLS:
            expect(table, name, spec, arch["key"])
        tables.append((arch["key"], table))
        write(os.path.join(SYSCALL_OUT_DIR, arch["file"]), syscall_file(arch, table, version))

        values, origin, failed, notes, gprobe, uprobe, glibc_ver = read_constants(arch)
        for name, spec in EXPECTED:
            expect(values, name, spec, arch["key"])
        constants.append((arch, values))
        sources.append("%s: %s (Debian %s %s, glibc %s; %s %s, Linux %s uapi)" % (
            arch["key"], ", ".join(arch["incdirs"]), arch["libc_pkg"], pkg_version(arch["libc_pkg"]), glibc_ver,
            arch["kernel_pkg"], pkg_version(arch["kernel_pkg"]), version))

        counts = {}
        for name in values:
            counts[family_of(name)] = counts.get(family_of(name), 0) + 1
        cc = None
        # The host gcc is LP64: its answers are the target's only where the target is LP64 too (not arm).
        if not opts.no_cc_check and arch.get("long_bits", 64) == 64:
            cc = [cc_check(arch, gprobe, values), cc_check(arch, uprobe, values)]
        summaries.append((arch, from_headers, added, table, values, counts, failed, notes, cc))

    write(os.path.join(CONSTANT_OUT_DIR, "Constants.g.cs"), constants_file(constants, sources))

    print()
    for arch, from_headers, added, table, values, counts, failed, notes, cc in summaries:
        print("%s: %d syscalls (%d from the 6.1 headers + %d after 6.1, up to %s), numbers %d..%d; %d constants" % (
            arch["key"], len(table), from_headers, added, TARGET_KERNEL, min(table.values()), max(table.values()),
            len(values)))
        print("  " + ", ".join("%s %d" % (label, counts.get(label, 0)) for label, _ in FAMILIES))
        for n in notes:
            print("  note: " + n)
        if failed:
            print("  not integer constants, skipped: " + ", ".join(
                "%s (%s)" % (n, e) for n, e in sorted(failed.items())))
        if cc is not None:
            for view, res in zip(("glibc", "uapi"), cc):
                if res is None:
                    continue
                checked, bad = res
                print("  gcc cross-check (%s view): %d expressions, %d differ" % (view, checked, len(bad)))
                for b in bad:
                    print("    " + b)
                if bad:
                    raise SystemExit("evaluator disagrees with gcc")
    if opts.check_libseccomp:
        print()
        check_libseccomp(tables)


if __name__ == "__main__":
    main()
