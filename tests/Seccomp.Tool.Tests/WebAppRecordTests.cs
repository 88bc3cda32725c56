using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tool.Tests;

/// <summary>
/// From a web app without a policy to the same app enforcing a KILL_PROCESS policy: record RecordedWebApp while real
/// HTTP requests drive it on 127.0.0.1 and SIGTERM stops it, write its policy with <c>policy --default kill-process</c>,
/// build a copy of the app with that class, and serve the same requests under it. Every filter is installed in a
/// child process (the tool's hook, the rebuilt app), never in the test host.
/// </summary>
[Collection(NestedBuilds.Name)]
public class WebAppRecordTests
{
    private readonly ITestOutputHelper _out;

    public WebAppRecordTests(ITestOutputHelper output) => _out = output;

    /// <param name="allowGroupWhileRecording">
    /// Record with `--allow-group aspnetcore` (issue 21 item 4), as docs/tool.md suggests for a web app: Kestrel's calls
    /// then run unrecorded, and the class must still allow @aspnetcore, from the recording's allowGroups.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recorded_web_app_serves_the_same_requests_under_its_generated_kill_process_policy(bool allowGroupWhileRecording)
    {
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture);
        var clock = Stopwatch.StartNew();
        string dir = ProcessRunner.TempDir();
        string recording = Path.Combine(dir, "web.json");
        string appDll = Path.Combine(ProcessRunner.RecordedWebAppDir, "bin", ProcessRunner.Configuration, "net10.0", "RecordedWebApp.dll");
        Assert.True(File.Exists(appDll), appDll);

        // 1. Record: start-up, requests, graceful shutdown. The tool forwards SIGTERM and exits with the app's code.
        int port = FreePort();
        using (var recorder = AppProcess.Start(ProcessRunner.Dotnet,
                   new[] { ProcessRunner.ToolDll, "record", "-o", recording }
                       .Concat(allowGroupWhileRecording ? new[] { "--allow-group", "aspnetcore" } : Array.Empty<string>())
                       .Concat(new[] { "--", ProcessRunner.Dotnet, appDll, "--urls", $"http://127.0.0.1:{port}" }),
                   Path.GetDirectoryName(appDll)!))
        {
            await DriveAsync(port, recorder);
            int app = ChildPid(recorder.Process.Id);
            Assert.Matches(@"(?m)^Seccomp:\s+2$", File.ReadAllText($"/proc/{app}/status"));   // the recorder's filter
            var (code, output) = await recorder.StopAsync();
            Assert.True(code == 0, $"recording: exit {code}\n{output}");
            Assert.Matches(@"recorded \d+ distinct calls \(\d+ notifications\)", output);
        }
        _out.WriteLine($"recorded in {clock.ElapsedMilliseconds} ms");

        // 2. The policy, in the slot of a copy of the app's project (WebPolicy.cs makes Program.cs apply it).
        string copy = Path.Combine(dir, "RecordedWebApp");
        Directory.CreateDirectory(copy);
        foreach (string f in new[] { "RecordedWebApp.csproj", "Program.cs", "appsettings.json" })
            File.Copy(Path.Combine(ProcessRunner.RecordedWebAppDir, f), Path.Combine(copy, f));
        string policy = Path.Combine(copy, "WebPolicy.cs");
        var p = ProcessRunner.Tool("policy", recording, "--class", "RecordedWebApp.WebPolicy", "-o", policy, "--default", "kill-process");
        Assert.True(p.ExitCode == 0, p.Stderr);
        string text = File.ReadAllText(policy);
        _out.WriteLine(text);
        Assert.Contains("DefaultAction = SeccompAction.KillProcess", text);
        Assert.Contains("[Allow(\"@dotnet-runtime\")]", text);
        Assert.Contains("[Allow(\"@aspnetcore\")]", text); // the recording shows a listening socket: Kestrel's group, whole
        if (allowGroupWhileRecording)
            Assert.Contains("// @aspnetcore: allowed while recording (record --allow-group aspnetcore)", text);
        Assert.DoesNotContain("[Allow(\"accept4\")]", text);
        Assert.DoesNotContain("// not allowed", text);

        // 3. Build the copy against this repository's runtime, generator and analyzers: no error, no warning.
        ProcessRunner.BuildCopy(Path.Combine(copy, "RecordedWebApp.csproj"));
        _out.WriteLine($"recorded, generated and built in {clock.ElapsedMilliseconds} ms");
        string enforcedDll = Path.Combine(copy, "bin", ProcessRunner.Configuration, "net10.0", "RecordedWebApp.dll");

        // 4. The same requests under the policy: no kill, one filter on the server, a clean exit on SIGTERM.
        port = FreePort();
        using (var server = AppProcess.Start(ProcessRunner.Dotnet, new[] { enforcedDll, "--urls", $"http://127.0.0.1:{port}" }, Path.GetDirectoryName(enforcedDll)!))
        {
            await DriveAsync(port, server);
            string status = File.ReadAllText($"/proc/{server.Process.Id}/status");
            Assert.Matches(@"(?m)^Seccomp:\s+2$", status);
            Assert.Matches(@"(?m)^Seccomp_filters:\s+1$", status);   // the app's own policy, nothing else
            var (code, output) = await server.StopAsync();
            Assert.False(code == 159 || code == -31, $"killed by SIGSYS\n{output}");
            Assert.DoesNotContain("Bad system call", output);
            Assert.True(code == 0, $"enforced: exit {code}\n{output}");
        }
        _out.WriteLine($"done in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>The tool's child, the recorded app: the supervisor starts nothing else.</summary>
    private static int ChildPid(int pid)
    {
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            string children = File.ReadAllText(Path.Combine(task, "children")).Trim();
            if (children.Length > 0) return int.Parse(children.Split(' ')[0]);
        }
        throw new InvalidOperationException($"process {pid} has no child");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>
    /// Start-up (wait until it answers, at most 30 s), then 30 rounds of GET /, GET /time and POST /echo over one
    /// keep-alive connection, 8 connections at once doing 20 rounds each, a 404 and a 256 KB body. Every request must
    /// succeed with the expected answer.
    /// </summary>
    private static async Task DriveAsync(int port, AppProcess process)
    {
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        using (var probe = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(2) })
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(process.Process.HasExited, $"the app exited with {(process.Process.HasExited ? process.Process.ExitCode : 0)} before answering\n{process.Output}");
                try
                {
                    if ((await probe.GetAsync("/")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "no answer in 30 s\n" + process.Output);
                await Task.Delay(100);
            }
        }

        static HttpClient Client(Uri baseUri) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };

        static async Task RoundsAsync(HttpClient client, int rounds, string tag)
        {
            for (int i = 0; i < rounds; i++)
            {
                Assert.Equal("hello", await client.GetStringAsync("/"));
                Assert.Matches(@"^\d{4}-\d\d-\d\dT", await client.GetStringAsync("/time"));
                string body = $"{tag}-{i}";
                using var r = await client.PostAsync("/echo", new StringContent(body, Encoding.UTF8, "text/plain"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(body, await r.Content.ReadAsStringAsync());
            }
        }

        using (var keepAlive = Client(baseUri))
        {
            await RoundsAsync(keepAlive, 30, "keep-alive");
            using var missing = await keepAlive.GetAsync("/missing");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            string big = new('x', 256 * 1024);
            using var echoed = await keepAlive.PostAsync("/echo", new StringContent(big));
            Assert.Equal(big.Length, (await echoed.Content.ReadAsStringAsync()).Length);
        }
        var clients = Enumerable.Range(0, 8).Select(_ => Client(baseUri)).ToArray();
        try
        {
            await Task.WhenAll(clients.Select((c, k) => Task.Run(() => RoundsAsync(c, 20, $"conn{k}"))));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }
}
