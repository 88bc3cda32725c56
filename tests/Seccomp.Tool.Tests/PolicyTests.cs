using System.IO;
using System.Linq;
using Xunit;

namespace Seccomp.Tool.Tests;

public class PolicyTests
{
    // A recording as `record` writes it (x86_64): socket AF_INET and AF_UNIX, an ioctl outside the group's requests,
    // prctl, mprotect, getpgrp, and calls the group covers (getppid; ioctl TCGETS) that must not get rules of their own.
    private const string RecordingA = """
    {
      "version": 1, "source": "record", "command": ["dotnet", "app.dll"], "notifications": 30,
      "architectures": { "x86_64": {
        "socket": { "nr": 41, "count": 3, "args": { "family": { "values": [1, 2] }, "type": { "values": [524289] }, "protocol": { "values": [0] } }, "threads": 1, "processes": 1 },
        "ioctl": { "nr": 16, "count": 2, "args": { "fd": { "values": [3] }, "cmd": { "values": [21505, 21520] }, "arg": { "pointer": true } } },
        "prctl": { "nr": 157, "count": 1, "args": { "option": { "values": [15] }, "arg2": { "many": true }, "arg3": { "values": [0] }, "arg4": { "values": [0] }, "arg5": { "values": [0] } } },
        "mprotect": { "nr": 10, "count": 4, "args": { "start": { "many": true }, "len": { "values": [4096] }, "prot": { "values": [1, 3, 5] } } },
        "getpgrp": { "nr": 111, "count": 20, "args": {} },
        "getppid": { "nr": 110, "count": 5, "args": {} }
      } }
    }
    """;

    // A second run: AF_INET6 sockets and a listen.
    private const string RecordingB = """
    {
      "version": 1, "source": "record", "command": ["dotnet", "app.dll"], "notifications": 3,
      "architectures": { "x86_64": {
        "socket": { "nr": 41, "count": 2, "args": { "family": { "values": [10] }, "type": { "values": [1] }, "protocol": { "values": [6] } } },
        "listen": { "nr": 50, "count": 1, "args": { "fd": { "values": [5] }, "backlog": { "values": [128] } } }
      } }
    }
    """;

    private static string Write(string dir, string name, string text)
    {
        string p = Path.Combine(dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void Generated_class_compiles_without_diagnostics_and_narrows_dangerous_calls()
    {
        string dir = ProcessRunner.TempDir();
        string a = Write(dir, "a.json", RecordingA), cs = Path.Combine(dir, "Sandbox.cs");
        var r = ProcessRunner.Tool("policy", a, "--class", "MyApp.Security.Sandbox", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);

        Assert.Contains("namespace MyApp.Security;", text);
        Assert.Contains("[SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]", text);
        Assert.Contains("internal static partial class Sandbox", text);
        int group = text.IndexOf("[Allow(\"@dotnet-runtime\")]");
        Assert.True(group > 0 && group < text.IndexOf("[Allow(\"socket\""));
        Assert.Contains("[Allow(\"socket\", When = \"domain in (AF_UNIX, AF_INET) && ((type & 0xf) == SOCK_STREAM)\")]", text);
        Assert.Contains("// socket: seen 3 times in 1 process: family AF_UNIX, AF_INET", text);
        Assert.Contains("[Allow(\"ioctl\", When = \"cmd in (TIOCSPGRP)\")]", text);  // TCGETS (21505) is the group's already
        Assert.DoesNotContain("\"prctl\"", text);   // the group allows every prctl
        Assert.Contains("[Allow(\"getpgrp\")]", text);
        Assert.DoesNotContain("\"getppid\"", text);   // covered by @dotnet-runtime
        Assert.DoesNotContain("\"mprotect\"", text);  // covered by @dotnet-runtime

        // The class as written, read back and compiled by the product's compiler: no error, no warning, nothing.
        Assert.Empty(PolicyGenerator.CheckFile(cs, "Sandbox"));
        Assert.Empty(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text).GetDiagnostics());
    }

    [Fact]
    public void Mprotect_outside_the_group_is_narrowed_to_never_writable_and_executable()
    {
        string dir = ProcessRunner.TempDir();
        // A hand-written class without @dotnet-runtime: coverage is what that class allows, and the group is not added.
        string rec = Write(dir, "m.json", """
        { "version": 1, "source": "record", "architectures": { "x86_64": {
            "mprotect": { "nr": 10, "count": 4, "args": { "start": { "many": true }, "len": { "values": [4096] }, "prot": { "values": [3, 5] } } },
            "clone": { "nr": 56, "count": 1, "args": { "clone_flags": { "values": [268435456] }, "newsp": { "values": [0] }, "parent_tidptr": { "pointer": true }, "child_tidptr": { "pointer": true }, "tls": { "values": [0] } } }
        } } }
        """);
        string cs = Path.Combine(dir, "P.cs");
        string existing = """
            using Seccomp;
            namespace X;
            [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("futex", "exit", "exit_group", "rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "sigaltstack", "munmap", "madvise", "mmap",
                   "membarrier", "tgkill", "sched_getaffinity", "rseq")]
            internal static partial class P;
            """;
        File.WriteAllText(cs, existing);
        var r = ProcessRunner.Tool("policy", rec, "--class", "X.P", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.DoesNotContain("@dotnet-runtime", text);
        Assert.Contains("[Allow(\"mprotect\", When = \"(prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC)\")]", text);
        // clone with CLONE_NEWUSER: a dangerous allowance, written as a comment only.
        Assert.Contains("// not allowed: clone:", text);
        Assert.DoesNotContain("\n[Allow(\"clone\"", text);
        // Only what the user's own class already had (its default denies clone3 with EPERM) is left.
        Assert.All(PolicyGenerator.CheckFile(cs, "P"), d => Assert.StartsWith("SECC0042", d));
    }

    [Fact]
    public void Merges_recordings()
    {
        string dir = ProcessRunner.TempDir();
        string a = Write(dir, "a.json", RecordingA), b = Write(dir, "b.json", RecordingB), cs = Path.Combine(dir, "S.cs");
        var r = ProcessRunner.Tool("policy", a, b, "--class", "App.S", "-o", cs, "--default", "kill-process", "--exact");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("DefaultAction = SeccompAction.KillProcess", text);
        Assert.DoesNotContain("@aspnetcore", text); // --exact: what was recorded, no capability group
        Assert.Contains("[Allow(\"socket\", When = \"domain in (AF_UNIX, AF_INET, AF_INET6) && ((type & 0xf) == SOCK_STREAM)\")]", text);
        Assert.Contains("// socket: seen 5 times", text);
        Assert.Contains("[Allow(\"listen\")]", text);
        Assert.Contains("[Allow(\"getpgrp\")]", text);
        Assert.Empty(PolicyGenerator.CheckFile(cs, "S"));
    }

    [Fact]
    public void Adds_only_what_is_missing_to_an_existing_class_and_keeps_the_user_s_rules()
    {
        string dir = ProcessRunner.TempDir();
        string a = Write(dir, "a.json", RecordingA), b = Write(dir, "b.json", RecordingB), cs = Path.Combine(dir, "Sandbox.cs");
        string existing = """
            using Seccomp;

            namespace MyApp;

            /// <summary>Hand-written.</summary>
            [SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("@dotnet-runtime")]
            [Allow("socket", When = "domain == AF_INET && (type & 0xf) == SOCK_STREAM")] // mine: IPv4 TCP only
            [Deny("getpgrp", Errno = Errno.EACCES)]
            internal static partial class Sandbox
            {
            }
            """;
        File.WriteAllText(cs, existing);
        var r = ProcessRunner.Tool("policy", a, b, "--class", "MyApp.Sandbox", "-o", cs, "--exact");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("[Allow(\"socket\", When = \"domain == AF_INET && (type & 0xf) == SOCK_STREAM\")] // mine: IPv4 TCP only", text);
        Assert.Contains("[Deny(\"getpgrp\", Errno = Errno.EACCES)]", text);
        Assert.Equal(1, text.Split("\"@dotnet-runtime\"").Length - 1);
        // socket is listed, but its condition does not allow the recorded AF_UNIX and AF_INET6: decided by evaluation,
        // not by name, the class gets a rule for the values it does not allow, and the user's rule stays as written.
        Assert.Contains("[Allow(\"socket\", When = \"domain in (AF_UNIX, AF_INET6) && ((type & 0xf) == SOCK_STREAM)\")]", text);
        Assert.Contains("// socket: values the class's rule does not allow:", text);
        Assert.Contains("1 listed calls widened", r.Stderr);
        Assert.DoesNotContain("already listed", r.Stderr);
        // The user's denial of getpgrp wins over any allow (the most restrictive action): the tool says so and adds no rule.
        Assert.Equal(1, text.Split("[Deny(\"getpgrp\"").Length - 1);
        Assert.DoesNotContain("[Allow(\"getpgrp\")]", text);
        Assert.Contains("1 recorded calls the class denies left denied", r.Stderr);
        Assert.Contains("[Allow(\"listen\")]", text);
        Assert.Contains("[Allow(\"ioctl\", When = \"cmd in (TIOCSPGRP)\")]", text);
        Assert.True(text.IndexOf("[Allow(\"listen\")]") < text.IndexOf("internal static partial class Sandbox"));
        Assert.Contains("/// <summary>Hand-written.</summary>", text);
        Assert.Empty(PolicyGenerator.CheckFile(cs, "Sandbox"));

        // Run again: nothing left to add.
        string before = File.ReadAllText(cs);
        r = ProcessRunner.Tool("policy", a, b, "--class", "MyApp.Sandbox", "-o", cs, "--exact");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(before, File.ReadAllText(cs));
        Assert.Contains("0 rules added", r.Stderr);
    }

    /// <summary>
    /// Issue 19, item 3: a recording shows the paths one run took. A listening socket means Kestrel, and @aspnetcore holds
    /// what it does on the paths around (a large response's sendmsg, a Unix-socket listener): the class allows the group
    /// with a comment naming the recorded calls and what the group adds. The calls the group allows get no rule of
    /// their own; --exact keeps to the recording.
    /// </summary>
    [Fact]
    public void A_listening_socket_brings_the_aspnetcore_group_and_exact_keeps_to_the_recording()
    {
        string dir = ProcessRunner.TempDir();
        string a = Write(dir, "a.json", RecordingA), b = Write(dir, "b.json", RecordingB), cs = Path.Combine(dir, "S.cs");
        var r = ProcessRunner.Tool("policy", a, b, "--class", "App.S", "-o", cs, "--default", "kill-process");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("[Allow(\"@aspnetcore\")]", text);
        Assert.Matches(@"// @aspnetcore: a listening socket \(Kestrel and the generic host\)\. Recorded: listen, socket\. The group adds: [a-z0-9_, ]*sendmsg", text);
        Assert.DoesNotContain("[Allow(\"listen\")]", text);  // the group's
        Assert.DoesNotContain("[Allow(\"socket\"", text);    // AF_UNIX, AF_INET, AF_INET6: the group's condition allows them
        Assert.Contains("[Allow(\"getpgrp\")]", text);       // no group explains it: a rule of its own
        Assert.Contains("@aspnetcore allowed", r.Stderr);
        Assert.Empty(PolicyGenerator.CheckFile(cs, "S"));

        string exact = Path.Combine(dir, "Exact.cs");
        r = ProcessRunner.Tool("policy", a, b, "--class", "App.S", "-o", exact, "--exact");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain("@aspnetcore", File.ReadAllText(exact));
        Assert.Contains("[Allow(\"listen\")]", File.ReadAllText(exact));
    }

    // A hand-written class that allows setsockopt at SOL_SOCKET only (Kestrel's options), as in the trial.
    private const string SetsockoptForSolSocket = """
        using Seccomp;

        namespace MyApp;

        [SeccompPolicy(DefaultAction = SeccompAction.KillProcess, Architectures = new[] { SeccompArch.X86_64 })]
        [Allow("@dotnet-runtime")]
        [Allow("setsockopt", When = "level == SOL_SOCKET")]
        internal static partial class Sandbox;
        """;

    /// <summary>
    /// Issue 19, item 4, the trial's failure: the class lists setsockopt for SOL_SOCKET, and the failing run's recording
    /// shows the resolver's setsockopt(IPPROTO_IP, IP_RECVERR). The merge adds a rule for that level (before, it said
    /// "already listed" and the rebuilt app died on the same call); a second merge finds it allowed.
    /// </summary>
    [Fact]
    public void A_listed_call_whose_condition_misses_the_recorded_values_gets_a_widening_rule()
    {
        string dir = ProcessRunner.TempDir();
        string rec = Write(dir, "dns.json", """
        { "version": 1, "source": "record", "architectures": { "x86_64": {
            "setsockopt": { "nr": 54, "count": 2, "args": { "fd": { "values": [7] }, "level": { "values": [0] }, "optname": { "values": [11] }, "optval": { "pointer": true }, "optlen": { "values": [4] } } }
        } } }
        """);
        string cs = Path.Combine(dir, "Sandbox.cs");
        File.WriteAllText(cs, SetsockoptForSolSocket);
        var r = ProcessRunner.Tool("policy", rec, "--class", "MyApp.Sandbox", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("[Allow(\"setsockopt\", When = \"level == SOL_SOCKET\")]", text);
        Assert.Contains("[Allow(\"setsockopt\", When = \"level in (IPPROTO_IP)\")]", text);
        Assert.Contains("1 listed calls widened", r.Stderr);
        Assert.Empty(PolicyGenerator.CheckFile(cs, "Sandbox"));

        string before = File.ReadAllText(cs);
        r = ProcessRunner.Tool("policy", rec, "--class", "MyApp.Sandbox", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(before, File.ReadAllText(cs));
        Assert.Contains("0 rules added, 1 calls allowed already", r.Stderr);
    }

    /// <summary>
    /// An audit log has no arguments: a call the class allows only under a condition cannot be checked against it. The
    /// merge adds a plain rule marked REVIEW and warns, naming the call: the user decides, the tool does not guess.
    /// </summary>
    [Fact]
    public void A_call_recorded_without_arguments_that_a_condition_narrows_gets_a_rule_to_review_and_a_warning()
    {
        string dir = ProcessRunner.TempDir();
        string rec = Write(dir, "audit.json", """
        { "version": 1, "source": "audit", "architectures": { "x86_64": { "setsockopt": { "nr": 54, "count": 3 } } } }
        """);
        string cs = Path.Combine(dir, "Sandbox.cs");
        File.WriteAllText(cs, SetsockoptForSolSocket);
        var r = ProcessRunner.Tool("policy", rec, "--class", "MyApp.Sandbox", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("// setsockopt: REVIEW: recorded without arguments; the class allows it only under a condition.", text);
        Assert.Contains("[Allow(\"setsockopt\")]", text);
        Assert.Contains("warning: review: setsockopt was recorded without arguments", r.Stderr);
    }

    [Fact]
    public void Refuses_a_file_without_the_class_and_bad_recordings()
    {
        string dir = ProcessRunner.TempDir();
        string a = Write(dir, "a.json", RecordingA), other = Write(dir, "Other.cs", "class Other {}\n");
        Assert.Equal(4, ProcessRunner.Tool("policy", a, "--class", "X.Sandbox", "-o", other).ExitCode);
        Assert.Equal("class Other {}\n", File.ReadAllText(other));
        string bad = Write(dir, "bad.json", "{ \"nothing\": 1 }");
        Assert.Equal(4, ProcessRunner.Tool("policy", bad, "--class", "X.S", "-o", Path.Combine(dir, "S.cs")).ExitCode);
    }
}
