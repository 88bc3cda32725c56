using System;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// In-process reports on the real kernel (SeccompOptions.Complain and ReportViolations, docs/reports.md): each in a
/// child process, judged from its exit status and what it printed.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
[Collection(KernelLogCollection.Name)]
public class KernelReportTests
{
    private readonly ITestOutputHelper _output;

    public KernelReportTests(ITestOutputHelper output) => _output = output;

    private static readonly int Getppid = ArchInfo.Get((CoreArch)SeccompLoader.CurrentArchitecture!.Value).TryGetNumber("getppid", out int n) ? n : -1;

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ComplainRunsTheCallAndTheProcessReportsItWithItsRuleAndThread(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-complain");
        Assert.Equal("True", r["ppid_matches"]);
        Assert.Equal("3", r["reports"]);
        Assert.Equal("getppid", r["syscall"]);
        Assert.Equal("True", r["call_ran"]);
        Assert.Equal("kill-process", r["action"]);
        Assert.Matches(@"KernelPolicies\.cs:18 \[Kill\(""getppid""\)\]", r["rule"]);
        Assert.Equal(r["caller_tid"], r["tid"]);
        Assert.Equal(r["pid"], r["violation_pid"]);
        // The kernel's name of the thread that called: the main thread keeps the program's (dotnet, or the .NET 8 child's
        // apphost, cut to the kernel's 15 characters).
        Assert.Equal(runtime == ChildRuntime.Net8 ? "Seccomp.TestChi" : "dotnet", r["thread"]);
        Assert.Equal("1,2,3", r["counts"]);
        Assert.StartsWith("seccomp-violation policy=Seccomp.TestChild.Policies.KillProcessPolicy arch=x86_64 syscall=getppid nr=110 action=kill-process mode=complain args=", r["line"]);
        // Nothing reached the kernel's log: the call was reported by the process, not by LOG.
        Assert.Null(KernelLog.FindSeccompLine(int.Parse(r["pid"]), Getppid));
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void WithoutACallbackOneLinePerDistinctCallGoesToStandardError(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-complain", "stderr");
        Assert.Equal("True", r["ppid_matches"]);
        var lines = r.Stderr.Split('\n').Where(l => l.StartsWith("seccomp-violation ", StringComparison.Ordinal)).ToList();
        // Three identical calls: one line (the same arguments are not written again).
        Assert.Single(lines, l => l.Contains(" syscall=getppid "));
        Assert.Contains(" mode=complain ", lines[0]);
        Assert.Contains(" count=1", lines[0]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ReportViolationsWritesTheKillingCallThenEndsWithSigsys(ChildRuntime runtime)
    {
        var r = ChildProcess.Run(runtime, "report-kill");
        Assert.True(r.Signal == ChildProcess.SIGSYS, r.ToString());
        Assert.Equal("True", r["before_call"]);
        Assert.False(r.Values.ContainsKey("survived"));
        var line = r.Stderr.Split('\n').Single(l => l.StartsWith("seccomp-violation ", StringComparison.Ordinal));
        Assert.Contains(" syscall=getppid ", line);
        Assert.Contains(" action=kill-process mode=enforce ", line);
        Assert.Contains(" ends=process", line);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AHungCallbackDelaysTheKillByTheTimeoutOnlyAndTheLineIsStillWritten(ChildRuntime runtime)
    {
        var started = DateTime.UtcNow;
        var r = ChildProcess.Run(runtime, "report-kill", "hung-callback");
        Assert.True(r.Signal == ChildProcess.SIGSYS, r.ToString());
        Assert.Contains(r.Stderr.Split('\n'), l => l.StartsWith("seccomp-violation ", StringComparison.Ordinal) && l.Contains(" syscall=getppid "));
        _output.WriteLine($"ended after {(DateTime.UtcNow - started).TotalSeconds:F1} s (timeout 1 s)");
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AnErrnoRuleFailsTheCallAndIsReported(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-errno");
        Assert.Equal("-1", r["result"]);
        Assert.Equal("15", r["errno"]); // ENOTBLK, the policy's errno
        Assert.Equal("getppid", r["syscall"]);
        Assert.Equal("errno(15)", r["action"]);
        Assert.Equal("False", r["call_ran"]);
        Assert.Contains("[Deny(\"getppid\", Errno = Errno.ENOTBLK)]", r["rule"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ACallbackThatThrowsLeavesNoCallUnansweredAndIsReportedOnce(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-throwing-callback");
        Assert.Equal("100", r["answered"]);
        Assert.True(int.Parse(r["callback_calls"]) >= 11, r.ToString()); // the first 10, then summaries: still called
        Assert.Single(r.Stderr.Split('\n'), l => l.Contains("the OnViolation callback threw InvalidOperationException: sink down"));
    }

    /// <summary>
    /// A policy that allows nothing (but pread64, Apply()'s proof), under Complain: the runtime keeps working (a file, a
    /// thread, the thread pool, three compacting collections) while the calls of no group (getpgid, a UDP socket) are
    /// reported and the runtime's own are left to the kernel (LOG). The supervisor's own calls get through by
    /// construction, or it would wait on itself and the child would hang.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TheSupervisorsOwnCallsGetThroughAPolicyThatDeniesEverything(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-deny-everything");
        Assert.Equal("True", r["status_read"]);
        Assert.Equal("64", r["sum"]);
        var names = r["names"].Split(',');
        Assert.Contains("getpgid", names);
        Assert.Contains("socket", names);
        Assert.Contains("bind", names);
        Assert.DoesNotContain("openat", names); // @dotnet-runtime's: the kernel's LOG, not the supervisor
        // The arguments as a condition names them, from the condition language's own constants.
        Assert.Equal("socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_UDP)", r["decoded_socket"]);
        Assert.Matches(@"^setsockopt\(\d+, SOL_SOCKET, SO_BROADCAST, 0x[0-9a-f]+, 4\)$", r["decoded_setsockopt"]);
    }

    /// <summary>
    /// 8 threads deny as fast as they can for 10 s: every call gets its answer (EPERM), the app's loopback echo keeps
    /// answering, memory stays bounded, and reports are aggregated (the first 10 in full, then summaries).
    /// </summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AFloodOfDenialsNeitherStallsTheAppNorGrowsMemory(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-flood", "10", "8");
        foreach (var key in new[] { "denials", "per_second", "echo_ok", "echo_failed", "echo_max_ms", "rss_start_kb", "rss_max_kb", "reports", "summaries", "summarized" })
            _output.WriteLine($"{key}={r[key]}");
        Assert.Equal("0", r["wrong_answers"]);
        Assert.True(long.Parse(r["denials"]) > 100_000, r.ToString());
        Assert.Equal("0", r["echo_failed"]);
        Assert.True(int.Parse(r["echo_ok"]) >= 50, r.ToString());
        // Bounded: the reports are 10 in full plus one summary a second, not one per denial.
        Assert.True(long.Parse(r["reports"]) < 100, r.ToString());
        Assert.True(long.Parse(r["summarized"]) > 0, r.ToString());
        Assert.True(long.Parse(r["rss_max_kb"]) - long.Parse(r["rss_start_kb"]) < 64 * 1024, r.ToString());
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void WithoutUserNotificationsComplainFallsBackToLogAndSaysSo(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-fallback");
        Assert.Equal("True", r["ppid_matches"]);
        Assert.Contains("in-process reports", r["fallback"]);
        Assert.Contains("SECCOMP_RET_LOG", r["fallback"]);
        Assert.False(r.Values.ContainsKey("reported"));
        var line = KernelLog.FindSeccompLine(int.Parse(r["pid"]), Getppid);
        Assert.NotNull(line);
        Assert.Contains("code=0x7ffc0000", line);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ASecondPolicyWithComplainLogsInsteadBecauseTheFirstHoldsTheListener(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "report-second-listener");
        Assert.Equal("True", r["ppid_matches"]);
        Assert.Contains("second seccomp listener", r["fallback"]);
        Assert.Equal("1", r["reported"]);
    }
}
