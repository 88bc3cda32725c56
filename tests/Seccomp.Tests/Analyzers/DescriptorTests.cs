using System;
using Seccomp.Compiler.Diagnostics;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Analyzers;
using Seccomp.Compiler.Analysis;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests.Analyzers;

/// <summary>Every descriptor: a page with a bad and a good example, release tracking, configurable severity.</summary>
public class DescriptorTests
{
    private static string Docs => Path.Combine(Paths.Repo, "docs", "diagnostics");

    public static IEnumerable<object[]> Ids => Descriptors.All.Select(d => new object[] { d.Id });

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLinkPointsToAPageInTheRepositoryWithABadAndAGoodExample(string id)
    {
        var d = Descriptors.ById(id)!;
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", d.HelpLinkUri, StringComparison.Ordinal);
        Assert.StartsWith(Descriptors.HelpBase, d.HelpLinkUri, StringComparison.Ordinal);
        string page = Path.Combine(Docs, id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
        string text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {d.Title}", text, StringComparison.Ordinal);
        Assert.Contains("## Bad", text, StringComparison.Ordinal);
        Assert.Contains("## Good", text, StringComparison.Ordinal);
        Assert.Contains($"| {d.DefaultSeverity} |", text, StringComparison.Ordinal);
        Assert.Contains($"[{id}]({id}.md)", File.ReadAllText(Path.Combine(Docs, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryIdHasOneDescriptorAndEveryDescriptorIsSupported()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderBy(x => x), Descriptors.All.Select(d => d.Id).OrderBy(x => x));
        var supported = new DiagnosticAnalyzer[] { new PolicyAnalyzer(), new ApplyUsageAnalyzer() }.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id);
        Assert.Equal(ids.OrderBy(x => x), supported.OrderBy(x => x));
        // The catalog is the one list: every ID has one entry, and the descriptors are built from it.
        Assert.Equal(ids.OrderBy(x => x), DiagnosticCatalog.All.Select(i => i.Id).OrderBy(x => x));
        foreach (var info in DiagnosticCatalog.All)
            Assert.Equal((info.Title, info.Category, info.HelpLink), (Descriptors.Get(info.Id).Title.ToString(), Descriptors.Get(info.Id).Category, Descriptors.Get(info.Id).HelpLinkUri));
    }

    [Fact]
    public void SeveritiesAreErrorsForInvalidInputAndWarningsForQuestionablePolicy()
    {
        foreach (var d in Descriptors.All)
        {
            int n = int.Parse(d.Id.Substring(4), System.Globalization.CultureInfo.InvariantCulture);
            var expected = n == 2 ? DiagnosticSeverity.Warning // a name missing on some target architectures: valid, but questionable
                : n < 30 ? DiagnosticSeverity.Error
                : n is 36 or 44 ? DiagnosticSeverity.Info // notes: a tracer or listener needed; a program-starting call to review
                : DiagnosticSeverity.Warning;
            Assert.True(expected == d.DefaultSeverity, $"{d.Id}: {d.DefaultSeverity}");
            Assert.True(d.IsEnabledByDefault);
            // Every rule can be configured but SECC0012, which guards the program the generator emits.
            Assert.Equal(d.Id == DiagnosticIds.BindsOtherThanWritten, d.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable));
        }
    }

    [Fact]
    public void EveryDescriptorIsInTheDocsTableWithItsSeverityCategoryAndTitle()
    {
        // The catalog in the core is the one list; the table in docs/diagnostics/README.md must say the same.
        var rows = File.ReadAllLines(Path.Combine(Docs, "README.md"))
            .Where(l => l.StartsWith("| [SECC", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(p => p.Trim()).ToArray())
            .ToDictionary(p => p[1].Substring(1, 8));
        foreach (var d in Descriptors.All)
        {
            Assert.True(rows.TryGetValue(d.Id, out var row), $"{d.Id} is not in docs/diagnostics/README.md");
            Assert.Equal((d.DefaultSeverity.ToString(), d.Category, d.Title.ToString()), (row[2], row[3], row[4]));
        }
    }

    [Fact]
    public Task SeverityCanBeConfiguredInEditorConfig()
    {
        var test = new AnalyzerTest<PolicyAnalyzer>("""
            using Seccomp;
            [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
            [Kill("ptrace")]
            [Allow("ptrace")]
            [Kill("read", When = "fd == 1 && fd == 2")]
            [Kill({|SECC0001:"ptrce"|})]
            internal static partial class P;
            """, Array.Empty<string>());
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.SECC0030.severity = none
            dotnet_diagnostic.SECC0034.severity = none
            """));
        return test.RunAsync();
    }

    /// <summary>
    /// The compiler's own path: .editorconfig severities reach the compilation as per-tree options, as csc builds them.
    /// (The analyzer testing library applies 'none' but not a raised severity, so this test compiles directly.)
    /// </summary>
    [Theory]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    [InlineData("none", null)]
    public async Task SeverityCanBeSetInEditorConfig(string setting, DiagnosticSeverity? expected)
    {
        const string source = """
            using Seccomp;
            [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
            [Kill("ptrace")]
            [Allow("ptrace")]
            internal static partial class P;
            """;
        var config = AnalyzerConfig.Parse($"root = true\n\n[*.cs]\ndotnet_diagnostic.SECC0030.severity = {setting}\n", "/repo/.editorconfig");
        var treeOptions = AnalyzerConfigSet.Create(new[] { config }).GetOptionsForSourcePath("/repo/Policy.cs").TreeOptions;
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "/repo/Policy.cs");
        var compilation = GeneratorHarness.CreateCompilation().AddSyntaxTrees(tree);
        compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new TreeOptions(tree, treeOptions)));
        var diagnostics = await compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new PolicyAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        var found = diagnostics.Where(d => d.Id == "SECC0030").ToList();
        if (expected == null) Assert.Empty(found);
        else Assert.Equal(expected, Assert.Single(found).Severity);
    }

    private sealed class TreeOptions : SyntaxTreeOptionsProvider
    {
        private readonly SyntaxTree _tree;
        private readonly System.Collections.Immutable.ImmutableDictionary<string, ReportDiagnostic> _options;

        public TreeOptions(SyntaxTree tree, System.Collections.Immutable.ImmutableDictionary<string, ReportDiagnostic> options)
        {
            _tree = tree;
            _options = options;
        }

        public override GeneratedKind IsGenerated(SyntaxTree tree, System.Threading.CancellationToken cancellationToken) => GeneratedKind.NotGenerated;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, System.Threading.CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = default;
            return tree == _tree && _options.TryGetValue(diagnosticId, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, System.Threading.CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = default;
            return false;
        }
    }

    // ---- The pages' examples say what the analyzers do ------------------------------------------------------------

    /// <summary>Pages whose examples are complete policies the policy analyzer can check.</summary>
    public static IEnumerable<object[]> PolicyPages => Descriptors.Policies
        .Where(d => d.Id is not ("SECC0010" or "SECC0011"))
        .Select(d => new object[] { d.Id });

    private static string Example(string page, string heading)
    {
        var m = Regex.Match(page, "## " + heading + @"\s+```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(m.Success, heading + " example not found");
        return m.Groups[1].Value;
    }

    [Theory]
    [MemberData(nameof(PolicyPages))]
    public void BadExampleGetsTheDiagnosticAndGoodExampleDoesNot(string id)
    {
        string page = File.ReadAllText(Path.Combine(Docs, id + ".md"));
        var bad = GeneratorHarness.Analyze(Example(page, "Bad"));
        Assert.Contains(bad, d => d.Id == id);
        var good = GeneratorHarness.Analyze(Example(page, "Good"));
        if (id != "SECC0036") // informational: a supervised Notify rule is still noted
            Assert.DoesNotContain(good, d => d.Id == id);
        Assert.DoesNotContain(good, d => d.Severity == DiagnosticSeverity.Error);
    }
}
