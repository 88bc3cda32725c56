using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Generators;

namespace Seccomp.Tests.Support;

/// <summary>Runs the generator (and the analyzers) on source text in memory, as the compiler would in a build.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return tpa.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Concat(new[] { typeof(SeccompPolicyAttribute).Assembly.Location, typeof(Seccomp.Compiler.ArchInfo).Assembly.Location })
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources) => CSharpCompilation.Create(
        "PolicyUnderTest" + Guid.NewGuid().ToString("N"),
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
        s_references.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) => CSharpGeneratorDriver.Create(
        new[] { new SeccompGenerator().AsSourceGenerator() },
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>The generated source for the policies in <paramref name="source"/>.</summary>
    public static string[] Generate(string source)
    {
        var driver = CreateDriver().RunGenerators(CreateCompilation(source));
        return driver.GetRunResult().GeneratedTrees.Select(t => t.ToString()).ToArray();
    }

    /// <summary>Generates, compiles and loads; fails the test on any compiler error.</summary>
    public static Assembly CompileAndLoad(string source)
    {
        var compilation = CreateCompilation(source);
        CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var genDiagnostics);
        using var pe = new MemoryStream();
        var emit = output.Emit(pe);
        var errors = genDiagnostics.Concat(emit.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
            throw new InvalidOperationException("the policy does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));
        return Assembly.Load(pe.ToArray());
    }

    /// <summary>The analyzers' diagnostics for <paramref name="source"/>.</summary>
    public static ImmutableArray<Diagnostic> Analyze(string source)
    {
        var compilation = CreateCompilation(source);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new Seccomp.Analyzers.PolicyAnalyzer());
        return compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().Result;
    }
}
