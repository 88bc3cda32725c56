using System;
using System.Collections.Generic;

// Linked into the runtime too (internal there, in Seccomp.Common): in-process reports leave @dotnet-runtime's calls to
// the kernel, and read its members from here rather than from a copy.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Policy
#else
namespace Seccomp.Common
#endif
{
    /// <summary>
    /// One call of a group. A member may narrow the rule with a condition of its own (ANDed with the rule's), or
    /// answer with a fixed action whatever the rule's action is: the group knows things about the call that a user
    /// should not have to (clone3's arguments sit behind a pointer the filter cannot read).
    /// </summary>
    internal sealed record GroupMember(string Name, string? When = null, SeccompVerdict? Action = null);

    /// <summary>
    /// Named sets of syscalls, written <c>@name</c> in a rule. A name in a group that does not exist on an
    /// architecture is skipped there without a diagnostic: groups are written to cover every architecture.
    /// </summary>
    internal static class SyscallGroups
    {
        /// <summary>The namespace flags Docker's profile also refuses to clone: a new user namespace is the usual way out.</summary>
        public const string NoNewNamespaces =
            "(clone_flags & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)) == 0";

        /// <summary>
        /// mknodat for what the runtime creates (FIFOs, regular files), never a device node: the file type is mode's
        /// S_IFMT bits (0170000; umode_t is 16 bits), and 0 there means a regular file.
        /// </summary>
        public const string NoDeviceNodes = "(mode & S_IFMT) in (0, S_IFREG, S_IFIFO)";

        /// <summary>
        /// Sockets of the Unix, IPv4 and IPv6 families, of the stream, datagram and seqpacket types: not packet sockets
        /// (AF_PACKET) nor raw ones (SOCK_RAW, or SOCK_PACKET in AF_INET), which see and forge every packet. The type's low
        /// four bits are the type; SOCK_NONBLOCK and SOCK_CLOEXEC are above them.
        /// </summary>
        public const string OrdinarySockets =
            "domain in (AF_UNIX, AF_INET, AF_INET6) && ((type & 0xf) == SOCK_STREAM || (type & 0xf) == SOCK_DGRAM || (type & 0xf) == SOCK_SEQPACKET)";

        /// <summary>pid 0 is the calling process (or thread) to every call that takes one.</summary>
        public const string SelfOnlyPid = "pid == 0";

        private static readonly Dictionary<string, GroupMember[]> s_groups = new(StringComparer.Ordinal)
        {
            // What the .NET runtime itself calls while starting, allocating, collecting, running threads and timers
            // (strace of .NET 10 console and web programs, see data/dotnet-syscalls-x86_64.tsv), plus what
            // it needs on some paths: membarrier (FlushProcessWriteBuffers), memfd_create (W^X double mapping),
            // rseq (glibc registers it on every thread), tgkill (thread suspension for GC). Threads: clone without
            // namespace flags; clone3 fails with ENOSYS so glibc falls back to clone, whose flags the filter can see.
            // .NET 8 needs nothing more: its runtime matrix (8.0.31) records no call outside the group and ends every
            // case with its own status (data/dotnet-runtime-matrix-net8-x86_64.tsv).
            ["dotnet-runtime"] = Members(
                new GroupMember("clone", When: NoNewNamespaces),
                new GroupMember("clone3", Action: new SeccompVerdict(SeccompAction.Errno, 38)), // ENOSYS
                // The terminal and socket requests the runtime and the console make; not TIOCSTI, which types into
                // the terminal, nor any device ioctl.
                new GroupMember("ioctl", When: "cmd in (TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, TIOCGPGRP, FIONBIO, FIONREAD, FIOCLEX, FIONCLEX)"),
                // FIFOs (the diagnostics IPC) and regular files; not character or block devices.
                new GroupMember("mknodat", When: NoDeviceNodes),
                // Calls that can name another process, narrowed to what the runtime passes (strace of console and web
                // programs with workstation and server GC, thread priorities, Process.Start, SIGSTOP/SIGCONT; see
                // data/dotnet-process-arguments-x86_64.tsv). A member without a condition would reach every process of
                // the same uid: prlimit64(other, RLIMIT_NOFILE, {1,1}) and friends, the red-team's finding.
                // Thread suspension for the GC and abort() signal threads of this process only: tgkill(getpid(), tid, sig).
                // The pid is written into the program at install (SELF_PID).
                new GroupMember("tgkill", When: "tgid == SELF_PID"),
                // A signal a handler did not cancel (Console.CancelKeyPress, PosixSignalRegistration, the runtime's own
                // SIGINT/SIGQUIT/SIGTERM handlers) is raised again with its default action: kill(getpid(), sig).
                // Measured by tests/Seccomp.RuntimeMatrix (the interrupt and terminate cases).
                new GroupMember("kill", When: "pid == SELF_PID"),
                new GroupMember("prlimit64", When: SelfOnlyPid),                 // glibc's getrlimit/setrlimit pass 0
                new GroupMember("sched_setaffinity", When: SelfOnlyPid),         // the runtime passes 0
                new GroupMember("setpriority", When: "who == 0"),                // Process.PriorityClass passes its pid: allow that yourself
                // pthread_setschedparam passes a thread id, which the filter cannot tell from another process's; what
                // it can tell is the policy: the runtime sets SCHED_OTHER (0) only, never a real-time class.
                new GroupMember("sched_setscheduler", When: "policy == 0"),
                // The options the runtime and this package use: thread names (PR_SET_NAME), no_new_privs and the
                // seccomp mode (a later Apply() asks them). Not PR_SET_DUMPABLE, PR_SET_SECUREBITS, PR_CAP_AMBIENT,
                // PR_SET_MM or PR_SET_PTRACER, which change what the process or others may do.
                new GroupMember("prctl", When: "option in (PR_SET_NAME, PR_GET_NAME, PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_GET_SECCOMP)"),
                "access", "arch_prctl", "brk", "capget", "clock_getres", "clock_gettime", "clock_nanosleep", "close", "dup", "dup2", "dup3", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_wait",
                "eventfd2", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fcntl",
                "flock", "fstat", "fstatfs", "fsync", "ftruncate", "futex", "getcwd", "getdents64", "getegid",
                "geteuid", "getgid", "getpid", "getppid", "getrandom", "getrlimit", "getrusage", "gettid",
                "gettimeofday", "getuid", "lseek", "lstat", "madvise", "membarrier", "memfd_create",
                "mincore", "mkdir", "mlock", "mmap", "mprotect", "mremap", "munlock", "munmap", "nanosleep",
                "newfstatat", "open", "openat", "pipe", "pipe2", "poll", "ppoll", "pread64",
                "pwrite64", "read", "readlink", "readlinkat", "readv", "rseq", "rt_sigaction", "rt_sigprocmask",
                "rt_sigreturn", "rt_sigtimedwait", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
                "sched_yield", "set_robust_list", "set_tid_address", "sigaltstack", "stat",
                "statfs", "statx", "sysinfo", "uname",
                // A stopped and continued process (Ctrl+Z and fg, docker pause, a debugger) resumes its interrupted
                // timed waits (nanosleep, futex, poll) through restart_syscall, which the filter sees like any call.
                "restart_syscall", "unlink", "unlinkat", "write", "writev",
                "getpriority", "sched_get_priority_max", "sched_get_priority_min",
                "fchmod", "fchmodat", "socketpair", "get_mempolicy", "getsid",
                // aarch64, measured by tests/Seccomp.RuntimeMatrix under qemu-user (eng/measure-runtime-matrix-qemu.sh,
                // data/dotnet-runtime-matrix-aarch64.tsv). sched_getcpu (thread pool, server GC's heap balancing) reads
                // rseq's cpu_id when glibc registered rseq, and otherwise calls getcpu: arm64 has no vDSO getcpu, as
                // x86_64 has. Seen in the threads and signals cases and under every condition (qemu-user refuses rseq;
                // so does a kernel before 4.18, a glibc before 2.35, or glibc.pthread.rseq=0). It reports the caller's CPU.
                "getcpu",
                // aarch64, same measurement: the unwinder linked into libcoreclr checks that an address is mapped before it
                // reads it, with msync(addr, 8, MS_ASYNC) and a one-byte write to a pipe (the jit and unhandled cases,
                // and every condition). msync reaches only the caller's own mappings.
                "msync",
                // 32-bit arm (EABI) calls in place of the 64-bit ABIs' ones above, which a name that does not exist on
                // an architecture leaves out there: mmap2 (its mmap is OABI-only), the large-file calls (fstat64,
                // fstatat64, _llseek, fcntl64, ...), ugetrlimit, the uid32 calls, arm_fadvise64_64, and the time64 calls
                // glibc 2.35+ makes (.NET on arm needs 2.35: its time_t is 64 bits), falling back to the old ones on
                // ENOSYS. cacheflush: the JIT flushes the instruction cache after writing code. sigreturn: arm, ppc64le
                // and s390x return from handlers installed without SA_SIGINFO through it.
                "mmap2", "fstat64", "stat64", "lstat64", "fstatat64", "statfs64", "fstatfs64", "_llseek", "fcntl64",
                "ftruncate64", "ugetrlimit", "getuid32", "geteuid32", "getgid32", "getegid32", "arm_fadvise64_64",
                "clock_gettime64", "clock_getres_time64", "clock_nanosleep_time64", "futex_time64", "ppoll_time64",
                "rt_sigtimedwait_time64", "cacheflush", "sigreturn"),
            // What an ASP.NET Core app (Kestrel and the generic host) calls beyond @dotnet-runtime, measured, not
            // guessed: samples/WebService (`dotnet new web` plus GET /time and POST /echo, .NET 10.0.12, x86_64) was
            // recorded with dotnet-seccomp (eng/record-web.sh) listening on 127.0.0.1, on localhost (127.0.0.1 and
            // [::1]) and on every address ([::] dual mode), through start-up, 705 HTTP/1.1 requests over keep-alive
            // connections, 8 of them at once (GET, POST, a chunked 1 MB body, a 404), and a graceful SIGTERM shutdown. Counts and what each call is for: data/aspnetcore-syscalls-x86_64.tsv.
            // Completed by tests/Seccomp.ApiMatrix's web-* cases (tools/measure-api-matrix.sh,
            // data/dotnet-api-groups-x86_64.tsv): responses and request bodies of every size to 3 MB (fixed-length,
            // chunked, HTTP/2 DATA frames), static files (UseStaticFiles, range requests) and Response.SendFileAsync,
            // HTTP/1.1 and HTTP/2 (h2c prior knowledge; ALPN over TLS), a Unix-socket listener, HTTPS with a PFX
            // certificate file (OpenSSL loads and reads it through @dotnet-runtime's calls), appsettings.json reloaded on
            // change, 50 concurrent requests, 500 responses, and the graceful shutdown on SIGTERM and on SIGINT: nothing
            // beyond this list. Kestrel sends large responses with sendmsg (a gather write of its pipe's segments) and
            // small ones with sendto; it never calls sendfile or writev on a socket (SendFileAsync copies through the
            // pipe), and it peeks (recvfrom with MSG_PEEK) on a new connection. recvmsg is how it reads a Unix socket.
            // getpeername (HttpContext.Connection.RemoteIpAddress on a socket accepted without the peer's address) and
            // accept (the counterpart of accept4 on other paths and architectures) were not seen but belong to the same
            // operations. Outgoing connections (HttpClient) need connect: that is @http-client.
            ["aspnetcore"] = Members(
                // Listening sockets: IPv4, IPv6 and Unix-domain (ListenUnixSocket; System.Net.Sockets makes an AF_UNIX
                // socket at start-up); no raw, packet or netlink sockets.
                new GroupMember("socket", When: OrdinarySockets),
                // SO_REUSEADDR, SO_LINGER, TCP_NODELAY, and IPV6_V6ONLY for [::1] and dual-mode listeners (measured:
                // optnames 1, 2, 13 and 26 at these three levels, nothing else).
                new GroupMember("setsockopt", When: "level in (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6)"),
                // Reading a socket's options back (SO_ERROR on a connection the peer reset mid-request): seen once, in the
                // CI run of the h2c case after this group was measured, killing it; the measuring runs never took that path.
                new GroupMember("getsockopt", When: "level in (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6)"),
                "bind", "listen", "accept", "accept4", "getsockname", "getpeername",
                "recvfrom", "recvmsg", "sendto", "sendmsg", "shutdown",
                // The configuration's reloadOnChange: FileSystemWatcher watches appsettings*.json with inotify.
                "inotify_init1", "inotify_add_watch", "inotify_rm_watch"),
            // What System.IO calls beyond @dotnet-runtime (which already holds open, read, write, stat, getdents64,
            // mkdir, unlink, flock, fcntl and fsync), measured, not guessed: tests/Seccomp.ApiMatrix's fs-* cases
            // (read, write, append, random access, memory-mapped files, times and modes, directories, enumeration,
            // links, File.Move/Replace/Copy on one file system and across two, FileSystemWatcher, FileShare.None,
            // FileStream.Lock, Flush(true), WriteThrough, preallocation, and the error paths: missing files and
            // directories, a directory opened as a file) recorded with dotnet-seccomp; tools/measure-api-matrix.sh,
            // data/dotnet-api-groups-x86_64.tsv. The *at forms are what glibc calls for the same functions on aarch64
            // and riscv64 (data/equivalent-syscalls.tsv), where the old names do not exist.
            ["file-system"] = Members(
                "rename", "renameat", "renameat2",   // File.Move(overwrite: true), Directory.Move, File.Replace, atomic saves
                "link", "linkat",                    // File.Move without overwrite: link, then unlink, so an existing target fails
                "symlink", "symlinkat",              // File/Directory.CreateSymbolicLink
                "rmdir", "mkdirat",                  // Directory.Delete (unlinkat elsewhere), Directory.CreateDirectory on aarch64/riscv64
                "chmod",                             // File.SetUnixFileMode, File.SetAttributes (ReadOnly); fchmod/fchmodat are runtime's
                "utimensat", "utimensat_time64",     // File.SetLastWriteTime and friends; File.Copy keeps the times (futimens); _time64 on arm
                "chdir",                             // Directory.SetCurrentDirectory
                "msync",                             // MemoryMappedViewAccessor.Flush
                "copy_file_range",                   // File.Copy (the runtime probes it with -1 descriptors first)
                // File.Copy asks for a reflink first (btrfs, XFS): FICLONE, _IOW(0x94, 9, int), the same number on
                // x86_64, aarch64 and riscv64. No other ioctl: not a named constant of the DSL yet.
                new GroupMember("ioctl", When: "cmd == 0x40049409"),
                // FileStreamOptions.PreallocationSize: mode 0 or FALLOC_FL_KEEP_SIZE (1); not the hole-punching and
                // range-collapsing modes, which the runtime never asks for.
                new GroupMember("fallocate", When: "mode in (0, 1)"),
                "inotify_init1", "inotify_add_watch", "inotify_rm_watch"), // FileSystemWatcher
            // What Microsoft.Data.Sqlite (e_sqlite3) calls beyond @dotnet-runtime and @file-system, measured by
            // tests/Seccomp.ApiMatrix's sqlite-* cases (create, insert, query, transactions and rollback, blobs, VACUUM,
            // journal modes DELETE and WAL with synchronous=FULL, concurrent connections on threads with SQLITE_BUSY and
            // busy timeouts, read-only and in-memory databases, spills to temporary files, the error paths). SQLite's
            // locks (fcntl F_SETLK/F_GETLK), pread64/pwrite64, fsync, ftruncate and the WAL index's mmap are already
            // @dotnet-runtime's; its renames and deletes are @file-system's, so use the two together.
            ["sqlite"] = Members(
                // Run as root, SQLite gives every journal, WAL and -shm file it creates the database file's owner
                // (robust_fchown in os_unix.c): fchown of a descriptor it holds. A process that is not root never calls it.
                "fchown"),
            // What outbound connections call beyond @dotnet-runtime: HttpClient (HTTP/1.1, HTTP/2 over TLS, small and 3 MB
            // bodies), Socket.ConnectAsync and TcpClient, and name resolution through glibc (getaddrinfo and getaddrinfo_a:
            // files for localhost, DNS over UDP and TCP, A and AAAA, NXDOMAIN), with the failures: connection refused
            // (IPv4 and IPv6), a name that does not resolve, response and connect timeouts, cancellation. Measured, not
            // guessed: tests/Seccomp.ApiMatrix's client-* cases, run by tests/Seccomp.ApiMatrix/netns.sh in a network
            // namespace of their own (loopback only, /etc/resolv.conf naming a responder on 127.0.0.1:53) against servers
            // on 127.0.0.1 and [::1]; tools/measure-api-matrix.sh, data/dotnet-api-groups-x86_64.tsv. No listen or accept:
            // serving is @aspnetcore's.
            ["http-client"] = Members(
                // TCP and UDP over IPv4 and IPv6 (the resolver's UDP and TCP queries too); AF_UNIX, where glibc asks for nscd
                // first; and a NETLINK_ROUTE (0) raw socket, through which getaddrinfo's AI_ADDRCONFIG learns which address
                // families this host has. No raw IP or packet sockets, no other netlink family.
                new GroupMember("socket", When: "(domain in (AF_UNIX, AF_INET, AF_INET6) && ((type & 0xf) == SOCK_STREAM || (type & 0xf) == SOCK_DGRAM)) || (domain == AF_NETLINK && (type & 0xf) == SOCK_RAW && protocol == 0)"),
                // TCP_NODELAY, SO_LINGER, SO_KEEPALIVE and the timeouts, IPV6_V6ONLY for dual-mode sockets, and the
                // resolver's IP_RECVERR at IPPROTO_IP (measured: these four levels, nothing else).
                new GroupMember("setsockopt", When: "level in (IPPROTO_IP, SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6)"),
                // SO_ERROR after a non-blocking connect, SO_TYPE, IPV6_V6ONLY.
                new GroupMember("getsockopt", When: "level in (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6)"),
                "connect",
                // The resolver's netlink socket is bound before it asks; a UDP socket can be bound to an ephemeral port.
                // Without listen, a bound TCP socket accepts nothing.
                "bind",
                "getsockname", "getpeername",
                "recvfrom", "recvmsg",   // recvmsg: the netlink answer
                "sendto", "sendmmsg",    // sendmmsg: the resolver sends the A and AAAA questions at once
                "shutdown"),
            // The exits: a sandbox that denies these turns every thread's end into a failure.
            ["exit"] = Members("exit", "exit_group"),
            // Starting and reaping programs (Process.Start, WaitForExit, Kill), measured by tests/Seccomp.RuntimeMatrix's
            // children case: glibc's posix_spawn vforks on x86_64 (clone elsewhere, which @dotnet-runtime holds), the
            // child execs, the runtime's SIGCHLD thread reaps with wait4 and waitid. It allows execve: the program
            // started runs under the same filter, but a policy that allows this group allows whatever programs the
            // process can reach. It allows kill, which Process.Kill needs and which reaches every process of the same
            // uid: a service that never kills its children can deny kill after allowing the group.
            ["process"] = Members("vfork", "execve", "wait4", "waitid", "kill"),
            // Network calls of a service that accepts and makes TCP/UDP connections.
            ["network-io"] = Members("accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
                "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown",
                new GroupMember("socket", When: OrdinarySockets),
                "socketpair"),
        };

        public static IEnumerable<string> Names => s_groups.Keys;

        public static bool TryGet(string name, out IReadOnlyList<GroupMember> members)
        {
            if (s_groups.TryGetValue(name, out var m)) { members = m; return true; }
            members = Array.Empty<GroupMember>();
            return false;
        }

        private static GroupMember[] Members(params object[] members)
        {
            var result = new GroupMember[members.Length];
            for (int i = 0; i < members.Length; i++)
                result[i] = members[i] as GroupMember ?? new GroupMember((string)members[i]);
            return result;
        }
    }
}
