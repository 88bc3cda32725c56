using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Xunit;

namespace Seccomp.Tool.Tests;

public class UnprivilegedRecordTests
{
    private const int Nobody = 65534, N = 300, Threads = 4;

    private static readonly string[] Setpriv =
    {
        $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--",
    };

    private static ulong[] Values(JsonNode call, string arg) =>
        call["args"]![arg]!["values"]!.AsArray().Select(v => v!.GetValue<ulong>()).ToArray();

    [Fact]
    public void Records_as_nobody_with_no_capabilities()
    {
        // setpriv (util-linux) drops to uid/gid 65534, no groups, no capabilities, an empty bounding set. A missing one
        // is a failure, not a pass.
        string setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("this test drops privileges with setpriv: apt-get install util-linux");
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture); // names and numbers below are x86_64's

        // Everything nobody needs is in a directory it owns: the tool (with the hook next to it), the app, the output,
        // and the CLI home. The build output may be in a tree nobody cannot traverse.
        string dir = ProcessRunner.TempDir();
        string tool = Path.Combine(dir, "tool"), app = Path.Combine(dir, "app"), home = Path.Combine(dir, "home");
        CopyFiles(AppContext.BaseDirectory, tool);
        CopyFiles(Path.GetDirectoryName(ProcessRunner.RecordedApp)!, app);
        Directory.CreateDirectory(home);
        var chown = ProcessRunner.Run("chown", new[] { "-R", $"{Nobody}:{Nobody}", dir });
        Assert.True(chown.ExitCode == 0, $"chown: {chown.Stderr}");
        string toolDll = Path.Combine(tool, "Seccomp.Tool.dll"), appDll = Path.Combine(app, "RecordedApp.dll");
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = home, ["DOTNET_CLI_HOME"] = home, ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["TMPDIR"] = home,
        };
        ProcessRunner.Result Record(string output, params string[] appArgs) =>
            ProcessRunner.Run(setpriv, Setpriv.Concat(new[] { ProcessRunner.Dotnet, toolDll, "record", "-o", output, "--",
                ProcessRunner.Dotnet, appDll }).Concat(appArgs), env);

        // The recorded app reports its own credentials: the recorder's, which it inherits. Its filter is installed.
        string statusOut = Path.Combine(home, "status.json");
        var s = Record(statusOut, "status");
        Assert.True(s.ExitCode == 0, $"exit {s.ExitCode}\n{s.Stdout}\n{s.Stderr}");
        Assert.Matches($@"(?m)^Uid:\s+{Nobody}\s+{Nobody}\s+{Nobody}\s+{Nobody}$", s.Stdout);
        Assert.Matches($@"(?m)^Gid:\s+{Nobody}\s+{Nobody}\s+{Nobody}\s+{Nobody}$", s.Stdout);
        Assert.Matches(@"(?m)^Groups:\s*$", s.Stdout);
        foreach (string cap in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
            Assert.Matches($@"(?m)^{cap}:\s+0000000000000000$", s.Stdout);
        Assert.Matches(@"(?m)^NoNewPrivs:\s+1$", s.Stdout);   // what an unprivileged filter install requires
        Assert.Matches(@"(?m)^Seccomp:\s+2$", s.Stdout);      // the recorder's filter, installed as nobody
        Assert.True(File.Exists(statusOut), s.Stderr);

        // The same known calls as the root recording (RecordTests), counts and values, and the app's exit code.
        string output = Path.Combine(home, "rec.json");
        var r = Record(output, "calls", N.ToString(), Threads.ToString());
        Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Matches(@"recorded \d+ distinct calls \(\d+ notifications\) from \d+ threads in 1 processes -> ", r.Stderr);
        var rec = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.Equal(42, rec["exitCode"]!.GetValue<int>());
        var calls = rec["architectures"]!["x86_64"]!.AsObject();
        Assert.Equal(1, calls["socket"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 2 }, Values(calls["socket"]!, "family"));
        Assert.Equal(new ulong[] { 1 }, Values(calls["socket"]!, "type"));
        Assert.Equal(1, calls["bind"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 16 }, Values(calls["bind"]!, "addrlen"));
        Assert.Equal(1, calls["listen"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 7 }, Values(calls["listen"]!, "backlog"));
        Assert.Equal(1, calls["inotify_init1"]!["count"]!.GetValue<long>());
        Assert.Equal(new ulong[] { 0x800 }, Values(calls["inotify_init1"]!, "flags"));
        Assert.Equal(N * Threads, calls["getpgrp"]!["count"]!.GetValue<long>());
        Assert.Equal(Threads, calls["getpgrp"]!["threads"]!.GetValue<long>());
        Assert.Null(calls["getppid"]);
        Assert.Equal(0, rec["sendEnoent"]!.GetValue<long>());
    }

    private static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
