using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Issue 21, item 7: the comments `policy` writes name argument values with the condition language's constants (from
/// the compiler's table), name the programs that made each call, and mark calls only non-.NET child programs made.
/// </summary>
public class ReadableCommentsTests
{
    private const string Dotnet = "/usr/share/dotnet/dotnet";

    // Raw numbers as `record` writes them: MSG_NOSIGNAL is 0x4000, SOCK_CLOEXEC|SOCK_NONBLOCK|SOCK_STREAM 0x80801,
    // SO_REUSEADDR 2 and SO_REUSEPORT 15 at SOL_SOCKET (1), SOCK_CLOEXEC|SOCK_NONBLOCK 0x80800, AT_FDCWD -100 as an int.
    private const string Recording = """
    { "version": 1, "source": "record", "command": ["dotnet", "app.dll"], "notifications": 17,
      "executables": { "/usr/share/dotnet/dotnet": { "dotnet": true }, "/usr/bin/ls": { "dotnet": false } },
      "architectures": { "x86_64": {
        "sendto": { "nr": 44, "count": 2, "args": { "fd": { "values": [5] }, "buff": { "pointer": true }, "len": { "values": [10] }, "flags": { "values": [16384, 16448] }, "addr": { "pointer": true }, "addr_len": { "values": [0] } }, "executables": ["/usr/share/dotnet/dotnet"] },
        "setsockopt": { "nr": 54, "count": 4, "args": { "fd": { "values": [5] }, "level": { "values": [1] }, "optname": { "values": [2, 15] }, "optval": { "pointer": true }, "optlen": { "values": [4] } }, "executables": ["/usr/share/dotnet/dotnet"] },
        "getsockopt": { "nr": 55, "count": 4, "args": { "fd": { "values": [5] }, "level": { "values": [1, 6] }, "optname": { "values": [1, 4] }, "optval": { "pointer": true }, "optlen": { "pointer": true } } },
        "socket": { "nr": 41, "count": 1, "args": { "family": { "values": [1] }, "type": { "values": [526337] }, "protocol": { "values": [0] } }, "executables": ["/usr/bin/ls"] },
        "accept4": { "nr": 288, "count": 1, "args": { "fd": { "values": [3] }, "upeer_sockaddr": { "pointer": true }, "upeer_addrlen": { "pointer": true }, "flags": { "values": [526336] } }, "executables": ["/usr/bin/ls", "/usr/share/dotnet/dotnet"] },
        "linkat": { "nr": 265, "count": 1, "args": { "olddfd": { "values": [4294967196] }, "oldname": { "pointer": true }, "newdfd": { "values": [7] }, "newname": { "pointer": true }, "flags": { "values": [1024] } } },
        "getxattr": { "nr": 191, "count": 3, "args": { "path": { "pointer": true }, "name": { "pointer": true }, "value": { "pointer": true }, "size": { "values": [0] } }, "executables": ["/usr/bin/ls"] }
      } } }
    """;

    private static string Policy(string json, params string[] extra)
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(rec, json);
        var r = ProcessRunner.Tool(new[] { "policy", rec, "--class", "App.S", "-o", cs, "--exact" }.Concat(extra).ToArray());
        Assert.True(r.ExitCode == 0, r.Stderr);
        return File.ReadAllText(cs);
    }

    [Fact]
    public void Argument_values_are_written_with_the_condition_language_s_constant_names()
    {
        string text = Policy(Recording);
        Assert.Contains("flags MSG_NOSIGNAL, MSG_DONTWAIT|MSG_NOSIGNAL", text);
        Assert.Contains("type SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK; protocol 0", text);
        Assert.Contains("level SOL_SOCKET; optname SO_REUSEADDR, SO_REUSEPORT", text);
        // Optnames at several levels: no one name is right, so the numbers, with what they are at SOL_SOCKET.
        Assert.Contains("level SOL_SOCKET, IPPROTO_TCP; optname 1, 4 (at SOL_SOCKET: SO_DEBUG, SO_ERROR)", text);
        Assert.Contains("// accept4: seen 1 time by /usr/bin/ls (not .NET), /usr/share/dotnet/dotnet: fd 3; flags SOCK_CLOEXEC|SOCK_NONBLOCK", text);
        Assert.Contains("olddfd AT_FDCWD; newdfd 7; flags AT_SYMLINK_FOLLOW", text);
        Assert.DoesNotContain("16384", text);
        Assert.DoesNotContain("type 1|", text);
    }

    [Fact]
    public void Open_flags_are_the_access_mode_by_name_and_the_flags_after_it()
    {
        // A class that leaves @dotnet-runtime out, so that open gets a rule (and a comment) of its own.
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(cs, "using Seccomp;\n\nnamespace App;\n\n[SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]\n[Allow(\"read\")]\ninternal static partial class S;\n");
        File.WriteAllText(rec, """
            { "version": 1, "architectures": { "x86_64": {
              "open": { "nr": 2, "count": 2, "args": { "filename": { "pointer": true }, "flags": { "values": [0, 524353] }, "mode": { "values": [420] } } },
              "mmap": { "nr": 9, "count": 2, "args": { "addr": { "values": [0] }, "len": { "values": [4096] }, "prot": { "values": [0, 3] }, "flags": { "values": [34] }, "fd": { "values": [4294967295] }, "off": { "values": [0] } } }
            } } }
            """);
        var r = ProcessRunner.Tool("policy", rec, "--class", "App.S", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("// open: seen 2 times: flags O_RDONLY, O_WRONLY|O_CLOEXEC|O_CREAT; mode 420", text);
        Assert.Contains("// mmap: seen 2 times: addr 0; len 4096; prot PROT_NONE, PROT_READ|PROT_WRITE\n", text);
    }

    [Fact]
    public void Each_call_names_its_programs_and_calls_only_a_non_dotnet_child_made_are_marked()
    {
        string text = Policy(Recording);
        string Comment(string call) => text.Split('\n').Single(l => l.StartsWith($"// {call}: ", StringComparison.Ordinal));
        Assert.Contains($"seen 2 times by {Dotnet}: ", Comment("sendto"));
        Assert.Contains("by /usr/bin/ls only (not .NET: a child program's call, not the app's)", Comment("getxattr"));
        Assert.Contains("by /usr/bin/ls only (not .NET: a child program's call, not the app's)", Comment("socket"));
        Assert.Contains($"by /usr/bin/ls (not .NET), {Dotnet}: ", Comment("accept4"));
        Assert.DoesNotContain(" by ", Comment("getsockopt")); // a recording that does not say: nothing invented
    }

    [Fact]
    public void A_recording_without_executables_still_reads_and_merging_keeps_a_program_dotnet_once_seen_so()
    {
        string old = Recording.Replace("\"executables\": { \"/usr/share/dotnet/dotnet\": { \"dotnet\": true }, \"/usr/bin/ls\": { \"dotnet\": false } },", "");
        old = System.Text.RegularExpressions.Regex.Replace(old, @", ""executables"": \[[^\]]*\]", "");
        Assert.DoesNotContain("executables", old);
        Assert.Contains("[Allow(\"getxattr\")]", Policy(old));

        // An apphost probed before it mapped the runtime in one run, seen as .NET in another: .NET.
        string dir = ProcessRunner.TempDir();
        string a = Path.Combine(dir, "a.json"), b = Path.Combine(dir, "b.json"), cs = Path.Combine(dir, "S.cs");
        string Run(bool dotnet) => "{ \"version\": 1, \"executables\": { \"/app/MyApp\": { \"dotnet\": " + (dotnet ? "true" : "false") + " } }, "
            + "\"architectures\": { \"x86_64\": { \"getxattr\": { \"nr\": 191, \"count\": 1, \"executables\": [\"/app/MyApp\"] } } } }";
        File.WriteAllText(a, Run(false));
        File.WriteAllText(b, Run(true));
        var r = ProcessRunner.Tool("policy", a, b, "--class", "App.S", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("// getxattr: seen 2 times by /app/MyApp; arguments not recorded", File.ReadAllText(cs));
    }

    [Theory]
    [InlineData("\"architectures\": { \"x86_64\": { \"getxattr\": { \"nr\": 191, \"count\": 1, \"executables\": [\"/bin/sh\"] } } }",
        "rec.json:1:101: architectures.x86_64.getxattr.executables[0]: not an entry of the recording's executables")]
    [InlineData("\"executables\": { \"/bin/sh\": { \"dotnet\": \"yes\" } }", "rec.json:1:47: executables.\"/bin/sh\".dotnet: a string where true or false belongs")]
    [InlineData("\"executables\": { \"\": {} }", "rec.json:1:34: executables.\"\": not an executable's path (1 to 4096 characters)")]
    [InlineData("\"executables\": { \"/bin/sh\": { \"when\": 1 } }", "rec.json:1:47: executables.\"/bin/sh\".when: not a field of a recording")]
    public void Bad_executables_are_refused_naming_the_file_line_position_and_entry(string members, string message)
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json");
        File.WriteAllText(rec, "{ \"version\": 1, " + members + " }");
        var r = ProcessRunner.Tool("policy", rec, "--class", "App.S", "-o", Path.Combine(dir, "S.cs"));
        Assert.Equal(4, r.ExitCode);
        Assert.Equal($"dotnet-seccomp: {rec.Replace("rec.json", "")}{message}\n", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "S.cs")));
    }

    /// <summary>
    /// A real recording: TrialConsoleApp starts /bin/ls, whose calls the inherited filter records. The recording says
    /// which program made each call, and the class marks /bin/ls's calls as a child's.
    /// </summary>
    [Fact]
    public void Record_keeps_the_executable_of_each_call_and_tells_dotnet_from_a_child_program()
    {
        string dir = ProcessRunner.TempDir();
        string tree = Path.Combine(dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "a"));
        File.WriteAllText(Path.Combine(tree, "a", "x.txt"), "x");
        string rec = Path.Combine(dir, "rec.json");
        string app = Path.Combine(ProcessRunner.RepoRoot, "tests", "Seccomp.Tool.Tests", "TrialConsoleApp", "bin", ProcessRunner.Configuration, "net10.0", "TrialConsoleApp.dll");
        var r = ProcessRunner.Tool("record", "-o", rec, "--", ProcessRunner.Dotnet, app, tree, Path.Combine(dir, "out.gz"));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        using var doc = JsonDocument.Parse(File.ReadAllText(rec));
        var exes = doc.RootElement.GetProperty("executables");
        string ls = exes.EnumerateObject().Select(e => e.Name).Single(n => Path.GetFileName(n) == "ls");
        Assert.False(exes.GetProperty(ls).GetProperty("dotnet").GetBoolean());
        string host = exes.EnumerateObject().Select(e => e.Name).Single(n => Path.GetFileName(n) == "dotnet");
        Assert.True(exes.GetProperty(host).GetProperty("dotnet").GetBoolean());
        var calls = doc.RootElement.GetProperty("architectures").GetProperty("x86_64");
        // vfork is the app's; getxattr is ls's (the runtime never asks for extended attributes).
        Assert.Equal(new[] { host }, calls.GetProperty("vfork").GetProperty("executables").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new[] { ls }, calls.GetProperty("getxattr").GetProperty("executables").EnumerateArray().Select(e => e.GetString()));

        string cs = Path.Combine(dir, "S.cs");
        var p = ProcessRunner.Tool("policy", rec, "--class", "App.S", "-o", cs, "--exact");
        Assert.True(p.ExitCode == 0, p.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Matches($@"// getxattr: seen \d+ times? in 1 process by {ls} only \(not \.NET: a child program's call, not the app's\)", text);
        Assert.Matches($@"// vfork: seen 1 time in 1 process by {host}(\n|:)", text);
    }
}
