using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using Seccomp;
using Seccomp.TestChild;
using Seccomp.TestChild.Policies;

/// <summary>
/// The red-team's attacks on the loader, replayed in a child process. They report; the tests judge.
/// </summary>
internal static partial class Scenarios
{
    private const uint RetAllow = 0x7fff0000, RetErrno = 0x00050000, RetUserNotif = 0x7fc00000;
    private const ushort LdAbs = 0x20, JeqK = 0x15, RetK = 0x06;
    private const ulong SetModeFilter = 1, FlagTsync = 1, FlagNewListener = 8, FlagTsyncEsrch = 16; // TSYNC with NEW_LISTENER needs TSYNC_ESRCH

    /// <summary>
    /// An earlier filter that lies about seccomp(2): the flag probe (a NULL program) gets EFAULT, as from a kernel
    /// that supports the flag, and the real install gets ERRNO(0), a success that installed nothing. With
    /// <paramref name="notify"/>, the real install goes to a USER_NOTIF supervisor thread that replies 0 instead.
    /// Then TryApply and Apply of a real policy: both must refuse.
    /// </summary>
    private static int LyingEarlierFilter(bool notify)
    {
        int seccompNr = Native.Number("seccomp");
        uint answer = notify ? RetUserNotif : RetErrno | 0;
        // Jumps are relative to the next instruction.
        var program = new List<(ushort Code, byte Jt, byte Jf, uint K)>
        {
            (LdAbs, 0, 0, 0),                              // 0: A = nr
            (JeqK, 0, 8, (uint)seccompNr),                 // 1: seccomp, else 10
            (LdAbs, 0, 0, 16),                             // 2: A = low word of op
            (JeqK, 0, 6, (uint)SetModeFilter),             // 3: SET_MODE_FILTER, else 10
            (LdAbs, 0, 0, 32),                             // 4: A = low word of the program pointer
            (JeqK, 0, 2, 0),                               // 5: 0: look at the high word, else 8
            (LdAbs, 0, 0, 36),                             // 6: A = high word
            (JeqK, 1, 0, 0),                               // 7: NULL: 9, else 8
            (RetK, 0, 0, answer),                          // 8: the real install: a fake success
            (RetK, 0, 0, RetErrno | 14),                   // 9: the flag probe: EFAULT, as for a supported flag
            (RetK, 0, 0, RetAllow),                        // 10: everything else
        };
        Native.Prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1);
        var (fd, errno) = Native.InstallRaw(program, notify ? FlagTsync | FlagNewListener | FlagTsyncEsrch : FlagTsync);
        Report("earlier_installed", fd >= 0);
        Report("earlier_errno", errno);
        if (fd < 0) return 1;
        if (notify)
        {
            // The supervisor: every notified seccomp(2) is answered with val 0, error 0 (a fake success).
            var t = new Thread(() => Native.AnswerNotificationsWithZero((int)fd)) { IsBackground = true, Name = "liar" };
            t.Start();
        }
        ReportStatus();
        bool ok = AllowPolicy.TryApply(out var error);
        Report("tryapply", ok);
        Report("step", error?.Step);
        Report("message", error?.Message?.Replace('\n', ' '));
        try
        {
            AllowPolicy.Apply();
            Report("apply_threw", false);
        }
        catch (SeccompException ex)
        {
            Report("apply_threw", true);
            Report("apply_step", ex.Error.Step);
        }
        ReportStatus();
        // The policy's Deny("keyctl") is not in force: keyctl reaches the kernel (EINVAL/ENOKEY... anything but EPERM
        // from a filter would do; the kernel gives EOPNOTSUPP or EINVAL for op -3).
        Report("keyctl_errno", Native.Call(Native.Number("keyctl"), unchecked((ulong)-3), 0, 0).Errno);
        return 0;
    }

    /// <summary>Apply with a warning sink; report what it was told (the test runs this as root and as nobody).</summary>
    private static int PrivilegeWarning()
    {
        var warnings = new List<string>();
        AllowPolicy.Apply(new SeccompOptions { OnWarning = warnings.Add });
        Report("warnings", warnings.Count);
        Report("warning", warnings.Count > 0 ? warnings[0] : "");
        return 0;
    }

    /// <summary>
    /// Finding 2: under Errno + @dotnet-runtime, the group's calls that can name a process reach only this one. A
    /// sleeper started before the install is the other process; each call on it is refused with the default's EPERM,
    /// and the forms the runtime uses on itself still work, as do threads and the GC.
    /// </summary>
    private static unsafe int GroupReachesOnlyItself()
    {
        // Its output is its own: a sleeper that inherited this child's stdout would hold the test's pipe open, and the
        // test would wait out the sleep before it reads EOF.
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sleep", "60")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        ulong otherPid = (ulong)other.Id;
        RuntimeOnlyPolicy.Apply();
        ulong* limit = stackalloc ulong[2];
        limit[0] = 1; limit[1] = 1;
        ulong* old = stackalloc ulong[2];
        int* param = stackalloc int[1];
        byte* name = stackalloc byte[16];
        name[0] = (byte)'x'; name[1] = 0;
        ulong* mask = stackalloc ulong[1];
        mask[0] = 1;
        Report("prlimit64_other", Native.Call(Native.Number("prlimit64"), otherPid, 7 /* RLIMIT_NOFILE */, (ulong)limit, 0).Errno);
        Report("prlimit64_self", Native.Call(Native.Number("prlimit64"), 0, 7, 0, (ulong)old).Errno);
        Report("setpriority_other", Native.Call(Native.Number("setpriority"), 0 /* PRIO_PROCESS */, otherPid, 19).Errno);
        *param = 1;
        Report("sched_setscheduler_other_fifo", Native.Call(Native.Number("sched_setscheduler"), otherPid, 1 /* SCHED_FIFO */, (ulong)param).Errno);
        *param = 0;
        ulong tid = (ulong)Native.Call(Native.Number("gettid")).Result;
        Report("sched_setscheduler_self_other", Native.Call(Native.Number("sched_setscheduler"), tid, 0 /* SCHED_OTHER */, (ulong)param).Errno);
        Report("sched_setaffinity_other", Native.Call(Native.Number("sched_setaffinity"), otherPid, 8, (ulong)mask).Errno);
        Report("prctl_set_dumpable", Native.Call(Native.Number("prctl"), 4 /* PR_SET_DUMPABLE */, 0).Errno);
        Report("prctl_cap_ambient", Native.Call(Native.Number("prctl"), 47 /* PR_CAP_AMBIENT */, 4 /* CLEAR_ALL */).Errno);
        Report("prctl_set_name", Native.Call(Native.Number("prctl"), 15 /* PR_SET_NAME */, (ulong)name).Errno);
        // tgkill: another thread group is refused; this one (the pid written into the program at install) is not.
        Report("tgkill_other", Native.Call(Native.Number("tgkill"), otherPid, otherPid, 15 /* SIGTERM */).Errno);
        Report("tgkill_self", Native.Call(Native.Number("tgkill"), (ulong)Environment.ProcessId, tid, 0).Errno);
        // The runtime itself: threads that allocate, and collections that suspend them (tgkill to this process).
        var threads = new List<Thread>();
        for (int i = 0; i < 4; i++)
        {
            var t = new Thread(() => { for (int j = 0; j < 20000; j++) _ = new byte[256]; });
            t.Start();
            threads.Add(t);
        }
        for (int i = 0; i < 10; i++) GC.Collect();
        foreach (var t in threads) t.Join();
        Report("runtime_ok", true);
        Report("other_pid", otherPid); // kill is not in the group: the test ends the sleeper
        return 0;
    }

    /// <summary>
    /// The runtime under KillProcess + @dotnet-runtime while the test stops and continues it: threads that sleep, wait
    /// with timeouts and poll, so that SIGSTOP interrupts calls the kernel resumes through restart_syscall.
    /// </summary>
    private static int StopContinue(int seconds)
    {
        RuntimeKillPolicy.Apply();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var gate = new object();
        var threads = new List<Thread>();
        for (int i = 0; i < 4; i++)
        {
            int k = i;
            var t = new Thread(() =>
            {
                while (DateTime.UtcNow < until)
                {
                    if (k % 2 == 0) Thread.Sleep(3 + k);
                    else lock (gate) Monitor.Wait(gate, 4 + k);
                    _ = new byte[512];
                }
            });
            t.Start();
            threads.Add(t);
        }
        Report("ready", true);
        Console.Out.Flush();
        while (DateTime.UtcNow < until) System.Threading.Tasks.Task.Delay(5).Wait();
        foreach (var t in threads) t.Join();
        Report("survived", true);
        return 0;
    }

    /// <summary>Under KillProcess + @dotnet-runtime + the calls of Process.Start: start and reap <paramref name="count"/> children.</summary>
    private static int Children(int count)
    {
        RuntimeChildrenPolicy.Apply();
        int ok = 0;
        for (int i = 0; i < count; i++)
        {
            using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
            child.WaitForExit();
            if (child.ExitCode == 0) ok++;
        }
        Report("reaped_ok", ok);
        return 0;
    }
}
