using System;
using System.Collections.Generic;

namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// Named sets of syscalls, written <c>@name</c> in a rule. A name in a group that does not exist on an
    /// architecture is skipped there without a diagnostic: groups are written to cover every architecture.
    /// </summary>
    public static class SyscallGroups
    {
        private static readonly Dictionary<string, string[]> s_groups = new(StringComparer.Ordinal)
        {
            // What the .NET runtime itself calls while starting, allocating, collecting, running threads and timers
            // (strace of .NET 10 console and web programs, see shared/data/dotnet-syscalls-x86_64.tsv), plus what
            // it needs on some paths: membarrier (FlushProcessWriteBuffers), memfd_create (W^X double mapping),
            // rseq (glibc registers it on every thread), tgkill (thread suspension for GC), clone3/clone (threads).
            ["dotnet-runtime"] = new[]
            {
                "access", "arch_prctl", "brk", "capget", "clock_getres", "clock_gettime", "clock_nanosleep", "clone",
                "clone3", "close", "dup", "dup2", "dup3", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_wait",
                "eventfd2", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fcntl",
                "flock", "fstat", "fstatfs", "fsync", "ftruncate", "futex", "getcwd", "getdents64", "getegid",
                "geteuid", "getgid", "getpid", "getppid", "getrandom", "getrlimit", "getrusage", "gettid",
                "gettimeofday", "getuid", "ioctl", "lseek", "lstat", "madvise", "membarrier", "memfd_create",
                "mincore", "mkdir", "mlock", "mmap", "mprotect", "mremap", "munlock", "munmap", "nanosleep",
                "newfstatat", "open", "openat", "pipe", "pipe2", "poll", "ppoll", "prctl", "pread64", "prlimit64",
                "pwrite64", "read", "readlink", "readlinkat", "readv", "rseq", "rt_sigaction", "rt_sigprocmask",
                "rt_sigreturn", "rt_sigtimedwait", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
                "sched_setaffinity", "sched_yield", "set_robust_list", "set_tid_address", "sigaltstack", "stat",
                "statfs", "statx", "sysinfo", "tgkill", "uname", "unlink", "unlinkat", "write", "writev",
                "getpriority", "setpriority", "sched_get_priority_max", "sched_get_priority_min", "kill",
                "fchmod", "fchmodat", "socketpair", "get_mempolicy", "getsid", "sched_setscheduler", "mknodat",
            },
            // The exits: a sandbox that denies these turns every thread's end into a failure.
            ["exit"] = new[] { "exit", "exit_group" },
            // Network calls of a service that accepts and makes TCP/UDP connections.
            ["network-io"] = new[]
            {
                "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
                "recvfrom", "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown", "socket",
                "socketpair",
            },
        };

        public static IEnumerable<string> Names => s_groups.Keys;

        public static bool TryGet(string name, out IReadOnlyList<string> members)
        {
            if (s_groups.TryGetValue(name, out var m)) { members = m; return true; }
            members = Array.Empty<string>();
            return false;
        }
    }
}
