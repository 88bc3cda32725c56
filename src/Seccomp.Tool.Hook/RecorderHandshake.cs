// The handshake between a recorded .NET process and `dotnet-seccomp record` / `check`: one source file, linked into
// the startup hook (src/Seccomp.Tool.Hook), the runtime (src/Seccomp, for Apply() in recording mode) and the tool.
// BCL only, with src/Common/HostArchitecture.cs and SeccompStatus.cs beside it. Described in docs/tool.md ("How recording works").
//
// Environment (set by the tool):
//   SECCOMP_RECORD_PROGRAM       the recorder filter's bytes (record only; the startup hook installs it), a file in the
//                                tool's private directory (mode 0700, created new)
//   SECCOMP_RECORD_PROGRAM_SHA256 the SHA-256 of those bytes (hex): the hook installs nothing else
//   SECCOMP_RECORD_FD_OUT        fd (inherited pipe write end) a process writes its hello to
//   SECCOMP_RECORD_FD_IN         fd (inherited pipe read end) a process reads the 1-byte ack from
//   SECCOMP_RECORD_BASE_FILTERS  "Seccomp_filters:" of the tool's /proc/self/status (record only)
//   SECCOMP_RECORD_DIR           the tool's private directory (mode 0700) where Apply() leaves its policy (<pid>.policy)
//   SECCOMP_RECORD_LOCK          a file that serialises handshakes between processes (the ack pipe is shared)
//
// Hello (24 bytes, native endian): u32 magic 0x43455253 ('SREC'), i32 pid, i32 listener fd, i32 errno (0 = ok),
// i32 lock fd (-1 none), i32 0. The tool takes the listener with pidfd_getfd, then writes the ack 'A'.
//
// Deadlock rule: between seccomp() and the ack, the installing thread makes only write(FD_OUT) and read(FD_IN),
// through libc pointers resolved and called once before; no allocation, no JIT, no lazy binding.

using System;
using System.Runtime.InteropServices;
using Seccomp.Common;

namespace Seccomp.Recording
{
    internal static unsafe class RecorderHandshake
    {
        public const string EnvProgram = "SECCOMP_RECORD_PROGRAM";
        public const string EnvProgramDigest = "SECCOMP_RECORD_PROGRAM_SHA256";
        /// <summary>The program's SELF_PID jumps (instruction indexes, comma-separated), which the hook fills with its pid.</summary>
        public const string EnvProgramPidSlots = "SECCOMP_RECORD_PROGRAM_PID_SLOTS";
        public const string EnvFdOut = "SECCOMP_RECORD_FD_OUT";
        public const string EnvFdIn = "SECCOMP_RECORD_FD_IN";
        public const string EnvBaseFilters = "SECCOMP_RECORD_BASE_FILTERS";
        public const string EnvDir = "SECCOMP_RECORD_DIR";
        public const string EnvLock = "SECCOMP_RECORD_LOCK";

        public static readonly string[] AllVariables = { EnvProgram, EnvProgramDigest, EnvProgramPidSlots, EnvFdOut, EnvFdIn, EnvBaseFilters, EnvDir, EnvLock };

        /// <summary>The assembly metadata key of an entry assembly whose policies record themselves (generated).</summary>
        public const string RecordingAllowedMetadata = "Seccomp.RecordingAllowed";

        public const uint HelloMagic = 0x43455253;
        public const int HelloSize = 24;
        public const int PR_SET_NO_NEW_PRIVS = 38;
        public const long SECCOMP_SET_MODE_FILTER = 1;
        public const long SECCOMP_FILTER_FLAG_TSYNC = 1;
        public const long SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
        public const long SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;
        public const int EINTR = 4, EBUSY = 16, EPIPE = 32, EPROTO = 71;

        /// <summary>The errno of a hello that refuses: what the hook was handed is not what the tool made.</summary>
        public const int EBADMSG = 74;
        private const int LOCK_EX = 2, O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000, F_GETFD = 1;

        // libc entry points, resolved before the filter is installed (no lazy binding inside the window).
        private static delegate* unmanaged<long, long, long, long, long, long, long, long> s_syscall;
        private static delegate* unmanaged<int, long, long, long, long, int> s_prctl;
        private static delegate* unmanaged<int, void*, nint, nint> s_write;
        private static delegate* unmanaged<int, void*, nint, nint> s_read;
        private static delegate* unmanaged<int, int> s_close;
        private static delegate* unmanaged<int> s_getpid;
        private static delegate* unmanaged<int*> s_errnoLocation;
        private static delegate* unmanaged<byte*, int, int, int> s_open;
        private static delegate* unmanaged<int, int, int> s_flock;
        private static delegate* unmanaged<int, int, int> s_fcntl;

        public static int ParseFd(string? s) => int.TryParse(s, out int v) && v >= 0 ? v : -1;

        /// <summary>The handshake fds from the environment, when both are set and open.</summary>
        public static bool TryGetFds(out int fdOut, out int fdIn)
        {
            fdOut = ParseFd(Environment.GetEnvironmentVariable(EnvFdOut));
            fdIn = ParseFd(Environment.GetEnvironmentVariable(EnvFdIn));
            if (fdOut < 0 || fdIn < 0) return false;
            ResolveLibc();
            return s_fcntl(fdOut, F_GETFD) >= 0 && s_fcntl(fdIn, F_GETFD) >= 0;
        }

        public static void ClearEnvironment()
        {
            foreach (string name in AllVariables)
                Environment.SetEnvironmentVariable(name, null);
        }

        /// <summary>Opens and locks SECCOMP_RECORD_LOCK (blocking); -1 when there is none. Released by closing it.</summary>
        public static int Lock()
        {
            string? path = Environment.GetEnvironmentVariable(EnvLock);
            if (string.IsNullOrEmpty(path)) return -1;
            ResolveLibc();
            byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            int fd;
            fixed (byte* pp = p) fd = s_open(pp, O_RDWR | O_CREAT | O_CLOEXEC, 0x180);
            if (fd < 0) return -1;
            while (s_flock(fd, LOCK_EX) != 0)
            {
                if (*s_errnoLocation() != EINTR) { s_close(fd); return -1; }
            }
            return fd;
        }

        /// <summary>Closes an fd outside the window (the lock, or the listener after a failure).</summary>
        public static void Close(int fd)
        {
            if (fd >= 0) { ResolveLibc(); s_close(fd); }
        }

        /// <summary>Resolves libc and calls every entry point the window uses once, so nothing is bound lazily in it.</summary>
        public static void Prepare(int fdOut, int fdIn)
        {
            ResolveLibc();
            byte warm = 0;
            s_write(fdOut, &warm, 0);
            s_read(fdIn, &warm, 0);
            s_getpid();
            s_close(-1);
            _ = *s_errnoLocation();
        }

        /// <summary>
        /// The deadlock-sensitive window: no_new_privs, seccomp() with <paramref name="flags"/> (which include
        /// NEW_LISTENER), the hello, the ack, then our copy of the listener is closed (if the tool dies, notified calls
        /// fail with ENOSYS instead of blocking). <see cref="Prepare"/> must have been called. Stage: 1 prctl, 2 seccomp
        /// (nothing installed when it fails there; a hello with the errno is still sent), 3 hello, 4 ack.
        /// <paramref name="closeFds"/> closes the handshake fds afterwards (the hook); the runtime keeps them, because
        /// its recording program lets write and read on exactly these two fds through.
        /// </summary>
        public static int InstallAndHandOff(byte[] program, long flags, int fdOut, int fdIn, int lockFd, bool closeFds, out int stage, out int err)
        {
            stage = 0;
            err = 0;
            long seccompNr = HostArchitecture.SeccompSyscallNumber;
            // struct sock_fprog { unsigned short len; /* 6 bytes padding */ struct sock_filter *filter; } (16 bytes on LP64)
            ulong* fprog = stackalloc ulong[2];
            int* hello = stackalloc int[HelloSize / 4];
            byte ack = 0;
            int pid = s_getpid();

            fixed (byte* filter = program)
            {
                fprog[0] = (ulong)(program.Length / 8);
                fprog[1] = (ulong)filter;

                stage = 1;
                if (s_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                {
                    err = *s_errnoLocation();
                    goto done;
                }

                stage = 2;
                long listener = s_syscall(seccompNr, SECCOMP_SET_MODE_FILTER, flags, (long)fprog, 0, 0, 0);
                nint n;
                if (listener < 0)
                {
                    err = *s_errnoLocation();
                    // Tell the supervisor why, so it does not wait for nothing.
                    hello[0] = (int)HelloMagic; hello[1] = pid; hello[2] = -1; hello[3] = err; hello[4] = lockFd; hello[5] = 0;
                    s_write(fdOut, hello, HelloSize);
                    goto done;
                }

                // ---- filter active: only write(fdOut) and read(fdIn) until the ack arrives ----
                stage = 3;
                hello[0] = (int)HelloMagic; hello[1] = pid; hello[2] = (int)listener; hello[3] = 0; hello[4] = lockFd; hello[5] = 0;
                do { n = s_write(fdOut, hello, HelloSize); } while (n < 0 && *s_errnoLocation() == EINTR);
                if (n != HelloSize)
                {
                    err = n < 0 ? *s_errnoLocation() : EPIPE;
                    s_close((int)listener);
                    goto done;
                }

                stage = 4;
                do { n = s_read(fdIn, &ack, 1); } while (n < 0 && *s_errnoLocation() == EINTR);
                if (n != 1 || ack != (byte)'A')
                    err = n < 0 ? *s_errnoLocation() : (n == 0 ? EPIPE /* supervisor gone */ : EPROTO);

                // The supervisor owns the listener now (or never will): our copy goes.
                s_close((int)listener);
            }

        done:
            if (closeFds)
            {
                s_close(fdOut);
                s_close(fdIn);
            }
            return err == 0 && stage == 4 ? 0 : -1;
        }

        /// <summary>
        /// Tells the supervisor that this process installs nothing, and why (<paramref name="errno"/>), so that it neither
        /// waits nor takes the silence for a pass. Best effort: the tool also sees the process exit.
        /// </summary>
        public static void SendRefusal(int fdOut, int errno)
        {
            ResolveLibc();
            int* hello = stackalloc int[HelloSize / 4];
            hello[0] = (int)HelloMagic; hello[1] = s_getpid(); hello[2] = -1; hello[3] = errno; hello[4] = -1; hello[5] = 0;
            nint n;
            do { n = s_write(fdOut, hello, HelloSize); } while (n < 0 && *s_errnoLocation() == EINTR);
        }

        public static string StageName(int stage) => stage switch
        {
            1 => "prctl(PR_SET_NO_NEW_PRIVS)",
            2 => "seccomp(SECCOMP_SET_MODE_FILTER)",
            3 => "write(hello)",
            4 => "read(ack)",
            _ => "setup",
        };

        private static void ResolveLibc()
        {
            if (s_syscall != null) return;
            nint libc = NativeLibrary.Load("libc.so.6");
            s_prctl = (delegate* unmanaged<int, long, long, long, long, int>)NativeLibrary.GetExport(libc, "prctl");
            s_write = (delegate* unmanaged<int, void*, nint, nint>)NativeLibrary.GetExport(libc, "write");
            s_read = (delegate* unmanaged<int, void*, nint, nint>)NativeLibrary.GetExport(libc, "read");
            s_close = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(libc, "close");
            s_getpid = (delegate* unmanaged<int>)NativeLibrary.GetExport(libc, "getpid");
            s_errnoLocation = (delegate* unmanaged<int*>)NativeLibrary.GetExport(libc, "__errno_location");
            s_open = (delegate* unmanaged<byte*, int, int, int>)NativeLibrary.GetExport(libc, "open");
            s_flock = (delegate* unmanaged<int, int, int>)NativeLibrary.GetExport(libc, "flock");
            s_fcntl = (delegate* unmanaged<int, int, int>)NativeLibrary.GetExport(libc, "fcntl");
            s_syscall = (delegate* unmanaged<long, long, long, long, long, long, long, long>)NativeLibrary.GetExport(libc, "syscall");
        }
    }
}
