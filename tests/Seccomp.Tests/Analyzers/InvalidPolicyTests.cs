using Seccomp.Tests.Support;
using System.Collections.Generic;
using System;
using Seccomp.Compiler.Diagnostics;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Analyzers;
using Seccomp.Compiler;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;
using Xunit;

namespace Seccomp.Tests.Analyzers;

/// <summary>Errors for invalid input (SECC0001-0011, SECC0020-0024): a positive and a negative test each, at the exact place.</summary>
public class InvalidPolicyTests
{
    [Fact]
    public Task Secc0001_UnknownSyscall_OnTheName() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("kexec_load", {|SECC0001:"ptrce"|})]
        internal static partial class P;
        """, "SECC0001");

    [Fact]
    public Task Secc0001_InAnArray() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill(new[] { "kexec_load", {|SECC0001:"ptrce"|} })]
        internal static partial class P;
        """, "SECC0001");

    [Fact]
    public Task Secc0001_KnownNames_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("kexec_load", "ptrace")]
        internal static partial class P;
        """, "SECC0001");

    [Fact]
    public Task Secc0002_MissingOnAnArchitecture() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64, SeccompArch.Aarch64 })]
        [Kill({|SECC0002:"open"|}, "openat")]
        internal static partial class P;
        """, "SECC0002");

    [Fact]
    public Task Secc0002_OnlyArchitecturesThatHaveIt_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [Kill("open", "openat")]
        internal static partial class P;
        """, "SECC0002");

    [Fact]
    public Task Secc0003_UnknownGroup() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Allow({|SECC0003:"@dotnet-runtme"|})]
        internal static partial class P;
        """, "SECC0003");

    [Fact]
    public Task Secc0003_KnownGroup_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Allow("@dotnet-runtime")]
        internal static partial class P;
        """, "SECC0003");

    [Fact]
    public Task Secc0004_ErrnoAbove4095_OnTheProperty() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy({|SECC0004:DefaultErrno = (Errno)4096|})]
        [Deny("ptrace", {|SECC0004:Errno = (Errno)5000|})]
        internal static partial class P;
        """, "SECC0004");

    [Fact]
    public Task Secc0004_Errno4095_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultErrno = (Errno)4095)]
        [Deny("ptrace", Errno = Errno.EACCES)]
        internal static partial class P;
        """, "SECC0004");

    [Fact]
    public Task Secc0005_NoArchitecture() => Verify.Policy("""
        using Seccomp;
        [{|SECC0005:SeccompPolicy(Architectures = new SeccompArch[0])|}]
        [Allow("read")]
        internal static partial class P;
        """, "SECC0005");

    [Fact]
    public Task Secc0005_OneArchitecture_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(Architectures = new[] { SeccompArch.Riscv64 })]
        [Allow("read")]
        internal static partial class P;
        """, "SECC0005");

    [Fact]
    public Task Secc0006_EmptyRule() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [{|SECC0006:Kill()|}]
        internal static partial class P;
        """, "SECC0006");

    [Fact]
    public Task Secc0006_RuleWithName_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        internal static partial class P;
        """, "SECC0006");

    [Fact]
    public Task Secc0007_NullName() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace", {|SECC0007:null|})]
        internal static partial class P;
        """, "SECC0007");

    [Fact]
    public Task Secc0007_NoNull_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace", "bpf")]
        internal static partial class P;
        """, "SECC0007");

    [Fact]
    public Task Secc0008_NotPartial() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        internal static class {|SECC0008:P|} { }
        """, "SECC0008");

    [Theory]
    [InlineData("file static partial class {|SECC0008:P|};")]
    [InlineData("internal partial record {|SECC0008:P|};")]
    public Task Secc0008_TypesTheGeneratorCannotExtend(string declaration) => Verify.Policy($$"""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        {{declaration}}
        """, "SECC0008");

    [Fact]
    public Task Secc0008_Struct() => Verify.Policy("""
        using Seccomp;
        [{|CS0592:SeccompPolicy|}(DefaultAction = SeccompAction.Allow)]
        [{|CS0592:Kill|}("ptrace")]
        internal partial record struct {|SECC0008:P|};
        """, "SECC0008");

    [Fact]
    public Task Secc0008_Partial_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        internal static partial class P { }
        """, "SECC0008");

    /// <summary>64-bit values with distinct high words: two comparisons each, however the list is compiled.</summary>
    private static string LargeList(int n) => string.Join(", ", Enumerable.Range(0, n).Select(i => "0x" + (((ulong)(i + 1) << 32) | (uint)(i * 2 + 1)).ToString("x", System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public Task Secc0010_ProgramTooLarge() => Verify.Policy("""
        using Seccomp;
        [{|SECC0010:SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })|}]
        [Kill("mmap", When = "len in (LIST)")]
        internal static partial class P;
        """.Replace("LIST", LargeList(2500)), "SECC0010");

    [Fact]
    public Task Secc0010_ProgramThatFits_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [Kill("mmap", When = "len in (LIST)")]
        internal static partial class P;
        """.Replace("LIST", LargeList(500)), "SECC0010");

    /// <summary>A compiler that emits a program the verifier rejects: what SECC0011 reports (an internal error).</summary>
    private static PolicyCompilation BrokenCompiler(PolicyModel model, System.Threading.CancellationToken ct) => new(model,
        model.Architectures.Select(a => new PolicyDiagnostic(DiagnosticIds.VerifierFailure,
            $"internal error: the {ArchInfo.Get(a).Name} program fails verification: jump out of range", PolicyLocation.Policy())).ToList(),
        new List<CompiledProgram>());

    [Fact]
    public Task Secc0011_VerifierFailure()
    {
        var test = new AnalyzerTest<PolicyAnalyzer>("""
            using Seccomp;
            [{|SECC0011:SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })|}]
            [Kill("ptrace")]
            internal static partial class P;
            """, new[] { "SECC0011" }, () => new PolicyAnalyzer(BrokenCompiler));
        return test.RunAsync();
    }

    [Fact]
    public Task Secc0011_RealCompiler_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [Kill("ptrace")]
        internal static partial class P;
        """, "SECC0011");

    // ---- Conditions: the diagnostic covers exactly the characters inside the literal, whatever its kind --------------

    [Fact]
    public Task Secc0020_Syntax_RegularVerbatimRaw() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd {|SECC0020:=|} 1")]
        [Kill("write", When = @"fd == {|SECC0020:""|}")]
        [Kill("close", When = """fd == 1 {|SECC0020:)|}""")]
        [Kill("dup", When = """
            fildes == 1 ||
              fildes < {|SECC0020:<|} 2
            """)]
        internal static partial class P;
        """", "SECC0020");

    [Fact]
    public Task Secc0020_ValidSyntax_NoDiagnostic() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd == 1")]
        [Kill("close", When = """fd == 1 || (fd > 5 && fd < 7)""")]
        internal static partial class P;
        """", "SECC0020");

    [Fact]
    public Task Secc0021_UnknownName_RegularVerbatimRaw() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "{|SECC0021:fdd|} == 1")]
        [Kill("write", When = "{|SECC0021:\u0066dd|} == 1")]
        [Kill("socket", When = @"family == {|SECC0021:AF_INTE|}")]
        [Kill("openat", When = """(flags & {|SECC0021:O_CRAET|}) != 0""")]
        [Kill("close", When = """
            fd == 1 ||
                {|SECC0021:fdx|} == 2
            """)]
        internal static partial class P;
        """", "SECC0021");

    [Fact]
    public Task Secc0021_KnownNames_NoDiagnostic() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("socket", When = @"family == AF_INET && arg1 == SOCK_RAW")]
        [Kill("openat", When = """(flags & O_CREAT) != 0""")]
        internal static partial class P;
        """", "SECC0021");

    [Fact]
    public Task Secc0022_OutOfRange() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd == {|SECC0022:-1|}")]
        [Kill("openat", When = @"dfd == {|SECC0022:0x100000000|}")]
        internal static partial class P;
        """, "SECC0022");

    [Fact]
    public Task Secc0022_InRange_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd == 0xffffffff")]
        [Kill("openat", When = @"dfd == AT_FDCWD || dfd == -1")]
        internal static partial class P;
        """, "SECC0022");

    [Fact]
    public Task Secc0023_PointerComparedWithAValue() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "{|SECC0023:buf|} == 5")]
        [Kill("openat", When = """{|SECC0023:filename|} > 0""")]
        internal static partial class P;
        """", "SECC0023");

    [Fact]
    public Task Secc0023_PointerAgainstZero_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "buf == 0")]
        internal static partial class P;
        """, "SECC0023");

    [Fact]
    public Task Secc0024_NotAComparison() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "{|SECC0024:fd|}")]
        [Kill("write", When = @"fd == 1 || {|SECC0024:2 == 3|}")]
        internal static partial class P;
        """, "SECC0024");

    [Fact]
    public Task Secc0024_Comparisons_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd != 0")]
        [Kill("write", When = @"fd == 1 || 3 == fd")]
        internal static partial class P;
        """, "SECC0024");

    // Invalid values fail the build; odd input never crashes the compiler.

    private static Microsoft.CodeAnalysis.Diagnostic[] Errors(string source) =>
        GeneratorHarness.Analyze(source).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error || d.Id == "AD0001").ToArray();

    [Theory]
    [InlineData("[Deny(\"setuid\", Errno = 0)]", "Errno: errno 0")]
    [InlineData("[Deny(\"setuid\", Errno = (Errno)70000)]", "Errno: errno 65535")]
    public void AnErrnoOfZeroOrAbove4095IsAnError(string rule, string message)
    {
        var e = Assert.Single(Errors($"using Seccomp; [SeccompPolicy] [Allow(\"@dotnet-runtime\")] {rule} static partial class P;"));
        Assert.Equal("SECC0004", e.Id);
        Assert.StartsWith(message, e.GetMessage());
    }

    [Theory]
    [InlineData("DefaultErrno = 0")]
    [InlineData("UnknownSyscallsErrno = (Errno)5000")]
    [InlineData("DefaultErrno = (Errno)65536")]
    public void PolicyLevelErrnosAreCheckedToo(string property)
    {
        var e = Assert.Single(Errors($"using Seccomp; [SeccompPolicy({property})] [Allow(\"@dotnet-runtime\")] static partial class P;"));
        Assert.Equal("SECC0004", e.Id);
    }

    [Fact]
    public void EnumValuesTheRuntimeDoesNotDefineAreErrorsNotCrashes()
    {
        var errors = Errors("using Seccomp; [SeccompPolicy(DefaultAction = (SeccompAction)8, Architectures = new[] { (SeccompArch)7, SeccompArch.X86_64 })] [Allow(\"read\")] static partial class P;");
        Assert.Equal(new[] { "SECC0009", "SECC0009" }, errors.Select(e => e.Id).ToArray());
        var generated = Assert.Single(GeneratorHarness.Generate("using Seccomp; [SeccompPolicy(Architectures = new[] { (SeccompArch)7 })] [Allow(\"read\")] public static partial class P;"));
        Assert.DoesNotContain("SeccompArch.7", generated);
    }

    [Fact]
    public void ANullSyscallListIsAnErrorAndTheMembersStillExist()
    {
        const string source = "using Seccomp; [SeccompPolicy] [Allow(null)] public static partial class P;";
        Assert.Equal("SECC0007", Assert.Single(Errors(source)).Id);
        Assert.Contains("TryApply", Assert.Single(GeneratorHarness.Generate(source)));
    }
}
