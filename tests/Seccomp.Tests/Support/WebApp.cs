using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;

namespace Seccomp.Tests.Support;

/// <summary>
/// tests/Seccomp.TestWeb in a child process: a real Kestrel app on 127.0.0.1 (an ephemeral port) that sandboxes itself
/// in two phases. Requests go to loopback only; the process is killed on dispose if it has not ended.
/// </summary>
internal sealed class WebApp : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly TaskCompletionSource<string?> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public static string Dll => Paths.TestProgram("Seccomp.TestWeb");

    private WebApp(ChildRuntime runtime, string mode, string[]? args, IReadOnlyDictionary<string, string>? environment)
    {
        var command = ChildRuntimes.Command(runtime, "Seccomp.TestWeb", Dll);
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(runtime == ChildRuntime.Net8 ? command[0] : Dll)!,
        };
        for (int i = 1; i < command.Length; i++) psi.ArgumentList.Add(command[i]);
        psi.ArgumentList.Add(mode);
        foreach (var a in args ?? Array.Empty<string>()) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) { _listening.TrySetResult(null); return; }
            lock (_stdout) _stdout.AppendLine(e.Data);
            int eq = e.Data.IndexOf('=');
            if (eq > 0 && !e.Data.StartsWith(' ')) Values[e.Data[..eq]] = e.Data[(eq + 1)..];
            if (e.Data.StartsWith("listening=", StringComparison.Ordinal)) _listening.TrySetResult(e.Data["listening=".Length..]);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public ConcurrentDictionary<string, string> Values { get; } = new();

    public string Output
    {
        get
        {
            lock (_stdout) lock (_stderr) return $"exit={(_process.HasExited ? _process.ExitCode : (int?)null)}\nstdout:\n{_stdout}\nstderr:\n{_stderr}";
        }
    }

    public string Url { get; private set; } = "";

    /// <summary>Starts the app and waits until it has started (or ended without starting: then Url is empty).</summary>
    public static Task<WebApp> StartAsync(string mode, string[]? args = null, IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(ChildRuntime.Net10, mode, args, environment);

    /// <summary>The same, on <paramref name="runtime"/> (.NET 8: the self-contained publish of the app's net8.0 target).</summary>
    public static async Task<WebApp> StartAsync(ChildRuntime runtime, string mode, string[]? args = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var app = new WebApp(runtime, mode, args, environment);
        var done = await Task.WhenAny(app._listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (done != app._listening.Task) { app.Dispose(); throw new TimeoutException("the web app did not start within 60 s\n" + app.Output); }
        app.Url = await app._listening.Task ?? "";
        return app;
    }

    /// <summary>
    /// A request the app dies answering: HttpClient says so as an HttpRequestException or, when the connection is torn
    /// down before it has read the peer's address, as the SocketException itself.
    /// </summary>
    public async Task RequestFailsAsync(string path)
    {
        var e = await Xunit.Assert.ThrowsAnyAsync<Exception>(() => GetAsync(path));
        Xunit.Assert.True(e is HttpRequestException or System.Net.Sockets.SocketException or IOException, e.ToString());
    }

    public async Task<string> GetAsync(string path)
    {
        using var response = await _http.GetAsync(Url + path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public int WaitForExit()
    {
        if (!_process.WaitForExit(60_000)) throw new TimeoutException("the web app did not end within 60 s\n" + Output);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the app wrote to standard output so far.</summary>
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>What the app wrote to standard error so far.</summary>
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }
}
