using System.IO;
using System.Linq;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Issue 20, item 5: `policy` reads the in-process supervisor's reports as recordings, detected by content: its stderr
/// lines (`seccomp-violation key=value ...`, anything before the marker) and the hosting package's JSON console logs
/// (category Seccomp, event 1 a violation, 2 a summary). The sample lines are the documented formats, written here
/// literally: the runtime that writes them is tested on its own side.
/// </summary>
public class ReportLogTests
{
    // (a) stderr lines, one behind a container runtime's prefix, amid the app's own output.
    private const string StderrLog = """
        2026-12-07T09:00:00.123456789Z stderr F seccomp-violation policy=Sample.Sandbox arch=x86_64 syscall=setsockopt nr=54 action=kill-process mode=enforce args=0x3,0x0,0xb,0x7ffc12345678,0x4,0x0 decoded="setsockopt(3, SOL_IP, IP_RECVERR, 0x7ffc12345678, 4, 0)" rule="Sandbox.cs:14 [Deny(\"setsockopt\")]" pid=1234 tid=1240 thread=".NET TP Worker" count=1
        info: Microsoft.Hosting.Lifetime[0] Application started.
        seccomp-violation policy=Sample.Sandbox arch=x86_64 syscall=sendmmsg nr=307 action=errno(1) mode=complain summary=10s count=250
        seccomp-violation policy=Sample.Sandbox arch=x86_64 syscall=socket nr=41 action=errno(1) mode=complain args=0x2,0x80802,0x0,0x0,0x0,0x0 decoded="socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0)" rule=DefaultAction pid=1234 tid=1241 thread="a \\ \"quoted\" name" count=1
        seccomp-violation policy=Sample.Sandbox arch=x86_64 syscall=socket nr=41 action=errno(1) mode=complain args=0xa,0x80802,0x0,0x0,0x0,0x0 decoded="socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0)" rule=DefaultAction pid=1234 tid=1242 thread="b" count=1

        """;

    // (b) JSON console logs: one object per line; other categories and non-JSON lines are not reports.
    private const string JsonLog = """
        {"EventId":14,"LogLevel":"Information","Category":"Microsoft.Hosting.Lifetime","Message":"Now listening on: http://[::]:8080","State":{"Message":"Now listening on: http://[::]:8080","address":"http://[::]:8080","{OriginalFormat}":"Now listening on: {address}"}}
        not json at all
        {"Timestamp":"09:00:01 ","EventId":1,"LogLevel":"Warning","Category":"Seccomp","Message":"seccomp-violation ...","State":{"Message":"...","Policy":"Sample.Sandbox","Architecture":"x86_64","Syscall":"socket","SyscallNumber":41,"Action":"errno(1)","Mode":"complain","Arguments":"0xa,0x80001,0x6,0x0,0x0,0x0","DecodedArguments":"socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)","Rule":"DefaultAction","ProcessId":77,"ThreadId":78,"ThreadName":"main","Count":1,"{OriginalFormat}":"..."}}
        {"EventId":2,"LogLevel":"Warning","Category":"Seccomp","Message":"...","State":{"Policy":"Sample.Sandbox","Architecture":"x86_64","Syscall":"getpgrp","SyscallNumber":111,"Action":"errno(1)","Mode":"complain","Rule":"DefaultAction","ProcessId":77,"ThreadId":78,"ThreadName":"main","Count":40}}
        {"EventId":1,"LogLevel":"Warning","Category":"Seccomp","Message":"...","State":{"Policy":"Sample.Sandbox","Architecture":"x86_64","Syscall":"getpgrp","SyscallNumber":111,"Action":"errno(1)","Mode":"complain","Arguments":"0x0,0x0,0x0,0x0,0x0,0x0","DecodedArguments":"getpgrp()","Rule":"DefaultAction","ProcessId":77,"ThreadId":79,"ThreadName":"w","Count":1}}

        """;

    private static (ProcessRunner.Result Result, string Text, string Log) Policy(string log, string name = "app.log", params string[] extra)
    {
        string dir = ProcessRunner.TempDir();
        string path = Path.Combine(dir, name), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(path, log);
        var r = ProcessRunner.Tool(new[] { "policy", path, "--class", "App.S", "-o", cs, "--exact" }.Concat(extra).ToArray());
        return (r, File.Exists(cs) ? File.ReadAllText(cs) : "", path);
    }

    [Fact]
    public void Stderr_report_lines_are_a_recording_with_argument_values_and_summaries_without()
    {
        var (r, text, log) = Policy(StderrLog);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"// recorded: reports of Sample.Sandbox in {log}", text);
        // Arguments as a recording's: setsockopt narrowed to its level, socket to its domains and type.
        Assert.Contains("// setsockopt: seen 1 time in 1 process: fd 3; level IPPROTO_IP; optname 11", text);
        Assert.Contains("[Allow(\"setsockopt\", When = \"level in (IPPROTO_IP)\")]", text);
        Assert.Contains("// socket: seen 2 times in 1 process: family AF_INET, AF_INET6; type SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK", text);
        Assert.Contains("[Allow(\"socket\", When = \"domain in (AF_INET, AF_INET6) && ((type & 0xf) == SOCK_DGRAM)\")]", text);
        // A summary: the count, no arguments.
        Assert.Contains("// sendmmsg: seen 250 times; arguments not recorded", text);
        Assert.Contains("[Allow(\"sendmmsg\")]", text);
    }

    [Fact]
    public void Json_console_logs_of_the_hosting_package_are_a_recording_too()
    {
        var (r, text, log) = Policy(JsonLog, "app.json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("// socket: seen 1 time in 1 process: family AF_INET6; type SOCK_STREAM|SOCK_CLOEXEC; protocol IPPROTO_TCP", text);
        Assert.Contains("[Allow(\"socket\", When = \"domain in (AF_INET6) && ((type & 0xf) == SOCK_STREAM)\")]", text);
        // Reported once with arguments and 40 more times in a summary: the summary's calls have arguments no line
        // gives, so the call's arguments are unknown (as a merge with an audit log) and its count is the sum.
        Assert.Contains("// getpgrp: seen 41 times in 1 process; arguments not recorded", text);
        Assert.DoesNotContain("Hosting", text);
    }

    [Fact]
    public void An_existing_class_gets_what_its_reports_show_it_denies()
    {
        string dir = ProcessRunner.TempDir();
        string cs = Path.Combine(dir, "S.cs"), log = Path.Combine(dir, "app.log");
        File.WriteAllText(cs, """
            using Seccomp;

            namespace App;

            [SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
            [Allow("@dotnet-runtime")]
            [Allow("socket", When = "domain == AF_INET")]
            internal static partial class S;
            """);
        File.WriteAllText(log, StderrLog);
        var r = ProcessRunner.Tool("policy", log, "--class", "App.S", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        // Decided by evaluation: AF_INET is allowed already, AF_INET6 is not.
        Assert.Contains("// socket: values the class's rule does not allow: seen 2 times", text);
        Assert.Contains("[Allow(\"socket\", When = \"domain in (AF_INET6) && ((type & 0xf) == SOCK_DGRAM)\")]", text);
    }

    [Theory]
    [InlineData("seccomp-violation policy=P arch=sparc syscall=read nr=0 mode=complain args=0x0,0x0,0x0,0x0,0x0,0x0", "1: arch: \"sparc\" is not an architecture this tool knows (x86_64, aarch64, riscv64, arm, ppc64le, s390x, loongarch64)")]
    [InlineData("ok\nseccomp-violation policy=P arch=x86_64 syscall=execve nr=0 mode=complain args=0x0,0x0,0x0,0x0,0x0,0x0", "2: syscall: \"execve\" is not the name of number 0 on x86_64 (read)")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain args=0x0,0x0,0x0", "1: args: 3 values where six belong")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain args=0x0,0x0,0x0,0x0,0x0,\"0x1\\n\"", "1: args: \"\\\"0x1\\\\n\\\"\" is not a hexadecimal value 0x0 to 0xffffffffffffffff")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain args=0x0,0x0,0x0,0x0,0x0,0x10000000000000000", "1: args: \"0x10000000000000000\" is not a hexadecimal value 0x0 to 0xffffffffffffffff")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain", "1: args: missing (a report without arguments must be a summary)")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain summary=10s args=0x0,0x0,0x0,0x0,0x0,0x0", "1: args: a summary has no arguments")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=zero mode=complain summary=10s", "1: nr: \"zero\" is not a number from 0 to 2147483647")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=loud summary=10s", "1: mode: \"loud\" is not complain or enforce")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain summary=10s count=-3", "1: count: \"-3\" is not a number from 0 to 9223372036854775807")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain summary=10s action=allow", "1: action: \"allow\" is not an action (kill-process, kill-thread, trap, errno(N), trace(N), user-notif)")]
    [InlineData("seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain summary=10s rule=\"open", "1:75: rule: a quoted value without its closing quote")]
    [InlineData("seccomp-violation arch=x86_64 arch=x86_64 syscall=read nr=0", "1:31: arch: given twice")]
    [InlineData("seccomp-violation arch=x86_64 junk", "1:31: expected key=value")]
    [InlineData("x seccomp-violation arch=x86_64 syscall=read nr=0 mode=complain summary=soon", "1: summary: \"soon\" is not a number of seconds (10s)")]
    [InlineData("{\"EventId\":1,\"Category\":\"Seccomp\",\"State\":{\"Architecture\":\"x86_64\",\"Syscall\":\"read\",\"SyscallNumber\":0,\"Mode\":\"complain\",\"Arguments\":[1]}}",
        "1: State.Arguments: array where a string or number belongs")]
    [InlineData("{\"EventId\":2,\"Category\":\"Seccomp\",\"State\":{\"Architecture\":\"x86_64\",\"Syscall\":\"read\",\"Mode\":\"complain\"}}",
        "1: State.SyscallNumber: missing")]
    public void A_bad_report_is_refused_with_one_line_naming_the_file_and_the_line(string log, string message)
    {
        var (r, text, path) = Policy(log + "\n");
        Assert.Equal(4, r.ExitCode);
        Assert.Equal($"dotnet-seccomp: {path}:{message}\n", r.Stderr);
        Assert.Equal("", text);
    }

    [Fact]
    public void A_log_without_reports_is_no_recording()
    {
        // No marker and no Seccomp JSON: read as a recording, which it is not.
        var (r, _, path) = Policy("info: started\n{\"EventId\":1,\"Category\":\"Other\",\"State\":{}}\n");
        Assert.Equal(4, r.ExitCode);
        Assert.StartsWith($"dotnet-seccomp: {path}:1:1: not JSON", r.Stderr);
    }
}
