using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Seccomp.Tool.Tests;

public class RecordTests
{
    private const int N = 300, Threads = 4;

    private static JsonObject Calls(JsonNode recording) => recording["architectures"]!["x86_64"]!.AsObject();

    private static ulong[] Values(JsonNode call, string arg) =>
        call["args"]![arg]!["values"]!.AsArray().Select(v => v!.GetValue<ulong>()).ToArray();

    /// <summary>
    /// The recorder's filter holds @dotnet-runtime with its SELF_PID conditions (tgkill and kill reach this process
    /// only): the hook writes the recorded process's pid into it, as Apply() does, so the runtime's signals to itself
    /// are not recorded and a signal to another process is.
    /// </summary>
    [Fact]
    public void Signals_to_the_process_itself_stay_unrecorded_and_a_signal_to_another_process_is_recorded()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return; // names below are x86_64's
        string output = Path.Combine(ProcessRunner.TempDir(), "rec.json");
        var r = ProcessRunner.Tool("record", "-o", output, "--", ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "signal-self");
        Assert.True(r.ExitCode == 44, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("kill(self)=0 tgkill(self)=0 kill(parent)=0", r.Stdout);
        var calls = Calls(JsonNode.Parse(File.ReadAllText(output))!);
        Assert.Null(calls["tgkill"]);
        Assert.Equal(1, calls["kill"]!["count"]!.GetValue<long>());
        var pid = Values(calls["kill"]!, "pid");
        Assert.Single(pid);
        Assert.NotEqual(0UL, pid[0]); // the one kill recorded is the parent's (the tool's pid), not kill(self)
    }

    [Fact]
    public void Records_the_app_s_calls_outside_the_runtime_group_with_counts_and_values()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return; // names and numbers below are x86_64's
        string dir = ProcessRunner.TempDir();
        string output = Path.Combine(dir, "rec.json");
        var r = ProcessRunner.Tool("record", "-o", output, "--", ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", N.ToString(), Threads.ToString());
        Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}"); // the app's own exit code
        Assert.Matches(@"recorded \d+ distinct calls \(\d+ notifications\) from \d+ threads in 1 processes -> ", r.Stderr);

        var rec = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.Equal(1, rec["version"]!.GetValue<int>());
        Assert.Equal(42, rec["exitCode"]!.GetValue<int>());
        var calls = Calls(rec);

        Assert.Equal(1, calls["socket"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 2 }, Values(calls["socket"]!, "family"));   // AF_INET
        Assert.Equal(new ulong[] { 1 }, Values(calls["socket"]!, "type"));     // SOCK_STREAM
        Assert.True(calls["socket"]!["args"]!.AsObject().Count == 3);          // only the parameters socket takes
        Assert.Equal(1, calls["bind"]!["count"]!.GetValue<long>());
        Assert.True(calls["bind"]!["args"]!["umyaddr"]!["pointer"]!.GetValue<bool>());
        Assert.Equal(new ulong[] { 16 }, Values(calls["bind"]!, "addrlen"));
        Assert.Equal(1, calls["listen"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 7 }, Values(calls["listen"]!, "backlog"));
        Assert.Equal(1, calls["inotify_init1"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 0x800 }, Values(calls["inotify_init1"]!, "flags"));

        // getpgrp is outside @dotnet-runtime: every call from every thread is there. getppid is in the group: none is.
        Assert.Equal(N * Threads, calls["getpgrp"]!["count"]!.GetValue<long>());
        Assert.Equal(Threads, calls["getpgrp"]!["threads"]!.GetValue<long>());
        Assert.Empty(calls["getpgrp"]!["args"]!.AsObject());
        Assert.Null(calls["getppid"]);
        Assert.Equal(0, rec["sendEnoent"]!.GetValue<long>());
    }

    [Fact]
    public void Non_dotnet_command_records_nothing_and_passes_the_exit_code_on()
    {
        string dir = ProcessRunner.TempDir();
        string output = Path.Combine(dir, "sh.json");
        var r = ProcessRunner.Tool("record", "-o", output, "--", "/bin/sh", "-c", "exit 7");
        Assert.Equal(7, r.ExitCode);
        Assert.Contains("recorded 0 distinct calls (0 notifications)", r.Stderr);
    }

    [Fact]
    public void Usage_errors_exit_1()
    {
        Assert.Equal(1, ProcessRunner.Tool("record", "--", "/bin/true").ExitCode);                 // no -o
        Assert.Equal(1, ProcessRunner.Tool("record", "-o", "/tmp/x.json", "--allow-group", "nope", "--", "/bin/true").ExitCode);
        Assert.Equal(1, ProcessRunner.Tool("policy", "x.json", "--class", "NoNamespace", "-o", "/tmp/x.cs").ExitCode);
        Assert.Equal(0, ProcessRunner.Tool("--help").ExitCode);
    }

    [Fact]
    public void Hook_without_its_environment_does_nothing()
    {
        var r = ProcessRunner.Run(ProcessRunner.Dotnet, new[] { ProcessRunner.RecordedApp, "status" },
            new System.Collections.Generic.Dictionary<string, string?> { ["DOTNET_STARTUP_HOOKS"] = ProcessRunner.HookDll });
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"(?m)^Seccomp:\s+0$", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Recording_is_lossless_against_strace()
    {
        // strace is the independent oracle: a missing one is a failure, not a pass (.ci/run installs it).
        Assert.True(ProcessRunner.HasStrace, "strace is the oracle of this test: apt-get install strace");
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture);
        string dir = ProcessRunner.TempDir();
        string output = Path.Combine(dir, "rec.json"), trace = Path.Combine(dir, "strace.txt");
        const int n = 200, threads = 3;
        var r = ProcessRunner.Run("strace", new[] { "-f", "-qq", "-o", trace, ProcessRunner.Dotnet, ProcessRunner.ToolDll, "record", "-o", output, "--",
            ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", n.ToString(), threads.ToString() });
        Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stderr}");
        var calls = Calls(JsonNode.Parse(File.ReadAllText(output))!);

        // strace sees every attempt (ptrace stops come before seccomp). The tool itself makes none of these calls.
        string[] lines = File.ReadAllLines(trace);
        foreach (string name in new[] { "getpgrp", "socket", "bind", "listen", "inotify_init1" })
        {
            var re = new Regex($@"^\d+\s+{name}\(");   // one entry line per call ("<... resumed>" lines are not entries)
            int seen = lines.Count(l => re.IsMatch(l));
            Assert.True(seen == calls[name]!["count"]!.GetValue<long>(), $"{name}: strace {seen}, recorded {calls[name]!["count"]}");
        }
        Assert.Equal(n * threads, calls["getpgrp"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public void Recording_loses_nothing_under_load_against_strace()
    {
        // 8 threads making six distinct calls outside the group 200 times each, all at once: 9600 notifications that
        // queue up on the one supervisor thread. strace, the independent oracle, counts every attempt.
        Assert.True(ProcessRunner.HasStrace, "strace is the oracle of this test: apt-get install strace");
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture);
        string dir = ProcessRunner.TempDir();
        string output = Path.Combine(dir, "rec.json"), trace = Path.Combine(dir, "strace.txt");
        const int n = 200, threads = 8;
        string[] names = { "getpgrp", "getpgid", "getresuid", "getresgid", "getgroups", "getitimer" };
        var r = ProcessRunner.Run("strace", new[] { "-f", "-qq", "-e", "trace=" + string.Join(",", names), "-o", trace,
            ProcessRunner.Dotnet, ProcessRunner.ToolDll, "record", "-o", output, "--",
            ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "load", n.ToString(), threads.ToString() }, timeoutMs: 120_000);
        Assert.True(r.ExitCode == 43, $"exit {r.ExitCode}\n{r.Stderr}");
        var rec = JsonNode.Parse(File.ReadAllText(output))!;
        var calls = Calls(rec);
        string[] lines = File.ReadAllLines(trace);
        foreach (string name in names)
        {
            var re = new Regex($@"^\d+\s+{name}\(");
            int seen = lines.Count(l => re.IsMatch(l));
            long recorded = calls[name]!["count"]!.GetValue<long>();
            Assert.True(seen == recorded, $"{name}: strace {seen}, recorded {recorded}");
            Assert.True(recorded >= n * threads, $"{name}: recorded {recorded}, made at least {n * threads}");
            Assert.True(calls[name]!["threads"]!.GetValue<long>() >= threads, $"{name}: {calls[name]!["threads"]} threads");
        }
        Assert.Equal(0, rec["sendEnoent"]!.GetValue<long>());
    }
}
