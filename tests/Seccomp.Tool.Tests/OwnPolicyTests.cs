using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// An app that applies its own policy (PolicyApp: getpgid denied with EACCES), built Debug (SeccompAllowRecording
/// defaults to true) and Release (false), under `record`, `check` and `explain`. Every filter is in a child process.
/// </summary>
public class OwnPolicyTests
{
    private static string App(string key) => typeof(OwnPolicyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    private static string Debug => App("PolicyAppDebug");
    private static string Release => App("PolicyAppRelease");

    private static JsonObject? Calls(string recording) =>
        JsonNode.Parse(File.ReadAllText(recording))!["architectures"]?[ArchName]?.AsObject();

    private static string ArchName => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 => "aarch64",
        Architecture.X64 => "x86_64",
        _ => "riscv64",
    };

    [Fact]
    public void Without_the_tool_a_debug_build_enforces_its_policy()
    {
        var r = ProcessRunner.Run(ProcessRunner.Dotnet, new[] { Debug });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("getpgid: errno 13", r.Stdout);
        Assert.Matches(@"(?m)^Seccomp_filters:\s+1$", r.Stdout);
        // As root (as here and in CI) the one thing said is that root can reach past the policy (docs/limits.md).
        string expected = Environment.IsPrivilegedProcess
            ? "seccomp: PolicyApp.Sandbox is installed, but the process runs as root and holds CAP_SYS_ADMIN and holds CAP_SYS_PTRACE while its policy allows opening files"
            : "";
        Assert.Equal(expected, r.Stderr.Split(": through calls")[0].Trim());
    }

    [Fact]
    public void Record_turns_a_debug_build_s_policy_into_recording_and_the_denied_call_runs()
    {
        string output = Path.Combine(ProcessRunner.TempDir(), "rec.json");
        var r = ProcessRunner.Tool("record", "-o", output, "--", ProcessRunner.Dotnet, Debug);
        Assert.True(r.ExitCode == 0, $"{r.Stdout}\n{r.Stderr}");
        Assert.Contains("getpgid: ok", r.Stdout);                        // the call ran
        Assert.Matches(@"(?m)^Seccomp_filters:\s+1$", r.Stdout);         // the app's filter only: the hook stepped aside
        Assert.Contains("the app records through its own policy PolicyApp.Sandbox", r.Stderr);
        Assert.Contains("recorded the calls that PolicyApp.Sandbox would deny", r.Stderr);
        var calls = Calls(output)!;
        Assert.Equal(1, calls["getpgid"]!["count"]!.GetValue<long>());
        Assert.Single(calls);                                            // only what the policy denies
    }

    [Fact]
    public void Record_never_weakens_a_release_build_s_policy()
    {
        string output = Path.Combine(ProcessRunner.TempDir(), "rec.json");
        var r = ProcessRunner.Tool("record", "-o", output, "--", ProcessRunner.Dotnet, Release);
        Assert.True(r.ExitCode == 0, $"{r.Stdout}\n{r.Stderr}");
        Assert.Contains("getpgid: errno 13", r.Stdout);                  // still denied
        Assert.Matches(@"(?m)^Seccomp_filters:\s+2$", r.Stdout);         // the recorder's filter and the policy as declared
        Assert.DoesNotContain("records through its own policy", r.Stderr);
        Assert.DoesNotContain("installed for dotnet-seccomp", r.Stderr);
        Assert.Null(Calls(output)?["getpgid"]);                          // denied in the kernel, never seen as run
    }

    [Fact]
    public void Check_lists_every_denied_call_with_its_rule_and_exits_2()
    {
        var r = ProcessRunner.Tool("check", "--", ProcessRunner.Dotnet, Debug);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("getpgid: errno 13", r.Stdout);                  // the policy's own answer
        Assert.Contains("1 distinct calls denied (1 in all)", r.Stderr);
        Assert.Matches(@"PolicyApp\.Sandbox: getpgid \(\d+\) -> ERRNO\(EACCES\), 1 times in pid \d+", r.Stderr);
        Assert.Contains("rule: Sandbox.cs:7 [Deny(\"getpgid\", Errno = Errno.EACCES)]", r.Stderr);
        Assert.Contains("args: pid=0", r.Stderr);
    }

    [Fact]
    public void Check_on_a_release_build_checks_nothing_and_says_so()
    {
        var r = ProcessRunner.Tool("check", "--", ProcessRunner.Dotnet, Release);
        Assert.True(r.ExitCode == 5, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("getpgid: errno 13", r.Stdout);
        Assert.Contains("nothing was checked", r.Stderr);
    }

    [Fact]
    public void Check_of_a_command_that_applies_no_policy_exits_5()
    {
        var r = ProcessRunner.Tool("check", "--", "/bin/sh", "-c", "exit 0");
        Assert.Equal(5, r.ExitCode); // no policy was applied at all
    }

    [Fact]
    public void Explain_names_the_verdict_the_rule_and_its_condition_for_each_call()
    {
        var r = ProcessRunner.Tool("explain", Debug, "--arch", "x86_64");
        Assert.True(r.ExitCode == 0, $"{r.Stdout}\n{r.Stderr}");
        Assert.Contains("PolicyApp.Sandbox on x86_64", r.Stdout);
        Assert.Contains("getpgid (121): ERRNO(EACCES)  by Sandbox.cs:7 [Deny(\"getpgid\", Errno = Errno.EACCES)]", r.Stdout);
        Assert.Contains("socket (41): depends on the arguments", r.Stdout);
        Assert.Contains("ERRNO(EAFNOSUPPORT) when domain == AF_PACKET  by Sandbox.cs:8 [Deny(\"socket\", Errno = Errno.EAFNOSUPPORT, When = \"domain == AF_PACKET\")]", r.Stdout);
        Assert.Contains("otherwise ALLOW  by DefaultAction", r.Stdout);
        Assert.Contains("read (0): ALLOW  by DefaultAction", r.Stdout);
        Assert.Contains("other architectures and x32: KILL_PROCESS (BadArchAction)", r.Stdout);
        Assert.DoesNotContain("differs", r.Stdout);                       // the tool compiles the rules to the assembly's bytes

        var arm = ProcessRunner.Tool("explain", Release, "--arch", "aarch64", "--policy", "Sandbox");
        Assert.True(arm.ExitCode == 0, arm.Stderr);
        Assert.Contains("getpgid (155): ERRNO(EACCES)  by Sandbox.cs:7", arm.Stdout);

        Assert.Equal(1, ProcessRunner.Tool("explain", Debug, "--arch", "mips").ExitCode);
        Assert.Equal(4, ProcessRunner.Tool("explain", Debug, "--policy", "Nope").ExitCode);
        Assert.Equal(4, ProcessRunner.Tool("explain", ProcessRunner.RecordedApp).ExitCode);
    }
}
