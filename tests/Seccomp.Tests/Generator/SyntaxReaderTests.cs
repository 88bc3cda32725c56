using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The generator reads policies written with literals from their syntax and binds the rest
/// (<see cref="PolicySyntaxReader"/>). Oracle: the bound reader every analyzer uses. Wherever the syntax reader gives
/// a policy it must be exactly the bound one, and it must give one for the forms it claims to read.
/// </summary>
public class SyntaxReaderTests
{
    /// <summary>
    /// 400 random policies, each written in random forms (plain, suffixed, <c>Seccomp.</c>- and
    /// <c>global::</c>-qualified names; params, <c>new[]</c>, <c>new string[]</c> and collection-expression lists;
    /// regular, verbatim and raw literals; block, file-scoped, nested and no namespace; generic containers), some of
    /// them in forms only binding can follow (casts, constants). Readable forms are read, the others are not, and
    /// whatever is read equals the bound reading.
    /// </summary>
    [Fact]
    public void SyntaxReadingEqualsBindingOnRandomPolicies()
    {
        var rng = new Random(20261129);
        int read = 0, bound = 0;
        for (int i = 0; i < 400; i++)
        {
            var policy = RandomPolicies.Create(rng, "P" + i, conditions: rng.Next(2) == 0);
            var (source, readable) = SyntaxForms.Write(policy.Model, "P" + i, rng);
            var (fromSyntax, fromBinding) = ReadBothWays(source, "P" + i);
            Assert.NotNull(fromBinding);
            if (readable)
            {
                Assert.True(fromSyntax != null, "not read from syntax:\n" + source);
                Assert.Equal(fromBinding, fromSyntax);
                read++;
            }
            else
            {
                Assert.True(fromSyntax == null, "read from syntax though it needs binding:\n" + source);
                bound++;
            }
        }
        Assert.True(read > 150 && bound > 40, $"read {read}, bound {bound}");
    }

    /// <summary>The repository's own policies (Docker's profile, the kernel tests', the samples') are all read from syntax.</summary>
    [Fact]
    public void RepositoryPoliciesAreReadFromSyntax()
    {
        var files = new[] { "tests/Seccomp.TestChild/Policies", "samples" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Paths.Repo, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && File.ReadAllText(f).Contains("[SeccompPolicy"))
            .ToList();
        Assert.NotEmpty(files);
        int policies = 0;
        foreach (var file in files)
        {
            var compilation = GeneratorHarness.CreateCompilation(File.ReadAllText(file));
            var tree = compilation.SyntaxTrees.Single();
            foreach (var cls in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Where(HasPolicyAttribute))
            {
                var symbol = compilation.GetSemanticModel(tree).GetDeclaredSymbol(cls)!;
                var fromBinding = PolicyTargetReader.Read(symbol, default);
                if (fromBinding == null) continue;
                var fromSyntax = PolicySyntaxReader.TryRead(cls, default);
                Assert.True(fromSyntax != null, $"{file}: {cls.Identifier} is not read from syntax");
                Assert.Equal(fromBinding, fromSyntax);
                policies++;
            }
        }
        Assert.True(policies >= 5, $"{policies} policies");
    }

    public static TheoryData<string, string> ReadableForms => new()
    {
        { "record container", "namespace N;\npublic partial record R { [SeccompPolicy] [Allow(\"read\")] public static partial class P; }" },
        { "record struct container", "namespace N;\npublic partial record struct R { [SeccompPolicy] [Allow(\"read\")] public static partial class P; }" },
        { "interface container", "namespace N;\npublic partial interface I { [SeccompPolicy] [Allow(\"read\")] public static partial class P; }" },
        { "generic policy", "namespace N;\n[SeccompPolicy] [Allow(\"read\")] public static partial class P<TKey, TValue>;" },
        { "type target, one list", "namespace N;\n[type: SeccompPolicy, Allow(\"read\"), Deny(\"write\", Errno = Errno.EACCES)] public static partial class P;" },
        { "nulls the binder drops", "[SeccompPolicy(Architectures = null, HotSyscalls = new[] { \"read\", null })] [Allow(\"read\", When = null)] public static partial class P;" },
        { "escapes", "[SeccompPolicy] [Allow(\"re\\u0061d\", @\"wri\"\"te\", When = \"fd \\x3d= 1\")] public static partial class P;" },
        { "multi-line raw condition", "[SeccompPolicy]\n[Allow(\"socket\", When = \"\"\"\n    family == 1\n        || family == 2\n    \"\"\")]\npublic static partial class P;" },
        { "global using in the file", "global using Seccomp;\nnamespace N { [SeccompPolicy] [Allow(\"read\")] public static partial class P; }" },
        { "using inside the namespace", "namespace N { using Seccomp; [SeccompPolicy(DefaultAction = SeccompAction.KillProcess)] [Allow(\"read\")] public static partial class P; }" },
        { "qualified only", "namespace N { [global::Seccomp.SeccompPolicy(BadArchAction = Seccomp.SeccompAction.Errno)] [Seccomp.AllowAttribute(\"read\")] public static partial class P; }" },
        { "another part without attributes", "namespace N;\n[SeccompPolicy] [Allow(\"read\")] public static partial class P;\npublic static partial class P { public static int X => 1; }" },
        { "kill and data", "[SeccompPolicy] [Kill(\"ptrace\", Thread = false)] [Trap(\"bpf\", Data = 0x7)] [Trace(\"mount\", Data = 65535)] [Log(\"uname\")] [Notify(\"getpid\")] public static partial class P;" },
    };

    /// <summary>Hand-picked forms the syntax reader claims: each is read, and read as the binder reads it.</summary>
    [Theory]
    [MemberData(nameof(ReadableForms))]
    public void ReadableFormsAreReadAsBound(string form, string declaration)
    {
        string source = (declaration.StartsWith("global using", StringComparison.Ordinal) || declaration.Contains("using Seccomp;") || declaration.Contains("global::Seccomp")
            ? "" : "using Seccomp;\n") + declaration;
        var compilation = GeneratorHarness.CreateCompilation(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var tree = compilation.SyntaxTrees.Single();
        var cls = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().First(HasPolicyAttribute);
        var symbol = compilation.GetSemanticModel(tree).GetDeclaredSymbol(cls)!;
        var fromBinding = PolicyTargetReader.Read(symbol, default);
        Assert.NotNull(fromBinding);
        var fromSyntax = PolicySyntaxReader.TryRead(cls, default);
        Assert.True(fromSyntax != null, form + ": not read from syntax");
        Assert.Equal(fromBinding, fromSyntax);
    }

    public static TheoryData<string, string> BindingForms => new()
    {
        { "constant name", "internal static class Names { public const string Read = \"read\"; }\n[SeccompPolicy] [Allow(Names.Read, \"write\")] internal static partial class P;" },
        { "cast errno", "[SeccompPolicy(DefaultErrno = (Errno)1)] [Allow(\"read\", \"write\")] internal static partial class P;" },
        { "alias", "[SeccompPolicy] [Permit(\"read\", \"write\")] internal static partial class P;" },
        { "foreign attribute", "[SeccompPolicy] [Allow(\"read\", \"write\")] [System.Obsolete] internal static partial class P;" },
        { "split over parts", "[SeccompPolicy] internal static partial class P;\n[Allow(\"read\", \"write\")] internal static partial class P;" },
        { "concatenation", "[SeccompPolicy] [Allow(\"re\" + \"ad\", \"write\")] internal static partial class P;" },
    };

    /// <summary>Forms only binding can follow: the syntax reader leaves them alone and the generator binds them, so the program is that of the literal policy.</summary>
    [Theory]
    [MemberData(nameof(BindingForms))]
    public void FormsTheSyntaxCannotSettleAreBound(string form, string declaration)
    {
        const string Usings = "using Seccomp;\nusing Permit = Seccomp.AllowAttribute;\nnamespace App;\n";
        var literal = Program(Usings + "[SeccompPolicy] [Allow(\"read\", \"write\")] internal static partial class P;");
        var compilation = GeneratorHarness.CreateCompilation(Usings + declaration);
        var tree = compilation.SyntaxTrees.Single();
        var parts = tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.AttributeLists.Count > 0).ToList();
        if (parts.Count == 1)
            Assert.Null(PolicySyntaxReader.TryRead((ClassDeclarationSyntax)parts[0], default));
        Assert.True(literal.SequenceEqual(Program(Usings + declaration)), form);
    }

    /// <summary>A type of the same name in the policy's namespace shadows Seccomp's attribute: the syntax cannot see it, the analyzers report it.</summary>
    [Fact]
    public void ShadowingTypeIsReportedAsSECC0012()
    {
        const string Source = """
            using Seccomp;
            namespace App;
            internal sealed class AllowAttribute : System.Attribute { public AllowAttribute(params string[] names) { } }
            [SeccompPolicy]
            [Allow("read")]
            [Deny("write")]
            internal static partial class P;
            """;
        var diagnostics = GeneratorHarness.Analyze(Source);
        var d = Assert.Single(diagnostics, x => x.Id == DiagnosticIds.BindsOtherThanWritten);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("1 of its attributes as Seccomp rules where the syntax reads 2", d.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal("SeccompPolicy", Source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));

        // Qualified, the name means Seccomp's again: read from syntax, nothing reported.
        var qualified = Source.Replace("[Allow(\"read\")]", "[global::Seccomp.Allow(\"read\")]");
        Assert.DoesNotContain(GeneratorHarness.Analyze(qualified), x => x.Id == DiagnosticIds.BindsOtherThanWritten);
    }

    /// <summary>
    /// What one declaration's syntax does not show: an alias of the policy attribute (in the file or global, in another
    /// file), an escaped namespace name, two parts of one type whose namespaces are spelled differently. The
    /// generator binds these, so the program is the one the bound attributes declare.
    /// </summary>
    [Fact]
    public void AliasesAndEscapedNamesAreBound()
    {
        byte[] literal = ProgramOf(new[] { "using Seccomp;\nnamespace App;\n[SeccompPolicy] [Allow(\"read\")] [Kill(\"ptrace\")] internal static partial class P;" });
        Assert.Equal(literal, ProgramOf(new[] { "using Seccomp;\nusing Policy = Seccomp.SeccompPolicyAttribute;\nnamespace App;\n[Policy] [Allow(\"read\")] [Kill(\"ptrace\")] internal static partial class P;" }));
        Assert.Equal(literal, ProgramOf(new[] { "global using Policy = Seccomp.SeccompPolicyAttribute;\nglobal using Permit = Seccomp.AllowAttribute;",
            "using Seccomp;\nnamespace App;\n[Policy] [Permit(\"read\")] [Kill(\"ptrace\")] internal static partial class P;" }));
        Assert.Equal(literal, ProgramOf(new[] { "using Seccomp;\nnamespace @App { [SeccompPolicy] [Allow(\"read\")] [Kill(\"ptrace\")] internal static partial class P; }" }));
        // Aliases of aliases: a local alias of a global one, a global alias of a global one.
        Assert.Equal(literal, ProgramOf(new[] { "global using Policy = Seccomp.SeccompPolicyAttribute;\nglobal using Permit = Seccomp.AllowAttribute;",
            "using Seccomp;\nnamespace App { using Q = Policy; using R = Permit; [Q] [R(\"read\")] [Kill(\"ptrace\")] internal static partial class P; }" }));
        Assert.Equal(literal, ProgramOf(new[] { "using Seccomp;\nnamespace App { [SeccompPolicy] [Allow(\"read\")] internal static partial class P; }",
            "global using Permit = Seccomp.KillAttribute;", "namespace App { using R = Permit; [R(\"ptrace\")] internal static partial class P; }" }));
        Assert.Equal(literal, ProgramOf(new[] { "using Seccomp;\nnamespace App { [SeccompPolicy] [Allow(\"read\")] internal static partial class P; }",
            "using Seccomp;\nnamespace @App { [Kill(\"ptrace\")] internal static partial class P; }" }));
    }

    /// <summary>A [SeccompPolicy] of the policy's own namespace is not Seccomp's: the generator, reading syntax, would take it for one; the analyzers say so.</summary>
    [Fact]
    public void ShadowedPolicyAttributeIsReportedAsSECC0012()
    {
        const string Source = """
            using Seccomp;
            namespace App;
            internal sealed class SeccompPolicyAttribute : System.Attribute { }
            [SeccompPolicy]
            [Allow("read")]
            internal static partial class P;
            """;
        var d = Assert.Single(GeneratorHarness.Analyze(Source), x => x.Id == DiagnosticIds.BindsOtherThanWritten);
        Assert.Equal("P", Source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    /// <summary>The syntax reader turns <c>Errno.NAME</c> into a number through the core's table: it must be the runtime enum's.</summary>
    [Fact]
    public void EveryErrnoMemberHasTheRuntimesNumberInTheCoresTable()
    {
        foreach (Errno e in Enum.GetValues<Errno>())
        {
            Assert.True(ErrnoNames.TryGetNumber(e.ToString(), out int n), e.ToString());
            Assert.Equal((int)e, n);
        }
    }

    private static bool HasPolicyAttribute(TypeDeclarationSyntax t) =>
        t.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("SeccompPolicy", StringComparison.Ordinal));

    private static (PolicyTarget? FromSyntax, PolicyTarget? FromBinding) ReadBothWays(string source, string className)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var tree = compilation.SyntaxTrees.Single();
        var cls = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.ValueText == className);
        var symbol = compilation.GetSemanticModel(tree).GetDeclaredSymbol(cls)!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (PolicySyntaxReader.TryRead(cls, default), PolicyTargetReader.Read(symbol, default));
    }

    /// <summary>The x86_64 program the generator builds for App.P from several files.</summary>
    private static byte[] ProgramOf(string[] sources)
    {
        var compilation = GeneratorHarness.CreateCompilation(sources);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        using var pe = new MemoryStream();
        var emit = output.Emit(pe);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(x => x.Severity == DiagnosticSeverity.Error)));
        var type = Assembly.Load(pe.ToArray()).GetType("App.P")!;
        var program = (SeccompProgram)type.GetMethod("GetProgram", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new object[] { SeccompArch.X86_64 })!;
        return program.ToBytes();
    }

    /// <summary>The x86_64 program the generator builds for App.P.</summary>
    private static byte[] Program(string source)
    {
        var assembly = GeneratorHarness.CompileAndLoad(source);
        var type = assembly.GetType("App.P")!;
        var program = (SeccompProgram)type.GetMethod("GetProgram", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new object[] { SeccompArch.X86_64 })!;
        return program.ToBytes();
    }

    /// <summary>Writes a policy model as C# in randomly chosen forms, and says whether the syntax reader must read it.</summary>
    private static class SyntaxForms
    {
        public static (string Source, bool Readable) Write(PolicyModel model, string className, Random rng)
        {
            bool readable = true;
            // One policy in four gets one form only binding can follow: a cast errno, or a constant among a rule's names.
            int bindAt = rng.Next(4) == 0 ? rng.Next(model.Rules.Count + 1) - 1 : -2;
            string Pick(params string[] options) => options[rng.Next(options.Length)];
            string Qualify(string name) => Pick(name, "Seccomp." + name, "global::Seccomp." + name);
            string AttributeName(string name) => Qualify(rng.Next(3) == 0 ? name + "Attribute" : name);
            string Literal(string s) => rng.Next(4) switch
            {
                0 => "@\"" + s.Replace("\"", "\"\"") + "\"",
                1 when !s.Contains('"') => "\"\"\"" + s + "\"\"\"",
                _ => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
            };
            string Errno(int n)
            {
                if (!ErrnoNames.TryGetNumber(ErrnoNames.Of(n), out _))
                {
                    readable = false;
                    return "(" + Qualify("Errno") + ")" + n.ToString(CultureInfo.InvariantCulture);
                }
                return Qualify("Errno") + "." + ErrnoNames.Of(n);
            }
            string Array(IEnumerable<string> items, string type) => rng.Next(3) switch
            {
                0 => "new[] { " + string.Join(", ", items) + " }",
                1 => "new " + type + "[] { " + string.Join(", ", items) + " }",
                _ => "[" + string.Join(", ", items) + "]",
            };

            var settings = new List<string>();
            if (rng.Next(2) == 0 || model.DefaultAction.Action != CoreAction.Errno || model.DefaultAction.Data != 1)
                settings.Add("DefaultAction = " + Qualify("SeccompAction") + "." + model.DefaultAction.Action);
            if (model.DefaultAction.Action == CoreAction.Errno && (model.DefaultAction.Data != 1 || rng.Next(2) == 0))
                settings.Add("DefaultErrno = " + Errno(model.DefaultAction.Data));
            settings.Add("BadArchAction = " + Qualify("SeccompAction") + "." + model.BadArchAction.Action);
            settings.Add("Architectures = " + Array(model.Architectures.Select(a => Qualify("SeccompArch") + "." + a), Qualify("SeccompArch")));
            if (rng.Next(4) == 0) settings.Add("LogDenied = " + Pick("true", "false"));
            if (rng.Next(4) == 0) settings.Add("UnknownSyscalls = " + Qualify("SeccompAction") + "." + Pick("Allow", "Errno", "KillProcess", "Log"));
            if (bindAt != -1 && rng.Next(4) == 0) settings.Add("UnknownSyscallsErrno = " + Errno(rng.Next(1, 134)));
            if (rng.Next(4) == 0) settings.Add("HotSyscalls = " + Array(new[] { Literal("read"), Literal("futex") }, "string"));
            if (bindAt == -1)
            {
                settings.Add("UnknownSyscallsErrno = (" + Qualify("Errno") + ")38");
                readable = false;
            }
            settings = settings.OrderBy(_ => rng.Next()).ToList();

            var sb = new StringBuilder();
            sb.Append("[").Append(AttributeName("SeccompPolicy"));
            if (settings.Count > 0) sb.Append("(").Append(string.Join(", ", settings)).Append(")");
            sb.AppendLine("]");
            foreach (var r in model.Rules)
            {
                bool constant = bindAt >= 0 && r.Index == bindAt;
                var extra = new List<string>();
                string attr = r.Action.Action switch
                {
                    CoreAction.Allow => "Allow", CoreAction.Errno => "Deny", CoreAction.KillProcess or CoreAction.KillThread => "Kill",
                    CoreAction.Log => "Log", CoreAction.Trap => "Trap", CoreAction.Trace => "Trace", _ => "Notify",
                };
                if (r.Action.Action == CoreAction.Errno && (r.Action.Data != 1 || rng.Next(2) == 0)) extra.Add("Errno = " + Errno(r.Action.Data));
                if (r.Action.Action == CoreAction.KillThread) extra.Add("Thread = true");
                if (r.Action.Action == CoreAction.KillProcess && rng.Next(3) == 0) extra.Add("Thread = false");
                if (r.Action.Action is CoreAction.Trap or CoreAction.Trace && (r.Action.Data != 0 || rng.Next(2) == 0))
                    extra.Add("Data = " + r.Action.Data.ToString(CultureInfo.InvariantCulture));
                if (r.When != null) extra.Add("When = " + Literal(r.When));
                var names = r.Syscalls.Select(Literal).ToList();
                string list;
                if (constant)
                {
                    // A constant: only binding knows its value.
                    list = "Names.First" + (names.Count > 1 ? ", " + string.Join(", ", names.Skip(1)) : "");
                    readable = false;
                }
                else
                {
                    list = rng.Next(3) == 0 ? Array(names, "string") : string.Join(", ", names);
                }
                var args = new[] { list }.Where(a => a.Length > 0).Concat(extra.OrderBy(_ => rng.Next())).ToList();
                sb.Append("[").Append(AttributeName(attr));
                if (args.Count > 0 || rng.Next(2) == 0) sb.Append("(").Append(string.Join(", ", args)).Append(")");
                sb.AppendLine("]");
            }
            string first = model.Rules.Count > 0 && model.Rules[0].Syscalls.Count > 0 ? model.Rules[0].Syscalls[0] : "read";
            string declaration = sb + $"public static partial class {className};\n";

            var file = new StringBuilder("using Seccomp;\n");
            switch (rng.Next(4))
            {
                case 0:
                    file.Append("namespace Generated.Forms;\n").Append(declaration);
                    break;
                case 1:
                    file.Append("namespace Generated { namespace Forms {\n").Append(declaration).Append("} }\n");
                    break;
                case 2:
                    file.Append("namespace Generated;\npublic static partial class Outer<T>\n{\n").Append(declaration).Append("}\n");
                    break;
                default:
                    file.Append(declaration);
                    break;
            }
            file.Append("internal static class Names { public const string First = " + Literal(first) + "; }\n");
            return (file.ToString(), readable);
        }
    }
}
