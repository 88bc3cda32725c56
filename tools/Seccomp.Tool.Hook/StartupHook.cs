// Startup hook of `dotnet-seccomp record`: installs a seccomp USER_NOTIF filter in the current .NET process and
// hands the listener fd to the recording supervisor (the tool). BCL only, no other dependencies.
//
// Environment contract (set by `dotnet-seccomp record`):
//   SECCOMP_RECORD_PROGRAM       path of a classic-BPF program (struct sock_filter[], 8 bytes each, LE)
//   SECCOMP_RECORD_FD_OUT        fd (inherited pipe write end) the hook writes its 16-byte hello to
//   SECCOMP_RECORD_FD_IN         fd (inherited pipe read end) the hook reads the 1-byte ack from
//   SECCOMP_RECORD_BASE_FILTERS  value of "Seccomp_filters:" in the supervisor's /proc/self/status;
//                                if this process already has more filters, an ancestor already installed
//                                the recorder filter (inherited across fork/exec) and the hook does nothing.
//
// Hello message (16 bytes, native endian): u32 magic 0x43455253 ('SREC'), i32 pid, i32 listener fd, i32 errno (0 = ok).
//
// Deadlock rule: between seccomp() and the supervisor owning the listener, this thread may only make
// syscalls the allow-list allows (write, read, close, futex...). Everything the window needs is resolved,
// JIT-compiled and allocated before seccomp() is called; the window itself is one method with no allocations.

using System;
using System.IO;
using System.Runtime.InteropServices;

public static unsafe class StartupHook
{
    private const string EnvProgram = "SECCOMP_RECORD_PROGRAM";
    private const string EnvFdOut = "SECCOMP_RECORD_FD_OUT";
    private const string EnvFdIn = "SECCOMP_RECORD_FD_IN";
    private const string EnvBaseFilters = "SECCOMP_RECORD_BASE_FILTERS";

    private const uint HelloMagic = 0x43455253;
    private const int PR_SET_NO_NEW_PRIVS = 38;
    private const long SECCOMP_SET_MODE_FILTER = 1;
    private const long SECCOMP_FILTER_FLAG_TSYNC = 1;
    private const long SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
    private const long SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;
    private const int EINTR = 4;

    // libc entry points, resolved before the filter is installed (no lazy binding inside the window).
    private static delegate* unmanaged<long, long, long, long, long, long, long, long> s_syscall;
    private static delegate* unmanaged<int, long, long, long, long, int> s_prctl;
    private static delegate* unmanaged<int, void*, nint, nint> s_write;
    private static delegate* unmanaged<int, void*, nint, nint> s_read;
    private static delegate* unmanaged<int, int> s_close;
    private static delegate* unmanaged<int> s_getpid;
    private static delegate* unmanaged<int*> s_errnoLocation;

    public static void Initialize()
    {
        string? programPath = Environment.GetEnvironmentVariable(EnvProgram);
        if (string.IsNullOrEmpty(programPath))
            return; // not under the recorder

        // Whatever happens, children of this process must not try again (managed env only;
        // native-spawned children are covered by the Seccomp_filters check).
        int fdOut = ParseFd(Environment.GetEnvironmentVariable(EnvFdOut));
        int fdIn = ParseFd(Environment.GetEnvironmentVariable(EnvFdIn));
        int baseFilters = ParseFd(Environment.GetEnvironmentVariable(EnvBaseFilters));
        foreach (string name in new[] { EnvProgram, EnvFdOut, EnvFdIn, EnvBaseFilters })
            Environment.SetEnvironmentVariable(name, null);

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            return;
        if (fdOut < 0 || fdIn < 0)
        {
            Log("missing handshake fds; not recording");
            return;
        }

        int currentFilters = ReadSeccompFilterCount();
        if (baseFilters >= 0 && currentFilters > baseFilters)
        {
            // An ancestor (recorded .NET parent) already installed the filter; it is inherited and its
            // notifications already go to the supervisor. Do not install a second one.
            return;
        }

        long seccompNr = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 317,
            Architecture.Arm64 => 277,
            (Architecture)9 => 277, // RiscV64 (named from .NET 9 on)
            _ => -1,
        };
        if (seccompNr < 0)
        {
            Log($"unsupported architecture {RuntimeInformation.ProcessArchitecture}; not recording");
            return;
        }

        byte[] program;
        try
        {
            program = File.ReadAllBytes(programPath);
        }
        catch (Exception e)
        {
            Log($"cannot read {programPath}: {e.Message}");
            return;
        }
        if (program.Length == 0 || program.Length % 8 != 0 || program.Length / 8 > 4096)
        {
            Log($"invalid BPF program length {program.Length}");
            return;
        }

        ResolveLibc();
        // Warm up every call site used inside the window: each call below is harmless.
        byte warm = 0;
        s_write(fdOut, &warm, 0);
        s_read(fdIn, &warm, 0);
        s_getpid();
        s_close(-1);
        _ = *s_errnoLocation();

        int rc = InstallAndHandOff(program, seccompNr, fdOut, fdIn, out int stage, out int err);

        // From here on the supervisor owns the listener (or installation failed): any syscall is fine.
        if (rc != 0)
            Log($"seccomp recorder setup failed at {StageName(stage)}: errno {err} ({Marshal.GetPInvokeErrorMessage(err)})");
    }

    /// <summary>The deadlock-sensitive window. No allocations, no calls except pre-resolved libc pointers.</summary>
    private static int InstallAndHandOff(byte[] program, long seccompNr, int fdOut, int fdIn, out int stage, out int err)
    {
        stage = 0;
        err = 0;
        // struct sock_fprog { unsigned short len; /* 6 bytes padding */ struct sock_filter *filter; } (16 bytes on LP64)
        ulong* fprog = stackalloc ulong[2];
        int* hello = stackalloc int[4];
        byte ack = 0;

        fixed (byte* filter = program)
        {
            fprog[0] = (ulong)(program.Length / 8);
            fprog[1] = (ulong)filter;

            stage = 1;
            if (s_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            {
                err = *s_errnoLocation();
                goto closeFds;
            }

            stage = 2;
            long flags = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
            long listener = s_syscall(seccompNr, SECCOMP_SET_MODE_FILTER, flags, (long)fprog, 0, 0, 0);
            if (listener < 0)
            {
                err = *s_errnoLocation();
                // Tell the supervisor why, so it does not wait for nothing.
                hello[0] = (int)HelloMagic; hello[1] = s_getpid(); hello[2] = -1; hello[3] = err;
                s_write(fdOut, hello, 16);
                goto closeFds;
            }

            // ---- filter active: only allow-listed syscalls until the ack arrives ----
            stage = 3;
            hello[0] = (int)HelloMagic;
            hello[1] = s_getpid();
            hello[2] = (int)listener;
            hello[3] = 0;
            nint n;
            do { n = s_write(fdOut, hello, 16); } while (n < 0 && *s_errnoLocation() == EINTR);
            if (n != 16)
            {
                err = n < 0 ? *s_errnoLocation() : 0;
                s_close((int)listener);
                goto closeFds;
            }

            stage = 4;
            do { n = s_read(fdIn, &ack, 1); } while (n < 0 && *s_errnoLocation() == EINTR);
            if (n != 1 || ack != (byte)'A')
                err = n < 0 ? *s_errnoLocation() : (n == 0 ? 32 /* EPIPE: supervisor gone */ : 71 /* EPROTO */);

            // Drop our copy of the listener: if the supervisor dies, notified syscalls fail with ENOSYS
            // instead of blocking forever.
            s_close((int)listener);
        }

    closeFds:
        s_close(fdOut);
        s_close(fdIn);
        return err == 0 && stage == 4 ? 0 : -1;
    }

    private static void ResolveLibc()
    {
        nint libc = NativeLibrary.Load("libc.so.6");
        s_syscall = (delegate* unmanaged<long, long, long, long, long, long, long, long>)NativeLibrary.GetExport(libc, "syscall");
        s_prctl = (delegate* unmanaged<int, long, long, long, long, int>)NativeLibrary.GetExport(libc, "prctl");
        s_write = (delegate* unmanaged<int, void*, nint, nint>)NativeLibrary.GetExport(libc, "write");
        s_read = (delegate* unmanaged<int, void*, nint, nint>)NativeLibrary.GetExport(libc, "read");
        s_close = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(libc, "close");
        s_getpid = (delegate* unmanaged<int>)NativeLibrary.GetExport(libc, "getpid");
        s_errnoLocation = (delegate* unmanaged<int*>)NativeLibrary.GetExport(libc, "__errno_location");
    }

    private static int ReadSeccompFilterCount()
    {
        try
        {
            foreach (string line in File.ReadAllLines("/proc/self/status"))
            {
                if (line.StartsWith("Seccomp_filters:", StringComparison.Ordinal))
                    return int.Parse(line.AsSpan("Seccomp_filters:".Length).Trim());
            }
        }
        catch (Exception)
        {
        }
        return -1;
    }

    private static int ParseFd(string? s) => int.TryParse(s, out int v) && v >= 0 ? v : -1;

    private static string StageName(int stage) => stage switch
    {
        1 => "prctl(PR_SET_NO_NEW_PRIVS)",
        2 => "seccomp(SECCOMP_SET_MODE_FILTER)",
        3 => "write(hello)",
        4 => "read(ack)",
        _ => "setup",
    };

    private static void Log(string message)
    {
        try { Console.Error.WriteLine($"[dotnet-seccomp hook] {message}"); } catch (Exception) { }
    }
}
