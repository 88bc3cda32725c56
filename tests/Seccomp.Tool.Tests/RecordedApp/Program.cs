// Makes known calls for the recorder tests:
//   RecordedApp calls N THREADS : socket(AF_INET, SOCK_STREAM) once, bind 127.0.0.1:0, listen(fd, 7), inotify_init1(IN_NONBLOCK),
//                                 then THREADS threads each call getpgrp and getppid N times; exits 42
//   RecordedApp load N THREADS  : THREADS threads each make N rounds of six distinct calls outside @dotnet-runtime (getpgrp,
//                                 getpgid, getresuid, getresgid, getgroups, getitimer), all at once; exits 43
//   RecordedApp bench N         : times N getpid (in @dotnet-runtime) and N getpgrp (outside it), prints ns per call;
//                                 eng/recorder-cost.sh runs it with and without the recorder; exits 0
//   RecordedApp signal-self     : kill(getpid(), 0) and tgkill(getpid(), gettid(), 0) (in @dotnet-runtime, which lets them reach
//                                 this process only), then kill(getppid(), 0) (outside it); exits 44
//   RecordedApp status          : prints the Uid, Gid, Groups, Cap*, NoNewPrivs and Seccomp lines of /proc/self/status; exits 0
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace RecordedApp;

internal static unsafe class Program
{
    [DllImport("libc.so.6", SetLastError = true)] private static extern int socket(int domain, int type, int protocol);
    [DllImport("libc.so.6", SetLastError = true)] private static extern int bind(int fd, byte* addr, int len);
    [DllImport("libc.so.6", SetLastError = true)] private static extern int listen(int fd, int backlog);
    [DllImport("libc.so.6", SetLastError = true)] private static extern int inotify_init1(int flags);
    [DllImport("libc.so.6", SetLastError = true)] private static extern int close(int fd);
    [DllImport("libc.so.6")] private static extern int getpgrp();
    [DllImport("libc.so.6")] private static extern int getppid();
    [DllImport("libc.so.6")] private static extern int getpgid(int pid);
    [DllImport("libc.so.6")] private static extern int getpid();
    [DllImport("libc.so.6")] private static extern int getresuid(uint* r, uint* e, uint* s);
    [DllImport("libc.so.6")] private static extern int getresgid(uint* r, uint* e, uint* s);
    [DllImport("libc.so.6")] private static extern int getgroups(int size, uint* list);
    [DllImport("libc.so.6")] private static extern int getitimer(int which, long* value);
    [DllImport("libc.so.6")] private static extern int kill(int pid, int sig);
    [DllImport("libc.so.6")] private static extern int tgkill(int tgid, int tid, int sig);
    [DllImport("libc.so.6")] private static extern int gettid();

    private static int Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "status";
        if (mode == "status")
        {
            foreach (string line in File.ReadAllLines("/proc/self/status"))
                if (line.StartsWith("Seccomp", StringComparison.Ordinal) || line.StartsWith("Uid:", StringComparison.Ordinal) ||
                    line.StartsWith("Gid:", StringComparison.Ordinal) || line.StartsWith("Groups:", StringComparison.Ordinal) ||
                    line.StartsWith("Cap", StringComparison.Ordinal) || line.StartsWith("NoNewPrivs:", StringComparison.Ordinal))
                    Console.WriteLine(line);
            return 0;
        }
        if (mode == "signal-self")
        {
            int self = kill(getpid(), 0), thread = tgkill(getpid(), gettid(), 0), parent = kill(getppid(), 0);
            Console.WriteLine($"kill(self)={self} tgkill(self)={thread} kill(parent)={parent}");
            return 44;
        }
        int n = int.Parse(args[1]);
        if (mode == "bench") return Bench(n);
        int threads = int.Parse(args[2]);
        if (mode == "load") return Load(n, threads);

        int fd = socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
        if (fd < 0) { Console.Error.WriteLine($"socket: {Marshal.GetLastPInvokeError()}"); return 1; }
        byte* sin = stackalloc byte[16];
        new Span<byte>(sin, 16).Clear();
        sin[0] = 2; // sin_family AF_INET (little-endian u16)
        sin[4] = 127; sin[7] = 1; // 127.0.0.1, port 0
        if (bind(fd, sin, 16) != 0) { Console.Error.WriteLine($"bind: {Marshal.GetLastPInvokeError()}"); return 1; }
        if (listen(fd, 7) != 0) { Console.Error.WriteLine($"listen: {Marshal.GetLastPInvokeError()}"); return 1; }
        int ino = inotify_init1(0x800 /* IN_NONBLOCK */);
        if (ino < 0) { Console.Error.WriteLine($"inotify_init1: {Marshal.GetLastPInvokeError()}"); return 1; }
        close(ino);
        close(fd);

        var ts = new Thread[threads];
        using var go = new ManualResetEventSlim();
        for (int t = 0; t < threads; t++)
        {
            ts[t] = new Thread(() =>
            {
                go.Wait();
                for (int k = 0; k < n; k++) { getpgrp(); getppid(); }
            });
            ts[t].Start();
        }
        go.Set();
        foreach (var t in ts) t.Join();
        Console.WriteLine("done");
        return 42;
    }

    private static int Bench(int n)
    {
        // Best of 5 runs of n calls each, after a warm-up that JIT-compiles the stubs.
        double Best(Func<int> call)
        {
            for (int k = 0; k < 1000; k++) call();
            double best = double.MaxValue;
            for (int run = 0; run < 5; run++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int k = 0; k < n; k++) call();
                best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalNanoseconds / n);
            }
            return best;
        }
        Console.WriteLine($"getpid  {Best(getpid):F0} ns/call");
        Console.WriteLine($"getpgrp {Best(getpgrp):F0} ns/call");
        return 0;
    }

    private static int Load(int n, int threads)
    {
        var ts = new Thread[threads];
        using var go = new ManualResetEventSlim();
        for (int t = 0; t < threads; t++)
        {
            ts[t] = new Thread(() =>
            {
                uint r, e, s;
                long* timer = stackalloc long[4];
                go.Wait();
                for (int k = 0; k < n; k++)
                {
                    getpgrp();
                    getpgid(0);
                    getresuid(&r, &e, &s);
                    getresgid(&r, &e, &s);
                    getgroups(0, null);
                    getitimer(0 /* ITIMER_REAL */, timer);
                }
            });
            ts[t].Start();
        }
        go.Set();
        foreach (var t in ts) t.Join();
        Console.WriteLine("done");
        return 43;
    }
}
