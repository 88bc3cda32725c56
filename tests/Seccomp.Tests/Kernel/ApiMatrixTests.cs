using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 19, item 2: the capability groups, each under its API area's matrix (tests/Seccomp.ApiMatrix) on the real
/// kernel. Every case applies a KillProcess policy of @dotnet-runtime plus its area's group(s) (@file-system;
/// @file-system and @sqlite; @aspnetcore; @http-client) and must end with status 0 and "case ... passed": 159 is SIGSYS,
/// a call the groups lack. A case that prints "ready ARGS..." is driven by `Seccomp.ApiMatrix drive CASE ARGS...`, an
/// unfiltered process (requests over loopback, signals). tools/measure-api-matrix.sh records the same runs
/// (data/dotnet-api-groups-x86_64.tsv). Every case runs on .NET 10 and on .NET 8 (the self-contained net8.0 publish,
/// issue 23): the groups cover both.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class ApiMatrixTests
{
    internal static string Dll => Paths.TestProgram("Seccomp.ApiMatrix");

    /// <summary>@file-system: read, write, directories, renames, copies, watching, locks, fsync, error paths.</summary>
    [Theory]
    [InlineData(ChildRuntime.Net10, "fs-readwrite")]
    [InlineData(ChildRuntime.Net8, "fs-readwrite")]
    [InlineData(ChildRuntime.Net10, "fs-directories")]
    [InlineData(ChildRuntime.Net8, "fs-directories")]
    [InlineData(ChildRuntime.Net10, "fs-rename-delete")]
    [InlineData(ChildRuntime.Net8, "fs-rename-delete")]
    [InlineData(ChildRuntime.Net10, "fs-copy")]
    [InlineData(ChildRuntime.Net8, "fs-copy")]
    [InlineData(ChildRuntime.Net10, "fs-watch")]
    [InlineData(ChildRuntime.Net8, "fs-watch")]
    [InlineData(ChildRuntime.Net10, "fs-locks")]
    [InlineData(ChildRuntime.Net8, "fs-locks")]
    [InlineData(ChildRuntime.Net10, "fs-errors")]
    [InlineData(ChildRuntime.Net8, "fs-errors")]
    public void FileSystemCasesRunUnderRuntimeAndFileSystemGroups(ChildRuntime runtime, string @case) => AssertRun(runtime, @case);

    /// <summary>@sqlite with @file-system: journal and WAL modes, locking between connections, error paths.</summary>
    [Theory]
    [InlineData(ChildRuntime.Net10, "sqlite-journal")]
    [InlineData(ChildRuntime.Net8, "sqlite-journal")]
    [InlineData(ChildRuntime.Net10, "sqlite-wal")]
    [InlineData(ChildRuntime.Net8, "sqlite-wal")]
    [InlineData(ChildRuntime.Net10, "sqlite-locking")]
    [InlineData(ChildRuntime.Net8, "sqlite-locking")]
    [InlineData(ChildRuntime.Net10, "sqlite-errors")]
    [InlineData(ChildRuntime.Net8, "sqlite-errors")]
    public void SqliteCasesRunUnderRuntimeFileSystemAndSqliteGroups(ChildRuntime runtime, string @case) => AssertRun(runtime, @case);

    /// <summary>@aspnetcore: Kestrel and the host, driven over loopback by another process: responses and request bodies of
    /// every size (to 3 MB), static files and SendFileAsync, HTTP/1.1 and h2c, a Unix socket, HTTPS with a certificate
    /// file, a configuration reload, 50 concurrent requests, and the graceful shutdown on SIGTERM (web-http2: SIGINT).</summary>
    [Theory]
    [InlineData(ChildRuntime.Net10, "web-http1")]
    [InlineData(ChildRuntime.Net8, "web-http1")]
    [InlineData(ChildRuntime.Net10, "web-http2")]
    [InlineData(ChildRuntime.Net8, "web-http2")]
    [InlineData(ChildRuntime.Net10, "web-unix")]
    [InlineData(ChildRuntime.Net8, "web-unix")]
    [InlineData(ChildRuntime.Net10, "web-reload")]
    [InlineData(ChildRuntime.Net8, "web-reload")]
    [InlineData(ChildRuntime.Net10, "web-https")]
    [InlineData(ChildRuntime.Net8, "web-https")]
    public void AspNetCoreCasesRunUnderRuntimeAndAspNetCoreGroups(ChildRuntime runtime, string @case) => AssertRun(runtime, @case);

    /// <summary>@http-client: HttpClient, sockets and glibc name resolution (files, DNS over UDP and TCP, NXDOMAIN),
    /// refused connections, timeouts, cancellation, TLS; inside a network namespace the case gets from netns.sh (loopback
    /// only, resolv.conf naming the matrix's own DNS responder on 127.0.0.1): nothing leaves the machine, and the
    /// machine's resolver is never asked.</summary>
    [Theory]
    [InlineData(ChildRuntime.Net10, "client-http")]
    [InlineData(ChildRuntime.Net8, "client-http")]
    [InlineData(ChildRuntime.Net10, "client-errors")]
    [InlineData(ChildRuntime.Net8, "client-errors")]
    [InlineData(ChildRuntime.Net10, "client-sockets")]
    [InlineData(ChildRuntime.Net8, "client-sockets")]
    [InlineData(ChildRuntime.Net10, "client-names")]
    [InlineData(ChildRuntime.Net8, "client-names")]
    public void HttpClientCasesRunUnderRuntimeAndHttpClientGroupsInANetworkNamespace(ChildRuntime runtime, string @case) => AssertRun(runtime, @case, inNamespace: true);

    internal static void AssertRun(ChildRuntime runtime, string @case, bool inNamespace = false, params string[] environment)
    {
        // SIGINT and SIGQUIT with their default disposition, as a service gets them, whatever this host inherited.
        var command = new List<string> { "--default-signal=INT,QUIT" };
        if (inNamespace) command.AddRange(new[] { "sh", Path.Combine(Paths.Repo, "tests", "Seccomp.ApiMatrix", "netns.sh"), Dll });
        // The case on the runtime under test (dotnet X.dll, or the .NET 8 apphost); the servers of netns.sh and the
        // driver, unfiltered helpers, stay on .NET 10.
        command.AddRange(ChildRuntimes.Command(runtime, "Seccomp.ApiMatrix", Dll));
        command.AddRange(new[] { @case, "--enforce" });
        var psi = new ProcessStartInfo("env", command)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
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
        string? readyArgs = null;
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (output) output.AppendLine(e.Data);
            if (readyArgs == null && e.Data.StartsWith("ready ", StringComparison.Ordinal)) { readyArgs = e.Data[6..].Trim(); ready.Set(); }
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        string driverOutput = "";
        int driverExit = 0;
        if (WaitReadyOrExit(p, ready))
            (driverExit, driverOutput) = Drive(@case, readyArgs!);
        if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail($"case {@case} did not end within 120 s\n{output}{errors}\ndriver:\n{driverOutput}"); }
        p.WaitForExit();
        string what = $"case {@case} on {runtime}: exit {p.ExitCode}, expected 0 (159 is SIGSYS: a call the groups lack)\n{output}{errors}\ndriver (exit {driverExit}):\n{driverOutput}";
        Assert.True(p.ExitCode == 0, what);
        Assert.Contains($"case {@case} passed", output.ToString());
        Assert.True(driverExit == 0, what);
    }

    /// <summary>True once the case says it is ready to be driven; false when it ends first (a case with no driver).</summary>
    private static bool WaitReadyOrExit(Process p, ManualResetEventSlim ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (ready.Wait(50)) return true;
            if (p.HasExited) return ready.IsSet;
        }
        return false;
    }

    private static (int Exit, string Output) Drive(string @case, string readyArgs)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        psi.ArgumentList.Add("drive");
        psi.ArgumentList.Add(@case);
        foreach (var a in readyArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)) psi.ArgumentList.Add(a);
        using var d = Process.Start(psi)!;
        var stdout = d.StandardOutput.ReadToEndAsync();
        var stderr = d.StandardError.ReadToEndAsync();
        if (!d.WaitForExit(120_000)) { d.Kill(true); return (-1, "driver did not end within 120 s\n" + stdout.Result + stderr.Result); }
        d.WaitForExit();
        return (d.ExitCode, stdout.Result + stderr.Result);
    }
}
