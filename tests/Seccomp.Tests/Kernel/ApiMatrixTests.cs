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
/// (data/dotnet-api-groups-x86_64.tsv).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class ApiMatrixTests
{
    internal static string Dll => Paths.TestProgram("Seccomp.ApiMatrix");

    /// <summary>@file-system: read, write, directories, renames, copies, watching, locks, fsync, error paths.</summary>
    [Theory]
    [InlineData("fs-readwrite")]
    [InlineData("fs-directories")]
    [InlineData("fs-rename-delete")]
    [InlineData("fs-copy")]
    [InlineData("fs-watch")]
    [InlineData("fs-locks")]
    [InlineData("fs-errors")]
    public void FileSystemCasesRunUnderRuntimeAndFileSystemGroups(string @case) => AssertRun(@case);

    /// <summary>@sqlite with @file-system: journal and WAL modes, locking between connections, error paths.</summary>
    [Theory]
    [InlineData("sqlite-journal")]
    [InlineData("sqlite-wal")]
    [InlineData("sqlite-locking")]
    [InlineData("sqlite-errors")]
    public void SqliteCasesRunUnderRuntimeFileSystemAndSqliteGroups(string @case) => AssertRun(@case);

    /// <summary>@aspnetcore: Kestrel and the host, driven over loopback by another process: responses and request bodies of
    /// every size (to 3 MB), static files and SendFileAsync, HTTP/1.1 and h2c, a Unix socket, HTTPS with a certificate
    /// file, a configuration reload, 50 concurrent requests, and the graceful shutdown on SIGTERM (web-http2: SIGINT).</summary>
    [Theory]
    [InlineData("web-http1")]
    [InlineData("web-http2")]
    [InlineData("web-unix")]
    [InlineData("web-reload")]
    [InlineData("web-https")]
    public void AspNetCoreCasesRunUnderRuntimeAndAspNetCoreGroups(string @case) => AssertRun(@case);

    /// <summary>@http-client: HttpClient, sockets and glibc name resolution (files, DNS over UDP and TCP, NXDOMAIN),
    /// refused connections, timeouts, cancellation, TLS; inside a network namespace the case gets from netns.sh (loopback
    /// only, resolv.conf naming the matrix's own DNS responder on 127.0.0.1): nothing leaves the machine, and the
    /// machine's resolver is never asked.</summary>
    [Theory]
    [InlineData("client-http")]
    [InlineData("client-errors")]
    [InlineData("client-sockets")]
    [InlineData("client-names")]
    public void HttpClientCasesRunUnderRuntimeAndHttpClientGroupsInANetworkNamespace(string @case) => AssertRun(@case, inNamespace: true);

    internal static void AssertRun(string @case, bool inNamespace = false, params string[] environment)
    {
        // SIGINT and SIGQUIT with their default disposition, as a service gets them, whatever this host inherited.
        var command = new List<string> { "--default-signal=INT,QUIT" };
        if (inNamespace) command.AddRange(new[] { "sh", Path.Combine(Paths.Repo, "tests", "Seccomp.ApiMatrix", "netns.sh"), Dll });
        command.AddRange(new[] { "dotnet", Dll, @case, "--enforce" });
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
        string what = $"case {@case}: exit {p.ExitCode}, expected 0 (159 is SIGSYS: a call the groups lack)\n{output}{errors}\ndriver (exit {driverExit}):\n{driverOutput}";
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
