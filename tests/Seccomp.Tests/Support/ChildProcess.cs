using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Seccomp.Tests.Support;

/// <summary>What a child scenario printed and how it ended.</summary>
internal sealed record ChildResult(int ExitCode, IReadOnlyDictionary<string, string> Values, string Stdout, string Stderr)
{
    /// <summary>The signal that killed the child, or 0 (the runtime reports 128 + signal).</summary>
    public int Signal => ExitCode > 128 && ExitCode < 128 + 65 ? ExitCode - 128 : 0;

    public string this[string key] => Values.TryGetValue(key, out var v)
        ? v
        : throw new KeyNotFoundException($"the child on {Runtime} did not report '{key}'. exit={ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");

    /// <summary>The runtime the child ran on (said in every failure message).</summary>
    public ChildRuntime Runtime { get; init; }

    public override string ToString() => $"{Runtime}: exit={ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs a scenario of Seccomp.TestChild in its own process: filters are installed there, never in the test host.
/// </summary>
internal static class ChildProcess
{
    public const int SIGSYS = 31;

    public static string ChildDll => typeof(Seccomp.TestChild.Native).Assembly.Location;

    public static ChildResult Run(string scenario, params string[] args) => RunWith(ChildRuntime.Net10, null, scenario, args);

    /// <summary>Runs a scenario on the given runtime.</summary>
    public static ChildResult Run(ChildRuntime runtime, string scenario, params string[] args) => RunWith(runtime, null, scenario, args);

    /// <summary>Runs a scenario that must end normally (exit 0).</summary>
    public static ChildResult RunToEnd(string scenario, params string[] args) => RunToEnd(ChildRuntime.Net10, scenario, args);

    /// <summary>Runs a scenario on the given runtime that must end normally (exit 0).</summary>
    public static ChildResult RunToEnd(ChildRuntime runtime, string scenario, params string[] args)
    {
        var r = Run(runtime, scenario, args);
        Xunit.Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    /// <summary>How a scenario is started, with its output redirected.</summary>
    public static ProcessStartInfo StartInfo(string scenario, params string[] args) => StartInfo(ChildRuntime.Net10, scenario, args);

    /// <summary>How a scenario is started on the given runtime, with its output redirected.</summary>
    public static ProcessStartInfo StartInfo(ChildRuntime runtime, string scenario, params string[] args)
    {
        var command = ChildRuntimes.Command(runtime, "Seccomp.TestChild", ChildDll);
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(scenario);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // No createdump on SIGSYS: it would be denied by the filter anyway and only slows the test down.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return psi;
    }

    public static ChildResult RunWith(Action<ProcessStartInfo>? configure, string scenario, params string[] args) =>
        RunWith(ChildRuntime.Net10, configure, scenario, args);

    public static ChildResult RunWith(ChildRuntime runtime, Action<ProcessStartInfo>? configure, string scenario, params string[] args)
    {
        var psi = StartInfo(runtime, scenario, args);
        configure?.Invoke(psi);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"scenario {scenario} on {runtime} did not end within 60 s");
        }
        p.WaitForExit();
        string stdout = stdoutTask.Result, stderr = stderrTask.Result;
        var values = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) values[line[..eq]] = line[(eq + 1)..].TrimEnd('\r');
        }
        return new ChildResult(p.ExitCode, values, stdout, stderr) { Runtime = runtime };
    }
}
