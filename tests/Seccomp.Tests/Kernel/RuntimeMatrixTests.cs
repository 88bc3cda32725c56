using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 19, item 1 (and issue 17's "the runtime's own uses still work"): what the runtime does by itself, case by
/// case (tests/Seccomp.RuntimeMatrix), under a KillProcess policy of @dotnet-runtime alone (@process too for the
/// children case), on the real kernel. Every case ends with its own status: 0, or the status its path gives (an
/// unhandled exception and FailFast abort, 134; Ctrl+C let through, 130; SIGTERM, 143; Environment.Exit(3)). 159 is
/// SIGSYS: a call the group lacks. Every case and condition runs on .NET 10 and on .NET 8 (the self-contained net8.0
/// publish, issue 23). eng/measure-runtime-matrix.sh records the same runs (data/dotnet-runtime-matrix-x86_64.tsv for
/// .NET 10, data/dotnet-runtime-matrix-net8-x86_64.tsv for .NET 8).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class RuntimeMatrixTests
{
    private static string Dll => Paths.TestProgram("Seccomp.RuntimeMatrix");

    /// <summary>Each case with the status it ends with, on each runtime.</summary>
    public static TheoryData<ChildRuntime, string, int> Cases()
    {
        var data = new TheoryData<ChildRuntime, string, int>();
        foreach (var runtime in ChildRuntimes.All)
            foreach (var (@case, status) in new[]
            {
                ("threads", 0), ("jit", 0), ("gc", 0), ("globalization", 0), ("timezones", 0), ("console", 0),
                ("signals", 0), ("children", 0), ("interrupt", 130), ("terminate", 143), ("unhandled", 134),
                ("failfast", 134), ("exit", 3),
            })
                data.Add(runtime, @case, status);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachCaseEndsWithItsOwnStatusUnderTheRuntimeGroup(ChildRuntime runtime, string @case, int expected) =>
        AssertRun(runtime, @case, expected, terminal: false);

    /// <summary>The conditions that change what the runtime calls, on each runtime.</summary>
    public static TheoryData<ChildRuntime, string[]> Conditions()
    {
        var data = new TheoryData<ChildRuntime, string[]>();
        foreach (var runtime in ChildRuntimes.All)
            foreach (var environment in new[]
            {
                new[] { "DOTNET_gcServer=1" },
                new[] { "DOTNET_gcServer=1", "DOTNET_GCgen0size=0x100000" },
                new[] { "DOTNET_GCName=libclrgc.so" },            // segments instead of regions
                new[] { "DOTNET_GCHeapHardLimit=0x10000000" },    // a 256 MiB hard limit
                new[] { "DOTNET_GCConserveMemory=5" },
                new[] { "DOTNET_EnableWriteXorExecute=0" },
                new[] { "DOTNET_TieredCompilation=0" },
                new[] { "DOTNET_TC_OnStackReplacement_InitialCounter=1", "DOTNET_OSR_HitLimit=1" },
                new[] { "DOTNET_TieredPGO=0" },
                new[] { "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1" },
                new[] { "TZ=Asia/Kolkata" },
            })
                data.Add(runtime, environment);
        return data;
    }

    /// <summary>The conditions that change what the runtime calls, each with every case that ends normally.</summary>
    [Theory]
    [MemberData(nameof(Conditions))]
    public void EveryNormalCaseUnderEachRuntimeCondition(ChildRuntime runtime, string[] environment) =>
        AssertRun(runtime, "all", 0, terminal: false, environment);

    /// <summary>Console on a terminal (a pseudo-terminal from script(1)): colours, window size, key polling.</summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ConsoleOnATerminal(ChildRuntime runtime) => AssertRun(runtime, "console", 0, terminal: true);

    private static void AssertRun(ChildRuntime runtime, string @case, int expected, bool terminal, params string[] environment)
    {
        // dotnet Seccomp.RuntimeMatrix.dll on .NET 10, the self-contained apphost on .NET 8.
        var command = ChildRuntimes.Command(runtime, "Seccomp.RuntimeMatrix", Dll);
        var psi = terminal
            ? new ProcessStartInfo("script", new[] { "-qfec", $"{string.Join(' ', command)} {@case} --enforce", "/dev/null" })
            : new ProcessStartInfo(command[0], command[1..].Append(@case).Append("--enforce"));
        psi.RedirectStandardOutput = psi.RedirectStandardError = psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        foreach (var pair in environment)
        {
            int eq = pair.IndexOf('=');
            psi.Environment[pair[..eq]] = pair[(eq + 1)..];
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = new StringBuilder();
        var errors = new StringBuilder();
        using var ready = new ManualResetEventSlim();
        int pid = 0;
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("ready ", StringComparison.Ordinal)) { pid = int.Parse(e.Data[6..].Trim()); ready.Set(); }
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (@case is "signals" or "interrupt" or "terminate")
        {
            Assert.True(ready.Wait(30_000), "the case never said it was ready\n" + output + errors);
            Drive(@case, pid);
        }
        if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail("the case did not end within 120 s\n" + output + errors); }
        p.WaitForExit();
        string what = $"case {@case} on {runtime} [{string.Join(' ', environment)}]: exit {p.ExitCode}, expected {expected} (159 is SIGSYS: a call the group lacks)\n{output}{errors}";
        Assert.True(p.ExitCode == expected, what);
        if (expected == 0) Assert.Contains($"case {@case} passed", output.ToString());
    }

    /// <summary>The signals a service meets: window changes, hang-ups, a child's exit, Ctrl+C, three stop/continue cycles, then SIGTERM.</summary>
    private static void Drive(string @case, int pid)
    {
        const int SIGHUP = 1, SIGINT = 2, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTERM = 15, SIGWINCH = 28;
        switch (@case)
        {
            case "signals":
                foreach (int s in new[] { SIGWINCH, SIGHUP, SIGCHLD, SIGINT }) { Kill(pid, s); Thread.Sleep(100); }
                for (int i = 0; i < 3; i++) { Kill(pid, SIGSTOP); Thread.Sleep(150); Kill(pid, SIGCONT); Thread.Sleep(150); }
                Kill(pid, SIGTERM);
                break;
            case "interrupt": Kill(pid, SIGINT); break;
            case "terminate": Kill(pid, SIGTERM); break;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
