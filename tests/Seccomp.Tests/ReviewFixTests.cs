using System.Linq;
using Seccomp.Compiler.Diagnostics;
using Microsoft.CodeAnalysis;
using Seccomp.Compiler;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>Edges found in review: invalid values fail the build, odd input never crashes the compiler.</summary>
public class ReviewFixTests
{
    private static Diagnostic[] Errors(string source) =>
        GeneratorHarness.Analyze(source).Where(d => d.Severity == DiagnosticSeverity.Error || d.Id == "AD0001").ToArray();

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
        var errors = Errors("using Seccomp; [SeccompPolicy(DefaultAction = (SeccompAction)8, Architectures = new[] { (SeccompArch)3, SeccompArch.X86_64 })] [Allow(\"read\")] static partial class P;");
        Assert.Equal(new[] { "SECC0009", "SECC0009" }, errors.Select(e => e.Id).ToArray());
        var generated = Assert.Single(GeneratorHarness.Generate("using Seccomp; [SeccompPolicy(Architectures = new[] { (SeccompArch)3 })] [Allow(\"read\")] public static partial class P;"));
        Assert.DoesNotContain("SeccompArch.3", generated);
    }

    [Fact]
    public void ANullSyscallListIsAnErrorAndTheMembersStillExist()
    {
        const string source = "using Seccomp; [SeccompPolicy] [Allow(null)] public static partial class P;";
        Assert.Equal("SECC0007", Assert.Single(Errors(source)).Id);
        Assert.Contains("TryApply", Assert.Single(GeneratorHarness.Generate(source)));
    }

    [Fact]
    public void UmodeTIsSixteenBitsAsTheKernelCastsIt()
    {
        var arch = ArchInfo.Get(CoreArch.X86_64);
        var c = ConditionBinder.Bind("mode == 04755", "fchmod", arch, out _)!;
        // The kernel sees (umode_t)0x109ed == 04755: bits above 15 cannot dodge the rule.
        Assert.True(ReferenceEvaluator.Holds(c, new ulong[] { 3, 0x10000 | 0x9ed, 0, 0, 0, 0 }));
        ConditionBinder.Bind("mode == 0x10000", "fchmod", arch, out var problems);
        Assert.Equal(DiagnosticIds.ConditionOutOfRange, Assert.Single(problems).Id);

        var model = new PolicyModel(Verdict.Allow, Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, Verdict.Errno(1), EquatableArray.From(new[] { "fchmod" }), "mode == 04755") }));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("ERRNO(1)", SeccompLoader.Evaluate(program, "fchmod", new ulong[] { 3, 0xdead_0000_0001_09ed }).ToString());
        Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, "fchmod", new ulong[] { 3, 0x1ed }).ToString());
    }

    [Fact]
    public void DenyingAGroupDeniesEveryMemberOutright()
    {
        var model = new PolicyModel(Verdict.Allow, Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, Verdict.KillProcess, EquatableArray.From(new[] { "@dotnet-runtime" }), null) }));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "clone3", new ulong[6]).ToString());
        Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "clone", new ulong[] { 0x10000000, 0, 0, 0, 0, 0 }).ToString());
        Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "ioctl", new ulong[] { 0, 0x5412 /* TIOCSTI */ }).ToString());
    }

    [Theory]
    [InlineData(40, "nests more than 32 deep")]
    [InlineData(0, "more than 256 operators")]
    public void DeepOrLongConditionsAreErrorsNotStackOverflows(int depth, string message)
    {
        string when = depth > 0
            ? new string('(', depth) + "fd == 1" + new string(')', depth)
            : string.Join(" || ", Enumerable.Range(0, 3000).Select(i => "fd == " + i));
        ConditionBinder.Bind(when, "write", ArchInfo.Get(CoreArch.X86_64), out var problems);
        var p = Assert.Single(problems);
        Assert.Equal(DiagnosticIds.ConditionSyntax, p.Id);
        Assert.Contains(message, p.Message);
        Assert.Equal(DiagnosticIds.ConditionSyntax, ConditionBinder.Bind(new string('!', 5000) + "(fd == 1)", "write", ArchInfo.Get(CoreArch.X86_64), out var bangs) == null ? bangs[0].Id : "");
    }

    [Fact]
    public void GenericAndSimilarlyNamedPolicyClassesGetTheirOwnFiles()
    {
        const string source = """
            using Seccomp;
            namespace N;
            public partial class A<B>
            {
                [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })] [Allow("@dotnet-runtime")] public static partial class P;
            }
            public partial class A_B_
            {
                [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })] [Allow("@dotnet-runtime")] public static partial class P;
            }
            [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })] [Allow("@dotnet-runtime")] public static partial class G<T>;
            """;
        Assert.Equal(3, GeneratorHarness.Generate(source).Length);
        var assembly = GeneratorHarness.CompileAndLoad(source);
        Assert.NotNull(assembly.GetType("N.G`1")!.GetMethod("Apply", System.Type.EmptyTypes));
    }
}
