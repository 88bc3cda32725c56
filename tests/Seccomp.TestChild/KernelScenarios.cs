using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Seccomp;
using Seccomp.TestChild.Policies;

using Seccomp.TestChild;

/// <summary>Scenarios for each kernel action and loader path. They report; the tests judge.</summary>
internal static partial class Scenarios
{
    static partial void ExtraScenario(string name, string[] rest, ref int? code)
    {
        code = name switch
        {
            "allow" => Allow(),
            "errno" => CallAfter(() => ErrnoPolicy.Apply()),
            "kill-process" => CallAfter(() => KillProcessPolicy.Apply()),
            "kill-thread" => KillThread(),
            "trap" => Trap(),
            "log" => CallAfter(() => LogPolicy.Apply()),
            "complain" => CallAfter(() => KillProcessPolicy.Apply(new SeccompOptions { Complain = true })),
            "log-denied" => CallAfter(() => ErrnoPolicy.Apply(new SeccompOptions { LogDenied = true })),
            "trace" => CallAfter(() => TracePolicy.Apply()),
            "notify" => Notify(),
            "stack" => Stack(),
            "two-phase" => TwoPhase(),
            "bad-arch" => BadArch(() => AllowPolicy.Apply()),
            // The same int 0x80 with no filter: whether this kernel takes i386 calls at all (some VMs refuse them).
            "int80-unfiltered" => BadArch(() => { }),
            // Complain mode rewrites the program (the Kill rule becomes LOG) but keeps the architecture check.
            "bad-arch-complain" => BadArch(() => KillProcessPolicy.Apply(new SeccompOptions { Complain = true })),
            "foreign-only" => ForeignOnly(),
            "probe-fails" => ProbeFails(),
            "fallback-kill-thread" => FallbackKillThread(),
            "conditions" => Conditions(),
            "dotnet-runtime" => RuntimeOnly(),
            "prot-mask" => MmapWithHighProtBit(() => MaskedProtKillPolicy.Apply()),
            "prot-equal" => MmapWithHighProtBit(() => EqualProtKillPolicy.Apply()),
            "denied-probe" => DeniedProbe(),
            "denied-install" => DeniedInstall(),
            "apply-twice" => ApplyTwice(),
            "complain-clone3" => ComplainClone3(),
            "runtime-two-phase" => RuntimeTwoPhase(),
            "lying-filter" => LyingEarlierFilter(notify: false),
            "lying-supervisor" => LyingEarlierFilter(notify: true),
            "privilege-warning" => PrivilegeWarning(),
            "group-reaches-only-itself" => GroupReachesOnlyItself(),
            "stop-continue" => StopContinue(int.Parse(rest[0])),
            "children" => Children(int.Parse(rest[0])),
            _ => ReportScenario(name, rest),
        };
    }

    private static int Getppid() => Native.Number("getppid");

    /// <summary>
    /// Apply, then a raw mmap(NULL, 4096, prot = 0x10000000007, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0): the kernel
    /// ignores the unknown bit 40 and maps the page read-write-execute.
    /// </summary>
    private static int MmapWithHighProtBit(Action apply)
    {
        Report("pid", Environment.ProcessId);
        apply();
        Report("before_call", true);
        Console.Out.Flush();
        const ulong privateAnonymous = 0x02 | 0x20;
        var r = Native.Call(Native.Number("mmap"), 0, 4096, 0x100_0000_0007, privateAnonymous, ulong.MaxValue, 0);
        Report("result_ok", r.Result > 0);
        Report("errno", r.Errno);
        if (r.Result > 0)
            foreach (var line in File.ReadLines("/proc/self/maps"))
                if (line.StartsWith(r.Result.ToString("x") + "-", StringComparison.Ordinal))
                    Report("perms", line.Split(' ')[1]);
        Native.Call(Native.Number("munmap"), (ulong)r.Result, 4096);
        return 0;
    }

    private static void ReportStatus()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("NoNewPrivs:") || line.StartsWith("Seccomp:") || line.StartsWith("Seccomp_filters:"))
                Report(line[..line.IndexOf(':')].ToLowerInvariant(), line[(line.IndexOf(':') + 1)..].Trim());
    }

    /// <summary>Apply, then getppid on this thread; report the result, errno and status.</summary>
    private static int CallAfter(Action apply)
    {
        Report("pid", Environment.ProcessId);
        apply();
        ReportStatus();
        Report("before_call", true);
        Console.Out.Flush();
        var r = Native.Call(Getppid());
        Report("result", r.Result);
        Report("errno", r.Errno);
        Report("ppid_matches", r.Result == ParentPid());
        return 0;
    }

    private static long ParentPid() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("PPid:")).Split(':')[1].Trim());

    private static int Allow()
    {
        var (_, release) = StartThreads(2);
        AllowPolicy.Apply();
        ReportStatus();
        var r = Native.Call(Getppid());
        Report("result", r.Result);
        Report("ppid_matches", r.Result == ParentPid());
        var k = Native.Call(Native.Number("keyctl"), 0, unchecked((ulong)-3), 0);
        Report("keyctl_errno", k.Errno);
        Report("thread_modes", ThreadSeccompModes());
        release.Set();
        return 0;
    }

    private static int KillThread()
    {
        KillThreadPolicy.Apply();
        return GetppidOnAnotherThreadThenExit();
    }

    /// <summary>A second thread calls getppid; report whether it came back and whether this thread lives on.</summary>
    private static int GetppidOnAnotherThreadThenExit()
    {
        int victimTid = 0;
        var victim = new Thread(() =>
        {
            victimTid = (int)Native.Call(Native.Number("gettid")).Result;
            Native.Call(Getppid());
            Report("victim_survived", true);
        });
        victim.Start();
        Report("victim_joined", victim.Join(2000));
        Report("victim_task_exists", Directory.Exists($"/proc/self/task/{victimTid}"));
        Report("main_alive", true);
        Console.Out.Flush();
        // The runtime still counts a killed thread as running; leave without waiting for it.
        Native.Call(Native.Number("exit_group"), 0);
        return 0;
    }

    private static int Trap()
    {
        int caught = 0;
        using var reg = PosixSignalRegistration.Create((PosixSignal)31, ctx =>
        {
            Interlocked.Increment(ref caught);
            ctx.Cancel = true;
        });
        TrapPolicy.Apply();
        Report("before_call", true);
        Console.Out.Flush();
        var r = Native.Call(Getppid());
        Report("result", r.Result);
        for (int i = 0; i < 100 && Volatile.Read(ref caught) == 0; i++) Thread.Sleep(20);
        Report("sigsys_caught", caught);
        return 0;
    }

    private static int Notify()
    {
        var installation = NotifyPolicy.Install(new SeccompOptions { CreateListener = true });
        Report("pid", Environment.ProcessId);
        Report("listener_fd", installation.ListenerFd);
        Report("flags", installation.Flags);
        Console.Out.Flush();
        // Blocks until the supervisor answers.
        var r = Native.Call(Getppid());
        Report("result", r.Result);
        Report("errno", r.Errno);
        return 0;
    }

    private static int Stack()
    {
        BroadPolicy.Apply();
        var first = Native.Call(Getppid());
        Report("getppid_after_first", first.Result == ParentPid());
        NarrowPolicy.Apply();
        ReportStatus();
        var second = Native.Call(Getppid());
        Report("getppid_errno", second.Errno);
        var k = Native.Call(Native.Number("keyctl"), 0, unchecked((ulong)-3), 0);
        Report("keyctl_errno", k.Errno);
        return 0;
    }

    private static void ReportError(SeccompError? error)
    {
        Report("error_step", error?.Step);
        Report("error_errno", error?.Errno);
        Report("error_message", error?.Message);
    }

    /// <summary>A filter that denies seccomp(2), then a policy whose LOG rule needs a probe the filter refuses.</summary>
    private static int DeniedProbe()
    {
        DenySeccompPolicy.Apply();
        Report("first_ok", true);
        Report("second_ok", LogAfterPolicy.TryApply(out var error));
        ReportError(error);
        try { LogAfterPolicy.Apply(); }
        catch (SeccompException ex) { Report("exception", ex.Message); }
        // Asked again, the probe still says "refused", not "missing": the refusal was not cached as an answer.
        Report("probe_again", KernelFeatureProbe.Instance.ProbeAction(SeccompAction.Log, out int errno));
        Report("probe_again_errno", errno);
        Report("log_available", KernelFeatureProbe.Instance.IsActionAvailable(SeccompAction.Log));
        ReportStatus();
        return 0;
    }

    /// <summary>A filter that denies seccomp(2), then a policy whose probes are all answered already: the install is refused.</summary>
    private static int DeniedInstall()
    {
        DenySeccompPolicy.Apply();
        Report("second_ok", NarrowPolicy.TryApply(out var error));
        ReportError(error);
        ReportStatus();
        return 0;
    }

    /// <summary>The same policy applied again: a no-op that returns the first installation.</summary>
    private static int ApplyTwice()
    {
        var first = BroadPolicy.Install(null);
        BroadPolicy.Apply();
        var third = BroadPolicy.Install(null);
        Report("same_installation", ReferenceEquals(first, third));
        Report("try_again", BroadPolicy.TryApply(out _));
        Report("filters_after_repeat", File.ReadLines("/proc/self/status").First(l => l.StartsWith("Seccomp_filters:")).Split(':')[1].Trim());
        // Another policy is still installed: stacking is not a re-apply.
        NarrowPolicy.Apply();
        NarrowPolicy.Apply();
        ReportStatus();
        return 0;
    }

    /// <summary>Complain mode keeps ERRNO(ENOSYS) for clone3 (from @dotnet-runtime): glibc falls back to clone.</summary>
    private static int ComplainClone3()
    {
        RuntimeOnlyPolicy.Apply(new SeccompOptions { Complain = true });
        // clone3(NULL, 0): the kernel itself would answer EINVAL (size too small); the filter's ENOSYS comes first.
        var c = Native.Call(Native.Number("clone3"), 0, 0);
        Report("clone3_errno", c.Errno);
        var ran = false;
        var t = new Thread(() => ran = true);
        t.Start();
        t.Join();
        Report("thread_ran", ran);
        // A call the policy denies is logged, not denied: keyctl reaches the kernel (EINVAL/ENOKEY..., not EPERM).
        var k = Native.Call(Native.Number("keyctl"), 0, unchecked((ulong)-3), 0);
        Report("keyctl_errno", k.Errno);
        ReportStatus();
        return 0;
    }

    /// <summary>The two-phase pattern on the runtime group: the broad policy lets the narrow one (with a LOG rule) in.</summary>
    private static int RuntimeTwoPhase()
    {
        using var started = new CancellationTokenSource();
        RuntimeBroadPolicy.Apply();
        using var registration = RuntimeNarrowPolicy.ApplyWhen(started.Token);
        Report("getpgid_during_startup", Native.Call(Native.Number("getpgid"), 0).Errno);
        started.Cancel();
        Report("getpgid_errno_after", Native.Call(Native.Number("getpgid"), 0).Errno);
        ReportStatus();
        return 0;
    }

    private static int TwoPhase()
    {
        using var started = new CancellationTokenSource();
        BroadPolicy.Apply();
        using var registration = NarrowPolicy.ApplyWhen(started.Token);
        Report("getppid_during_startup", Native.Call(Getppid()).Result == ParentPid());
        started.Cancel();
        Report("getppid_errno_after", Native.Call(Getppid()).Errno);
        ReportStatus();
        return 0;
    }

    private static unsafe int BadArch(Action apply)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            Report("unsupported", RuntimeInformation.ProcessArchitecture);
            return 3;
        }
        apply();
        // mov eax, 20 (getpid on i386); int 0x80; ret: the i386 ABI, audit arch 0x40000003.
        byte[] code = { 0xb8, 0x14, 0x00, 0x00, 0x00, 0xcd, 0x80, 0xc3 };
        var mem = Native.Call(Native.Number("mmap"), 0, 4096, 7 /* RWX */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, unchecked((ulong)-1), 0);
        Marshal.Copy(code, 0, (IntPtr)mem.Result, code.Length);
        Report("pid", Environment.ProcessId);
        Report("before_int80", true);
        Console.Out.Flush();
        int result = ((delegate* unmanaged<int>)mem.Result)();
        Report("int80_result", result);
        return 0;
    }

    private static int ForeignOnly()
    {
        bool ok = ForeignOnlyPolicy.TryApply(out var error);
        Report("tryapply", ok);
        Report("step", error?.Step);
        Report("message", error?.Message);
        try
        {
            ForeignOnlyPolicy.Apply();
            Report("apply_threw", false);
        }
        catch (SeccompException ex)
        {
            Report("apply_threw", true);
            Report("exception_step", ex.Step);
        }
        ReportStatus();
        return 0;
    }

    /// <summary>A kernel without TSYNC, acted out by the probe: the install must fail before touching the process.</summary>
    private static int ProbeFails()
    {
        var options = new SeccompOptions { Probe = new FakeProbe { MissingFlags = SeccompFilterFlags.Tsync } };
        bool ok = ErrnoPolicy.TryApply(options, out var error);
        Report("tryapply", ok);
        Report("step", error?.Step);
        Report("message", error?.Message);
        ReportStatus();
        return 0;
    }

    /// <summary>A kernel without KILL_PROCESS, acted out by the probe: the real kernel gets KILL_THREAD instead.</summary>
    private static int FallbackKillThread()
    {
        string? reported = null;
        int reports = 0;
        var options = new SeccompOptions
        {
            Probe = new FakeProbe { MissingActions = { SeccompAction.KillProcess } },
            OnFallback = f => { reported = f.ToString(); reports++; },
        };
        var installation = KillProcessPolicy.Install(options);
        // The same fallback again: the kernel gets it, the report does not repeat.
        var again = KillProcessPolicy.Install(options);
        Report("fallbacks", string.Join(";", installation.Fallbacks));
        Report("fallbacks_again", string.Join(";", again.Fallbacks));
        Report("reported", reported);
        Report("reports", reports);
        return GetppidOnAnotherThreadThenExit();
    }

    /// <summary>Threads, the thread pool, timers, allocation and GC, files and a pipe under @dotnet-runtime alone.</summary>
    private static int RuntimeOnly()
    {
        RuntimeOnlyPolicy.Apply();
        var tasks = Enumerable.Range(0, 16).Select(i => System.Threading.Tasks.Task.Run(() =>
        {
            var data = new byte[1 << 20];
            data[i] = (byte)i;
            return data.Sum(b => (long)b);
        })).ToArray();
        System.Threading.Tasks.Task.WaitAll(tasks);
        Report("tasks", tasks.Sum(t => t.Result));
        using var timerFired = new ManualResetEventSlim();
        using var timer = new Timer(_ => timerFired.Set(), null, 10, Timeout.Infinite);
        Report("timer", timerFired.Wait(5000));
        var garbage = Enumerable.Range(0, 200).Select(_ => new byte[1 << 20]).ToList();
        garbage.Clear();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        Report("gc", GC.CollectionCount(2) > 0);
        string path = Path.Combine(Path.GetTempPath(), $"seccomp-runtime-{Environment.ProcessId}");
        File.WriteAllText(path, "hello");
        Report("file", File.ReadAllText(path));
        File.Delete(path);
        var keyctl = Native.Call(Native.Number("keyctl"), 0, unchecked((ulong)-3), 0);
        Report("keyctl_errno", keyctl.Errno);
        return 0;
    }

    private static int Conditions()
    {
        ConditionPolicy.Apply();
        void Socket(string name, ulong domain, ulong type)
        {
            var r = Native.Call(Native.Number("socket"), domain, type, 0);
            Report(name, r.Result >= 0 ? "ok" : "errno" + r.Errno);
            if (r.Result >= 0) Native.Call(Native.Number("close"), (ulong)r.Result);
        }
        Socket("socket_unix", 1, 1);
        Socket("socket_inet_stream", 2, 1);
        Socket("socket_inet_raw", 2, 3);
        Socket("socket_inet_raw_cloexec", 2, 3 | 0x80000);
        Socket("socket_inet6", 10, 1);

        string dir = Path.Combine(Path.GetTempPath(), "seccomp-cond-" + Environment.ProcessId);
        void Open(string name, long dfd, string path, ulong flags)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    // dfd as the kernel sees it: sign-extended (-100) or, through a 32-bit register, zero-extended.
                    var r = Native.Call(Native.Number("openat"), unchecked((ulong)dfd), (ulong)p, flags, 0x1a4);
                    Report(name, r.Result >= 0 ? "ok" : "errno" + r.Errno);
                    if (r.Result >= 0) Native.Call(Native.Number("close"), (ulong)r.Result);
                }
            }
        }
        Open("open_read", -100, "/proc/self/status", 0);
        Open("open_write_fdcwd", -100, "/dev/null", 1);
        Open("open_write_fdcwd_zero_extended", 0xffffff9c, "/dev/null", 1);
        Open("open_write_fdcwd_garbage_high", unchecked((long)0x12345678ffffff9c), "/dev/null", 2);
        Open("open_create", -100, dir, 0x40 | 1);
        return 0;
    }
}

/// <summary>A kernel that lacks what the test says it lacks, and has the rest.</summary>
internal sealed class FakeProbe : ISeccompFeatureProbe
{
    public System.Collections.Generic.HashSet<SeccompAction> MissingActions { get; } = new();
    public SeccompFilterFlags MissingFlags { get; set; }
    public bool IsActionAvailable(SeccompAction action) => !MissingActions.Contains(action);
    public bool IsFilterFlagSupported(SeccompFilterFlags flag) => (MissingFlags & flag) == 0;
}
