using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Seccomp.Compiler;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Every action and loader path on the real kernel, each in a child process and judged from outside it: its exit
/// status, what it printed, and the kernel's audit log.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
[Collection(KernelLogCollection.Name)]
public class KernelActionTests
{
    private static readonly int Getppid = ArchInfo.Get((CoreArch)SeccompLoader.CurrentArchitecture!.Value).TryGetNumber("getppid", out int n) ? n : -1;

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AllowLetsTheCallRunOnEveryThreadAndSetsNoNewPrivs(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "allow");
        Assert.Equal("True", r["ppid_matches"]);
        Assert.Equal("1", r["keyctl_errno"]);
        Assert.Equal("1", r["nonewprivs"]);
        Assert.Equal("2", r["seccomp"]);
        Assert.All(r["thread_modes"].Split(','), m => Assert.Equal("2", m));
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ErrnoFailsTheCallWithTheChosenErrno(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "errno");
        Assert.Equal("-1", r["result"]);
        Assert.Equal("15", r["errno"]); // ENOTBLK, chosen in the policy
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void KillProcessEndsTheProcessWithSigsys(ChildRuntime runtime)
    {
        var r = ChildProcess.Run(runtime, "kill-process");
        Assert.Equal(ChildProcess.SIGSYS, r.Signal);
        Assert.Equal("True", r["before_call"]);
        Assert.False(r.Values.ContainsKey("result"), r.ToString());
        var line = KernelLog.FindSeccompLine(int.Parse(r["pid"]), Getppid);
        Assert.NotNull(line);
        Assert.Contains("code=0x80000000", line);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void KillThreadEndsOnlyTheCallingThread(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "kill-thread");
        Assert.Equal("False", r["victim_joined"]);
        Assert.Equal("False", r["victim_task_exists"]);
        Assert.False(r.Values.ContainsKey("victim_survived"));
        Assert.Equal("True", r["main_alive"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TrapDeliversSigsysThatTheProcessCanHandle(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "trap");
        Assert.Equal("1", r["sigsys_caught"]);
        Assert.NotEqual("0", r["result"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void LogLetsTheCallRunAndWritesAnAuditLine(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "log");
        Assert.Equal("True", r["ppid_matches"]);
        var line = KernelLog.FindSeccompLine(int.Parse(r["pid"]), Getppid);
        Assert.NotNull(line);
        Assert.Contains("code=0x7ffc0000", line);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ComplainModeRunsAKilledCallAndReportsItFromTheProcess(ChildRuntime runtime)
    {
        // On a kernel with USER_NOTIF the process reports the call itself (KernelReportTests); LOG is the fallback for
        // older kernels (KernelReportTests.WithoutUserNotificationsComplainFallsBackToLogAndSaysSo).
        var r = ChildProcess.RunToEnd(runtime, "complain");
        Assert.Equal("True", r["ppid_matches"]);
        Assert.Contains(r.Stderr.Split('\n'), l => l.StartsWith("seccomp-violation ", StringComparison.Ordinal) && l.Contains(" syscall=getppid "));
        Assert.Null(KernelLog.FindSeccompLine(int.Parse(r["pid"]), Getppid));
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void LogDeniedAsksTheKernelToLogErrnoActions(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "log-denied");
        Assert.Equal("15", r["errno"]);
        var line = KernelLog.FindSeccompLine(int.Parse(r["pid"]), Getppid);
        Assert.NotNull(line);
        Assert.Contains("code=0x5000", line);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TraceWithNoTracerFailsWithEnosys(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "trace");
        Assert.Equal("-1", r["result"]);
        Assert.Equal("38", r["errno"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task UserNotifReturnsAListenerThatASupervisorAnswers(ChildRuntime runtime)
    {
        var psi = ChildProcess.StartInfo(runtime, "notify");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data != null) output.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) output.Enqueue("stderr: " + e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            string Value(string key)
            {
                for (int i = 0; i < 300; i++)
                {
                    foreach (var l in output)
                        if (l.StartsWith(key + "=")) return l[(key.Length + 1)..];
                    System.Threading.Thread.Sleep(50);
                }
                throw new Xunit.Sdk.XunitException($"the child did not report {key}:\n{string.Join("\n", output)}");
            }
            int pid = int.Parse(Value("pid"));
            int fd = int.Parse(Value("listener_fd"));
            Assert.Equal(p.Id, pid);
            Assert.Contains("NewListener", Value("flags"));
            Assert.Contains("TsyncEsrch", Value("flags"));

            var notification = await Task.Run(() => NotifySupervisor.AnswerOne(pid, fd, 4242)).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(Getppid, notification.Nr);
            Assert.Equal((uint)pid, notification.Pid);

            Assert.Equal("4242", Value("result"));
            Assert.True(p.WaitForExit(20_000));
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited) p.Kill(true);
        }
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ApplyTwiceStacksAndTheSecondPolicyOnlyTakesRightsAway(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "stack");
        Assert.Equal("True", r["getppid_after_first"]);
        Assert.Equal("2", r["seccomp_filters"]);
        Assert.Equal("1", r["getppid_errno"]);
        // The second policy allows keyctl, the first denies it with EACCES: the first still decides.
        Assert.Equal("13", r["keyctl_errno"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TwoPhaseAppliesTheNarrowPolicyWhenStartupEnds(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "two-phase");
        Assert.Equal("True", r["getppid_during_startup"]);
        Assert.Equal("1", r["getppid_errno_after"]);
        Assert.Equal("2", r["seccomp_filters"]);
    }

    [Theory]
    [InlineData(ChildRuntime.Net10, "bad-arch")]
    [InlineData(ChildRuntime.Net10, "bad-arch-complain")] // complain mode logs what the rules deny, never a call of another ABI
    [InlineData(ChildRuntime.Net8, "bad-arch")]
    [InlineData(ChildRuntime.Net8, "bad-arch-complain")]
    public void ACallWithAForeignArchitectureGetsTheBadArchAction(ChildRuntime runtime, string scenario)
    {
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture); // int 0x80 is x86's foreign ABI
        var unfiltered = ChildProcess.Run(runtime, "int80-unfiltered");
        if (unfiltered.Signal == 11)
        {
            // This kernel refuses i386 calls before seccomp sees them (int 0x80 faults with no filter at all, as on
            // VMs that run 64-bit tasks only): no foreign call can reach the filter, so the filtered run faults the
            // same way, and the program's answer to one is checked in the interpreter on the installed bytes.
            var faulted = ChildProcess.Run(runtime, scenario);
            Assert.Equal(11, faulted.Signal);
            Assert.Equal("True", faulted["before_int80"]);
            var program = Seccomp.TestChild.Policies.AllowPolicy.GetProgram(Seccomp.SeccompArch.X86_64);
            var verdict = program.Run(new Seccomp.SeccompData(20, 0x40000003, 0, new ulong[6]), out _);
            Assert.Equal("KILL_PROCESS", verdict.ToString());
            return;
        }
        Assert.Equal(0, unfiltered.ExitCode); // i386 getpid ran unfiltered
        var r = ChildProcess.Run(runtime, scenario);
        Assert.Equal(ChildProcess.SIGSYS, r.Signal);
        Assert.Equal("True", r["before_int80"]);
        var line = KernelLog.FindSeccompLine(int.Parse(r["pid"]), 20);
        Assert.NotNull(line);
        Assert.Contains("arch=40000003", line);
        Assert.Contains("code=0x80000000", line);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void APolicyWithoutAProgramForThisArchitectureFailsClosedAndTouchesNothing(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "foreign-only");
        Assert.Equal("False", r["tryapply"]);
        Assert.Equal("SelectArchitecture", r["step"]);
        Assert.Contains("Riscv64", r["message"]);
        Assert.Equal("True", r["apply_threw"]);
        Assert.Equal("0", r["nonewprivs"]);
        Assert.Equal("0", r["seccomp"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AMissingKernelFeatureFailsAtTheProbeStepBeforeAnyChange(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "probe-fails");
        Assert.Equal("False", r["tryapply"]);
        Assert.Equal("Probe", r["step"]);
        Assert.Contains("TSYNC", r["message"]);
        Assert.Equal("0", r["nonewprivs"]);
        Assert.Equal("0", r["seccomp"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void WithoutKillProcessTheKernelGetsKillThreadAndTheFallbackIsReported(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "fallback-kill-thread");
        Assert.Contains("SECCOMP_RET_KILL_PROCESS; using SECCOMP_RET_KILL_THREAD", r["fallbacks"]);
        Assert.Equal(r["fallbacks"], r["reported"]);
        Assert.Equal(r["fallbacks"], r["fallbacks_again"]);
        Assert.Equal("1", r["reports"]); // once per process
        Assert.Equal("False", r["victim_joined"]);
        Assert.Equal("True", r["main_alive"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TheDotnetRuntimeGroupAloneKeepsAProgramRunningUnderADenyingDefault(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "dotnet-runtime");
        Assert.Equal((16 * 0 + Enumerable.Range(0, 16).Sum()).ToString(), r["tasks"]);
        Assert.Equal("True", r["timer"]);
        Assert.Equal("True", r["gc"]);
        Assert.Equal("hello", r["file"]);
        Assert.Equal("1", r["keyctl_errno"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ConditionsOnSocketDomainAndOpenatFlagsBehaveAsDeclared(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "conditions");
        Assert.Equal("ok", r["socket_unix"]);
        Assert.Equal("ok", r["socket_inet_stream"]);
        Assert.Equal("errno97", r["socket_inet_raw"]);          // EAFNOSUPPORT
        Assert.Equal("errno97", r["socket_inet_raw_cloexec"]);  // the flag bits are masked off
        Assert.Equal("errno97", r["socket_inet6"]);
        Assert.Equal("ok", r["open_read"]);
        Assert.Equal("errno30", r["open_write_fdcwd"]);         // EROFS
        // int dfd: the low 32 bits decide, whatever the high word holds.
        Assert.Equal("errno30", r["open_write_fdcwd_zero_extended"]);
        Assert.Equal("errno30", r["open_write_fdcwd_garbage_high"]);
        // O_CREAT: EACCES (13) and EROFS (30) both match; the lower errno wins.
        Assert.Equal("errno13", r["open_create"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AMaskedProtTestKillsMmapWithAnUnknownHighBitWhereEqualityDoesNot(ChildRuntime runtime)
    {
        // The equality form: prot 0x10000000007 is not 7, the rule does not match, and the kernel maps the page RWX.
        var equal = ChildProcess.RunToEnd(runtime, "prot-equal");
        Assert.Equal("True", equal["result_ok"]);
        Assert.StartsWith("rwx", equal["perms"]);

        // The mask form (SECC0038's fix): write and execute are set, whatever else is: killed.
        var masked = ChildProcess.Run(runtime, "prot-mask");
        Assert.Equal(ChildProcess.SIGSYS, masked.Signal);
        Assert.Equal("True", masked["before_call"]);
        Assert.False(masked.Values.ContainsKey("result_ok"), masked.ToString());
    }
}
