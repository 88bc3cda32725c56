using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Issue 21, items 11 and 13: docs/first-sandbox.md's commands, run as written. The page's `sh` blocks are joined, in
/// order, into one script (a `csharp FILE` or `text FILE` block writes FILE at its place), so the page cannot drift
/// from what works. The packages are the ones this repository packs, in a feed of the test's own; the tool is the
/// packed one, installed from it as the page says, and is then fed the bad input of issue 21.
/// </summary>
[Collection(NestedBuilds.Name)]
public class FirstSandboxTests
{
    private readonly ITestOutputHelper _out;

    public FirstSandboxTests(ITestOutputHelper output) => _out = output;

    private static readonly Regex s_block = new(@"^```(?<info>[^\n]*)\n(?<body>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline);

    /// <summary>The page as one bash script: `sh` blocks as they are, file blocks as here-documents, the rest left out.</summary>
    internal static string Script(string markdown)
    {
        var sb = new StringBuilder("set -eux\n");
        foreach (Match m in s_block.Matches(markdown))
        {
            string[] info = m.Groups["info"].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string body = m.Groups["body"].Value;
            if (info.Length == 1 && info[0] == "sh") sb.Append(body);
            else if (info.Length == 2 && info[0] is "csharp" or "text")
            {
                Assert.Matches(@"^[A-Za-z0-9_.]+$", info[1]);
                Assert.DoesNotContain("SECCOMP_PAGE_EOF", body);
                sb.Append($"cat > {info[1]} <<'SECCOMP_PAGE_EOF'\n{body}SECCOMP_PAGE_EOF\n");
            }
        }
        return sb.ToString();
    }

    [Fact]
    public void The_page_s_script_has_every_step()
    {
        string script = Script(File.ReadAllText(Path.Combine(ProcessRunner.RepoRoot, "docs", "first-sandbox.md")));
        string[] steps =
        {
            "dotnet add package Seccomp.Generators", "dotnet tool install Seccomp.Generators.Tool", "cat > Sandbox.cs", "cat > Program.cs",
            "dotnet seccomp record -o run1.json", "dotnet seccomp policy run1.json", "dotnet build -c Release", "dotnet seccomp check --",
            "cat > app.log", "dotnet seccomp policy app.log",
        };
        int at = 0;
        foreach (string step in steps)
        {
            int i = script.IndexOf(step, at, StringComparison.Ordinal);
            Assert.True(i >= 0, $"'{step}' is not in the page's script after position {at}:\n{script}");
            at = i;
        }
        Assert.DoesNotContain("kubectl", script); // production-only blocks are not run
    }

    [Fact]
    public void The_first_sandbox_page_runs_as_written_with_the_packed_packages_and_the_packed_tool_refuses_bad_input()
    {
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture); // the page's report line is an x86_64 one
        string work = ProcessRunner.TempDir();
        string feed = Path.Combine(work, "feed");
        var env = Environment(work);

        // The packages, as a release would publish them (restored as the repository restores: its own package cache).
        var packEnv = new Dictionary<string, string?>(env) { ["NUGET_PACKAGES"] = null };
        foreach (string project in new[] { "src/Seccomp/Seccomp.csproj", "src/Seccomp.Tool/Seccomp.Tool.csproj" })
        {
            var pack = ProcessRunner.Run(ProcessRunner.Dotnet, new[] { "pack", Path.Combine(ProcessRunner.RepoRoot, project), "-c", "Release", "-o", feed, "-nologo", "-nodeReuse:false" },
                packEnv, timeoutMs: 300_000);
            Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);
        }
        // Only this feed: nothing comes from a cache of an earlier build, or from the network.
        File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
            <configuration>
              <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
              <config><add key="globalPackagesFolder" value="{Path.Combine(work, "packages")}" /></config>
            </configuration>
            """);

        string script = Script(File.ReadAllText(Path.Combine(ProcessRunner.RepoRoot, "docs", "first-sandbox.md")));
        var run = ProcessRunner.Run("bash", new[] { "-c", script }, env, timeoutMs: 600_000, workingDirectory: work);
        _out.WriteLine(run.Stdout);
        _out.WriteLine(run.Stderr);
        Assert.True(run.ExitCode == 0, $"the page's script failed with {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");

        string app = Path.Combine(work, "MyService");
        string sandbox = File.ReadAllText(Path.Combine(app, "Sandbox.cs"));
        // The recording's rules were added to the class as the user wrote it, and the log's after them.
        Assert.Contains("[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]", sandbox);
        Assert.Contains("[Allow(\"@file-system\")]", sandbox);     // rename: the files area
        Assert.Contains("[Allow(\"@aspnetcore\")]", sandbox);      // listen: a server
        Assert.Contains("// recorded: reports of MyService.Sandbox in app.log", sandbox);
        Assert.Contains("// sendmmsg: seen 1 time in 1 process: fd 5; vlen 2; flags MSG_NOSIGNAL", sandbox);
        Assert.Contains("[Allow(\"sendmmsg\")]", sandbox);
        // The Release build ran under the policy, and check found nothing denied.
        Assert.Matches(@"listening on 127\.0\.0\.1:\d+, data: hello", run.Stdout);

        // Issue 21, item 13: the packed tool, as installed by the page, on the issue's bad input.
        ProcessRunner.Result Tool(params string[] args) =>
            ProcessRunner.Run(ProcessRunner.Dotnet, new[] { "seccomp" }.Concat(args), env, workingDirectory: app);
        void OneLine(ProcessRunner.Result r, int code, string message)
        {
            Assert.True(r.ExitCode == code, $"exit {r.ExitCode}, not {code}\n{r.Stdout}{r.Stderr}");
            Assert.Equal($"dotnet-seccomp: {message}\n", r.Stderr);
            Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        }

        var help = Tool("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("dotnet-seccomp [command] [options]", help.Stdout);
        Assert.DoesNotContain("Seccomp.Tool", help.Stdout);

        string marker = Path.Combine(work, "ran");
        OneLine(Tool("record", "-o", app, "--", "touch", marker), 4, $"cannot write {app}: it is a directory");
        Assert.False(File.Exists(marker)); // the command never ran
        var proc = Tool("record", "-o", "/proc/x.json", "--", "touch", marker);
        Assert.Equal(4, proc.ExitCode);
        Assert.Matches(@"^dotnet-seccomp: cannot write /proc/x\.json: [^\n]+\n$", proc.Stderr);
        Assert.False(File.Exists(marker));

        var response = Tool("policy", "run1.json", "--class", "@class.X", "-o", "X.cs");
        Assert.Equal(1, response.ExitCode);
        Assert.DoesNotContain("Response file", response.Stderr);
        Assert.Contains("--class must be NAMESPACE.NAME with C# identifiers, not '@class.X'", response.Stderr);

        File.WriteAllText(Path.Combine(app, "bad.json"), "{ \"version\": 1, \"architectures\": { \"x86_64\": {\n  \"getpgrp\": { \"nr\": \"111\" } } } }\n");
        OneLine(Tool("policy", "bad.json", "--class", "A.B", "-o", "B.cs"), 4, "bad.json:2:16: architectures.x86_64.getpgrp.nr: a string where a 32-bit integer belongs");
        File.WriteAllText(Path.Combine(app, "sparc.json"), "{ \"version\": 1, \"architectures\": { \"sparc\": { \"getpgrp\": { \"count\": 1 } } } }\n");
        OneLine(Tool("policy", "sparc.json", "--class", "A.B", "-o", "B.cs"), 4,
            "sparc.json:1:36: architectures.sparc: not an architecture this tool knows (x86_64, aarch64, riscv64, arm, ppc64le, s390x, loongarch64)");
        File.WriteAllText(Path.Combine(app, "bad.log"), "seccomp-violation arch=x86_64 syscall=getpgrp nr=111 mode=complain args=0x0\n");
        OneLine(Tool("policy", "bad.log", "--class", "A.B", "-o", "B.cs"), 4, "bad.log:1: args: 1 values where six belong");
        Assert.False(File.Exists(Path.Combine(app, "B.cs")));

        // record -o -: stdout holds the recording alone, the app's own output goes to stderr.
        var stdout = Tool("record", "-o", "-", "--", ProcessRunner.Dotnet, "bin/Debug/net10.0/MyService.dll");
        Assert.True(stdout.ExitCode == 0, stdout.Stderr);
        Assert.StartsWith("{", stdout.Stdout);
        Assert.Contains("listening on 127.0.0.1:", stdout.Stderr);

        // --allow-group is kept in the recording, and policy allows the group.
        var allowed = Tool("record", "--allow-group", "aspnetcore", "-o", "run2.json", "--", ProcessRunner.Dotnet, "bin/Debug/net10.0/MyService.dll");
        Assert.True(allowed.ExitCode == 0, allowed.Stderr);
        var generated = Tool("policy", "run2.json", "--class", "Other.Sandbox", "-o", "Other.cs");
        Assert.True(generated.ExitCode == 0, generated.Stderr);
        Assert.Contains("[Allow(\"@aspnetcore\")]", File.ReadAllText(Path.Combine(app, "Other.cs")));
    }

    /// <summary>
    /// The nested builds' environment: none of the test host's MSBuild variables (they would point the builds at its own
    /// SDK state), no build server left running, no first-run banner or telemetry.
    /// </summary>
    private static Dictionary<string, string?> Environment(string work)
    {
        var env = new Dictionary<string, string?>();
        foreach (string k in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH" || k == "DOTNET_HOST_PATH")
                env[k] = null;
        env["MSBUILDDISABLENODEREUSE"] = "1";
        env["UseSharedCompilation"] = "false";
        env["DOTNET_NOLOGO"] = "1";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["NuGetAudit"] = "false";
        env["NUGET_PACKAGES"] = Path.Combine(work, "packages");
        // The CLI's own state (~/.dotnet) of this run only: its tool resolver cache maps a tool's id and version to the
        // package path it last restored, which for 0.1.0 would be an earlier run's package, built from other sources.
        env["DOTNET_CLI_HOME"] = Path.Combine(work, "cli-home");
        return env;
    }
}
