using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Seccomp.Tests.Analyzers;

/// <summary>
/// SECC0050 (never applied) and SECC0051 (applied late in Main). The generator does not run here: a hand-written
/// partial gives the policy the Apply/TryApply members it would generate.
/// </summary>
public class ApplyUsageTests
{
    private const string Stubs = """

        internal static partial class P
        {
            public static void Apply() { }
            public static bool TryApply(out SeccompError? error) { error = null; return true; }
        }
        """;

    [Fact]
    public Task Secc0050_PolicyNeverApplied() => Verify.Usage("""
        using Seccomp;
        [SeccompPolicy]
        [Allow("read")]
        internal static partial class {|SECC0050:P|};
        """ + Stubs, OutputKind.DynamicallyLinkedLibrary, "SECC0050");

    [Fact]
    public Task Secc0050_PublicPolicyOfAProgram() => Verify.Usage("""
        using Seccomp;
        System.Console.WriteLine("no sandbox");

        [SeccompPolicy]
        [Allow("read")]
        public static partial class {|SECC0050:Q|};
        """, OutputKind.ConsoleApplication, "SECC0050");

    [Fact]
    public Task Secc0050_AppliedAnywhere_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;

        internal static class Startup
        {
            public static void Run() => P.Apply();
        }
        """ + Stubs, OutputKind.DynamicallyLinkedLibrary, "SECC0050");

    [Fact]
    public Task Secc0050_TryApplyAndMethodGroupsCount_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;

        internal static class Startup
        {
            public static bool Run() => P.TryApply(out _);
            public static System.Action Later() => P.Apply;
        }
        """ + Stubs, OutputKind.DynamicallyLinkedLibrary, "SECC0050");

    [Fact]
    public Task Secc0050_PublicPolicyOfALibrary_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        [SeccompPolicy]
        [Allow("read")]
        public static partial class Shared;
        """, OutputKind.DynamicallyLinkedLibrary, "SECC0050");

    [Fact]
    public Task Secc0051_AfterThreeStatements() => Verify.Usage("""
        using Seccomp;
        var a = 1;
        var b = a + 1;
        System.Console.WriteLine(b);
        {|SECC0051:P.Apply()|};

        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;
        """ + Stubs, OutputKind.ConsoleApplication, "SECC0051");

    [Fact]
    public Task Secc0051_AfterAThreadStarts_InMain() => Verify.Usage("""
        using System.Threading.Tasks;
        using Seccomp;

        internal static class Program
        {
            private static void Main()
            {
                Task.Run(() => System.Console.WriteLine("early"));
                {|SECC0051:P.Apply()|};
            }
        }

        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;
        """ + Stubs, OutputKind.ConsoleApplication, "SECC0051");

    [Fact]
    public Task Secc0051_AfterAHostIsCreated() => Verify.Usage("""
        using Seccomp;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        if (!P.TryApply(out var error)) throw new System.Exception(error?.ToString());

        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;

        namespace Microsoft.Extensions.Hosting
        {
            public static class Host
            {
                public static object CreateApplicationBuilder() => new object();
            }
        }
        """.Replace("if (!P.TryApply(out var error))", "if (!{|SECC0051:P.TryApply(out var error)|})") + Stubs,
        OutputKind.ConsoleApplication, "SECC0051");

    [Fact]
    public Task Secc0051_FirstStatements_NoDiagnostic() => Verify.Usage("""
        using Seccomp;
        var options = new SeccompOptions { LogDenied = true };
        System.Console.WriteLine("starting");
        P.Apply();
        System.Threading.Tasks.Task.Run(() => System.Console.WriteLine("sandboxed"));

        static void Helper() => P.Apply();

        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;
        """ + Stubs, OutputKind.ConsoleApplication, "SECC0051");

    [Fact]
    public Task Secc0051_OutsideTheEntryPoint_NoDiagnostic() => Verify.Usage("""
        using Seccomp;

        internal static class Program
        {
            private static void Main()
            {
                var a = 1;
                var b = a + 1;
                System.Console.WriteLine(b);
                Sandbox();
            }

            private static void Sandbox() { var x = 1; var y = 2; var z = x + y; P.Apply(); }
        }

        [SeccompPolicy]
        [Allow("read")]
        internal static partial class P;
        """ + Stubs, OutputKind.ConsoleApplication, "SECC0051");
}
