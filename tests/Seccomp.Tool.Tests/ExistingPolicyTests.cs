using System.IO;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Diagnostics;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// The tool reads an existing policy class with the generator's own readers: every setting as the build compiles it
/// (not a second parser's idea of it), settled from the syntax where the generator would, bound where it would bind.
/// </summary>
public class ExistingPolicyTests
{
    private static string WriteClass(string text)
    {
        string path = Path.Combine(ProcessRunner.TempDir(), "P.cs");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CheckFile_compiles_the_class_with_its_own_bad_arch_unknown_and_hot_settings()
    {
        string cs = WriteClass("""
            using Seccomp;
            namespace X;
            [SeccompPolicy(BadArchAction = SeccompAction.KillThread, UnknownSyscalls = SeccompAction.Trace, HotSyscalls = new[] { "read:9", "write" },
                Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("@dotnet-runtime")]
            internal static partial class P;
            """);
        var p = ExistingPolicy.Read(cs, "P")!;
        Assert.Equal(SeccompVerdict.Of(Seccomp.Compiler.SeccompAction.KillThread, 0), p.Model.BadArchAction);
        Assert.Equal(SeccompVerdict.Of(Seccomp.Compiler.SeccompAction.Trace, 0), p.Model.UnknownSyscallAction);
        Assert.Equal(new[] { "read:9", "write" }, p.Model.HotSyscalls!.Value.ToArray());

        // What the compiler says of those settings reaches the check: a KILL_THREAD bad-arch action and a TRACE answer
        // for unknown numbers are each reported (with the attribute's defaults, as before, neither was).
        var diagnostics = PolicyCompiler.Compile(p.Model).Diagnostics;
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.KillThread && d.Location.Property == PolicyProperty.BadArchAction);
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.NeedsTracerOrListener && d.Location.Property == PolicyProperty.UnknownSyscalls);
        Assert.Equal(diagnostics.Select(d => d.ToString()), PolicyGenerator.CheckFile(cs, "P"));
    }

    [Fact]
    public void A_class_the_syntax_does_not_settle_is_bound_as_the_generator_binds_it()
    {
        // A constant and a cast: only binding says what they are (the syntax reader steps aside, as in the generator).
        string cs = WriteClass("""
            using Seccomp;
            namespace X;
            internal static class Names { public const string Net = "socket"; }
            [SeccompPolicy(UnknownSyscallsErrno = (Errno)0, Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("@dotnet-runtime")]
            [Allow(Names.Net, When = "domain == AF_UNIX")]
            internal static partial class P;
            """);
        var p = ExistingPolicy.Read(cs, "P")!;
        Assert.Contains(p.Model.Rules, r => r.Syscalls.Contains("socket") && r.When == "domain == AF_UNIX");
        Assert.Contains("socket", p.ListedNames);
        Assert.Equal(SeccompVerdict.Of(Seccomp.Compiler.SeccompAction.Errno, 0), p.Model.UnknownSyscallAction);
        // ERRNO(0) for unknown numbers reports success without running: the compiler refuses it, and so does the check.
        Assert.Contains(PolicyGenerator.CheckFile(cs, "P"), d => d.StartsWith(DiagnosticIds.ErrnoOutOfRange, System.StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_written_as_arrays_or_qualified_names_are_listed_too()
    {
        string cs = WriteClass("""
            namespace X;
            [global::Seccomp.SeccompPolicy(Architectures = new[] { global::Seccomp.SeccompArch.X86_64 })]
            [global::Seccomp.Allow(new[] { "@dotnet-runtime", "getpgrp" })]
            [Seccomp.Deny("listen")]
            internal static partial class P;
            """);
        var p = ExistingPolicy.Read(cs, "P")!;
        Assert.Equal(new[] { "@dotnet-runtime", "getpgrp", "listen" }, p.ListedNames.OrderBy(n => n, System.StringComparer.Ordinal));
        Assert.Equal(SeccompVerdict.Errno(1), p.Model.Rules[1].Action);
    }

    [Fact]
    public void A_recorded_call_the_class_names_but_still_denies_is_said_so_and_left_as_the_class_says()
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "r.json");
        File.WriteAllText(rec, """
        { "version": 1, "source": "record", "architectures": { "x86_64": {
            "getpgrp": { "nr": 111, "count": 2, "args": {} },
            "listen": { "nr": 50, "count": 1, "args": { "fd": { "values": [5] }, "backlog": { "values": [128] } } }
        } } }
        """);
        string cs = Path.Combine(dir, "P.cs");
        string existing = """
            using Seccomp;
            namespace X;
            [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("@dotnet-runtime")]
            [Deny("getpgrp", Errno = Errno.EACCES)]
            internal static partial class P;
            """;
        File.WriteAllText(cs, existing);
        var r = ProcessRunner.Tool("policy", rec, "--class", "X.P", "-o", cs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("getpgrp was recorded, and a rule of the class denies it by name: left as the class says", r.Stderr);
        Assert.Contains("1 recorded calls the class denies left denied", r.Stderr);
        Assert.DoesNotContain("listen was recorded", r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("[Allow(\"@aspnetcore\")]", text); // listen: a listening socket, Kestrel's group
        Assert.Equal(1, text.Split("\"getpgrp\"").Length - 1);
    }
}
