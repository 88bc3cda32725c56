using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>A long-running child (a web app, the tool recording one) whose output is collected, stopped with SIGTERM.</summary>
internal sealed class AppProcess : IDisposable
{
    private const int Sigterm = 15;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int sig);

    /// <param name="workingDirectory">The content root of a web app: appsettings.json is read, and watched, there.</param>
    public static AppProcess Start(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = ProcessRunner.StartInfo(file, args);
        if (workingDirectory != null) psi.WorkingDirectory = workingDirectory;
        var w = new AppProcess(new Process { StartInfo = psi });
        void Add(object s, DataReceivedEventArgs e) { if (e.Data != null) lock (w._output) w._output.AppendLine(e.Data); }
        w.Process.OutputDataReceived += Add;
        w.Process.ErrorDataReceived += Add;
        w.Process.Start();
        w.Process.BeginOutputReadLine();
        w.Process.BeginErrorReadLine();
        return w;
    }

    /// <summary>SIGTERM (a graceful shutdown), then the exit code within 30 s.</summary>
    public async Task<(int Code, string Output)> StopAsync()
    {
        if (Process.HasExited) Assert.Fail($"exited ({Process.ExitCode}) before SIGTERM\n" + Output);
        Assert.Equal(0, Kill(Process.Id, Sigterm));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Process.WaitForExitAsync(cts.Token);   // throws if the shutdown takes longer
        return (Process.ExitCode, Output);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
