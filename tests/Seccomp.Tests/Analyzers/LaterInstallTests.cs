using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Seccomp.Analyzers.CodeFixes;
using Xunit;

namespace Seccomp.Tests.Analyzers;

/// <summary>
/// SECC0052 (a policy installed first denies the seccomp(2) calls a later install makes) with its code fix, and
/// ApplyWhen counted as an install by SECC0050 and left alone by SECC0051 (issue 12).
/// </summary>
public class LaterInstallTests
{
    private const string Stubs = """

        internal static partial class Broad
        {
            public static void Apply() { }
        }

        internal static partial class Narrow
        {
            public static System.Threading.CancellationTokenRegistration ApplyWhen(System.Threading.CancellationToken ready) => default;
            public static SeccompInstallation Install(SeccompOptions? options) => null!;
        }
        """;

    private const string TwoPhaseMain = """
        using System.Threading;
        using Seccomp;
        Broad.Apply();
        var started = new CancellationTokenSource();
        var a = 1;
        var b = a + 1;
        Narrow.ApplyWhen(started.Token);

        """;

    private const string NarrowPolicy = """

        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        internal static partial class Narrow;
        """;

    [Fact]
    public Task Secc0050_ApplyWhenCounts_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        [SeccompPolicy]
        [Allow("read")]
        internal static partial class Narrow;

        internal static class Startup
        {
            public static void Run(System.Threading.CancellationToken started) => Narrow.ApplyWhen(started);
        }
        """ + """

        internal static partial class Narrow
        {
            public static System.Threading.CancellationTokenRegistration ApplyWhen(System.Threading.CancellationToken ready) => default;
        }
        """, OutputKind.DynamicallyLinkedLibrary, "SECC0050");

    [Fact]
    public Task Secc0050_MethodGroupHandedToAHostCounts_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        [SeccompPolicy]
        [Allow("read")]
        internal static partial class Narrow;

        internal static class Startup
        {
            public static System.Func<SeccompOptions?, SeccompInstallation> Later() => Narrow.Install;
        }

        internal static partial class Narrow
        {
            public static SeccompInstallation Install(SeccompOptions? options) => null!;
        }
        """, OutputKind.DynamicallyLinkedLibrary, "SECC0050");

    [Fact]
    public Task Secc0051_ApplyWhenAfterTheHostIsBuilt_NoDiagnostic() => Verify.Usage(TwoPhaseMain + """
        [SeccompPolicy]
        [Allow("seccomp")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0051", "SECC0050");

    [Fact]
    public Task Secc0052_BroadPolicyOnTheRuntimeGroupBlocksTheNarrowOne() => Verify.Usage(TwoPhaseMain + """
        [{|SECC0052:SeccompPolicy(DefaultAction = SeccompAction.Errno)|}]
        [Allow("@dotnet-runtime", "@network-io")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_TheRuleLetsTheInstallThrough_NoDiagnostic() => Verify.Usage(TwoPhaseMain + """
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("seccomp", When = "op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)")]
        [Allow("@dotnet-runtime", "@network-io")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0052");

    // Issue 21, item 9: two alternative policies, of which the program installs one or the other, never both.
    private const string Alternatives = """

        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        internal static partial class Broad;

        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        internal static partial class Narrow;

        internal static partial class Broad { public static void Apply() { } }
        internal static partial class Narrow { public static void Apply() { } }
        """;

    [Fact]
    public Task Secc0052_OneOrTheOtherInIfElse_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        if (args.Length > 0) Broad.Apply();
        else Narrow.Apply();
        """ + Alternatives, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_OneOrTheOtherInASwitch_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        switch (args.Length)
        {
            case 0: Broad.Apply(); break;
            default: Narrow.Apply(); break;
        }
        """ + Alternatives, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_BothInTheSameBranch_IsReported() => Verify.Usage("""
        using Seccomp;
        if (args.Length > 0) { Broad.Apply(); Narrow.Apply(); }
        """ + Alternatives.Replace("[SeccompPolicy(DefaultAction = SeccompAction.Errno)]\n[Allow(\"@dotnet-runtime\")]\ninternal static partial class Broad;",
            "[{|SECC0052:SeccompPolicy(DefaultAction = SeccompAction.Errno)|}]\n[Allow(\"@dotnet-runtime\")]\ninternal static partial class Broad;")
            .Replace("[SeccompPolicy(DefaultAction = SeccompAction.Errno)]\n[Allow(\"@dotnet-runtime\")]\ninternal static partial class Narrow;",
            "[{|SECC0052:SeccompPolicy(DefaultAction = SeccompAction.Errno)|}]\n[Allow(\"@dotnet-runtime\")]\ninternal static partial class Narrow;"),
        OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_OnePolicyAlone_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        Broad.Apply();

        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        internal static partial class Broad;

        internal static partial class Broad
        {
            public static void Apply() { }
        }
        """, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_AnAllowDefaultLetsItThrough_NoDiagnostic() => Verify.Usage(TwoPhaseMain + """
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("keyctl")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public async Task Secc0052_ADenyRuleOnSeccompCannotBeUndone_NoFix()
    {
        var test = new AnalyzerTest<Seccomp.Analyzers.ApplyUsageAnalyzer>(TwoPhaseMain + """
            [{|#0:SeccompPolicy(DefaultAction = SeccompAction.Allow)|}]
            [Deny("seccomp")]
            internal static partial class Broad;
            """ + NarrowPolicy + Stubs, new[] { "SECC0052" });
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult("SECC0052", DiagnosticSeverity.Warning).WithLocation(0)
            .WithMessage("'Broad' is installed at once and the project also installs 'Narrow', but 'Broad' denies seccomp(SECCOMP_SET_MODE_FILTER) "
                + "and seccomp(SECCOMP_GET_ACTION_AVAIL): every policy installed after it fails with EPERM (ApplyWhen then ends the process); "
                + "a rule of 'Broad' denies seccomp outright and no Allow can undo it: narrow that rule to leave seccomp(SECCOMP_SET_MODE_FILTER) "
                + "and seccomp(SECCOMP_GET_ACTION_AVAIL) allowed"));
        await test.RunAsync();
    }

    [Fact]
    public Task Secc0052_Fix_AddsTheNarrowestRule() => Verify.UsageFix<AllowLaterInstallCodeFixProvider>(TwoPhaseMain + """
        [{|SECC0052:SeccompPolicy(DefaultAction = SeccompAction.Errno)|}]
        [Allow("@dotnet-runtime", "@network-io")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, TwoPhaseMain + """
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("seccomp", When = "op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)")]
        [Allow("@dotnet-runtime", "@network-io")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_Fix_AddsOnlyTheOperationThatIsDenied() => Verify.UsageFix<AllowLaterInstallCodeFixProvider>(TwoPhaseMain + """
        [{|SECC0052:SeccompPolicy(DefaultAction = SeccompAction.Errno)|}]
        [Allow("seccomp", When = "op == SECCOMP_SET_MODE_FILTER")]
        [Allow("@dotnet-runtime")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, TwoPhaseMain + """
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("seccomp", When = "op == SECCOMP_GET_ACTION_AVAIL")]
        [Allow("seccomp", When = "op == SECCOMP_SET_MODE_FILTER")]
        [Allow("@dotnet-runtime")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0052");

    [Fact]
    public Task Secc0052_AHostedNarrowingCountsAsALaterInstall() => Verify.Usage("""
        using Seccomp;
        Broad.Apply();
        System.Func<SeccompOptions?, SeccompInstallation> narrow = Narrow.Install;

        [{|SECC0052:SeccompPolicy(DefaultAction = SeccompAction.Errno)|}]
        [Allow("@dotnet-runtime")]
        internal static partial class Broad;
        """ + NarrowPolicy + Stubs, OutputKind.ConsoleApplication, "SECC0052");
}
