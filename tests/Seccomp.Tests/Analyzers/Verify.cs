using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Seccomp.Analyzers;

namespace Seccomp.Tests.Analyzers;

/// <summary>
/// References for the analyzer tests: the running runtime's own assemblies (no reference pack to download), the
/// runtime library with the attributes, and the compiler core.
/// </summary>
internal static class TestReferences
{
    /// <summary>No reference package: the framework comes from <see cref="Framework"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Framework { get; } = Build();

    private static ImmutableArray<MetadataReference> Build()
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return tpa.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Concat(new[] { typeof(SeccompPolicyAttribute).Assembly.Location, typeof(Seccomp.Compiler.ArchInfo).Assembly.Location })
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    public static void Configure(SolutionState state)
    {
        state.AdditionalReferences.AddRange(Framework);
    }

    public static ParseOptions Parse { get; } = new CSharpParseOptions(LanguageVersion.Latest);
}

/// <summary>
/// An analyzer test that reports only <paramref name="ids"/> (every other SECC diagnostic disabled), so that each test
/// states exactly the diagnostics it is about.
/// </summary>
public sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> where TAnalyzer : DiagnosticAnalyzer, new()
{
    private readonly Func<DiagnosticAnalyzer>? _factory;

    public AnalyzerTest(string source, string[] ids, Func<DiagnosticAnalyzer>? factory = null)
    {
        _factory = factory;
        TestCode = source;
        ReferenceAssemblies = TestReferences.None;
        TestReferences.Configure(TestState);
        if (ids.Length > 0)
            DisabledDiagnostics.AddRange(Descriptors.All.Select(d => d.Id).Where(id => !ids.Contains(id)));
    }

    protected override ParseOptions CreateParseOptions() => TestReferences.Parse;

    protected override System.Collections.Generic.IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
        _factory != null ? new[] { _factory() } : base.GetDiagnosticAnalyzers();
}

public sealed class CodeFixTest<TAnalyzer, TFix> : CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFix : CodeFixProvider, new()
{
    public CodeFixTest(string source, string fixedSource, string[] ids)
    {
        TestCode = source;
        FixedCode = fixedSource;
        ReferenceAssemblies = TestReferences.None;
        TestReferences.Configure(TestState);
        TestReferences.Configure(FixedState);
        if (ids.Length > 0)
            DisabledDiagnostics.AddRange(Descriptors.All.Select(d => d.Id).Where(id => !ids.Contains(id)));
    }

    protected override ParseOptions CreateParseOptions() => TestReferences.Parse;
}

internal static class Verify
{
    /// <summary>The policy analyzer reports exactly the markup's diagnostics among <paramref name="ids"/>.</summary>
    public static System.Threading.Tasks.Task Policy(string source, params string[] ids) =>
        new AnalyzerTest<PolicyAnalyzer>(source, ids).RunAsync();

    public static System.Threading.Tasks.Task Usage(string source, OutputKind kind, params string[] ids)
    {
        var test = new AnalyzerTest<ApplyUsageAnalyzer>(source, ids);
        test.TestState.OutputKind = kind;
        return test.RunAsync();
    }

    /// <summary>A code fix for a diagnostic of <see cref="ApplyUsageAnalyzer"/> in a project of <paramref name="kind"/>.</summary>
    public static System.Threading.Tasks.Task UsageFix<TFix>(string source, string fixedSource, OutputKind kind, params string[] ids) where TFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<ApplyUsageAnalyzer, TFix>(source, fixedSource, ids);
        test.TestState.OutputKind = kind;
        test.FixedState.OutputKind = kind;
        return test.RunAsync();
    }

    public static System.Threading.Tasks.Task Fix<TFix>(string source, string fixedSource, params string[] ids) where TFix : CodeFixProvider, new() =>
        new CodeFixTest<PolicyAnalyzer, TFix>(source, fixedSource, ids).RunAsync();
}
