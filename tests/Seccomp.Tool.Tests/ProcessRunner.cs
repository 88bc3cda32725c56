using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Seccomp.Tool.Tests;

/// <summary>Runs the tool and the recorded app as child processes: no filter is ever installed in the test host.</summary>
internal static class ProcessRunner
{
    public static string RecordedApp { get; } = typeof(ProcessRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RecordedApp").Value!;

    /// <summary>The RecordedWebApp project's folder (ends with a slash).</summary>
    public static string RecordedWebAppDir { get; } = Metadata("RecordedWebApp");

    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The repository's root (ends with a slash).</summary>
    public static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(RecordedWebAppDir, "../../../"));

    private static string Metadata(string key) => typeof(ProcessRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    public static string ToolDll { get; } = Path.Combine(AppContext.BaseDirectory, "Seccomp.Tool.dll");

    public static string HookDll { get; } = Path.Combine(AppContext.BaseDirectory, "Seccomp.Tool.Hook.dll");

    public static string Dotnet { get; } = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null, int timeoutMs = 60_000,
        string? workingDirectory = null)
    {
        var psi = StartInfo(file, args, env);
        if (workingDirectory != null) psi.WorkingDirectory = workingDirectory;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A child's start info: output redirected, no startup hook or recorder variables inherited.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The runtime's diagnostics IPC socket would add calls of its own to every recording.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        psi.Environment.Remove("DOTNET_STARTUP_HOOKS");
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("SECCOMP_RECORD_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(k);
        if (env != null)
            foreach (var (k, v) in env)
            {
                if (v == null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }
        return psi;
    }

    /// <summary>
    /// Builds a copy of a test app (a policy class written into it) against this repository's runtime, generator and
    /// analyzers: no error, no warning.
    /// </summary>
    public static void BuildCopy(string projectPath)
    {
        // The test host runs under `dotnet test`, whose MSBuild variables would point a nested build at its own SDK state.
        var env = new Dictionary<string, string?>();
        foreach (string k in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH" || k == "DOTNET_HOST_PATH")
                env[k] = null;
        var build = Run(Dotnet, new[] { "build", projectPath, "-c", Configuration, "-nologo", "-p:UseSharedCompilation=false", $"-p:SeccompRepoRoot={RepoRoot}" },
            env, timeoutMs: 240_000);
        Xunit.Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        Xunit.Assert.Matches(@"(?m)^\s*0 Warning\(s\)", build.Stdout);
    }

    public static Result Tool(params string[] args) => Run(Dotnet, new[] { ToolDll }.Concat(args));

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "seccomp-tool-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    public static bool HasStrace => File.Exists("/usr/bin/strace") || File.Exists("/bin/strace");
}
